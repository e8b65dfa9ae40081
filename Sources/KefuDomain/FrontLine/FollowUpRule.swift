import Foundation

/// How a follow-up reaches the customer.
public enum FollowUpChannel: String, CaseIterable, Codable, Sendable {
    case phone, wechat, email, visit, meeting, other
}

/// A next follow-up as the form gives it.
public struct FollowUpPlanDraft: Equatable, Sendable {
    /// ISO 8601, or `yyyy-MM-dd'T'HH:mm` as a `datetime-local` input sends it (read in the office's
    /// time zone).
    public var dueAt: String
    public var channel: String
    public var purpose: String

    public init(dueAt: String = "", channel: String = "", purpose: String = "") {
        self.dueAt = dueAt
        self.channel = channel
        self.purpose = purpose
    }

    /// A plan form left entirely empty means no plan.
    public var isEmpty: Bool { dueAt.trimmed.isEmpty && channel.trimmed.isEmpty && purpose.trimmed.isEmpty }
}

/// A validated next follow-up.
public struct FollowUpPlan: Equatable, Sendable {
    public var dueAt: Date
    public var channel: FollowUpChannel
    public var purpose: String

    public init(dueAt: Date, channel: FollowUpChannel, purpose: String) {
        self.dueAt = dueAt
        self.channel = channel
        self.purpose = purpose
    }
}

/// R3.3: a customer at the intent or negotiating stage always has an open follow-up. Completing the
/// last one requires planning the next, unless the stage moves to signed or lost in the same step.
public enum FollowUpRule {
    /// Checks a plan: a due date-time not before now ("validation.follow_up.due_past"), a channel from
    /// the list, a purpose of at most 500 characters.
    ///
    /// The form gives minutes only, so a plan due in the current minute counts as now, not the past.
    public static func validate(_ draft: FollowUpPlanDraft, now: Date, timeZone: TimeZone) -> Result<
        FollowUpPlan, FieldErrors
    > {
        validate(draft, now: now, timeZone: timeZone, fieldPrefix: nil)
    }

    /// Checks the completion of a follow-up: an outcome (≤1000) is required, and when completing it
    /// would leave a customer whose stage (after this step) needs follow-up with none open, a next
    /// plan is required ("validation.follow_up.next_required" on "next").
    ///
    /// A next plan that is given is validated and returned even when not required; its problems are
    /// reported on "nextDueAt", "nextChannel" and "nextPurpose".
    public static func completionProblems(
        outcome: String, openFollowUpsAfter: Int, stageAfter: CustomerStage, next: FollowUpPlanDraft?, now: Date,
        timeZone: TimeZone
    ) -> Result<FollowUpPlan?, FieldErrors> {
        var errors = FieldErrors()
        let outcome = outcome.trimmed
        if outcome.isEmpty { errors.add("outcome", "validation.required") }
        if outcome.count > 1000 { errors.add("outcome", "validation.too_long") }

        var plan: FollowUpPlan?
        if let next, !next.isEmpty {
            switch validate(next, now: now, timeZone: timeZone, fieldPrefix: "next") {
            case .success(let valid): plan = valid
            case .failure(let planErrors): errors.merge(planErrors)
            }
        } else if openFollowUpsAfter <= 0, stageAfter.needsFollowUp {
            errors.add("next", "validation.follow_up.next_required")
        }
        return errors.isEmpty ? .success(plan) : .failure(errors)
    }

    /// Why moving a customer to `stage` needs a plan first ("validation.follow_up.plan_required"), e.g.
    /// lead → intent with no follow-up open; nil when the move leaves the rule kept.
    public static func stageChangeProblem(to stage: CustomerStage, openFollowUps: Int) -> String? {
        stage.needsFollowUp && openFollowUps <= 0 ? "validation.follow_up.plan_required" : nil
    }

    /// A follow-up is overdue once its due time has passed without completion; due exactly now is
    /// not yet overdue.
    public static func isOverdue(dueAt: Date, completedAt: Date?, now: Date) -> Bool {
        completedAt == nil && dueAt < now
    }

    /// The seven days, as start-of-day instants in `timeZone`, of the Monday-to-Sunday week holding
    /// `date` (weeks in China start on Monday), for the week view of follow-ups.
    public static func weekDays(containing date: Date, timeZone: TimeZone) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.startOfDay(for: date)
        let daysSinceMonday = (calendar.component(.weekday, from: day) + 5) % 7
        return (0..<7).compactMap { calendar.date(byAdding: .day, value: $0 - daysSinceMonday, to: day) }
    }

    static func validate(_ draft: FollowUpPlanDraft, now: Date, timeZone: TimeZone, fieldPrefix: String?) -> Result<
        FollowUpPlan, FieldErrors
    > {
        var errors = FieldErrors()
        func field(_ name: String) -> String {
            guard let fieldPrefix else { return name }
            return fieldPrefix + name.prefix(1).uppercased() + name.dropFirst()
        }
        let dueAt = LocalDateTime.parse(field("dueAt"), draft.dueAt, timeZone: timeZone, &errors)
        if draft.dueAt.trimmed.isEmpty { errors.add(field("dueAt"), "validation.required") }
        let startOfThisMinute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        if let dueAt, dueAt < startOfThisMinute { errors.add(field("dueAt"), "validation.follow_up.due_past") }
        if let dueAt, let problem = PlausibleTime.planProblem(dueAt, now: now) { errors.add(field("dueAt"), problem) }

        let channel = FollowUpChannel(rawValue: draft.channel.trimmed)
        if channel == nil {
            errors.add(
                field("channel"), draft.channel.trimmed.isEmpty ? "validation.required" : "validation.choose_from_list")
        }
        let purpose = draft.purpose.trimmed
        if purpose.isEmpty { errors.add(field("purpose"), "validation.required") }
        if purpose.count > 500 { errors.add(field("purpose"), "validation.too_long") }

        guard errors.isEmpty, let dueAt, let channel else { return .failure(errors) }
        return .success(FollowUpPlan(dueAt: dueAt, channel: channel, purpose: purpose))
    }
}
