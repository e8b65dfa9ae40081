import Fluent
import Foundation
@testable import KefuServer
import KefuDomain
import Testing
import Vapor
import VaporTesting

/// The fixed moment every test starts at: 2026-11-30 09:00 China Standard Time.
let testStart = Date(timeIntervalSince1970: 1_796_000_400)

/// A running test application: in-memory SQLite, migrated, a manual clock, and one account per role.
struct TestApp {
    let app: Application
    let clock: ManualClock
    /// username by role: administrator `admin`, supervisor `wangjing`, specialists `lina` and `zhangwei`,
    /// leadership `zhaoguoqiang`, liaison `zhoumin` (法务部).
    static let usernames: [Role: String] = [
        .administrator: "admin", .supervisor: "wangjing", .specialist: "lina", .leadership: "zhaoguoqiang", .liaison: "zhoumin",
    ]
    static let password = "客服测试密码-2026"

    func staff(_ username: String) async throws -> StaffModel {
        try #require(try await StaffModel.query(on: app.db).filter(\.$username == username).first())
    }

    func staff(_ role: Role) async throws -> StaffModel {
        try await staff(Self.usernames[role]!)
    }

    /// Signs in through the real login form and returns the browser's cookies and CSRF token.
    func signIn(_ username: String, password: String = TestApp.password) async throws -> Browser {
        var browser = try await Browser.anonymous(app)
        try await app.testing().test(.POST, "/login", beforeRequest: { req in
            req.headers.cookie = browser.cookies
            try req.content.encode(["username": username, "password": password, "_csrf": browser.csrf, "next": "/"], as: .urlEncodedForm)
        }, afterResponse: { res async throws in
            #expect(res.status == .seeOther, "sign-in as \(username) failed: \(res.body.string)")
            browser.take(res)
        })
        let token = try #require(browser.cookies[CookieName.session]?.string)
        let session = try #require(try await WebSessionModel.query(on: app.db).filter(\.$tokenHash == Secrets.fingerprint(token)).first())
        browser.csrf = session.csrfToken
        return browser
    }

    func signIn(_ role: Role) async throws -> Browser {
        try await signIn(Self.usernames[role]!)
    }

    /// A personal API token for the account.
    func token(_ role: Role) async throws -> String {
        let staff = try await staff(role)
        let (_, plain) = try await APITokenStore(database: app.db).create(for: try staff.requireID(), name: "test", context: .console(now: clock.clock.now))
        return plain
    }

    func auditEntries(_ action: String) async throws -> [AuditEntryModel] {
        try await AuditEntryModel.query(on: app.db).filter(\.$action == action).sort(\.$id).all()
    }
}

/// Cookies and CSRF token of one simulated browser.
struct Browser {
    var cookies = HTTPCookies()
    var csrf = ""

    static func anonymous(_ app: Application) async throws -> Browser {
        var browser = Browser()
        try await app.testing().test(.GET, "/login") { res async throws in
            browser.take(res)
        }
        browser.csrf = try #require(browser.cookies[CookieName.anonymousCSRF]?.string)
        return browser
    }

    mutating func take(_ response: TestingHTTPResponse) {
        for (name, value) in response.headers.setCookie?.all ?? [:] {
            if value.string.isEmpty { cookies[name] = nil } else { cookies[name] = HTTPCookies.Value(string: value.string) }
        }
    }

    func apply(to req: inout TestingHTTPRequest) {
        req.headers.cookie = cookies
    }
}

/// Runs a test against a fresh application.
func withApp(_ test: (TestApp) async throws -> Void) async throws {
    let app = try await Application.make(.testing)
    let clock = ManualClock(testStart)
    do {
        app.directory = DirectoryConfiguration(workingDirectory: packageRoot)
        try await configure(app, .testing(), clock: clock.clock)
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
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path + "/"
}()

private func seedAccounts(_ app: Application) async throws {
    let context = AuditContext.console(now: testStart)
    let store = StaffStore(database: app.db)
    let customerService = try #require(try await DepartmentModel.query(on: app.db).filter(\.$code == "customer_service").first())
    let legal = try await DepartmentStore(database: app.db).create(DepartmentInput(code: "legal", name: "法务部"), context: context)
    let management = try await DepartmentStore(database: app.db).create(DepartmentInput(code: "management", name: "公司领导"), context: context)
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
            StaffDraft(username: username, displayName: name, departmentID: department.id, role: role.rawValue, language: "zh-Hans", password: TestApp.password),
            by: nil, hashing: app.passwordHashing, context: context
        )
    }
}

extension TestingHTTPRequest {
    /// Encodes a form post with the browser's cookies and CSRF token.
    mutating func form(_ fields: [String: String], browser: Browser) throws {
        headers.cookie = browser.cookies
        var fields = fields
        fields["_csrf"] = fields["_csrf"] ?? browser.csrf
        try content.encode(fields, as: .urlEncodedForm)
    }

    mutating func bearer(_ token: String) {
        headers.bearerAuthorization = BearerAuthorization(token: token)
    }
}
