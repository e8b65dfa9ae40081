import Fluent
import KefuDomain
import Vapor

/// The sign-in and sign-out pages, and the anonymous language switch.
struct AuthController: RouteCollection {
    struct LoginPage: Encodable {
        var username: String
        var next: String
        var errorKey: String?
        var minutes: String
        var languages: [LanguageLink]
    }

    struct LanguageLink: Encodable {
        var code: String
        var labelKey: String
        var href: String
        var isCurrent: Bool
    }

    struct LoginForm: Content {
        var username: String?
        var password: String?
        var next: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.open().get(.login, use: showLogin)
        routes.open().post(.login, use: login)
        routes.open().get(.language, use: switchLanguage)
        routes.requiring(.manageOwnProfile).post(.logout, use: logout)
    }

    @Sendable func showLogin(req: Request) async throws -> Response {
        if req.staff != nil { return req.redirect(to: SiteURL.dashboard) }
        let next = req.safeRedirect(req.query[String.self, at: "next"]) ?? SiteURL.dashboard.path
        return try await renderLogin(
            req,
            LoginPage(username: "", next: next, errorKey: nil, minutes: "", languages: languageLinks(req, next: next)))
    }

    @Sendable func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let next = req.safeRedirect(form.next) ?? SiteURL.dashboard.path
        var page = LoginPage(
            username: form.username ?? "", next: next, errorKey: nil, minutes: "",
            languages: languageLinks(req, next: next))
        do {
            let staff = try await SignIn(request: req).authenticate(
                username: form.username ?? "", password: form.password ?? "")
            let response = req.redirect(to: next, redirectType: .normal)
            try await SignIn(request: req).startSession(for: staff, response: response)
            return response
        } catch let error as KefuError where error.status == .unauthorized || error.status == .tooManyRequests {
            page.errorKey = error.messageKey
            page.minutes = error.messageArguments["minutes"] ?? ""
            let response = try await renderLogin(req, page, status: error.status)
            response.headers.add(contentsOf: error.headers)
            return response
        }
    }

    @Sendable func logout(req: Request) async throws -> Response {
        if let session = req.webSession {
            let context = req.auditContext
            try await req.db.writeTransaction { tx in
                try await SignedInLookup(database: try tx.sql()).deleteSession(session.id)
                try await AuditLog.record(
                    "auth.signed_out", recordType: "staff", recordID: String(session.staffID), context: context, on: tx)
            }
        }
        let response = req.redirect(to: SiteURL.login.path, redirectType: .normal)
        response.cookies[req.sessionCookieName] = SessionCookies.expired(req)
        return response
    }

    /// Before sign-in the language is a cookie; after, it is the account's setting.
    @Sendable func switchLanguage(req: Request) async throws -> Response {
        let language = Language(rawValue: req.query[String.self, at: "lang"] ?? "") ?? .zhHans
        let next = req.safeRedirect(req.query[String.self, at: "next"]) ?? SiteURL.login.path
        let response = req.redirect(to: next, redirectType: .normal)
        response.cookies[CookieName.language] = req.kefuCookie(language.rawValue, maxAge: 365 * 24 * 3600)
        return response
    }

    private func renderLogin(_ req: Request, _ page: LoginPage, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        try await req.renderPage("auth/login", titleKey: "auth.title", page, status: status)
    }

    private func languageLinks(_ req: Request, next: String) -> [LanguageLink] {
        let back = SiteURL.login(next: next).addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "/"
        return Language.allCases.map { language in
            LanguageLink(
                code: language.rawValue, labelKey: "language.\(language.rawValue)",
                href: "\(SiteURL.language.path)?lang=\(language.rawValue)&next=\(back)",
                isCurrent: req.language == language
            )
        }
    }
}
