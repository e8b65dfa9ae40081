/// The complaint list's table rows, written by Swift (see ``HTMLFragment``); the table around them is in
/// `complaints/index.leaf`. Each cell carries its column's name as `data-label`, so a phone shows a row as a card.
enum ComplaintListView {
    static func rows(_ items: [ComplaintsController.ListPage.Item], t: (String, [String: String]) -> String)
        -> HTMLFragment
    {
        var html = HTMLWriter(reservingCapacity: items.count * 1_100)
        let label = [
            "number": t("complaint.field.number", [:]), "customer": t("complaint.field.customer", [:]),
            "category": t("complaint.field.category", [:]),
            "severity": t("complaint.field.severity", [:]), "state": t("complaint.field.state", [:]),
            "timeLeft": t("complaint.field.time_left", [:]),
            "staff": t("complaint.field.staff", [:]), "receivedAt": t("complaint.field.receivedAt", [:]),
        ]
        let silent = t("complaint.silent", [:])
        for item in items {
            html.element("<tr>\n      <td class=\"nowrap\" data-label=\"", label["number"]!, "\">")
            html.element("<a href=\"", SiteURL.complaint(item.id).path, "\">")
            html.element("<code>", item.number, "</code></a></td>\n      ")
            html.element("<td data-label=\"", label["customer"]!, "\">")
            html.element("", item.customerName, "</td>")
            html.element("<td data-label=\"", label["category"]!, "\">")
            html.element("", item.categoryName, "</td>\n      ")
            html.element("<td data-label=\"", label["severity"]!, "\"><span class=\"tag ")
            switch item.severity {
            case "urgent": html.raw("tag-red")
            case "major": html.raw("tag-orange")
            default: html.raw("tag-grey")
            }
            html.element("\">", t(item.severityKey, [:]), "</span></td>\n      ")
            html.element("<td data-label=\"", label["state"]!, "\"><span class=\"tag tag-blue\">")
            html.element("", t(item.stateKey, [:]), "</span>")
            if item.isSilent { html.element(" <span class=\"tag tag-orange\">", silent, "</span>") }
            html.raw("</td>\n      <td class=\"nowrap")
            if item.isLate { html.raw(" text-danger") }
            html.element("\" data-label=\"", label["timeLeft"]!, "\">")
            html.text(item.timeLeft)
            if item.hasLevel {
                html.element(
                    " <span class=\"tag tag-red\">", t("complaint.level", ["level": String(item.level)]), "</span>")
            }
            html.raw("</td>\n      ")
            html.element("<td data-label=\"", label["staff"]!, "\">")
            html.element("", item.staffName, "</td>")
            html.element("<td class=\"nowrap muted\" data-label=\"", label["receivedAt"]!, "\">")
            html.element("", item.receivedAt, "</td></tr>")
        }
        return html.fragment
    }
}
