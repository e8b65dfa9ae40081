/// Whether a viewer sees a customer's contact details as they are or masked (R4.4).
public enum ContactVisibility: String, Equatable, Sendable {
    case full
    case masked

    /// The responsible specialist and the supervisor see the details; anyone else who may view the
    /// file sees them masked — until they give a reason to reveal them (`revealed`), which the caller
    /// records in the audit log. Leadership and liaisons never reveal.
    public static func decide(for actor: Actor, on record: RecordFacts, revealed: Bool) -> ContactVisibility {
        if actor.role == .supervisor { return .full }
        if actor.role == .specialist, record.responsibleStaffID == actor.staffID { return .full }
        if revealed, AccessPolicy.permits(actor, .revealCustomerContact, on: record) { return .full }
        return .masked
    }

    /// The rows of a list whose contact details the viewer sees unmasked, as ``decide(for:on:revealed:)``
    /// answers without a reveal — for queries, which must not let anyone search, filter, sort or
    /// count by a field they see masked (issue 11 #2).
    public enum UnmaskedRows: Equatable, Sendable {
        case all
        case responsibleFor(staffID: Int)
        case none
    }

    public static func unmaskedRows(for actor: Actor) -> UnmaskedRows {
        switch actor.role {
        case .supervisor: return .all
        case .specialist: return .responsibleFor(staffID: actor.staffID)
        case .administrator, .leadership, .liaison: return .none
        }
    }
}

/// What a search may match on a file whose contact details the viewer sees masked (issue 11 #2):
/// a viewer learns no more of a masked field through search than the mask shows.
public enum MaskedSearch {
    /// How one search text is answered.
    public enum Kind: Equatable, Sendable {
        /// A customer code: not a contact detail.
        case code
        /// The last four digits of a mobile: the mask (138****5678) shows them.
        case mobileLastFour
        /// A whole mobile number: the mask hides its middle.
        case wholeMobile
        /// An e-mail prefix: the mask (z***@example.com) hides all but the first character.
        case email
        /// Names, companies, cities, tags — and, in the index, e-mail and WeChat id.
        case text
    }

    /// Whether a match of this kind may be answered on a file seen masked. A text search may, but
    /// only through the fields shown unmasked (name, company, city, tags), never through the contact
    /// details the index also holds.
    public static func mayMatchMasked(_ kind: Kind) -> Bool {
        switch kind {
        case .code, .mobileLastFour, .text: return true
        case .wholeMobile, .email: return false
        }
    }
}
