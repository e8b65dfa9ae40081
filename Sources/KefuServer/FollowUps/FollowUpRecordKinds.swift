/// Planned and completed follow-ups (R3.3).
enum FollowUpKind: RecordKind {
    static let recordType = "follow_up", table = "follow_ups"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("purpose", .marker), .init("outcome", .markerIfPresent)]
}
