import Vapor

extension Request {
    private struct StaffKey: StorageKey { typealias Value = SignedInStaff }
    private struct WebSessionKey: StorageKey { typealias Value = WebSession }
    private struct UnreadKey: StorageKey { typealias Value = Int }

    /// The signed-in staff member, if any (set by the session or bearer-token authenticator).
    var staff: SignedInStaff? {
        get { storage[StaffKey.self] }
        set { storage[StaffKey.self] = newValue }
    }

    /// The browser session of this request, if signed in through a page.
    var webSession: WebSession? {
        get { storage[WebSessionKey.self] }
        set { storage[WebSessionKey.self] = newValue }
    }

    /// Unread notifications of the signed-in person as the session lookup found them; pages show it
    /// in the bell without asking again.
    var unreadNotifications: Int? {
        get { storage[UnreadKey.self] }
        set { storage[UnreadKey.self] = newValue }
    }

    /// The signed-in staff member, or 401.
    func requireStaff() throws -> SignedInStaff {
        guard let staff else { throw KefuError.unauthorized }
        return staff
    }

    var isAPI: Bool { url.path.hasPrefix("/api/") }
}

/// Names of the cookies Kefu sets.
enum CookieName {
    static let session = "kefu_session"
    /// CSRF token for forms shown before sign-in (the login page), double-submitted.
    static let anonymousCSRF = "kefu_csrf"
    static let language = "kefu_lang"
    static let flash = "kefu_flash"
    /// With secure cookies on, the session cookie carries the `__Host-` prefix: browsers then accept
    /// it only over HTTPS, for the whole site, from this host alone (no subdomain can plant one).
    static let secureSessionPrefix = "__Host-"
}

extension Request {
    /// The session cookie's name under this configuration.
    var sessionCookieName: String {
        kefu.configuration.secureCookies ? CookieName.secureSessionPrefix + CookieName.session : CookieName.session
    }

    /// A cookie as Kefu sets every one of its own: whole site, HttpOnly, SameSite=Lax, and Secure when
    /// `KEFU_SECURE_COOKIES` is on (issue 11 #8). `maxAge` nil is a browser-session cookie.
    func kefuCookie(_ value: String, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, maxAge: maxAge, path: "/", isSecure: kefu.configuration.secureCookies, isHTTPOnly: true,
            sameSite: .lax
        )
    }

    /// A cookie that removes one of Kefu's cookies from the browser.
    func expiredKefuCookie() -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
            isSecure: kefu.configuration.secureCookies,
            isHTTPOnly: true, sameSite: .lax
        )
    }
}
