import Foundation
import KefuDomain
import KefuTesting
import Testing
import VaporTesting

@testable import KefuServer

/// The plan's live progress on the workbench (issue 14 §1): the specialist's own plan of the current
/// period; the supervisor sees the department's; a colleague does not see another's.
@Suite("Workbench: the current plan's progress (R2.2)")
struct WorkbenchPlanTests {
    @Test("the workbench shows one's own plan of this period with its progress; a colleague's workbench does not")
    func planCard() async throws {
        try await withApp { t in
            let (lina, _) = try await WorkPlanTests.seed(t)
            let own = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜本月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15",
                    "targets": [["figure": "inquiries_answered", "target": 10]],
                ])
            _ = try await WorkPlanTests.plan(
                t,
                [
                    "title": "客服部本月计划", "periodKind": "month", "periodDay": "2026-11-15",
                    "targets": [["figure": "inquiries_answered", "target": 20]],
                ])
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"workbench-plans\""))
                #expect(res.body.string.contains("/work-plans/\(own.id)"))
                #expect(res.body.string.contains("<progress max=\"100\" value=\"20\">"))
                #expect(!res.body.string.contains("客服部本月计划"))
            }
            let supervisor = try await t.signIn(.supervisor)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in supervisor.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("客服部本月计划"))
            }
            let colleague = try await t.signIn("zhangwei")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in colleague.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("李娜本月计划"))
            }
        }
    }
}
