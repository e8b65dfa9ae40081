import Fluent
import SQLKit

/// Issue 13 §1, §4: the escalation ladder as the supervisor sets it (absent rows: the standard ladder),
/// and a version on the categories so that two edits of one category cannot overwrite each other.
/// Frozen once landed.
struct CreateComplaintEscalationLevels: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaint_escalation_levels")
            .field("id", .int, .identifier(auto: false))
            .field("role", .string, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("at_share", .double, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("complaint_categories").field("version", .int, .required, .sql(.default(1))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("complaint_categories").deleteField("version").update()
        try await database.schema("complaint_escalation_levels").delete()
    }
}
