import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The supervisor's dashboard over time (issue 16 §2): how far each month's new files have gone, stage by stage,
/// and the satisfaction trend equal direct counts on both databases, for the team and for one person; the list
/// behind every point holds what it counts.
@Suite("Reports: conversion of each month's new files and the satisfaction trend")
struct ReportTrendTests {
    static let october = Date(timeIntervalSince1970: 1_791_000_000)  // 2026-10-03, Beijing time
    static let november = ReportTests.start.addingTimeInterval(5 * 86_400)
    static let range = "from=2026-10-01&to=2026-11-30"

    /// Nine files, four of October and five of November (the last merged into the first), at every stage,
    /// half of them lina's; surveys answered in both months, some scoring lina, one unanswered, one in December.
    static func generate(_ t: TestApp) async throws -> (lina: Int, customers: [Int]) {
        let token = try await t.token(.specialist)
        let sql = try t.app.db.sql()
        let lina = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
        let stages: [CustomerStage] = [.lead, .intent, .negotiating, .signed, .partner, .lost, .intent, .signed, .lead]
        var customers: [Int] = []
        for (index, stage) in stages.enumerated() {
            let id = try await createCustomer(
                t, token: token,
                ["name": "客户\(index)", "companyName": "示例\(index)实业有限公司", "mobile": "1350000\(3000 + index)"]
            ).id
            let came = (index < 4 ? october : november).addingTimeInterval(Double(index) * 3_600)
            try await sql.raw(
                """
                UPDATE customers SET stage = \(bind: stage.rawValue), lost_reason = \(bind: stage == .lost ? "预算不足" : nil as String?),
                created_at = \(bind: came), responsible_staff_id = \(bind: index % 2 == 0 ? lina : zhangwei) WHERE id = \(bind: id)
                """
            ).run()
            customers.append(id)
        }
        try await sql.raw(
            "UPDATE customers SET merged_into_id = \(bind: customers[0]) WHERE id = \(bind: customers[8])"
        )
        .run()
        let december = ReportTests.end.addingTimeInterval(86_400)
        let surveys: [(Date?, Int?, Bool)] = [
            (october, 4, true), (october, 2, false), (november, 5, true), (november, 4, false), (november, 1, false),
            (nil, nil, false), (december, 5, true),
        ]
        for (index, (answered, score, scoresLina)) in surveys.enumerated() {
            try await sql.raw(
                """
                INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, expires_at, answered_at, score)
                VALUES ('complaint', \(bind: index + 1), \(bind: customers[index % 4]), \(bind: "trend\(index)"), \(bind: october),
                        \(bind: december.addingTimeInterval(86_400 * 30)), \(bind: answered), \(bind: score))
                """
            ).run()
            guard let answered, let score else { continue }
            let survey = try await sql.raw("SELECT MAX(id) AS id FROM surveys").first()!.decode(
                column: "id", as: Int.self)
            try await sql.raw(
                """
                INSERT INTO survey_attributions (survey_id, subject_type, subject_id, staff_id, score, answered_at)
                VALUES (\(bind: survey), 'complaint', \(bind: index + 1), \(bind: scoresLina ? lina : zhangwei), \(bind: score), \(bind: answered))
                """
            ).run()
        }
        return (lina, customers)
    }

    /// The figures counted straight from the records, one month at a time.
    static func direct(_ t: TestApp, staffID: Int?) async throws -> (
        [SupervisorDashboard.DTO.MonthConversion], [SupervisorDashboard.DTO.MonthSatisfaction]
    ) {
        let sql = try t.app.db.sql()
        var conversion: [SupervisorDashboard.DTO.MonthConversion] = []
        var satisfaction: [SupervisorDashboard.DTO.MonthSatisfaction] = []
        for month in ["2026-10", "2026-11"] {
            let span = ReportMonth(month)!.period.instants(in: DisplayFormat.timeZone)
            let person: SQLQueryString = staffID.map { " AND responsible_staff_id = \(bind: $0)" } ?? ""
            var counts: [CustomerStage: Int] = [:]
            for row in try await sql.raw(
                """
                SELECT stage, COUNT(*) AS n FROM customers WHERE merged_into_id IS NULL
                AND created_at >= \(bind: span.start) AND created_at < \(bind: span.end)\(person) GROUP BY stage
                """
            ).all() {
                counts[CustomerStage(rawValue: try row.decode(column: "stage", as: String.self))!] = try row.decode(
                    column: "n", as: Int.self)
            }
            let stages = StageConversion(stagesNow: counts)
            conversion.append(
                .init(
                    month: month, newFiles: stages.files, reachedIntent: stages.reached[0],
                    reachedNegotiating: stages.reached[1], reachedSigned: stages.reached[2]))
            let scored: SQLQueryString =
                staffID.map {
                    " AND id IN (SELECT survey_id FROM survey_attributions WHERE staff_id = \(bind: $0))"
                } ?? ""
            let row = try await sql.raw(
                """
                SELECT COUNT(*) AS n, AVG(CAST(score AS DOUBLE PRECISION)) AS average FROM surveys
                WHERE score IS NOT NULL AND answered_at >= \(bind: span.start) AND answered_at < \(bind: span.end)\(scored)
                """
            ).first()!
            satisfaction.append(
                .init(
                    month: month, surveysAnswered: try row.decode(column: "n", as: Int.self),
                    averageScore: try row.decode(column: "average", as: Double?.self)))
        }
        return (conversion, satisfaction)
    }

    @Test(
        "each month's files by the stage they reached and the surveys' average equal direct counts; each point's list holds what it counts; a person narrows both",
        arguments: TestDatabase.available)
    func trendsEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, _) = try await Self.generate(t)
            let supervisor = try await t.token(.supervisor)
            for staffID in [nil, lina] {
                let query = Self.range + (staffID.map { "&staff=\($0)" } ?? "")
                let (status, text) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/dashboard?\(query)", token: supervisor)
                #expect(status == .ok, "\(text)")
                let board = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
                let (conversion, satisfaction) = try await Self.direct(t, staffID: staffID)
                #expect(board.conversion == conversion)
                #expect(board.satisfaction == satisfaction)
                for month in board.conversion {
                    let keys: [(String, Int)] = [
                        ("all", month.newFiles), ("intent", month.reachedIntent),
                        ("negotiating", month.reachedNegotiating), ("signed", month.reachedSigned),
                    ]
                    for (stage, count) in keys {
                        #expect(
                            try await ReportTests.total(
                                t, "/api/v1/reports/records/customers-reached?key=\(month.month):\(stage)&\(query)",
                                token: supervisor) == count, "\(month.month):\(stage)")
                    }
                }
                for month in board.satisfaction {
                    #expect(
                        try await ReportTests.total(
                            t, "/api/v1/reports/records/surveys-answered?key=\(month.month)&\(query)",
                            token: supervisor) == month.surveysAnswered)
                }
            }
            // Known values, so that the direct count above cannot agree with a wrong reading of both.
            let (conversion, satisfaction) = try await Self.direct(t, staffID: nil)
            #expect(
                conversion == [
                    .init(month: "2026-10", newFiles: 4, reachedIntent: 3, reachedNegotiating: 2, reachedSigned: 1),
                    .init(month: "2026-11", newFiles: 4, reachedIntent: 3, reachedNegotiating: 2, reachedSigned: 2),
                ])
            #expect(satisfaction.map(\.surveysAnswered) == [2, 3] && satisfaction[0].averageScore == 3)
            // A stage that is not a step, a month outside the period, a key without a stage: an empty list, not a 500.
            for key in ["2026-10:lead", "2026-12:all", "2026-10", "nonsense"] {
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/customers-reached?key=\(key)&\(Self.range)", token: supervisor)
                        == 0,
                    "\(key)")
            }
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?\(Self.range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(
                    html.contains("id=\"chart-conversion-by-month\"")
                        && html.contains("id=\"chart-satisfaction-trend\""))
                #expect(html.contains("已流失的档案计为未转化"))
                #expect(html.contains("4 → 3 → 2 → 1"))
                #expect(html.contains("/reports/records/customers-reached?key=2026-11%3Aall&amp;from=2026-10-01"))
            }
            try await t.app.testing().test(
                .GET, "/reports/records/customers-reached?key=2026-11%3Asigned&\(Self.range)",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("2026-11 · 签约"))
                #expect(res.body.string.components(separatedBy: "href=\"/customers/").count - 1 == 2)
            }
        }
    }
}
