import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The dashboard's complaint figures by severity and department and each person's overdue work (issue 16 §2,
/// R6.3): each equals a direct count over the records, and the list behind each mark holds exactly what it counts.
@Suite("Reports: complaints by severity (in time) and department, overdue work per person — equal to direct counts")
struct ReportComplaintFigureTests {
    static func count(_ t: TestApp, _ query: SQLQueryString) async throws -> Int {
        try await t.app.db.sql().raw(query).first()!.decode(column: "n", as: Int.self)
    }

    @Test("each figure equals a direct count; each mark's list holds what it counts", arguments: TestDatabase.available)
    func figuresEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (_, lina, zhangwei) = try await ReportTests.generate(t)
            let sql = try t.app.db.sql()
            let start = ReportTests.start, end = ReportTests.end
            let legal = try await sql.raw("SELECT id FROM departments WHERE name = '法务部'").first()!.decode(
                column: "id", as: Int.self)
            // Severities in turn; a third resolved a minute after receipt (in time), a third forty days later (late), a third open.
            for row in try await sql.raw("SELECT id, received_at FROM complaints ORDER BY id").all() {
                let id = try row.decode(column: "id", as: Int.self),
                    received = try row.decode(column: "received_at", as: Date.self)
                let severity = ["normal", "major", "urgent"][id % 3]
                let resolved: Date? = [received.addingTimeInterval(60), received.addingTimeInterval(40 * 86_400), nil][
                    (id / 3) % 3]
                try await sql.raw(
                    "UPDATE complaints SET severity = \(bind: severity), resolved_at = \(bind: resolved) WHERE id = \(bind: id)"
                ).run()
                if id % 4 == 0 {
                    try await sql.raw(
                        """
                        INSERT INTO complaint_forwards (complaint_id, department_id, request, due_at, needs_contact, status, created_at, version)
                        VALUES (\(bind: id), \(bind: legal), '请核实合同条款', \(bind: received), \(bind: false), 'open', \(bind: received), 1)
                        """
                    ).run()
                }
            }
            // Promised replies: some overdue and not given now, by person.
            try await sql.raw(
                """
                UPDATE inquiries SET status = 'promised', promised_by = received_at WHERE id % 5 = 0
                """
            ).run()
            let token = try await t.token(.supervisor)
            let range = "from=2026-11-01&to=2026-11-30"
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?\(range)", token: token)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
            let received: SQLQueryString = "received_at >= \(bind: start) AND received_at < \(bind: end)"
            #expect(dto.complaintsBySeverity.map(\.severity) == ["normal", "major", "urgent"])
            for row in dto.complaintsBySeverity {
                #expect(
                    row.count
                        == (try await Self.count(
                            t,
                            "SELECT COUNT(*) AS n FROM complaints WHERE \(received) AND severity = \(bind: row.severity)"
                        )))
                #expect(
                    row.resolved
                        == (try await Self.count(
                            t,
                            """
                            SELECT COUNT(*) AS n FROM complaints WHERE \(received) AND severity = \(bind: row.severity) AND resolved_at IS NOT NULL
                            """)))
                // Resolved a minute after receipt is within any limit; forty days later is beyond every one.
                #expect(
                    row.resolvedInTime
                        == (try await Self.count(
                            t,
                            """
                            SELECT COUNT(*) AS n FROM complaints WHERE \(received) AND severity = \(bind: row.severity) AND resolved_at IS NOT NULL
                            AND id / 3 % 3 = 0
                            """)),
                    "in time \(row.severity)")
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/complaints-by-severity?key=\(row.severity)&\(range)", token: token)
                        == row.count)
            }
            #expect(dto.complaintsBySeverity.map(\.count).reduce(0, +) > 0)
            #expect(dto.complaintsBySeverity.first?.label == "一般")
            let forwarded = try await Self.count(
                t,
                """
                SELECT COUNT(*) AS n FROM complaints WHERE \(received) AND id IN (SELECT complaint_id FROM complaint_forwards WHERE department_id = \(bind: legal))
                """)
            #expect(dto.complaintsByDepartment == [.init(departmentID: legal, departmentName: "法务部", count: forwarded)])
            #expect(
                try await ReportTests.total(
                    t, "/api/v1/reports/records/complaints-by-department?key=\(legal)&\(range)", token: token)
                    == forwarded)

            for person in [lina, zhangwei, nil] as [Int?] {
                let who: SQLQueryString = person.map { "staff_id = \(bind: $0)" } ?? "staff_id IS NULL"
                let followUps = try await Self.count(
                    t,
                    "SELECT COUNT(*) AS n FROM follow_ups WHERE completed_at IS NULL AND due_at < \(bind: testStart) AND \(who)"
                )
                let replies = try await Self.count(
                    t,
                    "SELECT COUNT(*) AS n FROM inquiries WHERE status = 'promised' AND promised_by < \(bind: testStart) AND \(who)"
                )
                let row = dto.overdue.first { $0.staffID == person }
                #expect(
                    (row?.followUps ?? 0) == followUps && (row?.promisedReplies ?? 0) == replies,
                    "overdue \(String(describing: person))")
                let key = person.map(String.init) ?? "none"
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/follow-ups-overdue?key=\(key)&\(range)", token: token) == followUps)
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/replies-overdue?key=\(key)&\(range)", token: token) == replies)
            }
            #expect(dto.overdue.map { $0.followUps + $0.promisedReplies }.reduce(0, +) > 0)

            // The page: the share within the time limit beside the severity chart, the records behind a department's bar.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("已解决中时限内占比"))
                #expect(
                    html.contains(
                        "/reports/records/complaints-by-department?key=\(legal)&amp;\(range.replacingOccurrences(of: "&", with: "&amp;"))"
                    ))
                #expect(html.contains("id=\"chart-overdue-by-person\""))
            }
        }
    }
}
