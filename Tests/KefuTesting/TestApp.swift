import Fluent
import Foundation
import KefuDomain
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The fixed moment every test starts at: 2026-11-30 09:00 China Standard Time.
package let testStart = Date(timeIntervalSince1970: 1_796_000_400)

/// A running test application: in-memory SQLite, migrated, a manual clock, and one account per role.
package struct TestApp {
    package let app: Application
    package let clock: ManualClock
    /// username by role: administrator `admin`, supervisor `wangjing`, specialists `lina` and `zhangwei`,
    /// leadership `zhaoguoqiang`, liaison `zhoumin` (法务部).
    package static let usernames: [Role: String] = [
        .administrator: "admin", .supervisor: "wangjing", .specialist: "lina", .leadership: "zhaoguoqiang",
        .liaison: "zhoumin",
    ]
    package static let password = "客服测试密码-2026"

    /// Signs in through the real login form and returns the browser's cookies and CSRF token.
    package func signIn(_ username: String, password: String = TestApp.password) async throws -> Browser {
        var browser = try await Browser.anonymous(app)
        try await app.testing().test(
            .POST, "/login",
            beforeRequest: { req in
                req.headers.cookie = browser.cookies
                try req.content.encode(
                    ["username": username, "password": password, "_csrf": browser.csrf, "next": "/"],
                    as: .urlEncodedForm)
            },
            afterResponse: { res async throws in
                #expect(res.status == .seeOther, "sign-in as \(username) failed: \(res.body.string)")
                browser.take(res)
            })
        let token = try #require(browser.cookies[CookieName.session]?.string)
        let session = try #require(
            try await WebSessionModel.query(on: app.db).filter(\.$tokenHash == Secrets.fingerprint(token)).first())
        browser.csrf = session.csrfToken
        return browser
    }

    package func signIn(_ role: Role) async throws -> Browser {
        try await signIn(Self.usernames[role]!)
    }

    /// A personal API token for the account.
    package func token(_ role: Role) async throws -> String {
        let staff = try #require(
            try await StaffModel.query(on: app.db).filter(\.$username == Self.usernames[role]!).first())
        let (_, plain) = try await APITokenStore(database: app.db).create(
            for: try staff.requireID(), name: "test", context: .console(now: clock.clock.now))
        return plain
    }
}

/// Cookies and CSRF token of one simulated browser.
package struct Browser {
    package var cookies = HTTPCookies()
    package var csrf = ""

    package static func anonymous(_ app: Application) async throws -> Browser {
        var browser = Browser()
        try await app.testing().test(.GET, "/login") { res async throws in
            browser.take(res)
        }
        browser.csrf = try #require(browser.cookies[CookieName.anonymousCSRF]?.string)
        return browser
    }

    package mutating func take(_ response: TestingHTTPResponse) {
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty {
                cookies[name] = nil
            } else {
                cookies[name] = HTTPCookies.Value(string: value.string)
            }
        }
    }

    package func apply(to req: inout TestingHTTPRequest) {
        req.headers.cookie = cookies
    }
}

/// Runs a test against a fresh application on in-memory SQLite.
package func withApp(_ test: (TestApp) async throws -> Void) async throws {
    try await withApp(configuration: .testing(), test)
}

/// Runs a test against a fresh application with the given configuration (the PostgreSQL suite
/// passes a database of its own).
package func withApp(configuration: KefuConfiguration, _ test: (TestApp) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let clock = ManualClock(testStart)
    do {
        app.directory = DirectoryConfiguration(workingDirectory: packageRoot)
        try await configure(app, configuration, clock: clock.clock)
        try await app.autoMigrate()
        try await seedAccounts(app)
        try await test(TestApp(app: app, clock: clock))
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}

/// The package's root folder (for Resources/ and Public/), found from this file's path.
package let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path), url.path != "/" {
        url.deleteLastPathComponent()
    }
    return url.path + "/"
}()

private func seedAccounts(_ app: Application) async throws {
    let context = AuditContext.console(now: testStart)
    let store = StaffStore(database: app.db)
    let customerService = try #require(
        try await DepartmentModel.query(on: app.db).filter(\.$code == "customer_service").first())
    let legal = try await DepartmentStore(database: app.db).create(
        DepartmentInput(code: "legal", name: "法务部"), context: context)
    let management = try await DepartmentStore(database: app.db).create(
        DepartmentInput(code: "management", name: "公司领导"), context: context)
    let accounts: [(String, String, DepartmentModel, Role)] = [
        ("admin", "系统管理员", customerService, .administrator),
        ("wangjing", "王静", customerService, .supervisor),
        ("lina", "李娜", customerService, .specialist),
        ("zhangwei", "张伟", customerService, .specialist),
        ("zhaoguoqiang", "赵国强", management, .leadership),
        ("zhoumin", "周敏", legal, .liaison),
    ]
    for (username, name, department, role) in accounts {
        _ = try await store.create(
            StaffDraft(
                username: username, displayName: name, departmentID: department.id, role: role.rawValue,
                language: "zh-Hans", password: TestApp.password),
            by: nil, hashing: app.passwordHashing, common: app.kefu.commonPasswords, context: context
        )
    }
}

extension TestingHTTPRequest {
    /// Encodes a form post with the browser's cookies and CSRF token.
    package mutating func form(_ fields: [String: String], browser: Browser) throws {
        headers.cookie = browser.cookies
        var fields = fields
        fields["_csrf"] = fields["_csrf"] ?? browser.csrf
        try content.encode(fields, as: .urlEncodedForm)
    }

    package mutating func bearer(_ token: String) {
        headers.bearerAuthorization = BearerAuthorization(token: token)
    }
}
