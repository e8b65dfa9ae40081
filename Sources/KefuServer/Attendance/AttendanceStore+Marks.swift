import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The marks the rules find in a person's month, kept in step by `settle`, and the time-clock import.
extension AttendanceStore {
    // MARK: Settling the marks

    /// A person's month as the rules read it now, with the marks the supervisor excused taken in.
    func evaluate(
        staffID: Int, year: Int, month: Int, calendar: WorkingCalendar, now: Date, on database: (any Database)? = nil
    ) async throws -> [AttendanceDay] {
        let db = database ?? self.database
        let days = AttendanceRules.days(ofMonth: year, month)
        let rules = try await self.rules(on: db).rules
        let shift = try await self.shift(staffID: staffID, calendar: calendar, on: db)
        let first = days.first!, last = days.last!
        let punches = try await self.punches(
            staffID: staffID, from: calendar.instant(first.adding(days: -1), DayTime(minutes: 0)!),
            to: calendar.instant(last.adding(days: 2), DayTime(minutes: 0)!), on: db
        ).map(\.punch)
        let leave = try await Self.leaveSpans(staffID: staffID, statuses: ["approved"], touching: (first, last), on: db)
        let excused = try await db.sql().raw(
            """
            SELECT day, kind FROM attendance_marks WHERE staff_id = \(bind: staffID) AND day >= \(bind: first.description) AND day <= \(bind: last.description)
            AND excused_reason IS NOT NULL
            """
        ).all().compactMap { row -> MarkKey? in
            guard let day = CalendarDay(try row.decode(column: "day", as: String.self)),
                let kind = AttendanceMarkKind(rawValue: try row.decode(column: "kind", as: String.self))
            else { return nil }
            return MarkKey(day: day, kind: kind)
        }
        let through = calendar.day(of: now).adding(days: -1)
        // Attendance is judged from a person's first clock event on: not before they began to clock.
        let firstClock = try await db.sql().raw(
            "SELECT at FROM clock_records WHERE staff_id = \(bind: staffID) ORDER BY at LIMIT 1"
        ).first()?
        .decode(column: "at", as: Date.self)
        let since = firstClock.map { calendar.day(of: $0) } ?? through.adding(days: 1)
        return AttendanceRules.evaluate(
            days: days, through: through, since: since, shift: shift, punches: punches, leave: leave,
            excused: Set(excused), rules: rules,
            calendar: calendar)
    }

    /// Brings the stored marks of a person's month in line with the rules: new findings are numbered
    /// and inserted, changed ones updated (their excuse kept), vanished ones removed. Days not over
    /// yet are not judged.
    func settle(
        staffID: Int, year: Int, month: Int, calendar: WorkingCalendar, context: AuditContext, on tx: any Database
    ) async throws {
        guard let person = try await AttendanceStore(database: tx).person(staffID),
            Role(rawValue: person.role)?.keepsAttendance ?? true
        else { return }
        let findings = try await evaluate(
            staffID: staffID, year: year, month: month, calendar: calendar, now: context.now, on: tx
        ).flatMap(\.findings)
        let days = AttendanceRules.days(ofMonth: year, month)
        let stored = try await AttendanceStore(database: tx).marks(staffID: staffID, from: days.first!, to: days.last!)
        var byKey: [MarkKey: MarkRow] = [:]
        for row in stored { if let key = row.key { byKey[key] = row } }
        let sql = try tx.sql()
        var changes = 0
        for finding in findings {
            let key = MarkKey(day: finding.day, kind: finding.kind)
            let arguments = String(decoding: try JSONEncoder.sorted.encode(finding.causeArguments), as: UTF8.self)
            if let row = byKey.removeValue(forKey: key) {
                guard
                    row.minutes != finding.minutes || row.deductionDays != finding.deductionDays
                        || row.cause != finding.cause || row.causeArguments != arguments
                else { continue }
                try await sql.raw(
                    """
                    UPDATE attendance_marks SET minutes = \(bind: finding.minutes), deduction_days = \(bind: finding.deductionDays), cause = \(bind: finding.cause),
                        cause_arguments = \(bind: arguments), version = version + 1, updated_at = \(bind: context.now) WHERE id = \(bind: row.id)
                    """
                ).run()
            } else {
                let number = try await RecordNumbers.next(AttendanceMarkRecordKind.numbering!, at: context.now, on: tx)
                try await sql.raw(
                    """
                    INSERT INTO attendance_marks (number, staff_id, department_id, day, kind, minutes, deduction_days, cause, cause_arguments, version, created_at, updated_at)
                    VALUES (\(bind: number), \(bind: staffID), \(bind: person.departmentID), \(bind: finding.day.description), \(bind: finding.kind.rawValue),
                            \(bind: finding.minutes), \(bind: finding.deductionDays), \(bind: finding.cause), \(bind: arguments), 1, \(bind: context.now), \(bind: context.now))
                    """
                ).run()
            }
            changes += 1
        }
        for row in byKey.values {
            try await sql.raw("DELETE FROM attendance_marks WHERE id = \(bind: row.id)").run()
            changes += 1
        }
        if changes > 0 {
            try await AuditLog.record(
                "attendance.marks_settled", recordType: "attendance_month",
                recordID: "\(staffID)-\(String(format: "%04d-%02d", year, month))",
                fields: ["marks"], message: AuditMessage.marksSettled("\(changes)"), context: context, on: tx)
        }
    }

    /// Settles every active person's current month (and the last one while corrections for it may
    /// still come): what the scheduled job runs. The administrator's system account keeps no attendance.
    func settleAll(calendar: WorkingCalendar, context: AuditContext) async throws {
        let today = calendar.day(of: context.now)
        let rules = try await self.rules().rules
        var months = [today]
        if today.day <= rules.correctionDeadlineDays + 1 { months.append(today.adding(days: -today.day)) }
        let ids = try await database.sql().raw(
            """
            SELECT id FROM staff WHERE is_active = \(bind: true) AND role IN (\(binds: Role.attendanceRoles)) ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
        for id in ids {
            for month in months {
                try await database.writeTransaction { tx in
                    try await settle(
                        staffID: id, year: month.year, month: month.month, calendar: calendar, context: context, on: tx)
                }
            }
        }
    }

    // MARK: Import

    /// The time clock's file read against the people (工号 is the username) and the events already stored.
    func preview(_ text: String, calendar: WorkingCalendar) async throws -> TimeClockImport.Preview {
        let people = try await database.sql().raw("SELECT id, username FROM staff").all().reduce(into: [String: Int]())
        {
            $0[try $1.decode(column: "username", as: String.self)] = try $1.decode(column: "id", as: Int.self)
        }
        var preview = TimeClockImport.preview(text, people: people, calendar: calendar)
        guard let first = preview.lines.map(\.at).min(), let last = preview.lines.map(\.at).max() else {
            return preview
        }
        let stored = try await database.sql().raw(
            """
            SELECT staff_id, at FROM clock_records WHERE at >= \(bind: first) AND at <= \(bind: last)
            """
        ).all().map {
            ExistingPunch(
                staffID: try $0.decode(column: "staff_id", as: Int.self), at: try $0.decode(column: "at", as: Date.self)
            )
        }
        if !stored.isEmpty {
            preview = TimeClockImport.preview(text, people: people, existing: Set(stored), calendar: calendar)
        }
        return preview
    }

    /// Imports the lines that can be (the file's problems skipped by the person's choice), then
    /// settles the months they touch; all in one transaction with one audit entry.
    func importLines(
        _ lines: [TimeClockLine], layout: TimeClockLayout, calendar: WorkingCalendar, context: AuditContext
    ) async throws -> Int {
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            var months = Set<String>()
            var touched: [(Int, CalendarDay)] = []
            for line in lines {
                try await sql.raw(
                    """
                    INSERT INTO clock_records (staff_id, at, direction, source, address, network, created_by_staff_id, version, created_at, updated_at)
                    VALUES (\(bind: line.staffID), \(bind: line.at), \(bind: line.direction.rawValue), 'import', \(bind: line.address), \(bind: layout.rawValue),
                            \(bind: context.actorStaffID), 1, \(bind: context.now), \(bind: context.now))
                    """
                ).run()
                let day = calendar.day(of: line.at)
                if months.insert("\(line.staffID) \(day.year) \(day.month)").inserted {
                    touched.append((line.staffID, day))
                }
            }
            try await AuditLog.record(
                "attendance.imported", recordType: ClockRecordKind.recordType, recordID: "-", fields: ["clock"],
                message: AuditMessage.clockImported(layout: layout.rawValue, count: "\(lines.count)"),
                context: context, on: tx)
            for (staffID, day) in touched where day <= calendar.day(of: context.now) {
                try await settle(
                    staffID: staffID, year: day.year, month: day.month, calendar: calendar, context: context, on: tx)
            }
            return lines.count
        }
    }
}
