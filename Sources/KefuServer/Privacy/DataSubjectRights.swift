import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The customer's own rights under PIPL, handled by the supervisor (issue 3 §10): a copy of all data
/// held about one customer, and anonymization on request.
struct DataSubjectRights {
    let database: any Database
    /// Where attached files are kept: an anonymization deletes the customer's.
    var dataDirectory: String?

    /// Everything Kefu holds about one customer.
    struct DataCopy: Content {
        var customer: CustomerDTO
        var communications: [CommunicationRecordDTO]
        var changes: [CustomersAPIController.ChangeDTO]
        var timeline: [CustomersAPIController.TimelineEntryDTO]
        var consents: [ConsentDTO]
        var sharingRequests: [SharingRequestDTO]
        var recommendations: [RecommendationsAPIController.RecommendationDTO]
        var followUps: [FollowUpsAPIController.FollowUpDTO]
        var inquiries: [InquiryDTO]
    }

    func copy(of customer: CustomerModel, request: Request) async throws -> DataCopy {
        let id = try customer.requireID()
        var communications: [CommunicationRecordDTO] = []
        var page = 1
        while true {
            let (rows, total) = try await CommunicationStore(database: database).page(
                customerID: id, paging: Paging(number: page, size: Paging.maximumSize))
            communications += rows.map {
                CommunicationRecordDTO(
                    id: $0.id, customerID: id, staffID: $0.staffID, channel: $0.channel, direction: $0.direction,
                    occurredAt: $0.occurredAt,
                    durationMinutes: $0.durationMinutes, summary: $0.summary, content: $0.content, nextStep: $0.nextStep
                )
            }
            if communications.count >= total || rows.isEmpty { break }
            page += 1
        }
        let changes = try await CustomerChangeModel.query(on: database).filter(\.$customerID == id).sort(\.$id).all()
            .map {
                CustomersAPIController.ChangeDTO(
                    id: $0.id ?? 0, changedAt: $0.changedAt, actorName: $0.actorName, field: $0.field,
                    oldValue: $0.oldValue, newValue: $0.newValue)
            }
        let timeline = try await database.sql().raw(
            """
            SELECT id, occurred_at, kind, record_type, record_id, actor_name, summary, message_key, message_args FROM timeline_entries WHERE customer_id = \(bind: id) ORDER BY occurred_at, id
            """
        ).all(decoding: Timeline.Entry.self).map { CustomersAPIController.TimelineEntryDTO($0, words: request.words) }
        return DataCopy(
            customer: CustomerDTO(customer, visibility: .full), communications: communications, changes: changes,
            timeline: timeline,
            consents: try await ConsentStore(database: database).all(customerID: id).map(\.dto),
            sharingRequests: try await SharingStore(database: database).all(customerID: id).map(\.dto),
            recommendations: try await RecommendationStore(database: database).list(customerID: id).map {
                RecommendationsAPIController.dto($0, request)
            },
            followUps: try await FollowUpStore(database: database).list(customerID: id).map {
                FollowUpsAPIController.dto($0, now: request.now)
            },
            // The copy is for the customer: their own contacts unmasked.
            inquiries: try await InquiryStore(database: database).list(
                .init(customerID: id), paging: Paging(number: 1, size: Paging.maximumSize)
            ).items
                .map { InquiryDTO($0, actor: Actor(staffID: 0, role: .supervisor, departmentID: 0), now: request.now) }
        )
    }

    /// The copy as one CSV sheet: section, record, field, value.
    static func csv(_ copy: DataCopy) throws -> String {
        var rows: [[String]] = []
        func add<T: Encodable>(_ section: String, _ items: [T]) throws {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            for (index, item) in items.enumerated() {
                let object = try JSONDecoder().decode(JSONValue.self, from: try encoder.encode(item))
                for (field, value) in (object.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let text: String =
                        switch value {
                        case .string(let string): string
                        case .null: ""
                        default: String(data: try encoder.encode(value), encoding: .utf8) ?? ""
                        }
                    rows.append([section, String(index + 1), field, text])
                }
            }
        }
        try add("customer", [copy.customer])
        try add("communications", copy.communications)
        try add("changes", copy.changes)
        try add("timeline", copy.timeline)
        try add("consents", copy.consents)
        try add("sharingRequests", copy.sharingRequests)
        return CSVTable.write(header: ["section", "record", "field", "value"], rows: rows)
    }

    /// Removes the customer's personal data everywhere Kefu keeps it, search index included, and
    /// keeps what statistics need (stage, region, industries, budget, source, dates).
    func anonymize(_ customer: CustomerModel, reason: String, context: AuditContext) async throws {
        let id = try customer.requireID()
        guard customer.anonymizedAt == nil else {
            throw FieldErrors(["reason": "validation.customer.already_anonymized"])
        }
        let reason = reason.trimmed
        guard reason.count >= 2 else { throw FieldErrors(["reason": "validation.customer.anonymize_reason"]) }
        let placeholder = "[已匿名化]"
        let files = try await database.writeTransaction { tx in
            let sql = try tx.sql()
            // Every personal column of every kind that belongs to a customer, from the declarations.
            try await RecordKinds.clearPersonalData(
                ofCustomer: id, marker: placeholder, kinds: RecordKinds.ownedByCustomers, on: tx)
            try await sql.raw(
                """
                UPDATE customers SET search_text = \(bind: customer.code.lowercased()), anonymized_at = \(bind: context.now),
                    updated_at = \(bind: context.now), version = version + 1
                WHERE id = \(bind: id)
                """
            ).run()
            try await CustomerSearchIndex.remove(customerID: id, on: tx)
            try await Timeline.record(
                .anonymized, customerID: id, recordType: "customer", recordID: id,
                message: StoredMessage("timeline.message.code", ["code": "\(customer.code)"]), context: context, on: tx)
            try await AuditLog.record(
                "customer.anonymized", recordType: "customer", recordID: String(id),
                fields: Array(CustomerValues.contactFields) + ["name", "companyName", "remarks", "communications"],
                message: AuditMessage.typed, quoting: reason, context: context, on: tx)
            // Files attached to the customer's records (scans of identity cards, signed contracts).
            guard let dataDirectory else { return [String]() }
            let files = try await AttachmentStore(database: tx, dataDirectory: dataDirectory)
                .removeAll(ofCustomer: id, kinds: RecordKinds.all, on: tx)
            if !files.isEmpty {
                try await AuditLog.record(
                    "attachment.removed", recordType: "customer", recordID: String(id), fields: ["file"],
                    message: AuditMessage.filesRemoved("\(files.count)"),
                    context: context, on: tx)
            }
            return files
        }
        // After the commit: a failed transaction keeps its files.
        for path in files { try? FileManager.default.removeItem(atPath: path) }
    }
}
