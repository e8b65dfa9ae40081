import Fluent
import SQLKit

/// Issue 9 §2: a sharing request's decision goes through the one write path, which stamps the
/// change's time. Existing rows: decided when decided, else when requested. Frozen once landed.
struct AddUpdatedAtToSharingRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sharing_requests").field("updated_at", .datetime).update()
        try await database.sql().raw("UPDATE sharing_requests SET updated_at = COALESCE(decided_at, requested_at)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sharing_requests").deleteField("updated_at").update()
    }
}
