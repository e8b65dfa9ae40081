import Fluent
import Foundation
import KefuDomain

/// What every kind of record the department keeps declares about itself, once (issue 9, S6): its
/// table, its number, whether it belongs to a customer, which fields are personal and how each is
/// cleared. The shared mechanisms — merging two files, anonymizing a customer, the customer's data
/// copy, the checks that no table is forgotten — read these declarations instead of keeping lists
/// of their own, which drift (inquiries were once left behind by a merge).
protocol RecordKind {
    /// The name audit entries, timeline entries and attachments use for the kind.
    static var recordType: String { get }
    static var table: String { get }
    /// The customer the record belongs to, through this column; nil when it belongs to none.
    static var customerColumn: String? { get }
    /// The columns that hold personal data, and how anonymization clears each.
    static var personal: [PersonalColumn] { get }
    /// The record's number (`KH-2026-000123`), when it has one.
    static var numbering: Numbering? { get }
    /// The column that holds the number, when the kind has one.
    static var numberColumn: String { get }
    /// The files a record of the kind may carry (scans, signed copies); nil when it carries none.
    static var attachments: AttachmentRules? { get }
    /// The record of another kind this one is part of (a checklist item of its contract): it
    /// belongs to that record's customer, so its files go when the customer is anonymized.
    static var owner: RecordOwner? { get }
    /// The columns whose changes the write path keeps (`record_changes`: old and new value, who, when);
    /// a personal one among them is masked on read and cleared by anonymization like the column.
    static var tracked: [String] { get }
    /// What the values of tracked columns are, where they are not words of their own: an instant is kept
    /// in the change rows as ISO 8601 (the same on both databases) and read in the office's time, a
    /// person or a department by name — never a raw number on a page.
    static var trackedValues: [String: TrackedValue] { get }
    /// The column holding when a record was made: `created_at`, or the table's own name for that moment
    /// (a change row's `changed_at`, a consent's `recorded_at`).
    static var createdColumn: String { get }
    /// Written once and never edited (a change row, a timeline entry, a consent given): no version to
    /// claim and no `updated_at`, and never through the write path; merges and anonymization still move
    /// and clear it. Every other kind's table has `version` and `updated_at` (RecordKindTests, both databases).
    static var isAppendOnly: Bool { get }
    /// What a conflict on a record of the kind says ("someone changed this complaint meanwhile").
    static var conflictMessageKey: String { get }
    /// The type a record of the kind is read as. Every key it reads is a column of `table` or one it names
    /// as read from elsewhere (a customer's name beside its id, through a join): a column renamed in a
    /// migration fails RecordKindTests instead of leaving an optional field silently empty.
    static var row: RecordRow? { get }
}

/// How a kind's records are read, for the check that the row and the table agree.
enum RecordRow {
    /// A `Decodable` row type read with snake_case columns; `fromElsewhere` are its keys that are not the table's
    /// columns (read through a join, or left empty for this kind by a row type two tables share).
    case decoded(any Decodable.Type, fromElsewhere: Set<String> = [])
    /// A Fluent model: its field keys are the table's columns.
    case model(any Fields.Type)
}

/// What a tracked column holds, where a reader needs more than its text.
enum TrackedValue: Sendable {
    /// A moment (Fluent `.datetime`).
    case instant
    /// A member of staff's id.
    case staff
    /// A department's id.
    case department
}

/// The kind a record is part of and the column that names it.
struct RecordOwner {
    var kind: any RecordKind.Type
    var column: String
}

extension RecordKind {
    static var customerColumn: String? { nil }
    static var personal: [PersonalColumn] { [] }
    static var numbering: Numbering? { nil }
    static var numberColumn: String { "number" }
    static var attachments: AttachmentRules? { nil }
    static var owner: RecordOwner? { nil }
    static var tracked: [String] { [] }
    static var trackedValues: [String: TrackedValue] { [:] }
    static var conflictMessageKey: String { "error.conflict" }
    static var createdColumn: String { "created_at" }
    static var isAppendOnly: Bool { false }
    static var row: RecordRow? { nil }
}

/// A column holding personal data and what anonymization leaves in it.
struct PersonalColumn: Sendable, Hashable {
    enum Clearing: Sendable, Hashable {
        /// NULL (the column is optional).
        case null
        /// The empty string (the column is required).
        case empty
        /// The anonymization marker, so a person reading the record sees why it is blank.
        case marker
        /// The marker where there was a value, NULL where there was none.
        case markerIfPresent
        /// Three stars: the row stays, its values do not.
        case stars
    }

    var column: String
    var clearing: Clearing

    init(_ column: String, _ clearing: Clearing) {
        self.column = column
        self.clearing = clearing
    }
}

/// A yearly number: a prefix, the year and a counter that never goes back (`HT-2026-000123`).
struct Numbering: Sendable, Hashable {
    var prefix: String
    var digits: Int

    static func yearly(prefix: String, digits: Int = 6) -> Numbering { Numbering(prefix: prefix, digits: digits) }

    func format(year: Int, value: Int) -> String {
        let number = String(value)
        return "\(prefix)-\(year)-" + String(repeating: "0", count: max(0, digits - number.count)) + number
    }
}
