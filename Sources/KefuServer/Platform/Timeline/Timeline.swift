import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The customer's one timeline (R4.2): everything that happened with a customer, newest first.
///
/// Every part that keeps records about a customer (communications, inquiries, recommendations,
/// follow-ups, contracts, complaints, return visits …) writes one entry here in the transaction of its
/// own change — the mechanism is shared, like Odoo's `mail.thread`, so the file page shows one paged
/// list without a union over every part's table. Entries carry no contact details, so they need no
/// masking.
enum Timeline {
    enum Kind: String, CaseIterable, Sendable {
        case created, changed, communication, reassigned, merged, revealed, consent, sharing, anonymized
        case recommendation, reaction, inquiry, reply
        case followUpPlanned = "follow_up_planned", followUpCompleted = "follow_up_completed"
        case contractCreated = "contract_created", contractDocument = "contract_document", contractTerms =
            "contract_terms"
        case contractState = "contract_state", contractForwarded = "contract_forwarded", contractReviewed =
            "contract_reviewed"
        case contractSigned = "contract_signed", obligation, procedure
        case complaintReceived = "complaint_received", complaintForwarded = "complaint_forwarded", complaintAnswered =
            "complaint_answered"
        case complaintUpdate = "complaint_update", complaintState = "complaint_state"
        case returnVisitOpened = "return_visit_opened", returnVisitDone = "return_visit_done"
        case feedbackRecorded = "feedback_recorded", feedbackForwarded = "feedback_forwarded", feedbackAnswered =
            "feedback_answered"
    }

    /// Writes an entry: its `message` is a key and values, put in words when read (issue 9 §7);
    /// `text` is what someone typed (a conversation's summary, a reason), quoted by the message as
    /// `{text}` and kept in the `summary` column — the one personal part, cleared by an anonymization.
    static func record(
        _ kind: Kind, customerID: Int, recordType: String, recordID: Int?, message: StoredMessage,
        quoting text: String = "", occurredAt: Date? = nil, context: AuditContext, on database: any Database
    ) async throws {
        try await database.sql().raw(
            entry(
                kind, customerID: customerID, recordType: recordType, recordID: recordID, message: message,
                quoting: text, occurredAt: occurredAt, context: context)
        ).run()
    }

    /// The INSERT of ``record(_:customerID:recordType:recordID:message:quoting:occurredAt:context:on:)``, for
    /// ``SQLKit/SQLDatabase/runInOrder(_:)`` with the other statements of a write.
    static func entry(
        _ kind: Kind, customerID: Int, recordType: String, recordID: Int?, message: StoredMessage,
        quoting text: String = "", occurredAt: Date? = nil, context: AuditContext
    ) -> SQLQueryString {
        """
        INSERT INTO timeline_entries (customer_id, occurred_at, kind, record_type, record_id, staff_id, actor_name, summary,
                message_key, message_args)
        VALUES (\(bind: customerID), \(bind: occurredAt ?? context.now), \(bind: kind.rawValue), \(bind: recordType),
                \(bind: recordID), \(bind: context.actorStaffID), \(bind: context.actorName), \(bind: String(text.prefix(500))),
                \(bind: message.key), \(bind: message.argumentsJSON))
        """
    }

    struct Entry: Decodable, Sendable {
        var id: Int
        var occurredAt: Date
        var kind: String
        var recordType: String
        var recordID: Int?
        var actorName: String
        /// What someone typed, quoted by the message (the whole text of an entry written before messages).
        var summary: String
        var messageKey: String
        var messageArgs: String

        enum CodingKeys: String, CodingKey {
            case id, kind, summary
            case occurredAt = "occurred_at", recordType = "record_type", recordID = "record_id", actorName =
                "actor_name"
            case messageKey = "message_key", messageArgs = "message_args"
        }

        var message: StoredMessage {
            StoredMessage(messageKey, StoredMessage.arguments(fromJSON: messageArgs))
        }
    }

    /// The timeline's filters as a person thinks of them (issue 10, improvement 1): each a group of kinds.
    enum Group: String, CaseIterable, Sendable {
        case communication, inquiry, recommendation, followUp = "follow_up", file, privacy

        var kinds: [Kind] {
            switch self {
            case .communication: [.communication]
            case .inquiry: [.inquiry, .reply]
            case .recommendation: [.recommendation, .reaction]
            case .followUp: [.followUpPlanned, .followUpCompleted]
            case .file: [.created, .changed, .reassigned, .merged]
            case .privacy: [.revealed, .consent, .sharing, .anonymized]
            }
        }
    }

    /// A page of a customer's timeline, newest first, of one group of kinds or all; the
    /// (customer_id, occurred_at, id) index serves it (a group is checked on the customer's rows).
    static func page(customerID: Int, group: Group? = nil, paging: Paging, on database: any Database) async throws -> (
        items: [Entry], total: Int
    ) {
        let sql = try database.sql()
        let only: SQLQueryString = group.map { " AND kind IN (\(binds: $0.kinds.map(\.rawValue)))" } ?? ""
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: customerID)" + only
            )
            .first()?.decode(column: "n", as: Int.self) ?? 0
        // The actor by display name (issue 10 #5): entries written before names were shown keep a username.
        let items = try await sql.raw(
            """
            SELECT timeline_entries.id, occurred_at, kind, record_type, record_id,
                   COALESCE(staff.display_name, timeline_entries.actor_name) AS actor_name, summary, message_key, message_args
            FROM timeline_entries LEFT JOIN staff ON staff.id = timeline_entries.staff_id
            WHERE customer_id = \(bind: customerID) \(only)
            ORDER BY occurred_at DESC, timeline_entries.id DESC LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: Entry.self)
        return (items, total)
    }
}

struct CreateTimelineEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("timeline_entries")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("occurred_at", .datetime, .required)
            .field("kind", .string, .required)
            .field("record_type", .string, .required)
            .field("record_id", .int)
            .field("staff_id", .int)
            .field("actor_name", .string, .required)
            .field("summary", .string, .required)
            .create()
        try await database.sql().raw(
            "CREATE INDEX timeline_entries_customer ON timeline_entries (customer_id, occurred_at, id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("timeline_entries").delete()
    }
}
