/// Text stored for later readers in any language (a timeline entry): a term is stored as its
/// localization key between markers and put in the reader's language when shown
/// (``DisplayWords/expandingTerms(_:)``), so a contract's states and documents do not stay in the
/// language of whoever made the change.
enum StoredText {
    static let open = "⟦", close = "⟧"

    /// The localization key as a stored term.
    static func term(_ key: String) -> String { open + key + close }
}
