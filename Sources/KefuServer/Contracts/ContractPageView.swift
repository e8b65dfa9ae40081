import Foundation

/// The contract page's repeated rows — the checklist, the obligations with their two forms each, the
/// timeline — written by Swift (see ``HTMLFragment``). Leaf spent a third of the page's time on these
/// loops and their per-row `#t` and `#options`; the cards around them stay in `contracts/show.leaf`.
enum ContractPageView {
    typealias Localize = (String, [String: String]) -> String

    static func checklistRows(
        _ items: [ContractPage.Item], contractID: Int, canEdit: Bool, csrf: String, t: Localize
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: items.count * 1_200)
        let optional = t("contract.checklist.optional", [:]), upload = t("contract.checklist.upload", [:])
        let status = t("contract.checklist.status", [:]), reason = t("contract.checklist.reason", [:])
        let save = t("contracts.save", [:])
        // Each cell names its column, so a phone shows a row as a card of labelled values.
        let document = t("contract.checklist.document", [:]), files = t("contract.checklist.files", [:])
        for item in items {
            html.element("<tr id=\"item-", String(item.id), "\">\n      ")
            html.element("<td data-label=\"", document, "\">")
            html.text(item.name)
            if item.isRequired { html.raw(" *") } else { html.element(" <span class=\"muted\">", optional, "</span>") }
            html.element("</td>\n      <td data-label=\"", status, "\">")
            html.element("<span class=\"tag checklist-", item.status, "\">")
            html.element("", t(item.statusKey, [:]), "</span>")
            if item.hasReason { html.element(" <span class=\"muted\">", item.reason, "</span>") }
            html.element("</td>\n      <td data-label=\"", files, "\">")
            for file in item.files {
                html.element("<a href=\"", SiteURL.contractFile(contractID, fileID: file.id).path, "\">")
                html.element("", file.name, "</a> ")
                html.element("<span class=\"muted\">", file.size, "</span><br>")
            }
            if canEdit {
                html.element(
                    "<form method=\"post\" action=\"",
                    SiteURL.contractChecklistItemFiles(contractID, itemID: item.id).path,
                    "\" enctype=\"multipart/form-data\" class=\"inline-form\">\n          ")
                html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                html.element(
                    "<input type=\"file\" name=\"file\" accept=\".pdf,.jpg,.jpeg,.png,.docx\" aria-label=\"", upload,
                    "\">\n          ")
                html.element("<button class=\"btn btn-small\" type=\"submit\">", upload, "</button></form>")
            }
            html.raw("</td>")
            if canEdit {
                html.raw("\n      <td class=\"row-forms\">")
                html.element(
                    "<form method=\"post\" action=\"", SiteURL.contractChecklistItem(contractID, itemID: item.id).path,
                    "\" class=\"inline-form checklist-form\">\n        ")
                html.element("<input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                html.element("<input type=\"hidden\" name=\"version\" value=\"", String(item.version), "\">\n        ")
                html.element("<select name=\"status\" aria-label=\"", status, "\">")
                html.fragment(ChoiceOption.fragment(item.statuses) { t($0, [:]) })
                html.element("</select>\n        <input name=\"reason\" value=\"", item.typedReason, "\" ")
                html.element("placeholder=\"", reason, "\" maxlength=\"500\" ")
                html.element("aria-label=\"", reason, "\">\n        ")
                html.element("<button class=\"btn btn-small\" type=\"submit\">", save, "</button></form>")
                if item.hasProblem {
                    html.element("\n        <p class=\"field-error\" role=\"alert\">", item.problem, "</p>")
                }
                html.raw("</td>")
            }
            html.raw("\n    </tr>")
        }
        return html.fragment
    }

    static func obligationRows(
        _ obligations: [ContractPage.Obligation], canAct: Bool, channels: [ChoiceOption], csrf: String, t: Localize
    ) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: obligations.count * 1_500)
        let overdue = t("obligations.overdue", [:]), byFinance = t("obligations.payment_by_finance", [:])
        let fulfil = t("obligations.fulfil", [:]), channel = t("follow_up.field.channel", [:])
        let content = t("obligations.notice_content", [:]), log = t("obligations.log_notice", [:])
        let channelOptions = ChoiceOption.fragment(channels) { t($0, [:]) }
        let label = ["dueOn", "title", "amountWan", "staff"].reduce(into: [String: String]()) {
            $0[$1] = t("obligation.field.\($1)", [:])
        }
        for o in obligations {
            let id = String(o.id)
            html.element("<tr id=\"obligation-", id, "\">\n      ")
            html.raw(o.isOverdue ? "<td class=\"nowrap overdue\"" : "<td class=\"nowrap\"")
            html.element(" data-label=\"", label["dueOn"] ?? "", "\">")
            html.text(o.dueOn)
            if o.isOverdue { html.element(" · ", overdue, "") }
            html.element("</td>\n      <td data-label=\"", label["title"] ?? "", "\">")
            html.element("", o.title, " ")
            html.element("<span class=\"muted\">", t(o.kindKey, [:]), " · ")
            html.element("", t(o.partyKey, [:]), "</span>")
            for notice in o.notices { html.element("<br><span class=\"muted\">", notice, "</span>") }
            html.element("</td>\n      <td class=\"num\" data-label=\"", label["amountWan"] ?? "", "\">")
            html.element("", o.amountWan, "</td>")
            html.element("<td data-label=\"", label["staff"] ?? "", "\">")
            html.element("", o.staffName, "</td>\n      <td class=\"row-forms\">")
            if o.isDone {
                html.element("<span class=\"tag tag-green\">✓ ", o.doneAt, "</span>")
            } else if canAct {
                if o.isPayment {
                    html.element("<span class=\"muted\">", byFinance, "</span>")
                } else {
                    html.element(
                        "<form method=\"post\" action=\"", SiteURL.obligationFulfilment(o.id).path,
                        "\" class=\"inline-form\">")
                    html.element("\n          <input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                    html.element("<input type=\"hidden\" name=\"version\" value=\"", String(o.version), "\">")
                    html.element("<button class=\"btn btn-small\" type=\"submit\">", fulfil, "</button></form>")
                }
                html.element(
                    "\n        <form method=\"post\" action=\"", SiteURL.obligationNotices(o.id).path,
                    "\" class=\"inline-form\">")
                html.element("\n          <input type=\"hidden\" name=\"_csrf\" value=\"", csrf, "\">")
                html.element("<select name=\"channel\" aria-label=\"", channel, "\">")
                html.fragment(channelOptions)
                html.element(
                    "</select>\n          <input name=\"content\" maxlength=\"2000\" value=\"", o.typedNotice, "\" ")
                html.element("placeholder=\"", content, "\" ")
                html.element("aria-label=\"", content, "\">\n          ")
                html.element("<button class=\"btn btn-small\" type=\"submit\">", log, "</button></form>")
                if o.hasNoticeError {
                    html.element("<p class=\"field-error\" role=\"alert\" id=\"notice-error-", id, "\">")
                    html.element("", o.noticeError, "</p>")
                }
            }
            html.raw("</td></tr>")
        }
        return html.fragment
    }

    static func timelineItems(_ entries: [ContractPage.Entry], t: Localize) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: entries.count * 200)
        for entry in entries {
            html.element("<li><span class=\"muted\">", entry.time, "</span> · ")
            html.element("", t(entry.kindKey, [:]), " · ")
            html.element("", entry.summary, " ")
            html.element("<span class=\"muted\">· ", entry.actor, "</span></li>")
        }
        return html.fragment
    }
}
