/// Mainland China mobile numbers (R4.1): 11 digits starting 13–19, written by people with spaces,
/// dashes or a +86 prefix; stored in one normalized form so duplicates can be found.
public enum MainlandMobile {
    /// The 11-digit form, or nil when the text is not a mainland mobile number.
    public static func normalize(_ text: String) -> String? {
        var digits = text.filter { !" -()\u{3000}".contains($0) }
            .map { character -> Character in
                // Full-width digits typed with a Chinese input method.
                if let value = character.unicodeScalars.first?.value, (0xFF10...0xFF19).contains(value) {
                    return Character(Unicode.Scalar(value - 0xFF10 + 0x30)!)
                }
                return character
            }
            .map(String.init).joined()
        if digits.hasPrefix("+86") { digits.removeFirst(3) } else if digits.hasPrefix("0086") { digits.removeFirst(4) }
        guard digits.count == 11, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            digits.first == "1", let second = digits.dropFirst().first, ("3"..."9").contains(second)
        else { return nil }
        return digits
    }

    /// 138****5678: enough to recognise a number one already knows, not enough to call it.
    public static func masked(_ mobile: String) -> String {
        guard mobile.count == 11 else { return ContactMasking.maskMiddle(mobile) }
        return String(mobile.prefix(3)) + "****" + String(mobile.suffix(4))
    }
}

/// The 18-character unified social credit code (统一社会信用代码, GB 32100-2015) with its check character.
public enum UnifiedSocialCreditCode {
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Upper-cased without spaces, or nil when the code is malformed or its check character is wrong.
    public static func normalize(_ text: String) -> String? {
        let code = text.uppercased().filter { !$0.isWhitespace }
        guard code.count == 18 else { return nil }
        let characters = Array(code)
        var sum = 0
        for index in 0..<17 {
            guard let value = alphabet.firstIndex(of: characters[index]) else { return nil }
            sum += value * weights[index]
        }
        let check = (31 - sum % 31) % 31
        return characters[17] == alphabet[check] ? code : nil
    }

    /// The check character for the first 17 characters (for generating valid test and demo codes).
    public static func checkCharacter(for first17: String) -> Character? {
        let characters = Array(first17.uppercased())
        guard characters.count == 17 else { return nil }
        var sum = 0
        for (index, character) in characters.enumerated() {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            sum += value * weights[index]
        }
        return alphabet[(31 - sum % 31) % 31]
    }
}

/// E-mail addresses: one @, a dotted domain, no spaces — what a person can actually write to.
public enum EmailAddress {
    public static func normalize(_ text: String) -> String? {
        let email = text.trimmed.lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
            !email.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" })
        else { return nil }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 }),
            let top = labels.last, top.count >= 2, top.allSatisfy(\.isLetter)
        else { return nil }
        return email
    }
}

/// How contact details read for someone who may not see them (R4.4).
public enum ContactMasking {
    /// z***@example.com
    public static func email(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@") else { return maskMiddle(email) }
        return String(email.prefix(1)) + "***" + String(email[at...])
    }

    /// Keeps the first and last quarter of the text, stars in between.
    public static func maskMiddle(_ text: String) -> String {
        guard text.count > 2 else { return String(repeating: "*", count: text.count) }
        let keep = max(1, text.count / 4)
        return String(text.prefix(keep)) + String(repeating: "*", count: max(2, text.count - 2 * keep))
            + String(text.suffix(keep))
    }

    /// A landline 021-6888****: the area code and exchange stay, the line does not.
    public static func landline(_ text: String) -> String {
        guard text.count > 4 else { return String(repeating: "*", count: text.count) }
        return String(text.dropLast(4)) + "****"
    }
}
