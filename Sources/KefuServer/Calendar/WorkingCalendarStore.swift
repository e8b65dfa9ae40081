import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Where the one working calendar is kept (issue 13): every part that counts working time —
/// complaint time limits, reminders that must not go out at night, attendance — reads it here:
///
/// ```swift
/// let calendar = try await WorkingCalendarStore(database: req.db).load()
/// let due = calendar.adding(workingHours: 4, to: receivedAt)
/// ```
///
/// `load()` is one small settings row and the dated entries (a few dozen a year); the arithmetic is
/// ``WorkingCalendar`` in KefuDomain. Writes are audited (`calendar.*`) and the hours carry a version.
struct WorkingCalendarStore {
    let database: any Database

    struct Settings: Decodable, Sendable {
        var dayStart: Int, lunchStart: Int, lunchEnd: Int, dayEnd: Int, weekdays: String, updatedAt: Date, version: Int
        enum CodingKeys: String, CodingKey {
            case weekdays, version
            case dayStart = "day_start", lunchStart = "lunch_start", lunchEnd = "lunch_end", dayEnd = "day_end",
                updatedAt = "updated_at"
        }

        var hours: WorkingHours {
            WorkingHours(
                start: DayTime(minutes: dayStart) ?? WorkingHours.standard.start,
                lunchStart: DayTime(minutes: lunchStart) ?? WorkingHours.standard.lunchStart,
                lunchEnd: DayTime(minutes: lunchEnd) ?? WorkingHours.standard.lunchEnd,
                end: DayTime(minutes: dayEnd) ?? WorkingHours.standard.end)
        }

        var weekdaySet: Set<Int> { Set(weekdays.split(separator: ",").compactMap { Int($0) }) }
    }

    struct DayRow: Decodable, Sendable {
        var day: String, kind: String, name: String, updatedAt: Date
        enum CodingKeys: String, CodingKey { case day, kind, name, updatedAt = "updated_at" }

        var exception: CalendarException? {
            guard let day = CalendarDay(day), let kind = CalendarDayKind(rawValue: kind) else { return nil }
            return CalendarException(day: day, kind: kind, name: name)
        }
    }

    func settings(on database: (any Database)? = nil) async throws -> Settings {
        guard
            let row = try await (database ?? self.database).sql().raw(
                """
                SELECT day_start, lunch_start, lunch_end, day_end, weekdays, updated_at, version FROM working_calendar_settings WHERE id = 1
                """
            ).first(decoding: Settings.self)
        else { throw KefuError.notFound }
        return row
    }

    /// The dated entries, all or those of one year, in day order.
    func days(year: Int? = nil) async throws -> [DayRow] {
        if let year {
            return try await database.sql().raw(
                """
                SELECT day, kind, name, updated_at FROM calendar_days WHERE day >= \(bind: String(format: "%04d-01-01", year))
                AND day <= \(bind: String(format: "%04d-12-31", year)) ORDER BY day
                """
            ).all(decoding: DayRow.self)
        }
        return try await database.sql().raw("SELECT day, kind, name, updated_at FROM calendar_days ORDER BY day").all(
            decoding: DayRow.self)
    }

    /// The calendar as a value, for the arithmetic.
    func load() async throws -> WorkingCalendar {
        let settings = try await settings()
        let days = try await days()
        return WorkingCalendar(
            hours: settings.hours, weekdays: settings.weekdaySet, exceptions: days.compactMap(\.exception))
    }

    /// The problems with a change of hours and weekdays, by field.
    static func validate(hours: WorkingHours, weekdays: Set<Int>) -> FieldErrors {
        var errors = hours.problems
        if weekdays.isEmpty || !weekdays.allSatisfy({ (1...7).contains($0) }) {
            errors.add("weekdays", "calendar.weekdays.required")
        }
        return errors
    }

    func updateHours(_ hours: WorkingHours, weekdays: Set<Int>, version: Int, context: AuditContext) async throws {
        try Self.validate(hours: hours, weekdays: weekdays).throwIfAny()
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                WorkingCalendarKind.self, id: 1, version: version,
                RecordWrite(
                    set: """
                        day_start = \(bind: hours.start.minutes), lunch_start = \(bind: hours.lunchStart.minutes), lunch_end = \(bind: hours.lunchEnd.minutes),
                        day_end = \(bind: hours.end.minutes), weekdays = \(bind: weekdays.sorted().map(String.init).joined(separator: ",")),
                        updated_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    audit: .init(
                        action: "calendar.hours_changed",
                        fields: ["day_start", "lunch_start", "lunch_end", "day_end", "weekdays"],
                        message: AuditMessage.workingHours(
                            start: "\(hours.start)", lunchStart: "\(hours.lunchStart)", lunchEnd: "\(hours.lunchEnd)",
                            end: "\(hours.end)"))),
                context: context,
                on: tx)
        }
    }

    /// Sets the entries of these days (a new one or a changed one), in one transaction with one
    /// audit entry. Answers how many days were written.
    @discardableResult
    func setDays(_ entries: [CalendarException], action: String = "calendar.day_set", context: AuditContext)
        async throws -> Int
    {
        guard !entries.isEmpty else { return 0 }
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            for entry in entries {
                try await sql.raw(
                    """
                    INSERT INTO calendar_days (day, kind, name, updated_at, updated_by_staff_id)
                    VALUES (\(bind: entry.day.description), \(bind: entry.kind.rawValue), \(bind: entry.name), \(bind: context.now), \(bind: context.actorStaffID))
                    ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name, updated_at = excluded.updated_at,
                        updated_by_staff_id = excluded.updated_by_staff_id
                    """
                ).run()
            }
            let sorted = entries.map(\.day).sorted()
            let message =
                entries.count == 1
                ? AuditMessage.calendarDay("\(entries[0].day)", kind: entries[0].kind.rawValue, name: entries[0].name)
                : AuditMessage.calendarDays(
                    count: "\(entries.count)", first: "\(sorted.first!)", last: "\(sorted.last!)")
            try await AuditLog.record(
                action, recordType: "working_calendar", recordID: "1", fields: ["calendar_days"], message: message,
                context: context, on: tx)
            return entries.count
        }
    }

    /// Removes a day's entry (it follows the usual weekdays again); false when it had none.
    func removeDay(_ day: CalendarDay, context: AuditContext) async throws -> Bool {
        try await database.writeTransaction { tx in
            let removed = try await tx.sql().raw(
                "DELETE FROM calendar_days WHERE day = \(bind: day.description) RETURNING id"
            ).first()
            guard removed != nil else { return false }
            try await AuditLog.record(
                "calendar.day_removed", recordType: "working_calendar", recordID: "1", fields: ["calendar_days"],
                message: AuditMessage.day(day.description), context: context, on: tx)
            return true
        }
    }
}

/// Reads an imported schedule by its file name or declared format.
enum CalendarImportFormat: String, CaseIterable, Codable, Sendable {
    case csv, ics

    static func guess(fileName: String?, content: String) -> CalendarImportFormat {
        if let name = fileName?.lowercased(), name.hasSuffix(".ics") || name.hasSuffix(".ical") { return .ics }
        if content.trimmed.uppercased().hasPrefix("BEGIN:VCALENDAR") { return .ics }
        return .csv
    }

    func parse(_ content: String) -> Result<[CalendarException], CalendarImportProblems> {
        switch self {
        case .csv: CalendarImport.parseCSV(content)
        case .ics: CalendarImport.parseICS(content)
        }
    }
}
