import Foundation

/// What a reminder or a webhook message is about. The raw values are stored (the reminders' and the
/// webhooks' event columns) and sent to chat robots and JSON receivers, so they never change.
public enum ReminderEvent: String, CaseIterable, Codable, Sendable {
    /// R3.1: two hours before a promised reply's deadline (``PromisedReplyRule/reminderLead``).
    case promisedReplyDueSoon = "promised_reply.due_soon"
    /// R3.1: a promised reply not given by its deadline.
    case promisedReplyOverdue = "promised_reply.overdue"
    /// R3.3: on the day of a follow-up, from 09:00 office time (or from its time, when that is earlier).
    case followUpDue = "follow_up.due"
    /// R3.3: a follow-up not completed by its time.
    case followUpOverdue = "follow_up.overdue"
    /// R3.1: an inquiry from the public form that nobody has taken for 30 minutes.
    case webInquiryWaiting = "web_inquiry.waiting"
    /// R3.4: a contract obligation due within its reminder lead (N days before, through the due day).
    case obligationDueSoon = "obligation.due_soon"
    /// R3.4: a contract obligation not fulfilled by its due day.
    case obligationOverdue = "obligation.overdue"
    /// A test message sent from the webhook settings page; never scheduled, never subscribed to.
    case test
    /// R3.5: an urgent or major complaint received — the supervisor hears of it at once.
    case complaintReceived = "complaint.received"
    /// R3.5: a complaint's time limit is close (the warning share, 75 % by default, used).
    case complaintWarning = "complaint.warning"
    /// R3.5: a complaint's time limit was missed, or a higher level of the ladder reached.
    case complaintEscalated = "complaint.escalated"
    /// Issue 13 §5: a customer gave a low satisfaction score — the supervisor reviews the matter.
    case surveyLowScore = "survey.low_score"
    /// Issue 13 §6: a feedback was forwarded to a department — its liaisons hear of it.
    case feedbackForwarded = "feedback.forwarded"
    /// Issue 13 §2, §6: the specialist chases a department that has not answered yet.
    case feedbackChased = "feedback.chased"
    /// Issue 13 §2: the specialist chases a department on a complaint's forwarded request.
    case complaintChased = "complaint.chased"
}

/// A record that may need a reminder, as the scheduler's query gives it: its deadline (or, for a web
/// inquiry, its reception time) and when it was dealt with.
public struct ReminderCandidate: Equatable, Sendable {
    /// The kind of record, as stored with the reminder (e.g. "promised_reply"); must not contain ":".
    public var recordType: String
    public var recordID: Int
    /// Who is reminded; nil for a record nobody owns yet (a waiting web inquiry goes to the supervisor).
    public var staffID: Int?
    /// The deadline: a promised reply's deadline, a follow-up's planned time, a web inquiry's
    /// reception time.
    public var dueAt: Date
    /// When it was dealt with: replied, completed, assigned. Nil while still open.
    public var doneAt: Date?

    public init(recordType: String, recordID: Int, staffID: Int? = nil, dueAt: Date, doneAt: Date? = nil) {
        self.recordType = recordType
        self.recordID = recordID
        self.staffID = staffID
        self.dueAt = dueAt
        self.doneAt = doneAt
    }
}

/// A reminder to send now. The server stores it under ``dedupeKey`` in a unique column and sends it
/// only when the insert succeeds, so a scheduler that runs every minute (or on several instances)
/// sends each reminder exactly once.
public struct Reminder: Equatable, Sendable {
    public var event: ReminderEvent
    public var recordType: String
    public var recordID: Int
    public var staffID: Int?
    public var dueAt: Date
    public var dedupeKey: String

    public init(event: ReminderEvent, recordType: String, recordID: Int, staffID: Int?, dueAt: Date, dedupeKey: String)
    {
        self.event = event
        self.recordType = recordType
        self.recordID = recordID
        self.staffID = staffID
        self.dueAt = dueAt
        self.dedupeKey = dedupeKey
    }
}

/// S4, R3.1, R3.3: which reminders are due at a given moment. Pure functions of the candidates and the
/// clock; the scheduler asks every minute and the dedupe key keeps repeats out.
public enum ReminderRules {
    /// A web inquiry waits this long unassigned before the supervisor is reminded.
    public static let webInquiryWaitingLimit: TimeInterval = 30 * 60

    /// The hour (office time) from which a follow-up due that day is reminded.
    public static let followUpReminderHour = 9

    /// How far ahead of now a deadline can lie and still need a reminder now: a promised reply
    /// reminds two hours ahead, a follow-up from 09:00 of its day (less than a day ahead of its time).
    /// The server queries open candidates with `dueAt <= now + lookAhead`; there is no look-back
    /// limit, as an overdue record stays a candidate until done (its dedupe key stops repeats).
    public static let lookAhead: TimeInterval = PromisedReplyRule.reminderLead + 86_400

    /// Reminders due at `now` for promised replies (deadline in `dueAt`, reply time in `doneAt`):
    /// due soon from two hours before the deadline up to the deadline itself, overdue strictly after
    /// it, nothing once replied. Same boundaries as ``PromisedReplyRule/state(deadline:repliedAt:now:)``.
    public static func promisedReplies(_ candidates: [ReminderCandidate], now: Date) -> [Reminder] {
        candidates.compactMap { candidate in
            switch PromisedReplyRule.state(deadline: candidate.dueAt, repliedAt: candidate.doneAt, now: now) {
            case .dueSoon: reminder(.promisedReplyDueSoon, for: candidate)
            case .overdue: reminder(.promisedReplyOverdue, for: candidate)
            case .open, .repliedOnTime, .repliedLate: nil
            }
        }
    }

    /// Reminders due at `now` for follow-ups (planned time in `dueAt`, completion in `doneAt`): due
    /// from ``followUpReminderMoment(dueAt:timeZone:)`` up to the planned time itself, overdue
    /// strictly after it (as ``FollowUpRule/isOverdue(dueAt:completedAt:now:)``), nothing once completed.
    public static func followUps(_ candidates: [ReminderCandidate], now: Date, timeZone: TimeZone) -> [Reminder] {
        candidates.compactMap { candidate in
            guard candidate.doneAt == nil else { return nil }
            if now > candidate.dueAt { return reminder(.followUpOverdue, for: candidate) }
            guard now >= followUpReminderMoment(dueAt: candidate.dueAt, timeZone: timeZone) else { return nil }
            return reminder(.followUpDue, for: candidate)
        }
    }

    /// R3.3: a follow-up is reminded from 09:00 office time on its day, or from its own time when it
    /// is planned earlier than 09:00 (a call at 08:00 is reminded at 08:00, not after it is missed).
    public static func followUpReminderMoment(dueAt: Date, timeZone: TimeZone) -> Date {
        let localSeconds = dueAt.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: dueAt))
        let localMidnight = (localSeconds / 86_400).rounded(.down) * 86_400
        let nineOClock = LocalDateTime.localInstant(
            wallClock: localMidnight + Double(followUpReminderHour * 3600), timeZone: timeZone
        )
        return min(nineOClock, dueAt)
    }

    /// The latest planned time whose "due" reminder has begun at `now`: the end of today (office
    /// time) from 09:00 on — every follow-up of the day is then reminded — and `now` itself before
    /// 09:00 (only a follow-up planned that early has begun). The scan reads follow-ups planned from
    /// `now` up to this moment, so it never reads one a minute before its reminder is due; for any
    /// planned time `t ≥ now`, `followUpReminderMoment(t) <= now` exactly when `t <= followUpDueHorizon(now)`
    /// (apart from a follow-up planned at midnight itself, which the rule then leaves out).
    public static func followUpDueHorizon(now: Date, timeZone: TimeZone) -> Date {
        let localSeconds = now.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: now))
        let localMidnight = (localSeconds / 86_400).rounded(.down) * 86_400
        let nineOClock = LocalDateTime.localInstant(
            wallClock: localMidnight + Double(followUpReminderHour * 3600), timeZone: timeZone)
        guard now >= nineOClock else { return now }
        return LocalDateTime.localInstant(wallClock: localMidnight + 86_400, timeZone: timeZone)
    }

    /// Reminders due at `now` for inquiries from the public form (reception time in `dueAt`,
    /// assignment in `doneAt`): waiting once ``webInquiryWaitingLimit`` has passed unassigned.
    public static func webInquiries(_ candidates: [ReminderCandidate], now: Date) -> [Reminder] {
        candidates.compactMap { candidate in
            guard candidate.doneAt == nil, now >= candidate.dueAt.addingTimeInterval(webInquiryWaitingLimit) else {
                return nil
            }
            return reminder(.webInquiryWaiting, for: candidate)
        }
    }

    /// The key that makes a reminder unique: `"<event>:<recordType>:<recordID>:<dueAt>"`, where
    /// `<event>` is the event's raw value and `<dueAt>` the deadline in whole Unix seconds (rounded
    /// down), e.g. `"promised_reply.overdue:promised_reply:42:1796004000"`.
    ///
    /// One reminder per event, record and deadline: a record flagged overdue is not flagged again
    /// every minute, while a record whose deadline is moved reminds again for the new deadline.
    public static func dedupeKey(event: ReminderEvent, recordType: String, recordID: Int, dueAt: Date) -> String {
        "\(event.rawValue):\(recordType):\(recordID):\(Int64(dueAt.timeIntervalSince1970.rounded(.down)))"
    }

    static func reminder(_ event: ReminderEvent, for candidate: ReminderCandidate) -> Reminder {
        Reminder(
            event: event, recordType: candidate.recordType, recordID: candidate.recordID, staffID: candidate.staffID,
            dueAt: candidate.dueAt,
            dedupeKey: dedupeKey(
                event: event, recordType: candidate.recordType, recordID: candidate.recordID, dueAt: candidate.dueAt)
        )
    }
}

/// S4: how often and how long a failed webhook delivery is tried again. Chat platforms throttle and
/// have outages; a reminder that arrives two hours late still helps, one lost silently does not.
public enum DeliveryRetry {
    /// The first attempt and five retries; after the sixth failure the delivery is marked failed.
    public static let maximumAttempts = 6

    private static let delays: [TimeInterval] = [30, 2 * 60, 10 * 60, 30 * 60, 2 * 3600]

    /// The delay before the next attempt after `n` failed attempts: 30 s, 2 min, 10 min, 30 min, 2 h
    /// for n = 1…5; nil from n = ``maximumAttempts`` on (give up). No failure yet (n ≤ 0) means no wait.
    public static func delay(afterFailedAttempts n: Int) -> TimeInterval? {
        guard n >= 1 else { return 0 }
        guard n < maximumAttempts else { return nil }
        return delays[n - 1]
    }

    /// Whether a delivery that got this HTTP status is tried again: yes for 429 (throttled), any 5xx
    /// and a transport error (no status); no for success (2xx) and for other statuses, which a retry
    /// will not change (a 404 for a deleted robot, a 400 for a refused message).
    public static func shouldRetry(status: Int?) -> Bool {
        guard let status else { return true }
        return status == 429 || (500...599).contains(status)
    }
}
