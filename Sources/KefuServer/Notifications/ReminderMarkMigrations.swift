import Fluent
import SQLKit

/// The reminders given, marked on the row (as contract obligations mark theirs): the scheduler's
/// scan reads only the follow-ups and inquiries with a reminder still to give, through partial
/// indexes over the unmarked rows, instead of every candidate of the last 30 days and its keys each
/// minute. A follow-up's reschedule or reassignment clears its marks (the new time or the new person
/// is reminded); an inquiry's deadline and owner do not change while it is promised or waiting.
struct AddReminderMarks: AsyncMigration {
    static let columns = [("follow_ups", "due_reminded_at"), ("follow_ups", "overdue_reminded_at"), ("inquiries", "due_soon_reminded_at"),
                          ("inquiries", "overdue_reminded_at"), ("inquiries", "waiting_reminded_at")]

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
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for index in Self.indexes { try await sql.raw("DROP INDEX \(unsafeRaw: String(index.prefix { $0 != " " }))").run() }
        for (table, column) in Self.columns { try await database.schema(table).deleteField(FieldKey(stringLiteral: column)).update() }
    }
}
