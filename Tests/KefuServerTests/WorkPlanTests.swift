import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Work plans (issue 14 §1, R2.2): the progress of each target is read from the recorded figures and
/// equals the list of records it summarizes; a team plan adds up its people; who sees what; bad input.
@Suite("Work plans: live progress equals the lists it summarizes, access, refusals (R2.2)")
struct WorkPlanTests {
    static let allTargets: [JSONValue] = [
        ["figure": "inquiries_answered", "target": 4], ["figure": "replies_on_time", "target": 90],
        ["figure": "follow_ups_on_time", "target": 80],
        ["figure": "customers_to_intent", "target": 2], ["figure": "contracts_signed", "target": 1],
    ]

    /// Records of November 2026 (and some outside it, or of a colleague) that the figures must count or leave out.
    static func seed(_ t: TestApp) async throws -> (lina: Int, zhangwei: Int) {
        let lina = try await t.staff(.specialist).requireID(), zhangwei = try await t.staff("zhangwei").requireID()
        let token = try await t.token(.specialist)
        let customer = try await createCustomer(
            t, token: token, ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
        for question in ["园区厂房租金多少？", "税收优惠有哪些？"] {
            let (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inquiries", token: token,
                [
                    "customerID": .number(Double(customer.id)), "channel": "phone", "question": .string(question),
                    "answer": "已当场答复", "answeredOnTheSpot": true,
                ])
            #expect(status == .created, "\(text)")
        }
        let sql = try t.app.db.sql()
        let day: TimeInterval = 86_400
        // Promised replies: two due in November (one answered in time, one late), one due in December.
        for (due, replied, staff) in [
            (testStart - 3 * day, testStart - 4 * day, lina), (testStart - 2 * day, testStart - 1 * day, lina),
            (testStart + 5 * day, nil, lina), (testStart - 2 * day, testStart - 3 * day, zhangwei),
        ] as [(Date, Date?, Int)] {
            try await sql.raw(
                """
                INSERT INTO inquiries (customer_id, channel, received_at, question, status, promised_by, replied_at, staff_id, created_at, updated_at, version)
                VALUES (\(bind: customer.id), 'phone', \(bind: due - 2 * day), '补充材料？', \(bind: replied == nil ? "promised" : "closed"), \(bind: due),
                        \(bind: replied), \(bind: staff), \(bind: due - 2 * day), \(bind: due - 2 * day), 1)
                """
            ).run()
        }
        // Follow-ups: three due in November (two done in time, one overdue), one in October, one of a colleague.
        for (due, done, staff) in [
            (testStart - 10 * day, testStart - 11 * day, lina), (testStart - 5 * day, testStart - 5 * day, lina),
            (testStart - 1 * day, nil, lina), (testStart - 40 * day, testStart - 41 * day, lina),
            (testStart - 3 * day, testStart - 4 * day, zhangwei),
        ] as [(Date, Date?, Int)] {
            try await sql.raw(
                """
                INSERT INTO follow_ups (customer_id, staff_id, due_at, channel, purpose, created_at, completed_at)
                VALUES (\(bind: customer.id), \(bind: staff), \(bind: due), 'phone', '回访', \(bind: due - 20 * day), \(bind: done))
                """
            ).run()
        }
        // Moved to intent: the same customer twice in November counts once; one in October does not count.
        for (at, staff) in [
            (testStart - 6 * day, lina), (testStart - 2 * day, lina), (testStart - 45 * day, lina),
            (testStart - 2 * day, zhangwei),
        ] {
            try await sql.raw(
                """
                INSERT INTO customer_changes (customer_id, changed_at, staff_id, actor_name, field, old_value, new_value)
                VALUES (\(bind: customer.id), \(bind: at), \(bind: staff), 'x', 'stage', 'lead', 'intent')
                """
            ).run()
        }
        return (lina, zhangwei)
    }

    static func plan(_ t: TestApp, _ body: [String: JSONValue]) async throws -> WorkPlansAPIController.PlanDTO {
        let (status, text) = try await AssessmentTests.call(
            t, .POST, "/api/v1/work-plans", token: try await t.token(.supervisor), body)
        #expect(status == .created, "\(text)")
        return try AssessmentTests.decode(WorkPlansAPIController.PlanDTO.self, text)
    }

    @Test(
        "each target's progress equals the records listed behind it; a team plan adds up its people",
        arguments: TestDatabase.available)
    func progressEqualsLists(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, _) = try await Self.seed(t)
            let own = try await Self.plan(
                t,
                [
                    "title": "李娜11月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15",
                    "targets": .array(Self.allTargets), "goals": ["完成园区政策培训", "整理重点客户清单"],
                ])
            #expect(own.periodStart == "2026-11-01")
            #expect(own.periodEnd == "2026-11-30")
            let measured = Dictionary(uniqueKeysWithValues: own.progress.map { ($0.figure, $0.measured) })
            #expect(
                measured == [
                    "inquiries_answered": 2, "replies_on_time": 50, "follow_ups_on_time": 66.67,
                    "customers_to_intent": 1, "contracts_signed": 0,
                ])
            let token = try await t.token(.specialist)
            for progress in own.progress {
                let (status, text) = try await AssessmentTests.call(
                    t, .GET, "/api/v1/work-plans/\(own.id)/figures/\(progress.figure)", token: token)
                #expect(status == .ok, "\(text)")
                let items = try AssessmentTests.decode([WorkFigureReader.Item].self, text)
                switch WorkFigure(rawValue: progress.figure)!.kind {
                case .percent:
                    let onTime = items.filter { $0.isOnTime == true }.count
                    #expect(
                        AssessmentCalculation.round2(Double(onTime) * 100 / Double(items.count)) == progress.measured,
                        "\(progress.figure)")
                default:
                    #expect(Double(items.count) == progress.measured, "\(progress.figure): \(items.count) listed")
                }
            }
            // The team plan: both specialists together (张伟 has one reply in time, one follow-up in time, one customer).
            let team = try await Self.plan(
                t,
                [
                    "title": "客服部11月计划", "periodKind": "month", "periodDay": "2026-11-01",
                    "targets": .array(Self.allTargets),
                ])
            let teamMeasured = Dictionary(uniqueKeysWithValues: team.progress.map { ($0.figure, $0.measured) })
            #expect(
                teamMeasured == [
                    "inquiries_answered": 2, "replies_on_time": 66.67, "follow_ups_on_time": 75,
                    "customers_to_intent": 2, "contracts_signed": 0,
                ])
            let (_, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/work-plans/\(team.id)/figures/follow_ups_on_time",
                token: try await t.token(.supervisor))
            #expect(try AssessmentTests.decode([WorkFigureReader.Item].self, text).count == 4)

            // Goals are ticked off by the person; the supervisor records the result.
            let goal = try #require(own.goals.first)
            var (status, body) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans/\(own.id)/goals/\(goal.id)", token: token, ["done": true])
            #expect(status == .ok, "\(body)")
            #expect(try AssessmentTests.decode(WorkPlansAPIController.PlanDTO.self, body).goals.first?.isDone == true)
            (status, body) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans/\(own.id)/result", token: try await t.token(.supervisor),
                ["resultNote": "答复及时率偏低，下月重点改进。", "version": 1])
            #expect(status == .ok, "\(body)")
            #expect(try await t.auditEntries("work_plan.result_recorded").count == 1)
        }
    }

    @Test(
        "a specialist sees only their own plan; a target on a figure that does not exist, a colleague outside the team: refused, nothing changed"
    )
    func accessAndBadInput() async throws {
        try await withApp { t in
            let (lina, zhangwei) = try await Self.seed(t)
            let own = try await Self.plan(
                t,
                [
                    "title": "李娜11月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15",
                    "targets": [["figure": "inquiries_answered", "target": 10]],
                ])
            let colleague = try await APITokenStore(database: t.app.db).create(
                for: zhangwei, name: "t", context: .console(now: testStart)
            ).1
            var (status, _) = try await AssessmentTests.call(t, .GET, "/api/v1/work-plans/\(own.id)", token: colleague)
            #expect(status == .forbidden)
            (status, _) = try await AssessmentTests.call(
                t, .GET, "/api/v1/work-plans/\(own.id)/figures/inquiries_answered", token: colleague)
            #expect(status == .forbidden)
            (status, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans", token: colleague,
                [
                    "title": "x", "periodKind": "month", "periodDay": "2026-11-01",
                    "goals": ["x"],
                ])
            #expect(status == .forbidden)
            let (_, list) = try await AssessmentTests.call(t, .GET, "/api/v1/work-plans", token: colleague)
            #expect(try AssessmentTests.decode([WorkPlansAPIController.PlanDTO].self, list).isEmpty)

            let before = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM work_plans").first()?.decode(
                column: "n", as: Int.self)
            let leader = try await t.staff(.leadership).requireID()
            let supervisor = try await t.token(.supervisor)
            for (body, field) in [
                (
                    [
                        "title": "x", "periodKind": "month", "periodDay": "2026-11-01",
                        "targets": [["figure": "coffee_drunk", "target": 3]],
                    ], "targets.0.figure"
                ),
                (["title": "x", "periodKind": "week", "periodDay": "2026-11-01", "goals": ["x"]], "periodKind"),
                (["title": "x", "periodKind": "month", "periodDay": "2026-11-01"], "targets"),
                (
                    [
                        "title": "x", "staffID": .number(Double(leader)), "periodKind": "month",
                        "periodDay": "2026-11-01", "goals": ["x"],
                    ], "staffID"
                ),
            ] as [([String: JSONValue], String)] {
                let (status, text) = try await AssessmentTests.call(
                    t, .POST, "/api/v1/work-plans", token: supervisor, body)
                #expect(status == .unprocessableEntity, "\(text)")
                #expect(AssessmentTests.fields(text)[field] != nil, "\(field): \(text)")
            }
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM work_plans").first()?.decode(
                    column: "n", as: Int.self) == before)
            // A stale result is a conflict.
            (status, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans/\(own.id)/result", token: supervisor, ["resultNote": "x", "version": 7])
            #expect(status == .conflict)

            // The plan page shows the progress.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/work-plans/\(own.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("已答复咨询数"))
                #expect(res.body.string.contains("<progress max=\"100\" value=\"20\">"))
            }
        }
    }
}
