import Fluent
import SQLKit

/// The reminders given, marked on the row (as contract obligations mark theirs): the scheduler's
/// scan reads only the follow-ups and inquiries with a reminder still to give, through partial
/// indexes over the unmarked rows, instead of every candidate of the last 30 days and its keys each
/// minute. A follow-up's reschedule or reassignment clears its marks (the new time or the new person
/// is reminded); an inquiry's deadline and owner do not change while it is promised or waiting.
struct AddReminderMarks: AsyncMigration {
    static let columns = [
        ("follow_ups", "due_reminded_at"), ("follow_ups", "overdue_reminded_at"), ("inquiries", "due_soon_reminded_at"),
        ("inquiries", "overdue_reminded_at"), ("inquiries", "waiting_reminded_at"),
    ]

    static let indexes = [
        "follow_ups_due_unreminded ON follow_ups (due_at) WHERE completed_at IS NULL AND due_reminded_at IS NULL",
        "follow_ups_overdue_unreminded ON follow_ups (due_at) WHERE completed_at IS NULL AND overdue_reminded_at IS NULL",
        "inquiries_due_soon_unreminded ON inquiries (promised_by) WHERE status = 'promised' AND due_soon_reminded_at IS NULL",
        "inquiries_overdue_unreminded ON inquiries (promised_by) WHERE status = 'promised' AND overdue_reminded_at IS NULL",
        "inquiries_waiting_unreminded ON inquiries (received_at) WHERE status = 'waiting' AND waiting_reminded_at IS NULL",
    ]

    func prepare(on database: any Database) async throws {
        for (table, column) in Self.columns {
            try await database.schema(table).field(FieldKey(stringLiteral: column), .datetime).update()
        }
        let sql = try database.sql()
        for index in Self.indexes { try await sql.raw("CREATE INDEX \(unsafeRaw: index)").run() }
        try await SQLiteStatistics.analyze(indexes: Self.indexes.map { String($0.prefix { $0 != " " }) }, on: database)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for index in Self.indexes {
            try await sql.raw("DROP INDEX \(unsafeRaw: String(index.prefix { $0 != " " }))").run()
        }
        for (table, column) in Self.columns {
            try await database.schema(table).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}

/// SQLite plans from the statistics `ANALYZE` left (`sqlite_stat1`); an index added later has none and
/// loses to the older, broader ones it was made to replace (the scan read the old index of every
/// promised reply and checked each row's mark). A migration that adds such an index analyzes it — only
/// when the database has statistics at all, so a database never analyzed keeps planning without.
/// PostgreSQL gathers its own statistics.
enum SQLiteStatistics {
    static func analyze(indexes: [String], on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "sqlite",
            try await sql.raw("SELECT 1 AS present FROM sqlite_master WHERE name = 'sqlite_stat1'").first() != nil
        else { return }
        for index in indexes { try await sql.raw("ANALYZE \(unsafeRaw: index)").run() }
    }
}
