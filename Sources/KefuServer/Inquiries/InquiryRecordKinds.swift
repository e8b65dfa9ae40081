/// Inquiries and promised replies (R3.1), the public form's included: the question and the visitor's
/// own details are personal.
enum InquiryKind: RecordKind {
    static let recordType = "inquiry", table = "inquiries"
    static let customerColumn: String? = "customer_id"
    static let numbering: Numbering? = .yearly(prefix: "ZX")
    static let personal: [PersonalColumn] = [
        .init("question", .marker), .init("needs", .null), .init("answer", .null), .init("reply", .null),
        .init("visitor_name", .null), .init("visitor_mobile", .null), .init("visitor_company", .null), .init("source_address", .null),
    ]
}
