import Fluent
import KefuDomain
import Vapor

/// Inquiries and promised replies (R3.1), the public form's included: the question and the visitor's
/// own details are personal.
enum InquiryKind: LoadableRecordKind {
    static let recordType = "inquiry", table = "inquiries"
    static var row: RecordRow? {
        .decoded(
            InquiryStore.Row.self, fromElsewhere: ["customer_code", "customer_name", "customer_owner_id", "staff_name"])
    }
    static let customerColumn: String? = "customer_id"
    static let numbering: Numbering? = .yearly(prefix: "ZX")
    static let personal: [PersonalColumn] = [
        .init("question", .marker), .init("needs", .null), .init("answer", .null), .init("reply", .null),
        .init("visitor_name", .null), .init("visitor_mobile", .null), .init("visitor_company", .null),
        .init("source_address", .null),
    ]
    /// The handler, the state and the reply: what a person changes after intake.
    static let tracked = ["status", "staff_id", "reply"]
    static let trackedValues: [String: TrackedValue] = ["staff_id": .staff]
    static let conflictMessageKey = "error.conflict.inquiry"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: InquiryStore.Row, facts: RecordFacts
    )? {
        try await InquiryStore(database: database).find(id).map { ($0, $0.recordFacts) }
    }
}

extension InquiryKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> InquiryDTO? {
        guard let row = try await InquiryStore(database: request.db).find(id) else { return nil }
        return InquiryDTO(row, actor: try request.requireStaff().actor, now: request.now)
    }
}
