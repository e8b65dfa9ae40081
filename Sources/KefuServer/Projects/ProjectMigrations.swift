import Fluent
import SQLKit

/// The investment-project catalog (R3.2): projects, every version of their facts, supporting cases,
/// and the recommendations made to customers. Frozen once landed: add a new migration for any change.
struct CreateProjects: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("projects")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("type", .string, .required)
            // ",manufacturing,technology," so one LIKE finds an industry, as for customers.
            .field("industries", .string, .required)
            .field("province", .string)
            .field("city", .string)
            .field("address", .string)
            .field("area_square_meters", .double)
            .field("investment_min_yuan", .int64)
            .field("investment_max_yuan", .int64)
            .field("annual_return_percent", .double)
            .field("payback_years", .double)
            .field("incentives", .string)
            .field("highlights", .string)
            .field("status", .string, .required)
            .field("responsible_department", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "code")
            .create()
        try await database.sql().raw("CREATE INDEX projects_status ON projects (status, code)").run()

        // What the project's facts were at each version: a recommendation names the version it was
        // made from, so what a customer was told on a date can be shown later (R1, honesty).
        try await database.schema("project_versions")
            .field("id", .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("version", .int, .required)
            .field("facts", .string, .required)
            .field("changes", .string, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("actor_name", .string, .required)
            .field("changed_at", .datetime, .required)
            .unique(on: "project_id", "version")
            .create()

        try await database.schema("project_cases")
            .field("id", .int, .identifier(auto: true))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("title", .string, .required)
            .field("summary", .string, .required)
            .field("figures", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql().raw("CREATE INDEX project_cases_project ON project_cases (project_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("project_cases").delete()
        try await database.schema("project_versions").delete()
        try await database.schema("projects").delete()
    }
}

struct CreateRecommendations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("recommendations")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("project_id", .int, .required, .references("projects", "id"))
            .field("project_version", .int, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("recommended_at", .datetime, .required)
            .field("presentation", .string, .required)
            .field("material", .string, .required)
            .field("score", .int, .required)
            .field("explanation", .string, .required)
            .field("reaction", .string)
            .field("reaction_reason", .string)
            .field("reaction_at", .datetime)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX recommendations_customer ON recommendations (customer_id, recommended_at)")
            .run()
        try await sql.raw("CREATE INDEX recommendations_project ON recommendations (project_id, reaction)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("recommendations").delete()
    }
}

struct CreateFollowUps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("follow_ups")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            // Who is to make the contact: the customer's responsible specialist when planned.
            .field("staff_id", .int, .references("staff", "id"))
            .field("due_at", .datetime, .required)
            .field("channel", .string, .required)
            .field("purpose", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("completed_at", .datetime)
            .field("completed_by_staff_id", .int, .references("staff", "id"))
            .field("outcome", .string)
            .create()
        let sql = try database.sql()
        // Open follow-ups are what every list reads: by person and due time, and per customer.
        try await sql.raw(
            "CREATE INDEX follow_ups_open_by_staff ON follow_ups (staff_id, due_at) WHERE completed_at IS NULL"
        ).run()
        try await sql.raw("CREATE INDEX follow_ups_open_by_due ON follow_ups (due_at) WHERE completed_at IS NULL").run()
        try await sql.raw("CREATE INDEX follow_ups_customer ON follow_ups (customer_id, due_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("follow_ups").delete()
    }
}
