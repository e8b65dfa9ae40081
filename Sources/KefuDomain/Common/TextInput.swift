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

    /// Whether JSON text could decode to a string that ``hasControlCharacters(_:)`` refuses: a DEL or stray C0
    /// byte, or an escape that writes one (`\b`, `\f`, `\u0000`–`\u001F` but tab, line feed and carriage return,
    /// `\u007F`). Text without any decodes to clean strings only, so the walk over the decoded value — reflection,
    /// a sizeable share of a create's time — is left for the bodies that may need it.
    public static func jsonMayHoldControlCharacters(_ json: some Collection<UInt8>) -> Bool {
        var index = json.startIndex
        while index != json.endIndex {
            let byte = json[index]
            index = json.index(after: index)
            if byte == 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) { return true }
            guard byte == UInt8(ascii: "\\"), index != json.endIndex else { continue }
            let escaped = json[index]
            index = json.index(after: index)
            switch escaped {
            case UInt8(ascii: "b"), UInt8(ascii: "f"): return true
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                for _ in 0..<4 {
                    guard index != json.endIndex, let digit = hexValue(json[index]) else { return true }
                    value = value << 4 | digit
                    index = json.index(after: index)
                }
                if value == 0x7F || (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) { return true }
            default: continue
            }
        }
        return false
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The problem with one query value, as a localization key; nil when it is acceptable.
    public static func queryValueProblem(name: String, value: String) -> String? {
        if hasControlCharacters(value) { return "validation.control_characters" }
        let limit = name == "q" ? maximumSearchLength : maximumQueryValueLength
        if value.count > limit { return name == "q" ? "validation.search_too_long" : "validation.too_long" }
        return nil
    }
}
