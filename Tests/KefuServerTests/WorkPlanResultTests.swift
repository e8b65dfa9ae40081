import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The supervisor's result of a plan at the end of its period (issue 14 §1): recorded from the last
/// day on, kept with each target's progress as it stood, which later records do not rewrite.
@Suite("Work plans: the result at the end of the period, kept with its figures (R2.2)")
struct WorkPlanResultTests {
    static func row(_ t: TestApp, _ id: Int) async throws -> [String] {
        let row = try #require(
            try await t.app.db.sql().raw(
                "SELECT result_note, result_progress, version FROM work_plans WHERE id = \(bind: id)"
            ).first())
        return [
            try row.decode(column: "result_note", as: String?.self) ?? "-",
            try row.decode(column: "result_progress", as: String?.self) ?? "-",
            String(try row.decode(column: "version", as: Int.self)),
        ]
    }

    @Test("before the last day refused at the field, nothing changed; at the end the figures are kept as they stood")
    func resultAtTheEnd() async throws {
        try await withApp { t in
            let (lina, _) = try await WorkPlanTests.seed(t)
            let supervisor = try await t.token(.supervisor)
            let december = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜12月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-12-10", "targets": [["figure": "inquiries_answered", "target": 4]],
                ])
            // 30 November: December's result cannot be recorded yet.
            let before = try await Self.row(t, december.id)
            var (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans/\(december.id)/result", token: supervisor,
                ["resultNote": "提前总结", "version": 1])
            #expect(status == .unprocessableEntity)
            #expect(text.contains("resultNote"))
            #expect(try await Self.row(t, december.id) == before)
            #expect(try await t.auditEntries("work_plan.result_recorded").isEmpty)

            // November's, on its last day: recorded with the figures as they stand.
            let november = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜11月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15", "targets": .array(WorkPlanTests.allTargets),
                ])
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/work-plans/\(november.id)/result", token: supervisor,
                ["resultNote": "咨询答复达标，答复及时率偏低。", "version": 1])
            #expect(status == .ok, "\(text)")
            let recorded = try AssessmentTests.decode(WorkPlansAPIController.PlanDTO.self, text)
            #expect(recorded.resultProgress?.map(\.measured) == november.progress.map(\.measured))
            #expect(recorded.resultProgress?.first { $0.figure == "inquiries_answered" }?.measured == 2)

            // An inquiry of November recorded afterwards moves the live progress, not the result.
            try await t.app.db.sql().raw(
                """
                INSERT INTO inquiries (customer_id, channel, received_at, question, answer, first_answered_at, status, staff_id, created_at, updated_at, version)
                SELECT id, 'phone', \(bind: testStart - 86_400), '补录的咨询', '已答复', \(bind: testStart - 86_000), 'closed', \(bind: lina),
                       \(bind: testStart), \(bind: testStart), 1 FROM customers LIMIT 1
                """
            ).run()
            (status, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/work-plans/\(november.id)", token: supervisor)
            let later = try AssessmentTests.decode(WorkPlansAPIController.PlanDTO.self, text)
            #expect(later.progress.first { $0.figure == "inquiries_answered" }?.measured == 3)
            #expect(later.resultProgress?.first { $0.figure == "inquiries_answered" }?.measured == 2)

            // The plan's page shows the result with its figures; December's form says why at the field.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/work-plans/\(november.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("id=\"result-figures\"") && res.body.string.contains("记录结果时各项指标的完成情况"))
            }
            let html = try await ContractPageTests().post(
                t, "/work-plans/\(december.id)/result", browser, body: "resultNote=x&version=1"
            ).1
            #expect(html.contains("计划期最后一天起才能记录结果。"))
        }
    }
}
