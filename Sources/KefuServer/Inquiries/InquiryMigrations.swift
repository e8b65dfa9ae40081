import Fluent
import SQLKit

/// Inquiries and promised replies (R3.1), including those from the public form (R4.1 #2), and the
/// per-address counter of public submissions. Frozen once landed: add a new migration for any change.
struct CreateInquiries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inquiries")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string)
            // Empty for a public-form inquiry until it is assigned and matched to a file.
            .field("customer_id", .int, .references("customers", "id"))
            .field("channel", .string, .required)
            .field("received_at", .datetime, .required)
            .field("question", .string, .required)
            .field("needs", .string)
            .field("answer", .string)
            .field("first_answered_at", .datetime)
            // waiting (public form, not assigned) · open (assigned, not answered) · promised · closed
            .field("status", .string, .required)
            .field("promised_by", .datetime)
            .field("replied_at", .datetime)
            .field("reply", .string)
            .field("staff_id", .int, .references("staff", "id"))
            .field("created_by_staff_id", .int, .references("staff", "id"))
            // What a visitor typed on the public form, kept as typed (masked like any contact).
            .field("visitor_name", .string)
            .field("visitor_mobile", .string)
            .field("visitor_company", .string)
            .field("visitor_intent", .string)
            .field("consent_notice_version", .string)
            .field("consent_at", .datetime)
            .field("source_address", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX inquiries_status_staff ON inquiries (status, staff_id, promised_by)").run()
        // The team's promised replies by deadline, and the queue by arrival: read in order, stop at the page.
        try await sql.raw(
            "CREATE INDEX inquiries_promised_due ON inquiries (promised_by, id) WHERE status = 'promised'"
        ).run()
        try await sql.raw("CREATE INDEX inquiries_waiting ON inquiries (received_at, id) WHERE status = 'waiting'")
            .run()
        try await sql.raw("CREATE INDEX inquiries_customer ON inquiries (customer_id, received_at)").run()
        try await sql.raw("CREATE INDEX inquiries_staff_received ON inquiries (staff_id, received_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("inquiries").delete()
    }
}
