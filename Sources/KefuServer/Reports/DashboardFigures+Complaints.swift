import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The dashboard's complaint and overdue figures (issue 16 §2, third part): complaints by severity with the
/// share resolved within the severity's time limit, complaints by the department they were forwarded to,
/// and each person's overdue work now (R6.3). Each reads its rows through ``DashboardFigures/source(_:key:span:now:dialect:filter:)``.
extension DashboardFigures {
    struct SeverityCount: Equatable, Sendable {
        var severity: String
        var count: Int
        /// Of those, resolved by now, and resolved within the resolution limit (working hours on the one calendar).
        var resolved: Int
        var inTime: Int
    }

    /// Complaints received in the period by severity, every severity listed. In time is counted as the
    /// assessments count it (`ComplaintServiceQualityFigures`): working hours from receipt to resolution
    /// within the severity's resolution limit.
    func complaintsBySeverity(_ span: (start: Date, end: Date)) async throws -> [SeverityCount] {
        if filter.staffID == nil, filter.projectID == nil, let days = Self.days(span) {
            var counts = try await ComplaintSeverityDays(database: database).counts(
                fromDay: days.first, toDay: days.end)
            let known = ComplaintSeverity.allCases.map(\.rawValue)
            let unknown = counts.keys.filter { !known.contains($0) && counts[$0]!.count > 0 }.sorted()
            for code in known where counts[code] == nil {
                counts[code] = SeverityCount(severity: code, count: 0, resolved: 0, inTime: 0)
            }
            return (known + unknown).map { counts[$0]! }
        }
        let source = Self.source(
            .complaintsBySeverity, key: nil, span: span, now: span.end, dialect: database.dialect, filter: filter)
        let rows = try await database.sql().raw(
            """
            SELECT severity, received_at, resolved_at FROM complaints WHERE \(source.condition)
            """
        ).all()
        var counts = Dictionary(
            uniqueKeysWithValues: ComplaintSeverity.allCases.map {
                ($0.rawValue, SeverityCount(severity: $0.rawValue, count: 0, resolved: 0, inTime: 0))
            })
        guard !rows.isEmpty else { return ComplaintSeverity.allCases.map { counts[$0.rawValue]! } }
        let calendar = try await WorkingCalendarStore(database: database).load()
        let limits = try await ComplaintStore(database: database).limits()
        for row in rows {
            let code = try row.decode(column: "severity", as: String.self)
            var count = counts[code] ?? SeverityCount(severity: code, count: 0, resolved: 0, inTime: 0)
            count.count += 1
            if let resolved = try row.decode(column: "resolved_at", as: Date?.self) {
                count.resolved += 1
                let hours =
                    calendar.workingSeconds(from: try row.decode(column: "received_at", as: Date.self), to: resolved)
                    / 3600
                let severity = ComplaintSeverity(rawValue: code) ?? .normal
                if hours <= limits[severity]?.resolutionHours ?? ComplaintTimeLimits.defaults(severity).resolutionHours
                {
                    count.inTime += 1
                }
            }
            counts[code] = count
        }
        let known = ComplaintSeverity.allCases.map(\.rawValue)
        return known.map { counts[$0]! } + counts.keys.filter { !known.contains($0) }.sorted().map { counts[$0]! }
    }

    struct DepartmentCount: Equatable, Sendable {
        var departmentID: Int
        var name: String
        var count: Int
    }

    /// Complaints received in the period and forwarded to each department (a complaint forwarded to two counts for both).
    func complaintsByDepartment(_ span: (start: Date, end: Date)) async throws -> [DepartmentCount] {
        let sql = try database.sql()
        if filter.staffID == nil, filter.projectID == nil, let days = Self.days(span) {
            return try await sql.raw(
                """
                SELECT s.department_id AS id, departments.name AS name, s.n AS n
                FROM (SELECT department_id, CAST(SUM(complaints) AS BIGINT) AS n FROM report_complaint_forward_days
                      WHERE day >= \(bind: days.first) AND day < \(bind: days.end) GROUP BY department_id) s
                JOIN departments ON departments.id = s.department_id WHERE s.n > 0 ORDER BY departments.name, s.department_id
                """
            ).all().map { row in
                DepartmentCount(
                    departmentID: try row.decode(column: "id", as: Int.self),
                    name: try row.decode(column: "name", as: String.self),
                    count: try row.decode(column: "n", as: Int.self))
            }
        }
        var result: [DepartmentCount] = []
        for row in try await sql.raw(
            """
            SELECT id, name FROM departments WHERE id IN (SELECT department_id FROM complaint_forwards) ORDER BY name, id
            """
        ).all() {
            let id = try row.decode(column: "id", as: Int.self)
            let source = Self.source(
                .complaintsByDepartment, key: String(id), span: span, now: span.end, dialect: database.dialect,
                filter: filter)
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM complaints WHERE \(source.condition)").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            if count > 0 {
                result.append(
                    DepartmentCount(
                        departmentID: id, name: try row.decode(column: "name", as: String.self), count: count))
            }
        }
        return result
    }

    struct PersonOverdue: Equatable, Sendable {
        var staffID: Int?
        var name: String?
        var followUps: Int
        var replies: Int
    }

    /// R6.3: each person's work past its time now — open follow-ups and promised replies not given.
    func overdue(now: Date) async throws -> [PersonOverdue] {
        var people: [Int?: PersonOverdue] = [:]
        // Follow-ups due before today from the summary; today's from the records.
        let today = ReportSQL.localDay(now)
        for open in try await summaryOpenFollowUps(beforeDay: today) {
            people[open.staffID] = PersonOverdue(
                staffID: open.staffID, name: open.name, followUps: open.count, replies: 0)
        }
        let todayFollowUps: SQLQueryString =
            "completed_at IS NULL AND due_at >= \(bind: Self.start(ofDay: today)) AND due_at < \(bind: now)"
            + filter.condition(for: "follow_ups")
        // The same rows as `.repliesOverdue` lists; the deadline inside COALESCE is no range for the deadlines'
        // indexes (which hold every promise ever made), so the (status, person, deadline) index is read alone.
        let replies: SQLQueryString =
            "status = 'promised' AND COALESCE(promised_by, \(bind: now)) < \(bind: now)"
            + filter.condition(for: "inquiries")
        for (figure, source) in [
            (Figure.followUpsOverdue, (table: "follow_ups", condition: todayFollowUps)),
            (.repliesOverdue, (table: "inquiries", condition: replies)),
        ] {
            // Counted per person first, names joined to the counts: no record row is read for its person.
            for row in try await database.sql().raw(
                """
                SELECT s.staff_id AS staff_id, staff.display_name AS name, s.n AS n
                FROM (SELECT staff_id, COUNT(*) AS n FROM \(unsafeRaw: source.table) WHERE \(source.condition) GROUP BY staff_id) s
                LEFT JOIN staff ON staff.id = s.staff_id
                """
            ).all() {
                let staffID = try row.decode(column: "staff_id", as: Int?.self)
                let name = try row.decode(column: "name", as: String?.self)
                var person = people[staffID] ?? PersonOverdue(staffID: staffID, name: name, followUps: 0, replies: 0)
                let n = try row.decode(column: "n", as: Int.self)
                if figure == .followUpsOverdue { person.followUps += n } else { person.replies += n }
                people[staffID] = person
            }
        }
        return people.values.sorted {
            ($0.name ?? "\u{10FFFF}", $0.staffID ?? 0) < ($1.name ?? "\u{10FFFF}", $1.staffID ?? 0)
        }
    }
}
