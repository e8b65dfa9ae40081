import Foundation

/// What a visitor types on the public inquiry form (R4.1 #2), unparsed.
public struct PublicInquiryDraft: Equatable, Sendable {
    public var name: String
    public var mobile: String
    public var company: String
    /// An industry key from ``CustomerVocabulary/industries``, or empty.
    public var intent: String
    public var question: String
    public var consent: Bool
    /// The hidden field people do not see; robots fill it.
    public var honeypot: String

    public init(
        name: String = "", mobile: String = "", company: String = "", intent: String = "", question: String = "",
        consent: Bool = false, honeypot: String = ""
    ) {
        self.name = name
        self.mobile = mobile
        self.company = company
        self.intent = intent
        self.question = question
        self.consent = consent
        self.honeypot = honeypot
    }
}

/// A checked public inquiry.
public struct PublicInquiry: Equatable, Sendable {
    public var name: String
    /// Normalized: 11 digits.
    public var mobile: String
    public var company: String?
    public var intent: String?
    public var question: String

    public init(name: String, mobile: String, company: String?, intent: String?, question: String) {
        self.name = name
        self.mobile = mobile
        self.company = company
        self.intent = intent
        self.question = question
    }
}

public enum PublicInquiryValidation {
    /// Checks the form. Consent to the privacy notice is required: without it nothing is stored
    /// (PIPL: collection needs consent).
    public static func validate(_ draft: PublicInquiryDraft) -> Result<PublicInquiry, FieldErrors> {
        var errors = FieldErrors()
        let name = draft.name.trimmed
        if name.isEmpty {
            errors.add("name", "validation.required")
        } else if name.count > 64 {
            errors.add("name", "validation.too_long")
        }
        let mobile = MainlandMobile.normalize(draft.mobile)
        if draft.mobile.trimmed.isEmpty {
            errors.add("mobile", "validation.required")
        } else if mobile == nil {
            errors.add("mobile", "validation.customer.mobile")
        }
        let company = draft.company.trimmed
        if company.count > 128 { errors.add("company", "validation.too_long") }
        let intent = draft.intent.trimmed
        if !intent.isEmpty, !CustomerVocabulary.industries.contains(intent) {
            errors.add("intent", "validation.choose_from_list")
        }
        let question = draft.question.trimmed
        if question.isEmpty {
            errors.add("question", "validation.required")
        } else if question.count > 2000 {
            errors.add("question", "validation.too_long")
        }
        if !draft.consent { errors.add("consent", "validation.inquiry.consent_required") }
        guard errors.isEmpty, let mobile else { return .failure(errors) }
        return .success(
            PublicInquiry(
                name: name, mobile: mobile, company: company.isEmpty ? nil : company,
                intent: intent.isEmpty ? nil : intent, question: question))
    }

    /// Whether a submission is a robot's: the honeypot field is filled. It is answered like a real
    /// one, so the robot learns nothing, and stored nowhere.
    public static func isRobot(_ draft: PublicInquiryDraft) -> Bool { !draft.honeypot.trimmed.isEmpty }
}

/// Who gets a public-form inquiry (R4.1 #2): the supervisor by hand, or a rule.
public enum InquiryAssignmentRule: String, CaseIterable, Codable, Sendable {
    /// Wait in the queue for the supervisor.
    case manual
    /// The next active specialist after the one who got the last inquiry.
    case roundRobin = "round_robin"
    /// The specialist named for the visitor's industry; round robin for the rest.
    case industry
}

public enum InquiryAssignment {
    /// The next specialist in id order after `last`, wrapping; nil when there is none.
    public static func roundRobin(after last: Int?, among specialists: [Int]) -> Int? {
        let sorted = specialists.sorted()
        guard let first = sorted.first else { return nil }
        guard let last else { return first }
        return sorted.first { $0 > last } ?? first
    }

    /// `manufacturing=lina,technology=zhangwei` → industry → username. Unknown industries and empty
    /// parts are reported, so a mistyped setting stops start-up instead of routing nothing.
    public static func industryMap(_ text: String) -> Result<[String: String], FieldErrors> {
        var map: [String: String] = [:]
        var errors = FieldErrors()
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmed }
            guard pair.count == 2, !pair[1].isEmpty, CustomerVocabulary.industries.contains(pair[0]) else {
                errors.add("KEFU_INQUIRY_INDUSTRY_MAP", "validation.choose_from_list")
                continue
            }
            map[pair[0]] = pair[1]
        }
        return errors.isEmpty ? .success(map) : .failure(errors)
    }

    /// The assignee for an inquiry under a rule: the industry's specialist when the rule is by
    /// industry and that person is active, otherwise round robin; nil for manual assignment.
    public static func assignee(
        rule: InquiryAssignmentRule, intent: String?, industryMap: [String: Int], lastAssigned: Int?,
        activeSpecialists: [Int]
    ) -> Int? {
        switch rule {
        case .manual:
            return nil
        case .industry:
            if let intent, let named = industryMap[intent], activeSpecialists.contains(named) { return named }
            return roundRobin(after: lastAssigned, among: activeSpecialists)
        case .roundRobin:
            return roundRobin(after: lastAssigned, among: activeSpecialists)
        }
    }
}

/// A fixed-window count of public submissions per address: at most `limit` in any `window`. Pure;
/// the server keeps one per process.
public struct SubmissionLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private var recent: [String: [Date]] = [:]

    public init(limit: Int, window: TimeInterval) {
        self.limit = limit
        self.window = window
    }

    /// Counts a submission from `address` at `now` and says whether it is allowed; refused ones are
    /// not counted, so a flood does not lock its address out for longer than the window.
    public mutating func admit(_ address: String, now: Date) -> Bool {
        let kept = (recent[address] ?? []).filter { now.timeIntervalSince($0) < window }
        guard kept.count < limit else {
            recent[address] = kept
            return false
        }
        recent[address] = kept + [now]
        if recent.count > 10_000 { prune(now: now) }
        return true
    }

    /// Forgets addresses with nothing in the window, so memory stays bounded under many addresses.
    public mutating func prune(now: Date) {
        recent = recent.filter { _, dates in dates.contains { now.timeIntervalSince($0) < window } }
    }
}
