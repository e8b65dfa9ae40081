import Fluent
import Foundation

/// One line of the audit log (R4.4): who did what to which record, when, from where. Append-only —
/// the database itself refuses updates and deletes (see ``CreateAuditEntries``).
final class AuditEntryModel: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "occurred_at") var occurredAt: Date
    @OptionalField(key: "actor_staff_id") var actorStaffID: Int?
    /// The actor's name at the time, so the entry reads the same after a rename.
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "record_type") var recordType: String
    @Field(key: "record_id") var recordID: String
    /// The names of the fields the action touched, comma separated.
    @Field(key: "fields") var fields: String
    /// What someone typed that the message quotes as `{text}`; the whole text of a plain-text entry.
    @Field(key: "detail") var detail: String
    /// What happened, as a message key and its arguments (``AddAuditMessages``), put in words when read.
    @Field(key: "message_key") var messageKey: String
    @Field(key: "message_args") var messageArgs: String
    @Field(key: "address") var address: String
    @Field(key: "request_id") var requestID: String

    init() {}

    var message: StoredMessage { StoredMessage(messageKey, StoredMessage.arguments(fromJSON: messageArgs)) }
}

/// Frozen: never edit once landed.
struct CreateAuditEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_entries")
            .field("id", .int, .identifier(auto: true))
            .field("occurred_at", .datetime, .required)
            .field("actor_staff_id", .int)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .string, .required)
            .field("fields", .string, .required)
            .field("detail", .string, .required)
            .field("address", .string, .required)
            .field("request_id", .string, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX audit_entries_occurred ON audit_entries (occurred_at)").run()
        try await sql.raw("CREATE INDEX audit_entries_record ON audit_entries (record_type, record_id, occurred_at)")
            .run()
        try await sql.raw("CREATE INDEX audit_entries_actor ON audit_entries (actor_staff_id, occurred_at)").run()
        try await sql.raw("CREATE INDEX audit_entries_action ON audit_entries (action, occurred_at)").run()
        // R4.4: no one can edit the log — not the app, not a script with the app's credentials.
        switch database.dialect {
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
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql
                """
            ).run()
            try await sql.raw(
                """
                CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
                FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("audit_entries").delete()
        if database.dialect == .postgres {
            try await database.sql().raw("DROP FUNCTION IF EXISTS audit_entries_append_only()").run()
        }
    }
}
