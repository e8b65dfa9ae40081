import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The monthly attendance sheets (R6.1): one person's days read live by the rules, and the team's
/// month summed from the settled marks and approved leave — three index-backed statements whatever
/// the size of the team or its history.
struct AttendanceSheet {
    let database: any Database

    struct Month: Sendable {
        var year: Int, month: Int
        var first: CalendarDay { CalendarDay(year: year, month: month, day: 1)! }
        var last: CalendarDay { AttendanceRules.days(ofMonth: year, month).last! }
        var text: String { String(format: "%04d-%02d", year, month) }

        /// `2026-11`; nil for anything else.
        init?(_ text: String) {
            let parts = text.split(separator: "-")
            guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
                let month = Int(parts[1]),
                CalendarDay(year: year, month: month, day: 1) != nil
            else { return nil }
            self.year = year
            self.month = month
        }

        init(_ day: CalendarDay) {
            year = day.year
            month = day.month
        }

        var previous: Month { Month(first.adding(days: -1)) }
        var next: Month { Month(last.adding(days: 1)) }
    }

    struct PersonMonth: Sendable {
        var person: AttendanceStore.Person
        var month: Month
        var days: [AttendanceDay]
        /// The stored marks by day and kind: their numbers and excuses.
        var marks: [MarkKey: AttendanceStore.MarkRow]
        var summary: AttendanceSummary
        var leave: [AttendanceStore.RequestRow]
        var corrections: [AttendanceStore.RequestRow]
    }

    func person(_ person: AttendanceStore.Person, month: Month, calendar: WorkingCalendar, now: Date) async throws
        -> PersonMonth
    {
        let store = AttendanceStore(database: database)
        let days = try await store.evaluate(
            staffID: person.id, year: month.year, month: month.month, calendar: calendar, now: now)
        var marks: [MarkKey: AttendanceStore.MarkRow] = [:]
        for row in try await store.marks(staffID: person.id, from: month.first, to: month.last) {
            if let key = row.key { marks[key] = row }
        }
        return PersonMonth(
            person: person, month: month, days: days, marks: marks,
            summary: AttendanceSummary(days: days, marks: days.flatMap(\.findings)),
            leave: try await store.requests(
                .leave, staffID: person.id, from: month.first.adding(days: -31), to: month.last.adding(days: 62)),
            corrections: try await store.requests(.correction, staffID: person.id, from: month.first, to: month.last)
        )
    }

    struct TeamLine: Sendable {
        var person: AttendanceStore.Person
        var summary: AttendanceSummary
    }

    struct MarkFigures: Decodable, Sendable {
        var staffID: Int, day: String, kind: String, minutes: Int, deductionDays: Double, cause: String
    }
    struct LeaveFigures: Decodable, Sendable {
        var staffID: Int, kind: String, startDay: String, endDay: String, part: String
    }

    /// The department's month: a line per active person from the settled marks and the approved leave.
    func team(departmentID: Int, month: Month, calendar: WorkingCalendar, now: Date) async throws -> [TeamLine] {
        let sql = try database.sql()
        let people = try await AttendanceStore(database: database).people(departmentID: departmentID)
        let marks = try await sql.raw(
            """
            SELECT staff_id AS "staffID", day AS "day", kind AS "kind", minutes AS "minutes", deduction_days AS "deductionDays", cause AS "cause"
            FROM attendance_marks WHERE department_id = \(bind: departmentID) AND day >= \(bind: month.first.description) AND day <= \(bind: month.last.description)
            """
        ).all(decoding: MarkFigures.self)
        let leave = try await sql.raw(
            """
            SELECT staff_id AS "staffID", kind AS "kind", start_day AS "startDay", end_day AS "endDay", part AS "part" FROM leave_requests
            WHERE department_id = \(bind: departmentID) AND status = 'approved' AND start_day <= \(bind: month.last.description)
            AND end_day >= \(bind: month.first.description)
            """
        ).all(decoding: LeaveFigures.self)
        let through = calendar.day(of: now).adding(days: -1)
        let workingDays = AttendanceRules.days(ofMonth: month.year, month.month).filter(calendar.isWorkingDay)
        let judged = workingDays.filter { $0 <= through }
        var findings: [Int: [AttendanceFinding]] = [:]
        for row in marks {
            guard let day = CalendarDay(row.day), let kind = AttendanceMarkKind(rawValue: row.kind) else { continue }
            findings[row.staffID, default: []].append(
                AttendanceFinding(
                    day: day, kind: kind, minutes: row.minutes, deductionDays: row.deductionDays, cause: row.cause))
        }
        var spans: [Int: [LeaveSpan]] = [:]
        for row in leave {
            guard let kind = LeaveKind(rawValue: row.kind), let start = CalendarDay(row.startDay),
                let end = CalendarDay(row.endDay)
            else { continue }
            spans[row.staffID, default: []].append(
                LeaveSpan(kind: kind, start: start, end: end, part: LeavePart(rawValue: row.part) ?? .whole))
        }
        return people.map { person in
            var summary = AttendanceSummary(days: [], marks: findings[person.id] ?? [])
            summary.workingDays = workingDays.count
            var onLeave = 0
            for span in spans[person.id] ?? [] {
                for day in workingDays where span.contains(day) {
                    summary.leaveDays[span.kind, default: 0] += span.part.dayFraction
                    // Half a day off leaves the other half to attend.
                    if day <= through && span.part == .whole { onLeave += 1 }
                }
            }
            let noClock = (findings[person.id] ?? []).filter {
                ["attendance.cause.no_clock", "attendance.cause.no_clock_half_leave"].contains($0.cause)
            }.count
            summary.attendedDays = max(0, judged.count - onLeave - noClock)
            return TeamLine(person: person, summary: summary)
        }
    }

    /// The department whose sheet a person reads: their own; leadership (of no team of its own) the
    /// customer-service department's unless they name another.
    func department(for staff: SignedInStaff, asked: Int?, scope: Scope?) async throws -> Int {
        if scope == .any {
            if let asked { return asked }
            let row = try await database.sql().raw(
                "SELECT id FROM departments WHERE is_customer_service = \(bind: true) ORDER BY id LIMIT 1"
            ).first()
            return try row?.decode(column: "id", as: Int.self) ?? staff.departmentID
        }
        return staff.departmentID
    }
}

extension AttendanceStore {
    /// The attendance input of an assessment (R5.3, R6.1): for each person who clocked in the period,
    /// 100 less 10 points per day deducted by their settled marks; nobody else has a score (no data).
    func scores(staffIDs: [Int], period: AssessmentPeriod) async throws -> [Int: Double] {
        guard !staffIDs.isEmpty else { return [:] }
        let calendar = WorkingCalendar()
        let sql = try database.sql()
        let clocked = try await sql.raw(
            """
            SELECT DISTINCT staff_id FROM clock_records WHERE staff_id IN (\(binds: staffIDs)) AND at >= \(bind: calendar.instant(period.start, DayTime(minutes: 0)!))
            AND at < \(bind: calendar.instant(period.end.adding(days: 1), DayTime(minutes: 0)!))
            """
        ).all().map { try $0.decode(column: "staff_id", as: Int.self) }
        struct Deducted: Decodable { var staffID: Int; var deducted: Double? }
        var deducted: [Int: Double] = [:]
        for row in try await sql.raw(
            """
            SELECT staff_id, SUM(deduction_days) AS deducted FROM attendance_marks WHERE staff_id IN (\(binds: staffIDs))
            AND day >= \(bind: period.start.description) AND day <= \(bind: period.end.description) GROUP BY staff_id
            """
        ).allRows(Deducted.self) {
            deducted[row.staffID] = row.deducted ?? 0
        }
        return clocked.reduce(into: [:]) { scores, id in
            var summary = AttendanceSummary()
            summary.workingDays = 1
            summary.deductionDays = deducted[id] ?? 0
            scores[id] = summary.score
        }
    }
}
