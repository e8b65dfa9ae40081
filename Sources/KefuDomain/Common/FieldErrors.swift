/// A field-by-field account of what is wrong with some input, with message keys the UI localizes.
///
/// Rules return this instead of throwing on the first problem, so a form can show every message at
/// once (S6).
public struct FieldErrors: Error, Equatable, Sendable {
    /// Field name → localization key of the message.
    public private(set) var messages: [String: String] = [:]

    public init() {}

    public init(_ messages: [String: String]) {
        self.messages = messages
    }

    public var isEmpty: Bool { messages.isEmpty }

    /// Records a problem with a field; the first message for a field wins.
    public mutating func add(_ field: String, _ messageKey: String) {
        if messages[field] == nil { messages[field] = messageKey }
    }

    public mutating func merge(_ other: FieldErrors) {
        for (field, key) in other.messages { add(field, key) }
    }

    /// Throws `self` when any problem was recorded.
    public func throwIfAny() throws(FieldErrors) {
        if !isEmpty { throw self }
    }
}
