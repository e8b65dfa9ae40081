import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The assessment pages (issue 14): forms refuse bad input at the field keeping what was typed, and one
/// assessment goes through them from self-evaluation to sign-off.
@Suite("Assessment pages: forms, refusals at the field, the calculation shown (R5.3)")
struct AssessmentPageTests {
    func page(_ t: TestApp, _ path: String, as browser: Browser) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) {
            res async throws in
            result = (res.status, res.body.string)
        }
        return result
    }

    func post(_ t: TestApp, _ path: String, _ fields: [String: String], as browser: Browser) async throws -> (
        HTTPStatus, String, String?
    ) {
        var result: (HTTPStatus, String, String?) = (.ok, "", nil)
        try await t.app.testing().test(.POST, path, beforeRequest: { req in try req.form(fields, browser: browser) }) {
            res async throws in
            result = (res.status, res.body.string, res.headers.first(name: .location))
        }
        return result
    }

    @Test(
        "open a cycle on the page (weights off by 10 refused with what was typed kept), self-evaluate, evaluate, accept, decide, sign off"
    )
    func throughThePages() async throws {
        try await withApp { t in
            let supervisor = try await t.signIn(.supervisor), lina = try await t.signIn(.specialist),
                leadership = try await t.signIn(.leadership)
            let linaID = try await t.staff(.specialist).requireID()
            var (status, body) = try await page(t, "/assessments", as: supervisor)
            #expect(status == .ok, "\(body)")
            #expect(body.contains("新建考核周期"))
            var fields = [
                "name": "十一月考核", "periodStart": "2026-11-01", "periodEnd": "2026-11-30", "weight_work_results": "50",
                "weight_service_quality": "30", "weight_professional_skills": "15", "weight_teamwork": "10",
                "weight_self_evaluation": "5",
                "weight_attendance": "0", "excellent": "90", "good": "80", "pass": "60",
                "target_inquiries_answered": "20",
                "person_\(linaID)": "1",
            ]
            let before = try await AssessmentTests.snapshot(t)
            var (postStatus, postBody, location) = try await post(t, "/assessments/cycles", fields, as: supervisor)
            #expect(postStatus == .unprocessableEntity)
            #expect(postBody.contains("id=\"weights-error\""))
            #expect(postBody.contains("各维度权重之和必须等于 100%。"))
            #expect(postBody.contains("value=\"十一月考核\""))
            #expect(
                postBody.contains("id=\"target_inquiries_answered\" name=\"target_inquiries_answered\" value=\"20\""))
            #expect(try await AssessmentTests.snapshot(t) == before)
            fields["weight_work_results"] = "40"
            (postStatus, postBody, location) = try await post(t, "/assessments/cycles", fields, as: supervisor)
            #expect(postStatus == .seeOther, "\(postBody)")
            let cyclePath = try #require(location)
            (status, body) = try await page(t, cyclePath, as: supervisor)
            #expect(status == .ok, "\(body)")
            #expect(body.contains("李娜"))
            #expect(!body.contains("张伟"), "only the person chosen")
            let assessmentID = try #require(
                try await AssessmentStore(database: t.app.db).assessments(ofStaff: linaID).first?.id)
            let path = "/assessments/\(assessmentID)"

            (status, body) = try await page(t, path, as: lina)
            #expect(status == .ok, "\(body)")
            #expect(body.contains("id=\"self-form\""))
            (postStatus, postBody, _) = try await post(
                t, path + "/self-evaluation", ["score": "一百", "summary": "认真负责", "version": "1"], as: lina)
            #expect(postStatus == .unprocessableEntity)
            #expect(postBody.contains("分数须在 0–100 之间。"))
            #expect(postBody.contains("认真负责</textarea>"))
            (postStatus, _, _) = try await post(
                t, path + "/self-evaluation", ["score": "88", "summary": "认真负责", "version": "1"], as: lina)
            #expect(postStatus == .seeOther)

            (postStatus, postBody, _) = try await post(
                t, path + "/supervisor-evaluation", ["skillsRating": "85", "teamworkRating": "90", "version": "2"],
                as: supervisor)
            #expect(postStatus == .seeOther, "\(postBody)")
            (status, body) = try await page(t, path, as: lina)
            #expect(body.contains("id=\"calculation\""))
            #expect(body.contains("已答复咨询数：实际 0，目标 0.67，完成率 0%"), "the test accounts joined on 2026-11-30: 20 × 1/30")
            #expect(body.contains("服务质量：暂无任何数据，其权重 30% 按比例分给其他维度"))
            #expect(body.contains("id=\"response-form\""))
            #expect(!body.contains("id=\"supervisor-form\""), "the specialist is offered only her own forms")
            (postStatus, _, _) = try await post(
                t, path + "/response", ["appeal": "0", "comment": "认可", "version": "3"], as: lina)
            #expect(postStatus == .seeOther)
            (postStatus, postBody, _) = try await post(
                t, path + "/decisions", ["kind": "bonus", "amountYuan": "", "basis": "十一月考核"], as: supervisor)
            #expect(postStatus == .unprocessableEntity)
            #expect(postBody.contains("id=\"amountYuan-error\""))
            #expect(postBody.contains("十一月考核</textarea>"))
            (postStatus, _, _) = try await post(
                t, path + "/decisions", ["kind": "certificate", "amountYuan": "", "basis": "十一月考核"], as: supervisor)
            #expect(postStatus == .seeOther)

            (status, body) = try await page(t, cyclePath, as: leadership)
            #expect(body.contains("id=\"sign-off\""))
            let version = try #require(
                try await AssessmentStore(database: t.app.db).cycles(departmentID: nil).first?.version)
            (postStatus, postBody, _) = try await post(
                t, cyclePath + "/sign-off", ["version": String(version)], as: leadership)
            #expect(postStatus == .seeOther, "\(postBody)")
            (status, body) = try await page(t, cyclePath, as: leadership)
            #expect(body.contains("已签批"))
            #expect(body.contains("id=\"export\""))
            (status, body) = try await page(t, path, as: supervisor)
            #expect(!body.contains("id=\"decision-form\""))
            (status, body) = try await page(t, "/assessments", as: lina)
            #expect(status == .ok)
            #expect(body.contains("我的考核"))
            #expect(!body.contains("新建考核周期"))
        }
    }
}
