/// One line of a template: a document to collect or a clause to explain. `code` names it for the
/// localized label (`contract.document.<code>`, `contract.clause.<code>`); a line the supervisor adds
/// has its own `name` instead.
public struct TemplateLine: Equatable, Sendable, Codable {
    public var code: String
    public var name: String?
    public var isRequired: Bool

    public init(code: String, name: String? = nil, isRequired: Bool = true) {
        self.code = code
        self.name = name
        self.isRequired = isRequired
    }
}

/// R3.4: the documents and clauses a contract of each type starts with. These are the defaults a new
/// installation starts from; the supervisor edits the templates in use (stored), and a contract
/// keeps the lines it was created with.
public enum ContractTemplates {
    public static func documents(for type: ContractType) -> [TemplateLine] {
        let common = [TemplateLine(code: "business_license"), TemplateLine(code: "legal_representative_id")]
        switch type {
        case .investmentAgreement:
            return common + [
                TemplateLine(code: "financial_statements"), TemplateLine(code: "project_plan"),
                TemplateLine(code: "authorization_letter"), TemplateLine(code: "credit_report", isRequired: false),
            ]
        case .lease:
            return common + [
                TemplateLine(code: "site_plan"), TemplateLine(code: "authorization_letter"),
                TemplateLine(code: "fire_safety_commitment", isRequired: false),
            ]
        case .franchise:
            return common + [
                TemplateLine(code: "financial_statements"), TemplateLine(code: "site_plan"),
                TemplateLine(code: "franchise_application"),
            ]
        case .other:
            return common
        }
    }

    public static func clauses(for type: ContractType) -> [TemplateLine] {
        let head = [TemplateLine(code: "subject"), TemplateLine(code: "price_payment")]
        let tail = [
            TemplateLine(code: "breach"), TemplateLine(code: "termination"), TemplateLine(code: "confidentiality"),
            TemplateLine(code: "dispute"),
        ]
        switch type {
        case .investmentAgreement:
            return head + [
                TemplateLine(code: "investment_commitment"), TemplateLine(code: "tax_output"),
                TemplateLine(code: "preferential_policy"), TemplateLine(code: "land_use"),
            ] + tail
        case .lease:
            return head + [
                TemplateLine(code: "lease_term"), TemplateLine(code: "deposit"), TemplateLine(code: "site_handover"),
                TemplateLine(code: "renovation"),
            ] + tail
        case .franchise:
            return head + [
                TemplateLine(code: "franchise_fee"), TemplateLine(code: "brand_use"), TemplateLine(code: "territory"),
                TemplateLine(code: "training_support"),
            ] + tail
        case .other:
            return head + tail
        }
    }
}

/// A new contract as the form or client gives it.
public struct ContractDraft: Equatable, Sendable, Codable {
    public var type: String
    public var title: String
    public var amountWan: String
    public var paymentPlan: [InstallmentDraft]
    public var parties: String

    public init(
        type: String, title: String, amountWan: String, paymentPlan: [InstallmentDraft] = [], parties: String = ""
    ) {
        self.type = type
        self.title = title
        self.amountWan = amountWan
        self.paymentPlan = paymentPlan
        self.parties = parties
    }
}

public struct ContractValues: Equatable, Sendable {
    /// The type's code: a built-in ``ContractType`` or a type the supervisor added.
    public var type: String
    public var title: String
    public var amount: Yuan
    public var paymentPlan: [Installment]
    public var parties: String
}

public enum ContractValidation {
    /// Checks a new contract (or its edited terms): type from the list, a title, the amount and a
    /// payment plan that adds up (``PaymentPlan``), the parties (≤ 500).
    /// `types` are the codes a new contract may take (the active templates); the built-in types by default.
    public static func validate(
        _ draft: ContractDraft,
        types: Set<String> = Set(ContractType.allCases.map(\.rawValue))
    ) -> Result<ContractValues, FieldErrors> {
        var errors = FieldErrors()
        let type = types.contains(draft.type) ? draft.type : nil
        if type == nil { errors.add("type", "validation.choose_from_list") }
        let title = draft.title.trimmed, parties = draft.parties.trimmed
        if title.isEmpty {
            errors.add("title", "validation.required")
        } else if title.count > 200 {
            errors.add("title", "validation.too_long")
        }
        if parties.count > 500 { errors.add("parties", "validation.too_long") }
        var plan: (Yuan, [Installment])?
        switch PaymentPlan.validate(amountWan: draft.amountWan, installments: draft.paymentPlan) {
        case .success(let value): plan = value
        case .failure(let problems): errors.merge(problems)
        }
        guard errors.isEmpty, let type, let plan else { return .failure(errors) }
        return .success(ContractValues(type: type, title: title, amount: plan.0, paymentPlan: plan.1, parties: parties))
    }
}

/// A kind of contract as the department configures it: the built-in types carry a `code` whose label
/// is localized (`contract.type.<code>`); a type the supervisor adds carries its own `name`.
/// `documents` and `clauses` are the lines a new contract of the type starts with.
public struct ContractTypeTemplate: Equatable, Sendable, Codable {
    public var code: String
    public var name: String?
    public var documents: [TemplateLine]
    public var clauses: [TemplateLine]
    public var isActive: Bool

    public init(
        code: String, name: String? = nil, documents: [TemplateLine], clauses: [TemplateLine], isActive: Bool = true
    ) {
        self.code = code
        self.name = name
        self.documents = documents
        self.clauses = clauses
        self.isActive = isActive
    }

    public var isBuiltIn: Bool { ContractType(rawValue: code) != nil }
}

extension ContractTemplates {
    /// The templates a new installation starts with, one per built-in type.
    public static var builtIn: [ContractTypeTemplate] {
        ContractType.allCases.map {
            ContractTypeTemplate(code: $0.rawValue, documents: documents(for: $0), clauses: clauses(for: $0))
        }
    }

    /// The templates in use: the stored ones replace the built-in of the same code; added types follow.
    public static func merged(stored: [ContractTypeTemplate]) -> [ContractTypeTemplate] {
        let byCode = Dictionary(stored.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let builtIn = builtIn.map { byCode[$0.code] ?? $0 }
        return builtIn + stored.filter { !$0.isBuiltIn }.sorted { $0.code < $1.code }
    }
}

/// One line of a template as the supervisor's form or the API sends it. A line keeps its `code`
/// while its name is left as shown, so its label stays localized.
public struct TemplateLineDraft: Equatable, Sendable, Codable {
    public var code: String?
    public var name: String?
    public var isRequired: Bool?

    public init(code: String? = nil, name: String? = nil, isRequired: Bool? = nil) {
        self.code = code
        self.name = name
        self.isRequired = isRequired
    }
}

/// The supervisor's edit of a type's template, checked before it is stored.
public struct ContractTemplateDraft: Equatable, Sendable, Codable {
    public var name: String?
    public var documents: [TemplateLineDraft]
    public var clauses: [TemplateLineDraft]
    public var isActive: Bool?

    public init(
        name: String? = nil, documents: [TemplateLineDraft], clauses: [TemplateLineDraft], isActive: Bool? = nil
    ) {
        self.name = name
        self.documents = documents
        self.clauses = clauses
        self.isActive = isActive
    }
}

public enum ContractTemplateEditing {
    public static let maxLines = 40, maxNameLength = 100, maxTypeNameLength = 50

    /// Checks an edited template. `label` gives a coded line's shown name, so that a line whose
    /// name was left as shown keeps its code; blank rows are dropped; names are unique within a
    /// list; a type needs at least one clause to explain; an added type needs its own name.
    public static func validate(
        _ draft: ContractTemplateDraft, code: String, isBuiltIn: Bool,
        label: (_ code: String, _ isClause: Bool) -> String
    ) -> Result<ContractTypeTemplate, FieldErrors> {
        var errors = FieldErrors()
        let name = (draft.name ?? "").trimmed
        if !isBuiltIn {
            if name.isEmpty {
                errors.add("name", "validation.required")
            } else if name.count > maxTypeNameLength {
                errors.add("name", "validation.too_long")
            }
        }
        let documents = lines(draft.documents, field: "documents", isClause: false, label: label, errors: &errors)
        let clauses = lines(draft.clauses, field: "clauses", isClause: true, label: label, errors: &errors)
        if clauses.isEmpty && errors.messages["clauses"] == nil {
            errors.add("clauses", "validation.contract.template_needs_clause")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(
            ContractTypeTemplate(
                code: code, name: isBuiltIn ? nil : name, documents: documents, clauses: clauses,
                isActive: draft.isActive ?? true))
    }

    private static func lines(
        _ drafts: [TemplateLineDraft], field: String, isClause: Bool,
        label: (String, Bool) -> String, errors: inout FieldErrors
    ) -> [TemplateLine] {
        var result: [TemplateLine] = [], seen = Set<String>()
        for draft in drafts {
            let name = (draft.name ?? "").trimmed
            if name.isEmpty { continue }
            if name.count > maxNameLength { errors.add(field, "validation.too_long"); continue }
            if !seen.insert(name).inserted { errors.add(field, "validation.contract.template_duplicate"); continue }
            let code = (draft.code ?? "").trimmed
            let keepsCode = !code.isEmpty && label(code, isClause) == name
            result.append(
                TemplateLine(
                    code: keepsCode ? code : "custom", name: keepsCode ? nil : name,
                    isRequired: isClause || (draft.isRequired ?? false)))
        }
        if result.count > maxLines { errors.add(field, "validation.contract.template_too_many") }
        return result
    }
}
