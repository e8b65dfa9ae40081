import Fluent
import Foundation
import SQLKit

/// Someone changed the record between the read and this write (S6). The one conflict of every kind:
/// 409, with the record as it is now on the API (`RecordConflictAnswering`) and on pages the changes
/// made since the version the writer had read (`partials/conflict.leaf`).
struct RecordConflict: Error, KefuErrorConvertible {
    var recordType: String
    var recordID: Int
    /// The version the writer had read: what changed after it is "what they changed meanwhile".
    var readVersion: Int
    var messageKey: String

    var kefuError: KefuError { .conflict(messageKey) }

    init<Kind: RecordKind>(_ kind: Kind.Type, id: Int, readVersion: Int) {
        recordType = Kind.recordType
        recordID = id
        self.readVersion = readVersion
        messageKey = Kind.conflictMessageKey
    }
}

/// A change of one record, as the write path takes it: the columns to set, the timeline entry (for a
/// kind that belongs to a customer) and the audit entry.
struct RecordWrite {
    struct TimelineNote {
        var kind: Timeline.Kind
        /// What happened, as a message key and its arguments, put in words when read (S2).
        var message: StoredMessage
        /// What someone typed that the entry quotes (cleared by an anonymization with the entry's text).
        var quoting: String = ""
        var occurredAt: Date? = nil
        /// The record the entry is about when the changed one is part of it (a complaint's forward, a
        /// contract's checklist item): the customer's timeline names the whole, not the part.
        var about: TimelineSubject? = nil
    }

    struct TimelineSubject {
        var recordType: String
        var recordID: Int
        var customerID: Int
    }

    struct AuditNote {
        var action: String
        var fields: [String]
        /// The detail as a message key and arguments, put in words when read (issue 9 §7).
        var message: StoredMessage
        /// What someone typed that the message quotes.
        var quoting: String = ""

        init(action: String, fields: [String], message: StoredMessage, quoting: String = "") {
            self.action = action
            self.fields = fields
            self.message = message
            self.quoting = quoting
        }
    }

    /// `column = value` assignments; `updated_at` and `version` are the path's.
    var set: SQLQueryString
    /// A further condition the record must still meet (a monthly report still a draft); a record that
    /// no longer does is not claimed, like a stale version.
    var condition: SQLQueryString? = nil
    var timeline: TimelineNote?
    var audit: AuditNote
}

/// A tracked field that changed, with its values as text (NULL as nil).
struct RecordFieldChange: Sendable, Equatable {
    var field: String
    var oldValue: String?
    var newValue: String?
}

/// The one write path of every kind (issue 9 §2): in the caller's transaction, claim the version read
/// (`UPDATE … WHERE id = ? AND version = ?`), write one change row per tracked field that changed, the
/// timeline entry and the audit entry. Before, each store claimed versions its own way and answered
/// conflicts in three shapes.
enum RecordWrites {
    struct Written: Sendable {
        var version: Int
        var customerID: Int?
        var changes: [RecordFieldChange]
    }

    /// Changes record `id` of `kind` from `version`; nothing is written when the version is stale or
    /// `write.condition` no longer holds (`RecordConflict`). Call it inside a transaction.
    @discardableResult
    static func change<Kind: RecordKind>(
        _ kind: Kind.Type, id: Int, version: Int, _ write: RecordWrite, context: AuditContext, on tx: any Database
    ) async throws -> Written {
        assert(!Kind.isAppendOnly, "\(Kind.recordType) is written once; nothing edits it")
        let sql = try tx.sql()
        let tracked = Kind.tracked
        // An instant is read as a date, not cast: SQLite would give its seconds, PostgreSQL its own text.
        let values = tracked.enumerated().map { index, column -> SQLQueryString in
            Kind.trackedValues[column] == .instant
                ? "\(unsafeRaw: column) AS \(unsafeRaw: "tracked_\(index)")"
                : "CAST(\(unsafeRaw: column) AS TEXT) AS \(unsafeRaw: "tracked_\(index)")"
        }
        func text(_ row: any SQLRow, _ index: Int) throws -> String? {
            guard Kind.trackedValues[tracked[index]] == .instant else {
                return try row.decode(column: "tracked_\(index)", as: String?.self)
            }
            return try row.decode(column: "tracked_\(index)", as: Date?.self).map(RecordChanges.instantText)
        }
        let customer: SQLQueryString =
            Kind.customerColumn.map { "\(unsafeRaw: $0) AS owning_customer" } ?? "NULL AS owning_customer"
        guard
            let before = try await sql.raw(
                "SELECT \((["id"] + values).joined(separator: ", ")) FROM \(unsafeRaw: Kind.table) WHERE id = \(bind: id)"
            ).first()
        else { throw KefuError.notFound }
        let conflict = RecordConflict(Kind.self, id: id, readVersion: version)
        let condition: SQLQueryString = write.condition.map { " AND (\($0))" } ?? ""
        guard
            let after = try await sql.raw(
                """
                UPDATE \(unsafeRaw: Kind.table) SET \(write.set), updated_at = \(bind: context.now), version = version + 1
                WHERE id = \(bind: id) AND version = \(bind: version)\(condition)
                RETURNING \((["version AS claimed_version", customer] + values).joined(separator: ", "))
                """
            ).first()
        else { throw conflict }
        // The customer after the change: a queued inquiry is filed on one by the change itself.
        let customerID = try after.decode(column: "owning_customer", as: Int?.self)
        let claimed = try after.decode(column: "claimed_version", as: Int.self)
        var changes: [RecordFieldChange] = []
        for (index, field) in tracked.enumerated() {
            let old = try text(before, index)
            let new = try text(after, index)
            if old != new { changes.append(RecordFieldChange(field: field, oldValue: old, newValue: new)) }
        }
        if let owner = Kind.owner {
            // The whole shows when it last changed: a checklist item's change is a change of its contract.
            try await sql.raw(
                """
                UPDATE \(unsafeRaw: owner.kind.table) SET updated_at = \(bind: context.now)
                WHERE id = (SELECT \(unsafeRaw: owner.column) FROM \(unsafeRaw: Kind.table) WHERE id = \(bind: id))
                """
            ).run()
        }
        try await RecordChanges.insert(
            changes, recordType: Kind.recordType, recordID: id, version: claimed,
            customerID: customerID ?? write.timeline?.about?.customerID,
            context: context, on: tx)
        let own = customerID.map {
            RecordWrite.TimelineSubject(recordType: Kind.recordType, recordID: id, customerID: $0)
        }
        if let note = write.timeline, let subject = note.about ?? own {
            try await Timeline.record(
                note.kind, customerID: subject.customerID, recordType: subject.recordType, recordID: subject.recordID,
                message: note.message, quoting: note.quoting, occurredAt: note.occurredAt, context: context, on: tx)
        }
        try await AuditLog.record(
            write.audit.action, recordType: Kind.recordType, recordID: String(id), fields: write.audit.fields,
            message: write.audit.message, quoting: write.audit.quoting, context: context, on: tx)
        return Written(version: claimed, customerID: customerID, changes: changes)
    }
}
