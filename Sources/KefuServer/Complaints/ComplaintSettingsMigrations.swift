import Fluent
import Foundation
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

/// Issue 9 §2: a forward and a category change through the one write path, which stamps
/// `updated_at`; they had no such column (a category had no times at all). Existing rows take the
/// latest time they show. Frozen once landed.
struct AddTimesToComplaintParts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaint_forwards").field("updated_at", .datetime).update()
        try await database.sql().raw(
            "UPDATE complaint_forwards SET updated_at = COALESCE(answered_at, chased_at, created_at)"
        ).run()
        // SQLite adds one column per statement.
        for column in ["created_at", "updated_at"] {
            try await database.schema("complaint_categories").field(.string(column), .datetime).update()
        }
        let now = Date()
        try await database.sql().raw(
            "UPDATE complaint_categories SET created_at = \(bind: now), updated_at = \(bind: now)"
        )
        .run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("complaint_forwards").deleteField("updated_at").update()
        for column in ["created_at", "updated_at"] {
            try await database.schema("complaint_categories").deleteField(.string(column)).update()
        }
    }
}

/// Issue 9 §2: a severity's time limits change through the one write path, which claims a row by
/// its `id` and stamps `updated_at`; the rows were keyed by severity alone. The three rows take ids
/// in the order of severity. Frozen once landed.
struct AddIDsToComplaintTimeLimits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        try await database.schema("complaint_time_limits").field("id", .int).update()
        for column in ["created_at", "updated_at"] {
            try await database.schema("complaint_time_limits").field(.string(column), .datetime).update()
        }
        let sql = try database.sql()
        let now = Date()
        for (id, severity) in ["urgent", "major", "normal"].enumerated() {
            try await sql.raw(
                """
                UPDATE complaint_time_limits SET id = \(bind: id + 1), created_at = \(bind: now), updated_at = \(bind: now)
                WHERE severity = \(bind: severity)
                """
            ).run()
        }
        try await sql.raw("CREATE UNIQUE INDEX complaint_time_limits_id ON complaint_time_limits (id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX complaint_time_limits_id").run()
        for column in ["id", "created_at", "updated_at"] {
            try await database.schema("complaint_time_limits").deleteField(.string(column)).update()
        }
    }
}
