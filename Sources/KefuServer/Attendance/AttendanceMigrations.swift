import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Attendance (R6.1): the rules, each person's shift, clock events, leave requests, missed-clock
/// corrections (补卡) and the marks the rules found, one per person, day and kind.
struct CreateAttendance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("attendance_settings")
            .field("id", .int, .identifier(auto: false))
            .field("rules", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema("attendance_schedules")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("shift_start", .int, .required)
            .field("shift_end", .int, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "staff_id")
            .create()
        try await database.schema("clock_records")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("at", .datetime, .required)
            .field("direction", .string, .required)
            // app · import · correction
            .field("source", .string, .required)
            .field("address", .string, .required)
            .field("network", .string, .required)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        for table in ["leave_requests", "clock_corrections"] {
            var schema = database.schema(table)
                .field("id", .int, .identifier(auto: true))
                .field("staff_id", .int, .required, .references("staff", "id"))
                .field("department_id", .int, .required, .references("departments", "id"))
            if table == "leave_requests" {
                schema = schema.field("kind", .string, .required).field("start_day", .string, .required).field(
                    "end_day", .string, .required)
            } else {
                schema = schema.field("day", .string, .required).field("time", .string, .required).field(
                    "direction", .string, .required)
            }
            try await schema
                .field("reason", .string, .required)
                .field("status", .string, .required)
                .field("decided_by_staff_id", .int, .references("staff", "id"))
                .field("decided_at", .datetime)
                .field("decision_note", .string)
                .field("version", .int, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
        }
        try await database.schema("attendance_marks")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("day", .string, .required)
            .field("kind", .string, .required)
            .field("minutes", .int, .required)
            .field("deduction_days", .double, .required)
            .field("cause", .string, .required)
            .field("cause_arguments", .string, .required)
            .field("excused_reason", .string)
            .field("excused_by_staff_id", .int, .references("staff", "id"))
            .field("excused_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "number")
            .unique(on: "staff_id", "day", "kind")
            .create()
        let sql = try database.sql()
        let rules = String(decoding: try JSONEncoder().encode(AttendanceRuleSet.standard), as: UTF8.self)
        try await sql.raw(
            """
            INSERT INTO attendance_settings (id, rules, version, created_at, updated_at) VALUES (1, \(bind: rules), 1, \(bind: Date()), \(bind: Date()))
            """
        ).run()
        try await sql.raw("CREATE INDEX clock_records_staff_at ON clock_records (staff_id, at)").run()
        try await sql.raw("CREATE INDEX leave_requests_staff ON leave_requests (staff_id, start_day)").run()
        try await sql.raw("CREATE INDEX leave_requests_department ON leave_requests (department_id, status, start_day)")
            .run()
        try await sql.raw("CREATE INDEX clock_corrections_staff ON clock_corrections (staff_id, day)").run()
        try await sql.raw("CREATE INDEX clock_corrections_department ON clock_corrections (department_id, status, day)")
            .run()
        try await sql.raw("CREATE INDEX attendance_marks_department_day ON attendance_marks (department_id, day)").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "attendance_marks", "clock_corrections", "leave_requests", "clock_records", "attendance_schedules",
            "attendance_settings",
        ] {
            try await database.schema(table).delete()
        }
    }
}

/// Half a day's leave (R6.1): the part of the day a leave takes — `whole`, `morning` or `afternoon`
/// (a half day is one day). Leave requested before keeps whole days.
struct AddPartToLeaveRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("leave_requests").field("part", .string, .required, .sql(.default("whole"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("leave_requests").deleteField("part").update()
    }
}
