import Vapor

/// Headers every response carries: the request id (for matching a complaint to a log line), a strict
/// content policy — Kefu loads nothing from elsewhere, runs only its own scripts, posts forms only
/// to itself and allows no `<base>` — and, with secure cookies on, HSTS. API responses are never
/// stored by a browser or a proxy: most carry personal data (issue 11 #8).
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    /// A year, the floor browsers' preload lists ask for.
    static let strictTransportSecurity = "max-age=31536000"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Request-Id", value: request.requestID)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.contentSecurityPolicy)
        if request.kefu.configuration.secureCookies {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: Self.strictTransportSecurity)
        }
        if request.isAPI, !response.headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

/// Gives each request an id that is safe to log and echo: the caller's `X-Request-Id` when it is a
/// short token (a proxy's id, so one line can be followed through both), otherwise a fresh one. An
/// unchecked id would let a client write anything into the logs, the audit log and a header.
struct RequestIDMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.logger[metadataKey: "request-id"] = .string(request.requestID)
        return try await next.respond(to: request)
    }
}

extension Request {
    private struct RequestIDKey: StorageKey { typealias Value = String }

    /// The request's id as Kefu logs, audits and returns it (see ``RequestIDMiddleware``).
    var requestID: String {
        if let id = storage[RequestIDKey.self] { return id }
        let id = RequestIdentifier.isAcceptable(self.id) ? self.id : UUID().uuidString
        storage[RequestIDKey.self] = id
        return id
    }
}

enum RequestIdentifier {
    /// 1–64 characters of letters, digits, `-`, `_`, `.` — what proxies and UUIDs produce.
    static func isAcceptable(_ id: String) -> Bool {
        let bytes = id.utf8
        return (1...64).contains(bytes.count)
            && bytes.allSatisfy { byte in
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            }
    }
}
