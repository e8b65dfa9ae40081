import Foundation

/// Audit details of the work with customers: files, inquiries, follow-ups, privacy, recommendations,
/// return visits and projects (issue 9 §7).
extension AuditMessage {
    /// A customer created although files on record look alike; the reason given is quoted.
    static func createdDespiteDuplicates(_ codes: [String]) -> StoredMessage {
        StoredMessage("audit.detail.created_duplicate", ["duplicates": .value(codes.joined(separator: ", "))])
    }

    /// A customer handed from one specialist to another (names as they were), with the reason if given.
    static func reassigned(from: String, to: String, withReason: Bool) -> StoredMessage {
        StoredMessage(
            withReason ? "audit.detail.reassigned_reason" : "audit.detail.reassigned",
            ["from": .value(from), "to": .value(to)])
    }

    /// The customer list exported: its row count and the filter's query string.
    static func customersExported(rows: String, filter: String) -> StoredMessage {
        StoredMessage("audit.detail.customers_exported", ["rows": .value(rows), "filter": .value(filter)])
    }

    /// The duplicate question asked (masked values) and how many files matched.
    static func duplicateChecked(asked: String, matches: String) -> StoredMessage {
        StoredMessage("audit.detail.duplicate_checked", ["asked": .value(asked), "matches": .value(matches)])
    }

    static func importChecked(rows: String, matches: String) -> StoredMessage {
        StoredMessage("audit.detail.import_checked", ["rows": .value(rows), "matches": .value(matches)])
    }

    /// Two files merged, by code; the reason given is quoted.
    static func merged(_ duplicate: String, into survivor: String) -> StoredMessage {
        StoredMessage("audit.detail.merged", ["duplicate": .value(duplicate), "survivor": .value(survivor)])
    }

    /// An inquiry recorded for a customer, with its status.
    static func inquiryCreated(customer: String, status: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.customer_status", ["customer": .value(customer), "status": .term("inquiry.status.\(status)")])
    }

    /// An inquiry sent through the public form under a version of the privacy notice.
    static func publicForm(notice: String) -> StoredMessage {
        StoredMessage("audit.detail.public_form", ["notice": .value(notice)])
    }

    static func staffCustomer(staff: String, customer: String) -> StoredMessage {
        StoredMessage("audit.detail.staff_customer", ["staff": .value(staff), "customer": .value(customer)])
    }

    /// A follow-up moved from one time to another; the reason given is quoted.
    static func rescheduled(from: String, to: String) -> StoredMessage {
        StoredMessage("audit.detail.rescheduled", ["from": .value(from), "to": .value(to)])
    }

    /// A customer's data handed to a recipient; with `withNote`, the decision's note is quoted.
    static func customerRecipient(customer: String, recipient: String, withNote: Bool = false) -> StoredMessage {
        StoredMessage(
            withNote ? "audit.detail.customer_recipient_note" : "audit.detail.customer_recipient",
            ["customer": .value(customer), "recipient": .value(recipient)])
    }

    static func sharingRequested(customer: String, recipient: String, purpose: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.sharing_requested",
            [
                "customer": .value(customer), "recipient": .value(recipient),
                "purpose": .term("consent.purpose.\(purpose)"),
            ])
    }

    /// A customer's copy of their data, as CSV or JSON.
    static func dataCopy(format: String) -> StoredMessage {
        StoredMessage("audit.detail.data_copy", ["format": .value(format.uppercased())])
    }

    static func consent(customer: String, purpose: String, status: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.consent",
            [
                "customer": .value(customer), "purpose": .term("consent.purpose.\(purpose)"),
                "status": .term("consent.status.\(status)"),
            ])
    }

    /// Files of a customer's records removed by an anonymization.
    static func filesRemoved(_ count: String) -> StoredMessage {
        StoredMessage("audit.detail.files_removed", ["count": .value(count)])
    }

    static func recommendation(customer: String, project: String, version: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.recommendation",
            ["customer": .value(customer), "project": .value(project), "version": .value(version)])
    }

    static func project(_ id: String) -> StoredMessage {
        StoredMessage("audit.detail.project", ["project": .value(id)])
    }

    /// A file added to a project: its name and size.
    static func file(name: String, bytes: String) -> StoredMessage {
        StoredMessage("audit.detail.file", ["name": .value(name), "bytes": .value(bytes)])
    }

    /// The return-visit settings: days between visits by grade, for the ungraded, and the low score.
    static func returnVisitSettings(days: [String], ungraded: String, low: String) -> StoredMessage {
        var arguments: [String: StoredArgument] = ["other": .value(ungraded), "low": .value(low)]
        for (grade, value) in zip(["a", "b", "c", "d"], days) { arguments[grade] = .value(value) }
        return StoredMessage("audit.detail.return_visit_settings", arguments)
    }

    static func visitsScheduled(_ count: String) -> StoredMessage {
        StoredMessage("audit.detail.visits_scheduled", ["count": .value(count)])
    }

    /// A return visit opened by a survey's low score (1–5).
    static func surveyScore(survey: String, score: String) -> StoredMessage {
        StoredMessage("audit.detail.survey_score", ["survey": .value(survey), "score": .value(score)])
    }
}
