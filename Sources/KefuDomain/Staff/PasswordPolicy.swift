/// What makes an acceptable password (issue 2, issue 11 #5; ASVS 5.0 V6.2): 10–128 characters of any
/// script — Chinese included — and not only whitespace; not a common or breached password, not a
/// keyboard or alphabet sequence or a repeat, and not the person's own username or name with a few
/// digits or symbols around it. Length counts characters as people see them, not bytes.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 128

    /// The localization key of the problem, or nil when the password is acceptable.
    public static func problem(
        with password: String, username: String? = nil, displayName: String? = nil, common: CommonPasswords = .empty
    ) -> String? {
        if password.count < minimumLength { return "validation.password.too_short" }
        if password.count > maximumLength { return "validation.password.too_long" }
        if password.allSatisfy(\.isWhitespace) { return "validation.password.blank" }
        let lowered = password.lowercased()
        let base = core(of: lowered)
        let compact = base.filter { !$0.isWhitespace }
        if let username = username?.lowercased(), !username.isEmpty,
            lowered == username || compact == core(of: username) || compact == String(username.reversed())
        {
            return "validation.password.is_username"
        }
        if let name = displayName?.lowercased().filter({ !$0.isWhitespace }), !name.isEmpty,
            compact == core(of: name) || compact == String(name.reversed())
        {
            return "validation.password.is_name"
        }
        if isRepeat(lowered) || isSequence(lowered) || (base.count >= 3 && (isRepeat(base) || isSequence(base))) {
            return "validation.password.sequence"
        }
        if common.contains(lowered) || common.contains(base) || common.contains(lowered.filter { !$0.isWhitespace }) {
            return "validation.password.common"
        }
        return nil
    }

    /// The text without the digits and symbols people put around a word to pass a length rule:
    /// `password12` → `password`, `!!admin2026` → `admin`, `吴霞-2026` → `吴霞`.
    static func core(of text: String) -> String {
        let isPadding: (Character) -> Bool = { !$0.isLetter }
        let trimmed = text.drop(while: isPadding).reversed().drop(while: isPadding).reversed()
        return String(trimmed)
    }

    /// One short unit over and over: `aaaaaaaaaa`, `1212121212`, `abcabcabcabc`, `密码密码密码密码`.
    static func isRepeat(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters.count >= 2 else { return false }
        if Set(characters).count <= 2 { return true }
        for unit in 1...min(5, characters.count / 2) where characters.count % unit == 0 {
            if characters.indices.allSatisfy({ characters[$0] == characters[$0 % unit] }) { return true }
        }
        return false
    }

    /// Made only of runs of three or more neighbours on a keyboard or in the alphabet or the digits,
    /// either way round: `1234567890`, `qwertyuiop`, `1qaz2wsx3edc`, `qwerty123456`, `zyxwvutsrq`.
    static func isSequence(_ text: String) -> Bool {
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            var longest = 0
            for line in sequenceLines {
                longest = max(longest, longestRun(in: line, of: characters, from: index))
            }
            guard longest >= 3 else { return false }
            index += longest
        }
        return true
    }

    private static func longestRun(in line: [Character], of characters: [Character], from start: Int) -> Int {
        var best = 0
        for position in line.indices where line[position] == characters[start] {
            var length = 0
            while start + length < characters.count, position + length < line.count,
                line[position + length] == characters[start + length]
            {
                length += 1
            }
            best = max(best, length)
        }
        return best
    }

    /// Rows, columns and diagonals of a QWERTY keyboard, the alphabet and the digits, both ways.
    static let sequenceLines: [[Character]] = {
        let lines = [
            "abcdefghijklmnopqrstuvwxyz", "01234567890", "1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'", "zxcvbnm,./",
            "!@#$%^&*()_+", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/", "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
            "qazwsxedcrfvtgbyhnujmikolp", "1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "a1s2d3f4g5h6j7k8l9",
            "741852963", "789456123", "147258369", "159753", "357159", "一二三四五六七八九十",
        ]
        return lines.flatMap { [Array($0), Array($0.reversed())] }
    }()
}

/// A list of common and breached passwords, compared without case. The server loads Kefu's list from
/// `Resources/Security/common-passwords.txt` once at start; tests may give their own.
public struct CommonPasswords: Sendable {
    private let entries: Set<String>

    public init<S: Sequence>(_ passwords: S) where S.Element == String {
        entries = Set(passwords.map { $0.lowercased() })
    }

    /// One password a line; blank lines and lines starting with `#` are skipped.
    public init(text: String) {
        self.init(text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    public static let empty = CommonPasswords([String]())

    public var count: Int { entries.count }

    public func contains(_ password: String) -> Bool { entries.contains(password.lowercased()) }
}
