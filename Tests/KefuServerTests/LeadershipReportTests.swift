import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Leadership's dashboard (issue 16): contracts and amounts by month and project equal direct sums over
/// generated contracts on both databases (cancelled ones and those outside the period left out), the list
/// behind a bar holds what it counts, and bad filters are messages, never a 500.
@Suite("Reports: leadership's dashboard sums the contracts it lists")
struct LeadershipReportTests {
    @Test(
        "contracts and amounts by month and by project equal direct sums, and each bar's list holds exactly what it counts",
        arguments: TestDatabase.available)
    func contractSums(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            var random = ReportTests.Generator(state: 20_261_204)
            let sql = try t.app.db.sql()
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "钱多多", "companyName": "钱氏投资有限公司", "mobile": "13600004000"]
            ).id
            var projects: [Int?] = [nil]
            for index in 0..<3 {
                projects.append(
                    try await sql.raw(
                        """
                        INSERT INTO projects (code, name, type, industries, status, created_at, updated_at, version)
                        VALUES (\(bind: "XM-L\(index)"), \(bind: "产业园\(index)期"), 'industrial_park', ',manufacturing,', 'open', \(bind: testStart), \(bind: testStart), 1)
                        RETURNING id
                        """
                    ).first()!.decode(column: "id", as: Int.self))
            }
            var byMonth: [String: (Int, Int64)] = [:], byProject: [String: (Int, Int64)] = [:]
            for n in 0..<40 {
                let day = CalendarDay("2026-08-01")!.adding(days: random.next(150))
                let project = projects[random.next(projects.count)]
                let amount = Int64(1 + random.next(900)) * 10_000
                let cancelled = random.next(5) == 0
                try await sql.raw(
                    """
                    INSERT INTO contracts (number, customer_id, project_id, type, title, amount_yuan, payment_plan, parties, state, state_changed_at, review_status,
                      signed_on, created_at, updated_at, version)
                    VALUES (\(bind: "HT-L\(n)"), \(bind: customer), \(bind: project), 'lease', '厂房租赁合同', \(bind: amount), '按季度支付', '甲方、乙方',
                      \(bind: cancelled ? "cancelled" : "in_execution"), \(bind: testStart), 'none', \(bind: day.description), \(bind: testStart), \(bind: testStart), 1)
                    """
                ).run()
                if !cancelled, day >= CalendarDay("2026-09-01")!, day <= CalendarDay("2026-11-30")! {
                    let month = ReportMonth(day).description, key = project.map(String.init) ?? "none"
                    byMonth[month] = ((byMonth[month]?.0 ?? 0) + 1, (byMonth[month]?.1 ?? 0) + amount)
                    byProject[key] = ((byProject[key]?.0 ?? 0) + 1, (byProject[key]?.1 ?? 0) + amount)
                }
            }
            let leadership = try await t.token(.leadership)
            let range = "from=2026-09-01&to=2026-11-30"
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/leadership?\(range)", token: leadership)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(LeadershipController.Board.DTO.self, from: Data(text.utf8))
            #expect(dto.contractsByMonth.map(\.key) == ["2026-09", "2026-10", "2026-11"])
            for sum in dto.contractsByMonth {
                #expect(
                    sum.contracts == byMonth[sum.key]?.0 ?? 0 && sum.amountYuan == byMonth[sum.key]?.1 ?? 0,
                    "\(sum.key)")
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/leadership/records?month=\(sum.key)&\(range)", token: leadership)
                        == sum.contracts)
            }
            #expect(Set(dto.contractsByProject.map(\.key)) == Set(byProject.keys))
            for sum in dto.contractsByProject {
                #expect(sum.contracts == byProject[sum.key]?.0 && sum.amountYuan == byProject[sum.key]?.1, "\(sum.key)")
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/leadership/records?project=\(sum.key)&\(range)", token: leadership)
                        == sum.contracts)
            }
            #expect(
                dto.contractsByProject.map(\.amountYuan) == dto.contractsByProject.map(\.amountYuan).sorted(by: >),
                "the largest amount first")
            #expect(dto.comparison.map(\.from) == ["2026-09-01", "2026-06-02", "2025-09-01"])

            let browser = try await t.signIn(.leadership)
            try await t.app.testing().test(
                .GET, "/reports/leadership?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == LeadershipController.chartIDs.count)
                #expect(
                    html.contains("/reports/leadership/records?from=2026-09-01&amp;to=2026-11-30&amp;month=2026-10"))
            }
            // Bad filters: a message at the field, never a 500; an unknown chart is 404; a specialist is refused.
            for (query, field) in [
                ("month=2026-12&\(range)", "month"), ("month=2026-1x&\(range)", "month"),
                ("project=abc&\(range)", "project"),
            ] {
                let (bad, body) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/leadership/records?\(query)", token: leadership)
                #expect(bad == .unprocessableEntity && body.contains("\"\(field)\""), "\(query): \(body)")
            }
            let (reversed, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/leadership?from=2026-11-30&to=2026-09-01", token: leadership)
            #expect(reversed == .unprocessableEntity)
            try await t.app.testing().test(
                .GET, "/reports/leadership/export/horoscope?\(range)",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .notFound)
            }
            let (refused, _) = try await ContractTests.call(t, .GET, "/api/v1/reports/leadership", token: token)
            #expect(refused == .forbidden)
        }
    }
}
