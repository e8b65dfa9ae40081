import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The monthly report (issue 16 §6): assembled from the dashboards' figures for the month; once issued,
/// frozen — later data changes do not rewrite it and it cannot be edited; drafts are versioned; the
/// supervisor writes, leadership reads, nobody else.
@Suite("Reports: the monthly report — frozen when issued, versioned drafts, who may write and read")
struct MonthlyReportTests {
    /// 2026-12-02 10:00 China Standard Time: November is over.
    static let december = Date(timeIntervalSince1970: 1_796_176_800)

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func report(_ t: TestApp, _ id: Int, token: String) async throws -> MonthlyReportsAPIController.DTO {
        var dto: MonthlyReportsAPIController.DTO?
        try await t.app.testing().test(
            .GET, "/api/v1/reports/monthly/\(id)", beforeRequest: { req in req.bearer(token) }
        ) { res async throws in
            #expect(res.status == .ok, "\(res.body.string)")
            dto = try res.content.decode(MonthlyReportsAPIController.DTO.self)
        }
        return try #require(dto)
    }

    static func chart(_ dto: MonthlyReportsAPIController.DTO, _ id: String) throws -> MonthlyReportFigures.Chart {
        try #require(dto.charts.first { $0.id == id }, "chart \(id)")
    }

    static func auditCount(_ t: TestApp) async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM audit_entries WHERE record_type = 'monthly_report'")
            .first()!.decode(column: "n", as: Int.self)
    }

    static func row(_ t: TestApp, _ id: Int) async throws -> (
        summary: String, state: String, version: Int, figures: String?
    ) {
        let row = try #require(
            try await t.app.db.sql().raw(
                "SELECT summary, state, version, figures FROM monthly_reports WHERE id = \(bind: id)"
            ).first())
        return (
            try row.decode(column: "summary", as: String.self), try row.decode(column: "state", as: String.self),
            try row.decode(column: "version", as: Int.self), try row.decode(column: "figures", as: String?.self)
        )
    }

    @Test(
        "the issued report keeps the figures of its issue time: new and changed records show on the dashboard, never in the report",
        arguments: TestDatabase.available)
    func issuedReportIsFrozen(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (expected, _, _) = try await ReportTests.generate(t)
            t.clock.set(Self.december)
            let supervisor = try await t.token(.supervisor)
            let (created, text) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly", token: supervisor, ["month": "2026-11"])
            #expect(created == .created, "\(text)")
            let id = try #require(try Self.json(text)["id"] as? Int)
            #expect(try Self.json(text)["number"] as? String == "YB-2026-000001")

            // The draft reads the dashboard's own figures for the month.
            let draft = try await Self.report(t, id, token: supervisor)
            #expect(draft.state == "draft" && draft.from == "2026-11-01" && draft.to == "2026-11-30")
            #expect(draft.charts.map(\.id) == SupervisorDashboard.chartIDs + MonthlyReportFigures.leadershipCharts)
            let channels = try Self.chart(draft, "inquiries-by-channel")
            #expect(channels.title == "咨询渠道分布")
            for (index, channel) in InquiryChannel.allCases.enumerated() {
                #expect(
                    channels.series[0].values[index] == Double(expected.channels[channel.rawValue, default: 0]),
                    "channel \(channel)")
            }
            #expect(channels.categories.first == "电话")
            let categories = try Self.chart(draft, "complaints-by-category")
            #expect(
                categories.series[0].values.reduce(0) { $0 + ($1 ?? 0) }
                    == Double(expected.categories.values.reduce(0, +)))

            let (saved, savedText) = try await ContractTests.call(
                t, .PATCH, "/api/v1/reports/monthly/\(id)", token: supervisor,
                [
                    "summary": "十一月咨询量平稳，投诉均在时限内处理。", "problems": "物业响应慢的投诉偏多。", "nextPlan": "十二月与物业部门建立周例会。",
                    "version": 1,
                ])
            #expect(saved == .ok, "\(savedText)")
            let (issued, issuedText) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly/\(id)/issue", token: supervisor, ["version": 2])
            #expect(issued == .ok, "\(issuedText)")
            let frozen = try await Self.report(t, id, token: supervisor)
            #expect(
                frozen.state == "issued" && frozen.issuedBy == "王静" && frozen.issuedAt == Self.december
                    && frozen.figuresAsOf == Self.december)
            #expect(frozen.charts == draft.charts, "issued as the draft showed it")

            // The data changes afterwards: more November inquiries by phone, a complaint moved to another category.
            let sql = try t.app.db.sql()
            let customer = try await sql.raw(
                "SELECT id FROM customers WHERE merged_into_id IS NULL ORDER BY id LIMIT 1"
            ).first()!.decode(column: "id", as: Int.self)
            let at = Date(timeIntervalSince1970: 1_794_000_000)  // 2026-11-07
            for _ in 0..<5 {
                try await sql.raw(
                    """
                    INSERT INTO inquiries (customer_id, channel, received_at, question, status, created_at, updated_at, version)
                    VALUES (\(bind: customer), 'phone', \(bind: at), '补录的咨询', 'open', \(bind: at), \(bind: at), 1)
                    """
                ).run()
            }
            try await sql.raw(
                "UPDATE complaints SET category = 'other' WHERE received_at >= \(bind: ReportTests.start) AND received_at < \(bind: ReportTests.end)"
            ).run()
            try await sql.raw("UPDATE customers SET stage = 'signed' WHERE merged_into_id IS NULL").run()

            let (_, dashboardText) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?from=2026-11-01&to=2026-11-30", token: supervisor)
            let dashboard = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(dashboardText.utf8))
            let phone = dashboard.inquiriesByChannel.first { $0.channel == "phone" }!.count
            #expect(phone == expected.channels["phone", default: 0] + 5, "the dashboard sees the new data")
            let after = try await Self.report(t, id, token: supervisor)
            #expect(after.charts == frozen.charts, "the issued report does not change")
            #expect(
                try Self.chart(after, "inquiries-by-channel").series[0].values[0]
                    == Double(expected.channels["phone", default: 0]))
            #expect(
                try await Self.report(t, id, token: try await t.token(.leadership)).charts == frozen.charts,
                "leadership reads the same copy")

            // The page draws the frozen copy too: an SVG per chart, the sections as text, no form.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports/monthly/\(id)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == frozen.charts.count)
                #expect(html.contains("物业响应慢的投诉偏多。"))
                #expect(html.contains("已签发"))
                #expect(!html.contains("action=\"/reports/monthly/\(id)/issue\""))
                #expect(!html.contains("<script>"))
            }
        }
    }

    @Test(
        "an issued report refuses every edit and a stale version is a conflict; nothing changes, no audit entry is written"
    )
    func editsRefused() async throws {
        try await withApp { t in
            t.clock.set(Self.december)
            let supervisor = try await t.token(.supervisor)
            let (_, text) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly", token: supervisor, ["month": "2026-11"])
            let id = try #require(try Self.json(text)["id"] as? Int)
            // Issuing needs every section.
            let before = try await Self.auditCount(t)
            let (empty, emptyText) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly/\(id)/issue", token: supervisor, ["version": 1])
            #expect(empty == .unprocessableEntity, "\(emptyText)")
            for field in ["summary", "problems", "nextPlan"] {
                #expect(emptyText.contains("\"\(field)\""), "\(field) named")
            }
            #expect(try await Self.row(t, id).state == "draft")

            let sections: [String: JSONValue] = ["summary": "本月总结", "problems": "问题", "nextPlan": "计划"]
            let (ok, _) = try await ContractTests.call(
                t, .PATCH, "/api/v1/reports/monthly/\(id)", token: supervisor, sections.merging(["version": 1]) { $1 })
            #expect(ok == .ok)
            // A second save from the version already used: 409, the first save stands.
            let audit = try await Self.auditCount(t)
            let (stale, staleText) = try await ContractTests.call(
                t, .PATCH, "/api/v1/reports/monthly/\(id)", token: supervisor,
                ["summary": "覆盖别人的修改", "version": 1])
            #expect(stale == .conflict, "\(staleText)")
            let kept = try await Self.row(t, id)
            #expect(kept.summary == "本月总结" && kept.version == 2)
            #expect(try await Self.auditCount(t) == audit)
            let (tooLong, tooLongText) = try await ContractTests.call(
                t, .PATCH, "/api/v1/reports/monthly/\(id)", token: supervisor,
                ["problems": .string(String(repeating: "问", count: 5_001)), "version": 2])
            #expect(tooLong == .unprocessableEntity && tooLongText.contains("\"problems\""))
            #expect(try await Self.row(t, id).version == 2)

            let (issued, _) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly/\(id)/issue", token: supervisor, ["version": 2])
            #expect(issued == .ok)
            let frozen = try await Self.row(t, id)
            #expect(frozen.state == "issued" && frozen.figures != nil)
            let issuedAudit = try await Self.auditCount(t)
            #expect(issuedAudit == before + 2, "saved and issued are audited")
            for (method, path, body) in [
                (
                    HTTPMethod.PATCH, "/api/v1/reports/monthly/\(id)",
                    ["summary": "签发后修改", "version": 3] as [String: JSONValue]
                ),
                (.POST, "/api/v1/reports/monthly/\(id)/issue", ["version": 3]),
            ] {
                let (status, refusal) = try await ContractTests.call(t, method, path, token: supervisor, body)
                #expect(status == .unprocessableEntity, "\(path): \(refusal)")
                #expect(refusal.contains("\"state\""))
            }
            let after = try await Self.row(t, id)
            #expect(
                after.summary == frozen.summary && after.version == frozen.version && after.figures == frozen.figures)
            #expect(try await Self.auditCount(t) == issuedAudit)

            // The page answers the same: the message, nothing changed.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .POST, "/reports/monthly/\(id)",
                beforeRequest: { req in
                    try req.form(
                        ["summary": "签发后修改", "problems": "", "nextPlan": "", "version": "3"], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("月报已签发，不能再修改。"))
            }
            #expect(try await Self.row(t, id).summary == frozen.summary)
        }
    }

    @Test(
        "a month: one report per month, none for a month to come or that does not exist, issued only once it is over; the form keeps what was typed"
    )
    func months() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            for (month, status) in [
                ("2026-10", HTTPStatus.created), ("2026-10", .unprocessableEntity), ("2026-12", .unprocessableEntity),
                ("2026-13", .unprocessableEntity), ("十一月", .unprocessableEntity), ("2026-11", .created),
            ] {
                let (answer, text) = try await ContractTests.call(
                    t, .POST, "/api/v1/reports/monthly", token: supervisor, ["month": .string(month)])
                #expect(answer == status, "\(month): \(text)")
                if status != .created { #expect(text.contains("\"month\"")) }
            }
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM monthly_reports").first()!.decode(
                    column: "n", as: Int.self) == 2)
            // November is still running on 2026-11-30: drafted, not issued.
            let november = try await t.app.db.sql().raw("SELECT id FROM monthly_reports WHERE month = '2026-11'")
                .first()!.decode(column: "id", as: Int.self)
            _ = try await ContractTests.call(
                t, .PATCH, "/api/v1/reports/monthly/\(november)", token: supervisor,
                ["summary": "总结", "problems": "问题", "nextPlan": "计划", "version": 1])
            let (early, earlyText) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly/\(november)/issue", token: supervisor, ["version": 2])
            #expect(early == .unprocessableEntity && earlyText.contains("\"month\""))

            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .POST, "/reports/monthly",
                beforeRequest: { req in try req.form(["month": "2026-10"], browser: browser) }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("该月份的月报已存在。"))
                #expect(res.body.string.contains("value=\"2026-10\""))
            }
            try await t.app.testing().test(
                .POST, "/reports/monthly",
                beforeRequest: { req in try req.form(["month": "2026-09"], browser: browser) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
        }
    }

    @Test(
        "the supervisor writes; leadership reads every report but writes none; specialists and liaisons are refused, nothing changed"
    )
    func access() async throws {
        try await withApp { t in
            t.clock.set(Self.december)
            let supervisor = try await t.token(.supervisor)
            let (_, text) = try await ContractTests.call(
                t, .POST, "/api/v1/reports/monthly", token: supervisor, ["month": "2026-11"])
            let id = try #require(try Self.json(text)["id"] as? Int)
            let leadership = try await t.token(.leadership)
            let (list, listText) = try await ContractTests.call(t, .GET, "/api/v1/reports/monthly", token: leadership)
            #expect(list == .ok && listText.contains("YB-2026-000001"))
            #expect(try await Self.report(t, id, token: leadership).month == "2026-11")
            let before = try await Self.row(t, id), audit = try await Self.auditCount(t)
            for role in [Role.leadership, .specialist, .liaison, .administrator] {
                let token = try await t.token(role)
                for (method, path) in [
                    (HTTPMethod.PATCH, "/api/v1/reports/monthly/\(id)"), (.POST, "/api/v1/reports/monthly/\(id)/issue"),
                    (.POST, "/api/v1/reports/monthly"),
                ] {
                    let (status, _) = try await ContractTests.call(
                        t, method, path, token: token, ["summary": "越权", "month": "2026-10", "version": 1])
                    #expect(status == .forbidden, "\(role) \(method) \(path)")
                }
                if role != .leadership {
                    let (status, _) = try await ContractTests.call(
                        t, .GET, "/api/v1/reports/monthly/\(id)", token: token)
                    #expect(status == .forbidden, "\(role) reads")
                }
            }
            let after = try await Self.row(t, id)
            #expect(after.summary == before.summary && after.version == before.version)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM monthly_reports").first()!.decode(
                    column: "n", as: Int.self) == 1)
            #expect(try await Self.auditCount(t) == audit)

            let browser = try await t.signIn(.leadership)
            try await t.app.testing().test(
                .GET, "/reports/monthly/\(id)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("id=\"report-sections-form\""), "leadership gets no form")
                #expect(
                    res.body.string.components(separatedBy: "<svg xmlns=").count - 1 == SupervisorDashboard.chartIDs
                        .count + 1)
            }
            try await t.app.testing().test(
                .GET, "/reports/monthly", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("id=\"monthly-report-form\""))
                #expect(res.body.string.contains("/reports/monthly/\(id)"))
            }
        }
    }
}
