import Foundation

/// R3.4: where a contract stands. The states follow each other in this order only; `cancelled` is
/// reachable from every state before `completed`.
public enum ContractState: String, CaseIterable, Codable, Sendable {
    case draft
    case documentsComplete = "documents_complete"
    case termsExplained = "terms_explained"
    case legalReviewPassed = "legal_review_passed"
    case signed
    case inExecution = "in_execution"
    case completed
    case cancelled

    /// The forward order; `cancelled` is outside it.
    public static let order: [ContractState] = [
        .draft, .documentsComplete, .termsExplained, .legalReviewPassed, .signed, .inExecution, .completed,
    ]

    /// The state that follows this one, nil at the end (completed, cancelled).
    public var next: ContractState? {
        guard let index = Self.order.firstIndex(of: self), index + 1 < Self.order.count else { return nil }
        return Self.order[index + 1]
    }

    /// Whether the contract is still being worked on (not completed, not cancelled).
    public var isOpen: Bool { self != .completed && self != .cancelled }

    /// Whether the state lies at or after `other` in the order (false for cancelled).
    public func hasReached(_ other: ContractState) -> Bool {
        guard let mine = Self.order.firstIndex(of: self), let theirs = Self.order.firstIndex(of: other) else {
            return false
        }
        return mine >= theirs
    }
}

/// The kinds of contract the company signs; each has its own checklist and clause templates.
public enum ContractType: String, CaseIterable, Codable, Sendable {
    case investmentAgreement = "investment_agreement"
    case lease
    case franchise
    case other
}

/// Where one required document stands.
public enum ChecklistStatus: String, CaseIterable, Codable, Sendable {
    case missing, received, rejected
}

/// The 法务部's answer on a contract forwarded to it (R1.3: the hand-over is a record with a state).
public enum LegalReviewStatus: String, CaseIterable, Codable, Sendable {
    /// Not forwarded yet.
    case none
    /// Forwarded, waiting for the department's liaison.
    case forwarded
    /// Returned with comments: to be corrected and forwarded again.
    case returned
    case approved
}

/// What the rules need to know about one checklist item.
public struct ChecklistItemFacts: Equatable, Sendable {
    /// The document's name as shown (a template's localized name or a name typed by the supervisor).
    public var name: String
    public var isRequired: Bool
    public var status: ChecklistStatus

    public init(name: String, isRequired: Bool = true, status: ChecklistStatus) {
        self.name = name
        self.isRequired = isRequired
        self.status = status
    }
}

/// What the rules need to know about one clause.
public struct ClauseFacts: Equatable, Sendable {
    public var title: String
    public var isExplained: Bool

    public init(title: String, isExplained: Bool) {
        self.title = title
        self.isExplained = isExplained
    }
}

/// Everything the state machine looks at, read from the contract's record and its parts.
public struct ContractFacts: Equatable, Sendable {
    public var state: ContractState
    public var checklist: [ChecklistItemFacts]
    public var clauses: [ClauseFacts]
    public var termsConfirmed: Bool
    public var review: LegalReviewStatus
    public var isSigningRecorded: Bool
    public var hasSignedFile: Bool
    public var openObligations: Int

    public init(
        state: ContractState, checklist: [ChecklistItemFacts] = [], clauses: [ClauseFacts] = [],
        termsConfirmed: Bool = false,
        review: LegalReviewStatus = .none, isSigningRecorded: Bool = false, hasSignedFile: Bool = false,
        openObligations: Int = 0
    ) {
        self.state = state
        self.checklist = checklist
        self.clauses = clauses
        self.termsConfirmed = termsConfirmed
        self.review = review
        self.isSigningRecorded = isSigningRecorded
        self.hasSignedFile = hasSignedFile
        self.openObligations = openObligations
    }
}

/// Why something is refused, or what is needed: a localization key with its arguments (names of the
/// missing documents, of the clauses not explained), so the page and the API say it in words.
public struct ContractReason: Equatable, Sendable, Codable {
    public var key: String
    public var arguments: [String: String]

    public init(_ key: String, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }
}

/// R3.4: the document checklist — "documents complete" only when every required item is received.
public enum DocumentChecklist {
    /// The required documents not received yet (missing or rejected), in checklist order.
    public static func outstanding(_ items: [ChecklistItemFacts]) -> [ChecklistItemFacts] {
        items.filter { $0.isRequired && $0.status != .received }
    }

    public static func isComplete(_ items: [ChecklistItemFacts]) -> Bool {
        !items.isEmpty && outstanding(items).isEmpty
    }

    /// A rejection needs its reason (the customer is told what to bring instead).
    public static func problem(status: ChecklistStatus, reason: String) -> String? {
        let reason = reason.trimmed
        if status == .rejected, reason.isEmpty { return "validation.contract.rejection_reason" }
        if reason.count > 500 { return "validation.too_long" }
        return nil
    }
}

/// R1.2, R3.4: the terms explained — every clause of the contract explained, and the customer's
/// confirmation recorded, before the legal review.
public enum TermsExplanation {
    /// Clauses are explained once the documents are complete and until the contract is signed.
    public static func explainProblem(state: ContractState) -> ContractReason? {
        if state == .draft { return ContractReason("contract.refusal.documents_first") }
        if state.hasReached(.signed) || state == .cancelled {
            return ContractReason("contract.refusal.closed_for_terms")
        }
        return nil
    }

    public static func unexplained(_ clauses: [ClauseFacts]) -> [ClauseFacts] { clauses.filter { !$0.isExplained } }

    /// The customer confirms once every clause was explained.
    public static func confirmProblem(state: ContractState, clauses: [ClauseFacts]) -> ContractReason? {
        if let problem = explainProblem(state: state) { return problem }
        let open = unexplained(clauses)
        if clauses.isEmpty { return ContractReason("contract.refusal.no_clauses") }
        if !open.isEmpty {
            return ContractReason(
                "contract.refusal.clauses_unexplained", ["clauses": open.map(\.title).joined(separator: "、")])
        }
        return nil
    }
}

/// R3.4: the contract's state machine. Pure: the caller reads the facts, asks, and writes the new
/// state with the version it read.
public enum ContractStateMachine {
    /// Why moving to `target` is refused now, or nil when it is allowed. Moves go one step forward at
    /// a time; cancelling needs a reason and is possible until the contract is completed.
    public static func refusal(_ facts: ContractFacts, to target: ContractState, cancelReason: String = "")
        -> ContractReason?
    {
        if target == .cancelled {
            guard facts.state.isOpen else {
                return ContractReason("contract.refusal.closed", ["state": facts.state.rawValue])
            }
            let reason = cancelReason.trimmed
            if reason.isEmpty { return ContractReason("contract.refusal.cancel_reason") }
            if reason.count > 500 { return ContractReason("validation.too_long") }
            return nil
        }
        guard facts.state.isOpen else {
            return ContractReason("contract.refusal.closed", ["state": facts.state.rawValue])
        }
        guard facts.state.next == target else {
            return ContractReason("contract.refusal.order", ["from": facts.state.rawValue, "to": target.rawValue])
        }
        return conditionsUnmet(facts, for: target)
    }

    /// The condition of entering `target` from the state before it, nil when it holds.
    static func conditionsUnmet(_ facts: ContractFacts, for target: ContractState) -> ContractReason? {
        switch target {
        case .draft, .cancelled:
            return ContractReason("contract.refusal.order", ["from": facts.state.rawValue, "to": target.rawValue])
        case .documentsComplete:
            if facts.checklist.isEmpty { return ContractReason("contract.refusal.no_checklist") }
            let outstanding = DocumentChecklist.outstanding(facts.checklist)
            guard outstanding.isEmpty else {
                return ContractReason(
                    "contract.refusal.documents_missing", ["documents": outstanding.map(\.name).joined(separator: "、")])
            }
            return nil
        case .termsExplained:
            if let problem = TermsExplanation.confirmProblem(state: facts.state, clauses: facts.clauses) {
                return problem
            }
            return facts.termsConfirmed ? nil : ContractReason("contract.refusal.terms_not_confirmed")
        case .legalReviewPassed:
            // Entered only by the 法务部's approval.
            return facts.review == .approved ? nil : ContractReason("contract.refusal.review_not_passed")
        case .signed:
            return facts.isSigningRecorded ? nil : ContractReason("contract.refusal.signing_details")
        case .inExecution:
            return facts.hasSignedFile ? nil : ContractReason("contract.refusal.signed_file")
        case .completed:
            return facts.openObligations == 0
                ? nil : ContractReason("contract.refusal.obligations_open", ["count": String(facts.openObligations)])
        }
    }

    /// Forwarding to the 法务部 is possible once the terms are explained and confirmed, while no
    /// review is pending or passed.
    public static func forwardRefusal(_ facts: ContractFacts) -> ContractReason? {
        guard facts.state == .termsExplained else {
            return facts.state.hasReached(.legalReviewPassed) || !facts.state.isOpen
                ? ContractReason("contract.refusal.review_done") : ContractReason("contract.refusal.terms_first")
        }
        if facts.review == .forwarded { return ContractReason("contract.refusal.review_pending") }
        // Terms changed after the customer confirmed them must be confirmed again first.
        if !facts.termsConfirmed { return ContractReason("contract.refusal.terms_not_confirmed") }
        return nil
    }

    /// The terms (title, amount, payment plan, parties) may change until the 法务部 passes them —
    /// typically to correct what a returned review asked for — but not while a review is pending.
    public static func termsChangeRefusal(_ facts: ContractFacts) -> ContractReason? {
        if !facts.state.isOpen || facts.state.hasReached(.legalReviewPassed) {
            return ContractReason("contract.refusal.terms_locked")
        }
        if facts.review == .forwarded { return ContractReason("contract.refusal.review_pending") }
        return nil
    }

    /// The liaison answers a contract forwarded and waiting; a return needs its comments.
    public static func reviewRefusal(_ facts: ContractFacts, approve: Bool, comment: String) -> ContractReason? {
        guard facts.state == .termsExplained, facts.review == .forwarded else {
            return ContractReason("contract.refusal.not_waiting_review")
        }
        if !approve, comment.trimmed.isEmpty { return ContractReason("contract.refusal.return_comment") }
        if comment.trimmed.count > 2000 { return ContractReason("validation.too_long") }
        return nil
    }

    /// What is needed next for the contract to move on, in words for its page (R3.4: "the contract's
    /// page shows where it stands and what is needed next").
    public static func nextNeeds(_ facts: ContractFacts) -> [ContractReason] {
        switch facts.state {
        case .draft:
            let outstanding = DocumentChecklist.outstanding(facts.checklist)
            if facts.checklist.isEmpty { return [ContractReason("contract.refusal.no_checklist")] }
            return outstanding.isEmpty
                ? [ContractReason("contract.next.mark_documents_complete")]
                : [
                    ContractReason(
                        "contract.refusal.documents_missing",
                        ["documents": outstanding.map(\.name).joined(separator: "、")])
                ]
        case .documentsComplete:
            if let problem = TermsExplanation.confirmProblem(state: facts.state, clauses: facts.clauses) {
                return [problem]
            }
            return facts.termsConfirmed
                ? [ContractReason("contract.next.mark_terms_explained")]
                : [ContractReason("contract.refusal.terms_not_confirmed")]
        case .termsExplained:
            if !facts.termsConfirmed && facts.review != .forwarded {
                return [ContractReason("contract.refusal.terms_not_confirmed")]
            }
            switch facts.review {
            case .none: return [ContractReason("contract.next.forward")]
            case .forwarded: return [ContractReason("contract.refusal.review_pending")]
            case .returned: return [ContractReason("contract.next.returned")]
            case .approved: return [ContractReason("contract.next.review_approved")]
            }
        case .legalReviewPassed: return [ContractReason("contract.next.sign")]
        case .signed:
            return facts.hasSignedFile
                ? [ContractReason("contract.next.start_execution")] : [ContractReason("contract.refusal.signed_file")]
        case .inExecution:
            return facts.openObligations == 0
                ? [ContractReason("contract.next.complete")]
                : [ContractReason("contract.refusal.obligations_open", ["count": String(facts.openObligations)])]
        case .completed, .cancelled: return []
        }
    }
}

/// Signing (R3.4): the day, the place and who signed, on or before today.
public struct SigningDraft: Equatable, Sendable, Codable {
    public var signedOn: String
    public var place: String
    public var signatories: String

    public init(signedOn: String, place: String, signatories: String) {
        self.signedOn = signedOn
        self.place = place
        self.signatories = signatories
    }
}

public struct Signing: Equatable, Sendable {
    public var signedOn: CalendarDay
    public var place: String
    public var signatories: String
}

public enum SigningRule {
    public static func validate(_ draft: SigningDraft, today: CalendarDay) -> Result<Signing, FieldErrors> {
        var errors = FieldErrors()
        let day = CalendarDay(draft.signedOn)
        if draft.signedOn.trimmed.isEmpty {
            errors.add("signedOn", "validation.required")
        } else if day == nil {
            errors.add("signedOn", "validation.date")
        } else if let day, day > today {
            errors.add("signedOn", "validation.contract.signed_in_future")
        }
        let place = draft.place.trimmed, signatories = draft.signatories.trimmed
        if place.isEmpty {
            errors.add("place", "validation.required")
        } else if place.count > 200 {
            errors.add("place", "validation.too_long")
        }
        if signatories.isEmpty {
            errors.add("signatories", "validation.required")
        } else if signatories.count > 500 {
            errors.add("signatories", "validation.too_long")
        }
        guard errors.isEmpty, let day else { return .failure(errors) }
        return .success(Signing(signedOn: day, place: place, signatories: signatories))
    }
}
