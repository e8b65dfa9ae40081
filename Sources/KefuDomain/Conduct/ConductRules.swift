import Foundation

/// The kinds of violation of work discipline the supervisor records (R6.2, R6.4).
public enum ViolationType: String, CaseIterable, Codable, Sendable {
    /// 擅离岗位
    case leavingPost = "leaving_post"
    /// 推诿客户
    case shirkingCustomer = "shirking_customer"
    /// R6.4: 泄露客户信息 — a confidentiality breach is a violation.
    case confidentialityBreach = "confidentiality_breach"
    /// 言行举止
    case conduct
}

/// Where a violation stands: recorded (the person may respond), then confirmed or dismissed.
public enum ViolationOutcome: String, CaseIterable, Codable, Sendable {
    case pending, confirmed, dismissed
}

/// The penalties of R7.2, mildest first: their order is their level.
public enum PenaltyKind: String, CaseIterable, Codable, Sendable, Comparable {
    /// 警告
    case warning
    /// 通报批评
    case criticism
    /// 扣减奖金 (an amount)
    case bonusDeduction = "bonus_deduction"
    /// 调岗
    case reassignment

    /// 1 for a warning … 4 for a reassignment.
    public var level: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public static func < (lhs: PenaltyKind, rhs: PenaltyKind) -> Bool { lhs.level < rhs.level }
}

/// A penalty's life: imposed; appealed once within the window; the appeal upheld (the penalty stands)
/// or the penalty revoked.
public enum PenaltyStatus: String, CaseIterable, Codable, Sendable {
    case imposed, appealed, upheld, revoked
}

/// Who answers an appeal.
public enum AppealDecider: String, Sendable { case supervisor, leadership }

/// The department's rules for penalties and appeals (configured, see docs/operations.md).
public struct ConductSettings: Equatable, Sendable {
    /// Days after the penalty was imposed within which the person may appeal (R7.2).
    public var appealDays: Int
    /// Appeals against penalties of this kind or heavier are decided by leadership, not the supervisor.
    public var leadershipDecidesFrom: PenaltyKind

    public init(appealDays: Int = 7, leadershipDecidesFrom: PenaltyKind = .bonusDeduction) {
        self.appealDays = appealDays
        self.leadershipDecidesFrom = leadershipDecidesFrom
    }

    /// The last instant an appeal is accepted.
    public func appealDeadline(imposedAt: Date) -> Date { imposedAt.addingTimeInterval(Double(appealDays) * 86_400) }

    public func decider(for kind: PenaltyKind) -> AppealDecider {
        kind >= leadershipDecidesFrom ? .leadership : .supervisor
    }
}

/// A record another record points at: a kind's name (`complaint`, `violation`, an attendance mark …)
/// and its id.
public struct RecordReference: Equatable, Hashable, Sendable, Codable {
    public var type: String
    public var id: Int

    public init(type: String, id: Int) {
        self.type = type
        self.id = id
    }

    /// Reads `complaint:12` or the two parts as typed; nil when either is missing or malformed.
    public init?(type: String?, id: String?) {
        let type = (type ?? "").trimmingCharacters(in: .whitespaces),
            id = Int((id ?? "").trimmingCharacters(in: .whitespaces))
        guard !type.isEmpty, type.count <= 40, type.allSatisfy({ $0.isLetter || $0 == "_" }), let id, id > 0 else {
            return nil
        }
        self.init(type: type, id: id)
    }
}

/// The checks of R6.2 and R7.2 on what is typed, before anything is stored. Refusals are message keys at a field.
public enum ConductRules {
    public static let maxText = 4000
    /// The largest bonus deduction one penalty may carry, in yuan.
    public static let maxDeduction = 100_000

    /// A free text as typed: required or not, at most ``maxText`` characters.
    public static func text(_ value: String, field: String, required: Bool, into errors: inout FieldErrors) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { errors.add(field, "validation.required") }
        if trimmed.count > maxText { errors.add(field, "validation.too_long") }
    }

    /// A violation as recorded: its type, when it happened (not in the future), a description.
    public static func checkViolation(type: String, occurredAt: Date?, description: String, now: Date) -> FieldErrors {
        var errors = FieldErrors()
        if ViolationType(rawValue: type) == nil { errors.add("type", "validation.choose_from_list") }
        if let occurredAt {
            if occurredAt > now { errors.add("occurredAt", "conduct.error.future") }
        } else {
            errors.add("occurredAt", "validation.date")
        }
        text(description, field: "description", required: true, into: &errors)
        return errors
    }

    /// R7.2: a penalty cites its cause; a bonus deduction names its amount (and only it does).
    public static func checkPenalty(kind: String, cause: RecordReference?, amount: Int?, reason: String) -> FieldErrors
    {
        var errors = FieldErrors()
        let kind = PenaltyKind(rawValue: kind)
        if kind == nil { errors.add("kind", "validation.choose_from_list") }
        if cause == nil { errors.add("cause", "conduct.error.cause_required") }
        if kind == .bonusDeduction {
            if let amount {
                if !(1...maxDeduction).contains(amount) { errors.add("amount", "conduct.error.amount_range") }
            } else {
                errors.add("amount", "conduct.error.amount_required")
            }
        } else if amount != nil {
            errors.add("amount", "conduct.error.amount_only_deduction")
        }
        text(reason, field: "reason", required: true, into: &errors)
        return errors
    }

    /// Whether this person may appeal this penalty now; nil when they may, else the refusal's key.
    /// R7.2: only the person penalized, once, within the window.
    /// `deadline` is the one stored with the penalty when it was imposed (``ConductSettings/appealDeadline(imposedAt:)``).
    public static func appealRefusal(staffID: Int, appellantID: Int, status: PenaltyStatus, deadline: Date, now: Date)
        -> String?
    {
        if staffID != appellantID { return "conduct.error.not_yours" }
        if status != .imposed { return "conduct.error.already_appealed" }
        if now > deadline { return "conduct.error.appeal_late" }
        return nil
    }

    /// Whether someone of this role answers the appeal of a penalty of this kind; nil when they do.
    public static func decisionRefusal(
        kind: PenaltyKind, status: PenaltyStatus, deciderIsLeadership: Bool, settings: ConductSettings
    ) -> String? {
        if status != .appealed { return "conduct.error.no_appeal" }
        switch settings.decider(for: kind) {
        case .leadership: return deciderIsLeadership ? nil : "conduct.error.leadership_decides"
        case .supervisor: return deciderIsLeadership ? "conduct.error.supervisor_decides" : nil
        }
    }
}
