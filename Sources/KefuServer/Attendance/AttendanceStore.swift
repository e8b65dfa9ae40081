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

        /// The record kind of the table's requests.
        var kind: any RecordKind.Type { self == .leave ? LeaveRequestKind.self : ClockCorrectionKind.self }
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
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                AttendanceSettingsKind.self, id: 1, version: version,
                RecordWrite(
                    set: "rules = \(bind: text)",
                    audit: .init(
                        action: "attendance.rules_saved", fields: ["rules"], message: AuditMessage.settings(text))),
                context: context,
                on: tx)
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
        try await database.writeTransaction { tx in
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
                message: AuditMessage.shift(from: "\(from!)", to: "\(to!)"), context: context, on: tx)
        }
    }

    // MARK: Clock events

    /// Clocks a person in or out now, with the address they gave and the network the request came from.
    func clock(staffID: Int, direction: ClockDirection, address: String, network: String, context: AuditContext)
        async throws -> Int
    {
        guard direction != .any else { throw FieldErrors(["direction": "validation.choose_from_list"]) }
        if address.count > 200 { throw FieldErrors(["address": "validation.too_long"]) }
        return try await database.writeTransaction { tx in
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
                fields: ["at", "address", "network"],
                message: AuditMessage.clockPlace(address: address.trimmed, network: network), context: context, on: tx)
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
}

extension JSONEncoder {
    /// Sorted keys, so equal values give equal text (stored arguments are compared as text).
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
