import Fluent
import KefuDomain

/// Planned and completed follow-ups (R3.3). Access is the customer's: whoever may act on the file
/// may act on its follow-ups.
enum FollowUpKind: LoadableRecordKind {
    static let recordType = "follow_up", table = "follow_ups"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("purpose", .marker), .init("outcome", .markerIfPresent)]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: FollowUpStore.Row, facts: RecordFacts
    )? {
        guard let row = try await FollowUpStore(database: database).find(id),
            let customer = try await CustomerModel.find(row.customerID, on: database)
        else { return nil }
        return (row, customer.recordFacts)
    }
}
