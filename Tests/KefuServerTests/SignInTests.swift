import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Sign-in, sessions and CSRF")
struct SignInTests {
    @Test("the login page is Chinese by default and English with the language cookie")
    func loginPageLanguages() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/login") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("<html lang=\"zh-Hans\">"))
                #expect(res.body.string.contains("用户名"))
            }
            try await t.app.testing().test(
                .GET, "/login",
                beforeRequest: { req in
                    req.headers.cookie = [CookieName.language: "en"]
                }
            ) { res async throws in
                #expect(res.body.string.contains("<html lang=\"en\">"))
                #expect(res.body.string.contains("Username"))
            }
        }
    }

    @Test("signing in sets an HttpOnly, SameSite=Lax session cookie, rotates any old session and is audited")
    func signIn() async throws {
        try await withApp { t in
            var browser = try await t.signIn("lina")
            let first = try #require(browser.cookies[CookieName.session]?.string)
            // Signing in again from the same browser replaces the session instead of keeping the old id.
            // A browser that still holds a session posts the sign-in form again (with that session's token).
            let again = browser
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    req.headers.cookie = again.cookies
                    try req.content.encode(
                        ["username": "lina", "password": TestApp.password, "_csrf": again.csrf], as: .urlEncodedForm)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                let cookie = try #require(res.headers.setCookie?[CookieName.session])
                #expect(cookie.isHTTPOnly)
                #expect(cookie.sameSite == .lax)
                #expect(cookie.string != first)
                browser.take(res)
            }
            #expect(
                try await WebSessionModel.query(on: t.app.db).filter(\.$tokenHash == Secrets.fingerprint(first)).count()
                    == 0)
            #expect(try await t.auditEntries("auth.signed_in").count == 2)
        }
    }

    @Test("an unknown user and a wrong password get the same answer, and both are counted and audited")
    func sameMessage() async throws {
        try await withApp { t in
            let browser = try await Browser.anonymous(t.app)
            var bodies: [String] = []
            for username in ["lina", "nobody"] {
                try await t.app.testing().test(
                    .POST, "/login",
                    beforeRequest: { req in
                        try req.form(["username": username, "password": "wrong-password-123"], browser: browser)
                    }
                ) { res async throws in
                    #expect(res.status == .unauthorized)
                    #expect(res.body.string.contains("用户名或密码错误"))
                    bodies.append(res.body.string.replacingOccurrences(of: username, with: "X"))
                }
            }
            #expect(bodies[0] == bodies[1])
            #expect(try await t.auditEntries("auth.sign_in_failed").count == 2)
            #expect(try await SignInFailureModel.query(on: t.app.db).count() == 2)
        }
    }

    @Test("ten failures in fifteen minutes lock the account with 429 and the wait; the lock lifts with time")
    func throttle() async throws {
        try await withApp { t in
            let browser = try await Browser.anonymous(t.app)
            func attempt(_ password: String) async throws -> TestingHTTPResponse {
                var response: TestingHTTPResponse?
                try await t.app.testing().test(
                    .POST, "/login",
                    beforeRequest: { req in
                        try req.form(["username": "lina", "password": password], browser: browser)
                    }
                ) { res async throws in response = res }
                return try #require(response)
            }
            for _ in 0..<10 {
                #expect(try await attempt("wrong-password-123").status == .unauthorized)
                t.clock.advance(by: 10)
            }
            let locked = try await attempt(TestApp.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers.first(name: "Retry-After") != nil)
            #expect(locked.body.string.contains("分钟后再试"))
            t.clock.advance(by: 15 * 60)
            #expect(try await attempt(TestApp.password).status == .seeOther)
        }
    }

    @Test("a form post without the CSRF token is refused with 403 and changes nothing")
    func csrf() async throws {
        try await withApp { t in
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/profile/language",
                beforeRequest: { req in
                    try req.form(["language": "en", "_csrf": "forged"], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .forbidden)
                #expect(res.body.string.contains("表单已过期"))
            }
            #expect(try await t.staff("lina").language == "zh-Hans")
            // Without any token the login form is refused too.
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.content.encode(["username": "lina", "password": TestApp.password], as: .urlEncodedForm)
                }
            ) { res async throws in
                #expect(res.status == .forbidden)
                #expect(res.headers.setCookie?[CookieName.session] == nil)
            }
        }
    }

    @Test("an idle session ends and sends the person to sign in, keeping where they were going")
    func idleTimeout() async throws {
        try await withApp { t in
            let browser = try await t.signIn("wangjing")
            try await t.app.testing().test(
                .GET, "/staff?role=specialist", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
            }
            t.clock.advance(by: 121 * 60)
            try await t.app.testing().test(
                .GET, "/staff?role=specialist", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/login?next=/staff%3Frole%3Dspecialist")
            }
            #expect(try await WebSessionModel.query(on: t.app.db).count() == 0)
        }
    }

    @Test("the absolute timeout ends even an active session")
    func absoluteTimeout() async throws {
        try await withApp { t in
            let browser = try await t.signIn("lina")
            for _ in 0..<13 {
                t.clock.advance(by: 59 * 60)
                try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) { _ in }
            }
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .seeOther)
            }
        }
    }

    @Test("changing the password ends every other session; the changer stays signed in on a new one")
    func passwordChangeEndsSessions() async throws {
        try await withApp { t in
            let other = try await t.signIn("lina")
            var current = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/profile/password",
                beforeRequest: { req in
                    try req.form(
                        [
                            "currentPassword": TestApp.password, "newPassword": "新的密码已经足够长了吗",
                            "confirmPassword": "新的密码已经足够长了吗",
                        ], browser: current)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                current.take(res)
            }
            try await t.app.testing().test(.GET, "/profile", beforeRequest: { req in other.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .seeOther)
            }
            try await t.app.testing().test(.GET, "/profile", beforeRequest: { req in current.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("密码已修改"))
            }
            _ = try await t.signIn("lina", password: "新的密码已经足够长了吗")
            #expect(try await t.auditEntries("profile.password_changed").count == 1)
        }
    }

    @Test("a password change with a wrong current password or a short new one shows the messages and changes nothing")
    func passwordChangeRefused() async throws {
        try await withApp { t in
            let browser = try await t.signIn("lina")
            let before = try await t.staff("lina").passwordHash
            try await t.app.testing().test(
                .POST, "/profile/password",
                beforeRequest: { req in
                    try req.form(
                        ["currentPassword": "not-my-password", "newPassword": "short", "confirmPassword": "other"],
                        browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("当前密码不正确"))
                #expect(res.body.string.contains("密码至少需要 10 个字符"))
                #expect(res.body.string.contains("两次输入的新密码不一致"))
            }
            #expect(try await t.staff("lina").passwordHash == before)
        }
    }

    @Test("signing out ends the session")
    func signOut() async throws {
        try await withApp { t in
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/logout", beforeRequest: { req in try req.form([:], browser: browser) }
            ) { res async throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.first(name: .location) == "/login")
            }
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .seeOther)
            }
            #expect(try await t.auditEntries("auth.signed_out").count == 1)
        }
    }

    @Test("a deactivated account cannot sign in and gets the same message as a wrong password")
    func deactivated() async throws {
        try await withApp { t in
            try await StaffStore(database: t.app.db).setActive(
                try await t.staff("zhangwei"), false, version: nil, context: .console(now: testStart))
            let browser = try await Browser.anonymous(t.app)
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": "zhangwei", "password": TestApp.password], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unauthorized)
                #expect(res.body.string.contains("用户名或密码错误"))
            }
        }
    }

    @Test(
        "the workbench tells the sign-in before this one; the supervisor's counts a day's failed sign-ins and names who acted"
    )
    func workbenchSignIns() async throws {
        try await withApp { t in
            _ = try await t.signIn("lina")
            let firstAt = DisplayFormat.dateTime(t.clock.clock.now)
            t.clock.advance(by: 3600)
            let anonymous = try await Browser.anonymous(t.app)
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": "lina", "password": "wrong-password-123"], browser: anonymous)
                }
            ) { res async throws in #expect(res.status == .unauthorized) }
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("上次登录 \(firstAt)"), "the sign-in before this one, not this one")
                #expect(!res.body.string.contains("24 小时内登录失败"), "a specialist does not read the audit log")
            }
            let supervisor = try await t.signIn("wangjing")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in supervisor.apply(to: &req) }) {
                res async throws in
                let html = res.body.string
                #expect(html.contains("<span class=\"figure-value\">1</span>"))
                #expect(html.contains("24 小时内登录失败"))
                #expect(html.contains("<td>李娜</td>") && !html.contains("<td>lina</td>"), "recent events by name")
            }
        }
    }

    @Test("the next address after sign-in must be on this site")
    func safeRedirect() {
        #expect(SiteURL.isSafeRedirect("/staff?q=1"))
        #expect(!SiteURL.isSafeRedirect("//evil.example"))
        #expect(!SiteURL.isSafeRedirect("https://evil.example"))
        #expect(!SiteURL.isSafeRedirect("/\\evil.example"))
    }
}
