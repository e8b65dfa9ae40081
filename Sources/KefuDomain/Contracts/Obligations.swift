import Foundation

/// What a contract obliges someone to do by a date (R3.4): payments, construction start, opening,
/// reports due.
public enum ObligationKind: String, CaseIterable, Codable, Sendable {
    case payment
    case constructionStart = "construction_start"
    case opening
    case report
    case other
}

/// Whose duty it is.
public enum ObligationParty: String, CaseIterable, Codable, Sendable {
    case customer, company
}

/// An obligation as the form or client gives it.
public struct ObligationDraft: Equatable, Sendable, Codable {
    public var kind: String
    public var party: String
    public var title: String
    public var dueOn: String
    public var amountWan: String?
    public var remindDaysBefore: Int?

    public init(
        kind: String, party: String, title: String, dueOn: String, amountWan: String? = nil,
        remindDaysBefore: Int? = nil
    ) {
        self.kind = kind
        self.party = party
        self.title = title
        self.dueOn = dueOn
        self.amountWan = amountWan
        self.remindDaysBefore = remindDaysBefore
    }
}

public struct ObligationValues: Equatable, Sendable {
    public var kind: ObligationKind
    public var party: ObligationParty
    public var title: String
    public var dueOn: CalendarDay
    public var amount: Yuan?
    public var remindDaysBefore: Int
}

public enum ObligationRules {
    /// Days before the due date the specialist is reminded, unless the obligation says otherwise.
    public static let defaultRemindDaysBefore = 7
    public static let maximumRemindDaysBefore = 90

    /// Checks an obligation: kind and party from the lists, a title (≤ 200), a due day not before the
    /// signing day, an amount for a payment (and only for a payment), reminder lead 0–90 days.
    public static func validate(_ draft: ObligationDraft, signedOn: CalendarDay?) -> Result<
        ObligationValues, FieldErrors
    > {
        var errors = FieldErrors()
        let kind = ObligationKind(rawValue: draft.kind), party = ObligationParty(rawValue: draft.party)
        if kind == nil { errors.add("kind", "validation.choose_from_list") }
        if party == nil { errors.add("party", "validation.choose_from_list") }
        let title = draft.title.trimmed
        if title.isEmpty {
            errors.add("title", "validation.required")
        } else if title.count > 200 {
            errors.add("title", "validation.too_long")
        }
        let dueOn = CalendarDay(draft.dueOn)
        if draft.dueOn.trimmed.isEmpty {
            errors.add("dueOn", "validation.required")
        } else if dueOn == nil {
            errors.add("dueOn", "validation.date")
        } else if let dueOn, let signedOn, dueOn < signedOn {
            errors.add("dueOn", "validation.obligation.before_signing")
        }
        var amount: Yuan?
        let amountText = draft.amountWan?.trimmed ?? ""
        if kind == .payment {
            if amountText.isEmpty {
                errors.add("amountWan", "validation.required")
            } else if let value = Yuan(wan: amountText), value > .zero {
                amount = value
            } else {
                errors.add("amountWan", "validation.contract.amount")
            }
        } else if !amountText.isEmpty {
            errors.add("amountWan", "validation.obligation.amount_for_payments")
        }
        let lead = draft.remindDaysBefore ?? defaultRemindDaysBefore
        if !(0...maximumRemindDaysBefore).contains(lead) {
            errors.add("remindDaysBefore", "validation.obligation.remind_days")
        }
        guard errors.isEmpty, let kind, let party, let dueOn else { return .failure(errors) }
        return .success(
            ObligationValues(
                kind: kind, party: party, title: title, dueOn: dueOn, amount: amount, remindDaysBefore: lead))
    }

    /// Overdue: not fulfilled and its due day has passed (the due day itself is not overdue).
    public static func isOverdue(dueOn: CalendarDay, isDone: Bool, today: CalendarDay) -> Bool {
        !isDone && today > dueOn
    }
}

/// An open obligation as the scheduler reads it.
public struct ObligationCandidate: Equatable, Sendable {
    public var id: Int
    public var staffID: Int?
    public var dueOn: CalendarDay
    public var remindDaysBefore: Int

    public init(id: Int, staffID: Int?, dueOn: CalendarDay, remindDaysBefore: Int) {
        self.id = id
        self.staffID = staffID
        self.dueOn = dueOn
        self.remindDaysBefore = remindDaysBefore
    }
}

/// S4, R3.4: the specialist is reminded N days before an obligation is due (from that day through the
/// due day) and once it is overdue. One reminder per event and due day (the dedupe key), so the
/// scheduler asking every minute reminds each person once.
public enum ObligationReminderRules {
    public static func reminders(_ candidates: [ObligationCandidate], today: CalendarDay) -> [Reminder] {
        candidates.compactMap { candidate in
            let event: ReminderEvent
            if today > candidate.dueOn {
                event = .obligationOverdue
            } else if today >= candidate.dueOn.adding(days: -candidate.remindDaysBefore) {
                event = .obligationDueSoon
            } else {
                return nil
            }
            let dueAt = Date(timeIntervalSince1970: Double(candidate.dueOn.daysSinceEpoch) * 86_400)
            return Reminder(
                event: event, recordType: "obligation", recordID: candidate.id, staffID: candidate.staffID,
                dueAt: dueAt,
                dedupeKey: ReminderRules.dedupeKey(
                    event: event, recordType: "obligation", recordID: candidate.id, dueAt: dueAt))
        }
    }

    /// The earliest due day that can still need a reminder today: everything due up to
    /// ``ObligationRules/maximumRemindDaysBefore`` days ahead (overdue ones included).
    public static func horizon(today: CalendarDay) -> CalendarDay {
        today.adding(days: ObligationRules.maximumRemindDaysBefore)
    }
}
