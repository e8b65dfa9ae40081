import Fluent
import SQLKit

/// The one working calendar (issue 13, R3.5): the hours of a working day and the usual working
/// weekdays (one settings row), and the dated entries — public holidays and make-up working days
/// (调休). Frozen once landed: add a new migration for any change.
struct CreateWorkingCalendar: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("working_calendar_settings")
            .field("id", .int, .identifier(auto: false))
            // Minutes after midnight in China time.
            .field("day_start", .int, .required)
            .field("lunch_start", .int, .required)
            .field("lunch_end", .int, .required)
            .field("day_end", .int, .required)
            // ISO weekdays worked as a rule, comma separated: "1,2,3,4,5".
            .field("weekdays", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_staff_id", .int, .references("staff", "id"))
            .field("version", .int, .required)
            .create()
        try await database.sql().raw(
            """
            INSERT INTO working_calendar_settings (id, day_start, lunch_start, lunch_end, day_end, weekdays, updated_at, version)
            VALUES (1, 540, 720, 810, 1080, '1,2,3,4,5', CURRENT_TIMESTAMP, 1)
            """
        ).run()
        try await database.schema("calendar_days")
            .field("id", .int, .identifier(auto: true))
            // yyyy-MM-dd, compared as text.
            .field("day", .string, .required)
            // holiday | workday
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by_staff_id", .int, .references("staff", "id"))
            .unique(on: "day")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calendar_days").delete()
        try await database.schema("working_calendar_settings").delete()
    }
}
