import Foundation

/// Where a return visit (回访) stands: due until it is done.
public enum ReturnVisitState: String, CaseIterable, Codable, Sendable {
    case due, done
}

/// Why a return visit was opened.
public enum ReturnVisitReason: String, CaseIterable, Codable, Sendable {
    /// The grade's interval since the last visit ran out (R4.3).
    case scheduled
    /// A satisfaction survey came back at or below the low score (issue 13 §5).
    case lowScore = "low_score"
}

/// How the cooperation with a partner stands, as the customer describes it at the visit.
public enum CooperationStatus: String, CaseIterable, Codable, Sendable {
    case good, normal, strained, ending
}

/// What a problem raised at a visit becomes: a complaint or a feedback, opened in the same step.
public enum ProblemRoute: String, CaseIterable, Codable, Sendable {
    case complaint, feedback
}

/// How often partners and signed customers are visited, per customer grade, and the survey score
/// at or below which a return visit is opened. Kept by the supervisor.
public struct ReturnVisitSettings: Codable, Equatable, Sendable {
    /// Days between visits for each grade (A–D).
    public var daysByGrade: [String: Int]
    /// Days between visits for a customer without a grade.
    public var ungradedDays: Int
    /// A survey score at or below this opens a return visit and tells the supervisor.
    public var lowScore: Int

    public init(daysByGrade: [String: Int], ungradedDays: Int, lowScore: Int) {
        self.daysByGrade = daysByGrade
        self.ungradedDays = ungradedDays
        self.lowScore = lowScore
    }

    /// Important partners monthly, the least important twice a year.
    public static let standard = ReturnVisitSettings(
        daysByGrade: ["A": 30, "B": 60, "C": 90, "D": 180], ungradedDays: 90, lowScore: SurveyRules.defaultLowScore)

    public func days(forGrade grade: String?) -> Int {
        grade.flatMap { daysByGrade[$0] } ?? ungradedDays
    }

    public static let grades = ["A", "B", "C", "D"]
    public static let dayRange = 7...730
}

/// A partner or signed customer as the scheduler's query gives it.
public struct ReturnVisitCandidate: Equatable, Sendable {
    public var customerID: Int
    public var grade: String?
    /// When the relationship began to count (the file's creation when nothing better is known).
    public var since: Date
    /// When the last visit was done; nil when never.
    public var lastVisitAt: Date?
    /// A visit is already due for this customer.
    public var hasOpenVisit: Bool

    public init(customerID: Int, grade: String?, since: Date, lastVisitAt: Date?, hasOpenVisit: Bool) {
        self.customerID = customerID
        self.grade = grade
        self.since = since
        self.lastVisitAt = lastVisitAt
        self.hasOpenVisit = hasOpenVisit
    }
}

/// A visit the scheduler opens: whose, and when it is due.
public struct ScheduledVisit: Equatable, Sendable {
    public var customerID: Int
    public var dueAt: Date

    public init(customerID: Int, dueAt: Date) {
        self.customerID = customerID
        self.dueAt = dueAt
    }
}

/// R4.3 #3: the return-visit schedule — pure, the clock given.
public enum ReturnVisitSchedule {
    /// A visit appears on the lists this many days before it falls due, so it can be planned.
    public static let leadDays = 7

    /// The grade's interval after the last visit, or after the relationship began when there was none.
    public static func nextDue(_ candidate: ReturnVisitCandidate, settings: ReturnVisitSettings) -> Date {
        (candidate.lastVisitAt ?? candidate.since).addingTimeInterval(
            Double(settings.days(forGrade: candidate.grade)) * 86400)
    }

    /// The visits to open at `now`: one for each customer without a visit already due whose next
    /// visit falls within the lead. A customer listed twice is opened once.
    public static func visitsToOpen(_ candidates: [ReturnVisitCandidate], settings: ReturnVisitSettings, now: Date)
        -> [ScheduledVisit]
    {
        let horizon = now.addingTimeInterval(Double(leadDays) * 86400)
        var seen: Set<Int> = [], result: [ScheduledVisit] = []
        for candidate in candidates where !candidate.hasOpenVisit && seen.insert(candidate.customerID).inserted {
            let due = nextDue(candidate, settings: settings)
            if due <= horizon { result.append(ScheduledVisit(customerID: candidate.customerID, dueAt: due)) }
        }
        return result
    }

    public static func isOverdue(dueAt: Date, state: ReturnVisitState, now: Date) -> Bool {
        state == .due && dueAt < now
    }
}

/// A problem the customer raised at a visit.
public struct ReturnVisitProblem: Equatable, Sendable {
    public var text: String
    public var route: ProblemRoute

    public init(text: String, route: ProblemRoute) {
        self.text = text
        self.route = route
    }
}

/// What a visit recorded.
public struct ReturnVisitResult: Equatable, Sendable {
    public var channel: String
    public var satisfaction: Int
    public var cooperation: CooperationStatus
    public var notes: String
    public var problems: [ReturnVisitProblem]

    public init(
        channel: String, satisfaction: Int, cooperation: CooperationStatus, notes: String,
        problems: [ReturnVisitProblem]
    ) {
        self.channel = channel
        self.satisfaction = satisfaction
        self.cooperation = cooperation
        self.notes = notes
        self.problems = problems
    }
}

/// A problem as typed in a form or sent to the API.
public struct ProblemInput: Equatable, Sendable {
    public var text: String?
    public var route: String?

    public init(text: String?, route: String?) {
        self.text = text
        self.route = route
    }
}

public enum ReturnVisitRules {
    public static let channels = ["phone", "wechat", "email", "visit", "meeting", "other"]
    public static let maxProblems = 5

    /// Reads a visit's result; the problems by field (`problems.N.text`, `problems.N.route`). A problem
    /// row left wholly empty is no problem; one with a route but no text is refused.
    public static func result(
        channel: String?, satisfaction: String?, cooperation: String?, notes: String?, problems: [ProblemInput]
    ) -> Result<ReturnVisitResult, FieldErrors> {
        var errors = FieldErrors()
        let channel = (channel ?? "").trimmed
        if !channels.contains(channel) {
            errors.add("channel", channel.isEmpty ? "validation.required" : "validation.choose_from_list")
        }
        let scoreText = (satisfaction ?? "").trimmed
        let score = Int(scoreText)
        if scoreText.isEmpty {
            errors.add("satisfaction", "return_visit.result_required")
        } else if score == nil || !(1...5).contains(score!) {
            errors.add("satisfaction", "survey.score_range")
        }
        let cooperationText = (cooperation ?? "").trimmed
        let status = CooperationStatus(rawValue: cooperationText)
        if status == nil {
            errors.add(
                "cooperation", cooperationText.isEmpty ? "return_visit.result_required" : "validation.choose_from_list")
        }
        let notes = (notes ?? "").trimmed
        if notes.count > 5000 { errors.add("notes", "validation.too_long") }
        var read: [ReturnVisitProblem] = []
        if problems.count > maxProblems { errors.add("problems", "validation.too_long") }
        for (index, problem) in problems.prefix(maxProblems).enumerated() {
            let text = (problem.text ?? "").trimmed, routeText = (problem.route ?? "").trimmed
            if text.isEmpty && (routeText.isEmpty || routeText == "none") { continue }
            let route = ProblemRoute(rawValue: routeText)
            if text.isEmpty {
                errors.add("problems.\(index).text", "return_visit.problem_text_required")
            } else if text.count > 2000 {
                errors.add("problems.\(index).text", "validation.too_long")
            }
            if route == nil { errors.add("problems.\(index).route", "validation.choose_from_list") }
            if let route, !text.isEmpty { read.append(ReturnVisitProblem(text: text, route: route)) }
        }
        guard errors.isEmpty, let score, let status else { return .failure(errors) }
        return .success(
            ReturnVisitResult(channel: channel, satisfaction: score, cooperation: status, notes: notes, problems: read))
    }

    /// Reads the supervisor's settings: whole days within the range per grade, a low score 1–4.
    public static func settings(daysByGrade: [String: String?], ungradedDays: String?, lowScore: String?) -> Result<
        ReturnVisitSettings, FieldErrors
    > {
        var errors = FieldErrors()
        func days(_ field: String, _ text: String?) -> Int? {
            let value = Int((text ?? "").trimmed)
            guard let value, ReturnVisitSettings.dayRange.contains(value) else {
                errors.add(field, (text ?? "").trimmed.isEmpty ? "validation.required" : "return_visit.days_range")
                return nil
            }
            return value
        }
        var byGrade: [String: Int] = [:]
        for grade in ReturnVisitSettings.grades { byGrade[grade] = days("days\(grade)", daysByGrade[grade] ?? nil) }
        let ungraded = days("ungradedDays", ungradedDays)
        let low = Int((lowScore ?? "").trimmed)
        if low == nil || !(1...4).contains(low!) { errors.add("lowScore", "return_visit.low_score_range") }
        guard errors.isEmpty, let ungraded, let low else { return .failure(errors) }
        return .success(ReturnVisitSettings(daysByGrade: byGrade, ungradedDays: ungraded, lowScore: low))
    }
}
