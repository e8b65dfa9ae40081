import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Complaints by severity per office day of receipt, with how many were resolved and resolved within the
/// severity's limit. Whether a resolution was in time is working hours on the one calendar, which only
/// Swift computes, so no trigger can keep this figure. Instead a trigger counts the changes of each day's
/// complaints (``ReportSummary/complaintChanges``), and a day's figures are kept with the change count and
/// the calendar and limits they were counted with: a day whose count or calendar moved on is recounted
/// from its few complaints when next read. A recount that raced with a write keeps the older count and
/// is simply recounted again.
struct ComplaintSeverityDays {
    let database: any Database

    static let tables = [
        "CREATE TABLE report_complaint_severity_days (day BIGINT NOT NULL PRIMARY KEY, changes BIGINT NOT NULL, stamp TEXT NOT NULL, figures TEXT NOT NULL)"
    ]

    /// What the figures depend on beside the complaints: the calendar and the limits, written out in a fixed order.
    static func stamp(_ calendar: WorkingCalendar, _ limits: [ComplaintSeverity: ComplaintTimeLimits]) -> String {
        let weekdays = calendar.weekdays.sorted().map(String.init).joined(separator: ",")
        let exceptions = calendar.sortedExceptions.map { "\($0)" }.joined(separator: ";")
        let hours = ComplaintSeverity.allCases.map {
            "\($0.rawValue)=\(limits[$0]?.resolutionHours ?? ComplaintTimeLimits.defaults($0).resolutionHours)"
        }
        return "\(calendar.hours)|\(weekdays)|\(calendar.utcOffset)|\(exceptions)|\(hours.joined(separator: ","))"
    }

    /// The severities' counts of the days `[first, end)`, every day's figures current.
    func counts(fromDay first: Int, toDay end: Int) async throws -> [String: DashboardFigures.SeverityCount] {
        let sql = try database.sql()
        var changes: [Int: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT day, changes FROM report_complaint_changed_days WHERE day >= \(bind: first) AND day < \(bind: end)
            """
        ).all() {
            changes[try row.decode(column: "day", as: Int.self)] = try row.decode(column: "changes", as: Int.self)
        }
        guard !changes.isEmpty else { return [:] }
        let calendar = try await WorkingCalendarStore(database: database).load()
        let limits = try await ComplaintStore(database: database).limits()
        let stamp = Self.stamp(calendar, limits)
        var figures: [Int: [String: DashboardFigures.SeverityCount]] = [:]
        for row in try await sql.raw(
            """
            SELECT day, changes, stamp, figures FROM report_complaint_severity_days WHERE day >= \(bind: first) AND day < \(bind: end)
            """
        ).all() {
            let day = try row.decode(column: "day", as: Int.self)
            guard try row.decode(column: "changes", as: Int.self) == changes[day],
                try row.decode(column: "stamp", as: String.self) == stamp
            else { continue }
            figures[day] = Self.decode(try row.decode(column: "figures", as: String.self))
        }
        let stale = changes.keys.filter { figures[$0] == nil }.sorted()
        if !stale.isEmpty {
            let counted = try await recount(stale, calendar: calendar, limits: limits)
            let changes = changes
            try await database.writeTransaction { tx in
                for day in stale {
                    let text = Self.encode(counted[day] ?? [:])
                    try await tx.sql().raw(
                        """
                        INSERT INTO report_complaint_severity_days (day, changes, stamp, figures) VALUES (\(bind: day), \(bind: changes[day]!), \(bind: stamp), \(bind: text))
                        ON CONFLICT (day) DO UPDATE SET changes = excluded.changes, stamp = excluded.stamp, figures = excluded.figures
                        """
                    ).run()
                }
            }
            for day in stale { figures[day] = counted[day] ?? [:] }
        }
        var total: [String: DashboardFigures.SeverityCount] = [:]
        for day in figures.values {
            for (severity, count) in day {
                var sum =
                    total[severity]
                    ?? DashboardFigures.SeverityCount(severity: severity, count: 0, resolved: 0, inTime: 0)
                sum.count += count.count
                sum.resolved += count.resolved
                sum.inTime += count.inTime
                total[severity] = sum
            }
        }
        return total
    }

    /// Counts the complaints of the given days as the assessments count in time: working hours from
    /// receipt to resolution within the severity's resolution limit.
    private func recount(_ days: [Int], calendar: WorkingCalendar, limits: [ComplaintSeverity: ComplaintTimeLimits])
        async throws
        -> [Int: [String: DashboardFigures.SeverityCount]]
    {
        var result: [Int: [String: DashboardFigures.SeverityCount]] = [:]
        // Consecutive days are read as one range.
        var runs: [(first: Int, end: Int)] = []
        for day in days {
            if let last = runs.last, last.end == day {
                runs[runs.count - 1].end = day + 1
            } else {
                runs.append((day, day + 1))
            }
        }
        for run in runs {
            for row in try await database.sql().raw(
                """
                SELECT severity, received_at, resolved_at FROM complaints
                WHERE received_at >= \(bind: DashboardFigures.start(ofDay: run.first)) AND received_at < \(bind: DashboardFigures.start(ofDay: run.end))
                """
            ).all() {
                let code = try row.decode(column: "severity", as: String.self)
                let receivedAt = try row.decode(column: "received_at", as: Date.self)
                let day = ReportSQL.localDay(receivedAt)
                var count =
                    result[day]?[code]
                    ?? DashboardFigures.SeverityCount(severity: code, count: 0, resolved: 0, inTime: 0)
                count.count += 1
                if let resolved = try row.decode(column: "resolved_at", as: Date?.self) {
                    count.resolved += 1
                    let hours = calendar.workingSeconds(from: receivedAt, to: resolved) / 3600
                    let severity = ComplaintSeverity(rawValue: code) ?? .normal
                    if hours <= limits[severity]?.resolutionHours
                        ?? ComplaintTimeLimits.defaults(severity).resolutionHours
                    {
                        count.inTime += 1
                    }
                }
                result[day, default: [:]][code] = count
            }
        }
        return result
    }

    /// `severity:count:resolved:inTime` per severity, `;` between.
    static func encode(_ counts: [String: DashboardFigures.SeverityCount]) -> String {
        counts.keys.sorted().map { key in
            let c = counts[key]!
            return "\(key):\(c.count):\(c.resolved):\(c.inTime)"
        }.joined(separator: ";")
    }

    static func decode(_ text: String) -> [String: DashboardFigures.SeverityCount] {
        var result: [String: DashboardFigures.SeverityCount] = [:]
        for part in text.split(separator: ";") {
            let fields = part.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 4, let n = Int(fields[1]), let resolved = Int(fields[2]), let inTime = Int(fields[3])
            else { continue }
            result[String(fields[0])] = DashboardFigures.SeverityCount(
                severity: String(fields[0]), count: n, resolved: resolved, inTime: inTime)
        }
        return result
    }
}
