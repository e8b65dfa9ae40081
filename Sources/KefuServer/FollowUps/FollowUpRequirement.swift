import Foundation
import KefuDomain
import Vapor

extension Request {
    /// The follow-up rule at a stage change (R3.3): a customer moving to intent or negotiation needs an
    /// open follow-up — one they have, or the plan given with the change. A plan that is given is
    /// checked and returned either way. Problems are reported on `followUp`, `followUpDueAt`,
    /// `followUpChannel` and `followUpPurpose`.
    func followUpPlan(for input: CustomerInput, newStage: CustomerStage, oldStage: CustomerStage?, customerID: Int?)
        async throws -> FollowUpPlan?
    {
        let given = !(input.followUpDueAt ?? "").trimmed.isEmpty || !(input.followUpPurpose ?? "").trimmed.isEmpty
        if given {
            let draft = FollowUpPlanDraft(
                dueAt: input.followUpDueAt ?? "", channel: input.followUpChannel ?? FollowUpChannel.phone.rawValue,
                purpose: input.followUpPurpose ?? "")
            switch FollowUpRule.validate(draft, now: now, timeZone: DisplayFormat.timeZone) {
            case .success(let plan): return plan
            case .failure(let errors):
                var renamed = FieldErrors()
                for (field, key) in errors.messages {
                    renamed.add("followUp" + field.prefix(1).uppercased() + field.dropFirst(), key)
                }
                throw renamed
            }
        }
        guard newStage != oldStage else { return nil }
        let open =
            try await customerID.asyncMap { try await FollowUpStore(database: db).openCount(customerID: $0) } ?? 0
        if let problem = FollowUpRule.stageChangeProblem(to: newStage, openFollowUps: open) {
            throw FieldErrors(["followUp": problem])
        }
        return nil
    }
}
