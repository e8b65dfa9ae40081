/// R3.4: the procedures a new partner goes through after signing, each a list of steps with the
/// guidance the customer is given and the documents each step needs.
public enum ProcedureType: String, CaseIterable, Codable, Sendable {
    /// 工商注册
    case businessRegistration = "business_registration"
    /// 税务登记
    case taxRegistration = "tax_registration"
    /// 环评
    case environmentalAssessment = "environmental_assessment"
    /// 消防
    case fireSafety = "fire_safety"
    /// 施工许可
    case constructionPermit = "construction_permit"

    /// The steps, in order, by code: the step's name, the guidance for the customer and the documents
    /// it needs are texts (`procedure.step.<code>`, `procedure.guidance.<code>`, `procedure.documents.<code>`).
    public var steps: [String] {
        switch self {
        case .businessRegistration:
            ["name_check", "establishment_application", "license_issued", "seal_engraving", "bank_account"]
        case .taxRegistration: ["tax_information", "invoice_application", "tax_filing_setup"]
        case .environmentalAssessment: ["eia_report", "eia_approval"]
        case .fireSafety: ["fire_design_review", "fire_acceptance"]
        case .constructionPermit: ["planning_permit", "construction_drawing_review", "construction_permit"]
        }
    }
}

/// Where one step stands.
public enum ProcedureStepStatus: String, CaseIterable, Codable, Sendable {
    case pending
    case inProgress = "in_progress"
    case done
}

/// Where a whole procedure stands, from its steps.
public enum ProcedureStanding: String, Codable, Sendable {
    case notStarted = "not_started"
    case inProgress = "in_progress"
    case completed
}

public enum ProcedureRules {
    /// A step is done only after the steps before it (the authorities take them in order); a done
    /// step is not reopened.
    public static func stepProblem(_ statuses: [ProcedureStepStatus], index: Int, to status: ProcedureStepStatus)
        -> String?
    {
        guard statuses.indices.contains(index) else { return "validation.choose_from_list" }
        if statuses[index] == .done, status != .done { return "validation.procedure.reopen" }
        if status == .done, statuses[..<index].contains(where: { $0 != .done }) { return "validation.procedure.order" }
        return nil
    }

    public static func standing(_ statuses: [ProcedureStepStatus]) -> ProcedureStanding {
        if !statuses.isEmpty, statuses.allSatisfy({ $0 == .done }) { return .completed }
        return statuses.contains { $0 != .pending } ? .inProgress : .notStarted
    }

    /// The step to work on next: the first not done.
    public static func currentStep(_ statuses: [ProcedureStepStatus]) -> Int? { statuses.firstIndex { $0 != .done } }
}
