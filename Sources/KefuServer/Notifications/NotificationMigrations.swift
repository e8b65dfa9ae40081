import Fluent
import SQLKit

/// In-app notifications (the bell), webhook targets and their delivery log (S4). Frozen once
/// landed: add a new migration for any change.
struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("notifications")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("event", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("link", .string)
            .field("dedupe_key", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            // Each reminder reaches each person once, however often the scheduler looks.
            .unique(on: "staff_id", "dedupe_key")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX notifications_unread ON notifications (staff_id, id) WHERE read_at IS NULL")
            .run()
        try await sql.raw("CREATE INDEX notifications_staff ON notifications (staff_id, created_at)").run()

        try await database.schema("webhooks")
            .field("id", .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("platform", .string, .required)
            .field("url", .string, .required)
            .field("secret", .string)
            // ",follow_up.due,promised_reply.overdue,"
            .field("events", .string, .required)
            .field("is_active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()

        try await database.schema("webhook_deliveries")
            .field("id", .int, .identifier(auto: true))
            .field("webhook_id", .int, .required, .references("webhooks", "id"))
            .field("event", .string, .required)
            .field("dedupe_key", .string, .required)
            .field("title", .string, .required)
            .field("lines", .string, .required)
            .field("link", .string)
            // pending · delivered · failed
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("last_status_code", .int)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("delivered_at", .datetime)
            .unique(on: "webhook_id", "dedupe_key")
            .create()
        try await sql.raw(
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'"
        ).run()
        try await sql.raw("CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").delete()
        try await database.schema("webhooks").delete()
        try await database.schema("notifications").delete()
    }
}

/// Each delivery is claimed by one instance before it is sent (issue 17 §2): the scheduler's job
/// lease alone let a second instance send the rows a slow first instance was still working through.
struct AddClaimsToWebhookDeliveries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema("webhook_deliveries").field("claimed_by", .string).update()
        try await database.schema("webhook_deliveries").field("claimed_until", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").deleteField("claimed_until").update()
        try await database.schema("webhook_deliveries").deleteField("claimed_by").update()
    }
}

/// The scheduler's scans look up which of their reminders were already given by key (S4): with a
/// million customers a minute's scan finds some 200,000 due follow-ups, nearly all reminded before,
/// and rendering and re-inserting each one only for the unique index to drop it took seconds of every
/// minute on the one SQLite writer.
struct CreateNotificationDedupeIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw("CREATE INDEX notifications_dedupe ON notifications (dedupe_key, staff_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX notifications_dedupe").run()
    }
}
