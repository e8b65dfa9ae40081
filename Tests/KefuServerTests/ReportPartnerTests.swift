import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Leadership's picture of the partners (issue 16 §3): return visits done and surveys answered per month with their
/// average satisfaction equal direct counts and averages; the visits behind a month are listed.
@Suite("Reports: the partners' return visits and satisfaction on leadership's dashboard")
struct ReportPartnerTests {
    @Test(
        "visits and surveys per month equal direct counts and averages; a month's list holds its visits",
        arguments: TestDatabase.available)
    func partnersEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let token = try await t.token(.specialist)
            var customers: [Int] = []
            for (index, name) in ["陈立", "王芳", "刘洋"].enumerated() {
                customers.append(
                    try await createCustomer(
                        t, token: token,
                        ["name": name, "companyName": "\(name)实业有限公司", "mobile": "1360000\(2000 + index)"]
                    ).id)
            }
            let sql = try t.app.db.sql()
            try await sql.raw("UPDATE customers SET stage = 'partner' WHERE id = \(bind: customers[0])").run()
            try await sql.raw("UPDATE customers SET stage = 'signed' WHERE id = \(bind: customers[1])").run()
            let lina = try await t.staff("lina").requireID()
            let october = Date(timeIntervalSince1970: 1_791_000_000)  // 2026-10-03
            let november = ReportTests.start.addingTimeInterval(5 * 86_400)
            let visits: [(Date, Int?)] = [(october, 5), (october, 3), (november, 4), (november, nil), (november, 2)]
            for (index, (at, satisfaction)) in visits.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, done_at, satisfaction, created_at, updated_at, version)
                    VALUES (\(bind: customers[index % 2]), \(bind: lina), 'scheduled', \(bind: at), 'done', \(bind: at), \(bind: satisfaction), \(bind: at), \(bind: at), 1)
                    """
                ).run()
            }
            try await sql.raw(
                """
                INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, created_at, updated_at, version)
                VALUES (\(bind: customers[0]), \(bind: lina), 'scheduled', \(bind: november), 'due', \(bind: november), \(bind: november), 1)
                """
            ).run()
            // Surveys: the partners' count; the third customer (a lead) does not.
            for (index, (customer, score)) in [(customers[0], 5), (customers[1], 2), (customers[2], 1)].enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, expires_at, answered_at, score)
                    VALUES ('complaint', \(bind: index + 1), \(bind: customer), \(bind: "hash\(index)"), \(bind: november), \(bind: november.addingTimeInterval(86_400 * 14)),
                            \(bind: november), \(bind: score))
                    """
                ).run()
            }
            let leadership = try await t.token(.leadership)
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/leadership?from=2026-10-01&to=2026-11-30", token: leadership)
            #expect(status == .ok, "\(text)")
            let board = try JSONDecoder().decode(LeadershipController.Board.DTO.self, from: Data(text.utf8))
            #expect(
                board.partners == [
                    .init(month: "2026-10", visitsDone: 2, visitSatisfaction: 4, surveysAnswered: 0, surveyScore: nil),
                    .init(month: "2026-11", visitsDone: 3, visitSatisfaction: 3, surveysAnswered: 2, surveyScore: 3.5),
                ])
            for (month, count) in [("2026-10", 2), ("2026-11", 3)] {
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/leadership/visits?from=2026-10-01&to=2026-11-30&month=\(month)",
                        token: leadership) == count)
            }
            let (outside, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/leadership/visits?from=2026-10-01&to=2026-11-30&month=2026-12",
                token: leadership)
            #expect(outside == .unprocessableEntity)
            let browser = try await t.signIn(.leadership)
            try await t.app.testing().test(
                .GET, "/reports/leadership?from=2026-10-01&to=2026-11-30",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"chart-partner-satisfaction\""))
                #expect(
                    res.body.string.contains(
                        "/reports/leadership/visits?from=2026-10-01&amp;to=2026-11-30&amp;month=2026-11"))
            }
            try await t.app.testing().test(
                .GET, "/reports/leadership/visits?from=2026-10-01&to=2026-11-30&month=2026-11",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.components(separatedBy: "href=\"/customers/").count - 1 == 3)
            }
        }
    }
}
