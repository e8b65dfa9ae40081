import Foundation
import KefuDomain
import SQLKit

/// The few expressions the reports need that the two databases write differently: seconds since 1970 of
/// a stored time, and the office's hour and weekday of it. SQLite stores a time as seconds since 1970
/// (SQLiteNIO), PostgreSQL as `timestamptz`. The office's clock is China Standard Time, which has no
/// daylight saving, so a fixed offset gives its hour and day.
enum ReportSQL {
    static var offsetSeconds: Int { DisplayFormat.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_767_225_600)) }

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
        case .postgres: return "CAST(FLOOR((EXTRACT(EPOCH FROM \(unsafeRaw: column)) + \(literal: offsetSeconds)) / \(literal: seconds)) AS BIGINT)"
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
}
