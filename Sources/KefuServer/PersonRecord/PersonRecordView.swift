/// The rows of a person's record page, written by Swift (see ``HTMLFragment``): the busiest person's record
/// is a few hundred cells, and Leaf evaluating them one value at a time was most of the page's time. The
/// sections' cards around the rows are in `person_record/show.leaf`.
enum PersonRecordView {
    struct Section: Encodable {
        var key: String, title: String, columns: [String], note: String?, rows: HTMLFragment
    }

    static func sections(_ document: PersonRecordDocument) -> [Section] {
        document.sections.map {
            Section(key: $0.key, title: $0.title, columns: $0.columns, note: $0.note, rows: rows($0))
        }
    }

    static func rows(_ section: PersonRecordDocument.Section) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: section.rows.count * 400)
        // Each cell names its column, so a phone shows a row as a card of labelled values.
        for row in section.rows {
            html.raw("<tr>")
            for (index, cell) in row.enumerated() {
                html.element("<td data-label=\"", index < section.columns.count ? section.columns[index] : "", "\">")
                if let link = cell.link {
                    html.element("<a href=\"", link, "\">")
                    html.element("", cell.text, "</a>")
                } else {
                    html.text(cell.text)
                }
                html.raw("</td>")
            }
            html.raw("</tr>\n")
        }
        return html.fragment
    }
}
