/// The contract list's table rows and the obligation list's, written by Swift (see ``HTMLFragment``): a page of
/// rows was most of what Leaf evaluated on these pages. The tables around them are in `contracts/index.leaf` and
/// `contracts/obligations.leaf`.
enum ContractListView {
    static func rows(_ rows: [ContractsController.ListPage.Row], t: (String, [String: String]) -> String)
        -> HTMLFragment
    {
        var html = HTMLWriter(reservingCapacity: rows.count * 1_000)
        // Each cell names its column, so a phone shows a row as a card of labelled values.
        let label = ["number", "title", "customer", "project", "amountWan", "staff", "state", "updatedAt"].reduce(
            into: [String: String]()
        ) {
            $0[$1] = t("contract.field.\($1)", [:])
        }
        func cell(_ column: String, _ attributes: StaticString = "") {
            html.openCell(label: label[column] ?? "", attributes)
        }
        for row in rows {
            html.raw("<tr>\n      ")
            cell("number", " class=\"nowrap\"")
            html.element("<a href=\"", SiteURL.contract(row.id).path, "\">")
            html.element("<code>", row.number, "</code></a></td>")
            cell("title")
            html.element("", row.title, " ")
            html.element("<span class=\"muted\">", row.typeLabel, "</span></td>\n      ")
            cell("customer")
            html.element("", row.customerName, "</td>")
            cell("project")
            html.element("", row.projectName, "</td>")
            cell("amountWan", " class=\"num\"")
            html.element("", row.amountWan, "</td>")
            cell("staff")
            html.element("", row.staffName, "</td>\n      ")
            cell("state")
            html.element("<span class=\"tag contract-", row.state, "\">")
            html.element("", t(row.stateKey, [:]), "</span>")
            if row.isForwarded { html.element(" <span class=\"tag tag-orange\">", t(row.reviewKey, [:]), "</span>") }
            if row.overdue > 0 {
                html.element(
                    " <span class=\"tag tag-red\">", t("contracts.overdue_count", ["count": String(row.overdue)]),
                    "</span>")
            }
            html.raw("</td>\n      ")
            cell("updatedAt", " class=\"nowrap muted\"")
            html.element("", row.updatedAt, "</td></tr>")
        }
        return html.fragment
    }
}

enum ObligationListView {
    static func rows(
        _ rows: [ObligationsController.ListPage.Row], isPayments: Bool, canReceive: Bool, csrf: String,
        t: (String, [String: String]) -> String
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: rows.count * 1_000)
        let overdue = t("obligations.overdue", [:])
        let label = [
            "dueOn": t("obligation.field.dueOn", [:]), "title": t("obligation.field.title", [:]),
            "number": t("contract.field.number", [:]),
            "customer": t("contract.field.customer", [:]), "amountWan": t("obligation.field.amountWan", [:]),
            "staff": t("obligation.field.staff", [:]),
        ]
        func labelled(_ column: String) { html.element(" data-label=\"", label[column] ?? "", "\">") }
        for row in rows {
            html.raw("<tr>\n      <td class=\"nowrap")
            if row.isOverdue { html.raw(" overdue") }
            html.raw("\"")
            labelled("dueOn")
            html.text(row.dueOn)
            if row.isOverdue { html.element(" · ", overdue, "") }
            html.raw("</td>\n      <td")
            labelled("title")
            html.element("", row.title, " ")
            html.element("<span class=\"muted\">", t(row.kindKey, [:]), "</span></td>\n      <td")
            labelled("number")
            if isPayments {
                html.element("<code>", row.contractNumber, "</code></td>")
            } else {
                html.element("<a href=\"", SiteURL.contract(row.contractID).path, "\">")
                html.element("<code>", row.contractNumber, "</code></a></td>")
            }
            html.raw("<td")
            labelled("customer")
            html.element("", row.customerName, "</td>\n      <td class=\"num\"")
            labelled("amountWan")
            html.element("", row.amountWan, "</td><td")
            labelled("staff")
            html.element("", row.staffName, "</td>\n      ")
            if canReceive {
                if row.isDone {
                    html.element("<td><span class=\"tag tag-green\">", t("payments.received", [:]), "</span></td>")
                } else {
                    html.element(
                        "<td><form method=\"post\" action=\"", SiteURL.paymentReceipt(row.id).path,
                        "\" class=\"inline-form\">\n        ")
                    html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                    html.element("<input type=\"hidden\" name=\"version\" value=\"", String(row.version), "\">")
                    html.element(
                        "<button class=\"btn btn-small\" type=\"submit\">", t("payments.receive", [:]),
                        "</button></form></td>")
                }
            }
            html.raw("\n    </tr>")
        }
        return html.fragment
    }
}
