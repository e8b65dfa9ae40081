import Fluent

/// Issue 9 §2: each line of a file's change history names the version it made, so that a save on a
/// stale version shows what was changed since (`partials/conflict.leaf`). Frozen once landed.
struct AddVersionToCustomerChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customer_changes").field("version", .int).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_changes").deleteField("version").update()
    }
}
