import Vapor

/// Refuses page form posts that do not carry the session's CSRF token (issue 2 §3).
///
/// Signed-in forms carry the token stored with the session; the sign-in form, shown before there is
/// a session, double-submits a random cookie. The API is exempt: it authenticates by bearer token,
/// which a foreign page cannot make a browser send.
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"
    /// The largest page form a visitor without a session may post (the sign-in form, the public
    /// inquiry form, whose route takes its limit from here).
    static let anonymousBodyLimit = 16 << 10

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !request.isAPI, ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return try await next.respond(to: request)
        }
        guard let expected = request.csrfToken else { throw KefuError.csrf }
        if let submitted = request.headers.first(name: Self.headerName) {
            guard Secrets.constantTimeEquals(submitted, expected) else { throw KefuError.csrf }
            return try await next.respond(to: request)
        }
        // The form field is in the body, which the route would collect only after this check. A
        // visitor without a session posts only small forms (sign-in, the public inquiry form), so
        // their body is read only up to that size: a stranger cannot make Kefu buffer 24 MiB to be
        // refused (issue 11 #8).
        let limit = request.webSession == nil ? Self.anonymousBodyLimit : request.kefu.configuration.maxBodyBytes
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > limit {
            throw KefuError.from(status: .payloadTooLarge)
        }
        if request.body.data == nil {
            _ = try await request.body.collect(max: limit).get()
        }
        let submitted = try? request.content.get(String.self, at: Self.fieldName)
        guard let submitted, Secrets.constantTimeEquals(submitted, expected) else {
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
        if !request.isAPI, !StaticFilesMiddleware.isAsset(request.url.path),
            ![SiteURL.healthz.path, SiteURL.readyz.path].contains(request.url.path),
            request.webSession == nil, request.cookies[CookieName.anonymousCSRF] == nil
        {
            let token = Secrets.randomToken()
            // Only a page being shown holds the new token; a post that arrives without the cookie
            // is refused by `CSRFMiddleware` before its body is read.
            if [.GET, .HEAD].contains(request.method) {
                request.cookies[CookieName.anonymousCSRF] = HTTPCookies.Value(string: token)
            }
            issued = token
        }
        let response = try await next.respond(to: request)
        if let issued {
            response.cookies[CookieName.anonymousCSRF] = request.kefuCookie(issued, maxAge: nil)
        }
        return response
    }
}
