/// The annual training plan and its sessions (R5.1, R5.2): what a plan holds, the states it moves
/// through, its totals, and plan versus done. Effect and outstanding trainees are in `TrainingEffect.swift`.

/// What a training teaches (R5.1; issue 14 adds laws and regulations).
public enum TrainingContentArea: String, CaseIterable, Codable, Sendable {
    case investmentBusiness = "investment_business"
    case serviceSkills = "service_skills"
    case communicationSkills = "communication_skills"
    case lawsAndRegulations = "laws_and_regulations"
    case industryTrends = "industry_trends"
}

/// How a training is given (R5.1).
public enum TrainingMethod: String, CaseIterable, Codable, Sendable {
    case `internal`
    case external
    case online
    case caseStudy = "case_study"
    case simulationDrill = "simulation_drill"
}

/// A plan is made by the supervisor and approved by leadership; only a draft or a returned plan may
/// change, so an approved plan never changes without being approved again.
public enum TrainingPlanState: String, CaseIterable, Codable, Sendable {
    case draft, submitted, approved, returned

    public var isEditable: Bool { self == .draft || self == .returned }
}

/// The steps of a plan's approval.
public enum TrainingPlanStep: String, Sendable {
    case submit, approve, `return`, reopen
}

/// A session is scheduled in the plan, then held (or cancelled).
public enum TrainingSessionState: String, CaseIterable, Codable, Sendable {
    case scheduled, held, cancelled
}

/// The figures of a trainee's own work a session may aim at (issue 14 §3): its effect on the work is
/// read from them 30 and 90 days after.
public enum TrainingAimedFigure {
    public static let all: [WorkFigure] = [.repliesOnTime, .complaintsInTime, .satisfaction]
}

public enum TrainingRules {
    /// A trainee's rating of a session: 1 (poor) to 5 (excellent).
    public static let ratingScale: ClosedRange<Int> = 1...5
    /// A session held up to this many days after its scheduled day still counts as on time.
    public static let onTimeToleranceDays = 7

    /// The plan as typed: a year, a title, goals, at least one content area and one method, hours and
    /// a budget that are not negative.
    public static func validatePlan(
        year: Int?, title: String, goals: String, areas: [String], methods: [String], hours: Double?,
        budgetYuan: Int?
    ) -> FieldErrors {
        var errors = FieldErrors()
        if let year {
            if !(2000...2100).contains(year) { errors.add("year", "training.error.year") }
        } else {
            errors.add("year", "validation.required")
        }
        if title.trimmed.isEmpty {
            errors.add("title", "validation.required")
        } else if title.trimmed.count > 100 {
            errors.add("title", "validation.too_long")
        }
        if goals.trimmed.isEmpty {
            errors.add("goals", "validation.required")
        } else if goals.count > 4000 {
            errors.add("goals", "validation.too_long")
        }
        if areas.isEmpty { errors.add("areas", "training.error.choose_one") }
        if areas.contains(where: { TrainingContentArea(rawValue: $0) == nil }) {
            errors.add("areas", "validation.choose_from_list")
        }
        if methods.isEmpty { errors.add("methods", "training.error.choose_one") }
        if methods.contains(where: { TrainingMethod(rawValue: $0) == nil }) {
            errors.add("methods", "validation.choose_from_list")
        }
        if let hours {
            if !hours.isFinite || hours < 0 || hours > 10_000 { errors.add("hours", "training.error.not_negative") }
        } else {
            errors.add("hours", "validation.required")
        }
        if let budgetYuan {
            if budgetYuan < 0 || budgetYuan > 100_000_000 { errors.add("budgetYuan", "training.error.not_negative") }
        } else {
            errors.add("budgetYuan", "validation.required")
        }
        return errors
    }

    /// The state a plan moves to by a step, or the message why it may not.
    public static func transition(_ state: TrainingPlanState, _ step: TrainingPlanStep, sessionCount: Int) -> Result<
        TrainingPlanState, FieldErrors
    > {
        switch (state, step) {
        case (.draft, .submit), (.returned, .submit):
            if sessionCount == 0 { return .failure(FieldErrors(["plan": "training.error.no_sessions"])) }
            return .success(.submitted)
        case (.submitted, .approve): return .success(.approved)
        case (.submitted, .return): return .success(.returned)
        // Changing an approved plan takes it back to a draft that must be approved again.
        case (.approved, .reopen): return .success(.draft)
        default: return .failure(FieldErrors(["plan": "training.error.state"]))
        }
    }

    /// A session of a plan as typed: in the plan's year, within its hours, its content area and
    /// method among the plan's, cost not beyond what is left of the budget.
    public static func validateSession(
        title: String, trainer: String, area: String, method: String, scheduledOn: CalendarDay?, hours: Double?,
        costYuan: Int?,
        aimedFigures: [String], plan: PlanFacts, otherSessions: [SessionFacts]
    ) -> FieldErrors {
        var errors = FieldErrors()
        if title.trimmed.isEmpty {
            errors.add("title", "validation.required")
        } else if title.trimmed.count > 100 {
            errors.add("title", "validation.too_long")
        }
        if trainer.trimmed.isEmpty {
            errors.add("trainer", "validation.required")
        } else if trainer.trimmed.count > 100 {
            errors.add("trainer", "validation.too_long")
        }
        if let area = TrainingContentArea(rawValue: area) {
            if !plan.areas.contains(area) { errors.add("area", "training.error.not_in_plan") }
        } else {
            errors.add("area", "validation.choose_from_list")
        }
        if let method = TrainingMethod(rawValue: method) {
            if !plan.methods.contains(method) { errors.add("method", "training.error.not_in_plan") }
        } else {
            errors.add("method", "validation.choose_from_list")
        }
        if let scheduledOn {
            if scheduledOn.year != plan.year { errors.add("scheduledOn", "training.error.outside_year") }
        } else {
            errors.add("scheduledOn", "validation.date")
        }
        let totals = PlanTotals(otherSessions.filter { $0.state != .cancelled })
        if let hours {
            if !hours.isFinite || hours <= 0 || hours > 1_000 {
                errors.add("hours", "training.error.hours")
            } else if totals.hours + hours > plan.hours + 0.001 {
                errors.add("hours", "training.error.over_hours")
            }
        } else {
            errors.add("hours", "validation.required")
        }
        if let costYuan {
            if costYuan < 0 {
                errors.add("costYuan", "training.error.not_negative")
            } else if costYuan > plan.budgetYuan || totals.costYuan + costYuan > plan.budgetYuan {
                errors.add("costYuan", "training.error.over_budget")
            }
        } else {
            errors.add("costYuan", "validation.required")
        }
        if aimedFigures.contains(where: { code in !TrainingAimedFigure.all.contains { $0.rawValue == code } }) {
            errors.add("aimedFigures", "validation.choose_from_list")
        }
        return errors
    }

    /// A test score (0–100) before or after a session.
    public static func validateScore(_ value: Double?, field: String) -> FieldErrors {
        if case .failure(let problem) = ScoreScale.validate(value, field: field, required: false) { return problem }
        return FieldErrors()
    }

    /// A trainee may rate a session only when it was held and they attended it.
    public static func ratingProblem(sessionState: TrainingSessionState, attended: Bool?, rating: Int?) -> FieldErrors {
        guard let rating else { return FieldErrors(["rating": "validation.required"]) }
        if !ratingScale.contains(rating) { return FieldErrors(["rating": "training.error.rating_range"]) }
        if sessionState != .held || attended != true { return FieldErrors(["rating": "training.error.not_attended"]) }
        return FieldErrors()
    }
}

/// What the session rules need to know about the plan.
public struct PlanFacts: Equatable, Sendable {
    public var year: Int, hours: Double, budgetYuan: Int, areas: Set<TrainingContentArea>, methods: Set<TrainingMethod>

    public init(
        year: Int, hours: Double, budgetYuan: Int, areas: Set<TrainingContentArea>, methods: Set<TrainingMethod>
    ) {
        self.year = year
        self.hours = hours
        self.budgetYuan = budgetYuan
        self.areas = areas
        self.methods = methods
    }
}

/// A session as plan versus done sees it.
public struct SessionFacts: Equatable, Sendable {
    public var state: TrainingSessionState
    public var area: TrainingContentArea?
    public var scheduledOn: CalendarDay
    public var heldOn: CalendarDay?
    public var hours: Double
    public var costYuan: Int
    public var enrolled: Int
    public var attended: Int
    /// Trainees' ratings (1–5) and attended trainees' after-test scores (0–100) as sums and counts:
    /// what a GROUP BY gives, so a plan's figures need not read every enrolment.
    public var ratingSum: Int
    public var ratingCount: Int
    public var scoreAfterSum: Double
    public var scoreAfterCount: Int

    public init(
        state: TrainingSessionState, area: TrainingContentArea? = nil, scheduledOn: CalendarDay,
        heldOn: CalendarDay? = nil, hours: Double,
        costYuan: Int, enrolled: Int = 0, attended: Int = 0, ratings: [Int] = [], scoresAfter: [Double] = []
    ) {
        self.init(
            state: state, area: area, scheduledOn: scheduledOn, heldOn: heldOn, hours: hours, costYuan: costYuan,
            enrolled: enrolled, attended: attended, ratingSum: ratings.reduce(0, +), ratingCount: ratings.count,
            scoreAfterSum: scoresAfter.reduce(0, +), scoreAfterCount: scoresAfter.count)
    }

    public init(
        state: TrainingSessionState, area: TrainingContentArea? = nil, scheduledOn: CalendarDay,
        heldOn: CalendarDay? = nil, hours: Double, costYuan: Int, enrolled: Int, attended: Int, ratingSum: Int,
        ratingCount: Int, scoreAfterSum: Double, scoreAfterCount: Int
    ) {
        self.state = state
        self.area = area
        self.scheduledOn = scheduledOn
        self.heldOn = heldOn
        self.hours = hours
        self.costYuan = costYuan
        self.enrolled = enrolled
        self.attended = attended
        self.ratingSum = ratingSum
        self.ratingCount = ratingCount
        self.scoreAfterSum = scoreAfterSum
        self.scoreAfterCount = scoreAfterCount
    }

    /// The session's own average rating and after-test score; nil without any.
    public var averageRating: Double? {
        ratingCount == 0 ? nil : AssessmentCalculation.round2(Double(ratingSum) / Double(ratingCount))
    }
    public var averageScoreAfter: Double? {
        scoreAfterCount == 0 ? nil : AssessmentCalculation.round2(scoreAfterSum / Double(scoreAfterCount))
    }
}

/// The hours and cost the plan's sessions add up to, against what the plan set.
public struct PlanTotals: Equatable, Sendable {
    public var sessions: Int
    public var hours: Double
    public var costYuan: Int

    public init(_ sessions: [SessionFacts]) {
        self.sessions = sessions.count
        hours = sessions.reduce(0) { $0 + $1.hours }
        costYuan = sessions.reduce(0) { $0 + $1.costYuan }
    }
}

/// Plan versus done (R5.2): quantity (sessions held of those scheduled up to today), on time (held
/// within the tolerance of their day), quality (trainees' ratings and after-test scores), attendance.
public struct PlanProgress: Equatable, Sendable {
    /// Sessions scheduled on or before today (not cancelled), and how many of them were held.
    public var due: Int
    public var held: Int
    /// Held sessions held no later than `onTimeToleranceDays` after their scheduled day.
    public var heldOnTime: Int
    /// Sessions cancelled.
    public var cancelled: Int
    /// Hours of the held sessions.
    public var hoursDone: Double
    public var costDone: Int
    /// Attended ÷ enrolled over held sessions, in percent; nil when nobody was enrolled.
    public var attendancePercent: Double?
    /// Average rating (1–5) and after-test score (0–100) over held sessions; nil without any.
    public var averageRating: Double?
    public var averageScoreAfter: Double?

    /// held ÷ due and held on time ÷ held, in percent; nil when nothing was due or held.
    public var quantityPercent: Double? {
        due == 0 ? nil : AssessmentCalculation.round2(Double(held) * 100 / Double(due))
    }
    public var onTimePercent: Double? {
        held == 0 ? nil : AssessmentCalculation.round2(Double(heldOnTime) * 100 / Double(held))
    }

    public init(_ sessions: [SessionFacts], today: CalendarDay) {
        let held = sessions.filter { $0.state == .held }
        due = sessions.filter { $0.state != .cancelled && ($0.scheduledOn <= today || $0.state == .held) }.count
        self.held = held.count
        heldOnTime =
            held.filter {
                ($0.heldOn ?? $0.scheduledOn) <= $0.scheduledOn.adding(days: TrainingRules.onTimeToleranceDays)
            }.count
        cancelled = sessions.filter { $0.state == .cancelled }.count
        hoursDone = held.reduce(0) { $0 + $1.hours }
        costDone = held.reduce(0) { $0 + $1.costYuan }
        let enrolled = held.reduce(0) { $0 + $1.enrolled }, attended = held.reduce(0) { $0 + $1.attended }
        attendancePercent =
            enrolled == 0 ? nil : AssessmentCalculation.round2(Double(attended) * 100 / Double(enrolled))
        let ratings = held.reduce(0) { $0 + $1.ratingCount }, scores = held.reduce(0) { $0 + $1.scoreAfterCount }
        averageRating =
            ratings == 0
            ? nil : AssessmentCalculation.round2(Double(held.reduce(0) { $0 + $1.ratingSum }) / Double(ratings))
        averageScoreAfter =
            scores == 0 ? nil : AssessmentCalculation.round2(held.reduce(0) { $0 + $1.scoreAfterSum } / Double(scores))
    }
}
