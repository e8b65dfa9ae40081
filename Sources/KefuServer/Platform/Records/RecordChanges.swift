import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The change history of every kind that goes through the write path (R4.3, S6): one row per tracked
/// field that changed. The customer's own file keeps `customer_changes` (see docs/architecture.md).
enum RecordChanges {
    /// One changed field as a reader sees it: a personal value masked unless they may see contacts.
    struct Entry: Decodable, Sendable, Equatable {
        var version: Int
        var changedAt: Date
        var actorName: String
        var field: String
        var oldValue: String?
        var newValue: String?
    }

    static func insert(
        _ changes: [RecordFieldChange], recordType: String, recordID: Int, version: Int, customerID: Int?,
        context: AuditContext, on database: any Database
    ) async throws {
        let sql = try database.sql()
        for change in changes {
            try await sql.raw(
                """
                INSERT INTO record_changes (record_type, record_id, version, customer_id, field, old_value, new_value, changed_at, staff_id, actor_name)
                VALUES (\(bind: recordType), \(bind: recordID), \(bind: version), \(bind: customerID), \(bind: change.field),
                        \(bind: change.oldValue.map { String($0.prefix(2000)) }), \(bind: change.newValue.map { String($0.prefix(2000)) }),
                        \(bind: context.now), \(bind: context.actorStaffID), \(bind: context.actorName))
                """
            ).run()
        }
    }

    /// An instant as the change rows keep it: ISO 8601 in UTC with fractions of a second.
    static func instantText(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// An instant read back from a change row: ISO 8601 as written now, or as rows written before it
    /// kept it — SQLite's seconds since 1970, PostgreSQL's `2026-12-05 12:00:00.5+00`. nil for other text.
    static func instant(from text: String) -> Date? {
        if let seconds = Double(text) { return Date(timeIntervalSince1970: seconds) }
        var iso = text.replacingOccurrences(of: " ", with: "T")
        if iso.range(of: #"[+-]\d\d$"#, options: .regularExpression) != nil { iso += ":00" }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            formatter.formatOptions = options
            if let date = formatter.date(from: iso) { return date }
        }
        return nil
    }

    /// The fields of `recordType` whose values are personal: tracked and declared personal.
    static func personalFields(of recordType: String, kinds: [any RecordKind.Type] = RecordKinds.all) -> Set<String> {
        guard let kind = kinds.first(where: { $0.recordType == recordType }) else { return [] }
        return Set(kind.personal.map(\.column)).intersection(kind.tracked)
    }

    /// The one reading of a record's changes, newest first: those made after version `after`, with the
    /// personal values masked by the rule of the customer's own history (`ContactVisibility`).
    static func read(
        recordType: String, recordID: Int, after version: Int = 0, visibility: ContactVisibility, limit: Int = 50,
        on database: any Database
    ) async throws -> [Entry] {
        let personal = personalFields(of: recordType)
        let rows = try await database.sql().raw(
            """
            SELECT record_changes.version, record_changes.changed_at, COALESCE(staff.display_name, record_changes.actor_name) AS actor_name,
                   record_changes.field, record_changes.old_value, record_changes.new_value
            FROM record_changes LEFT JOIN staff ON staff.id = record_changes.staff_id
            WHERE record_type = \(bind: recordType) AND record_id = \(bind: recordID) AND record_changes.version > \(bind: version)
            ORDER BY record_changes.version DESC, record_changes.id DESC LIMIT \(bind: limit)
            """
        ).allRows(Entry.self)
        return rows.map { row in
            guard visibility == .masked, personal.contains(row.field) else { return row }
            var masked = row
            masked.oldValue = row.oldValue.map(ContactMasking.maskMiddle)
            masked.newValue = row.newValue.map(ContactMasking.maskMiddle)
            return masked
        }
    }

    /// Anonymization: the values of a customer's changes to personal fields become `marker` (NULL stays
    /// NULL); a change of state or date keeps its values, as the record itself keeps them.
    static func clearPersonal(
        ofCustomer id: Int, marker: String, kinds: [any RecordKind.Type], on database: any Database
    ) async throws {
        let sql = try database.sql()
        for kind in kinds where kind.customerColumn != nil {
            let fields = personalFields(of: kind.recordType, kinds: kinds)
            guard !fields.isEmpty else { continue }
            try await sql.raw(
                """
                UPDATE record_changes SET old_value = CASE WHEN old_value IS NULL THEN NULL ELSE \(bind: marker) END,
                    new_value = CASE WHEN new_value IS NULL THEN NULL ELSE \(bind: marker) END
                WHERE customer_id = \(bind: id) AND record_type = \(bind: kind.recordType) AND field IN (\(binds: fields.sorted()))
                """
            ).run()
        }
    }
}

/// The change rows belong to the record's customer: a merge moves them with it. Their personal values
/// are cleared by `RecordChanges.clearPersonal`, field by field, not by column (a state change keeps
/// its values).
enum RecordChangeKind: RecordKind {
    static let recordType = "record_change", table = "record_changes"
    static let isAppendOnly = true, createdColumn = "changed_at"
    static let customerColumn: String? = "customer_id"
}

struct CreateRecordChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("record_changes")
            .field("id", .int, .identifier(auto: true))
            .field("record_type", .string, .required)
            .field("record_id", .int, .required)
            .field("version", .int, .required)
            .field("customer_id", .int, .references("customers", "id"))
            .field("field", .string, .required)
            .field("old_value", .string)
            .field("new_value", .string)
            .field("changed_at", .datetime, .required)
            .field("staff_id", .int)
            .field("actor_name", .string, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX record_changes_record ON record_changes (record_type, record_id, version)")
            .run()
        try await sql.raw("CREATE INDEX record_changes_customer ON record_changes (customer_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("record_changes").delete()
    }
}
