import Foundation

/// The period a report covers: from one day to another, both included, in the office's calendar
/// (issue 16 "Bad input": a reversed period or one longer than allowed is refused at its field).
public struct ReportPeriod: Equatable, Sendable {
    public var from: CalendarDay
    public var to: CalendarDay

    /// The longest period a report reads: two years.
    public static let maximumDays = 731

    public init(from: CalendarDay, to: CalendarDay) {
        self.from = from
        self.to = to
    }

    /// Reads the filter's texts. Empty texts take the default: the 30 days ending `today`.
    /// Errors are message keys at the fields `from` and `to`.
    public static func parse(from fromText: String?, to toText: String?, today: CalendarDay) -> Result<ReportPeriod, FieldErrors> {
        var errors = FieldErrors()
        let fromTrimmed = (fromText ?? "").trimmingCharacters(in: .whitespaces)
        let toTrimmed = (toText ?? "").trimmingCharacters(in: .whitespaces)
        let to = toTrimmed.isEmpty ? today : CalendarDay(toTrimmed)
        if to == nil { errors.add("to", "validation.report.date") }
        let from = fromTrimmed.isEmpty ? (to ?? today).adding(days: -29) : CalendarDay(fromTrimmed)
        if from == nil { errors.add("from", "validation.report.date") }
        if let from, let to {
            if to < from {
                errors.add("to", "validation.report.reversed")
            } else if from.days(until: to) + 1 > maximumDays {
                errors.add("to", "validation.report.too_long")
            }
        }
        guard errors.isEmpty, let from, let to else { return .failure(errors) }
        return .success(ReportPeriod(from: from, to: to))
    }

    /// The first instant of `from` and the first instant after `to`, in `timeZone`: the half-open range
    /// the queries read (`at >= start AND at < end`).
    public func instants(in timeZone: TimeZone) -> (start: Date, end: Date) {
        func start(of day: CalendarDay) -> Date {
            let utc = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            return utc.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: utc)))
        }
        return (start(of: from), start(of: to.adding(days: 1)))
    }

    public var days: Int { from.days(until: to) + 1 }
}
