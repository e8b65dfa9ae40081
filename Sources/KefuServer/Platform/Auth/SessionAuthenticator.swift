import Fluent
import Vapor

/// Finds the signed-in person of a page request from the session cookie, ending sessions that have
/// been idle or alive too long (issue 2 §3).
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !request.isAPI, let token = request.cookies[CookieName.session]?.string, !token.isEmpty else {
            return try await next.respond(to: request)
        }
        let now = request.now
        let lifetime = request.kefu.sessionLifetime
        var expired = false
        if let session = try await WebSessionModel.query(on: request.db)
            .filter(\.$tokenHash == Secrets.fingerprint(token))
            .with(\.$staff)
            .first()
        {
            if lifetime.isExpired(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now)
                || !session.staff.isActive
            {
                try await session.delete(on: request.db)
                expired = true
            } else {
                if lifetime.needsTouch(lastSeenAt: session.lastSeenAt, now: now) {
                    session.lastSeenAt = now
                    try await session.update(on: request.db)
                }
                request.webSession = session
                request.staff = session.staff
                request.language = session.staff.languageValue
            }
        } else {
            expired = true
        }
        let response = try await next.respond(to: request)
        if expired, request.webSession == nil, response.cookies[CookieName.session] == nil {
            response.cookies[CookieName.session] = SessionCookies.expired(request)
        }
        return response
    }
}

/// Authenticates `/api` requests by a personal API token in `Authorization: Bearer …`.
struct BearerAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.isAPI, let bearer = request.headers.bearerAuthorization else {
            return try await next.respond(to: request)
        }
        let now = request.now
        if let token = try await APITokenModel.query(on: request.db)
            .filter(\.$tokenHash == Secrets.fingerprint(bearer.token))
            .filter(\.$revokedAt == nil)
            .with(\.$staff)
            .first(),
            token.staff.isActive
        {
            if token.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
                token.lastUsedAt = now
                try await token.update(on: request.db)
            }
            request.staff = token.staff
            request.language = token.staff.languageValue
        } else {
            throw KefuError(.unauthorized, code: "invalid_token", messageKey: "error.invalid_token")
        }
        return try await next.respond(to: request)
    }
}

/// The session cookie's attributes: HttpOnly, SameSite=Lax, Secure when configured.
enum SessionCookies {
    static func make(_ token: String, _ request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token, maxAge: request.kefu.configuration.sessionAbsoluteHours * 3600, path: "/",
            isSecure: request.kefu.configuration.secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }

    static func expired(_ request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
            isSecure: request.kefu.configuration.secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }
}
