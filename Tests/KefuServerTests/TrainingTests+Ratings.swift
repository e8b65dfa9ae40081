import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Colleagues' anonymous ratings and the training pages (R5.2, R5.3).
extension TrainingTests {
    @Test(
        "colleagues rate each other's teamwork once per cycle, anonymously: the person and the supervisor see only the average and the count",
        arguments: TestDatabase.available)
    func colleagueRatings(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let zhangwei = try await APITokenStore(database: t.app.db).create(
                for: try await t.staff("zhangwei").requireID(), name: "t", context: .console(now: testStart)
            ).1
            let cycle = try await AssessmentTests.openCycle(t)
            let linaAssessment = try #require(cycle.assessments.first { $0.staffName == "李娜" }).id
            var (status, text) = try await Self.call(
                t, .GET, "/api/v1/assessment-cycles/\(cycle.id)/colleagues", token: zhangwei)
            #expect(status == .ok && text.contains("李娜") && !text.contains("张伟"), "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/colleague-rating", token: zhangwei, ["score": 86])
            #expect(status == .noContent, "\(text)")

            let before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/colleague-rating", token: zhangwei, ["score": 90])
            #expect(AssessmentTests.fields(text) == Self.messages(["score": "assessment.error.already_rated"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/colleague-rating", token: lina, ["score": 100])
            #expect(AssessmentTests.fields(text) == Self.messages(["score": "assessment.error.rate_self"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/colleague-rating", token: zhangwei, ["score": 101])
            #expect(status == .unprocessableEntity)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/colleague-rating", token: supervisor, ["score": 80])
            #expect(status == .forbidden)
            #expect(try await Self.unchanged(t, before))

            // The audit entry names the cycle, neither the person rated nor the score.
            let entry = try #require(try await t.auditEntries("assessment_cycle.colleague_rated").first)
            #expect(entry.recordID == String(cycle.id))
            #expect(!entry.detail.contains("86") && !entry.detail.contains("李娜"))

            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaAssessment)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 80, "teamworkRating": 90, "version": 1])
            #expect(status == .ok, "\(text)")
            (status, text) = try await Self.call(t, .GET, "/api/v1/assessments/\(linaAssessment)", token: lina)
            let lines = try AssessmentTests.decode(AssessmentDTO.self, text).calculation.map(\.text)
            #expect(lines.contains("同事匿名评分 1 份，平均 86"), "\(lines)")
            #expect(!text.contains("张伟") && !text.contains("zhangwei"))
        }
    }

    @Test(
        "pages: the supervisor's plan form keeps what was typed and shows the message at the field; a specialist rates on the session page"
    )
    func pages() async throws {
        try await withApp { t in
            let supervisor = try await t.signIn(.supervisor)
            var body = ""
            try await t.app.testing().test(
                .POST, "/training/plans",
                beforeRequest: { req in
                    try req.form(
                        [
                            "year": "2026", "title": "2026 年度计划", "goals": "提升服务", "areas[]": "service_skills",
                            "methods[]": "internal",
                            "hours": "-3", "budgetYuan": "5000",
                        ], browser: supervisor)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                body = res.body.string
            }
            #expect(body.contains("不能为负数。") && body.contains("value=\"-3\"") && body.contains("value=\"2026 年度计划\""))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM training_plans").first()?.decode(
                    column: "n", as: Int.self) == 0)

            let (_, september, _) = try await Self.approvedPlan(t)
            try await Self.hold(t, september, on: "2026-09-15", lina: (70, 85))
            let lina = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/training", beforeRequest: { req in req.headers.cookie = lina.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("投诉处理情景模拟") && res.body.string.contains("评价培训"))
            }
            try await t.app.testing().test(
                .POST, "/training/sessions/\(september)/rating",
                beforeRequest: { req in
                    try req.form(["rating": "9", "comment": "很好"], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("评分须为 1–5。") && res.body.string.contains("很好"))
            }
            try await t.app.testing().test(
                .POST, "/training/sessions/\(september)/rating",
                beforeRequest: { req in
                    try req.form(["rating": "4", "comment": "很好"], browser: lina)
                }
            ) { res async throws in #expect(res.status == .seeOther) }
            let zhangwei = try await t.signIn("zhangwei")
            try await t.app.testing().test(
                .GET, "/training/sessions/\(september)", beforeRequest: { req in req.headers.cookie = zhangwei.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("李娜"), "a specialist does not see a colleague's scores")
            }
            try await t.app.testing().test(
                .GET, "/training/sessions/\(september)/effect",
                beforeRequest: { req in req.headers.cookie = supervisor.cookies }
            ) { res async throws in
                #expect(res.status == .ok && res.body.string.contains("培训后 30 天"))
            }
        }
    }
}
