import Vapor

/// Refuses page form posts that do not carry the session's CSRF token (issue 2 §3).
///
/// Signed-in forms carry the token stored with the session; the sign-in form, shown before there is
/// a session, double-submits a random cookie. The API is exempt: it authenticates by bearer token,
/// which a foreign page cannot make a browser send.
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !request.isAPI, ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return try await next.respond(to: request)
        }
        // The form field is in the body, which the route would collect only after this check.
        if request.body.data == nil {
            _ = try await request.body.collect(max: request.kefu.configuration.maxBodyBytes).get()
        }
        let submitted = request.headers.first(name: Self.headerName)
            ?? (try? request.content.get(String.self, at: Self.fieldName))
        guard let submitted, let expected = request.csrfToken, Secrets.constantTimeEquals(submitted, expected) else {
            throw KefuError.csrf
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// The token forms on this page must carry.
    var csrfToken: String? {
        webSession?.csrfToken ?? cookies[CookieName.anonymousCSRF]?.string
    }
}

/// Gives a visitor without a session a CSRF cookie, so the sign-in form can be protected too.
struct AnonymousCSRFCookieMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        var issued: String?
        // Only pages get the cookie: health checks and assets are asked for constantly and hold no form.
        if !request.isAPI, !StaticFilesMiddleware.isAsset(request.url.path), !["/healthz", "/readyz"].contains(request.url.path),
           request.webSession == nil, request.cookies[CookieName.anonymousCSRF] == nil {
            let token = Secrets.randomToken()
            request.cookies[CookieName.anonymousCSRF] = HTTPCookies.Value(string: token)
            issued = token
        }
        let response = try await next.respond(to: request)
        if let issued {
            response.cookies[CookieName.anonymousCSRF] = HTTPCookies.Value(
                string: issued, path: "/", isSecure: request.kefu.configuration.secureCookies, isHTTPOnly: true,
                sameSite: .lax
            )
        }
        return response
    }
}
