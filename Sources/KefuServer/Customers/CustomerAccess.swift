import Fluent
import KefuDomain
import Vapor

/// Loading a customer for a request, with the access checks every customer route needs.
extension Request {
    /// The customer addressed by `:id` if the caller may perform `action` on it; 404 otherwise (or
    /// 403, audited, when the file exists but is not the caller's to touch).
    func customer(for action: Action) async throws -> CustomerModel {
        try await record(CustomerFileKind.self, for: action)
    }

    /// The customer addressed by `:id` for a page or API call that only shows it, checked like
    /// ``customer(for:)``; read without Fluent (``CustomerModel/read(_:on:)``), so not for saving.
    func customerToShow(for action: Action) async throws -> CustomerModel {
        try await record(CustomerFileToShow.self, for: action)
    }

    /// How this caller sees the customer's contact details (R4.4).
    func contactVisibility(of facts: RecordFacts, revealed: Bool = false) throws -> ContactVisibility {
        ContactVisibility.decide(for: try requireStaff().actor, on: facts, revealed: revealed)
    }

    /// Records that the caller saw a customer's contact details unmasked, with their reason (R4.4).
    func recordReveal(of customer: CustomerModel, reason: String) async throws {
        let id = try customer.requireID()
        let context = auditContext
        try await db.writeTransaction { tx in
            try await AuditLog.record(
                "customer.contact_revealed", recordType: "customer", recordID: String(id),
                fields: Array(CustomerValues.contactFields), message: AuditMessage.typed,
                quoting: String(reason.prefix(500)), context: context,
                on: tx
            )
            try await Timeline.record(
                .revealed, customerID: id, recordType: "customer", recordID: id,
                message: StoredMessage("timeline.message.revealed"), quoting: reason, context: context, on: tx)
        }
    }

    /// The customer filter from the query string, shared by the page and the API.
    var customerFilter: CustomerFilter { CustomerFilter(parameters: queryParameters, staffID: staff?.id) }
}
