import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 16 §2 "each specialist's figures against their plan": the supervisor's dashboard shows, per
/// specialist, the plan in force in the period with each target's progress — the plan's own numbers.
/// Part of the dashboard's suite, which CI runs on both databases.
extension ReportTests {
    @Test(
        "the dashboard shows each specialist's plan in force with the progress its page shows; a specialist sees only their own",
        arguments: TestDatabase.available)
    func plansAgainstFigures(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, zhangwei) = try await WorkPlanTests.seed(t)
            // An October plan of 李娜 overlaps a period reaching into October; November's started later and is shown.
            _ = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜10月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-10-15", "targets": [["figure": "inquiries_answered", "target": 1]],
                ])
            let own = try await WorkPlanTests.plan(
                t,
                [
                    "title": "李娜11月计划", "staffID": .number(Double(lina)), "periodKind": "month",
                    "periodDay": "2026-11-15", "targets": .array(WorkPlanTests.allTargets),
                ])
            let colleague = try await WorkPlanTests.plan(
                t,
                [
                    "title": "张伟11月计划", "staffID": .number(Double(zhangwei)), "periodKind": "month",
                    "periodDay": "2026-11-15", "targets": .array(WorkPlanTests.allTargets),
                ])
            // A team plan is not a specialist's: it is not listed.
            _ = try await WorkPlanTests.plan(
                t,
                [
                    "title": "客服部11月计划", "periodKind": "month", "periodDay": "2026-11-01",
                    "targets": .array(WorkPlanTests.allTargets),
                ])
            let supervisor = try await t.token(.supervisor)
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?from=2026-10-20&to=2026-11-30", token: supervisor)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
            #expect(dto.plans.map(\.planID).sorted() == [own.id, colleague.id].sorted())
            let linas = try #require(dto.plans.first { $0.staffID == lina })
            #expect(linas.title == "李娜11月计划" && linas.periodStart == "2026-11-01" && linas.periodEnd == "2026-11-30")
            // Known numbers (WorkPlanTests.seed): 2 answered of 4 planned, replies 50 % of 90, follow-ups 66.67 % of 80.
            #expect(
                Dictionary(uniqueKeysWithValues: linas.targets.map { ($0.figure, $0.measured) }) == [
                    "inquiries_answered": 2, "replies_on_time": 50, "follow_ups_on_time": 66.67,
                    "customers_to_intent": 1, "contracts_signed": 0,
                ])
            #expect(linas.targets.first { $0.figure == "inquiries_answered" }?.percent == 50)
            #expect(linas.targets.first { $0.figure == "customers_to_intent" }?.isMet == false)
            #expect(linas.targets.first { $0.figure == "inquiries_answered" }?.label == "已答复咨询数")
            // Each plan's progress is what its own page reads.
            for (plan, shown) in [(own, linas), (colleague, try #require(dto.plans.first { $0.staffID == zhangwei }))] {
                let (_, planText) = try await AssessmentTests.call(
                    t, .GET, "/api/v1/work-plans/\(plan.id)", token: supervisor)
                let fresh = try AssessmentTests.decode(WorkPlansAPIController.PlanDTO.self, planText)
                #expect(fresh.progress.map(\.figure) == shown.targets.map(\.figure))
                #expect(fresh.progress.map(\.measured) == shown.targets.map(\.measured))
                #expect(fresh.progress.map(\.percent) == shown.targets.map(\.percent))
            }
            // The page draws it, each bar leading to the plan.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?from=2026-11-01&to=2026-11-30", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("id=\"chart-plans-by-person\""))
                #expect(html.contains("href=\"/work-plans/\(own.id)\""))
                // None of 李娜's five targets is met yet.
                #expect(html.contains("<td class=\"num\">0 / 5</td>"))
            }
            // A specialist's dashboard is their own: only their plan.
            let (ownStatus, ownText) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?from=2026-11-01&to=2026-11-30",
                token: try await t.token(.specialist))
            #expect(ownStatus == .ok, "\(ownText)")
            let mine = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(ownText.utf8))
            #expect(mine.plans.map(\.planID) == [own.id])
        }
    }
}
