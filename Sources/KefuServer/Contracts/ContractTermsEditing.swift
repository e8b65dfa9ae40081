import Fluent
import Foundation
import KefuDomain
import SQLKit

extension ContractWorkflow {
    struct TermsInput: Codable, Sendable {
        var title: String
        var amountWan: String
        var paymentPlan: [InstallmentDraft]?
        var parties: String?
        var version: Int?
    }

    /// Changes the contract's terms until the 法务部 passes them (R3.4): checked as a new contract's
    /// are, the version claimed, the changed fields on the timeline and in the audit log. Terms the
    /// customer had confirmed must be confirmed again, so the confirmation is cleared.
    func changeTerms(contractID: Int, _ input: TermsInput, context: AuditContext) async throws {
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            let values = try ContractValidation.validate(
                ContractDraft(
                    type: row.type, title: input.title, amountWan: input.amountWan,
                    paymentPlan: input.paymentPlan ?? [], parties: input.parties ?? ""),
                types: [row.type]
            ).get()
            let facts = try await store.facts(of: row, labels: labels, on: tx)
            if let refusal = ContractStateMachine.termsChangeRefusal(facts) {
                throw ContractRefused(field: "terms", reason: refusal)
            }
            let plan = String(decoding: try JSONEncoder().encode(values.paymentPlan), as: UTF8.self)
            var changed: [String] = []
            if values.title != row.title { changed.append("title") }
            if values.amount.value != row.amountYuan { changed.append("amount") }
            if values.paymentPlan != row.installments { changed.append("paymentPlan") }
            if values.parties != row.parties { changed.append("parties") }
            guard !changed.isEmpty else { return }
            let clearsConfirmation = row.termsConfirmedAt != nil
            var arguments: [String: StoredArgument] = [
                "number": "\(row.number)",
                "fields": .terms(changed.map { "contract.field.\($0 == "amount" ? "amountWan" : $0)" }),
            ]
            var key = "timeline.message.contract_terms_changed"
            if values.amount.value != row.amountYuan {
                key += "_amount"
                arguments["from"] = "\(Yuan(row.amountYuan).wanText)"
                arguments["to"] = "\(values.amount.wanText)"
            }
            if clearsConfirmation { key += "_confirm_again" }
            try await claim(
                row,
                set: """
                    title = \(bind: values.title), amount_yuan = \(bind: values.amount.value), payment_plan = \(bind: plan), parties = \(bind: values.parties),
                    terms_confirmed_at = NULL, terms_confirmation = NULL
                    """,
                timeline: .init(kind: .contractTerms, message: StoredMessage(key, arguments)),
                audit: .init(
                    action: "contract.terms_changed",
                    fields: changed + (clearsConfirmation ? ["termsConfirmedAt"] : []),
                    message: AuditMessage.number(row.number)),
                context: context, on: tx)
        }
    }
}
