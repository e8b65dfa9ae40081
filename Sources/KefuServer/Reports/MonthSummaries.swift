import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Per-month copies of the largest per-day summaries (issue 16 "Speed"): a year of per-day × per-key rows
/// is tens of thousands of rows to add up per request (a year of the needs' industries alone 61,000), the
/// same per month a few thousand. A month's row is keyed by the office day its month begins on, so a reader
/// takes the whole months of a period from the month table, dated on their first day, and the days of a
/// partial month at either end from the day table (``rows(_:days:)``): the same rows added up either way.
/// The triggers keep the month tables as they keep the days (``ReportSummary``).
enum MonthSummaries {
    /// The same summary per office month: its first key, the day, becomes the day its month begins on.
    static func byMonth(_ summary: ReportSummary) -> ReportSummary {
        precondition(summary.keys.first?.name == "day", "a month summary is made from a summary keyed by day first")
        var months = summary
        let day = summary.keys[0].value
        months.keys[0] = ("month", "BIGINT", { row, dialect in ReportSQL.monthStartText(day(row, dialect), dialect) })
        months.table = summary.table + "_months"
        return months
    }

    /// The day summaries that also keep months (the step times' bands keep theirs: ``StepTimeSummaries``).
    static var daily: [ReportSummary] {
        [
            ReportSummary.inquiryAnswers, ReportSummary.complaints, NeedsSummaries.industry, NeedsSummaries.region,
            NeedsSummaries.budget, NeedsSummaries.timing, NeedsSummaries.interest, NeedsSummaries.rejection,
        ]
    }

    static var summaries: [ReportSummary] { daily.map(byMonth) }

    /// The whole months within the office days `first ..< end`: from the day the first of them begins on to
    /// the day after the last (empty when there is none).
    static func wholeMonths(_ days: (first: Int, end: Int)) -> (first: Int, end: Int) {
        func day(_ number: Int) -> CalendarDay {
            CalendarDay(Date(timeIntervalSince1970: Double(number) * 86_400), timeZone: TimeZone(secondsFromGMT: 0)!)
        }
        let start = day(days.first)
        let firstMonth = start.day == 1 ? ReportMonth(start) : ReportMonth(start).adding(months: 1)
        let end = day(days.end)
        let endMonth = ReportMonth(end)
        func begins(_ month: ReportMonth) -> Int {
            CalendarDay(year: month.year, month: month.month, day: 1)!.daysSinceEpoch
        }
        let first = begins(firstMonth), last = begins(endMonth)
        return first < last ? (first, last) : (days.end, days.end)
    }

    /// The summary's rows over the office days `first ..< end` as a derived table with the day summary's
    /// columns: the whole months' rows (their `day` the day the month begins on) and the other days' rows.
    static func rows(_ summary: ReportSummary, days: (first: Int, end: Int)) -> SQLQueryString {
        let months = wholeMonths(days)
        let others = summary.columns.dropFirst().joined(separator: ", ")
        return """
            (SELECT month AS day, \(unsafeRaw: others) FROM \(unsafeRaw: summary.table)_months
             WHERE month >= \(bind: months.first) AND month < \(bind: months.end)
             UNION ALL SELECT day, \(unsafeRaw: others) FROM \(unsafeRaw: summary.table)
             WHERE day >= \(bind: days.first) AND day < \(bind: months.first) OR day >= \(bind: months.end) AND day < \(bind: days.end))
            """
    }
}

/// Creates the month summaries and their triggers, filled from the records already there.
struct CreateMonthSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(MonthSummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(MonthSummaries.summaries, on: database)
    }
}
