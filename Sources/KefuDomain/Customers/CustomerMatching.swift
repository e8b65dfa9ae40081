/// What two customer files are compared on to find duplicates (R4.3): the normalized mobile, the
/// credit code, or the company name without its legal-form suffix.
public enum CompanyName {
    static let suffixes = [
        "股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "co.,ltd.", "co., ltd.", "co.ltd", "ltd.", "ltd", "inc.", "inc",
    ]

    /// 上海 浦江科技 有限公司 → 上海浦江科技: full-width letters folded, spaces and brackets dropped,
    /// legal-form suffixes removed.
    public static func matchKey(_ name: String) -> String? {
        // On an array of characters: imports ask this for every row, and String's suffix tests and
        // counts walk the text each time.
        var key: [Character] = []
        key.reserveCapacity(name.count)
        for scalar in name.lowercased().unicodeScalars {
            let folded =
                (0xFF01...0xFF5E).contains(scalar.value)
                ? Character(Unicode.Scalar(scalar.value - 0xFEE0)!) : Character(scalar)
            if !folded.isWhitespace, !dropped.contains(folded) { key.append(folded) }
        }
        var changed = true
        while changed {
            changed = false
            for suffix in suffixCharacters
            where key.count > suffix.count + 1 && key.suffix(suffix.count).elementsEqual(suffix) {
                key.removeLast(suffix.count)
                changed = true
            }
        }
        key.removeAll { $0 == "." || $0 == "," }
        return key.count >= 2 ? String(key) : nil
    }

    static let dropped: Set<Character> = ["(", ")", "（", "）", "【", "】", "[", "]", "·", "、", "，"]
    static let suffixCharacters = suffixes.map(Array.init)
}

/// Splitting text for Chinese substring search (issue 3 §5).
///
/// Chinese has no spaces between words, and many names have two characters (张伟), below what a
/// trigram index can find. Kefu indexes overlapping character pairs instead: 张伟明 → 张伟 伟明,
/// followed by the run's characters one by one (张 伟 明), so that one character — a surname like
/// 冷 — is a term of its own. A query of n ≥ 2 characters is the phrase of its own pairs, which
/// matches exactly the texts that contain it (the single characters come after the run's pairs,
/// so they never sit between two of them); latin words and digits are kept whole and matched by prefix.
public enum SearchGrams {
    /// The index terms of a text, space separated.
    public static func indexTerms(_ text: String) -> String {
        terms(of: text, forQuery: false).joined(separator: " ")
    }

    /// The phrase groups of a query: every group must match as a phrase. Empty when the query has
    /// nothing searchable (a single latin letter or digit, punctuation).
    public static func queryPhrases(_ query: String) -> [[String]] {
        segments(query).compactMap { segment -> [String]? in
            switch segment {
            case .cjk(let run):
                return run.count == 1 ? [String(run)] : pairs(run)
            case .word(let word):
                return word.count >= 2 ? [word] : nil
            }
        }
    }

    public enum Segment: Equatable, Sendable { case cjk([Character]), word(String) }

    public static func segments(_ text: String) -> [Segment] {
        var result: [Segment] = []
        var cjk: [Character] = []
        var word = ""
        func flush() {
            if !cjk.isEmpty { result.append(.cjk(cjk)); cjk = [] }
            if !word.isEmpty { result.append(.word(word)); word = "" }
        }
        for character in text.lowercased() {
            if isCJK(character) {
                if !word.isEmpty { result.append(.word(word)); word = "" }
                cjk.append(character)
            } else if character.isLetter || character.isNumber {
                if !cjk.isEmpty { result.append(.cjk(cjk)); cjk = [] }
                word.append(character)
            } else {
                flush()
            }
        }
        flush()
        return result
    }

    static func terms(of text: String, forQuery: Bool) -> [String] {
        segments(text).flatMap { segment -> [String] in
            switch segment {
            case .cjk(let run): return run.count == 1 ? [String(run)] : pairs(run) + run.map { String($0) }
            case .word(let word): return [word]
            }
        }
    }

    static func pairs(_ run: [Character]) -> [String] {
        guard run.count >= 2 else { return [] }
        return (0..<(run.count - 1)).map { String(run[$0]) + String(run[$0 + 1]) }
    }

    public static func isCJK(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value)
            || (0x20000...0x2A6DF).contains(value)
            || (0xF900...0xFAFF).contains(value)
    }
}
