import Fluent
import SQLKit

/// Consent events per customer and purpose (R4.4). Append-only: a withdrawal is a new event.
struct CreateConsents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("consents")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("purpose", .string, .required)
            .field("status", .string, .required)
            .field("effective_at", .datetime, .required)
            .field("channel", .string, .required)
            .field("evidence", .string, .required)
            .field("notice_version", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by_staff_id", .int)
            .field("actor_name", .string, .required)
            .create()
        try await database.sql().raw("CREATE INDEX consents_customer ON consents (customer_id, purpose, effective_at)")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("consents").delete()
    }
}

/// Requests to share a customer's information with a third party, and their release (R4.4).
struct CreateSharingRequests: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sharing_requests")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("recipient", .string, .required)
            .field("purpose", .string, .required)
            .field("fields", .string, .required)
            .field("note", .string, .required)
            .field("status", .string, .required)
            .field("requested_by_staff_id", .int, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_by_staff_id", .int)
            .field("decided_at", .datetime)
            .field("decision_note", .string)
            .field("release_data", .string)
            .field("version", .int, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX sharing_requests_customer ON sharing_requests (customer_id, requested_at)")
            .run()
        try await sql.raw("CREATE INDEX sharing_requests_status ON sharing_requests (status, requested_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sharing_requests").delete()
    }
}
