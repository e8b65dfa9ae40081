import Fluent
import SQLKit

/// Indexes the dashboard's period figures read (issue 16): a period's inquiries by channel, follow-ups by
/// due time with their person and completion, complaints by category — each a range on the first column,
/// the rest read from the index without the table.
struct CreateReportIndexes: AsyncMigration {
    static let indexes = [
        "CREATE INDEX inquiries_received_channel ON inquiries (received_at, channel)",
        "CREATE INDEX follow_ups_due_staff ON follow_ups (due_at, staff_id, completed_at)",
        "CREATE INDEX complaints_received_category ON complaints (received_at, category)",
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        for statement in Self.indexes { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for index in ["inquiries_received_channel", "follow_ups_due_staff", "complaints_received_category"] {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
        }
    }
}
