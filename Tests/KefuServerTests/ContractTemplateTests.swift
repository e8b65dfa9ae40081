import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The supervisor's contract templates and changing a contract's terms (issue 12 §1, §3, §4): new
/// contracts take the edited lines, contracts made before keep theirs; an added type is a type like
/// the others; terms change until the legal review passes. Every refusal changes nothing.
@Suite("Contract templates and terms changes (R3.4)")
struct ContractTemplateTests {
    typealias Call = ContractTests

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    struct Template: Decodable {
        struct Line: Decodable { var code: String?; var name: String; var isRequired: Bool }
        var code: String; var name: String; var isBuiltIn: Bool; var isActive: Bool; var documents: [Line];
        var clauses: [Line]; var version: Int
    }

    static func templates(_ t: TestApp, token: String) async throws -> [Template] {
        let (status, body) = try await Call.call(t, .GET, "/api/v1/contract-templates", token: token)
        #expect(status == .ok, "\(body)")
        return try JSONDecoder().decode([Template].self, from: Data(body.utf8))
    }

    /// The templates' rows and their audit entries: what a refused edit must leave as it was.
    static func templateState(_ t: TestApp) async throws -> [String] {
        let sql = try t.app.db.sql()
        let rows = try await sql.raw(
            "SELECT code, documents, clauses, is_active, version FROM contract_templates ORDER BY code"
        ).all()
        let audit = try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'contract_template.%'")
            .first()
        return try rows.map {
            "\(try $0.decode(column: "code", as: String.self)) \(try $0.decode(column: "documents", as: String.self)) "
                + "\(try $0.decode(column: "clauses", as: String.self)) \(try $0.decode(column: "is_active", as: Bool.self)) \(try $0.decode(column: "version", as: Int.self))"
        } + ["audit \(try audit?.decode(column: "n", as: Int.self) ?? -1)"]
    }

    @Test(
        "the supervisor edits a type's lines: new contracts take them, earlier ones keep theirs; a stale edit is a conflict",
        arguments: TestDatabase.available)
    func editTemplate(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let before = try await Call.draft(t, token: lina, name: "张伟", mobile: "13812345678")
            let agreement = try #require(
                try await Self.templates(t, token: lina).first { $0.code == "investment_agreement" })
            #expect(agreement.version == 0 && agreement.isBuiltIn && agreement.name == "投资协议")
            #expect(agreement.documents.first?.name == "营业执照" && agreement.documents.first?.code == "business_license")

            // Keep the license as it is, rename the ID, add an optional 环评批复; keep two clauses and add one.
            let edit: [String: JSONValue] = [
                "documents": [
                    ["code": "business_license", "name": "营业执照"],
                    ["code": "legal_representative_id", "name": "法定代表人及股东身份证明"],
                    ["name": "环评批复", "isRequired": false],
                ],
                "clauses": [
                    ["code": "subject", "name": "合同标的"], ["code": "breach", "name": "违约责任"], ["name": "知识产权归属"],
                ],
                "version": 0,
            ]
            var (status, body) = try await Call.call(
                t, .PUT, "/api/v1/contract-templates/investment_agreement", token: supervisor, edit)
            #expect(status == .ok, "\(body)")
            let saved = try JSONDecoder().decode(Template.self, from: Data(body.utf8))
            #expect(saved.version == 1)
            #expect(saved.documents.map(\.name) == ["营业执照", "法定代表人及股东身份证明", "环评批复"])
            #expect(
                saved.documents.map(\.code) == ["business_license", nil, nil], "a renamed line carries its own name")
            #expect(saved.documents.map(\.isRequired) == [true, true, false])

            // The same edit from the version read before: refused, nothing changed.
            let state = try await Self.templateState(t)
            (status, body) = try await Call.call(
                t, .PUT, "/api/v1/contract-templates/investment_agreement", token: supervisor, edit)
            #expect(status == .conflict, "\(body)")
            #expect(try await Self.templateState(t) == state)

            let after = try await Call.draft(t, token: lina, name: "王芳", mobile: "13900001111")
            #expect(after.checklist.map(\.name) == ["营业执照", "法定代表人及股东身份证明", "环评批复"])
            #expect(after.checklist.map(\.isRequired) == [true, true, false])
            #expect(after.clauses.map(\.title) == ["合同标的", "违约责任", "知识产权归属"])
            let earlier = try await Call.contract(t, before.id, token: lina)
            #expect(
                earlier.checklist.map(\.name) == before.checklist.map(\.name),
                "a contract keeps the lines it was created with")
            #expect(earlier.checklist.count == 6)
        }
    }

    @Test(
        "an added type is drafted like the built-in ones; retired, it is no longer offered",
        arguments: TestDatabase.available)
    func addedType(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            var (status, body) = try await Call.call(
                t, .POST, "/api/v1/contract-templates", token: supervisor,
                [
                    "name": "代建协议", "documents": [["name": "营业执照"], ["name": "建设用地规划许可证"]],
                    "clauses": [["name": "代建范围"], ["name": "工期与质量"]],
                ])
            #expect(status == .created, "\(body)")
            let added = try JSONDecoder().decode(Template.self, from: Data(body.utf8))
            #expect(added.name == "代建协议" && !added.isBuiltIn && added.version == 1)

            let customer = try await createCustomer(
                t, token: lina, ["name": "刘洋", "companyName": "刘氏建设有限公司", "mobile": "13700002222"])
            (status, body) = try await Call.call(
                t, .POST, "/api/v1/contracts", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "type": .string(added.code), "title": "研发楼代建协议",
                    "amountWan": "2,400",
                ])
            #expect(status == .created, "\(body)")
            let contract = try Self.decoder.decode(ContractDTO.self, from: Data(body.utf8))
            #expect(contract.type == added.code)
            #expect(contract.checklist.map(\.name) == ["营业执照", "建设用地规划许可证"])
            let browser = try await t.signIn(.specialist)
            var html = ""
            try await t.app.testing().test(.GET, "/contracts", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in html = res.body.string
            }
            #expect(html.contains("代建协议"), "the list names the type")

            (status, body) = try await Call.call(
                t, .PUT, "/api/v1/contract-templates/\(added.code)", token: supervisor,
                [
                    "name": "代建协议", "documents": [["name": "营业执照"]], "clauses": [["name": "代建范围"]], "isActive": false,
                    "version": 1,
                ])
            #expect(status == .ok, "\(body)")
            let count = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM contracts").first()?.decode(
                column: "n", as: Int.self)
            (status, body) = try await Call.call(
                t, .POST, "/api/v1/contracts", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "type": .string(added.code), "title": "二期代建协议",
                    "amountWan": "800",
                ])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ContractTests.ErrorBody.self, from: Data(body.utf8)).error.fields["type"]
                    != nil)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM contracts").first()?.decode(
                    column: "n", as: Int.self) == count)
        }
    }

    @Test("refused: a specialist editing, no clause, an added type without a name, no version — nothing changed")
    func refusals() async throws {
        try await withApp { (t: TestApp) in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let state = try await Self.templateState(t)
            let edit: [String: JSONValue] = [
                "documents": [["name": "营业执照"]], "clauses": [["name": "合同标的"]], "version": 0,
            ]
            #expect(try await Call.call(t, .PUT, "/api/v1/contract-templates/lease", token: lina, edit).0 == .forbidden)
            var (status, body) = try await Call.call(
                t, .PUT, "/api/v1/contract-templates/lease", token: supervisor,
                ["documents": [["name": "营业执照"]], "clauses": [["name": " "]], "version": 0])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ContractTests.ErrorBody.self, from: Data(body.utf8)).error.fields["clauses"]
                    == "至少保留一条需向客户解释的条款。")
            (status, body) = try await Call.call(
                t, .POST, "/api/v1/contract-templates", token: supervisor, ["clauses": [["name": "标的"]]])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ContractTests.ErrorBody.self, from: Data(body.utf8)).error.fields["name"]
                    != nil)
            (status, _) = try await Call.call(
                t, .PUT, "/api/v1/contract-templates/lease", token: supervisor, ["clauses": [["name": "标的"]]])
            #expect(status == .unprocessableEntity, "no version")
            #expect(
                try await Call.call(t, .PUT, "/api/v1/contract-templates/loan", token: supervisor, edit).0 == .notFound)
            #expect(try await Self.templateState(t) == state)
            // The pages are the supervisor's.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/contracts/templates", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
        }
    }

    @Test(
        "the template pages: the supervisor edits a list in a form; a problem comes back at its list with what was typed"
    )
    func templatePages() async throws {
        try await withApp { (t: TestApp) in
            let browser = try await t.signIn(.supervisor)
            let pages = ContractPageTests()
            var (status, html) = try await pages.page(t, "/contracts/templates", browser)
            #expect(status == .ok)
            #expect(html.contains("租赁合同") && html.contains("/contracts/templates/lease"))
            (status, html) = try await pages.page(t, "/contracts/templates/lease", browser)
            #expect(status == .ok && html.contains("value=\"营业执照\""))
            let e = ContractPageTests.encode
            let rows =
                "documentCode[]=business_license&documentName[]=\(e("营业执照"))&documentRequired[]=1"
                + "&documentCode[]=&documentName[]=\(e("消防验收意见书"))&documentRequired[]=0&documentCode[]=&documentName[]=&documentRequired[]=1"
            (status, html) = try await pages.post(
                t, "/contracts/templates/lease", browser,
                body: "version=0&isActive=1&\(rows)&clauseCode[]=&clauseName[]=")
            #expect(status == .unprocessableEntity)
            #expect(html.contains("至少保留一条需向客户解释的条款。") && html.contains("value=\"消防验收意见书\""))
            #expect(try await Self.templateState(t) == ["audit 0"])
            (status, _) = try await pages.post(
                t, "/contracts/templates/lease", browser,
                body: "version=0&isActive=1&\(rows)&clauseCode[]=subject&clauseName[]=\(e("合同标的"))")
            #expect(status == .seeOther)
            let lease = try #require(try await ContractTemplateStore(database: t.app.db).entry("lease"))
            #expect(
                lease.template.documents == [
                    TemplateLine(code: "business_license"),
                    TemplateLine(code: "custom", name: "消防验收意见书", isRequired: false),
                ])
            #expect(lease.template.clauses == [TemplateLine(code: "subject")])
            (status, _) = try await pages.post(t, "/contracts/templates", browser, body: "name=\(e("合作框架协议"))")
            #expect(status == .seeOther)
            #expect(try await pages.page(t, "/contracts/new?customer=0", browser).0 == .notFound)
        }
    }

    /// The contract's terms and what a refused change must leave as it was.
    static func terms(_ t: TestApp, _ id: Int) async throws -> [String] {
        let sql = try t.app.db.sql()
        let row = try #require(
            try await sql.raw(
                """
                SELECT title, amount_yuan, payment_plan, parties, terms_confirmed_at IS NULL AS unconfirmed, version, customer_id FROM contracts WHERE id = \(bind: id)
                """
            ).first())
        let customer = try row.decode(column: "customer_id", as: Int.self)
        let timeline = try await sql.raw(
            "SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: customer)"
        ).first()
        let audit = try await sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'contract.%'").first()
        return [
            try row.decode(column: "title", as: String.self),
            String(try row.decode(column: "amount_yuan", as: Int64.self)),
            try row.decode(column: "payment_plan", as: String.self), try row.decode(column: "parties", as: String.self),
            String(try row.decode(column: "unconfirmed", as: Bool.self)),
            String(try row.decode(column: "version", as: Int.self)),
            String(try timeline?.decode(column: "n", as: Int.self) ?? -1),
            String(try audit?.decode(column: "n", as: Int.self) ?? -1),
        ]
    }

    @Test(
        "terms change until the legal review passes; confirmed terms must be confirmed again; refusals change nothing",
        arguments: TestDatabase.available)
    func changeTerms(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.token(.specialist), legal = try await t.token(.liaison)
            var contract = try await Call.draft(t, token: lina)
            let plan: JSONValue = [
                ["label": "首期投资款", "amountWan": "400"], ["label": "二期投资款", "amountWan": "800", "dueOn": "2027-06-30"],
            ]
            var (status, body) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "苏州工业园新材料项目投资协议", "amountWan": "1,200", "paymentPlan": plan,
                    "parties": .string(contract.parties),
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .ok, "\(body)")
            var changed = try Self.decoder.decode(ContractDTO.self, from: Data(body.utf8))
            #expect(changed.amountWan == "1,200" && changed.version == contract.version + 1)
            let audit = try await t.app.db.sql().raw(
                "SELECT fields FROM audit_entries WHERE action = 'contract.terms_changed'"
            ).all()
            #expect(try audit.map { try $0.decode(column: "fields", as: String.self) } == ["amount,paymentPlan"])

            // Refused: a plan that does not add up, a stale version, a colleague; nothing changed.
            var before = try await Self.terms(t, contract.id)
            (status, body) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "x", "amountWan": "1,000", "paymentPlan": plan,
                    "version": .number(Double(changed.version)),
                ])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ContractTests.ErrorBody.self, from: Data(body.utf8)).error.fields[
                    "paymentPlan"] == "付款计划各期合计须等于合同金额。")
            (status, _) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "新标题", "amountWan": "1,200", "paymentPlan": plan,
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .conflict)
            let zhangwei = try await staffToken(t, "zhangwei")
            (status, _) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: zhangwei,
                [
                    "title": "新标题", "amountWan": "1,200", "paymentPlan": plan,
                    "version": .number(Double(changed.version)),
                ])
            #expect(status == .forbidden)
            #expect(try await Self.terms(t, contract.id) == before)

            // Confirmed terms, then changed: the confirmation is cleared and forwarding waits for a new one.
            contract = try await Call.explainAll(t, contract.id, token: lina)
            #expect(contract.state == "terms_explained")
            (status, body) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "苏州工业园新材料项目投资协议（修订）", "amountWan": "1,200", "paymentPlan": plan,
                    "version": .number(Double(contract.version)),
                ])
            #expect(status == .ok, "\(body)")
            changed = try Self.decoder.decode(ContractDTO.self, from: Data(body.utf8))
            #expect(changed.termsConfirmedAt == nil)
            #expect(
                try await Call.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/forwarding", token: lina,
                    ["version": .number(Double(changed.version))]
                ).0 == .unprocessableEntity)
            #expect(
                try await Call.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/terms-confirmation", token: lina,
                    ["note": "客户确认修订后的条款", "version": .number(Double(changed.version))]
                ).0 == .ok)
            changed = try await Call.contract(t, contract.id, token: lina)
            #expect(
                try await Call.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/forwarding", token: lina,
                    ["version": .number(Double(changed.version))]
                ).0 == .ok)
            // Pending review, then passed: the terms are locked.
            changed = try await Call.contract(t, contract.id, token: lina)
            before = try await Self.terms(t, contract.id)
            (status, body) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "再改", "amountWan": "1,200", "paymentPlan": plan,
                    "version": .number(Double(changed.version)),
                ])
            #expect(status == .unprocessableEntity, "\(body)")
            #expect(try await Self.terms(t, contract.id) == before)
            #expect(
                try await Call.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/review", token: legal,
                    ["decision": "approve", "version": .number(Double(changed.version))]
                ).0 == .ok)
            changed = try await Call.contract(t, contract.id, token: lina)
            before = try await Self.terms(t, contract.id)
            (status, body) = try await Call.call(
                t, .PATCH, "/api/v1/contracts/\(contract.id)", token: lina,
                [
                    "title": "再改", "amountWan": "1,200", "paymentPlan": plan,
                    "version": .number(Double(changed.version)),
                ])
            #expect(status == .unprocessableEntity)
            #expect(
                try JSONDecoder().decode(ContractTests.ErrorBody.self, from: Data(body.utf8)).error.fields["terms"]
                    == "法务审核通过后条款不能再修改。")
            #expect(try await Self.terms(t, contract.id) == before)
        }
    }

    @Test("anonymizing a customer deletes the scans and signed files of their contracts, rows and files, and audits it")
    func anonymizationRemovesFiles() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kefu-anonymize-files-\(UUID().uuidString)"
        ).path
        var configuration = KefuConfiguration.testing()
        configuration.dataDirectory = data
        defer { try? FileManager.default.removeItem(atPath: data) }
        try await withApp(configuration: configuration) { (t: TestApp) in
            let lina = try await t.token(.specialist), supervisor = try await t.token(.supervisor)
            let contract = try await Call.draft(t, token: lina)
            let other = try await Call.draft(t, token: lina, name: "王芳", mobile: "13900001111")
            for (target, name) in [(contract, "法定代表人身份证.jpg"), (other, "王芳身份证.jpg")] {
                try await t.app.testing().test(
                    .POST, "/api/v1/contracts/\(target.id)/checklist/\(target.checklist[1].id)/files",
                    beforeRequest: { req in
                        req.bearer(lina)
                        let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("身份证扫描件".utf8)
                        try req.content.encode(
                            ContractsAPIController.Upload(file: File(data: ByteBuffer(bytes: jpeg), filename: name)),
                            as: .formData)
                    }
                ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
            }
            let store = AttachmentStore(database: t.app.db, dataDirectory: data)
            let scans = try await store.list(
                ChecklistItemKind.self, recordIDs: [contract.checklist[1].id, other.checklist[1].id])
            #expect(scans.count == 2)
            let paths = scans.map(store.path(of:))
            #expect(paths.allSatisfy { FileManager.default.fileExists(atPath: $0) })

            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(contract.customerID)/anonymize",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(["reason": "客户 2026-12-01 书面申请删除个人信息"])
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            let left = try await store.list(
                ChecklistItemKind.self, recordIDs: [contract.checklist[1].id, other.checklist[1].id])
            #expect(left.map(\.fileName) == ["王芳身份证.jpg"], "only the anonymized customer's files go")
            #expect(!FileManager.default.fileExists(atPath: paths[0]))
            #expect(FileManager.default.fileExists(atPath: paths[1]))
            #expect(try await t.auditEntries("attachment.removed").count == 1)
        }
    }

    @Test(
        "page forms: a refused terms change, an empty reminder note and a stale fulfilment come back on the contract's page, not an error page"
    )
    func pageRefusals() async throws {
        try await withApp { (t: TestApp) in
            let lina = try await t.token(.specialist)
            let contract = try await Call.draft(t, token: lina)
            let obligation = try await ObligationTests.addObligation(
                t, contractID: contract.id, token: lina, title: "报送季度投资进度")
            let browser = try await t.signIn(.specialist), pages = ContractPageTests(), e = ContractPageTests.encode
            let before = try await Self.terms(t, contract.id)
            var (status, html) = try await pages.post(
                t, "/contracts/\(contract.id)/terms", browser,
                body:
                    "version=\(contract.version)&title=\(e("修订后的投资协议"))&amountWan=1200&planLabel[]=\(e("首期"))&planAmount[]=300&planDue[]="
            )
            #expect(status == .unprocessableEntity)
            #expect(html.contains("付款计划各期合计须等于合同金额。") && html.contains("id=\"terms-plan-error\""))
            #expect(html.contains("value=\"修订后的投资协议\"") && html.contains("value=\"1200\""), "what was typed stays")
            #expect(html.contains("<details id=\"terms-edit\"open"), "the form is open at its message")
            #expect(try await Self.terms(t, contract.id) == before)
            (status, html) = try await pages.post(
                t, "/contracts/\(contract.id)/terms", browser,
                body:
                    "version=\(contract.version)&title=\(e("修订后的投资协议"))&amountWan=1200&planLabel[]=\(e("首期"))&planAmount[]=1200&planDue[]="
            )
            #expect(status == .seeOther)
            #expect(try await Call.contract(t, contract.id, token: lina).amountWan == "1,200")

            (status, html) = try await pages.post(
                t, "/obligations/\(obligation.id)/notices", browser, body: "channel=phone&content=")
            #expect(status == .unprocessableEntity)
            #expect(html.contains("id=\"notice-error-\(obligation.id)\""))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM obligation_notices").first()?.decode(
                    column: "n", as: Int.self) == 0)

            (status, _) = try await pages.post(
                t, "/obligations/\(obligation.id)/fulfilment", browser, body: "version=\(obligation.version + 5)")
            #expect(status == .seeOther, "a stale button answers with the page as it stands and a message")
            let done = try await t.app.db.sql().raw(
                "SELECT done_at FROM contract_obligations WHERE id = \(bind: obligation.id)"
            ).first()?
            .decode(column: "done_at", as: Date?.self)
            #expect(done == nil)
        }
    }

    @Test(
        "an entry stored before messages with a contract's states as terms reads in the reader's language")
    func timelineInTheReadersLanguage() throws {
        let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
        let stored =
            "HT-2026-000001 · \(StoredText.term("contract.state.draft")) → \(StoredText.term("contract.state.documents_complete")) · 客户改投"
        let english = DisplayWords(localizer: localizer, language: .en).message(
            StoredMessage.legacyTimeline, [:], text: stored)
        let chinese = DisplayWords(localizer: localizer, language: .zhHans).message(
            StoredMessage.legacyTimeline, [:], text: stored)
        #expect(
            english
                == "HT-2026-000001 · \(localizer.text("contract.state.draft", .en)) → \(localizer.text("contract.state.documents_complete", .en)) · 客户改投"
        )
        #expect(
            chinese.contains("资料齐全") || chinese.contains(localizer.text("contract.state.documents_complete", .zhHans)))
        #expect(!english.contains(StoredText.open) && !chinese.contains(StoredText.open))
        #expect(
            DisplayWords(localizer: localizer, language: .en).expandingTerms("⟦no.such.key⟧ · x") == "no.such.key · x",
            "an unknown term shows its key, never the markers")
    }
}
