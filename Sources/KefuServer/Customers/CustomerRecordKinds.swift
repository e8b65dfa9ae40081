/// The customer's file itself (R4.1–R4.4). It belongs to itself: anonymization clears it like any
/// record's personal columns; a merge keeps both files (the duplicate points at the survivor).
enum CustomerFileKind: RecordKind {
    static let recordType = "customer", table = "customers"
    static let customerColumn: String? = "id"
    static let numbering: Numbering? = .yearly(prefix: "KH")
    static let personal: [PersonalColumn] = [
        .init("name", .marker), .init("company_name", .null), .init("company_key", .null), .init("credit_code", .null),
        .init("mobile", .null), .init("mobile_last4", .null), .init("landline", .null), .init("email", .null),
        .init("wechat_id", .null), .init("address", .null), .init("business_scope", .null), .init("preferred_regions", .null),
        .init("tags", .empty), .init("remarks", .null), .init("lost_reason", .null),
    ]
}

/// Calls, e-mails, chats and visits (R2.3): what was said may name people.
enum CommunicationKind: RecordKind {
    static let recordType = "communication_record", table = "communication_records"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("summary", .marker), .init("content", .empty), .init("next_step", .empty)]
}

/// The file's change history (R4.3): the old and new values of contact fields are personal.
enum CustomerChangeKind: RecordKind {
    static let recordType = "customer_change", table = "customer_changes"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("old_value", .stars), .init("new_value", .stars)]
}
