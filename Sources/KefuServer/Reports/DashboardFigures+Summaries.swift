import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The dashboard's figures read from the per-day summaries (``ReportSummary``) where the period is whole
/// office days and the filter is one the summary keeps; otherwise the figures count the records
/// themselves (a person's or a channel's records are few). Both give the same numbers: the summary
/// tests recount every summary from the records after writes of every kind.
extension DashboardFigures {
    /// The summary's days of a span, when the span is whole office days.
    static func days(_ span: (start: Date, end: Date)) -> (first: Int, end: Int)? {
        guard ReportSQL.isMidnight(span.start), ReportSQL.isMidnight(span.end) else { return nil }
        return (ReportSQL.localDay(span.start), ReportSQL.localDay(span.end))
    }

    /// The summaries keep persons as 0 for nobody.
    static func person(_ id: Int?) -> Int { id ?? 0 }

    private var staffCondition: SQLQueryString {
        filter.staffID.map { " AND staff_id = \(bind: $0)" } ?? ""
    }

    private func sums(_ statement: SQLQueryString) async throws -> [(key: Int, n: Int)] {
        try await database.sql().raw(statement).all().map { row in
            (try row.decode(column: "k", as: Int.self), try row.decode(column: "n", as: Int?.self) ?? 0)
        }
    }

    func summaryFunnel() async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT stage, CAST(SUM(n) AS BIGINT) AS n FROM report_customer_stages WHERE 1 = 1\(staffCondition) GROUP BY stage
            """
        ).all() {
            counts[try row.decode(column: "stage", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// Inquiries by channel from the summary; nil when the filter names a person.
    func summaryInquiriesByChannel(_ span: (start: Date, end: Date)) async throws -> [String: Int]? {
        guard filter.staffID == nil, let days = Self.days(span) else { return nil }
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT channel, CAST(SUM(received) AS BIGINT) AS n FROM report_inquiry_channel_days
            WHERE day >= \(bind: days.first) AND day < \(bind: days.end)\(channelCondition) GROUP BY channel
            """
        ).all() {
            counts[try row.decode(column: "channel", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    private var channelCondition: SQLQueryString {
        filter.channel.map { " AND channel = \(bind: $0)" } ?? ""
    }

    /// Inquiries by the office's weekday (Monday 0), from the summary.
    func summaryInquiriesByWeekday(_ span: (start: Date, end: Date)) async throws -> [Int: Int]? {
        guard filter.staffID == nil, let days = Self.days(span) else { return nil }
        return Dictionary(
            try await sums(
                """
                SELECT ((day + 3) % 7) AS k, CAST(SUM(received) AS BIGINT) AS n FROM report_inquiry_channel_days
                WHERE day >= \(bind: days.first) AND day < \(bind: days.end)\(channelCondition) GROUP BY ((day + 3) % 7)
                """), uniquingKeysWith: +)
    }

    /// Inquiries by the office's hour, from the summary (which keeps no person and no channel).
    func summaryInquiriesByHour(_ span: (start: Date, end: Date)) async throws -> [Int: Int]? {
        guard filter.staffID == nil, filter.channel == nil, let days = Self.days(span) else { return nil }
        return Dictionary(
            try await sums(
                """
                SELECT hour AS k, CAST(SUM(received) AS BIGINT) AS n FROM report_inquiry_hour_days
                WHERE day >= \(bind: days.first) AND day < \(bind: days.end) GROUP BY hour
                """), uniquingKeysWith: +)
    }

    /// The count of a compared figure in the span, from its summary; nil when the filter is one it does not keep.
    func summaryCount(_ figure: Figure, _ span: (start: Date, end: Date)) async throws -> Int? {
        guard let days = Self.days(span) else { return nil }
        let range: SQLQueryString = "day >= \(bind: days.first) AND day < \(bind: days.end)"
        let statement: SQLQueryString
        switch figure {
        case .inquiriesReceived:
            guard filter.staffID == nil else { return nil }
            statement =
                "SELECT 0 AS k, CAST(SUM(received) AS BIGINT) AS n FROM report_inquiry_channel_days WHERE \(range)\(channelCondition)"
        case .complaintsReceived:
            guard filter.staffID == nil, filter.projectID == nil else { return nil }
            statement =
                "SELECT 0 AS k, CAST(SUM(received) AS BIGINT) AS n FROM \(MonthSummaries.rows(ReportSummary.complaints, days: days)) s"
        case .followUpsDue:
            statement =
                "SELECT 0 AS k, CAST(SUM(due) AS BIGINT) AS n FROM report_follow_up_days WHERE \(range)\(staffCondition)"
        default:
            return nil
        }
        return try await sums(statement).first?.n ?? 0
    }

    /// Complaints by category from the summary, when no person or project narrows them.
    func summaryComplaintsByCategory(_ span: (start: Date, end: Date)) async throws -> [String: Int]? {
        guard filter.staffID == nil, filter.projectID == nil, let days = Self.days(span) else { return nil }
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT category, CAST(SUM(received) AS BIGINT) AS n FROM \(MonthSummaries.rows(ReportSummary.complaints, days: days)) s
            GROUP BY category
            """
        ).all() {
            counts[try row.decode(column: "category", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts.filter { $0.value > 0 }
    }

    /// Each person's answered inquiries and their mean time to the first answer, from the summary.
    func summaryResponseTimes(_ span: (start: Date, end: Date)) async throws -> [PersonResponse]? {
        guard filter.channel == nil, let days = Self.days(span) else { return nil }
        let rows = try await database.sql().raw(
            """
            SELECT s.staff_id AS staff_id, staff.display_name AS name, s.n AS n, s.seconds AS seconds
            FROM (SELECT staff_id, CAST(SUM(answered) AS BIGINT) AS n, CAST(SUM(seconds) AS DOUBLE PRECISION) AS seconds
                  FROM \(MonthSummaries.rows(ReportSummary.inquiryAnswers, days: days)) a WHERE 1 = 1\(staffCondition) GROUP BY staff_id) s
            LEFT JOIN staff ON staff.id = s.staff_id WHERE s.n > 0
            """
        ).all()
        return try rows.map { row in
            let staffID = try row.decode(column: "staff_id", as: Int.self)
            let n = try row.decode(column: "n", as: Int.self)
            return PersonResponse(
                staffID: staffID == 0 ? nil : staffID, name: try row.decode(column: "name", as: String?.self),
                answered: n,
                averageMinutes: max(0, try row.decode(column: "seconds", as: Double.self) / Double(n)) / 60)
        }
    }

    /// Follow-ups due on whole days before `now`'s day, per person: done on time, and not (late or not yet done).
    /// Every day before today is over, so a follow-up due then that was not done by its due time is late.
    func summaryFollowUps(fromDay first: Int, toDay end: Int) async throws -> [Int?: PersonFollowUps] {
        guard first < end else { return [:] }
        var people: [Int?: PersonFollowUps] = [:]
        for row in try await database.sql().raw(
            """
            SELECT s.staff_id AS staff_id, staff.display_name AS name, s.due AS due, s.on_time AS on_time
            FROM (SELECT staff_id, CAST(SUM(due) AS BIGINT) AS due, CAST(SUM(on_time) AS BIGINT) AS on_time FROM report_follow_up_days
                  WHERE day >= \(bind: first) AND day < \(bind: end)\(staffCondition) GROUP BY staff_id) s
            LEFT JOIN staff ON staff.id = s.staff_id WHERE s.due > 0
            """
        ).all() {
            let id = try row.decode(column: "staff_id", as: Int.self)
            let staffID: Int? = id == 0 ? nil : id
            let due = try row.decode(column: "due", as: Int.self),
                onTime = try row.decode(column: "on_time", as: Int.self)
            people[staffID] = PersonFollowUps(
                staffID: staffID, name: try row.decode(column: "name", as: String?.self), onTime: onTime,
                late: due - onTime)
        }
        return people
    }

    /// Open follow-ups due before `day`, per person.
    func summaryOpenFollowUps(beforeDay day: Int) async throws -> [(staffID: Int?, name: String?, count: Int)] {
        try await database.sql().raw(
            """
            SELECT s.staff_id AS staff_id, staff.display_name AS name, s.n AS n
            FROM (SELECT staff_id, CAST(SUM(pending) AS BIGINT) AS n FROM report_follow_up_days WHERE day < \(bind: day)\(staffCondition) GROUP BY staff_id) s
            LEFT JOIN staff ON staff.id = s.staff_id WHERE s.n > 0
            """
        ).all().map { row in
            let id = try row.decode(column: "staff_id", as: Int.self)
            return (
                id == 0 ? nil : id, try row.decode(column: "name", as: String?.self),
                try row.decode(column: "n", as: Int.self)
            )
        }
    }
}
