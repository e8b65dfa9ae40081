import Foundation

/// How an inquiry reached the department (R3.1).
public enum InquiryChannel: String, CaseIterable, Codable, Sendable {
    case phone, email, onlineChat = "online_chat", visit, webForm = "web_form", wechat
}

/// An inquiry as the reception form gives it.
public struct InquiryDraft: Equatable, Sendable {
    public var channel: String
    /// When the inquiry came in; empty means now.
    public var receivedAt: String
    public var question: String
    public var needs: String
    public var answer: String
    public var answeredOnTheSpot: Bool
    /// The reply deadline the customer was told, when the question could not be answered on the spot.
    public var promisedBy: String

    public init(
        channel: String = "", receivedAt: String = "", question: String = "", needs: String = "", answer: String = "",
        answeredOnTheSpot: Bool = true, promisedBy: String = ""
    ) {
        self.channel = channel
        self.receivedAt = receivedAt
        self.question = question
        self.needs = needs
        self.answer = answer
        self.answeredOnTheSpot = answeredOnTheSpot
        self.promisedBy = promisedBy
    }
}

/// How an inquiry ended at reception: answered, or a promised reply with the deadline told.
public enum InquiryOutcome: Equatable, Sendable {
    case answered
    case promised(deadline: Date)
}

/// A validated inquiry.
public struct InquiryValues: Equatable, Sendable {
    public var channel: InquiryChannel
    public var receivedAt: Date
    public var question: String
    public var needs: String?
    /// The answer given; for a promised reply, whatever was said so far.
    public var answer: String?
    public var outcome: InquiryOutcome

    public init(
        channel: InquiryChannel, receivedAt: Date, question: String, needs: String?, answer: String?,
        outcome: InquiryOutcome
    ) {
        self.channel = channel
        self.receivedAt = receivedAt
        self.question = question
        self.needs = needs
        self.answer = answer
        self.outcome = outcome
    }
}

/// R3.1: an inquiry answered on the spot closes; one that cannot be becomes a promised reply with the
/// deadline the customer was told.
public enum InquiryValidation {
    /// How far ahead of the server's clock a reception time may be: a specialist's computer clock
    /// runs a little fast, a time tomorrow is a typing mistake.
    public static let allowedClockSkew: TimeInterval = 5 * 60

    public static func validate(_ draft: InquiryDraft, now: Date, timeZone: TimeZone) -> Result<
        InquiryValues, FieldErrors
    > {
        var errors = FieldErrors()
        let channel = InquiryChannel(rawValue: draft.channel.trimmed)
        if channel == nil {
            errors.add("channel", draft.channel.trimmed.isEmpty ? "validation.required" : "validation.choose_from_list")
        }

        let receivedAt =
            draft.receivedAt.trimmed.isEmpty
            ? now
            : LocalDateTime.parse("receivedAt", draft.receivedAt, timeZone: timeZone, &errors)
        if let receivedAt, receivedAt > now.addingTimeInterval(allowedClockSkew) {
            errors.add("receivedAt", "validation.inquiry.received_future")
        }
        if let receivedAt, let problem = PlausibleTime.pastProblem(receivedAt) { errors.add("receivedAt", problem) }

        let question = draft.question.trimmed, needs = draft.needs.trimmed, answer = draft.answer.trimmed
        if question.isEmpty { errors.add("question", "validation.required") }
        if question.count > 2000 { errors.add("question", "validation.too_long") }
        if needs.count > 2000 { errors.add("needs", "validation.too_long") }
        if answer.count > 4000 { errors.add("answer", "validation.too_long") }

        var outcome: InquiryOutcome?
        if draft.answeredOnTheSpot {
            if answer.isEmpty {
                errors.add("answer", "validation.inquiry.answer_required")
            } else {
                outcome = .answered
            }
        } else if draft.promisedBy.trimmed.isEmpty {
            errors.add("promisedBy", "validation.inquiry.deadline_required")
        } else if let deadline = LocalDateTime.parse("promisedBy", draft.promisedBy, timeZone: timeZone, &errors) {
            if let problem = PlausibleTime.planProblem(deadline, now: now) {
                errors.add("promisedBy", problem)
            } else if deadline > now {
                outcome = .promised(deadline: deadline)
            } else {
                errors.add("promisedBy", "validation.inquiry.deadline_past")
            }
        }

        guard errors.isEmpty, let channel, let receivedAt, let outcome else { return .failure(errors) }
        return .success(
            InquiryValues(
                channel: channel, receivedAt: receivedAt, question: question, needs: needs.isEmpty ? nil : needs,
                answer: answer.isEmpty ? nil : answer, outcome: outcome
            ))
    }
}

/// Where a promised reply stands, for the specialist's list and the reminders (R3.1).
public enum PromisedReplyState: String, Codable, Sendable {
    case open
    case dueSoon = "due_soon"
    case overdue
    case repliedOnTime = "replied_on_time"
    case repliedLate = "replied_late"
}

/// R3.1: a promised reply reminds before its deadline, is flagged overdue after it, and its
/// punctuality and the response times are measured.
public enum PromisedReplyRule {
    /// The reminder comes two hours before the deadline.
    public static let reminderLead: TimeInterval = 2 * 3600

    /// Due soon from two hours before the deadline up to the deadline itself; overdue strictly after
    /// it; once replied, on time when the reply came at or before the deadline.
    public static func state(deadline: Date, repliedAt: Date?, now: Date) -> PromisedReplyState {
        if let repliedAt { return repliedAt <= deadline ? .repliedOnTime : .repliedLate }
        if now > deadline { return .overdue }
        return now >= deadline.addingTimeInterval(-reminderLead) ? .dueSoon : .open
    }

    /// Whole minutes from receiving an inquiry to its first answer, never negative (a first answer
    /// typed in before the reception time was corrected counts as immediate).
    public static func responseMinutes(receivedAt: Date, firstAnsweredAt: Date) -> Int {
        max(0, Int((firstAnsweredAt.timeIntervalSince(receivedAt) / 60).rounded(.down)))
    }

    /// How many promised replies were replied, how many of those on time, and the share on time.
    public struct Punctuality: Equatable, Sendable {
        public var replied: Int
        public var onTime: Int
        /// onTime ÷ replied, nil when nothing was replied (no rate rather than a misleading 0 %).
        public var rate: Double?

        public init(replied: Int, onTime: Int, rate: Double?) {
            self.replied = replied
            self.onTime = onTime
            self.rate = rate
        }
    }

    /// Punctuality over replied promises; unreplied ones are counted by ``state(deadline:repliedAt:now:)``
    /// as open or overdue instead.
    public static func punctuality(_ replies: [(deadline: Date, repliedAt: Date?)]) -> Punctuality {
        var replied = 0, onTime = 0
        for reply in replies {
            guard let repliedAt = reply.repliedAt else { continue }
            replied += 1
            if repliedAt <= reply.deadline { onTime += 1 }
        }
        return Punctuality(
            replied: replied, onTime: onTime, rate: replied == 0 ? nil : Double(onTime) / Double(replied))
    }
}
