import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The dashboard's filters beside the period (issue 16 §2): a person, a channel, a project narrow the figures
/// and the lists behind them to exactly the records they name; an unknown value is a message at its field;
/// a specialist gets their own figures and is refused another's or the team's, audited, nothing shown.
@Suite("Reports: the dashboard's filters — equal to direct counts, unknown values named, a specialist only their own")
struct ReportFilterTests {
    static func dashboard(_ t: TestApp, _ query: String, token: String) async throws -> SupervisorDashboard.DTO {
        let (status, text) = try await ContractTests.call(
            t, .GET, "/api/v1/reports/dashboard?from=2026-11-01&to=2026-11-30\(query)", token: token)
        #expect(status == .ok, "\(query): \(text)")
        return try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
    }

    static func count(_ t: TestApp, _ query: SQLQueryString) async throws -> Int {
        try await t.app.db.sql().raw(query).first()!.decode(column: "n", as: Int.self)
    }

    @Test(
        "a person, a channel and a project narrow each figure to a direct count over the records",
        arguments: TestDatabase.available)
    func filtersEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (_, lina, _) = try await ReportTests.generate(t)
            let start = ReportTests.start, end = ReportTests.end
            let token = try await t.token(.supervisor)
            let mine = try await Self.dashboard(t, "&staff=\(lina)", token: token)
            for row in mine.inquiriesByChannel {
                #expect(
                    row.count
                        == (try await Self.count(
                            t,
                            """
                            SELECT COUNT(*) AS n FROM inquiries WHERE received_at >= \(bind: start) AND received_at < \(bind: end)
                            AND channel = \(bind: row.channel) AND staff_id = \(bind: lina)
                            """)),
                    "lina's \(row.channel)")
                #expect(
                    try await ReportTests.total(
                        t,
                        "/api/v1/reports/records/inquiries-by-channel?key=\(row.channel)&from=2026-11-01&to=2026-11-30&staff=\(lina)",
                        token: token) == row.count)
            }
            #expect(mine.followUps.allSatisfy { $0.staffID == lina }, "only lina's follow-ups")
            #expect(
                mine.complaintsByCategory.map(\.count).reduce(0, +)
                    == (try await Self.count(
                        t,
                        """
                        SELECT COUNT(*) AS n FROM complaints WHERE received_at >= \(bind: start) AND received_at < \(bind: end) AND staff_id = \(bind: lina)
                        """)))
            #expect(
                mine.funnel.map(\.count).reduce(0, +)
                    == (try await Self.count(
                        t,
                        """
                        SELECT COUNT(*) AS n FROM customers WHERE merged_into_id IS NULL AND responsible_staff_id = \(bind: lina)
                        """)))
            #expect(mine.comparison[0].inquiries == mine.inquiriesByChannel.map(\.count).reduce(0, +))

            let phone = try await Self.dashboard(t, "&channel=phone", token: token)
            let phoneCount = try await Self.count(
                t,
                """
                SELECT COUNT(*) AS n FROM inquiries WHERE received_at >= \(bind: start) AND received_at < \(bind: end) AND channel = 'phone'
                """)
            #expect(phone.inquiriesByChannel.first { $0.channel == "phone" }?.count == phoneCount)
            #expect(phone.inquiriesByChannel.filter { $0.channel != "phone" }.allSatisfy { $0.count == 0 })
            #expect(
                phone.inquiriesByWeekday.reduce(0, +) == phoneCount && phone.inquiriesByHour.reduce(0, +) == phoneCount)

            let sql = try t.app.db.sql()
            let project = try await sql.raw(
                """
                INSERT INTO projects (code, name, type, industries, status, created_at, updated_at, version)
                VALUES ('XM-REPORT-1', '临港智造园', 'industrial_park', ',manufacturing,', 'open', \(bind: start), \(bind: start), 1) RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
            try await sql.raw("UPDATE complaints SET project_id = \(bind: project) WHERE id % 3 = 0").run()
            let about = try await Self.dashboard(t, "&project=\(project)", token: token)
            #expect(
                about.complaintsByCategory.map(\.count).reduce(0, +)
                    == (try await Self.count(
                        t,
                        """
                        SELECT COUNT(*) AS n FROM complaints WHERE received_at >= \(bind: start) AND received_at < \(bind: end) AND project_id = \(bind: project)
                        """)))
        }
    }

    @Test("unknown filter values are named at their field (422), on the page keeping the period, never a 500")
    func unknownValues() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for (query, field) in [
                ("staff=abc", "staff"), ("staff=99999", "staff"), ("channel=pigeon", "channel"),
                ("project=12345", "project"),
                ("project=-1", "project"), ("channel=%3Cscript%3E", "channel"),
            ] {
                let (status, text) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/dashboard?\(query)", token: token)
                #expect(status == .unprocessableEntity, "\(query): \(text)")
                #expect(text.contains("\"\(field)\""), "\(query) names \(field)")
                let (listStatus, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/records/inquiries-by-channel?key=phone&\(query)", token: token)
                #expect(listStatus == .unprocessableEntity)
            }
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?from=2026-11-01&to=2026-11-30&channel=pigeon",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("id=\"channel-error\""))
                #expect(html.contains("value=\"2026-11-01\""))
                #expect(!html.contains("<svg xmlns="))
            }
        }
    }

    @Test(
        "a specialist gets their own figures; another's or the team's are refused (403, audited) on the page, the API, the lists and the files"
    )
    func specialistOwnOnly() async throws {
        try await withApp { t in
            let (_, lina, zhangwei) = try await ReportTests.generate(t)
            let token = try await t.token(.specialist)
            let own = try await Self.dashboard(t, "", token: token)
            let supervisorToken = try await t.token(.supervisor)
            #expect(
                own == (try await Self.dashboard(t, "&staff=\(lina)", token: supervisorToken)),
                "the same as the supervisor's view of lina")
            #expect(own == (try await Self.dashboard(t, "&staff=\(lina)", token: token)))
            let denials = try await Self.count(
                t, "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'auth.permission_denied'")
            let browser = try await t.signIn(.specialist)
            for query in ["staff=\(zhangwei)", "staff=all"] {
                let (status, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/dashboard?\(query)", token: token)
                #expect(status == .forbidden, "\(query)")
                let (list, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/records/follow-ups-late?key=\(zhangwei)&\(query)", token: token)
                #expect(list == .forbidden, "\(query)")
                for path in [
                    "/reports?\(query)", "/reports/export/funnel?\(query)",
                    "/reports/records/follow-ups-late?key=\(zhangwei)&\(query)",
                ] {
                    try await t.app.testing().test(.GET, path, beforeRequest: { $0.headers.cookie = browser.cookies }) {
                        res async throws in
                        #expect(res.status == .forbidden, "\(path)")
                        #expect(!res.body.string.contains("<svg xmlns="))
                    }
                }
            }
            #expect(
                try await Self.count(
                    t, "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'auth.permission_denied'") == denials
                    + 10)
            // A list of another person's key under the specialist's own filter holds nothing of theirs.
            #expect(
                try await ReportTests.total(t, "/api/v1/reports/records/follow-ups-late?key=\(zhangwei)", token: token)
                    == 0)
        }
    }
}
