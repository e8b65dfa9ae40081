/// The rows of a person's record page, written by Swift (see ``HTMLFragment``): the busiest person's record
/// is a few hundred cells, and Leaf evaluating them one value at a time was most of the page's time. The
/// sections' cards around the rows are in `person_record/show.leaf`.
enum PersonRecordView {
    struct Section: Encodable {
        var key: String, title: String, columns: [String], note: String?, rows: HTMLFragment
        /// Under a section that shows only its latest rows: says so, rather than ending as if complete.
        var more: String?
    }

    static func sections(_ document: PersonRecordDocument, words: DisplayWords) -> [Section] {
        document.sections.map { section in
            var more: String?
            if let limit = PersonRecordReader.shownAtMost[section.key], section.rows.count >= limit {
                more = words.t("person_record.latest_only", ["count": String(limit)])
            }
            return Section(
                key: section.key, title: section.title, columns: section.columns, note: section.note,
                rows: rows(section), more: more)
        }
    }

    static func rows(_ section: PersonRecordDocument.Section) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: section.rows.count * 400)
        // Each cell names its column, so a phone shows a row as a card of labelled values.
        for row in section.rows {
            html.raw("<tr>")
            for (index, cell) in row.enumerated() {
                html.openCell(label: index < section.columns.count ? section.columns[index] : "")
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
