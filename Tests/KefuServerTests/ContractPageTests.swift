import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The contract pages (issue 12 §9): the list, a new contract, the contract's page; a refused form
/// comes back with the reason at the field in Chinese and what was typed kept.
@Suite("Contract pages: list, new, the contract's page, refusals at the field")
struct ContractPageTests {
    func page(_ t: TestApp, _ path: String, _ browser: Browser) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) {
            res async throws in result = (res.status, res.body.string)
        }
        return result
    }

    func post(_ t: TestApp, _ path: String, _ browser: Browser, body: String) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(
            .POST, path,
            beforeRequest: { req in
                browser.apply(to: &req)
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: body + "&_csrf=" + browser.csrf)
            }
        ) { res async throws in result = (res.status, res.body.string) }
        return result
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    @Test(
        "a new contract from the customer's file: a plan that does not add up comes back with the message and the typed values"
    )
    func newContract() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州王氏贸易有限公司", "mobile": "13900001111"])
            let browser = try await t.signIn(.specialist)
            #expect(
                try await page(t, "/customers/\(customer.id)", browser).1.contains(
                    "/contracts/new?customer=\(customer.id)"))
            #expect(try await page(t, "/contracts/new?customer=\(customer.id)", browser).0 == .ok)
            let title = Self.encode("萧山厂房租赁合同")
            let form =
                "customerID=\(customer.id)&type=lease&title=\(title)&amountWan=360&planLabel[]=\(Self.encode("押金"))&planAmount[]=60"
                + "&planLabel[]=\(Self.encode("首年租金"))&planAmount[]=290&planDue[]=&planDue[]="
            let (status, html) = try await post(t, "/contracts", browser, body: form)
            #expect(status == .unprocessableEntity)
            #expect(html.contains("付款计划各期合计须等于合同金额。"))
            #expect(html.contains("value=\"萧山厂房租赁合同\""))
            #expect(html.contains("value=\"290\""))
            let fixed = form.replacingOccurrences(of: "planAmount[]=290", with: "planAmount[]=300")
            #expect(try await post(t, "/contracts", browser, body: fixed).0 == .seeOther)
            let contract = try #require(
                try await ContractStore(database: t.app.db).list(
                    .init(), paging: Paging(number: 1, size: 10), today: CalendarDay("2026-11-30")!
                ).items.first)
            #expect(contract.number == "HT-2026-000001")
            // A colleague may not draft a contract for it.
            let colleague = try await t.signIn("zhangwei")
            #expect(try await page(t, "/contracts/new?customer=\(customer.id)", colleague).0 == .forbidden)
        }
    }

    @Test(
        "the list of missing documents to send the customer: greeting, the required ones still missing, numbered, signed; gone once complete"
    )
    func missingDocumentsText() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            var contract = try await ContractTests.draft(t, token: lina)
            let head = "张伟您好！签订《苏州工业园新材料项目投资协议》（\(contract.number)）还需要您提供以下资料："
            let tail = "资料齐全后我们会尽快安排后续手续。如有疑问请随时联系我。李娜"
            // The optional credit report is not asked for.
            #expect(
                contract.missingDocumentsText
                    == [head, "1. 营业执照", "2. 法定代表人身份证", "3. 近三年财务报表", "4. 项目计划书", "5. 授权委托书", tail]
                    .joined(separator: "\n"))
            // Received ones leave the list, a rejected one says why; the numbers follow what is left.
            let (license, id) = (contract.checklist[0], contract.checklist[1])
            #expect(
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(license.id)", token: lina,
                    ["status": "received", "version": .number(Double(license.version))]
                ).0 == .ok)
            #expect(
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(id.id)", token: lina,
                    ["status": "rejected", "reason": "身份证已过期", "version": .number(Double(id.version))]
                ).0 == .ok)
            contract = try await ContractTests.contract(t, contract.id, token: lina)
            let text = [head, "1. 法定代表人身份证（上次提交未通过：身份证已过期）", "2. 近三年财务报表", "3. 项目计划书", "4. 授权委托书", tail].joined(
                separator: "\n")
            #expect(contract.missingDocumentsText == text)
            // The page offers the same text to copy.
            let browser = try await t.signIn(.specialist)
            let html = try await page(t, "/contracts/\(contract.id)", browser).1
            #expect(html.contains("id=\"missing-text\""))
            #expect(html.contains("1. 法定代表人身份证（上次提交未通过：身份证已过期）"))
            // Every required document received: nothing to send.
            try await ContractTests.markAll(
                t, try await ContractTests.contract(t, contract.id, token: lina), token: lina)
            #expect(try await ContractTests.contract(t, contract.id, token: lina).missingDocumentsText == nil)
            #expect(!(try await page(t, "/contracts/\(contract.id)", browser).1.contains("id=\"missing-text\"")))
        }
    }

    @Test("the contract's page says what is needed next; refusals come back at the field with what was typed")
    func contractPage() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let contract = try await ContractTests.draft(t, token: lina)
            let browser = try await t.signIn(.specialist)
            var (status, html) = try await page(t, "/contracts/\(contract.id)", browser)
            #expect(status == .ok)
            #expect(html.contains("以下必需资料尚未收齐：营业执照、法定代表人身份证"))
            #expect(html.contains("id=\"missing-text\""))
            #expect(!html.contains("id=\"sign-form\""), "no signing form in draft")
            // Documents complete with documents missing: refused, naming them.
            (status, html) = try await post(
                t, "/contracts/\(contract.id)/transitions", browser,
                body: "to=documents_complete&version=\(contract.version)")
            #expect(status == .unprocessableEntity)
            #expect(html.contains("id=\"move-error\""))
            // Signing in draft: refused, saying why.
            (status, html) = try await post(
                t, "/contracts/\(contract.id)/signing", browser,
                body:
                    "signedOn=2026-11-30&place=\(Self.encode("苏州工业园区管委会"))&signatories=\(Self.encode("张伟"))&version=\(contract.version)"
            )
            #expect(status == .unprocessableEntity)
            #expect(html.contains("id=\"signing-error\"") && html.contains("合同状态只能按顺序逐步推进"))
            // A rejected document without a reason: refused on its row.
            (status, html) = try await post(
                t, "/contracts/\(contract.id)/checklist/\(contract.checklist[0].id)", browser,
                body: "status=rejected&reason=&version=\(contract.checklist[0].version)")
            #expect(status == .unprocessableEntity)
            #expect(html.contains("退回资料须填写原因。"))
            // A stale version: 409 with the message, nothing saved.
            (status, html) = try await post(
                t, "/contracts/\(contract.id)/checklist/\(contract.checklist[0].id)", browser,
                body: "status=received&version=9")
            #expect(status == .conflict)
            #expect(
                try await ContractStore(database: t.app.db).checklist(contract.id).allSatisfy { $0.status == "missing" }
            )
            // The lists.
            #expect(try await page(t, "/contracts", browser).1.contains(contract.number))
            #expect(try await page(t, "/contracts?state=signed", browser).1.contains(contract.number) == false)
            #expect(try await page(t, "/contracts?state=nonsense", browser).0 == .badRequest)
            #expect(try await page(t, "/obligations?view=week", browser).0 == .ok)
            #expect(try await page(t, "/payments", browser).0 == .ok)
            // The 法务部 sees nothing until it is forwarded; the supervisor sees the team's.
            #expect(try await page(t, "/contracts/\(contract.id)", try await t.signIn(.liaison)).0 == .forbidden)
            #expect(try await page(t, "/contracts", try await t.signIn(.supervisor)).1.contains(contract.number))
        }
    }
}
