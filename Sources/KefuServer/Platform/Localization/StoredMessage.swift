import Foundation

/// What a timeline entry, a notification or an audit entry stores instead of words (issue 9 §7): a localization key
/// and its arguments, put in the reader's language when it is shown — an entry written by a Chinese
/// colleague reads in English for an English one. Arguments are values (numbers, names, dates, what
/// someone typed) or terms of Kefu's own (a stage, a channel), never rendered words.
struct StoredMessage: Sendable, Hashable {
    var key: String
    var arguments: [String: StoredArgument]

    init(_ key: String, _ arguments: [String: StoredArgument] = [:]) {
        self.key = key
        self.arguments = arguments
    }

    /// Rows written before messages were stored keep their text under this key, shown as it is.
    static let legacyTimeline = "timeline.legacy"
    static let legacyNotification = "notification.legacy"
    /// An audit entry whose detail is plain text, shown as it is: written before messages (of a shape
    /// no migration reads), only what someone typed (``AuditMessage/typed``), or none.
    static let auditText = "audit.detail.text"

    /// The arguments as a JSON object with sorted keys (the column `message_args`).
    var argumentsJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(arguments) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The arguments read back from their column; a row without any (or unreadable ones) has none.
    static func arguments(fromJSON json: String?) -> [String: StoredArgument] {
        // Most rows have none (every entry kept as text from before messages): no decoder for them.
        guard let json, json.count > 2,
            let arguments = try? JSONDecoder().decode([String: StoredArgument].self, from: Data(json.utf8))
        else { return [:] }
        return arguments
    }
}

/// One argument of a stored message. A value is shown as it is; a term is a localization key shown
/// in the reader's language; terms are a list of keys joined with the language's list separator.
/// In JSON a value is a string, a term `{"term": key}`, terms `{"terms": [keys]}`.
enum StoredArgument: Sendable, Hashable, Codable, ExpressibleByStringInterpolation {
    case value(String)
    case term(String)
    case terms([String])

    init(stringLiteral value: String) { self = .value(value) }

    /// A name someone gave (a custom document, a procedure type) or else the built-in one's term.
    static func name(_ name: String?, orTerm key: String) -> StoredArgument {
        name.map { .value($0) } ?? .term(key)
    }

    private enum CodingKeys: String, CodingKey { case term, terms }

    init(from decoder: any Decoder) throws {
        if let value = try? decoder.singleValueContainer().decode(String.self) {
            self = .value(value)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let key = try container.decodeIfPresent(String.self, forKey: .term) {
            self = .term(key)
        } else {
            self = .terms(try container.decode([String].self, forKey: .terms))
        }
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .value(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .term(let key):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .term)
        case .terms(let keys):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(keys, forKey: .terms)
        }
    }
}
