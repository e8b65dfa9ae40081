import KefuDomain
import Testing

@Suite("Contract templates (R3.4): the supervisor's types, documents and clauses")
struct ContractTemplateRulesTests {
    /// Shown names of the coded lines, as the page shows them.
    private func label(_ code: String, _ isClause: Bool) -> String {
        ["business_license": "营业执照", "subject": "合同标的", "breach": "违约责任"][code] ?? code
    }

    @Test("a coded line left as shown keeps its code; a renamed or new line carries its name")
    func codesKept() throws {
        let draft = ContractTemplateDraft(
            documents: [
                .init(code: "business_license", name: "营业执照", isRequired: true),
                .init(code: "business_license", name: "营业执照副本", isRequired: false),
                .init(name: "  环评批复  ", isRequired: true), .init(name: "   "),
            ],
            clauses: [.init(code: "subject", name: "合同标的"), .init(name: "知识产权")])
        let template = try ContractTemplateEditing.validate(draft, code: "lease", isBuiltIn: true, label: label).get()
        #expect(
            template.documents == [
                TemplateLine(code: "business_license"), TemplateLine(code: "custom", name: "营业执照副本", isRequired: false),
                TemplateLine(code: "custom", name: "环评批复"),
            ])
        #expect(
            template.clauses == [TemplateLine(code: "subject"), TemplateLine(code: "custom", name: "知识产权")],
            "every clause must be explained")
        #expect(template.name == nil, "a built-in type is labelled in the reader's language")
    }

    @Test("refused: no clause, duplicate names, a name too long, an added type without a name, too many lines")
    func refusals() {
        let noClause = ContractTemplateEditing.validate(
            ContractTemplateDraft(documents: [.init(name: "营业执照")], clauses: [.init(name: " ")]),
            code: "lease", isBuiltIn: true, label: label)
        #expect(noClause.failure?.messages == ["clauses": "validation.contract.template_needs_clause"])
        let duplicate = ContractTemplateEditing.validate(
            ContractTemplateDraft(
                name: "", documents: [.init(name: "营业执照"), .init(name: "营业执照")],
                clauses: [.init(name: String(repeating: "条", count: 101))]),
            code: "type_1", isBuiltIn: false, label: label)
        #expect(
            duplicate.failure?.messages == [
                "name": "validation.required", "documents": "validation.contract.template_duplicate",
                "clauses": "validation.too_long",
            ])
        let many = ContractTemplateEditing.validate(
            ContractTemplateDraft(
                name: "合作协议", documents: (1...41).map { .init(name: "文件\($0)") }, clauses: [.init(name: "标的")]),
            code: "type_1", isBuiltIn: false, label: label)
        #expect(many.failure?.messages == ["documents": "validation.contract.template_too_many"])
    }

    @Test("stored templates replace the built-in of their code; added types follow in order")
    func merged() {
        let lease = ContractTypeTemplate(
            code: "lease", documents: [], clauses: [TemplateLine(code: "subject")], isActive: false)
        let added = ContractTypeTemplate(
            code: "type_b", name: "代建协议", documents: [], clauses: [TemplateLine(code: "subject")])
        let earlier = ContractTypeTemplate(
            code: "type_a", name: "合作框架协议", documents: [], clauses: [TemplateLine(code: "subject")])
        let merged = ContractTemplates.merged(stored: [added, lease, earlier])
        #expect(merged.map(\.code) == ["investment_agreement", "lease", "franchise", "other", "type_a", "type_b"])
        #expect(merged[1] == lease)
        #expect(merged[0] == ContractTemplates.builtIn[0])
    }

    @Test("a new contract's type must be one of the types in use")
    func typesInUse() {
        let draft = ContractDraft(type: "type_a", title: "合作框架协议", amountWan: "100")
        #expect(ContractValidation.validate(draft).failure?.messages["type"] == "validation.choose_from_list")
        #expect((try? ContractValidation.validate(draft, types: ["type_a"]).get())?.type == "type_a")
    }
}

extension Result {
    fileprivate var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
}
