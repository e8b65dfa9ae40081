import Foundation
import KefuDomain
import LeafKit
import Vapor

/// Every user-facing string, by key, in each supported language (S2).
///
/// The texts live in `Resources/Localization/<language>.json` as flat `key: text` objects; `{name}`
/// in a text is replaced by the argument of that name.
public struct Localizer: Sendable {
    public let tables: [Language: [String: String]]

    public init(tables: [Language: [String: String]]) { self.tables = tables }

    /// Loads every language's table from a directory; a missing or malformed file stops start-up.
    public static func load(from directory: String) throws -> Localizer {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = URL(fileURLWithPath: directory).appendingPathComponent("\(language.rawValue).json")
            let data = try Data(contentsOf: url)
            tables[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Localizer(tables: tables)
    }

    public func hasKey(_ key: String) -> Bool { tables[.zhHans]?[key] != nil }

    /// The text for a key in a language, falling back to Chinese, then to the key itself so a gap is
    /// visible rather than blank (a test keeps the tables complete).
    public func text(_ key: String, _ language: Language, _ arguments: [String: String] = [:]) -> String {
        let template = tables[language]?[key] ?? tables[.zhHans]?[key] ?? key
        let bytes = template.utf8
        let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        guard !arguments.isEmpty, bytes.contains(openBrace) else { return template }
        // One pass over the template's bytes: an argument's own braces are never replaced again.
        // Foundation's replacingOccurrences (NSString on Linux) cost a third of a ranking's time, and
        // a scan by Character (grapheme breaking over Chinese text) most of a tenth; the braces are
        // ASCII, so byte positions are always character boundaries.
        var result = ""
        result.reserveCapacity(bytes.count + 32)
        var start = bytes.startIndex
        while let open = bytes[start...].firstIndex(of: openBrace),
            let close = bytes[open...].firstIndex(of: closeBrace)
        {
            result += template[start..<open]
            if let value = arguments[String(template[bytes.index(after: open)..<close])] {
                result += value
            } else {
                result += template[open...close]
            }
            start = bytes.index(after: close)
        }
        result += template[start...]
        return result
    }
}

/// `#t("key")` or `#t("key", "name", value, …)` in templates: the text in the page's language, with
/// its arguments (which may be data, a person's name), escaped here by the byte scan rather than by
/// Leaf's per-scalar conversion — a page has a hundred of these.
struct LocalizeTag: UnsafeUnescapedLeafTag {
    let localizer: Localizer

    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw LeafError(.unknownError("#t() needs a key"))
        }
        var arguments: [String: String] = [:]
        var rest = ctx.parameters.dropFirst()
        while let name = rest.first?.string, let value = rest.dropFirst().first {
            arguments[name] = value.string ?? ""
            rest = rest.dropFirst(2)
        }
        // Pages carry their language as `lang` (PageContext); reading it there is cheaper than finding
        // the request in the context's user info, and a page has dozens of these tags.
        let language = ctx.data["lang"]?.string.flatMap(Language.init(rawValue:)) ?? ctx.request?.language ?? .zhHans
        return .string(localizer.text(key, language, arguments).escapedForHTML)
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The language of this request: the signed-in person's, else the language cookie, else Chinese
    /// (S2) — the browser's own preference is not asked: the department works in Chinese, and an
    /// English browser on a colleague's desk should not change that.
    public var language: Language {
        get {
            if let language = storage[LanguageKey.self] { return language }
            if let cookie = cookies["kefu_lang"]?.string, let language = Language(rawValue: cookie) { return language }
            return .zhHans
        }
        set { storage[LanguageKey.self] = newValue }
    }

    /// Localizes a key in this request's language.
    public func t(_ key: String, _ arguments: [String: String] = [:]) -> String {
        kefu.localizer.text(key, language, arguments)
    }
}
