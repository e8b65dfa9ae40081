import Foundation
import KefuDomain
import Vapor

/// Puts what is stored as codes into words in the reader's language, at display time (S2; issue 10
/// #5 and #13): field names, vocabulary values (stages, industries, reactions …), lists with the
/// language's separator, empty values as "—", and the timeline's stored summaries.
///
/// Timeline summaries and audit details are stored as text today; the known shapes are recognised
/// here and their codes put in words. When stored text becomes a message key with arguments (issue 9),
/// `timelineSummary` shrinks to the key's lookup.
struct DisplayWords: Sendable {
    let localizer: Localizer
    let language: Language

    func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        localizer.text(key, language, arguments)
    }

    /// The label of `prefix.code`, or the code itself when no such label exists (free text, names).
    func label(_ prefix: String, _ code: String) -> String {
        let key = "\(prefix).\(code)"
        return localizer.hasKey(key) ? t(key) : code
    }

    /// 、 in Chinese, ", " in English.
    var listSeparator: String { t("common.list_separator") }

    func list(_ items: [String]) -> String { items.joined(separator: listSeparator) }

    /// "—" for a value that is empty.
    func orDash(_ value: String?) -> String {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else { return "—" }
        return value
    }

    /// A customer field's name ("stage" → 客户阶段).
    func customerField(_ field: String) -> String { label("customer.field", field) }

    /// The vocabulary each customer field takes its values from.
    static let customerVocabulary: [String: String] = [
        "kind": "customer.kind", "stage": "customer.stage", "timing": "customer.timing", "source": "customer.source",
        "category": "customer.category", "grade": "customer.grade", "industries": "customer.industry",
        "consentChannel": "customer.consent_channel",
    ]

    /// A customer field's stored value in words ("lead" → 线索, ",manufacturing,retail," → 制造业、商业零售).
    func customerValue(field: String, value: String) -> String {
        guard let prefix = Self.customerVocabulary[field] else { return orDash(value) }
        let codes = value.split(whereSeparator: { $0 == "," || $0 == "、" }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        return codes.isEmpty ? "—" : list(codes.map { label(prefix, $0) })
    }

    /// A project field's stored value in words.
    func projectValue(field: String, value: String) -> String {
        let prefix: String? =
            switch field {
            case "industries": "customer.industry"
            case "type": "project.type"
            case "status": "project.status"
            default: nil
            }
        guard let prefix else { return orDash(value) }
        let codes = value.split(whereSeparator: { $0 == "," || $0 == "、" }).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        return codes.isEmpty ? "—" : list(codes.map { label(prefix, $0) })
    }

    /// An audit action in words; an action without a label shows as itself.
    func auditAction(_ action: String) -> String { label("audit.action", action) }

    /// The names in an audit entry's field list ("budgetMaxWan,city" → 预算上限（万元）、城市).
    func auditFields(_ fields: String) -> String {
        let names = fields.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return names.isEmpty
            ? "—"
            : list(
                names.map { name in
                    for prefix in [
                        "customer.field", "project.field", "inquiry.field", "follow_up.field", "recommendation.field",
                        "webhook.field",
                        "communication.field",
                    ] where localizer.hasKey("\(prefix).\(name)") {
                        return t("\(prefix).\(name)")
                    }
                    return label("audit.field", name)
                })
    }

    /// An actor as stored in the audit log: the console and anonymous visitors in words.
    func actor(_ name: String) -> String {
        ["console", "anonymous", "system", "scheduler"].contains(name) ? t("audit.actor.\(name)") : name
    }

    /// A notification's stored title in the reader's language: it was written in its recipient's
    /// language when it was created; one written in another language is recognised by its event's
    /// title in that language and written again in this one (issue 10 #13).
    func notificationTitle(event: String, title: String) -> String {
        let key = "reminder.title.\(event)"
        for (stored, table) in localizer.tables where stored != language {
            guard let template = table[key], let open = template.firstIndex(of: "{"),
                let close = template.firstIndex(of: "}")
            else { continue }
            let prefix = template[..<open], suffix = template[template.index(after: close)...]
            let name = String(template[template.index(after: open)..<close])
            guard title.hasPrefix(prefix), title.hasSuffix(suffix), title.count >= prefix.count + suffix.count else {
                continue
            }
            let value = String(title.dropFirst(prefix.count).dropLast(suffix.count))
            return t(key, [name: value])
        }
        return title
    }

    /// A notification's stored lines without the alarm-clock emoji older ones carry (boxes without an
    /// emoji font, issue 10 #14).
    func notificationBody(_ body: String) -> String {
        body.replacingOccurrences(of: "⏰ ", with: "")
    }

    /// A stored timeline summary in the reader's language. `staffNames` gives display names for the
    /// staff ids a reassignment stored.
    func timelineSummary(kind: String, summary: String, staffNames: [Int: String] = [:]) -> String {
        expandingTerms(storedSummary(kind: kind, summary: summary, staffNames: staffNames))
    }

    /// A stored term (``StoredText/term(_:)``) in the reader's language: what a writer stores as a key
    /// (a contract's state, a coded document) reads in whichever language the page is shown in.
    func expandingTerms(_ text: String) -> String {
        guard text.contains(StoredText.open) else { return text }
        var result = "", rest = Substring(text)
        while let start = rest.range(of: StoredText.open),
            let end = rest[start.upperBound...].range(of: StoredText.close)
        {
            result += rest[..<start.lowerBound]
            let key = String(rest[start.upperBound..<end.lowerBound])
            result += localizer.hasKey(key) ? t(key) : key
            rest = rest[end.upperBound...]
        }
        return result + rest
    }

    private func storedSummary(kind: String, summary: String, staffNames: [Int: String]) -> String {
        switch Timeline.Kind(rawValue: kind) {
        case .changed:
            return list(summary.split(separator: ",").map { customerField($0.trimmingCharacters(in: .whitespaces)) })
        case .reaction:
            let parts = summary.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let reaction = label("recommendation.reaction", parts.first ?? "")
            return parts.count > 1 && !parts[1].isEmpty ? "\(reaction) · \(parts[1])" : reaction
        case .consent:
            let parts = summary.components(separatedBy: " · ")
            guard parts.count == 2 else { return summary }
            return "\(label("consent.purpose", parts[0])) · \(label("consent.status", parts[1]))"
        case .sharing:
            var parts = summary.components(separatedBy: " · ")
            guard parts.count >= 2, let last = parts.last else { return summary }
            parts[parts.count - 1] =
                localizer.hasKey("consent.purpose.\(last)")
                ? t("consent.purpose.\(last)") : label("sharing.status", last)
            return parts.joined(separator: " · ")
        case .reassigned:
            guard summary.hasPrefix("→ "), let id = Int(summary.dropFirst(2)) else { return summary }
            return "→ " + (staffNames[id] ?? String(summary.dropFirst(2)))
        case .inquiry:
            var text = summary.replacingOccurrences(of: " · 网页咨询 · ", with: " · \(t("inquiry.channel.web_form")) · ")
            if let promise = text.range(of: #" · 承诺 (.+) 前答复$"#, options: .regularExpression) {
                let deadline = String(text[promise].dropFirst(" · 承诺 ".count).dropLast(" 前答复".count))
                text.replaceSubrange(promise, with: " · " + t("timeline.promised_by", ["deadline": deadline]))
            }
            return text
        case .created:
            return summary.replacingOccurrences(of: "疑似重复:", with: t("timeline.possible_duplicate_of"))
        default:
            return summary
        }
    }
}

extension Request {
    /// Display words in this request's language.
    var words: DisplayWords { DisplayWords(localizer: kefu.localizer, language: language) }
}
