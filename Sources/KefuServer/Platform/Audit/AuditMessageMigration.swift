import Fluent
import Foundation
import SQLKit

/// Audit entries store their detail as a message key and its arguments (issue 9 §7). Entries written
/// before are converted where their action's detail has a known shape (``LegacyAuditDetail``); the
/// rest keep their text under `audit.detail.text`, shown as it is.
///
/// The log is append-only through triggers (``CreateAuditEntries``): each chunk of 5,000 entries is
/// converted in one transaction that drops the triggers, updates and creates them again, so no
/// moment is committed without them — and a failure midway leaves the guarantee and the converted
/// chunks in place.
struct AddAuditMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw(
            "ALTER TABLE audit_entries ADD COLUMN message_key TEXT NOT NULL DEFAULT 'audit.detail.text'"
        ).run()
        try await sql.raw("ALTER TABLE audit_entries ADD COLUMN message_args TEXT NOT NULL DEFAULT '{}'").run()
        try await Self.convertLegacyEntries(on: database)
    }

    /// Converts the entries still under `audit.detail.text` whose action's detail has a known shape.
    static func convertLegacyEntries(on database: any Database) async throws {
        try await AuditDetailConversion.run(
            actions: LegacyAuditDetail.actions, convert: LegacyAuditDetail.convert, on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            try await AuditAppendOnly.drop(on: sql, dialect: tx.dialect)
            try await tx.schema("audit_entries").deleteField("message_args").deleteField("message_key").update()
            try await AuditAppendOnly.create(on: sql, dialect: tx.dialect)
        }
    }
}

/// The conversion of old audit details that ``AddAuditMessages`` and ``ConvertMoreAuditDetails`` run,
/// each with the shapes of its own writers.
///
/// The log is append-only through triggers (``CreateAuditEntries``): each chunk of 5,000 entries is
/// converted in one transaction that drops the triggers, updates and creates them again, so no
/// moment is committed without them — and a failure midway leaves the guarantee and the converted
/// chunks in place.
enum AuditDetailConversion {
    /// Converts the entries still under `audit.detail.text` whose action is one of `actions` and whose
    /// detail `convert` reads (a message and the text it quotes); the rest stay as they are.
    static func run(
        actions: Set<String>, convert: (_ action: String, _ detail: String) -> (StoredMessage, String)?,
        on database: any Database
    ) async throws {
        let sql = try database.sql()
        let actions = actions.sorted()
        var after = 0
        while true {
            // In id order a chunk at a time: the benchmark database holds millions of entries.
            let rows = try await sql.raw(
                """
                SELECT id, action, detail FROM audit_entries
                WHERE id > \(bind: after) AND message_key = \(bind: StoredMessage.auditText)
                  AND action IN (\(binds: actions))
                ORDER BY id LIMIT 5000
                """
            ).all()
            guard let last = rows.last else { return }
            after = try last.decode(column: "id", as: Int.self)
            var converted: [(id: Int, message: StoredMessage, text: String)] = []
            for row in rows {
                let action = try row.decode(column: "action", as: String.self)
                let detail = try row.decode(column: "detail", as: String.self)
                guard let (message, text) = convert(action, detail) else { continue }
                converted.append((try row.decode(column: "id", as: Int.self), message, text))
            }
            guard !converted.isEmpty else { continue }
            try await database.writeTransaction { [converted] tx in
                let sql = try tx.sql()
                try await AuditAppendOnly.drop(on: sql, dialect: tx.dialect)
                for entry in converted {
                    try await sql.raw(
                        """
                        UPDATE audit_entries SET message_key = \(bind: entry.message.key), message_args = \(bind: entry.message.argumentsJSON),
                            detail = \(bind: entry.text)
                        WHERE id = \(bind: entry.id)
                        """
                    ).run()
                }
                try await AuditAppendOnly.create(on: sql, dialect: tx.dialect)
            }
        }
    }
}

/// The triggers that make the audit log append-only (R4.4), as ``CreateAuditEntries`` created them:
/// dropped and created again only inside the transaction of a migration that must rewrite entries.
enum AuditAppendOnly {
    static func drop(on sql: any SQLDatabase, dialect: DatabaseDialect) async throws {
        switch dialect {
        case .sqlite:
            for event in ["update", "delete"] {
                try await sql.raw("DROP TRIGGER audit_entries_append_only_\(unsafeRaw: event)").run()
            }
        case .postgres:
            try await sql.raw("DROP TRIGGER audit_entries_append_only ON audit_entries").run()
        }
    }

    static func create(on sql: any SQLDatabase, dialect: DatabaseDialect) async throws {
        switch dialect {
        case .sqlite:
            for event in ["UPDATE", "DELETE"] {
                try await sql.raw(
                    """
                    CREATE TRIGGER audit_entries_append_only_\(unsafeRaw: event.lowercased())
                    BEFORE \(unsafeRaw: event) ON audit_entries
                    BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END
                    """
                ).run()
            }
        case .postgres:
            try await sql.raw(
                """
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
                """
            ).run()
        }
    }
}
