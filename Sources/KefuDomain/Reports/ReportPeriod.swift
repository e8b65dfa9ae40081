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
    public static func parse(from fromText: String?, to toText: String?, today: CalendarDay) -> Result<
        ReportPeriod, FieldErrors
    > {
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

/// The periods a dashboard compares with (issue 16 §2 "对比"): the one just before, of the same length,
/// and the same days one year earlier (29 February reads as 28 February).
extension ReportPeriod {
    public var previous: ReportPeriod {
        ReportPeriod(from: from.adding(days: -days), to: from.adding(days: -1))
    }

    public var sameDaysLastYear: ReportPeriod {
        func back(_ day: CalendarDay) -> CalendarDay {
            CalendarDay(year: day.year - 1, month: day.month, day: day.day) ?? CalendarDay(
                year: day.year - 1, month: day.month, day: 28)!
        }
        return ReportPeriod(from: back(from), to: back(to))
    }

    /// The twelve months ending with `today`'s month, from the first of the first month to `today`: the default
    /// period of the month-by-month reports.
    public static func lastTwelveMonths(endingOn today: CalendarDay) -> ReportPeriod {
        let first = ReportMonth(year: today.year, month: today.month).adding(months: -11)
        return ReportPeriod(from: CalendarDay(year: first.year, month: first.month, day: 1)!, to: today)
    }

    /// The months the period touches, in order.
    public var months: [ReportMonth] {
        var month = ReportMonth(year: from.year, month: from.month)
        let last = ReportMonth(year: to.year, month: to.month)
        var result: [ReportMonth] = []
        while month <= last {
            result.append(month)
            month = month.adding(months: 1)
        }
        return result
    }
}

/// A calendar month, "2026-11".
public struct ReportMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init(_ day: CalendarDay) { self.init(year: day.year, month: day.month) }

    /// Reads "2026-11"; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]),
            (1...12).contains(month), year >= 1900
        else { return nil }
        self.init(year: year, month: month)
    }

    public func adding(months: Int) -> ReportMonth {
        let index = year * 12 + (month - 1) + months
        return ReportMonth(year: index / 12, month: index % 12 + 1)
    }

    public var description: String { String(year) + "-" + (month < 10 ? "0" : "") + String(month) }

    public static func < (lhs: ReportMonth, rhs: ReportMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
