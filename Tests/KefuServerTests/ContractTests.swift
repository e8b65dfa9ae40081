import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Contracts through the JSON API (issue 12): from draft to signed with every refusal on the way,
/// who sees what (the specialist, a colleague, the 法务部 and 财务部 liaisons), files, and bad input
/// that changes nothing.
@Suite("Contracts: draft to signed, refusals, liaisons, files (R3.4, R1.2, R1.3)")
struct ContractTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String; var fields: [String: String] }
        var error: Detail
    }

    /// Sends JSON with a token and returns the status and body.
    @discardableResult
    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: JSONValue]? = nil
    ) async throws -> (HTTPStatus, String) {
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(
            method, path,
            beforeRequest: { req in
                req.bearer(token)
                if let body { try req.content.encode(JSONValue.object(body), as: .json) }
            }
        ) { res async throws in result = (res.status, res.body.string) }
        return result
    }

    static func contract(_ t: TestApp, _ id: Int, token: String) async throws -> ContractDTO {
        var dto: ContractDTO?
        try await t.app.testing().test(.GET, "/api/v1/contracts/\(id)", beforeRequest: { req in req.bearer(token) }) {
            res async throws in
            #expect(res.status == .ok, "\(res.body.string)")
            dto = try? res.content.decode(ContractDTO.self)
        }
        return try #require(dto)
    }

    /// A customer of 李娜 with a draft investment agreement of 1,000 万元 paid in two installments.
    static func draft(_ t: TestApp, token: String, name: String = "张伟", mobile: String = "13812345678") async throws
        -> ContractDTO
    {
        let customer = try await createCustomer(
            t, token: token, ["name": name, "companyName": "\(name)的新材料科技有限公司", "mobile": mobile])
        let body: [String: JSONValue] = [
            "customerID": .number(Double(customer.id)), "type": "investment_agreement", "title": "苏州工业园新材料项目投资协议",
            "amountWan": "1,000",
            "paymentPlan": [
                ["label": "首期投资款", "amountWan": "300"], ["label": "二期投资款", "amountWan": "700", "dueOn": "2027-06-30"],
            ],
            "parties": .string("甲方：苏州工业园区管委会；乙方：\(name)的新材料科技有限公司"),
        ]
        var dto: ContractDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/contracts",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(JSONValue.object(body), as: .json)
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            dto = try? res.content.decode(ContractDTO.self)
        }
        return try #require(dto)
    }

    static func markAll(_ t: TestApp, _ contract: ContractDTO, token: String) async throws {
        for item in contract.checklist where item.isRequired {
            let (status, body) = try await call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(item.id)", token: token,
                ["status": "received", "version": .number(Double(item.version))])
            #expect(status == .ok, "\(body)")
        }
    }

    /// Takes a draft to terms explained: documents received and complete, every clause explained, confirmed.
    static func explainAll(_ t: TestApp, _ id: Int, token: String) async throws -> ContractDTO {
        var contract = try await Self.contract(t, id, token: token)
        try await markAll(t, contract, token: token)
        #expect(
            try await call(
                t, .POST, "/api/v1/contracts/\(id)/transitions", token: token,
                ["to": "documents_complete", "version": .number(Double(contract.version))]
            ).0 == .ok)
        contract = try await Self.contract(t, id, token: token)
        for clause in contract.clauses {
            #expect(
                try await call(
                    t, .POST, "/api/v1/contracts/\(id)/clauses/\(clause.id)/explanation", token: token, ["note": "逐条讲解"]
                ).0 == .ok)
        }
        contract = try await Self.contract(t, id, token: token)
        #expect(
            try await call(
                t, .POST, "/api/v1/contracts/\(id)/terms-confirmation", token: token,
                ["note": "客户当面确认理解并同意", "version": .number(Double(contract.version))]
            ).0 == .ok)
        contract = try await Self.contract(t, id, token: token)
        #expect(
            try await call(
                t, .POST, "/api/v1/contracts/\(id)/transitions", token: token,
                ["to": "terms_explained", "version": .number(Double(contract.version))]
            ).0 == .ok)
        return try await Self.contract(t, id, token: token)
    }

    static func financeLiaison(_ t: TestApp) async throws -> String {
        let context = AuditContext.console(now: testStart)
        let finance = try await DepartmentStore(database: t.app.db).create(
            DepartmentInput(code: "finance", name: "财务部"), context: context)
        _ = try await StaffStore(database: t.app.db).create(
            StaffDraft(
                username: "wugang", displayName: "吴刚", departmentID: finance.id, role: "liaison", language: "zh-Hans",
                password: TestApp.password),
            by: nil, hashing: t.app.passwordHashing, common: t.app.kefu.commonPasswords, context: context)
        return try await staffToken(t, "wugang")
    }

    @Test(
        "a contract goes from draft to signed in order; every skip is refused with the reason; the customer becomes signed",
        arguments: TestDatabase.available)
    func draftToSigned(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            var contract = try await Self.draft(t, token: lina)
            #expect(contract.number == "HT-2026-000001")
            #expect(contract.state == "draft")
            #expect(contract.amountWan == "1,000")
            #expect(contract.checklist.map(\.name).prefix(2) == ["营业执照", "法定代表人身份证"])
            #expect(contract.nextNeeds.first?.hasPrefix("以下必需资料尚未收齐：营业执照、法定代表人身份证") == true)
            #expect(contract.missingDocumentsText?.contains("1. 营业执照") == true)

            // Skipping a state, and documents complete with documents missing: refused, saying which.
            var (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "terms_explained", "version": .number(Double(contract.version))])
            #expect(status == .unprocessableEntity)
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "documents_complete", "version": .number(Double(contract.version))])
            #expect(status == .unprocessableEntity)
            let refusal = try JSONDecoder().decode(ErrorBody.self, from: Data(body.utf8)).error
            #expect(refusal.code == "refused")
            #expect(refusal.fields["to"]?.contains("法定代表人身份证") == true, "\(refusal)")
            // Explaining terms before the documents are complete: refused.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/clauses/\(contract.clauses[0].id)/explanation", token: lina,
                [:])
            #expect(status == .unprocessableEntity)
            // A rejected document needs its reason; with it, the missing list says why.
            let license = contract.checklist[0]
            (status, _) = try await Self.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(license.id)", token: lina,
                ["status": "rejected", "version": .number(Double(license.version))])
            #expect(status == .unprocessableEntity)
            (status, _) = try await Self.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(license.id)", token: lina,
                ["status": "rejected", "reason": "复印件不清晰", "version": .number(Double(license.version))])
            #expect(status == .ok)
            contract = try await Self.contract(t, contract.id, token: lina)
            #expect(contract.missingDocumentsText?.contains("营业执照（上次提交未通过：复印件不清晰）") == true)

            contract = try await Self.explainAll(t, contract.id, token: lina)
            #expect(contract.state == "terms_explained")
            #expect(contract.clauses.allSatisfy { $0.explainedAt != nil && $0.explainedBy == "李娜" })
            // Signing before the legal review: refused.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/signing", token: lina,
                [
                    "signedOn": "2026-11-30", "place": "苏州", "signatories": "张伟",
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .unprocessableEntity)

            // Forwarded to the 法务部; its liaison approves.
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/forwarding", token: lina,
                ["version": .number(Double(contract.version))])
            #expect(status == .ok, "\(body)")
            let legal = try await t.token(.liaison)
            contract = try await Self.contract(t, contract.id, token: legal)
            #expect(contract.review.status == "forwarded")
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/review", token: legal,
                ["decision": "return", "version": .number(Double(contract.version))])
            #expect(status == .unprocessableEntity, "a return needs comments")
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/review", token: legal,
                ["decision": "approve", "comment": "条款合规", "version": .number(Double(contract.version))])
            #expect(status == .ok, "\(body)")
            contract = try await Self.contract(t, contract.id, token: lina)
            #expect(contract.state == "legal_review_passed")
            #expect(contract.review.reviewer == "周敏")

            // Signing in the future is refused; today is fine, and the customer is signed.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/signing", token: lina,
                [
                    "signedOn": "2026-12-01", "place": "苏州工业园区管委会", "signatories": "张伟、王静",
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .unprocessableEntity)
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/signing", token: lina,
                [
                    "signedOn": "2026-11-30", "place": "苏州工业园区管委会", "signatories": "张伟、王静",
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .ok, "\(body)")
            contract = try await Self.contract(t, contract.id, token: lina)
            #expect(contract.state == "signed")
            #expect(contract.signing?.place == "苏州工业园区管委会")
            let customer = try #require(try await CustomerModel.find(contract.customerID, on: t.app.db))
            #expect(customer.stage == "signed")
            // Execution needs the signed file.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "in_execution", "version": .number(Double(contract.version))])
            #expect(status == .unprocessableEntity)

            let kinds = try await t.app.db.sql().raw(
                "SELECT kind FROM timeline_entries WHERE customer_id = \(bind: contract.customerID)"
            ).all()
                .map { try $0.decode(column: "kind", as: String.self) }
            for kind in [
                "contract_created", "contract_document", "contract_terms", "contract_state", "contract_forwarded",
                "contract_reviewed", "contract_signed",
            ] {
                #expect(kinds.contains(kind), "no \(kind) on the timeline")
            }
            #expect(try await t.auditEntries("contract.signed").count == 1)
            #expect(try await t.auditEntries("contract.review_approved").count == 1)
        }
    }

    @Test("a payment plan that does not add up, a stale version, a skipped state: refused, nothing changed")
    func badInputChangesNothing() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州王氏贸易有限公司", "mobile": "13900001111"])
            let (status, body) = try await Self.call(
                t, .POST, "/api/v1/contracts", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "type": "lease", "title": "萧山厂房租赁合同",
                    "amountWan": "360",
                    "paymentPlan": [["label": "押金", "amountWan": "60"], ["label": "首年租金", "amountWan": "290"]],
                ])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ErrorBody.self, from: Data(body.utf8)).error.fields["paymentPlan"]
                    == "付款计划各期合计须等于合同金额。")
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM contracts").first()?.decode(
                    column: "n", as: Int.self) == 0)

            let contract = try await Self.draft(t, token: lina, name: "刘洋", mobile: "13700002222")
            let before = try await Self.snapshot(t, contract)
            // A stale version of the checklist item, of the contract: 409, nothing written.
            var result = try await Self.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)/checklist/\(contract.checklist[0].id)", token: lina,
                ["status": "received", "version": 7])
            #expect(result.0 == .conflict)
            result = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "cancelled", "reason": "客户改投他处", "version": .number(Double(contract.version + 1))])
            #expect(result.0 == .conflict)
            result = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "signed", "version": .number(Double(contract.version))])
            #expect(result.0 == .unprocessableEntity)
            result = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "cancelled", "version": .number(Double(contract.version))])
            #expect(result.0 == .unprocessableEntity, "cancelling needs a reason")
            result = try await Self.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: lina,
                ["to": "cancelled", "reason": "客户改投他处"])
            #expect(result.0 == .unprocessableEntity, "no version")
            #expect(try await Self.snapshot(t, contract) == before)
            // A colleague may neither read nor change it.
            let zhangwei = try await staffToken(t, "zhangwei")
            #expect(try await Self.call(t, .GET, "/api/v1/contracts/\(contract.id)", token: zhangwei).0 == .forbidden)
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/transitions", token: zhangwei,
                    ["to": "cancelled", "reason": "x", "version": .number(Double(contract.version))]
                ).0 == .forbidden)
            #expect(try await Self.snapshot(t, contract) == before)
        }
    }

    /// The contract's row, its checklist, the customer's timeline and the contract audit entries.
    static func snapshot(_ t: TestApp, _ contract: ContractDTO) async throws -> [String] {
        let sql = try t.app.db.sql()
        let row = try await sql.raw("SELECT state, version, updated_at FROM contracts WHERE id = \(bind: contract.id)")
            .first()
        let items = try await sql.raw(
            "SELECT status, version FROM contract_checklist_items WHERE contract_id = \(bind: contract.id) ORDER BY id"
        ).all()
        let timeline = try await sql.raw(
            "SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: contract.customerID)"
        ).first()
        let audit = try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'contract.%'").first()
        return [
            "\(try row?.decode(column: "state", as: String.self) ?? "") \(try row?.decode(column: "version", as: Int.self) ?? 0)",
            try items.map {
                "\(try $0.decode(column: "status", as: String.self))\(try $0.decode(column: "version", as: Int.self))"
            }.joined(separator: ","),
            "\(try timeline?.decode(column: "n", as: Int.self) ?? -1)",
            "\(try audit?.decode(column: "n", as: Int.self) ?? -1)",
        ]
    }

    @Test("the 法务部 liaison sees only contracts forwarded to it; the 财务部 liaison sees no contract")
    func liaisons() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let legal = try await t.token(.liaison)
            let finance = try await Self.financeLiaison(t)
            let forwarded = try await Self.draft(t, token: lina)
            let kept = try await Self.draft(t, token: lina, name: "陈晓梅", mobile: "13600003333")
            // Before forwarding: nothing.
            #expect(try await Self.call(t, .GET, "/api/v1/contracts/\(forwarded.id)", token: legal).0 == .forbidden)
            var ready = try await Self.explainAll(t, forwarded.id, token: lina)
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/contracts/\(ready.id)/review", token: legal,
                    ["decision": "approve", "version": .number(Double(ready.version))]
                ).0 == .forbidden, "not forwarded yet")
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/contracts/\(ready.id)/forwarding", token: lina,
                    ["version": .number(Double(ready.version))]
                ).0 == .ok)
            ready = try await Self.contract(t, ready.id, token: lina)
            // The list shows the forwarded one only; the other and the customer files stay closed.
            var list: PageDTO<ContractsAPIController.ListItemDTO>?
            try await t.app.testing().test(.GET, "/api/v1/contracts", beforeRequest: { req in req.bearer(legal) }) {
                res async throws in
                list = try res.content.decode(PageDTO<ContractsAPIController.ListItemDTO>.self)
            }
            #expect(list?.items.map(\.number) == [ready.number])
            #expect(try await Self.call(t, .GET, "/api/v1/contracts/\(kept.id)", token: legal).0 == .forbidden)
            #expect(try await Self.call(t, .GET, "/api/v1/customers", token: legal).1.contains("陈晓梅") == false)
            #expect(
                try await Self.call(t, .GET, "/api/v1/contracts/\(ready.id)", token: legal).1.contains("13812345678")
                    == false, "no contacts")
            // The specialist cannot answer for the 法务部.
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/contracts/\(ready.id)/review", token: lina,
                    ["decision": "approve", "version": .number(Double(ready.version))]
                ).0 == .forbidden)
            // 财务部 sees no contract at all.
            #expect(try await Self.call(t, .GET, "/api/v1/contracts/\(ready.id)", token: finance).0 == .forbidden)
            try await t.app.testing().test(.GET, "/api/v1/contracts", beforeRequest: { req in req.bearer(finance) }) {
                res async throws in
                #expect(try res.content.decode(PageDTO<ContractsAPIController.ListItemDTO>.self).items.isEmpty)
            }
        }
    }

    @Test(
        "files: forbidden types, content not matching the extension and empty files refused; downloads authorized and audited"
    )
    func files() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kefu-contract-files-\(UUID().uuidString)"
        ).path
        var configuration = KefuConfiguration.testing()
        configuration.dataDirectory = data
        defer { try? FileManager.default.removeItem(atPath: data) }
        try await withApp(configuration: configuration) { t in
            let lina = try await t.token(.specialist)
            let contract = try await Self.draft(t, token: lina)
            let item = contract.checklist[0]
            func upload(_ path: String, _ name: String, _ bytes: [UInt8], token: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await t.app.testing().test(
                    .POST, path,
                    beforeRequest: { req in
                        req.bearer(token)
                        try req.content.encode(
                            ContractsAPIController.Upload(file: File(data: ByteBuffer(bytes: bytes), filename: name)),
                            as: .formData)
                    }
                ) { res async throws in status = res.status }
                return status
            }
            let scanPath = "/api/v1/contracts/\(contract.id)/checklist/\(item.id)/files"
            let pdf = Array("%PDF-1.7\n营业执照扫描件".utf8)
            #expect(try await upload(scanPath, "营业执照.pdf", pdf, token: lina) == .created)
            #expect(try await upload(scanPath, "营业执照.exe", Array("MZ".utf8), token: lina) == .unprocessableEntity)
            #expect(try await upload(scanPath, "伪装.png", pdf, token: lina) == .unprocessableEntity)
            #expect(try await upload(scanPath, "空.pdf", [], token: lina) == .unprocessableEntity)
            #expect(
                try await upload(scanPath, "营业执照.pdf", pdf, token: try await staffToken(t, "zhangwei")) == .forbidden)
            #expect(
                try await upload("/api/v1/contracts/\(contract.id)/signed-files", "合同.pdf", pdf, token: lina)
                    == .unprocessableEntity,
                "no signed file before signing")
            let stored = try await Self.contract(t, contract.id, token: lina).checklist[0].files
            #expect(stored.map(\.fileName) == ["营业执照.pdf"])
            let file = try #require(stored.first)
            let row = try #require(try await AttachmentStore(database: t.app.db, dataDirectory: data).find(file.id))
            #expect(
                FileManager.default.fileExists(
                    atPath: data + "/files/attachments/contract_checklist_item/" + row.storedName))
            try await t.app.testing().test(
                .GET, "/api/v1/contracts/\(contract.id)/files/\(file.id)", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(Array(res.body.readableBytesView) == pdf)
            }
            for token in [try await staffToken(t, "zhangwei"), try await t.token(.liaison)] {
                try await t.app.testing().test(
                    .GET, "/api/v1/contracts/\(contract.id)/files/\(file.id)",
                    beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    #expect(res.status == .forbidden)
                }
            }
            #expect(try await t.auditEntries("attachment.downloaded").count == 1)
            #expect(try await t.auditEntries("attachment.added").count == 1)
        }
    }
}
