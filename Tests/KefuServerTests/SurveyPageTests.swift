import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13 §5 on the pages: an answered inquiry and a signed contract each offer "生成调查链接" with
/// the text to copy; an unfinished matter is refused at the card with nothing stored; the answer's
/// score goes to every person and department that handled the matter.
@Suite("Survey links from the inquiry's and the contract's pages (issue 13 §5)")
struct SurveyPageTests {
    static func page(_ t: TestApp, _ method: HTTPMethod, _ path: String, _ browser: Browser) async throws -> (
        HTTPStatus, String
    ) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(
            method, path,
            beforeRequest: { req in
                browser.apply(to: &req)
                if method == .POST { try req.content.encode(["_csrf": browser.csrf], as: .urlEncodedForm) }
            }
        ) { res async throws in result = (res.status, res.body.string) }
        return result
    }

    static func inquiry(_ t: TestApp, token: String, customerID: Int, _ input: InquiryInput) async throws -> Int {
        try await t.app.testing().test(
            .POST, "/api/v1/inquiries",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(input)
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        return try #require(
            try await t.app.db.sql().raw("SELECT id FROM inquiries ORDER BY id DESC").first()?.decode(
                column: "id", as: Int.self))
    }

    static func count(_ t: TestApp, _ query: SQLQueryString) async throws -> Int {
        try await t.app.db.sql().raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// The token at the end of the link shown on the page.
    static func token(in html: String) throws -> String {
        let range = try #require(html.range(of: #"/survey/[0-9a-f]{64}"#, options: .regularExpression))
        return String(html[range].dropFirst("/survey/".count))
    }

    @Test(
        "an answered inquiry's page issues the link with the text to copy; a promised, unanswered one is refused at the card, nothing stored"
    )
    func inquiryPage() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "陈晓东", "companyName": "苏州东方精密机械有限公司", "mobile": "13800001111"])
            let deadline = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(6 * 3600))
            let promised = try await Self.inquiry(
                t, token: lina, customerID: customer.id,
                InquiryInput(
                    customerID: customer.id, channel: "phone", question: "厂房能否分割出租？", answeredOnTheSpot: false,
                    promisedBy: deadline))
            let browser = try await t.signIn(.specialist)
            var (status, html) = try await Self.page(t, .GET, "/inquiries/\(promised)", browser)
            #expect(status == .ok && !html.contains("id=\"issue-survey\""), "no survey before the answer")
            let audit = try await t.auditEntries("survey.issued").count
            (status, html) = try await Self.page(t, .POST, "/inquiries/\(promised)/survey", browser)
            #expect(status == .unprocessableEntity && html.contains("咨询答复后才能发送满意度调查。"), "\(html)")
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM surveys") == 0)
            #expect(try await t.auditEntries("survey.issued").count == audit)

            let answered = try await Self.inquiry(
                t, token: lina, customerID: customer.id,
                InquiryInput(customerID: customer.id, channel: "phone", question: "二期地块何时开放？", answer: "明年三月"))
            (status, html) = try await Self.page(t, .GET, "/inquiries/\(answered)", browser)
            #expect(
                status == .ok && html.contains("id=\"issue-survey\"")
                    && html.contains("action=\"/inquiries/\(answered)/survey\""))
            (status, html) = try await Self.page(t, .POST, "/inquiries/\(answered)/survey", browser)
            #expect(status == .created)
            #expect(
                html.contains("id=\"survey-text\"") && html.contains("您咨询的问题（ZX-2026-") && html.contains("14 天内有效"),
                "\(html)")
            let token = try Self.token(in: html)
            // The page lists the link sent, then its answer.
            #expect(try await Self.page(t, .GET, "/inquiries/\(answered)", browser).1.contains("已发送，待客户填写"))
            #expect(try await SurveyTests.post(t, token, ["score": "4", "resolved": "yes"]).0 == .created)
            html = try await Self.page(t, .GET, "/inquiries/\(answered)", browser).1
            #expect(html.contains("客户已评价 · 满意"), "\(html)")
            // A colleague may not send a survey about 李娜's inquiry.
            let colleague = try await t.signIn("zhangwei")
            #expect(try await Self.page(t, .POST, "/inquiries/\(answered)/survey", colleague).0 == .forbidden)
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM surveys") == 1)
        }
    }

    @Test(
        "a signed contract's page issues the link; the score goes to the specialist and to the 法务部 reviewer with their department; a draft is refused",
        arguments: TestDatabase.available)
    func contractPage(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            var contract = try await ContractTests.draft(t, token: lina)
            let browser = try await t.signIn(.specialist)
            var (status, html) = try await Self.page(t, .POST, "/contracts/\(contract.id)/survey", browser)
            #expect(status == .unprocessableEntity && html.contains("合同签订后才能发送满意度调查。"), "\(html)")
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM surveys") == 0)

            contract = try await ContractTests.explainAll(t, contract.id, token: lina)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/forwarding", token: lina,
                    ["version": .number(Double(contract.version))]
                ).0 == .ok)
            contract = try await ContractTests.contract(t, contract.id, token: lina)
            let legal = try await t.token(.liaison)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/review", token: legal,
                    ["decision": "approve", "comment": "条款合规", "version": .number(Double(contract.version))]
                ).0 == .ok)
            contract = try await ContractTests.contract(t, contract.id, token: lina)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/signing", token: lina,
                    [
                        "signedOn": "2026-11-30", "place": "苏州工业园区管委会", "signatories": "张伟、王静",
                        "version": .number(Double(contract.version)),
                    ]
                ).0 == .ok)
            (status, html) = try await Self.page(t, .GET, "/contracts/\(contract.id)", browser)
            #expect(status == .ok && html.contains("action=\"/contracts/\(contract.id)/survey\""))
            (status, html) = try await Self.page(t, .POST, "/contracts/\(contract.id)/survey", browser)
            #expect(status == .created && html.contains("合同（HT-2026-000001）已签订"), "\(html)")
            let token = try Self.token(in: html)
            #expect(try await SurveyTests.post(t, token, ["score": "5"]).0 == .created)
            let rows = try await t.app.db.sql().raw(
                """
                SELECT staff.username AS username, departments.code AS department, survey_attributions.score AS score FROM survey_attributions
                JOIN staff ON staff.id = survey_attributions.staff_id JOIN departments ON departments.id = survey_attributions.department_id
                WHERE survey_attributions.subject_type = 'contract' ORDER BY survey_attributions.id
                """
            ).all()
            let given = try rows.map {
                "\(try $0.decode(column: "username", as: String.self))/\(try $0.decode(column: "department", as: String.self))/\(try $0.decode(column: "score", as: Int.self))"
            }
            #expect(
                given == ["lina/customer_service/5", "zhoumin/legal/5"],
                "the specialist who explained the clauses once, and the reviewer")
        }
    }
}
