import Fluent
import Vapor

/// Finds the signed-in person of a page request from the session cookie, ending sessions that have
/// been idle or alive too long (issue 2 §3).
struct SessionAuthenticator: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard !request.isAPI, let token = request.cookies[request.sessionCookieName]?.string, !token.isEmpty else {
            return try await next.respond(to: request)
        }
        let now = request.now
        let lifetime = request.kefu.sessionLifetime
        let lookup = SignedInLookup(database: try request.db.sql())
        var expired = false
        if let match = try await lookup.session(tokenHash: Secrets.fingerprint(token)) {
            let session = match.session
            if lifetime.isExpired(createdAt: session.createdAt, lastSeenAt: session.lastSeenAt, now: now)
                || !match.isActive
            {
                try await lookup.deleteSession(session.id)
                expired = true
            } else {
                if lifetime.needsTouch(lastSeenAt: session.lastSeenAt, now: now) {
                    try await lookup.touchSession(session.id, at: now)
                }
                request.webSession = session
                request.staff = match.staff
                request.language = match.staff.language
                request.unreadNotifications = match.unreadNotifications
            }
        } else {
            expired = true
        }
        let response = try await next.respond(to: request)
        if expired, request.webSession == nil, response.cookies[request.sessionCookieName] == nil {
            response.cookies[request.sessionCookieName] = SessionCookies.expired(request)
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
        let lookup = SignedInLookup(database: try request.db.sql())
        guard let match = try await lookup.token(tokenHash: Secrets.fingerprint(bearer.token)), match.isActive else {
            throw KefuError(.unauthorized, code: "invalid_token", messageKey: "error.invalid_token")
        }
        // Last use is kept to the minute: a write per call would serialize every API request on SQLite.
        if match.lastUsedAt.map({ now.timeIntervalSince($0) >= 60 }) ?? true {
            try await lookup.touchToken(match.tokenID, at: now)
        }
        request.staff = match.staff
        request.language = match.staff.language
        return try await next.respond(to: request)
    }
}

/// The session cookie's attributes: HttpOnly, SameSite=Lax, Secure (and the `__Host-` name) when configured.
enum SessionCookies {
    static func make(_ token: String, _ request: Request) -> HTTPCookies.Value {
        request.kefuCookie(token, maxAge: request.kefu.configuration.sessionAbsoluteHours * 3600)
    }

    static func expired(_ request: Request) -> HTTPCookies.Value {
        request.expiredKefuCookie()
    }
}
