/// The customer list's table rows, written by Swift: a page of rows (20 by default, up to 100) of ten
/// cells is most of what Leaf would evaluate on the page (see ``HTMLFragment``). The table around them
/// is in `customers/index.leaf`.
enum CustomerListView {
    /// The column names each cell carries as `data-label`, so a phone shows each row as a card of
    /// labelled values (issue 10 #12).
    struct Labels {
        var code, name, company, mobile, region, stage, grade, responsible, updatedAt: String
    }

    static func rows(
        _ rows: [CustomerListPage.Row], canReassign: Bool, maskedLabel: String, maskedHint: String,
        labels: Labels? = nil,
        checked: Set<Int> = []
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 900)
        func open(_ label: KeyPath<Labels, String>, nowrap: Bool = false) {
            html.raw("\n        <td")
            if nowrap { html.raw(" class=\"nowrap\"") }
            if let labels { html.element(" data-label=\"", labels[keyPath: label], "\"") }
            html.raw(">")
        }
        for row in rows {
            html.raw("\n      <tr>\n        ")
            if canReassign {
                html.element(
                    "<td class=\"check\"><input type=\"checkbox\" name=\"customerIDs[]\" value=\"", String(row.id), "\""
                )
                html.element(" aria-label=\"", row.code, "\"")
                html.raw(checked.contains(row.id) ? " checked></td>" : "></td>")
            }
            open(\.code, nowrap: true)
            html.element("<a href=\"", SiteURL.customer(row.id).path, "\">")
            html.element("<code>", row.code, "</code></a></td>")
            open(\.name)
            html.element("<a href=\"", SiteURL.customer(row.id).path, "\">")
            html.element("", row.name, "</a></td>")
            open(\.company)
            html.element("", row.companyName.flatMap { $0.isEmpty ? nil : $0 } ?? "—", "</td>")
            open(\.mobile, nowrap: true)
            html.text(row.mobile ?? "—")
            if row.isMasked {
                html.element(" <span class=\"tag tag-grey\" title=\"", maskedHint, "\">")
                html.element("", maskedLabel, "</span>")
            }
            html.raw("</td>")
            open(\.region)
            html.element("", row.region.isEmpty ? "—" : row.region, "</td>")
            open(\.stage)
            html.element("<span class=\"tag stage-", row.stage, "\">")
            html.element("", row.stageLabel, "</span></td>")
            open(\.grade)
            html.element("", row.grade ?? "—", "</td>")
            open(\.responsible)
            html.element("", row.responsibleName ?? "—", "</td>")
            open(\.updatedAt, nowrap: true)
            html.element("", row.updatedAt, "</td>\n      </tr>")
        }
        return html.fragment
    }
}
