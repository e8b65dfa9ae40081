/// The customer's timeline (R4.2): an entry's summary may quote what was said, its message's
/// arguments name what was agreed (a contract's title, a place); an entry whose arguments are cleared
/// reads as the marker.
enum TimelineEntryKind: RecordKind {
    static let recordType = "timeline_entry", table = "timeline_entries"
    /// When what it tells happened: the moment it was written unless the writer said otherwise.
    static let isAppendOnly = true, createdColumn = "occurred_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("summary", .marker), .init("message_args", .marker)]
}
