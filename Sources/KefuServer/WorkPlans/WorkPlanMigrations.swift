import Fluent
import SQLKit

/// Work plans of the team or one specialist per period, and their free-text goals (R2.2).
struct CreateWorkPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("work_plans")
            .field("id", .int, .identifier(auto: true))
            .field("department_id", .int, .required, .references("departments", "id"))
            // NULL: the supervisor's plan for the whole department.
            .field("staff_id", .int, .references("staff", "id"))
            .field("period_kind", .string, .required)
            .field("period_start", .string, .required)
            .field("period_end", .string, .required)
            .field("title", .string, .required)
            .field("targets", .string, .required)
            .field("result_note", .string)
            .field("result_at", .datetime)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("work_plan_goals")
            .field("id", .int, .identifier(auto: true))
            .field("plan_id", .int, .required, .references("work_plans", "id"))
            .field("position", .int, .required)
            .field("text", .string, .required)
            .field("done_at", .datetime)
            .field("done_by_staff_id", .int, .references("staff", "id"))
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX work_plans_department ON work_plans (department_id, period_start, id)").run()
        try await sql.raw("CREATE INDEX work_plans_staff ON work_plans (staff_id, period_start)").run()
        try await sql.raw("CREATE INDEX work_plan_goals_plan ON work_plan_goals (plan_id, position)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("work_plan_goals").delete()
        try await database.schema("work_plans").delete()
    }
}

/// A plan's result keeps the progress of each target as it stood when the result was recorded, so
/// records changed later do not rewrite it.
struct AddResultProgressToWorkPlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("work_plans").field("result_progress", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("work_plans").deleteField("result_progress").update()
    }
}

/// The return visits a person did in a period, read for plans and assessments (R2.2, R5.3).
struct CreateReturnVisitsDoneIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw(
            "CREATE INDEX return_visits_done_by ON return_visits (done_by_staff_id, done_at) WHERE state = 'done'"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX return_visits_done_by").run()
    }
}
