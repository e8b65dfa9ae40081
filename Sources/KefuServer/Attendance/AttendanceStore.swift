import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Attendance (R6.1): the rules and shifts, clock events, leave and corrections with the
/// supervisor's decisions, and the marks the rules found. Each write runs in one transaction with its
/// audit entry; marks are kept in step with their person's month by `settle`.
struct AttendanceStore {
    let database: any Database

    // MARK: Rows

    struct Person: Decodable, Sendable {
        var id: Int, username: String, displayName: String, departmentID: Int, role: String
    }

    struct MarkRow: Decodable, Sendable {
        var id: Int, number: String, staffID: Int, departmentID: Int, day: String, kind: String, minutes: Int,
            deductionDays: Double
        var cause: String, causeArguments: String, excusedReason: String?, excusedByName: String?, excusedAt: Date?,
            version: Int

        var arguments: [String: String] {
            (try? JSONDecoder().decode([String: String].self, from: Data(causeArguments.utf8))) ?? [:]
        }
        var key: MarkKey? {
            CalendarDay(day).flatMap { day in AttendanceMarkKind(rawValue: kind).map { MarkKey(day: day, kind: $0) } }
        }
        var finding: AttendanceFinding? {
            guard let key else { return nil }
            return AttendanceFinding(
                day: key.day, kind: key.kind, minutes: minutes, deductionDays: deductionDays, cause: cause,
                causeArguments: arguments)
        }
    }

    static let markSelect: SQLQueryString = """
        SELECT m.id AS "id", m.number AS "number", m.staff_id AS "staffID", m.department_id AS "departmentID", m.day AS "day", m.kind AS "kind",
               m.minutes AS "minutes", m.deduction_days AS "deductionDays", m.cause AS "cause", m.cause_arguments AS "causeArguments",
               m.excused_reason AS "excusedReason", e.display_name AS "excusedByName", m.excused_at AS "excusedAt", m.version AS "version"
        FROM attendance_marks m LEFT JOIN staff e ON e.id = m.excused_by_staff_id
        """

    enum RequestTable: String, Sendable {
        case leave = "leave_requests", correction = "clock_corrections"
    }

    /// A leave request or a correction: the columns of the other kind are nil.
    struct RequestRow: Decodable, Sendable {
        var id: Int, staffID: Int, staffName: String, departmentID: Int
        var kind: String?, startDay: String?, endDay: String?, part: String?, day: String?, time: String?,
            direction: String?
        var reason: String, status: String, decidedByName: String?, decidedAt: Date?, decisionNote: String?,
            version: Int, createdAt: Date
    }

    static func requestSelect(_ table: RequestTable) -> SQLQueryString {
        let columns: SQLQueryString =
            table == .leave
            ? #"r.kind AS "kind", r.start_day AS "startDay", r.end_day AS "endDay", r.part AS "part", NULL AS "day", NULL AS "time", NULL AS "direction""#
            : #"NULL AS "kind", NULL AS "startDay", NULL AS "endDay", NULL AS "part", r.day AS "day", r.time AS "time", r.direction AS "direction""#
        return """
            SELECT r.id AS "id", r.staff_id AS "staffID", p.display_name AS "staffName", r.department_id AS "departmentID", \(columns),
                   r.reason AS "reason", r.status AS "status", d.display_name AS "decidedByName", r.decided_at AS "decidedAt",
                   r.decision_note AS "decisionNote", r.version AS "version", r.created_at AS "createdAt"
            FROM \(unsafeRaw: table.rawValue) r JOIN staff p ON p.id = r.staff_id LEFT JOIN staff d ON d.id = r.decided_by_staff_id
            """
    }

    func person(_ id: Int) async throws -> Person? {
        try await database.sql().raw(
            """
            SELECT id AS "id", username AS "username", display_name AS "displayName", department_id AS "departmentID", role AS "role"
            FROM staff WHERE id = \(bind: id)
            """
        ).first(decoding: Person.self)
    }

    /// The active people of a department who keep attendance (not the administrator's system account), by name.
    func people(departmentID: Int) async throws -> [Person] {
        try await database.sql().raw(
            """
            SELECT id AS "id", username AS "username", display_name AS "displayName", department_id AS "departmentID", role AS "role"
            FROM staff WHERE department_id = \(bind: departmentID) AND is_active = \(bind: true) AND role IN (\(binds: Role.attendanceRoles))
            ORDER BY display_name, id
            """
        ).all(decoding: Person.self)
    }

    func mark(_ id: Int) async throws -> MarkRow? {
        try await database.sql().raw("\(Self.markSelect) WHERE m.id = \(bind: id)").first(decoding: MarkRow.self)
    }

    func marks(staffID: Int, from: CalendarDay, to: CalendarDay) async throws -> [MarkRow] {
        try await database.sql().raw(
            """
            \(Self.markSelect) WHERE m.staff_id = \(bind: staffID) AND m.day >= \(bind: from.description) AND m.day <= \(bind: to.description) ORDER BY m.day, m.kind
            """
        ).all(decoding: MarkRow.self)
    }

    func request(_ table: RequestTable, _ id: Int) async throws -> RequestRow? {
        try await database.sql().raw("\(Self.requestSelect(table)) WHERE r.id = \(bind: id)").first(
            decoding: RequestRow.self)
    }

    /// A person's requests of one kind touching a period, newest first.
    func requests(_ table: RequestTable, staffID: Int, from: CalendarDay, to: CalendarDay) async throws -> [RequestRow]
    {
        let overlap: SQLQueryString =
            table == .leave
            ? "r.start_day <= \(bind: to.description) AND r.end_day >= \(bind: from.description)"
            : "r.day >= \(bind: from.description) AND r.day <= \(bind: to.description)"
        return try await database.sql().raw(
            "\(Self.requestSelect(table)) WHERE r.staff_id = \(bind: staffID) AND \(overlap) ORDER BY r.id DESC"
        )
        .all(decoding: RequestRow.self)
    }

    /// What waits for the supervisor's decision in a department, oldest first.
    func pending(_ table: RequestTable, departmentID: Int) async throws -> [RequestRow] {
        try await database.sql().raw(
            """
            \(Self.requestSelect(table)) WHERE r.department_id = \(bind: departmentID) AND r.status = 'pending' ORDER BY r.id LIMIT 200
            """
        ).all(decoding: RequestRow.self)
    }

    // MARK: Rules and shifts

    func rules(on database: (any Database)? = nil) async throws -> (rules: AttendanceRuleSet, version: Int) {
        guard
            let row = try await (database ?? self.database).sql().raw(
                "SELECT rules, version FROM attendance_settings WHERE id = 1"
            ).first()
        else {
            return (.standard, 0)
        }
        let text = try row.decode(column: "rules", as: String.self)
        return (
            (try? JSONDecoder().decode(AttendanceRuleSet.self, from: Data(text.utf8))) ?? .standard,
            try row.decode(column: "version", as: Int.self)
        )
    }

    func saveRules(_ rules: AttendanceRuleSet, version: Int, context: AuditContext) async throws {
        try rules.problems.throwIfAny()
        let text = String(decoding: try JSONEncoder.sorted.encode(rules), as: UTF8.self)
        try await database.transaction { tx in
            let updated = try await tx.sql().raw(
                """
                UPDATE attendance_settings SET rules = \(bind: text), version = version + 1, updated_at = \(bind: context.now)
                WHERE id = 1 AND version = \(bind: version) RETURNING id
                """
            ).first()
            guard updated != nil else { throw KefuError.conflict() }
            try await AuditLog.record(
                "attendance.rules_saved", recordType: "attendance_settings", recordID: "1", fields: ["rules"],
                detail: text,
                context: context, on: tx)
        }
    }

    /// A person's shift: their own, or the working calendar's hours.
    func shift(staffID: Int, calendar: WorkingCalendar, on database: (any Database)? = nil) async throws -> Shift {
        guard
            let row = try await (database ?? self.database).sql().raw(
                """
                SELECT shift_start, shift_end FROM attendance_schedules WHERE staff_id = \(bind: staffID)
                """
            ).first(),
            let start = DayTime(minutes: try row.decode(column: "shift_start", as: Int.self)),
            let end = DayTime(minutes: try row.decode(column: "shift_end", as: Int.self))
        else { return Shift(calendar.hours) }
        return Shift(start: start, end: end)
    }

    /// Sets a person's shift (a night shift ends after midnight); an equal start and end is refused.
    func setShift(staffID: Int, start: String, end: String, context: AuditContext) async throws {
        var errors = FieldErrors()
        let from = DayTime(start), to = DayTime(end)
        if from == nil || from!.minutes >= 1440 { errors.add("shiftStart", "attendance.error.time") }
        if to == nil || to!.minutes >= 1440 { errors.add("shiftEnd", "attendance.error.time") }
        if errors.isEmpty, from == to { errors.add("shiftEnd", "attendance.error.empty_shift") }
        try errors.throwIfAny()
        try await database.transaction { tx in
            let sql = try tx.sql()
            let changed = try await sql.raw(
                """
                UPDATE attendance_schedules SET shift_start = \(bind: from!.minutes), shift_end = \(bind: to!.minutes), version = version + 1,
                    updated_at = \(bind: context.now) WHERE staff_id = \(bind: staffID) RETURNING id
                """
            ).first()
            if changed == nil {
                try await sql.raw(
                    """
                    INSERT INTO attendance_schedules (staff_id, shift_start, shift_end, version, created_at, updated_at)
                    VALUES (\(bind: staffID), \(bind: from!.minutes), \(bind: to!.minutes), 1, \(bind: context.now), \(bind: context.now))
                    """
                ).run()
            }
            try await AuditLog.record(
                "attendance.shift_set", recordType: "attendance_schedule", recordID: String(staffID), fields: ["shift"],
                detail: "\(from!)–\(to!)", context: context, on: tx)
        }
    }

    // MARK: Clock events

    /// Clocks a person in or out now, with the address they gave and the network the request came from.
    func clock(staffID: Int, direction: ClockDirection, address: String, network: String, context: AuditContext)
        async throws -> Int
    {
        guard direction != .any else { throw FieldErrors(["direction": "validation.choose_from_list"]) }
        if address.count > 200 { throw FieldErrors(["address": "validation.too_long"]) }
        return try await database.transaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO clock_records (staff_id, at, direction, source, address, network, created_by_staff_id, version, created_at, updated_at)
                    VALUES (\(bind: staffID), \(bind: context.now), \(bind: direction.rawValue), 'app', \(bind: address.trimmed), \(bind: network),
                            \(bind: context.actorStaffID), 1, \(bind: context.now), \(bind: context.now)) RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "attendance.clocked_\(direction.rawValue)", recordType: ClockRecordKind.recordType,
                recordID: String(id),
                fields: ["at", "address", "network"], detail: "\(address.trimmed) \(network)", context: context, on: tx)
            return id
        }
    }

    struct PunchRow: Decodable, Sendable {
        var at: Date, direction: String, source: String, address: String
        var punch: ClockPunch { ClockPunch(at: at, direction: ClockDirection(rawValue: direction) ?? .any) }
    }

    func punches(staffID: Int, from: Date, to: Date, on database: (any Database)? = nil) async throws -> [PunchRow] {
        try await (database ?? self.database).sql().raw(
            """
            SELECT at AS "at", direction AS "direction", source AS "source", address AS "address" FROM clock_records
            WHERE staff_id = \(bind: staffID) AND at >= \(bind: from) AND at <= \(bind: to) ORDER BY at
            """
        ).all(decoding: PunchRow.self)
    }

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
        try await database.transaction { tx in
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
                detail: "\(span.kind.rawValue) \(span.start)–\(span.end) \(span.part.rawValue)", context: context,
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
        try await database.transaction { tx in
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
                fields: ["day", "time", "direction"], detail: "\(valid.day) \(valid.time) \(valid.direction.rawValue)",
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
            throw KefuError.conflict("attendance.error.already_decided")
        }
        let status = approve ? AttendanceRequestStatus.approved : .rejected
        try await database.transaction { tx in
            let updated = try await tx.sql().raw(
                """
                UPDATE \(unsafeRaw: table.rawValue) SET status = \(bind: status.rawValue), decided_by_staff_id = \(bind: context.actorStaffID),
                    decided_at = \(bind: context.now), decision_note = \(bind: note.trimmed.isEmpty ? nil : note.trimmed), version = version + 1,
                    updated_at = \(bind: context.now)
                WHERE id = \(bind: row.id) AND version = \(bind: version) AND status = 'pending' RETURNING id
                """
            ).first()
            guard updated != nil else { throw KefuError.conflict() }
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
            try await AuditLog.record(
                "attendance.\(table == .leave ? "leave" : "correction")_\(status.rawValue)",
                recordType: table == .leave ? LeaveRequestKind.recordType : ClockCorrectionKind.recordType,
                recordID: String(row.id),
                fields: ["status"], detail: note.trimmed, context: context, on: tx)
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
        try await database.transaction { tx in
            let updated = try await tx.sql().raw(
                """
                UPDATE attendance_marks SET excused_reason = \(bind: reason.trimmed), excused_by_staff_id = \(bind: context.actorStaffID),
                    excused_at = \(bind: context.now), version = version + 1, updated_at = \(bind: context.now)
                WHERE id = \(bind: mark.id) AND version = \(bind: version) AND excused_reason IS NULL RETURNING id
                """
            ).first()
            guard updated != nil else { throw KefuError.conflict() }
            try await AuditLog.record(
                "attendance.mark_excused", recordType: AttendanceMarkRecordKind.recordType, recordID: String(mark.id),
                fields: ["excusedReason"], detail: "\(mark.number) \(reason.trimmed)", context: context, on: tx)
            try await settle(
                staffID: mark.staffID, year: day.year, month: day.month, calendar: calendar, context: context, on: tx)
        }
    }

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
                fields: ["marks"], detail: "\(changes)", context: context, on: tx)
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
                try await database.transaction { tx in
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
        try await database.transaction { tx in
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
                detail: "\(layout.rawValue): \(lines.count)", context: context, on: tx)
            for (staffID, day) in touched where day <= calendar.day(of: context.now) {
                try await settle(
                    staffID: staffID, year: day.year, month: day.month, calendar: calendar, context: context, on: tx)
            }
            return lines.count
        }
    }
}

extension JSONEncoder {
    /// Sorted keys, so equal values give equal text (stored arguments are compared as text).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
