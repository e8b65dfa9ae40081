import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Leave and corrections: asked for, decided by the supervisor, each in one transaction with its audit entry
/// and the person's marks settled again.
extension AttendanceStore {
    // MARK: Leave and corrections

    /// `part`: `whole` (the default), or `morning` / `afternoon` of a one-day leave.
    struct LeaveInput: Codable, Sendable {
        var kind: String; var startDay: String; var endDay: String; var reason: String; var part: String? = nil
    }

    /// A person's leave in the given states as spans, only those touching `days` when given.
    static func leaveSpans(
        staffID: Int, statuses: [String], touching days: (first: CalendarDay, last: CalendarDay)? = nil,
        on db: any Database
    ) async throws -> [LeaveSpan] {
        let period: SQLQueryString =
            days.map { "AND start_day <= \(bind: $0.last.description) AND end_day >= \(bind: $0.first.description)" }
            ?? ""
        return try await db.sql().raw(
            """
            SELECT kind, start_day, end_day, part FROM leave_requests WHERE staff_id = \(bind: staffID) AND status IN (\(binds: statuses)) \(period)
            """
        ).all().compactMap { row -> LeaveSpan? in
            guard let kind = LeaveKind(rawValue: try row.decode(column: "kind", as: String.self)),
                let start = CalendarDay(try row.decode(column: "start_day", as: String.self)),
                let end = CalendarDay(try row.decode(column: "end_day", as: String.self))
            else { return nil }
            return LeaveSpan(
                kind: kind, start: start, end: end,
                part: LeavePart(rawValue: try row.decode(column: "part", as: String.self)) ?? .whole)
        }
    }

    func requestLeave(_ input: LeaveInput, for person: Person, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            let existing = try await Self.leaveSpans(staffID: person.id, statuses: ["pending", "approved"], on: tx)
            let span = try AttendanceRequestRules.validateLeave(
                kind: input.kind, start: input.startDay, end: input.endDay, part: input.part ?? "",
                reason: input.reason,
                existing: existing
            ).get()
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO leave_requests (staff_id, department_id, kind, start_day, end_day, part, reason, status, version, created_at, updated_at)
                    VALUES (\(bind: person.id), \(bind: person.departmentID), \(bind: span.kind.rawValue), \(bind: span.start.description), \(bind: span.end.description),
                            \(bind: span.part.rawValue), \(bind: input.reason.trimmed), 'pending', 1, \(bind: context.now), \(bind: context.now)) RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "attendance.leave_requested", recordType: LeaveRequestKind.recordType, recordID: String(id),
                fields: ["kind", "startDay", "endDay", "part"],
                message: AuditMessage.leaveRequested(
                    kind: span.kind.rawValue, start: "\(span.start)", end: "\(span.end)", part: span.part.rawValue),
                context: context,
                on: tx)
            return id
        }
    }

    struct CorrectionInput: Codable, Sendable {
        var day: String; var time: String; var direction: String; var reason: String
    }

    func requestCorrection(
        _ input: CorrectionInput, for person: Person, calendar: WorkingCalendar, context: AuditContext
    ) async throws -> Int {
        try await database.writeTransaction { tx in
            let rules = try await self.rules(on: tx).rules
            let today = calendar.day(of: context.now)
            let month = CalendarDay(input.day).map { String($0.description.prefix(7)) } ?? ""
            let used =
                try await tx.sql().raw(
                    """
                    SELECT COUNT(*) AS n FROM clock_corrections WHERE staff_id = \(bind: person.id) AND status IN ('pending', 'approved')
                    AND day >= \(bind: month + "-01") AND day <= \(bind: month + "-31")
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            let valid = try AttendanceRequestRules.validateCorrection(
                day: input.day, time: input.time, direction: input.direction, reason: input.reason,
                today: today, used: used, rules: rules
            ).get()
            let at = calendar.instant(valid.day, valid.time)
            let sameDay = try await punches(
                staffID: person.id, from: calendar.instant(valid.day, DayTime(minutes: 0)!),
                to: calendar.instant(valid.day.adding(days: 1), DayTime(minutes: 0)!), on: tx
            ).map(\.punch)
            if valid.direction == .clockOut, sameDay.contains(where: { $0.direction == .clockIn && $0.at > at }) {
                throw FieldErrors(["time": "attendance.error.out_before_in"])
            }
            if valid.direction == .clockIn, sameDay.contains(where: { $0.direction == .clockOut && $0.at < at }) {
                throw FieldErrors(["time": "attendance.error.out_before_in"])
            }
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO clock_corrections (staff_id, department_id, day, time, direction, reason, status, version, created_at, updated_at)
                    VALUES (\(bind: person.id), \(bind: person.departmentID), \(bind: valid.day.description), \(bind: valid.time.description),
                            \(bind: valid.direction.rawValue), \(bind: input.reason.trimmed), 'pending', 1, \(bind: context.now), \(bind: context.now)) RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "attendance.correction_requested", recordType: ClockCorrectionKind.recordType, recordID: String(id),
                fields: ["day", "time", "direction"],
                message: AuditMessage.clockCorrection(
                    day: "\(valid.day)", time: "\(valid.time)", direction: valid.direction.rawValue),
                context: context, on: tx)
            return id
        }
    }

    /// The supervisor approves or rejects a pending request. An approved correction becomes a clock event;
    /// the person's marks of the months it touches are settled again in the same transaction.
    func decide(
        _ table: RequestTable, _ row: RequestRow, approve: Bool, note: String, version: Int, calendar: WorkingCalendar,
        context: AuditContext
    ) async throws {
        if row.staffID == context.actorStaffID {
            throw KefuError(.forbidden, code: "own_request", messageKey: "attendance.error.own_request")
        }
        if note.count > 500 { throw FieldErrors(["note": "validation.too_long"]) }
        if row.status != AttendanceRequestStatus.pending.rawValue {
            // Decided by someone else after this person read it: what they did is the answer (S6).
            if row.version != version { throw RecordConflict(table.kind, id: row.id, readVersion: version) }
            throw KefuError.conflict("attendance.error.already_decided")
        }
        let status = approve ? AttendanceRequestStatus.approved : .rejected
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                table.kind, id: row.id, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status.rawValue), decided_by_staff_id = \(bind: context.actorStaffID), decided_at = \(bind: context.now),
                        decision_note = \(bind: note.trimmed.isEmpty ? nil : note.trimmed)
                        """,
                    condition: "status = 'pending'",
                    audit: .init(
                        action: "attendance.\(table == .leave ? "leave" : "correction")_\(status.rawValue)",
                        fields: ["status"], message: AuditMessage.typed, quoting: note.trimmed)), context: context,
                on: tx)
            var months: [CalendarDay] = []
            if table == .correction, let day = row.day.flatMap { CalendarDay($0) },
                let time = row.time.flatMap { DayTime($0) }
            {
                months = [day]
                if approve {
                    try await tx.sql().raw(
                        """
                        INSERT INTO clock_records (staff_id, at, direction, source, address, network, created_by_staff_id, version, created_at, updated_at)
                        VALUES (\(bind: row.staffID), \(bind: calendar.instant(day, time)), \(bind: row.direction ?? "any"), 'correction', '', '',
                                \(bind: context.actorStaffID), 1, \(bind: context.now), \(bind: context.now))
                        """
                    ).run()
                }
            } else if let start = row.startDay.flatMap { CalendarDay($0) },
                let end = row.endDay.flatMap { CalendarDay($0) }
            {
                var month = CalendarDay(year: start.year, month: start.month, day: 1)!
                while month <= end {
                    months.append(month)
                    month = CalendarDay(
                        year: month.month == 12 ? month.year + 1 : month.year, month: month.month % 12 + 1, day: 1)!
                }
            }
            if approve {
                for month in months {
                    try await settle(
                        staffID: row.staffID, year: month.year, month: month.month, calendar: calendar,
                        context: context, on: tx)
                }
            }
        }
    }

    /// The supervisor excuses a mark with a reason: it stays on the record and deducts nothing.
    func excuse(_ mark: MarkRow, reason: String, version: Int, calendar: WorkingCalendar, context: AuditContext)
        async throws
    {
        try AttendanceRequestRules.validateExcuse(reason).throwIfAny()
        if mark.staffID == context.actorStaffID {
            throw KefuError(.forbidden, code: "own_request", messageKey: "attendance.error.own_request")
        }
        guard let day = CalendarDay(mark.day) else { throw KefuError.notFound }
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                AttendanceMarkRecordKind.self, id: mark.id, version: version,
                RecordWrite(
                    set: """
                        excused_reason = \(bind: reason.trimmed), excused_by_staff_id = \(bind: context.actorStaffID), excused_at = \(bind: context.now)
                        """,
                    condition: "excused_reason IS NULL",
                    audit: .init(
                        action: "attendance.mark_excused", fields: ["excusedReason"],
                        message: AuditMessage.numberText(mark.number), quoting: reason.trimmed)), context: context,
                on: tx)
            try await settle(
                staffID: mark.staffID, year: day.year, month: day.month, calendar: calendar, context: context, on: tx)
        }
    }
}
