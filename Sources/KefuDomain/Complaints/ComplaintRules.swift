import Foundation

/// How serious a complaint is (R3.5); it sets the time limits and who hears of it at once.
public enum ComplaintSeverity: String, CaseIterable, Codable, Sendable {
    case normal, major, urgent

    /// R3.5: urgent and major complaints reach the supervisor as soon as they are received.
    public var notifiesSupervisorAtOnce: Bool { self != .normal }
}

/// Where a complaint came in.
public enum ComplaintChannel: String, CaseIterable, Codable, Sendable {
    case phone, visit, email, wechat, letter, publicForm = "public_form"
}

/// The default categories (the supervisor may add others): 服务态度, 项目信息, 合同履行, 办事流程, 物业/现场, 其他.
public enum ComplaintCategoryDefaults {
    public static let codes = [
        "service_attitude", "project_facts", "contract_performance", "procedures", "property_site", "other",
    ]
}

/// Where a complaint stands (R3.5).
public enum ComplaintState: String, CaseIterable, Codable, Sendable {
    /// Received and acknowledged; nobody has acted on it yet.
    case received
    /// Being handled: forwarded to departments or worked on by the specialist.
    case inProgress = "in_progress"
    /// Waiting for the customer (documents, an answer): the clock is paused.
    case waitingForCustomer = "waiting_for_customer"
    /// Resolved and the outcome told to the customer; waiting for whether they accept it.
    case resolved
    /// The customer accepted the outcome.
    case closed

    public var isOpen: Bool { self != .closed }
    /// Whether the time limits' clock runs.
    public var isClockRunning: Bool { self == .received || self == .inProgress }
}

/// A step someone asks of a complaint.
public enum ComplaintStep: String, CaseIterable, Codable, Sendable {
    /// Forward to departments (a request and a due date each).
    case forward
    /// Start working on it without forwarding.
    case start
    /// Pause the clock while waiting for the customer.
    case waitForCustomer = "wait_for_customer"
    /// The customer answered: the clock runs again.
    case resume
    /// Tell the customer the outcome (an update of kind outcome).
    case resolve
    /// The customer accepts the outcome: close.
    case close
    /// The customer does not accept the outcome: handle it again.
    case reopen
}

/// What the rule needs to know about a complaint to decide a step.
public struct ComplaintFacts: Equatable, Sendable {
    public var state: ComplaintState
    /// When the customer was last told the outcome (an update of kind outcome); nil if never.
    public var outcomeToldAt: Date?
    /// Whether the customer said they accept the outcome last told.
    public var customerAccepts: Bool?
    /// Open forwarded requests (not yet answered or sent back).
    public var openForwards: Int

    public init(state: ComplaintState, outcomeToldAt: Date? = nil, customerAccepts: Bool? = nil, openForwards: Int = 0)
    {
        self.state = state
        self.outcomeToldAt = outcomeToldAt
        self.customerAccepts = customerAccepts
        self.openForwards = openForwards
    }
}

/// Why a step is refused: a message key and the field it belongs to.
public struct ComplaintRefusal: Error, Equatable, Sendable {
    public var field: String
    public var messageKey: String

    public init(_ field: String, _ messageKey: String) {
        self.field = field
        self.messageKey = messageKey
    }
}

/// The complaint's state machine (R3.5): received → in progress (forwarded) ⇄ waiting for the
/// customer (clock paused) → resolved (outcome told) → closed when the customer accepts, back to in
/// progress when they do not. A closed complaint takes no step.
public enum ComplaintStateMachine {
    /// The state after the step, or why it is refused.
    public static func apply(_ step: ComplaintStep, to facts: ComplaintFacts) -> Result<
        ComplaintState, ComplaintRefusal
    > {
        let state = facts.state
        if state == .closed { return .failure(.init("state", "complaint.refused.closed")) }
        switch step {
        case .forward:
            guard state != .resolved else { return .failure(.init("state", "complaint.refused.resolved")) }
            return .success(state == .waitingForCustomer ? .waitingForCustomer : .inProgress)
        case .start:
            guard state == .received else { return .failure(.init("state", "complaint.refused.already_started")) }
            return .success(.inProgress)
        case .waitForCustomer:
            guard state == .received || state == .inProgress else {
                return .failure(.init("state", "complaint.refused.not_running"))
            }
            return .success(.waitingForCustomer)
        case .resume:
            guard state == .waitingForCustomer else { return .failure(.init("state", "complaint.refused.not_waiting")) }
            return .success(.inProgress)
        case .resolve:
            guard state != .resolved else { return .failure(.init("state", "complaint.refused.resolved")) }
            guard facts.openForwards == 0 else { return .failure(.init("state", "complaint.refused.open_forwards")) }
            return .success(.resolved)
        case .close:
            // R3.5: a complaint closes only after the customer was told the outcome and accepts it.
            guard state == .resolved, facts.outcomeToldAt != nil else {
                return .failure(.init("state", "complaint.refused.outcome_not_told"))
            }
            guard facts.customerAccepts == true else {
                return .failure(.init("acceptance", "complaint.refused.not_accepted"))
            }
            return .success(.closed)
        case .reopen:
            guard state == .resolved else { return .failure(.init("state", "complaint.refused.not_resolved")) }
            return .success(.inProgress)
        }
    }
}

/// The three time limits of a severity in working hours (R3.5): the first response, telling the
/// customer an update, and the resolution.
public struct ComplaintTimeLimits: Hashable, Codable, Sendable {
    public var firstResponseHours: Double
    public var updateHours: Double
    public var resolutionHours: Double

    public init(firstResponseHours: Double, updateHours: Double, resolutionHours: Double) {
        self.firstResponseHours = firstResponseHours
        self.updateHours = updateHours
        self.resolutionHours = resolutionHours
    }

    /// Defaults: urgent 2 / 4 / 24 working hours, major 4 / 8 / 72, normal 8 / 24 / 120.
    public static func defaults(_ severity: ComplaintSeverity) -> ComplaintTimeLimits {
        switch severity {
        case .urgent: ComplaintTimeLimits(firstResponseHours: 2, updateHours: 4, resolutionHours: 24)
        case .major: ComplaintTimeLimits(firstResponseHours: 4, updateHours: 8, resolutionHours: 72)
        case .normal: ComplaintTimeLimits(firstResponseHours: 8, updateHours: 24, resolutionHours: 120)
        }
    }

    public var problems: FieldErrors {
        var errors = FieldErrors()
        for (field, value) in [
            ("first_response_hours", firstResponseHours), ("update_hours", updateHours),
            ("resolution_hours", resolutionHours),
        ]
        where !(value > 0 && value <= 2000) {
            errors.add(field, "validation.number_range")
        }
        return errors
    }
}

/// Which time limit a deadline is for.
public enum ComplaintTarget: String, CaseIterable, Codable, Sendable {
    case firstResponse = "first_response", update, resolution
}

/// A complaint's clock: the facts the deadlines are computed from.
public struct ComplaintClockFacts: Equatable, Sendable {
    public var receivedAt: Date
    public var severity: ComplaintSeverity
    public var state: ComplaintState
    /// When someone first responded (started, forwarded or told the customer); nil before.
    public var firstRespondedAt: Date?
    /// When the customer was last told anything; nil if never.
    public var lastToldAt: Date?
    /// When it was resolved (outcome told); nil while not.
    public var resolvedAt: Date?
    /// The spans waiting for the customer; the last one open while waiting.
    public var pauses: [TimeSpan]

    public init(
        receivedAt: Date, severity: ComplaintSeverity, state: ComplaintState, firstRespondedAt: Date? = nil,
        lastToldAt: Date? = nil,
        resolvedAt: Date? = nil, pauses: [TimeSpan] = []
    ) {
        self.receivedAt = receivedAt
        self.severity = severity
        self.state = state
        self.firstRespondedAt = firstRespondedAt
        self.lastToldAt = lastToldAt
        self.resolvedAt = resolvedAt
        self.pauses = pauses
    }
}

/// A deadline still to meet: when it falls due and how much working time is left.
public struct ComplaintDeadline: Equatable, Sendable {
    public var target: ComplaintTarget
    /// When this deadline's clock started (receipt, or the last time the customer was told).
    public var startedAt: Date
    /// Nil while the clock is paused.
    public var dueAt: Date?
    public var limitSeconds: TimeInterval
    /// Working seconds used so far (pauses excluded).
    public var usedSeconds: TimeInterval

    public var remainingSeconds: TimeInterval { limitSeconds - usedSeconds }
    public var share: Double { limitSeconds > 0 ? usedSeconds / limitSeconds : 1 }
    public var isBreached: Bool { usedSeconds >= limitSeconds }
}

/// The time-limit arithmetic of complaints on the working calendar (R3.5): pure.
public enum ComplaintClock {
    /// The deadlines still open at `now`: the first response until someone responded, the
    /// resolution until resolved, and telling the customer an update (counted from the last time
    /// they were told, or from receipt) while the complaint is open and not resolved.
    public static func openDeadlines(
        _ facts: ComplaintClockFacts, limits: ComplaintTimeLimits, calendar: WorkingCalendar, now: Date
    ) -> [ComplaintDeadline] {
        guard facts.state != .closed else { return [] }
        var result: [ComplaintDeadline] = []
        func deadline(_ target: ComplaintTarget, from start: Date, hours: Double) -> ComplaintDeadline {
            let pauses = facts.pauses.filter { ($0.end ?? .distantFuture) > start }
            let limit = hours * 3600
            return ComplaintDeadline(
                target: target, startedAt: start,
                dueAt: calendar.deadline(after: limit, from: start, pausedDuring: pauses), limitSeconds: limit,
                usedSeconds: calendar.workingSeconds(from: start, to: now, pausedDuring: pauses)
            )
        }
        if facts.firstRespondedAt == nil {
            result.append(deadline(.firstResponse, from: facts.receivedAt, hours: limits.firstResponseHours))
        }
        if facts.state != .resolved {
            result.append(deadline(.update, from: facts.lastToldAt ?? facts.receivedAt, hours: limits.updateHours))
            result.append(deadline(.resolution, from: facts.receivedAt, hours: limits.resolutionHours))
        }
        return result
    }

    /// The deadline that falls first (the one the list shows), nil when none is running.
    public static func nearest(_ deadlines: [ComplaintDeadline]) -> ComplaintDeadline? {
        deadlines.min { $0.remainingSeconds < $1.remainingSeconds }
    }
}

/// Who is told at a level of the escalation ladder.
public enum EscalationRole: String, CaseIterable, Codable, Sendable {
    case specialist, supervisor, leadership
}

/// One level of the escalation ladder: who is told (a role, or a named person) when the share of a
/// time limit used reaches `atShare` (0.75 is the warning before a breach, 1.0 the breach).
public struct EscalationLevel: Hashable, Codable, Sendable {
    public var level: Int
    public var role: EscalationRole
    public var staffID: Int?
    public var atShare: Double

    public init(level: Int, role: EscalationRole, staffID: Int? = nil, atShare: Double) {
        self.level = level
        self.role = role
        self.staffID = staffID
        self.atShare = atShare
    }

    /// Specialist warned at 75 %, supervisor at the breach, leadership at 150 %.
    public static let defaults: [EscalationLevel] = [
        EscalationLevel(level: 1, role: .specialist, atShare: 0.75),
        EscalationLevel(level: 2, role: .supervisor, atShare: 1.0),
        EscalationLevel(level: 3, role: .leadership, atShare: 1.5),
    ]
}

/// A notice the escalation ladder asks for; the key makes it reach each person once.
public struct EscalationNotice: Hashable, Sendable {
    public var level: Int
    public var role: EscalationRole
    public var staffID: Int?
    public var target: ComplaintTarget?
    public var isBreach: Bool
    public var dedupeKey: String
}

/// The escalation ladder (R3.5): pure — given a complaint's deadlines, the ladder and the time, which
/// notices are due. Nothing goes out outside working time (held until the next working period);
/// urgent and major complaints reach the supervisor at once. Repeating the call yields the same
/// keys, so the store's unique key makes each notice reach each person once.
public enum EscalationLadder {
    public static func notices(
        complaintID: Int, severity: ComplaintSeverity, deadlines: [ComplaintDeadline], ladder: [EscalationLevel],
        calendar: WorkingCalendar, now: Date
    ) -> [EscalationNotice] {
        guard calendar.isWorkingTime(now) else { return [] }
        var result: [EscalationNotice] = []
        if severity.notifiesSupervisorAtOnce {
            result.append(
                EscalationNotice(
                    level: 2, role: .supervisor, staffID: ladder.first { $0.role == .supervisor }?.staffID, target: nil,
                    isBreach: false, dedupeKey: "complaint:\(complaintID):intake:\(severity.rawValue)"))
        }
        for deadline in deadlines where deadline.dueAt != nil {
            for level in ladder.sorted(by: { $0.level < $1.level }) where deadline.share >= level.atShare {
                result.append(
                    EscalationNotice(
                        level: level.level, role: level.role, staffID: level.staffID, target: deadline.target,
                        isBreach: level.atShare >= 1,
                        dedupeKey:
                            "complaint:\(complaintID):\(deadline.target.rawValue):\(Int(deadline.startedAt.timeIntervalSince1970)):L\(level.level)"
                    ))
            }
        }
        return result
    }

    /// The highest level reached, for the list and the page (0: none).
    public static func level(deadlines: [ComplaintDeadline], ladder: [EscalationLevel]) -> Int {
        deadlines.flatMap { deadline in ladder.filter { deadline.share >= $0.atShare }.map(\.level) }.max() ?? 0
    }
}
