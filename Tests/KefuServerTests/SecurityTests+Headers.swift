import Fluent
import Foundation
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 11 #8: headers, cookies and bodies.
extension SecurityTests {
    // MARK: - #8 headers, cookies, bodies

    @Test("#8 API answers are never stored; the content policy forbids <base> and foreign form targets")
    func cacheAndPolicy() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for path in ["/api/v1/me", "/api/v1/customers", "/api/v1/staff", "/api/v1/nothing-here"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { req in req.bearer(token) }) {
                    res async throws in
                    #expect(res.headers.first(name: .cacheControl) == "no-store", "\(path)")
                }
            }
            try await t.app.testing().test(.GET, "/login") { res async throws in
                let policy = try #require(res.headers.first(name: "Content-Security-Policy"))
                #expect(policy.contains("base-uri 'none'") && policy.contains("form-action 'self'"))
                #expect(res.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over plain http")
            }
        }
    }

    @Test(
        "#8 X-Request-Id is echoed and logged only when it is a short token",
        arguments: [
            ("abc-123_DEF.4", true), (String(repeating: "a", count: 64), true),
            (String(repeating: "a", count: 65), false),
            ("<script>", false), ("a b", false), ("id\u{1}", false), ("请求", false),
        ])
    func requestID(id: String, accepted: Bool) async throws {
        try await withApp { t in
            try await t.app.testing().test(
                .GET, "/healthz",
                beforeRequest: { req in
                    req.headers.replaceOrAdd(name: "X-Request-Id", value: id)
                }
            ) { res async throws in
                let echoed = try #require(res.headers.first(name: "X-Request-Id"))
                #expect((echoed == id) == accepted)
                #expect(RequestIdentifier.isAcceptable(echoed))
            }
        }
    }

    @Test("#8 with secure cookies every cookie is Secure, the session cookie is __Host-, and HSTS is sent")
    func secureCookies() async throws {
        var configuration = KefuConfiguration.testing()
        configuration.secureCookies = true
        try await withApp(configuration: configuration) { t in
            var browser = try await Browser.anonymous(t.app)
            try await t.app.testing().test(.GET, "/language?lang=en&next=%2Flogin") { res async throws in
                #expect(res.headers.setCookie?[CookieName.language]?.isSecure == true)
                #expect(
                    res.headers.first(name: "Strict-Transport-Security")
                        == SecurityHeadersMiddleware.strictTransportSecurity)
            }
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": "lina", "password": TestApp.password, "next": "/"], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                let session = try #require(res.headers.setCookie?["__Host-kefu_session"])
                #expect(session.isSecure && session.isHTTPOnly && session.path == "/" && session.domain == nil)
                #expect(res.headers.setCookie?[CookieName.session] == nil)
                browser.take(res)
            }
            let token = try #require(browser.cookies["__Host-kefu_session"]?.string)
            let session = try #require(
                try await WebSessionModel.query(on: t.app.db).filter(\.$tokenHash == Secrets.fingerprint(token)).first()
            )
            browser.csrf = session.csrfToken
            try await t.app.testing().test(
                .POST, "/profile/language",
                beforeRequest: { req in
                    try req.form(["language": "en"], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.setCookie?[CookieName.flash]?.isSecure == true)
            }
        }
    }

    @Test(
        "#8 an anonymous page post is refused before its body is read: no CSRF cookie, or larger than the public form allows"
    )
    func anonymousBodies() async throws {
        try await withApp { t in
            let big = String(repeating: "a", count: 64 * 1024)
            // No CSRF cookie at all: refused as CSRF whatever the size.
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.content.encode(
                        ["username": "lina", "password": big, "_csrf": "guess"], as: .urlEncodedForm)
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            // With the cookie, a body over the public form's 16 KB is refused before the token is looked for.
            let browser = try await Browser.anonymous(t.app)
            for path in ["/login", "/inquire"] {
                try await t.app.testing().test(
                    .POST, path,
                    beforeRequest: { req in
                        try req.form(["username": "lina", "password": big], browser: browser)
                    }
                ) { res async throws in #expect(res.status == .payloadTooLarge, "\(path)") }
            }
            #expect(try await t.auditEntries("auth.sign_in_failed").isEmpty)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM inquiries").first()?.decode(
                    column: "n", as: Int.self) == 0)
        }
    }
}
