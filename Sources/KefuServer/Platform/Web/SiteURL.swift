import Foundation

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

    static func staffMember(_ id: Int) -> String { "/staff/\(id)" }

    static func login(next: String?) -> String {
        guard let next, isSafeRedirect(next), next != dashboard else { return loginPath }
        return loginPath + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/")
    }

    /// Only paths on this site: a `next` of `//evil.example` or `https://…` would send a freshly
    /// signed-in person elsewhere.
    static func isSafeRedirect(_ target: String) -> Bool {
        target.hasPrefix("/") && !target.hasPrefix("//") && !target.hasPrefix("/\\") && !target.contains("\r")
            && !target.contains("\n")
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
