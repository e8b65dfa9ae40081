import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The same flows on PostgreSQL as on SQLite: migrations, sign-in, staff and audit (S1).
@Suite("PostgreSQL", .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct PostgresTests {
    @Test("the migrations run, readyz reports them current, and the audit log is append-only")
    func migrations() async throws {
        try await withPostgresApp { t in
            #expect(t.app.db.dialect == .postgres)
            try await t.app.testing().test(.GET, "/readyz") { res async throws in
                #expect(res.status == .ok)
            }
            _ = try await t.signIn("lina")
            let sql = try t.app.db.sql()
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET actor_name = 'x'").run()
            }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries").run() }
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE staff SET role = 'supervisor' WHERE username = 'lina'").run()
            }
        }
    }

    @Test("sign-in, the session, the throttle and sign-out work on PostgreSQL")
    func signIn() async throws {
        try await withPostgresApp { t in
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("您好，李娜"))
            }
            let anonymous = try await Browser.anonymous(t.app)
            for _ in 0..<10 {
                try await t.app.testing().test(
                    .POST, "/login",
                    beforeRequest: { req in
                        try req.form(["username": "zhangwei", "password": "wrong-password-1"], browser: anonymous)
                    }
                ) { res async throws in #expect(res.status == .unauthorized) }
            }
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": "zhangwei", "password": TestApp.password], browser: anonymous)
                }
            ) { res async throws in #expect(res.status == .tooManyRequests) }
            try await t.app.testing().test(
                .POST, "/logout", beforeRequest: { req in try req.form([:], browser: browser) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            #expect(
                try await AuditEntryModel.query(on: t.app.db).filter(\.$action == "auth.sign_in_failed").count() == 10)
        }
    }

    @Test("staff: create, second supervisor refused, version conflict, list filters — as on SQLite")
    func staff() async throws {
        try await withPostgresApp { t in
            let token = try await t.token(.administrator)
            let lina = try #require(try await StaffModel.query(on: t.app.db).filter(\.$username == "lina").first())
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(
                        CreateStaffRequest(
                            username: "wuxia", displayName: "吴霞", departmentID: lina.$department.id, role: "supervisor",
                            language: "zh-Hans", password: "吴霞的初始密码2026"))
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(
                        CreateStaffRequest(
                            username: "wuxia", displayName: "吴霞", departmentID: lina.$department.id, role: "specialist",
                            language: "zh-Hans", password: "吴霞的初始密码2026"))
                }
            ) { res async throws in #expect(res.status == .created) }
            for expected in [HTTPStatus.ok, .conflict] {
                try await t.app.testing().test(
                    .PATCH, "/api/v1/staff/\(lina.id!)",
                    beforeRequest: { req in
                        req.bearer(token);
                        try req.content.encode(UpdateStaffRequest(version: lina.version, displayName: "李娜（组长）"))
                    }
                ) { res async throws in #expect(res.status == expected) }
            }
            try await t.app.testing().test(
                .GET, "/api/v1/staff?q=%E6%9D%8E&active=true", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<StaffDTO>.self)
                #expect(page.items.map(\.username) == ["lina"])
            }
            try await t.app.testing().test(
                .GET, "/api/v1/audit-entries?action=staff.created", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<AuditEntryDTO>.self)
                #expect(page.items.first?.detail.contains("wuxia") == true)
            }
        }
    }

    @Test("two instances share sessions, and a scheduled job runs once across them")
    func twoInstances() async throws {
        try await withTwoPostgresInstances { first, second in
            _ = try await ConsoleOperations.ensureAdministrator(first)
            _ = try await DemoDepartment.load(first, password: "kefu-demo-2026")
            // A session made through one instance is honoured by the other.
            var browser = try await Browser.anonymous(first)
            try await first.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": "lina", "password": "kefu-demo-2026"], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                browser.take(res)
            }
            try await second.testing().test(.GET, "/profile", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("lina"))
            }
            let runs = RunCounter()
            let job = ScheduledJob(name: "test.once", interval: 300) { _, _ in runs.increment() }
            let a = Scheduler(instanceID: "a"), b = Scheduler(instanceID: "b")
            a.register(job)
            b.register(job)
            let now = Date()
            async let ranA = a.runDueJobs(app: first, now: now)
            async let ranB = b.runDueJobs(app: second, now: now)
            let ran = await ranA + ranB
            #expect(ran == ["test.once"])
            #expect(runs.value == 1)
        }
    }
}

final class RunCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

@Suite(
    "Webhooks on two PostgreSQL instances (issue 17 §2)",
    .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct PostgresWebhookTests {
    @Test("two instances, a receiver answering after 300 ms, 20 queued deliveries: exactly one POST each")
    func exactlyOnce() async throws {
        try await withTwoPostgresInstances { first, second in
            let posts = try await postsPerDeliveryWithTwoSenders(
                first: first, second: second, count: 20, receiverDelay: .milliseconds(300), now: Date())
            #expect(posts.count == 20)
            #expect(posts.values.allSatisfy { $0 == 1 }, "\(posts)")
        }
    }
}
