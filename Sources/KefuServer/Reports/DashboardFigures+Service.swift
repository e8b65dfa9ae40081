import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The dashboard's service figures (issue 16 §2, second part): when inquiries arrive (weekday, hour),
/// how fast each person answers, whether promised replies came on time, and the counts compared with
/// other periods. Each reads its rows through ``DashboardFigures/source(_:key:span:now:dialect:)``.
extension DashboardFigures {
    /// Counts grouped by an expression of a figure's rows.
    private func grouped(_ figure: Figure, by expression: SQLQueryString, span: (start: Date, end: Date), now: Date)
        async throws -> [Int: Int]
    {
        let source = Self.source(figure, key: nil, span: span, now: now, dialect: database.dialect, filter: filter)
        var counts: [Int: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT \(expression) AS k, COUNT(*) AS n FROM \(unsafeRaw: source.table) WHERE \(source.condition) GROUP BY \(expression)
            """
        ).all() {
            counts[try row.decode(column: "k", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// Inquiries received in the period on each weekday, Monday first.
    func inquiriesByWeekday(_ span: (start: Date, end: Date)) async throws -> [Int] {
        var counts = try await summaryInquiriesByWeekday(span)
        if counts == nil {
            counts = try await grouped(
                .inquiriesByWeekday, by: ReportSQL.localWeekday("received_at", database.dialect), span: span,
                now: span.end)
        }
        return (0..<7).map { counts?[$0] ?? 0 }
    }

    /// Inquiries received in the period in each hour of the office's day, 0 to 23.
    func inquiriesByHour(_ span: (start: Date, end: Date)) async throws -> [Int] {
        var counts = try await summaryInquiriesByHour(span)
        if counts == nil {
            counts = try await grouped(
                .inquiriesByHour, by: ReportSQL.localHour("received_at", database.dialect), span: span, now: span.end)
        }
        return (0..<24).map { counts?[$0] ?? 0 }
    }

    struct PersonResponse: Equatable, Sendable {
        var staffID: Int?
        var name: String?
        var answered: Int
        /// The mean time from receiving an inquiry to its first answer.
        var averageMinutes: Double
    }

    /// Per person: inquiries received in the period and answered, and their mean response time.
    func responseTimes(_ span: (start: Date, end: Date)) async throws -> [PersonResponse] {
        if let summary = try await summaryResponseTimes(span) { return Self.sorted(summary) }
        let dialect = database.dialect
        let source = Self.source(
            .inquiriesAnswered, key: nil, span: span, now: span.end, dialect: dialect, filter: filter)
        let seconds: SQLQueryString =
            ReportSQL.epoch("inquiries.first_answered_at", dialect) + " - "
            + ReportSQL.epoch("inquiries.received_at", dialect)
        let rows = try await database.sql().raw(
            """
            SELECT inquiries.staff_id AS staff_id, staff.display_name AS name, COUNT(*) AS n, CAST(AVG(\(seconds)) AS DOUBLE PRECISION) AS seconds
            FROM inquiries LEFT JOIN staff ON staff.id = inquiries.staff_id
            WHERE \(source.condition) GROUP BY inquiries.staff_id, staff.display_name
            """
        ).all()
        return Self.sorted(
            try rows.map { row in
                PersonResponse(
                    staffID: try row.decode(column: "staff_id", as: Int?.self),
                    name: try row.decode(column: "name", as: String?.self),
                    answered: try row.decode(column: "n", as: Int.self),
                    averageMinutes: max(0, try row.decode(column: "seconds", as: Double?.self) ?? 0) / 60)
            })
    }

    private static func sorted(_ people: [PersonResponse]) -> [PersonResponse] {
        people.sorted { ($0.name ?? "\u{10FFFF}", $0.staffID ?? 0) < ($1.name ?? "\u{10FFFF}", $1.staffID ?? 0) }
    }

    /// Promised replies due in the period (and by now), per person: given on time, and late or not yet given.
    func replies(_ span: (start: Date, end: Date), now: Date) async throws -> [PersonFollowUps] {
        var people: [Int?: PersonFollowUps] = [:]
        var recordSpan = span
        // Whole days before today from the summary, today's promises (due by now) from the records.
        let today = ReportSQL.localDay(now)
        if let days = Self.days(span),
            let summarized = try await summaryReplies(fromDay: days.first, toDay: min(days.end, today))
        {
            people = summarized
            recordSpan.start = max(span.start, Self.start(ofDay: today))
        }
        guard recordSpan.start < min(span.end, now) else { return Self.sortedPeople(people) }
        for figure in [Figure.repliesOnTime, .repliesLate] {
            let source = Self.source(
                figure, key: nil, span: recordSpan, now: now, dialect: database.dialect, filter: filter)
            for row in try await database.sql().raw(
                """
                SELECT s.staff_id AS staff_id, staff.display_name AS name, s.n AS n
                FROM (SELECT staff_id, COUNT(*) AS n FROM inquiries WHERE \(source.condition) GROUP BY staff_id) s
                LEFT JOIN staff ON staff.id = s.staff_id
                """
            ).all() {
                let staffID = try row.decode(column: "staff_id", as: Int?.self)
                let name = try row.decode(column: "name", as: String?.self)
                var person = people[staffID] ?? PersonFollowUps(staffID: staffID, name: name, onTime: 0, late: 0)
                let n = try row.decode(column: "n", as: Int.self)
                if figure == .repliesOnTime { person.onTime += n } else { person.late += n }
                people[staffID] = person
            }
        }
        return Self.sortedPeople(people)
    }

    static func sortedPeople(_ people: [Int?: PersonFollowUps]) -> [PersonFollowUps] {
        people.values.sorted {
            ($0.name ?? "\u{10FFFF}", $0.staffID ?? 0) < ($1.name ?? "\u{10FFFF}", $1.staffID ?? 0)
        }
    }

    /// What the comparison of periods counts: inquiries and complaints received, follow-ups due.
    struct PeriodCounts: Equatable, Sendable {
        var inquiries: Int
        var complaints: Int
        var followUpsDue: Int
    }

    static let comparedFigures: [Figure] = [.inquiriesReceived, .complaintsReceived, .followUpsDue]

    func counts(_ span: (start: Date, end: Date)) async throws -> PeriodCounts {
        var values: [Int] = []
        for figure in Self.comparedFigures {
            if let count = try await summaryCount(figure, span) {
                values.append(count)
                continue
            }
            let source = Self.source(
                figure, key: nil, span: span, now: span.end, dialect: database.dialect, filter: filter)
            let row = try await database.sql().raw(
                "SELECT COUNT(*) AS n FROM \(unsafeRaw: source.table) WHERE \(source.condition)"
            ).first()
            values.append(try row?.decode(column: "n", as: Int.self) ?? 0)
        }
        return PeriodCounts(inquiries: values[0], complaints: values[1], followUpsDue: values[2])
    }
}
