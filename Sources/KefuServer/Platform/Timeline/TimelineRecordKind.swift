/// The customer's timeline (R4.2): an entry's summary may quote what was said.
enum TimelineEntryKind: RecordKind {
    static let recordType = "timeline_entry", table = "timeline_entries"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("summary", .marker)]
}
