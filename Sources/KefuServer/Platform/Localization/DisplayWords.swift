import Foundation
import KefuDomain
import Vapor

/// Puts what is stored as codes into words in the reader's language, at display time (S2; issue 10
/// #5 and #13): field names, vocabulary values (stages, industries, reactions …), lists with the
/// language's separator, empty values as "—", and stored messages (``StoredMessage``: timeline
/// entries, notifications, audit details) with their arguments.
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

    /// An audit entry's detail (issue 9 §7) in the reader's language; a plain-text one as it was written.
    func auditDetail(_ entry: AuditEntryModel) -> String {
        entry.messageKey == StoredMessage.auditText ? entry.detail : message(entry.message, text: entry.detail)
    }

    /// An actor as stored in the audit log: the console and anonymous visitors in words.
    func actor(_ name: String) -> String {
        ["console", "anonymous", "system", "scheduler"].contains(name) ? t("audit.actor.\(name)") : name
    }

    /// A notification's title in the reader's language; one written before titles were stored as keys
    /// shows as it was written.
    func notificationTitle(_ row: NotificationStore.Row) -> String {
        row.messageKey == StoredMessage.legacyNotification ? row.title : message(row.message)
    }

    /// A notification's stored lines without the alarm-clock emoji older ones carry (boxes without an
    /// emoji font, issue 10 #14).
    func notificationBody(_ body: String) -> String {
        body.replacingOccurrences(of: "⏰ ", with: "")
    }

    /// A stored message (``StoredMessage``) in the reader's language; `text` is what someone typed,
    /// quoted as `{text}`. Text written before messages (`timeline.legacy`) shows as it is, its stored
    /// terms put in words.
    func message(_ key: String, _ arguments: [String: StoredArgument], text: String = "") -> String {
        var words = ["text": text]
        for (name, argument) in arguments { words[name] = word(argument) }
        let result = t(key, words)
        return key == StoredMessage.legacyTimeline ? expandingTerms(result) : result
    }

    func message(_ message: StoredMessage, text: String = "") -> String {
        self.message(message.key, message.arguments, text: text)
    }

    /// A timeline entry's message in the reader's language; one whose arguments an anonymization
    /// cleared reads as its cleared text.
    func timelineText(_ entry: Timeline.Entry) -> String {
        entry.messageArgs.hasPrefix("{") ? message(entry.message, text: entry.summary) : entry.summary
    }

    /// An argument in words: a value as it is, a term in this language (its last part when no label exists).
    func word(_ argument: StoredArgument) -> String {
        switch argument {
        case .value(let value): value
        case .term(let key): term(key)
        case .terms(let keys): list(keys.map(term))
        }
    }

    private func term(_ key: String) -> String {
        localizer.hasKey(key) ? t(key) : String(key.split(separator: ".").last ?? "")
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
}

extension Request {
    /// Display words in this request's language.
    var words: DisplayWords { DisplayWords(localizer: kefu.localizer, language: language) }
}
