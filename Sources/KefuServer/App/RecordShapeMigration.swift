import Fluent
import SQLKit

/// Issue 9: every kind of record that is edited has `version` and `updated_at`, and every kind says when
/// its records were made (`RecordKind.createdColumn`, `isAppendOnly`). These tables were made before the
/// rule and lacked a column; each is added (one column per statement: SQLite alters one at a time) and
/// filled from what the rows already tell. Frozen once landed.
struct AddVersionsAndTimesToRecords: AsyncMigration {
    /// Table, column, and the value existing rows get (nil: the column's default).
    static let columns: [(table: String, column: String, filled: String?)] = [
        ("complaint_pauses", "version", nil),
        ("complaint_pauses", "updated_at", "COALESCE(ended_at, started_at)"),
        ("contract_checklist_items", "created_at", "(SELECT c.created_at FROM contracts c WHERE c.id = contract_id)"),
        ("contract_clauses", "version", nil),
        ("contract_clauses", "created_at", "(SELECT c.created_at FROM contracts c WHERE c.id = contract_id)"),
        ("contract_clauses", "updated_at", "COALESCE(explained_at, created_at)"),
        ("inspection_settings", "created_at", "updated_at"),
        ("procedures", "version", nil),
        ("recommendations", "version", nil),
        ("recommendations", "updated_at", "COALESCE(reaction_at, recommended_at)"),
        ("surveys", "version", nil),
        ("surveys", "updated_at", "COALESCE(answered_at, created_at)"),
        ("work_plan_goals", "version", nil),
        ("work_plan_goals", "created_at", "(SELECT p.created_at FROM work_plans p WHERE p.id = plan_id)"),
        ("work_plan_goals", "updated_at", "COALESCE(done_at, created_at)"),
        ("working_calendar_settings", "created_at", "updated_at"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        for (table, column, filled) in Self.columns {
            if column == "version" {
                try await database.schema(table).field("version", .int, .required, .sql(.default(1))).update()
            } else {
                try await database.schema(table).field(.string(column), .datetime).update()
            }
            if let filled {
                try await sql.raw("UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(unsafeRaw: filled)").run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        for (table, column, _) in Self.columns.reversed() {
            try await database.schema(table).deleteField(.string(column)).update()
        }
    }
}
