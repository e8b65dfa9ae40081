import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Work plans on the service figures (issue 14 §1): complaints resolved within the time limit, the
/// satisfaction attributed to the person and the return visits they did — read from what the
/// complaints, surveys and return visits record, the return visits equal to the list behind them.
@Suite("Work plans: complaints in time, satisfaction and return visits done (R2.2)")
struct WorkPlanServiceFigureTests {
    // On both databases: PostgreSQL sums integers as NUMERIC, which the satisfaction reader once failed to decode.
    @Test(
        "a plan's targets on the service figures measure what was recorded in the period, the person's own only",
        arguments: TestDatabase.available)
    func serviceFigures(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.staff(.specialist).requireID(), zhangwei = try await t.staff("zhangwei").requireID()
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
            let sql = try t.app.db.sql()
            let day: TimeInterval = 86_400, hour: TimeInterval = 3_600
            // Return visits: 李娜 did two in November and one in October; 张伟 did one of her customer's in November; one is still due.
            for (doneAt, doneBy) in [
                (testStart - 3 * day, lina), (testStart - 10 * day, lina), (testStart - 45 * day, lina),
                (testStart - 4 * day, zhangwei), (nil, nil),
            ] as [(Date?, Int?)] {
                try await sql.raw(
                    """
                    INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, done_at, done_by_staff_id, created_at, updated_at, version)
                    VALUES (\(bind: customer.id), \(bind: lina), 'scheduled', \(bind: (doneAt ?? testStart) - day), \(bind: doneAt == nil ? "due" : "done"),
                            \(bind: doneAt), \(bind: doneBy), \(bind: testStart - 60 * day), \(bind: testStart - 60 * day), 1)
                    """
                ).run()
            }
            // Surveys attributed to 李娜 in November: 4 and 5; one of 张伟's: 1.
            for (index, (staff, score)) in [(lina, 4), (lina, 5), (zhangwei, 1)].enumerated() {
                let at = testStart - Double(index + 1) * day
                let survey = try await sql.raw(
                    """
                    INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, expires_at, answered_at, score)
                    VALUES ('inquiry', \(bind: index + 1), \(bind: customer.id), \(bind: "plan-\(index)"), \(bind: at), \(bind: at + 30 * day), \(bind: at), \(bind: score))
                    RETURNING id
                    """
                ).first()!.decode(column: "id", as: Int.self)
                try await sql.raw(
                    """
                    INSERT INTO survey_attributions (survey_id, subject_type, subject_id, staff_id, score, answered_at)
                    VALUES (\(bind: survey), 'inquiry', \(bind: index + 1), \(bind: staff), \(bind: score), \(bind: at))
                    """
                ).run()
            }
            // Complaints of 李娜 resolved in November: one within two hours, one after two months (beyond 120 working hours).
            for (index, (received, resolved)) in [
                (testStart - 3 * day, testStart - 3 * day + 2 * hour), (testStart - 60 * day, testStart - day),
            ].enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO complaints (number, customer_id, channel, received_at, description, demands, category, severity, acknowledged, apologised,
                      staff_id, state, state_changed_at, resolved_at, reopen_count, escalation_level, created_at, updated_at, version)
                    VALUES (\(bind: "TS-2026-00080\(index)"), \(bind: customer.id), 'phone', \(bind: received), '物业维修不及时', '尽快维修', 'property_site',
                      'normal', \(bind: true), \(bind: false), \(bind: lina), 'resolved', \(bind: resolved), \(bind: resolved), 0, 0, \(bind: received), \(bind: received), 1)
                    """
                ).run()
            }
            let plan = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜11月服务计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15",
                    "targets": [
                        ["figure": "complaints_in_time", "target": 90], ["figure": "satisfaction", "target": 4],
                        ["figure": "return_visits_done", "target": 3],
                    ],
                ])
            let measured = Dictionary(uniqueKeysWithValues: plan.progress.map { ($0.figure, $0.measured) })
            #expect(measured == ["complaints_in_time": 50, "satisfaction": 4.5, "return_visits_done": 2])
            #expect(plan.progress.first { $0.figure == "satisfaction" }?.isMet == true)
            #expect(plan.progress.first { $0.figure == "return_visits_done" }?.percent == 66.67)
            // The return visits behind the figure are the two she did in November.
            let (status, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/work-plans/\(plan.id)/figures/return_visits_done",
                token: try await t.token(.specialist))
            #expect(status == .ok, "\(text)")
            let items = try AssessmentTests.decode([WorkFigureReader.Item].self, text)
            #expect(items.count == 2 && items.allSatisfy { $0.recordType == "return_visit" })
            // The team's plan adds 张伟's visit.
            let team = try await WorkPlanTests.plan(
                t,
                [
                    "title": "客服部11月服务计划", "periodKind": "month", "periodDay": "2026-11-01",
                    "targets": [["figure": "return_visits_done", "target": 5]],
                ])
            #expect(team.progress.first?.measured == 3)
        }
    }
}
