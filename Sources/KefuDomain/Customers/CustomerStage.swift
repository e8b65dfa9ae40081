/// Where a customer stands with the company (R4.2): lead → intent → negotiating → signed → partner,
/// or lost with a reason.
public enum CustomerStage: String, CaseIterable, Codable, Sendable {
    case lead, intent, negotiating, signed, partner, lost

    /// The forward order of the active stages.
    static let order: [CustomerStage] = [.lead, .intent, .negotiating, .signed, .partner]

    /// Why a stage change is refused, as a localization key; nil when it is allowed.
    ///
    /// Customers move forward (skipping is allowed: a walk-in may sign the same week), step back one
    /// stage when talks stall, become lost from any active stage with a reason, and a lost customer
    /// can be taken up again as a lead or with intent. Signed customers do not go back to talks: a
    /// new deal is a new record in the contracts part.
    public static func problem(from current: CustomerStage, to next: CustomerStage, lostReason: String?) -> String? {
        if current == next { return nil }
        if next == .lost {
            let reason = lostReason?.trimmed ?? ""
            return reason.isEmpty ? "validation.customer.lost_reason_required" : nil
        }
        if current == .lost { return [.lead, .intent].contains(next) ? nil : "validation.customer.stage_order" }
        guard let from = order.firstIndex(of: current), let to = order.firstIndex(of: next) else {
            return "validation.customer.stage_order"
        }
        if to > from { return nil }
        if to == from - 1, current != .signed, current != .partner { return nil }
        return "validation.customer.stage_order"
    }

    /// Stages at which the follow-up rule applies (R3.3).
    public var needsFollowUp: Bool { self == .intent || self == .negotiating }
}

/// How a customer first reached the department (R4.1).
public enum SourceChannel: String, CaseIterable, Codable, Sendable {
    case phone, email, onlineChat = "online_chat", visit, webForm = "web_form", referral, event
}

/// Individual investor or company.
public enum CustomerKind: String, CaseIterable, Codable, Sendable {
    case individual, company
}

/// When the customer means to invest.
public enum InvestmentTiming: String, CaseIterable, Codable, Sendable {
    case withinThreeMonths = "within_3_months"
    case withinSixMonths = "within_6_months"
    case withinYear = "within_year"
    case later
    case undecided
}

/// The uniform customer code (R4.2), e.g. `KH-2026-000123`: a prefix, the year of creation and a
/// sequence that never repeats.
public struct CustomerCodeFormat: Equatable, Sendable {
    public var prefix: String
    public var digits: Int

    public init(prefix: String = "KH", digits: Int = 6) {
        self.prefix = prefix
        self.digits = digits
    }

    public func code(year: Int, sequence: Int) -> String {
        let number = String(sequence)
        let padded = String(repeating: "0", count: max(0, digits - number.count)) + number
        return "\(prefix)-\(year)-\(padded)"
    }

    /// Whether a search text looks like a code (or the start of one), so search can go straight to it.
    public func looksLikeCode(_ text: String) -> Bool {
        text.uppercased().hasPrefix(prefix.uppercased() + "-")
    }

    /// The sequence number a short number stands for ("301" → 301, "000301" → 301): people say a
    /// customer's number without its prefix and year (issue 10 #15). Nil for anything else.
    public func sequence(fromShortNumber text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (1...digits).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(trimmed), number > 0
        else {
            return nil
        }
        return number
    }

    /// The year a code was issued in ("KH-2026-000301" → 2026).
    public func year(of code: String) -> Int? {
        let parts = code.split(separator: "-")
        guard parts.count == 3 else { return nil }
        return Int(parts[1])
    }
}
