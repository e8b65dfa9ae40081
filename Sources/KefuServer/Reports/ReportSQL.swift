import Foundation
import KefuDomain
import SQLKit

/// The few expressions the reports need that the two databases write differently: seconds since 1970 of
/// a stored time, and the office's hour and weekday of it. SQLite stores a time as seconds since 1970
/// (SQLiteNIO), PostgreSQL as `timestamptz`. The office's clock is China Standard Time, which has no
/// daylight saving, so a fixed offset gives its hour and day.
enum ReportSQL {
    static var offsetSeconds: Int {
        DisplayFormat.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_767_225_600))
    }

    /// Seconds since 1970 of a time column (a column name from this file's callers, never input).
    static func epoch(_ column: String, _ dialect: DatabaseDialect) -> SQLQueryString {
        switch dialect {
        case .sqlite: return "\(unsafeRaw: column)"
        case .postgres: return "EXTRACT(EPOCH FROM \(unsafeRaw: column))"
        }
    }

    /// Whole units of `seconds` since 1970 on the office's clock (hours, days).
    private static func localUnits(_ column: String, _ seconds: Int, _ dialect: DatabaseDialect) -> SQLQueryString {
        switch dialect {
        case .sqlite: return "CAST((\(unsafeRaw: column) + \(literal: offsetSeconds)) / \(literal: seconds) AS INTEGER)"
        case .postgres:
            return
                "CAST(FLOOR((EXTRACT(EPOCH FROM \(unsafeRaw: column)) + \(literal: offsetSeconds)) / \(literal: seconds)) AS BIGINT)"
        }
    }

    /// The office's hour of the day, 0…23.
    static func localHour(_ column: String, _ dialect: DatabaseDialect) -> SQLQueryString {
        "(" + localUnits(column, 3_600, dialect) + " % 24)"
    }

    /// The office's weekday, Monday 0 … Sunday 6 (``LocalClock/weekday(daysSinceEpoch:)``).
    static func localWeekday(_ column: String, _ dialect: DatabaseDialect) -> SQLQueryString {
        "((" + localUnits(column, 86_400, dialect) + " + 3) % 7)"
    }

    /// The office's day of a time (days since 1970 on its clock), as statement text for the summaries'
    /// triggers, which take no bound values; the same arithmetic as ``localWeekday(_:_:)``.
    static func localDayText(_ column: String, _ dialect: DatabaseDialect) -> String {
        localUnitsText(column, 86_400, dialect)
    }

    /// The office day a month begins on, of a statement giving an office day: the month summaries' key.
    static func monthStartText(_ day: String, _ dialect: DatabaseDialect) -> String {
        switch dialect {
        case .sqlite: "(CAST(strftime('%s', (\(day)) * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400)"
        case .postgres:
            "CAST(EXTRACT(EPOCH FROM date_trunc('month', to_timestamp((\(day)) * 86400) AT TIME ZONE 'UTC')) / 86400 AS BIGINT)"
        }
    }

    static func localHourText(_ column: String, _ dialect: DatabaseDialect) -> String {
        "(" + localUnitsText(column, 3_600, dialect) + " % 24)"
    }

    static func epochText(_ column: String, _ dialect: DatabaseDialect) -> String {
        switch dialect {
        case .sqlite: column
        case .postgres: "EXTRACT(EPOCH FROM \(column))"
        }
    }

    private static func localUnitsText(_ column: String, _ seconds: Int, _ dialect: DatabaseDialect) -> String {
        switch dialect {
        case .sqlite: "CAST((\(column) + \(offsetSeconds)) / \(seconds) AS INTEGER)"
        case .postgres: "CAST(FLOOR((EXTRACT(EPOCH FROM \(column)) + \(offsetSeconds)) / \(seconds)) AS BIGINT)"
        }
    }

    /// The office's day an instant falls on (days since 1970 on its clock).
    static func localDay(_ instant: Date) -> Int {
        Int(((instant.timeIntervalSince1970 + Double(offsetSeconds)) / 86_400).rounded(.down))
    }

    /// Whether an instant is the office's midnight, where a summary's days begin and end.
    static func isMidnight(_ instant: Date) -> Bool {
        (instant.timeIntervalSince1970 + Double(offsetSeconds)).truncatingRemainder(dividingBy: 86_400) == 0
    }
}
