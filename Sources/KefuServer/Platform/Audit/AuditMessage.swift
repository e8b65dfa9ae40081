import Foundation

/// The details audit entries store (issue 9 §7): each a key under `audit.detail.` and its arguments,
/// put in the reader's language on the audit page and the API. Writers and ``LegacyAuditDetail``
/// build them here, so an old entry and a new one of the same action read alike.
enum AuditMessage {
    /// No detail: the action, the record and the fields say what happened (a sign-in, a save).
    static let none = StoredMessage(StoredMessage.auditText)

    /// Only what someone typed (a reason, a response), passed as `quoting:` and shown as it is.
    static let typed = StoredMessage(StoredMessage.auditText)

    /// A record's number and what someone typed about it (a reason).
    static func numberText(_ number: String) -> StoredMessage {
        StoredMessage("audit.detail.number_text", ["number": .value(number)])
    }

    /// A term of Kefu's own (a status, an outcome).
    static func term(_ key: String) -> StoredMessage {
        StoredMessage("audit.detail.term", ["term": .term(key)])
    }

    /// A term of Kefu's own (a decision) and, with `withNote`, the note typed with it, passed as `quoting:`.
    static func term(_ key: String, withNote: Bool) -> StoredMessage {
        withNote ? StoredMessage("audit.detail.term_text", ["term": .term(key)]) : term(key)
    }

    /// The customer a record belongs to, by id.
    static func customer(_ id: String) -> StoredMessage {
        StoredMessage("audit.detail.customer", ["customer": .value(id)])
    }

    /// How many rows a file held (an export).
    static func rows(_ count: String) -> StoredMessage {
        StoredMessage("audit.detail.rows", ["rows": .value(count)])
    }

    /// Settings stored as JSON, shown as they were saved.
    static func settings(_ json: String) -> StoredMessage {
        StoredMessage("audit.detail.settings", ["settings": .value(json)])
    }

    /// A name changed from one to another; `isActive` false when it was also set inactive.
    static func renamed(from: String, to: String, isActive: Bool = true) -> StoredMessage {
        StoredMessage(
            isActive ? "audit.detail.renamed" : "audit.detail.renamed_inactive",
            ["from": .value(from), "to": .value(to)])
    }

    /// A record's version after a change.
    static func version(_ version: String) -> StoredMessage {
        StoredMessage("audit.detail.version", ["version": .value(version)])
    }
    /// A record's number ("HT-2026-000123").
    static func number(_ number: String) -> StoredMessage {
        StoredMessage("audit.detail.number", ["number": .value(number)])
    }

    /// A record handed to a department, by name.
    static func forwarded(number: String, department: String) -> StoredMessage {
        StoredMessage("audit.detail.forwarded", ["number": .value(number), "department": .value(department)])
    }

    /// A record handed to a department, by id.
    static func forwarded(number: String, departmentID: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.forwarded_department_id", ["number": .value(number), "department": .value(departmentID)])
    }

    /// A record's state from one to another; the states are terms under `prefix` ("contract.state").
    static func stateChanged(number: String, from: String, to: String, in prefix: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.state_changed",
            ["number": .value(number), "from": .term("\(prefix).\(from)"), "to": .term("\(prefix).\(to)")])
    }

    /// A record's number and what of it: a term of Kefu's own (a kind of update) or a name (a clause).
    static func numbered(_ number: String, _ what: StoredArgument) -> StoredMessage {
        StoredMessage("audit.detail.number_term", ["number": .value(number), "term": what])
    }

    static func numberCustomer(_ number: String, customer: String) -> StoredMessage {
        StoredMessage("audit.detail.number_customer", ["number": .value(number), "customer": .value(customer)])
    }

    static func numberMonth(_ number: String, month: String) -> StoredMessage {
        StoredMessage("audit.detail.number_month", ["number": .value(number), "month": .value(month)])
    }

    /// A contract's required document marked received, missing or rejected.
    static func contractDocument(_ number: String, document: StoredArgument, status: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.contract_document",
            ["number": .value(number), "document": document, "status": .term("contract.checklist.\(status)")])
    }

    /// The customer's stage set to signed when their contract is signed.
    static func stageOnSigning(from stage: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.stage_signed",
            ["from": .term("customer.stage.\(stage)"), "to": .term("customer.stage.signed")])
    }

    static func procedureStarted(customer: String, type: StoredArgument) -> StoredMessage {
        StoredMessage("audit.detail.procedure_started", ["customer": .value(customer), "type": type])
    }

    static func procedureStep(_ step: StoredArgument, status: String) -> StoredMessage {
        StoredMessage("audit.detail.procedure_step", ["step": step, "status": .term("procedure.status.\(status)")])
    }

    /// A complaint severity's time limits in working hours.
    static func complaintLimits(first: String, update: String, resolution: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.complaint_limits",
            ["first": .value(first), "update": .value(update), "resolution": .value(resolution)])
    }

    /// A survey's overall score, 1–5.
    static func surveyScore(_ score: String) -> StoredMessage {
        StoredMessage("audit.detail.score", ["score": .value(score)])
    }

    /// A name someone gave or bears (a token, a person).
    static func name(_ name: String) -> StoredMessage {
        StoredMessage("audit.detail.name", ["name": .value(name)])
    }

    static func language(_ code: String) -> StoredMessage {
        StoredMessage("audit.detail.language", ["language": .term("language.\(code)")])
    }

    /// Why a sign-in failed: `unknown` (no such user), `inactive` or `password`.
    static func signInFailed(_ reason: String) -> StoredMessage {
        StoredMessage("audit.detail.sign_in_\(reason)")
    }

    /// The access policy's action that was refused.
    static func permission(_ action: String) -> StoredMessage {
        StoredMessage("audit.detail.permission", ["permission": .value(action)])
    }

    static func attachmentAdded(id: String, name: String, bytes: String, sha256: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.attachment_added",
            ["id": .value(id), "name": .value(name), "bytes": .value(bytes), "sha256": .value(sha256)])
    }

    static func attachment(id: String, name: String) -> StoredMessage {
        StoredMessage("audit.detail.attachment", ["id": .value(id), "name": .value(name)])
    }

    static func imported(created: String, skipped: String) -> StoredMessage {
        StoredMessage("audit.detail.imported", ["created": .value(created), "skipped": .value(skipped)])
    }
}
