import Fluent
import SQLKit

/// The annual training plan, its sessions and each trainee's enrolment (R5.1, R5.2).
struct CreateTraining: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("training_plans")
            .field("id", .int, .identifier(auto: true))
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("year", .int, .required)
            .field("title", .string, .required)
            .field("goals", .string, .required)
            // Codes separated by commas: content areas and methods.
            .field("areas", .string, .required)
            .field("methods", .string, .required)
            .field("hours", .double, .required)
            .field("budget_yuan", .int, .required)
            .field("state", .string, .required)
            .field("submitted_at", .datetime)
            .field("decided_at", .datetime)
            .field("decided_by_staff_id", .int, .references("staff", "id"))
            .field("decision_note", .string)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("training_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("training_plans", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("title", .string, .required)
            .field("trainer", .string, .required)
            .field("content_area", .string, .required)
            .field("method", .string, .required)
            .field("scheduled_on", .string, .required)
            .field("hours", .double, .required)
            .field("cost_yuan", .int, .required)
            .field("location", .string)
            .field("aimed_figures", .string, .required)
            .field("state", .string, .required)
            .field("held_on", .string)
            .field("supervisor_note", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("training_enrolments")
            .field("id", .int, .identifier(auto: true))
            .field("session_id", .int, .required, .references("training_sessions", "id"))
            .field("staff_id", .int, .required, .references("staff", "id"))
            // NULL until the supervisor records attendance.
            .field("attended", .bool)
            .field("score_before", .double)
            .field("score_after", .double)
            .field("rating", .int)
            .field("rating_comment", .string)
            .field("rated_at", .datetime)
            .field("is_outstanding", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "session_id", "staff_id")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX training_plans_department ON training_plans (department_id, year, id)").run()
        try await sql.raw("CREATE INDEX training_sessions_plan ON training_sessions (plan_id, scheduled_on, id)").run()
        try await sql.raw(
            "CREATE INDEX training_sessions_held ON training_sessions (department_id, held_on) WHERE held_on IS NOT NULL"
        ).run()
        try await sql.raw("CREATE INDEX training_enrolments_staff ON training_enrolments (staff_id, session_id)").run()
        try await sql.raw(
            "CREATE INDEX training_enrolments_outstanding ON training_enrolments (staff_id, session_id) WHERE is_outstanding"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("training_enrolments").delete()
        try await database.schema("training_sessions").delete()
        try await database.schema("training_plans").delete()
    }
}
