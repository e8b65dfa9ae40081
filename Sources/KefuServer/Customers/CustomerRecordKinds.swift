import Fluent
import KefuDomain
import Vapor

/// The customer's file itself (R4.1–R4.4). It belongs to itself: anonymization clears it like any
/// record's personal columns; a merge keeps both files (the duplicate points at the survivor).
enum CustomerFileKind: LoadableRecordKind {
    static let recordType = "customer", table = "customers"
    static var row: RecordRow? { .model(CustomerModel.self) }
    static let customerColumn: String? = "id"
    static let numbering: Numbering? = .yearly(prefix: "KH")
    static let numberColumn = "code"
    static let conflictMessageKey = "error.conflict.customer"
    static let personal: [PersonalColumn] = [
        .init("name", .marker), .init("company_name", .null), .init("company_key", .null), .init("credit_code", .null),
        .init("mobile", .null), .init("mobile_last4", .null), .init("landline", .null), .init("email", .null),
        .init("wechat_id", .null), .init("address", .null), .init("business_scope", .null),
        .init("preferred_regions", .null),
        .init("tags", .empty), .init("remarks", .null), .init("lost_reason", .null),
    ]

    static func load(_ id: Int, on database: any Database) async throws -> (record: CustomerModel, facts: RecordFacts)?
    {
        try await CustomerModel.find(id, on: database).map { ($0, $0.recordFacts) }
    }
}

/// The file read for showing only, by one plain statement (``CustomerModel/read(_:on:)``): the file
/// page and the API's GET, which are read far more often than saved.
enum CustomerFileToShow: LoadableRecordKind {
    static let recordType = CustomerFileKind.recordType, table = CustomerFileKind.table
    static var row: RecordRow? { .model(CustomerModel.self) }

    static func load(_ id: Int, on database: any Database) async throws -> (record: CustomerModel, facts: RecordFacts)?
    {
        try await CustomerModel.read(id, on: database).map { ($0, $0.recordFacts) }
    }
}

/// Calls, e-mails, chats and visits (R2.3): what was said may name people.
enum CommunicationKind: RecordKind {
    static let recordType = "communication_record", table = "communication_records"
    static var row: RecordRow? { .decoded(CommunicationStore.Row.self, fromElsewhere: ["staff_name"]) }
    static let isAppendOnly = true
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [
        .init("summary", .marker), .init("content", .empty), .init("next_step", .empty),
    ]
}

/// The file's change history (R4.3): the old and new values of contact fields are personal.
enum CustomerChangeKind: RecordKind {
    static let recordType = "customer_change", table = "customer_changes"
    static var row: RecordRow? { .model(CustomerChangeModel.self) }
    static let isAppendOnly = true, createdColumn = "changed_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("old_value", .stars), .init("new_value", .stars)]
}

extension CustomerFileKind: ConflictAnswering {
    /// The file as the caller may see it now, masked as their reading of it would be.
    static func current(_ id: Int, for request: Request) async throws -> CustomerDTO? {
        guard let customer = try await CustomerModel.read(id, on: request.db) else { return nil }
        return CustomerDTO(customer, visibility: try request.contactVisibility(of: customer.recordFacts))
    }
}
