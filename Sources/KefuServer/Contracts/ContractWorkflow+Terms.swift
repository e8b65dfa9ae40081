import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Terms explained (R1.2): each clause explained, the customer's questions, their confirmation.
extension ContractWorkflow {
    // MARK: Terms explained (R1.2)

    /// Records that a clause was explained to the customer, by the caller, now.
    func explainClause(contractID: Int, clauseID: Int, note: String?, context: AuditContext) async throws {
        let note = (note ?? "").trimmed
        if note.count > 2000 { throw FieldErrors(["note": "validation.too_long"]) }
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, on: tx)
            if let refusal = TermsExplanation.explainProblem(state: row.contractState) {
                throw ContractRefused(field: "clause", reason: refusal)
            }
            guard let clause = try await store.clauses(contractID, on: tx).first(where: { $0.id == clauseID }) else {
                throw KefuError.notFound
            }
            let updated = try await tx.sql().raw(
                """
                UPDATE contract_clauses SET explained_at = \(bind: context.now), explained_by_staff_id = \(bind: context.actorStaffID),
                    note = \(bind: note.isEmpty ? nil : note), updated_at = \(bind: context.now), version = version + 1
                WHERE id = \(bind: clauseID) AND contract_id = \(bind: contractID) AND explained_at IS NULL RETURNING id
                """
            ).first()
            guard updated != nil else {
                throw ContractRefused(field: "clause", reason: ContractReason("contract.refusal.already_explained"))
            }
            try await touch(
                row, .contractTerms,
                message: StoredMessage(
                    "timeline.message.contract_clause_explained",
                    ["number": "\(row.number)", "clause": .name(clause.name, orTerm: "contract.clause.\(clause.code)")]),
                context: context, on: tx)
            try await AuditLog.record(
                "contract.clause_explained", recordType: ContractClauseKind.recordType, recordID: String(clauseID),
                fields: ["explainedAt", "note"],
                message: AuditMessage.numbered(
                    row.number, .name(clause.name, orTerm: "contract.clause.\(clause.code)")),
                context: context, on: tx)
        }
    }

    struct QuestionInput: Codable, Sendable { var clauseID: Int?; var question: String; var answer: String? }

    /// Records a question the customer asked about the contract and the answer given (R1.2).
    func addQuestion(contractID: Int, _ input: QuestionInput, context: AuditContext) async throws {
        var errors = FieldErrors()
        let question = input.question.trimmed, answer = (input.answer ?? "").trimmed
        if question.isEmpty {
            errors.add("question", "validation.required")
        } else if question.count > 2000 {
            errors.add("question", "validation.too_long")
        }
        if answer.count > 2000 { errors.add("answer", "validation.too_long") }
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, on: tx)
            if let refusal = TermsExplanation.explainProblem(state: row.contractState) {
                throw ContractRefused(field: "question", reason: refusal)
            }
            if let clauseID = input.clauseID,
                try await store.clauses(contractID, on: tx).contains(where: { $0.id == clauseID }) == false
            {
                throw FieldErrors(["clauseID": "validation.choose_from_list"])
            }
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO contract_questions (contract_id, customer_id, clause_id, question, answer, asked_at, staff_id)
                    VALUES (\(bind: contractID), \(bind: row.customerID), \(bind: input.clauseID), \(bind: question), \(bind: answer.isEmpty ? nil : answer),
                            \(bind: context.now), \(bind: context.actorStaffID))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await touch(
                row, .contractTerms,
                message: StoredMessage("timeline.message.contract_question", ["number": "\(row.number)"]),
                quoting: question, context: context, on: tx)
            try await AuditLog.record(
                "contract.question_recorded", recordType: ContractQuestionKind.recordType, recordID: String(id),
                fields: ["question", "answer"], message: AuditMessage.number(row.number), context: context, on: tx)
        }
    }

    /// The customer confirms they understood and agree to the terms, once every clause was explained.
    func confirmTerms(contractID: Int, note: String?, version: Int, context: AuditContext) async throws {
        let note = (note ?? "").trimmed
        if note.count > 1000 { throw FieldErrors(["note": "validation.too_long"]) }
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            let facts = try await store.facts(of: row, labels: labels, on: tx)
            if let refusal = TermsExplanation.confirmProblem(state: row.contractState, clauses: facts.clauses) {
                throw ContractRefused(field: "confirmation", reason: refusal)
            }
            if row.termsConfirmedAt != nil {
                throw ContractRefused(
                    field: "confirmation", reason: ContractReason("contract.refusal.already_confirmed"))
            }
            try await claim(
                row,
                set:
                    "terms_confirmed_at = \(bind: context.now), terms_confirmation = \(bind: note.isEmpty ? nil : note)",
                timeline: .init(
                    kind: .contractTerms,
                    message: StoredMessage("timeline.message.contract_terms_confirmed", ["number": "\(row.number)"]),
                    quoting: note),
                audit: .init(
                    action: "contract.terms_confirmed", fields: ["termsConfirmedAt", "termsConfirmation"],
                    message: AuditMessage.number(row.number)),
                context: context, on: tx)
        }
    }
}
