import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The legal review by the 法务部 (R1.3) and the signing that follows it.
extension ContractWorkflow {
    // MARK: The legal review (R1.3)

    /// Forwards the contract to the 法务部, whose liaison then sees it and answers.
    func forward(contractID: Int, version: Int, context: AuditContext) async throws {
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            let facts = try await store.facts(of: row, labels: labels, on: tx)
            if let refusal = ContractStateMachine.forwardRefusal(facts) {
                throw ContractRefused(field: "review", reason: refusal)
            }
            guard let department = row.legalDepartmentID else {
                throw ContractRefused(field: "review", reason: ContractReason("contract.refusal.no_legal_department"))
            }
            try await claim(
                row,
                set:
                    "review_status = 'forwarded', review_forwarded_at = \(bind: context.now), review_answered_at = NULL",
                timeline: .init(
                    kind: .contractForwarded,
                    message: StoredMessage("timeline.message.number", ["number": "\(row.number)"])),
                audit: .init(
                    action: "contract.forwarded", fields: ["reviewStatus"],
                    message: AuditMessage.forwarded(number: row.number, departmentID: "\(department)")),
                context: context, on: tx)
        }
    }

    /// The 法务部 liaison's answer: approved (the contract passes legal review) or returned with comments.
    func review(contractID: Int, approve: Bool, comment: String?, version: Int, context: AuditContext) async throws {
        let comment = (comment ?? "").trimmed
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            let facts = try await store.facts(of: row, labels: labels, on: tx)
            if let refusal = ContractStateMachine.reviewRefusal(facts, approve: approve, comment: comment) {
                throw ContractRefused(field: "comment", reason: refusal)
            }
            let status = approve ? LegalReviewStatus.approved : .returned
            let state = approve ? ContractState.legalReviewPassed.rawValue : row.state
            try await claim(
                row,
                set: """
                    review_status = \(bind: status.rawValue), review_answered_at = \(bind: context.now), review_staff_id = \(bind: context.actorStaffID),
                    review_comment = \(bind: comment.isEmpty ? nil : comment), state = \(bind: state),
                    state_changed_at = \(bind: approve ? context.now : row.stateChangedAt)
                    """,
                timeline: .init(
                    kind: .contractReviewed,
                    message: StoredMessage(
                        approve ? "timeline.message.contract_approved" : "timeline.message.contract_rejected",
                        ["number": "\(row.number)"]), quoting: comment),
                audit: .init(
                    action: approve ? "contract.review_approved" : "contract.review_returned",
                    fields: ["reviewStatus", "reviewComment"], message: AuditMessage.number(row.number)),
                context: context, on: tx)
        }
    }

    // MARK: Signing

    /// Records the signing and moves the customer to the signed stage (R3.4, R4.2): a customer at an
    /// earlier active stage becomes signed, with the change in the file's history.
    func sign(contractID: Int, _ draft: SigningDraft, version: Int, today: CalendarDay, context: AuditContext)
        async throws
    {
        let signing = try SigningRule.validate(draft, today: today).get()
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            var facts = try await store.facts(of: row, labels: labels, on: tx)
            facts.isSigningRecorded = true
            if let refusal = ContractStateMachine.refusal(facts, to: .signed) {
                throw ContractRefused(field: "signedOn", reason: refusal)
            }
            let earliest = try await tx.sql().raw(
                "SELECT MIN(due_on) AS due FROM contract_obligations WHERE contract_id = \(bind: row.id)"
            )
            .first()?.decode(column: "due", as: String?.self)
            if let earliest, let day = CalendarDay(earliest), day < signing.signedOn {
                throw FieldErrors(["signedOn": "validation.contract.obligation_before_signing"])
            }
            try await claim(
                row,
                set: """
                    state = 'signed', state_changed_at = \(bind: context.now), signed_on = \(bind: signing.signedOn.description),
                    signed_place = \(bind: signing.place), signatories = \(bind: signing.signatories)
                    """,
                timeline: .init(
                    kind: .contractSigned,
                    message: StoredMessage(
                        "timeline.message.contract_signed",
                        ["number": "\(row.number)", "date": "\(signing.signedOn)", "place": "\(signing.place)"])),
                audit: .init(
                    action: "contract.signed", fields: ["state", "signedOn", "signedPlace", "signatories"],
                    message: AuditMessage.number(row.number)),
                context: context, on: tx)
            try await moveCustomerToSigned(row.customerID, context: context, on: tx)
        }
    }

    private func moveCustomerToSigned(_ customerID: Int, context: AuditContext, on tx: any Database) async throws {
        guard
            let row = try await tx.sql().raw("SELECT stage, version FROM customers WHERE id = \(bind: customerID)")
                .first(),
            let stage = try? row.decode(column: "stage", as: String.self),
            let current = CustomerStage(rawValue: stage), [.lead, .intent, .negotiating].contains(current),
            CustomerStage.problem(from: current, to: .signed, lostReason: nil) == nil
        else { return }
        // The version just read in this transaction: only a save of the file racing the signing conflicts.
        let written = try await RecordWrites.change(
            CustomerFileKind.self, id: customerID, version: try row.decode(column: "version", as: Int.self),
            RecordWrite(
                set: "stage = 'signed'",
                audit: .init(
                    action: "customer.updated", fields: ["stage"], message: AuditMessage.stageOnSigning(from: stage))),
            context: context, on: tx)
        try await CustomerChangeModel(
            customerID: customerID,
            change: FieldChange(field: "stage", oldValue: stage, newValue: CustomerStage.signed.rawValue),
            version: written.version, context: context
        ).create(on: tx)
    }
}
