import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Procedures are configurable (issue 12 §8): the supervisor adds the department's other procedures
/// and changes a type's steps, guidance and documents; a procedure keeps the steps it started with.
@Suite("Procedure types: the supervisor's own procedures, guidance per step (R3.4)")
struct ProcedureTemplateTests {
    typealias TemplateDTO = ProcedureTemplatesAPIController.TemplateDTO

    static let energyReview: [String: JSONValue] = [
        "name": "节能审查",
        "steps": [
            ["name": "编制节能报告", "guidance": "委托有资质的咨询机构编制节能报告，园区可推荐机构。", "documents": "可行性研究报告、用能设备清单"],
            ["name": "取得节能审查意见", "guidance": "向发展改革部门提交节能报告，一般20个工作日内出具意见。", "documents": "节能报告、申请函"],
        ],
    ]

    /// The procedure types' rows, their audit entries, and the procedures: what a refusal leaves as it was.
    static func state(_ t: TestApp) async throws -> [Int] {
        let sql = try t.app.db.sql()
        var counts: [Int] = []
        for query in [
            "SELECT CAST(COALESCE(SUM(version), 0) AS INTEGER) AS n FROM procedure_templates",
            "SELECT COUNT(*) AS n FROM procedure_templates",
            "SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'procedure_template.%'",
            "SELECT COUNT(*) AS n FROM procedures",
        ] {
            counts.append(
                try await sql.raw(SQLQueryString(stringLiteral: query)).first()?.decode(column: "n", as: Int.self) ?? -1
            )
        }
        return counts
    }

    @Test(
        "the supervisor adds a procedure type with guidance per step; procedures started keep their steps when it changes; retired, it cannot start",
        arguments: TestDatabase.available)
    func addedType(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            // A specialist may read the types but not add one; a step without a name is refused at its row.
            #expect(
                try await ContractTests.call(t, .POST, "/api/v1/procedure-templates", token: lina, Self.energyReview).0
                    == .forbidden)
            var bad = Self.energyReview
            bad["steps"] = [["name": "编制节能报告"], ["name": " ", "guidance": "只写了指引"]]
            var (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/procedure-templates", token: supervisor, bad)
            #expect(status == .unprocessableEntity)
            #expect(text.contains("steps.2"))
            #expect(try await Self.state(t) == [0, 0, 0, 0])

            (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/procedure-templates", token: supervisor, Self.energyReview)
            #expect(status == .created, "\(text)")
            let added = try AssessmentTests.decode(TemplateDTO.self, text)
            #expect(added.name == "节能审查" && !added.isBuiltIn && added.version == 1)
            #expect(added.steps.map(\.guidance) == ["委托有资质的咨询机构编制节能报告，园区可推荐机构。", "向发展改革部门提交节能报告，一般20个工作日内出具意见。"])
            #expect(try await t.auditEntries("procedure_template.created").count == 1)
            (status, text) = try await ContractTests.call(t, .GET, "/api/v1/procedure-templates", token: lina)
            #expect(try AssessmentTests.decode([TemplateDTO].self, text).map(\.name).suffix(1) == ["节能审查"])

            // 李娜 starts it for her customer: the steps carry the guidance and documents; the timeline names it.
            let customer = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州王氏贸易有限公司", "mobile": "13900001111"])
            let procedure = try await ProcedureTests.start(t, customerID: customer.id, token: lina, type: added.code)
            #expect(procedure.name == "节能审查")
            #expect(procedure.steps.map(\.name) == ["编制节能报告", "取得节能审查意见"])
            #expect(procedure.steps.first?.documents == "可行性研究报告、用能设备清单")
            let summary = try await t.app.db.sql().raw(
                """
                SELECT message_args FROM timeline_entries WHERE kind = 'procedure' AND customer_id = \(bind: customer.id)
                """
            ).first()?.decode(column: "message_args", as: String.self)
            #expect(summary == #"{"type":"节能审查"}"#, "the type's own name, as a value")

            // The supervisor changes the first step's guidance; a second save of the same version is a conflict.
            var changed = Self.energyReview
            changed["steps"] = [
                ["name": "编制节能报告", "guidance": "可使用园区统一采购的咨询服务。", "documents": "可行性研究报告"],
                ["name": "取得节能审查意见", "guidance": "向发展改革部门提交。", "documents": "节能报告"],
            ]
            changed["version"] = 1
            (status, text) = try await ContractTests.call(
                t, .PUT, "/api/v1/procedure-templates/\(added.code)", token: supervisor, changed)
            #expect(status == .ok, "\(text)")
            let before = try await Self.state(t)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/procedure-templates/\(added.code)", token: supervisor, changed
                ).0 == .conflict)
            #expect(try await Self.state(t) == before)
            // The procedure under way keeps its guidance; one started now has the new.
            let kept = try await ContractTests.call(t, .GET, "/api/v1/customers/\(customer.id)/procedures", token: lina)
                .1
            #expect(
                try AssessmentTests.decode([ProcedureDTO].self, kept).first?.steps.first?.guidance
                    == "委托有资质的咨询机构编制节能报告，园区可推荐机构。")
            let other = try await createCustomer(
                t, token: lina, ["name": "赵强", "companyName": "嘉兴赵氏包装有限公司", "mobile": "13900002222"])
            #expect(
                try await ProcedureTests.start(t, customerID: other.id, token: lina, type: added.code).steps.first?
                    .guidance == "可使用园区统一采购的咨询服务。")

            // Retired: no longer offered, and starting it is refused at the type, nothing changed.
            changed["isActive"] = false
            changed["version"] = 2
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/procedure-templates/\(added.code)", token: supervisor, changed
                ).0 == .ok)
            let third = try await createCustomer(
                t, token: lina, ["name": "钱敏", "companyName": "湖州钱氏丝绸有限公司", "mobile": "13900003333"])
            let procedures = try await Self.state(t)[3]
            (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/customers/\(third.id)/procedures", token: lina, ["type": .string(added.code)])
            #expect(status == .unprocessableEntity && text.contains("\"type\""))
            #expect(try await Self.state(t)[3] == procedures)
            let browser = try await t.signIn(.specialist)
            let page = try await ContractPageTests().page(t, "/customers/\(third.id)/procedures", browser).1
            #expect(page.contains("工商注册") && !page.contains("节能审查"))
        }
    }

    @Test(
        "a built-in type's step gets the department's own guidance; the steps left as shown stay in the reader's language"
    )
    func editedBuiltIn() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            var (status, text) = try await ContractTests.call(t, .GET, "/api/v1/procedure-templates", token: supervisor)
            let business = try #require(
                try AssessmentTests.decode([TemplateDTO].self, text).first { $0.code == "business_registration" })
            #expect(business.version == 0 && business.isBuiltIn)
            #expect(business.steps.first?.name == "企业名称自主申报")
            let steps: [JSONValue] = business.steps.map { step in
                .object([
                    "code": step.code.map(JSONValue.string) ?? .null, "name": .string(step.name),
                    "guidance": .string(step.code == "bank_account" ? "园区合作银行可上门开户，请提前三天预约。" : step.guidance),
                    "documents": .string(step.documents),
                ])
            }
            (status, text) = try await ContractTests.call(
                t, .PUT, "/api/v1/procedure-templates/business_registration", token: supervisor,
                ["steps": .array(steps), "version": 0])
            #expect(status == .ok, "\(text)")
            let saved = try AssessmentTests.decode(TemplateDTO.self, text)
            #expect(
                saved.steps.map(\.code) == [
                    "name_check", "establishment_application", "license_issued", "seal_engraving", nil,
                ])
            #expect(saved.steps.last?.guidance == "园区合作银行可上门开户，请提前三天预约。")
            #expect(saved.name == "工商注册" && saved.version == 1)
            let customer = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州王氏贸易有限公司", "mobile": "13900001111"])
            let procedure = try await ProcedureTests.start(t, customerID: customer.id, token: lina)
            #expect(procedure.steps.first?.guidance.contains("备选名称") == true)
            #expect(procedure.steps.last?.guidance == "园区合作银行可上门开户，请提前三天预约。")
        }
    }

    @Test(
        "the pages: the supervisor adds a type and writes its steps; a step without a name comes back at its row with what was typed; a specialist is refused"
    )
    func pages() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.supervisor), pages = ContractPageTests(), e = ContractPageTests.encode
            var (status, html) = try await pages.page(t, "/procedures/templates", browser)
            #expect(status == .ok && html.contains("工商注册") && html.contains("/procedures/templates/tax_registration"))
            #expect(try await pages.page(t, "/contracts", browser).1.contains("/procedures/templates"))
            (status, html) = try await pages.post(t, "/procedures/templates", browser, body: "name=")
            #expect(status == .unprocessableEntity && html.contains("id=\"name-error\""))
            (status, _) = try await pages.post(t, "/procedures/templates", browser, body: "name=\(e("安全生产许可"))")
            #expect(status == .seeOther)
            let code = try #require(
                try await ProcedureTemplateStore(database: t.app.db).all().first { $0.template.name == "安全生产许可" }?
                    .template.code)
            (status, html) = try await pages.page(t, "/procedures/templates/\(code)", browser)
            #expect(status == .ok && html.contains("value=\"安全生产许可\""))
            let rows =
                "stepCode[]=&stepName[]=\(e("提交申请材料"))&stepGuidance[]=\(e("向应急管理局提交申请。"))&stepDocuments[]=\(e("安全生产责任制文件"))"
                + "&stepCode[]=&stepName[]=&stepGuidance[]=\(e("现场核查前一周通知客户"))&stepDocuments[]="
            (status, html) = try await pages.post(
                t, "/procedures/templates/\(code)", browser, body: "version=1&isActive=1&name=\(e("安全生产许可"))&\(rows)")
            #expect(status == .unprocessableEntity)
            #expect(html.contains("id=\"step-error-2\"") && html.contains("请填写步骤名称。"))
            #expect(html.contains("现场核查前一周通知客户") && html.contains("value=\"提交申请材料\""))
            #expect(try await ProcedureTemplateStore(database: t.app.db).entry(code)?.version == 1)
            let fixed = rows.replacingOccurrences(of: "stepName[]=&", with: "stepName[]=\(e("现场核查"))&")
            (status, _) = try await pages.post(
                t, "/procedures/templates/\(code)", browser, body: "version=1&isActive=1&name=\(e("安全生产许可"))&\(fixed)")
            #expect(status == .seeOther)
            #expect(
                try await ProcedureTemplateStore(database: t.app.db).entry(code)?.template.steps.map(\.name) == [
                    "提交申请材料", "现场核查",
                ])
            let specialist = try await t.signIn(.specialist)
            #expect(try await pages.page(t, "/procedures/templates", specialist).0 == .forbidden)
        }
    }
}
