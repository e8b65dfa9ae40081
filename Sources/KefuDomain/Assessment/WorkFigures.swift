import Foundation

/// The figures the system records for a person, which plans target and work results are computed
/// from (R2.2, R5.3). The last three come from the complaints and surveys part.
public enum WorkFigure: String, CaseIterable, Codable, Sendable {
    /// Inquiries the person answered (closed with a reply) in the period.
    case inquiriesAnswered = "inquiries_answered"
    /// Of the promised replies due in the period, the share given by the deadline (%).
    case repliesOnTime = "replies_on_time"
    /// Of the follow-ups due in the period, the share completed by their due time (%).
    case followUpsOnTime = "follow_ups_on_time"
    /// Customers of the person moved to intent in the period.
    case customersToIntent = "customers_to_intent"
    /// Contracts of the person signed in the period.
    case contractsSigned = "contracts_signed"
    /// Of the complaints closed in the period, the share resolved within the time limit (%).
    case complaintsInTime = "complaints_in_time"
    /// The average satisfaction score (1–5) of surveys attributed to the person.
    case satisfaction
    /// Return visits done in the period.
    case returnVisitsDone = "return_visits_done"

    public enum Kind: Sendable { case count, percent, satisfaction }

    public var kind: Kind {
        switch self {
        case .inquiriesAnswered, .customersToIntent, .contractsSigned, .returnVisitsDone: .count
        case .repliesOnTime, .followUpsOnTime, .complaintsInTime: .percent
        case .satisfaction: .satisfaction
        }
    }

    /// The valid range of a target for this figure.
    public var targetRange: ClosedRange<Double> {
        switch kind {
        case .count: 1...1_000_000
        case .percent: 1...100
        case .satisfaction: 1...5
        }
    }
}

/// What a figure measured in a period.
public enum FigureValue: Equatable, Sendable, Codable {
    /// How many.
    case count(Int)
    /// `done` of `of` (a share); `of == 0` means nothing was due, so there is no share.
    case share(done: Int, of: Int)
    /// The average of `count` scores on the 1–5 survey scale.
    case average(Double, count: Int)

    /// The number compared with a target: the count, the share in percent, or the average; nil when
    /// there was nothing to measure.
    public var measured: Double? {
        switch self {
        case .count(let n): Double(n)
        case .share(let done, let of): of == 0 ? nil : Double(done) * 100 / Double(of)
        case .average(let value, let count): count == 0 ? nil : value
        }
    }
}

/// A target on a figure for a period (R2.2).
public struct WorkTarget: Equatable, Sendable, Codable {
    public var figure: WorkFigure
    public var target: Double

    public init(figure: WorkFigure, target: Double) {
        self.figure = figure
        self.target = target
    }

    /// Reads a target as typed: the figure must exist and the value must fit its scale.
    public static func validate(figure code: String, target: Double?, field: String) -> Result<WorkTarget, FieldErrors>
    {
        guard let figure = WorkFigure(rawValue: code) else {
            return .failure(FieldErrors(["\(field).figure": "assessment.error.unknown_figure"]))
        }
        guard let target, target.isFinite, figure.targetRange.contains(target) else {
            return .failure(FieldErrors(["\(field).target": "assessment.error.target_range"]))
        }
        return .success(WorkTarget(figure: figure, target: target))
    }
}

/// The first and last day of a period (month, quarter or year), both included.
public struct AssessmentPeriod: Equatable, Sendable, Codable {
    public var start: CalendarDay
    public var end: CalendarDay

    public init?(start: CalendarDay, end: CalendarDay) {
        guard start <= end else { return nil }
        self.start = start
        self.end = end
    }

    public var days: Int { start.days(until: end) + 1 }

    /// Days of the period the person was on the staff: from the later of the start and the day they
    /// joined to the end. Zero when they joined after the period.
    public func daysPresent(joinedOn: CalendarDay?) -> Int {
        guard let joinedOn, joinedOn > start else { return days }
        return max(0, joinedOn.days(until: end) + 1)
    }
}
