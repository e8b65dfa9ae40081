import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Moving a follow-up to another time with a reason, and completing several at once (issue 10,
/// improvement 5).
extension FollowUpStore {
    /// `version`: the one read (the API's); without it, a follow-up completed meanwhile is refused at
    /// the field.
    struct RescheduleInput: Content { var dueAt: String?; var reason: String?; var version: Int? }

    /// Moves an open follow-up to a new time (not in the past, as when planning), giving the reason;
    /// on the timeline and in the audit log with the old and new time.
    func reschedule(_ followUpID: Int, _ input: RescheduleInput, context: AuditContext, timeZone: TimeZone) async throws
    {
        guard let followUp = try await stillOpen(followUpID, version: input.version) else {
            throw FieldErrors(["dueAt": "validation.follow_up.already_completed"])
        }
        var errors = FieldErrors()
        let reason = (input.reason ?? "").trimmed
        if reason.count < 2 || reason.count > 200 { errors.add("reason", "validation.follow_up.reschedule_reason") }
        var plan: FollowUpPlan?
        switch FollowUpRule.validate(
            FollowUpPlanDraft(dueAt: input.dueAt ?? "", channel: followUp.channel, purpose: followUp.purpose),
            now: context.now, timeZone: timeZone)
        {
        case .success(let valid): plan = valid
        case .failure(let problems):
            for (field, key) in problems.messages where field == "dueAt" { errors.add("dueAt", key) }
        }
        guard errors.isEmpty, let plan else { throw errors }
        // The reminder marks are cleared: the new time is reminded again, due and overdue.
        try await database.writeTransaction { tx in
            do {
                try await RecordWrites.change(
                    FollowUpKind.self, id: followUpID, version: input.version ?? followUp.version,
                    RecordWrite(
                        set: "due_at = \(bind: plan.dueAt), due_reminded_at = NULL, overdue_reminded_at = NULL",
                        condition: "completed_at IS NULL",
                        timeline: .init(
                            kind: .followUpPlanned,
                            message: StoredMessage(
                                "timeline.message.follow_up_moved",
                                [
                                    "from": "\(DisplayFormat.dateTime(followUp.dueAt))",
                                    "to": "\(DisplayFormat.dateTime(plan.dueAt))",
                                    "purpose": "\(followUp.purpose)",
                                ]), quoting: reason),
                        audit: .init(
                            action: "follow_up.rescheduled", fields: ["dueAt"],
                            message: AuditMessage.rescheduled(
                                from: DisplayFormat.dateTime(followUp.dueAt), to: DisplayFormat.dateTime(plan.dueAt)),
                            quoting: reason)),
                    context: context, on: tx)
            } catch is RecordConflict where input.version == nil {
                throw FieldErrors(["dueAt": "validation.follow_up.already_completed"])
            }
        }
    }

    struct BulkResult: Content {
        struct Refused: Content { var id: Int; var customerID: Int?; var customerName: String?; var reason: String }
        var completed: [Int]
        var refused: [Refused]
    }

    /// Completes each follow-up the actor may manage with the one outcome. Each is completed on its own
    /// under the rule, so one whose customer would be left without a plan (intent, negotiation) is
    /// refused with that reason and the others still complete — the answer lists both.
    func completeAll(
        _ ids: [Int], outcome: String, actor: Actor, context: AuditContext, timeZone: TimeZone,
        localize: (String) -> String
    ) async throws -> BulkResult {
        var result = BulkResult(completed: [], refused: [])
        for id in Array(Set(ids)).sorted() {
            guard let loaded = try await FollowUpKind.load(id, on: database) else {
                result.refused.append(
                    .init(id: id, customerID: nil, customerName: nil, reason: localize("error.not_found")))
                continue
            }
            guard AccessPolicy.permits(actor, .manageFollowUps, on: loaded.facts) else {
                result.refused.append(
                    .init(id: id, customerID: nil, customerName: nil, reason: localize("error.forbidden")))
                continue
            }
            do {
                try await complete(id, .init(outcome: outcome, next: nil), context: context, timeZone: timeZone)
                result.completed.append(id)
            } catch let errors as FieldErrors {
                let reason = errors.messages.sorted { $0.key < $1.key }.map { localize($0.value) }.joined(
                    separator: " ")
                result.refused.append(
                    .init(
                        id: id, customerID: loaded.record.customerID, customerName: loaded.record.customerName,
                        reason: reason))
            }
        }
        return result
    }
}
