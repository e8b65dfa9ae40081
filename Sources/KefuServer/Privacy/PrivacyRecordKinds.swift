import Vapor

/// Consent events (R4.4): the evidence (a recording's reference, a signed form) is personal.
enum ConsentKind: RecordKind {
    static let recordType = "consent", table = "consents"
    static var row: RecordRow? { .decoded(ConsentStore.Row.self) }
    static let isAppendOnly = true, createdColumn = "recorded_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("evidence", .empty)]
}

/// Requests to share a customer's data with a third party (R4.4), and what was released.
enum SharingRequestKind: RecordKind {
    static let recordType = "sharing_request", table = "sharing_requests"
    static var row: RecordRow? { .decoded(SharingStore.Row.self) }
    static let createdColumn = "requested_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("note", .empty), .init("release_data", .null)]
    /// The supervisor's decision: what changes after the request is made.
    static let tracked = ["status", "decision_note"]
}

extension SharingRequestKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> SharingRequestDTO? {
        try await SharingStore(database: request.db).find(id)?.dto
    }
}
