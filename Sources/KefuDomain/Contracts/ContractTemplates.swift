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
            return common + [TemplateLine(code: "financial_statements"), TemplateLine(code: "project_plan"),
                             TemplateLine(code: "authorization_letter"), TemplateLine(code: "credit_report", isRequired: false)]
        case .lease:
            return common + [TemplateLine(code: "site_plan"), TemplateLine(code: "authorization_letter"),
                             TemplateLine(code: "fire_safety_commitment", isRequired: false)]
        case .franchise:
            return common + [TemplateLine(code: "financial_statements"), TemplateLine(code: "site_plan"),
                             TemplateLine(code: "franchise_application")]
        case .other:
            return common
        }
    }

    public static func clauses(for type: ContractType) -> [TemplateLine] {
        let head = [TemplateLine(code: "subject"), TemplateLine(code: "price_payment")]
        let tail = [TemplateLine(code: "breach"), TemplateLine(code: "termination"), TemplateLine(code: "confidentiality"),
                    TemplateLine(code: "dispute")]
        switch type {
        case .investmentAgreement:
            return head + [TemplateLine(code: "investment_commitment"), TemplateLine(code: "tax_output"),
                           TemplateLine(code: "preferential_policy"), TemplateLine(code: "land_use")] + tail
        case .lease:
            return head + [TemplateLine(code: "lease_term"), TemplateLine(code: "deposit"), TemplateLine(code: "site_handover"),
                           TemplateLine(code: "renovation")] + tail
        case .franchise:
            return head + [TemplateLine(code: "franchise_fee"), TemplateLine(code: "brand_use"), TemplateLine(code: "territory"),
                           TemplateLine(code: "training_support")] + tail
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

    public init(type: String, title: String, amountWan: String, paymentPlan: [InstallmentDraft] = [], parties: String = "") {
        self.type = type
        self.title = title
        self.amountWan = amountWan
        self.paymentPlan = paymentPlan
        self.parties = parties
    }
}

public struct ContractValues: Equatable, Sendable {
    public var type: ContractType
    public var title: String
    public var amount: Yuan
    public var paymentPlan: [Installment]
    public var parties: String
}

public enum ContractValidation {
    /// Checks a new contract (or its edited terms): type from the list, a title, the amount and a
    /// payment plan that adds up (``PaymentPlan``), the parties (≤ 500).
    public static func validate(_ draft: ContractDraft) -> Result<ContractValues, FieldErrors> {
        var errors = FieldErrors()
        let type = ContractType(rawValue: draft.type)
        if type == nil { errors.add("type", "validation.choose_from_list") }
        let title = draft.title.trimmed, parties = draft.parties.trimmed
        if title.isEmpty { errors.add("title", "validation.required") } else if title.count > 200 { errors.add("title", "validation.too_long") }
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
