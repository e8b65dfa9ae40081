/// The customer file's repeated parts written by Swift (see ``HTMLFragment``): the field lists, the
/// timeline and the change history. The sections around them are in `customers/show.leaf`.
enum CustomerFileView {
    /// `<dt>label</dt><dd>value</dd>` for each field.
    static func fields(_ fields: [CustomerFilePage.Field], localize: (String) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: fields.count * 64)
        for field in fields {
            html.element("<dt>", localize(field.labelKey), "</dt>")
            html.element("<dd>", field.value, "</dd>")
        }
        return html.fragment
    }

    static func timeline(_ entries: [CustomerFilePage.Entry], localize: (String) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: entries.count * 160)
        for entry in entries {
            html.element("<li><span class=\"muted nowrap\">", entry.occurredAt, "</span>")
            html.element(" <span class=\"tag\">", localize(entry.kindKey), "</span>")
            html.element(" ", entry.summary, "")
            html.element(" <span class=\"muted\">· ", entry.actorName, "</span>")
            if let record = entry.communication {
                html.element(
                    "<details class=\"timeline-detail\"><summary>", localize("communication.more"),
                    "</summary><dl class=\"fields\">")
                html.element("<dt>", localize("communication.field.channel"), "</dt>")
                html.element("<dd>", record.channel, "")
                html.element(" · ", record.direction, "</dd>")
                html.element("<dt>", localize("communication.label.duration"), "</dt>")
                html.element("<dd>", record.duration, "</dd>")
                html.element("<dt>", localize("communication.field.content"), "</dt>")
                html.element("<dd class=\"pre-line\">", record.content, "</dd>")
                html.element("<dt>", localize("communication.field.next_step"), "</dt>")
                html.element("<dd>", record.nextStep, "")
                if let href = record.followUpHref {
                    html.element(" <a class=\"btn btn-small\" href=\"", href, "\">")
                    html.text(localize("communication.next_step_to_follow_up"))
                    html.raw("</a>")
                }
                html.raw("</dd></dl></details>")
            }
            html.raw("</li>")
        }
        return html.fragment
    }

    static func changes(_ changes: [CustomerFilePage.Change], localize: (String) -> String) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: changes.count * 160)
        for change in changes {
            html.element("<tr><td class=\"nowrap\">", change.changedAt, "</td>")
            html.element("<td>", change.actorName, "</td>")
            html.element("<td>", localize(change.fieldKey), "</td>")
            html.element("<td>", change.oldValue, "</td>")
            html.element("<td>", change.newValue, "</td></tr>")
        }
        return html.fragment
    }
}
