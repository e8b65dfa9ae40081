import Foundation

/// What a satisfaction survey asks about (R1.1, issue 13 §5).
public enum SurveySubject: String, CaseIterable, Codable, Sendable {
    case complaint, inquiry, contract, returnVisit = "return_visit"
}

/// Where a survey link stands.
public enum SurveyLinkState: String, Codable, Sendable {
    case open, answered, expired
}

/// A customer's answer: the overall score 1–5, whether the matter was resolved, a comment.
public struct SurveyAnswer: Equatable, Sendable {
    public var score: Int
    public var resolved: Bool?
    public var comment: String

    public init(score: Int, resolved: Bool?, comment: String) {
        self.score = score
        self.resolved = resolved
        self.comment = comment
    }
}

/// Someone who handled the matter: the person and their department. A survey's score is given to
/// each of them (R5.3: the customer's evaluation counts for every person who worked on it, not only
/// the last one).
public struct SurveyHandler: Hashable, Sendable {
    public var staffID: Int?
    public var departmentID: Int?

    public init(staffID: Int?, departmentID: Int?) {
        self.staffID = staffID
        self.departmentID = departmentID
    }
}

/// The satisfaction survey's rules: pure.
public enum SurveyRules {
    /// A link is valid for 14 days unless configured otherwise.
    public static let defaultExpiryDays = 14
    /// A score at or below this opens a return visit and a supervisor review.
    public static let defaultLowScore = 2

    public static func state(expiresAt: Date, answeredAt: Date?, now: Date) -> SurveyLinkState {
        if answeredAt != nil { return .answered }
        return now >= expiresAt ? .expired : .open
    }

    /// Reads a form's or API's answer; the problems by field.
    public static func answer(score: String?, resolved: String?, comment: String?) -> Result<SurveyAnswer, FieldErrors>
    {
        var errors = FieldErrors()
        let value = Int((score ?? "").trimmed)
        if (score ?? "").trimmed.isEmpty {
            errors.add("score", "validation.required")
        } else if value == nil || !(1...5).contains(value!) {
            errors.add("score", "survey.score_range")
        }
        var isResolved: Bool?
        switch (resolved ?? "").trimmed {
        case "": isResolved = nil
        case "yes", "true", "1": isResolved = true
        case "no", "false", "0": isResolved = false
        default: errors.add("resolved", "validation.choose_from_list")
        }
        let text = (comment ?? "").trimmed
        if text.count > 2000 { errors.add("comment", "validation.too_long") }
        guard errors.isEmpty, let value else { return .failure(errors) }
        return .success(SurveyAnswer(score: value, resolved: isResolved, comment: text))
    }

    /// Each distinct person and department that handled the matter, in the order given, once.
    public static func attributions(_ handlers: [SurveyHandler]) -> [SurveyHandler] {
        var seen: Set<SurveyHandler> = [], result: [SurveyHandler] = []
        for handler in handlers
        where (handler.staffID != nil || handler.departmentID != nil) && seen.insert(handler).inserted {
            result.append(handler)
        }
        return result
    }

    public static func isLow(_ score: Int, threshold: Int = defaultLowScore) -> Bool { score <= threshold }

    /// Issue 13 §5: a survey is sent once the matter is finished — a complaint closed, an inquiry
    /// answered, a contract signed (or beyond, not cancelled), a return visit done. The refusal's key, or nil.
    public static func refusal(
        _ subject: SurveySubject, complaintClosed: Bool = false, inquiryAnswered: Bool = false,
        contractState: String? = nil, visitDone: Bool = false
    ) -> String? {
        switch subject {
        case .complaint: complaintClosed ? nil : "survey.complaint_not_closed"
        case .inquiry: inquiryAnswered ? nil : "survey.inquiry_not_answered"
        case .contract:
            ["signed", "in_execution", "completed"].contains(contractState ?? "") ? nil : "survey.contract_not_signed"
        case .returnVisit: visitDone ? nil : "survey.return_visit_not_done"
        }
    }
}
