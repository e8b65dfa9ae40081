import Foundation
import Vapor

/// The addresses of Kefu's pages, in one place, for links and redirects. A test checks that every
/// address here is served by a route.
enum SiteURL {
    static let dashboard = "/"
    static let loginPath = "/login"
    static let logout = "/logout"
    static let language = "/language"
    static let profile = "/profile"
    static let staff = "/staff"
    static let newStaff = "/staff/new"
    static let departments = "/departments"
    static let auditLog = "/audit"
    static let apiDocs = "/api/docs"
    static let openAPIDocument = "/api/v1/openapi.json"

    static let contracts = "/contracts"
    static let obligations = "/obligations"
    static let payments = "/payments"

    static func staffMember(_ id: Int) -> String { "/staff/\(id)" }
    static func contract(_ id: Int) -> String { "/contracts/\(id)" }

    static func login(next: String?) -> String {
        guard let next, isSafeRedirect(next), next != dashboard else { return loginPath }
        return loginPath + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/")
    }

    /// Only a relative reference to a path on this site (issue 11 #1): a `next` of `//evil.example`,
    /// `https://…`, `/\evil.example` or `/<TAB>/evil.example` (browsers drop tabs and line breaks from a
    /// Location before resolving it) would send a freshly signed-in person elsewhere. So the target must
    /// be made only of the characters RFC 3986 allows unescaped in a path and query, with well-formed
    /// percent escapes, and neither the text nor its decoded form may begin with two slashes or a
    /// slash and a backslash, or hold a control character.
    static func isSafeRedirect(_ target: String) -> Bool {
        guard target.utf8.count <= 2048, isRelativeReference(target) else { return false }
        guard let decoded = target.removingPercentEncoding else { return false }
        return !decoded.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }
            && !decoded.hasPrefix("//") && !decoded.hasPrefix("/\\")
    }

    /// `/` followed by RFC 3986 `pchar`s, `/`, `?` and a query; a `%` only as the start of two hex digits.
    private static func isRelativeReference(_ target: String) -> Bool {
        let bytes = Array(target.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count < 2 || bytes[1] != UInt8(ascii: "/") else { return false }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    return false
                }
                index += 3
                continue
            }
            guard allowedBytes.contains(byte) else { return false }
            index += 1
        }
        return true
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// unreserved, sub-delims, `:` `@` (pchar), and `/` `?` (path and query). No `#`, no space, no backslash.
    private static let allowedBytes: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?".utf8)
    )
}

extension Request {
    /// The `next` address of a form or link if it is safe (``SiteURL/isSafeRedirect(_:)``) and its path
    /// is one Kefu serves with a page; nil otherwise, so the caller falls back to its default.
    func safeRedirect(_ target: String?) -> String? {
        guard let target, SiteURL.isSafeRedirect(target) else { return nil }
        let path =
            target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)
            ?? target
        return application.routes.servesPage(at: path) ? target : nil
    }
}

extension Routes {
    /// Whether a GET route matches the path, segment by segment (`:id` and `*` match any segment).
    func servesPage(at path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.removingPercentEncoding ?? String($0)
        }
        let wanted = segments == [""] ? [] : segments
        return all.contains { route in
            guard route.method == .GET else { return false }
            if case .catchall? = route.path.last {
                return route.path.count - 1 <= wanted.count
                    && zip(route.path.dropLast(), wanted).allSatisfy(Self.matches)
            }
            return route.path.count == wanted.count && zip(route.path, wanted).allSatisfy(Self.matches)
        }
    }

    private static func matches(_ component: PathComponent, _ segment: String) -> Bool {
        switch component {
        case .constant(let value): return value == segment
        case .parameter: return !segment.isEmpty
        case .anything, .catchall: return true
        }
    }
}

extension CharacterSet {
    /// Characters that may stand unescaped in a query value.
    static let urlQueryValueAllowed: CharacterSet = {
        var set = CharacterSet.urlQueryAllowed
        set.remove(charactersIn: "&=+#?")
        return set
    }()
}
