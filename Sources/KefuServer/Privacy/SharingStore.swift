import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A sharing request in the JSON API.
struct SharingRequestDTO: Content {
    var id: Int?
    var customerID: Int?
    var recipient: String
    var purpose: String
    var fields: [String]
    var note: String?
    var status: String?
    var requestedAt: Date?
    var decidedAt: Date?
    var decisionNote: String?
    var version: Int?
}

/// Sharing requests: made by the responsible specialist, approved or rejected by the supervisor,
/// released as exactly the named fields (R4.4).
struct SharingStore {
    let database: any Database

    struct Row: Decodable {
        var id: Int; var customerID: Int; var recipient: String; var purpose: String; var fields: String;
        var note: String
        var status: String; var requestedByStaffID: Int; var requestedAt: Date; var decidedAt: Date?;
        var decisionNote: String?
        var releaseData: String?; var version: Int
        enum CodingKeys: String, CodingKey {
            case id, recipient, purpose, fields, note, status, version
            case customerID = "customer_id", requestedByStaffID = "requested_by_staff_id", requestedAt = "requested_at"
            case decidedAt = "decided_at", decisionNote = "decision_note", releaseData = "release_data"
        }
        var dto: SharingRequestDTO {
            SharingRequestDTO(
                id: id, customerID: customerID, recipient: recipient, purpose: purpose,
                fields: fields.split(separator: ",").map(String.init), note: note, status: status,
                requestedAt: requestedAt, decidedAt: decidedAt, decisionNote: decisionNote, version: version)
        }
    }

    static let columns: SQLQueryString = """
        id, customer_id, recipient, purpose, fields, note, status, requested_by_staff_id, requested_at, decided_at, decision_note, release_data, version
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("SELECT \(Self.columns) FROM sharing_requests WHERE id = \(bind: id)").first(
            decoding: Row.self)
    }

    func all(customerID: Int) async throws -> [Row] {
        try await database.sql().raw(
            "SELECT \(Self.columns) FROM sharing_requests WHERE customer_id = \(bind: customerID) ORDER BY requested_at DESC, id DESC"
        )
        .all(decoding: Row.self)
    }

    func pending(limit: Int = 100) async throws -> [Row] {
        try await database.sql().raw(
            "SELECT \(Self.columns) FROM sharing_requests WHERE status = 'pending' ORDER BY requested_at, id LIMIT \(bind: limit)"
        )
        .all(decoding: Row.self)
    }

    func request(_ input: SharingRequestDTO, customerID: Int, context: AuditContext) async throws -> Int {
        try SharingRules.validate(
            recipient: input.recipient, purpose: input.purpose, fields: input.fields, note: input.note ?? ""
        ).throwIfAny()
        // Withdrawn or missing consent stops a request at once, not only at approval.
        let purpose = ConsentPurpose(rawValue: input.purpose)!
        guard
            ConsentEvent.isGranted(
                purpose, in: try await ConsentStore(database: database).events(customerID: customerID), at: context.now)
        else {
            throw FieldErrors(["purpose": "validation.sharing.no_consent"])
        }
        let fields = SharingRules.shareableFields.filter(input.fields.contains).joined(separator: ",")
        return try await database.writeTransaction { tx -> Int in
            let row = try await tx.sql().raw(
                """
                INSERT INTO sharing_requests (customer_id, recipient, purpose, fields, note, status, requested_by_staff_id, requested_at, updated_at, version)
                VALUES (\(bind: customerID), \(bind: input.recipient.trimmed), \(bind: input.purpose),
                        \(bind: fields), \(bind: input.note ?? ""), 'pending', \(bind: context.actorStaffID ?? 0), \(bind: context.now), \(bind: context.now), 1)
                RETURNING id
                """
            ).first()
            let id = try row?.decode(column: "id", as: Int.self) ?? 0
            try await Timeline.record(
                .sharing, customerID: customerID, recordType: "sharing_request", recordID: id,
                message: StoredMessage(
                    "timeline.message.sharing",
                    ["recipient": "\(input.recipient)", "status": .term("consent.purpose.\(input.purpose)")]),
                context: context, on: tx)
            try await AuditLog.record(
                "sharing.requested", recordType: "sharing_request", recordID: String(id), fields: input.fields,
                message: AuditMessage.sharingRequested(
                    customer: "\(customerID)", recipient: input.recipient, purpose: input.purpose),
                context: context, on: tx)
            return id
        }
    }

    /// Approves (releasing exactly the requested fields) or rejects a pending request.
    func decide(
        _ request: Row, approve: Bool, note: String, version: Int, customer: CustomerModel, context: AuditContext
    ) async throws {
        guard request.version == version else {
            throw RecordConflict(SharingRequestKind.self, id: request.id, readVersion: version)
        }
        if approve {
            let events = try await ConsentStore(database: database).events(customerID: request.customerID)
            if let problem = SharingRules.approvalProblem(
                status: request.status, purpose: ConsentPurpose(rawValue: request.purpose) ?? .collection,
                consents: events, now: context.now)
            {
                throw FieldErrors(["decision": problem])
            }
        } else if request.status != "pending" {
            throw FieldErrors(["decision": "validation.sharing.not_pending"])
        }
        let release =
            approve ? Self.release(of: customer, fields: request.fields.split(separator: ",").map(String.init)) : nil
        let status = approve ? "approved" : "rejected"
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                SharingRequestKind.self, id: request.id, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status), decided_by_staff_id = \(bind: context.actorStaffID), decided_at = \(bind: context.now),
                        decision_note = \(bind: note), release_data = \(bind: release)
                        """,
                    condition: "status = 'pending'",
                    timeline: .init(
                        kind: .sharing,
                        message: StoredMessage(
                            "timeline.message.sharing",
                            ["recipient": "\(request.recipient)", "status": .term("sharing.status.\(status)")])),
                    audit: .init(
                        action: approve ? "sharing.released" : "sharing.rejected",
                        fields: request.fields.split(separator: ",").map(String.init),
                        message: AuditMessage.customerRecipient(
                            customer: "\(request.customerID)", recipient: request.recipient, withNote: !note.isEmpty),
                        quoting: note)),
                context: context, on: tx)
        }
    }

    /// Exactly the named fields of the customer, as JSON — what leaves the company.
    static func release(of customer: CustomerModel, fields: [String]) -> String {
        let dto = CustomerDTO(customer, visibility: .full)
        var values: [String: String] = ["code": dto.code]
        for field in fields {
            switch field {
            case "name": values[field] = dto.name
            case "companyName": values[field] = dto.companyName ?? ""
            case "creditCode": values[field] = dto.creditCode ?? ""
            case "mobile": values[field] = dto.mobile ?? ""
            case "landline": values[field] = dto.landline ?? ""
            case "email": values[field] = dto.email ?? ""
            case "wechatID": values[field] = dto.wechatID ?? ""
            case "province": values[field] = dto.province ?? ""
            case "city": values[field] = dto.city ?? ""
            case "address": values[field] = dto.address ?? ""
            case "businessScope": values[field] = dto.businessScope ?? ""
            case "industries": values[field] = dto.industries.joined(separator: ",")
            case "budget":
                values[field] = [dto.budgetMinWan, dto.budgetMaxWan].map { $0.map { "\($0)" } ?? "" }.joined(
                    separator: "-")
            case "preferredRegions": values[field] = dto.preferredRegions ?? ""
            case "timing": values[field] = dto.timing
            default: break
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return (try? encoder.encode(values)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
