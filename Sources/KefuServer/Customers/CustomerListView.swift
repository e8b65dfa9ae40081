/// The customer list's table rows, written by Swift: a page of rows (20 by default, up to 100) of ten
/// cells is most of what Leaf would evaluate on the page (see ``HTMLFragment``). The table around them
/// is in `customers/index.leaf`.
enum CustomerListView {
    static func rows(_ rows: [CustomerListPage.Row], canReassign: Bool, maskedLabel: String, maskedHint: String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 720)
        for row in rows {
            html.raw("\n      <tr>\n        ")
            if canReassign {
                html.element("<td class=\"check\"><input type=\"checkbox\" name=\"customerIDs[]\" value=\"", String(row.id), "\"")
                html.element(" aria-label=\"", row.code, "\"></td>")
            }
            html.element("\n        <td><a href=\"/customers/", String(row.id), "\">")
            html.element("<code>", row.code, "</code></a></td>")
            html.element("\n        <td><a href=\"/customers/", String(row.id), "\">")
            html.element("", row.name, "</a></td>")
            html.element("\n        <td>", row.companyName ?? "", "</td>")
            html.element("\n        <td class=\"nowrap\">", row.mobile ?? "", "")
            if row.isMasked {
                html.element(" <span class=\"tag tag-grey\" title=\"", maskedHint, "\">")
                html.element("", maskedLabel, "</span>")
            }
            html.element("</td>\n        <td>", row.region, "</td>")
            html.element("\n        <td><span class=\"tag stage-", row.stage, "\">")
            html.element("", row.stageLabel, "</span></td>")
            html.element("\n        <td>", row.grade ?? "", "</td>")
            html.element("\n        <td>", row.responsibleName ?? "", "</td>")
            html.element("\n        <td class=\"nowrap\">", row.updatedAt, "</td>\n      </tr>")
        }
        return html.fragment
    }
}
