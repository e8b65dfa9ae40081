import Fluent
import KefuDomain
import Vapor

/// Planned and completed follow-ups (R3.3). Access is the customer's: whoever may act on the file
/// may act on its follow-ups.
enum FollowUpKind: LoadableRecordKind {
    static let recordType = "follow_up", table = "follow_ups"
    static var row: RecordRow? {
        .decoded(
            FollowUpStore.Row.self, fromElsewhere: ["customer_code", "customer_name", "customer_stage", "staff_name"])
    }
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("purpose", .marker), .init("outcome", .markerIfPresent)]
    /// When it is due and what came of it: what a person changes after planning.
    static let tracked = ["due_at", "outcome"]
    static let trackedValues: [String: TrackedValue] = ["due_at": .instant]
    static let conflictMessageKey = "error.conflict.follow_up"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: FollowUpStore.Row, facts: RecordFacts
    )? {
        guard let row = try await FollowUpStore(database: database).find(id),
            let customer = try await CustomerModel.find(row.customerID, on: database)
        else { return nil }
        return (row, customer.recordFacts)
    }
}

extension FollowUpKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> FollowUpsAPIController.FollowUpDTO? {
        try await FollowUpStore(database: request.db).find(id).map { FollowUpsAPIController.dto($0, now: request.now) }
    }
}
