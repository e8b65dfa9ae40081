/// What any text a person or a program sends must be, whatever the field (issue 17 §4–§5): free of
/// the control characters no keyboard types — a NUL cut stored text short in C-based tools and in
/// PostgreSQL refuses it outright — and, in a query string, short enough to answer quickly.
public enum TextInput {
    /// A search term longer than this is not a search: the longest company name on file is about
    /// forty characters, and a 10,000-character term took 25 s to refuse by finding nothing.
    public static let maximumSearchLength = 100
    /// Any other query value (filters, dates, the address to go back to) fits in this.
    public static let maximumQueryValueLength = 2048

    /// True when the text holds a C0 control character other than tab, line feed and carriage
    /// return, or DEL.
    public static func hasControlCharacters(_ text: some StringProtocol) -> Bool {
        text.utf8.contains { byte in (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F }
    }

    /// The problem with one query value, as a localization key; nil when it is acceptable.
    public static func queryValueProblem(name: String, value: String) -> String? {
        if hasControlCharacters(value) { return "validation.control_characters" }
        let limit = name == "q" ? maximumSearchLength : maximumQueryValueLength
        if value.count > limit { return name == "q" ? "validation.search_too_long" : "validation.too_long" }
        return nil
    }
}
