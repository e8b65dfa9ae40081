import KefuDomain
import Testing

@Suite("Procedure types (R3.4): 工商注册, 税务登记 and the ones the supervisor adds, with guidance per step")
struct ProcedureTemplateRulesTests {
    /// The shown texts of the coded steps, as the page shows them.
    private func shown(_ code: String) -> (name: String, guidance: String, documents: String) {
        switch code {
        case "name_check": ("企业名称自主申报", "准备 2–3 个备选名称。", "拟用名称、投资人身份证明")
        case "bank_account": ("开立对公账户", "法定代表人一般需本人到场。", "营业执照、公章")
        default: (code, "", "")
        }
    }

    @Test("a built-in step left as shown keeps its code; a step with changed guidance or a new step carries its texts")
    func codesKept() throws {
        let draft = ProcedureTemplateDraft(steps: [
            .init(code: "name_check", name: "企业名称自主申报", guidance: " 准备 2–3 个备选名称。 ", documents: "拟用名称、投资人身份证明"),
            .init(code: "bank_account", name: "开立对公账户", guidance: "预约园区合作银行，法定代表人本人到场。", documents: "营业执照、公章"),
            .init(name: "  社保开户 ", guidance: "在社保网上服务平台办理单位参保登记。", documents: nil),
            .init(name: " ", guidance: "", documents: " "),
        ])
        let template = try ProcedureTemplateEditing.validate(
            draft, code: "business_registration", isBuiltIn: true, shown: shown
        ).get()
        #expect(
            template.steps == [
                ProcedureStepTemplate(code: "name_check"),
                ProcedureStepTemplate(
                    code: "custom", name: "开立对公账户", guidance: "预约园区合作银行，法定代表人本人到场。", documents: "营业执照、公章"),
                ProcedureStepTemplate(code: "custom", name: "社保开户", guidance: "在社保网上服务平台办理单位参保登记。", documents: ""),
            ])
        #expect(template.name == nil, "a built-in type is named in the reader's language")
        #expect(template.isActive)
    }

    @Test("an added type has its own name and steps; retired, it says so")
    func addedType() throws {
        let draft = ProcedureTemplateDraft(
            name: " 节能审查 ",
            steps: [
                .init(name: "编制节能报告", guidance: "委托咨询机构编制。", documents: "可研报告"),
                .init(name: "取得节能审查意见", guidance: "向发改委提交。", documents: "节能报告"),
            ],
            isActive: false)
        let template = try ProcedureTemplateEditing.validate(
            draft, code: "proc_1a2b3c4d", isBuiltIn: false, shown: shown
        ).get()
        #expect(template.name == "节能审查")
        #expect(template.steps.map(\.name) == ["编制节能报告", "取得节能审查意见"])
        #expect(!template.isActive)
        #expect(!template.isBuiltIn)
    }

    @Test(
        "refused at the field: no step, a step without a name, duplicate names, texts too long, an added type without a name, too many steps"
    )
    func refusals() {
        func problems(_ draft: ProcedureTemplateDraft, isBuiltIn: Bool = true) -> [String: String] {
            switch ProcedureTemplateEditing.validate(
                draft, code: "tax_registration", isBuiltIn: isBuiltIn, shown: shown)
            {
            case .success: [:]
            case .failure(let errors): errors.messages
            }
        }
        #expect(
            problems(ProcedureTemplateDraft(steps: [.init(name: "  ")])) == ["steps": "validation.procedure.needs_step"]
        )
        #expect(
            problems(ProcedureTemplateDraft(steps: [.init(name: "税务信息确认"), .init(name: "", guidance: "只写了指引")]))
                == ["steps.2": "validation.procedure.step_name"])
        #expect(
            problems(ProcedureTemplateDraft(steps: [.init(name: "申领发票"), .init(name: "申领发票")])) == [
                "steps.2": "validation.procedure.step_duplicate"
            ])
        #expect(
            problems(
                ProcedureTemplateDraft(steps: [.init(name: "申领发票", guidance: String(repeating: "长", count: 1001))]))
                == ["steps.1": "validation.too_long"])
        #expect(
            problems(ProcedureTemplateDraft(name: " ", steps: [.init(name: "编制节能报告")]), isBuiltIn: false) == [
                "name": "validation.required"
            ])
        #expect(
            problems(ProcedureTemplateDraft(steps: (1...21).map { .init(name: "第\($0)步") })) == [
                "steps": "validation.procedure.too_many_steps"
            ])
        #expect(problems(ProcedureTemplateDraft(steps: (1...20).map { .init(name: "第\($0)步") })).isEmpty)
    }

    @Test("the types in use: built-ins first (an edited one replaces its default), then added ones")
    func merged() {
        let edited = ProcedureTypeTemplate(
            code: "tax_registration", steps: [ProcedureStepTemplate(code: "tax_information")], isActive: false)
        let added = ProcedureTypeTemplate(
            code: "proc_00000001", name: "节能审查", steps: [ProcedureStepTemplate(code: "custom", name: "编制节能报告")])
        let types = ProcedureTemplates.merged(stored: [added, edited])
        #expect(types.map(\.code) == ProcedureType.allCases.map(\.rawValue) + ["proc_00000001"])
        #expect(types.first { $0.code == "tax_registration" } == edited)
        #expect(
            types.first { $0.code == "business_registration" }?.steps.map(\.code)
                == ProcedureType.businessRegistration.steps)
    }
}
