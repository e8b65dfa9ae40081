import Fluent
import Foundation
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Operations, pages and the audit log")
struct OperationsTests {
    @Test("healthz answers; readyz reports the database reachable and migrations current")
    func health() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/healthz") { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.first(name: "X-Request-Id") != nil)
            }
            try await t.app.testing().test(.GET, "/readyz") { res async throws in
                #expect(res.status == .ok)
                let status = try res.content.decode(HealthController.Status.self)
                #expect(status.pendingMigrations == [])
            }
        }
    }

    @Test(
        "SQLite runs in WAL mode with a busy timeout, foreign keys and FULL synchronous — read back from a file database"
    )
    func sqlitePragmas() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kefu-pragma-\(UUID().uuidString)"
        ).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let app = try await Application.make(.testing)
        do {
            app.directory = DirectoryConfiguration(workingDirectory: packageRoot)
            var configuration = KefuConfiguration.testing()
            configuration.database = .sqlite(path: directory + "/kefu.sqlite3")
            try await configure(app, configuration)
            try await app.autoMigrate()
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let database = try #require(app.databases.database(logger: app.logger, on: eventLoop))
                let settings = try await DatabaseSetup.sqliteSettings(database)
                #expect(settings["journal_mode"] == "wal")
                #expect(settings["synchronous"] == "2")
                #expect(settings["busy_timeout"] == "5000")
                #expect(settings["foreign_keys"] == "1")
            }
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test("an unknown page is a 404 page in the person's language")
    func notFoundPage() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/no-such-page") { res async throws in
                #expect(res.status == .notFound)
                #expect(res.headers.contentType == .html)
                #expect(res.body.string.contains("页面不存在"))
            }
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/profile/language", beforeRequest: { req in try req.form(["language": "en"], browser: browser) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            try await t.app.testing().test(.GET, "/no-such-page", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("Page not found"))
                #expect(res.body.string.contains("<html lang=\"en\">"))
            }
        }
    }

    @Test("pages carry a strict content policy and never load anything from elsewhere")
    func securityHeaders() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.administrator)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
                #expect(res.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(!res.body.string.contains("http://") && !res.body.string.contains("https://"))
            }
            try await t.app.testing().test(.GET, "/css/kefu.css") { res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("url(http"))
            }
        }
    }

    @Test(
        "navigation shows built parts the role may open, and no dead links",
        arguments: [
            (Role.administrator, ["/", "/staff", "/departments", "/audit"], ["/contracts"]),
            (.supervisor, ["/", "/staff", "/departments", "/audit", "/contracts"], []),
            (.specialist, ["/", "/contracts"], ["/staff", "/audit", "/departments"]),
            (.liaison, ["/", "/contracts"], ["/staff", "/audit"]),
        ])
    func navigation(role: Role, shown: [String], hidden: [String]) async throws {
        try await withApp { t in
            let browser = try await t.signIn(role)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                for href in shown {
                    #expect(
                        html.contains("class=\"nav-link") && html.contains("href=\"\(href)\""), "\(role) misses \(href)"
                    )
                }
                for href in hidden {
                    #expect(!html.contains("<a href=\"\(href)\" class=\"nav-link"), "\(role) sees \(href)")
                }
                #expect(html.contains("工作台"))
                #expect(!html.contains(">投诉<"), "an entry for an unbuilt part is shown")
            }
        }
    }

    @Test("the audit log is append-only: the database refuses updates and deletes")
    func appendOnly() async throws {
        try await withApp { t in
            _ = try await t.signIn("lina")
            let sql = try t.app.db.sql()
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET actor_name = 'x'").run()
            }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries").run() }
            #expect(try await t.auditEntries("auth.signed_in").first?.actorName == "lina")
        }
    }

    @Test("the supervisor reads the audit log, filtered and paged; a specialist may not")
    func auditPage() async throws {
        try await withApp { t in
            _ = try await t.signIn("lina")
            let supervisor = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/audit?action=auth.signed_in&actor=lina", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("auth.signed_in"))
                #expect(res.body.string.contains("共 1 条"))
            }
            try await t.app.testing().test(
                .GET, "/audit?from=2026-13-45", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("请输入有效日期"))
            }
            let token = try await t.token(.supervisor)
            try await t.app.testing().test(
                .GET, "/api/v1/audit-entries?actor=lina", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<AuditEntryDTO>.self)
                #expect(page.items.allSatisfy { $0.actorName == "lina" })
                #expect(page.page.totalItems >= 1)
            }
            let specialist = try await t.token(.specialist)
            try await t.app.testing().test(
                .GET, "/api/v1/audit-entries", beforeRequest: { req in req.bearer(specialist) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
        }
    }

    @Test("the dashboard greets the person in their language")
    func dashboard() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("您好，王静"))
                #expect(res.body.string.contains("在职人员"))
            }
        }
    }
}

@Suite("Scheduler")
struct SchedulerTests {
    @Test("two instances on one database run a due job exactly once, and again only after its interval")
    func runsOnce() async throws {
        try await withApp { t in
            let runs = Counter()
            let job = ScheduledJob(name: "test.count", interval: 60) { _, _ in runs.increment() }
            let first = Scheduler(instanceID: "one"), second = Scheduler(instanceID: "two")
            first.register(job)
            second.register(job)
            async let a = first.runDueJobs(app: t.app, now: t.clock.clock.now)
            async let b = second.runDueJobs(app: t.app, now: t.clock.clock.now)
            let ran = await [a, b]
            #expect(runs.value == 1)
            #expect(ran.flatMap { $0 } == ["test.count"])
            t.clock.advance(by: 30)
            await first.runDueJobs(app: t.app, now: t.clock.clock.now)
            await second.runDueJobs(app: t.app, now: t.clock.clock.now)
            #expect(runs.value == 1)
            t.clock.advance(by: 31)
            await second.runDueJobs(app: t.app, now: t.clock.clock.now)
            #expect(runs.value == 2)
        }
    }

    @Test(
        "the statistics job re-analyses a table that grew tenfold: the bell's count then reads the index of unread notifications"
    )
    func statisticsFollowGrowth() async throws {
        try await withApp { t in
            let lina = try #require(try await StaffModel.query(on: t.app.db).filter(\.$username == "lina").first()?.id)
            func insert(_ range: Range<Int>) async throws {
                for n in range {
                    try await t.app.db.sql().raw(
                        """
                        INSERT INTO notifications (staff_id, event, title, body, dedupe_key, created_at, read_at)
                        VALUES (\(bind: lina), 'test', 't', 'b', \(bind: "k\(n)"), 0, \(bind: n % 10 == 0 ? nil : 1.0))
                        """
                    ).run()
                }
            }
            try await insert(0..<6)
            try await t.app.db.sql().raw("ANALYZE").run()
            try await insert(6..<600)
            try await DatabaseStatistics.refresh.run(t.app, t.clock.clock.now)
            let stat = try await t.app.db.sql().raw("SELECT stat FROM sqlite_stat1 WHERE idx = 'notifications_staff'")
                .first()?
                .decode(column: "stat", as: String.self)
            #expect(stat?.hasPrefix("600 ") == true, "\(stat ?? "no statistics")")
            let plan = try await t.app.db.sql().raw(
                """
                EXPLAIN QUERY PLAN SELECT COUNT(*) FROM notifications n WHERE n.staff_id = \(bind: lina) AND n.read_at IS NULL
                """
            ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(plan.contains("notifications_unread"), "\(plan)")
        }
    }

    @Test("the housekeeping job removes ended sessions")
    func housekeeping() async throws {
        try await withApp { t in
            _ = try await t.signIn("lina")
            t.clock.advance(by: 3 * 3600)
            try await HousekeepingJobs.purgeExpiredSessions.run(t.app, t.clock.clock.now)
            #expect(try await WebSessionModel.query(on: t.app.db).count() == 0)
        }
    }
}

final class Counter: Sendable {
    private let box = NIOLockedValueBox(0)
    func increment() { box.withLockedValue { $0 += 1 } }
    var value: Int { box.withLockedValue { $0 } }
}

extension OperationsTests {
    @Test(
        "while draining for shutdown: readyz says stopping (503); once the listener stops, every answer asks the client to close its connection"
    )
    func draining() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/healthz") { res async throws in
                #expect(!res.headers[.connection].contains("close"))
            }
            t.app.drain.begin()
            try await t.app.testing().test(.GET, "/readyz") { res async throws in
                #expect(res.status == .serviceUnavailable)
                #expect(try res.content.decode(HealthController.Status.self).status == "stopping")
            }
            // Connections are kept until the listener has stopped: no reconnection waits in its backlog.
            try await t.app.testing().test(.GET, "/healthz") { res async throws in
                #expect(!res.headers[.connection].contains("close"))
            }
            t.app.drain.closeConnections()
            let browser = try await t.signIn(.specialist)
            for path in ["/healthz", "/customers", "/no-such-page"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) {
                    res async throws in
                    #expect(res.headers[.connection].first == "close", "\(path)")
                }
            }
        }
    }
}
