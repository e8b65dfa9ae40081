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
}
