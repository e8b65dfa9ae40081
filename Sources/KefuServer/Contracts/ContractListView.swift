/// The contract list's table rows and the obligation list's, written by Swift (see ``HTMLFragment``): a page of
/// rows was most of what Leaf evaluated on these pages. The tables around them are in `contracts/index.leaf` and
/// `contracts/obligations.leaf`.
enum ContractListView {
    static func rows(_ rows: [ContractsController.ListPage.Row], t: (String, [String: String]) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 700)
        for row in rows {
            html.element("<tr>\n      <td class=\"nowrap\"><a href=\"/contracts/", String(row.id), "\">")
            html.element("<code>", row.number, "</code></a></td>")
            html.element("<td>", row.title, " ")
            html.element("<span class=\"muted\">", row.typeLabel, "</span></td>\n      ")
            html.element("<td>", row.customerName, "</td>")
            html.element("<td>", row.projectName, "</td>")
            html.element("<td class=\"num\">", row.amountWan, "</td>")
            html.element("<td>", row.staffName, "</td>\n      ")
            html.element("<td><span class=\"tag contract-", row.state, "\">")
            html.element("", t(row.stateKey, [:]), "</span>")
            if row.isForwarded { html.element(" <span class=\"tag tag-orange\">", t(row.reviewKey, [:]), "</span>") }
            if row.overdue > 0 { html.element(" <span class=\"tag tag-red\">", t("contracts.overdue_count", ["count": String(row.overdue)]), "</span>") }
            html.element("</td>\n      <td class=\"nowrap muted\">", row.updatedAt, "</td></tr>")
        }
        return html.fragment
    }
}

enum ObligationListView {
    static func rows(_ rows: [ObligationsController.ListPage.Row], isPayments: Bool, canReceive: Bool, csrf: String,
                     t: (String, [String: String]) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 700)
        let overdue = t("obligations.overdue", [:])
        for row in rows {
            html.raw("<tr>\n      <td class=\"nowrap")
            if row.isOverdue { html.raw(" overdue") }
            html.element("\">", row.dueOn, "")
            if row.isOverdue { html.element(" · ", overdue, "") }
            html.element("</td>\n      <td>", row.title, " ")
            html.element("<span class=\"muted\">", t(row.kindKey, [:]), "</span></td>\n      ")
            if isPayments {
                html.element("<td><code>", row.contractNumber, "</code></td>")
            } else {
                html.element("<td><a href=\"/contracts/", String(row.contractID), "\">")
                html.element("<code>", row.contractNumber, "</code></a></td>")
            }
            html.element("<td>", row.customerName, "</td>\n      ")
            html.element("<td class=\"num\">", row.amountWan, "</td>")
            html.element("<td>", row.staffName, "</td>\n      ")
            if canReceive {
                if row.isDone {
                    html.element("<td><span class=\"tag tag-green\">", t("payments.received", [:]), "</span></td>")
                } else {
                    html.element("<td><form method=\"post\" action=\"/payments/", String(row.id), "/receipt\" class=\"inline-form\">\n        ")
                    html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                    html.element("<input type=\"hidden\" name=\"version\" value=\"", String(row.version), "\">")
                    html.element("<button class=\"btn btn-small\" type=\"submit\">", t("payments.receive", [:]), "</button></form></td>")
                }
            }
            html.raw("\n    </tr>")
        }
        return html.fragment
    }
}
