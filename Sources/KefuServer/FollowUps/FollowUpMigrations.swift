import Fluent
import SQLKit

/// Issue 9 §2: follow-ups change through the one write path, which claims a version and stamps the
/// change's time. Existing rows start at version 1, changed when created. Frozen once landed.
struct AddVersionsToFollowUps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("follow_ups")
            .field("version", .int, .required, .sql(.default(1)))
            .update()
        try await database.schema("follow_ups").field("updated_at", .datetime).update()
        try await database.sql().raw("UPDATE follow_ups SET updated_at = created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("follow_ups").deleteField("updated_at").update()
        try await database.schema("follow_ups").deleteField("version").update()
    }
}
