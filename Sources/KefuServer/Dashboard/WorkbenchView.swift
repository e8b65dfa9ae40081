/// The workbench's lists written by Swift (see ``HTMLFragment``): the supervisor's table of a whole
/// team and the day's lists are what Leaf would otherwise evaluate value by value on the page people
/// open most. The cards around them are in `dashboard/index.leaf`.
enum WorkbenchView {
    static func team(_ members: [WorkbenchPage.Member]) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: members.count * 420)
        for m in members {
            let id = String(m.staffID)
            html.element("<tr>\n      <td>", m.name, "</td>")
            html.raw(m.promisedOverdue > 0 ? "\n      <td class=\"num overdue\">" : "\n      <td class=\"num\">")
            let promised = SiteURL.inquiries.path(query: ["status": "promised", "staff": id])
            html.element("<a href=\"", promised, "\">")
            html.element("", String(m.promisedOverdue), "</a></td>")
            html.element("\n      <td class=\"num\"><a href=\"", promised, "\">")
            html.element("", String(m.promisedDue), "</a></td>")
            html.raw(m.followUpsOverdue > 0 ? "\n      <td class=\"num overdue\">" : "\n      <td class=\"num\">")
            html.element("<a href=\"", SiteURL.followUps.path(query: ["view": "overdue", "staff": id]), "\">")
            html.element("", String(m.followUpsOverdue), "</a></td>")
            html.element(
                "\n      <td class=\"num\"><a href=\"", SiteURL.followUps.path(query: ["view": "open", "staff": id]),
                "\">")
            html.element("", String(m.followUpsToday), "</a></td></tr>")
        }
        return html.fragment
    }

    static func promises(_ promises: [WorkbenchPage.Promise], overdueLabel: String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: promises.count * 240)
        for p in promises {
            html.element("<li><a href=\"", SiteURL.inquiry(p.id).path, "\">")
            html.element("<code>", p.number, "</code> ")
            html.element("", p.customer, "</a> · ")
            html.text(p.question)
            html.raw(p.isOverdue ? "\n    <br><span class=\"overdue\">" : "\n    <br><span class=\"muted\">")
            html.text(p.promisedBy)
            if p.isOverdue { html.element(" · ", overdueLabel, "") }
            html.raw("</span></li>")
        }
        return html.fragment
    }

    static func followUps(_ followUps: [WorkbenchPage.FollowUp], overdueLabel: String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: followUps.count * 200)
        for f in followUps {
            html.element("<li><a href=\"", SiteURL.customerFollowUps(f.customerID).path, "\">")
            html.element("", f.customer, "</a> · ")
            html.text(f.purpose)
            html.raw(f.isOverdue ? "\n    <br><span class=\"overdue\">" : "\n    <br><span class=\"muted\">")
            html.text(f.dueAt)
            if f.isOverdue { html.element(" · ", overdueLabel, "") }
            html.raw("</span></li>")
        }
        return html.fragment
    }

    /// The public-form queue; `linked` only for who may open and assign a waiting inquiry.
    static func waiting(_ waiting: [WorkbenchPage.Waiting], linked: Bool = true) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: waiting.count * 200)
        for w in waiting {
            if linked {
                html.element("<li><a href=\"", SiteURL.inquiry(w.id).path, "\">")
                html.element("<code>", w.number, "</code></a> ")
            } else {
                html.element("<li><code>", w.number, "</code> ")
            }
            html.element("", w.visitor, " · ")
            html.text(w.question)
            html.element("\n    <br><span class=\"muted\">", w.receivedAt, "</span></li>")
        }
        return html.fragment
    }

    static func assigned(_ assigned: [WorkbenchPage.Assigned], localize: (String) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: assigned.count * 200)
        for c in assigned {
            html.element("<li><a href=\"", SiteURL.customer(c.id).path, "\">")
            html.element("<code>", c.code, "</code> ")
            html.element("", c.name, "</a> ")
            html.element("", c.company, " <span class=\"tag\">")
            html.element("", localize(c.stageKey), "</span></li>")
        }
        return html.fragment
    }
}
