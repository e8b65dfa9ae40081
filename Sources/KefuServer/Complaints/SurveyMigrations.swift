import Fluent
import SQLKit

/// Satisfaction surveys (issue 13 §5, R1.1, R5.3): one row per link sent (only its SHA-256 is kept),
/// the answer on it, and the score given to each person and department that handled the matter —
/// what staff assessment reads. Frozen once landed.
struct CreateSurveys: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("surveys")
            .field("id", .int, .identifier(auto: true))
            .field("subject_type", .string, .required)
            .field("subject_id", .int, .required)
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("expires_at", .datetime, .required)
            .field("answered_at", .datetime)
            .field("score", .int)
            .field("resolved", .bool)
            .field("comment", .string)
            .unique(on: "token_hash")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX surveys_subject ON surveys (subject_type, subject_id)").run()
        try await database.schema("survey_attributions")
            .field("id", .int, .identifier(auto: true))
            .field("survey_id", .int, .required, .references("surveys", "id"))
            .field("subject_type", .string, .required)
            .field("subject_id", .int, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("department_id", .int, .references("departments", "id"))
            .field("score", .int, .required)
            .field("answered_at", .datetime, .required)
            .create()
        try await sql.raw("CREATE INDEX survey_attributions_staff ON survey_attributions (staff_id, answered_at)").run()
        try await sql.raw(
            "CREATE INDEX survey_attributions_department ON survey_attributions (department_id, answered_at)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("survey_attributions").delete()
        try await database.schema("surveys").delete()
    }
}
