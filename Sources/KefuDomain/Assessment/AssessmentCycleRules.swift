/// Where a cycle stands (R5.3): open while people are assessed, signed off by leadership — then frozen.
public enum AssessmentCycleState: String, CaseIterable, Codable, Sendable {
    case open
    case signedOff = "signed_off"
}

/// Where one person's assessment in a cycle stands.
public enum AssessmentState: String, CaseIterable, Codable, Sendable {
    /// Waiting for the person's self-evaluation and the supervisor's evaluation.
    case pending
    /// The person evaluated themselves; the supervisor has not yet.
    case selfEvaluated = "self_evaluated"
    /// The supervisor evaluated: the score is computed and the person sees it.
    case evaluated
    /// The person read it and left a comment (or none): accepted.
    case acknowledged
    /// The person appealed; the supervisor must answer.
    case appealed
    /// The supervisor answered the appeal (possibly with revised ratings).
    case answered

    /// A result exists and the person can read it.
    public var hasResult: Bool { [.evaluated, .acknowledged, .appealed, .answered].contains(self) }
}

/// What may happen to an assessment and a cycle, each refusal a message key at a field (R5.3).
public enum AssessmentRules {
    public static let frozen = "assessment.error.signed_off"

    public static func selfEvaluationProblem(cycle: AssessmentCycleState, state: AssessmentState) -> String? {
        if cycle == .signedOff { return frozen }
        return [.pending, .selfEvaluated].contains(state) ? nil : "assessment.error.self_closed"
    }

    public static func supervisorEvaluationProblem(cycle: AssessmentCycleState, state: AssessmentState) -> String? {
        if cycle == .signedOff { return frozen }
        return [.pending, .selfEvaluated, .evaluated].contains(state) ? nil : "assessment.error.already_published"
    }

    /// The person acknowledges (with an optional comment) or appeals (with a reason) a result.
    public static func responseProblem(cycle: AssessmentCycleState, state: AssessmentState, appeal: Bool, text: String)
        -> FieldErrors
    {
        if cycle == .signedOff { return FieldErrors(["response": frozen]) }
        guard state == .evaluated else { return FieldErrors(["response": "assessment.error.no_result_to_answer"]) }
        if appeal, text.trimmed.isEmpty { return FieldErrors(["comment": "assessment.error.appeal_reason"]) }
        if text.count > 2000 { return FieldErrors(["comment": "validation.too_long"]) }
        return FieldErrors()
    }

    public static func appealAnswerProblem(cycle: AssessmentCycleState, state: AssessmentState, answer: String)
        -> FieldErrors
    {
        if cycle == .signedOff { return FieldErrors(["answer": frozen]) }
        guard state == .appealed else { return FieldErrors(["answer": "assessment.error.no_appeal"]) }
        if answer.trimmed.isEmpty { return FieldErrors(["answer": "validation.required"]) }
        if answer.count > 2000 { return FieldErrors(["answer": "validation.too_long"]) }
        return FieldErrors()
    }

    /// Leadership signs off when every person has a result and no appeal is left unanswered.
    public static func signOffProblem(cycle: AssessmentCycleState, states: [AssessmentState]) -> String? {
        if cycle == .signedOff { return frozen }
        if states.isEmpty { return "assessment.error.no_people" }
        if states.contains(where: { !$0.hasResult }) { return "assessment.error.results_missing" }
        if states.contains(.appealed) { return "assessment.error.appeal_open" }
        return nil
    }

    public static func decisionProblem(cycle: AssessmentCycleState, state: AssessmentState) -> String? {
        if cycle == .signedOff { return frozen }
        return state.hasResult ? nil : "assessment.error.results_missing"
    }
}

/// What follows from a result (R5.3): rewards or measures, recorded as decisions with their basis.
public enum ConsequenceKind: String, CaseIterable, Codable, Sendable {
    case bonus
    case promotion
    case certificate
    case improvementPlan = "improvement_plan"
    case bonusDeduction = "bonus_deduction"
    case reassignment

    /// Kinds that carry an amount for payroll (元).
    public var hasAmount: Bool { self == .bonus || self == .bonusDeduction }

    /// What a grade proposes; the supervisor decides, and may decide otherwise with a basis.
    public static func proposals(for grade: AssessmentGrade) -> [ConsequenceKind] {
        switch grade {
        case .excellent: [.bonus, .certificate, .promotion]
        case .good: [.bonus]
        case .pass: []
        case .needsImprovement: [.improvementPlan, .bonusDeduction]
        }
    }

    /// A decision as typed: the kind known, a basis given, an amount (whole 元, 1–1,000,000) exactly
    /// where the kind carries one.
    public static func validate(kind code: String, amountYuan: Int?, basis: String) -> Result<
        ConsequenceKind, FieldErrors
    > {
        var errors = FieldErrors()
        let kind = ConsequenceKind(rawValue: code)
        if kind == nil { errors.add("kind", "validation.choose_from_list") }
        if basis.trimmed.isEmpty {
            errors.add("basis", "validation.required")
        } else if basis.count > 2000 {
            errors.add("basis", "validation.too_long")
        }
        if let kind {
            if kind.hasAmount {
                if let amountYuan {
                    if !(1...1_000_000).contains(amountYuan) {
                        errors.add("amountYuan", "assessment.error.amount_range")
                    }
                } else {
                    errors.add("amountYuan", "validation.required")
                }
            } else if amountYuan != nil {
                errors.add("amountYuan", "assessment.error.amount_not_applicable")
            }
        }
        if let kind, errors.isEmpty { return .success(kind) }
        return .failure(errors)
    }
}
