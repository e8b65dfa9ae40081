import Foundation

/// A customer's opinion (意见) or suggestion (建议) about a project or the service (issue 13 §6).
public enum FeedbackKind: String, CaseIterable, Codable, Sendable {
    case opinion, suggestion
}

/// What a feedback is about.
public enum FeedbackTopic: String, CaseIterable, Codable, Sendable {
    case project, service
}

/// Recorded → forwarded to the responsible department → answered → closed; the department may be
/// asked again while it is not closed.
public enum FeedbackState: String, CaseIterable, Codable, Sendable {
    case recorded, forwarded, answered, closed
}

/// What a step on a feedback may be refused for.
public struct FeedbackRefusal: Error, Equatable, Sendable {
    public var field: String
    public var messageKey: String

    public init(_ field: String, _ messageKey: String) {
        self.field = field
        self.messageKey = messageKey
    }
}

/// The feedback's rules: pure.
public enum FeedbackRules {
    /// Checks a new feedback: its text, what it is about, the project when it is about one.
    public static func validate(kind: String?, topic: String?, projectID: Int?, content: String?) -> FieldErrors {
        var errors = FieldErrors()
        if FeedbackKind(rawValue: kind ?? "") == nil { errors.add("kind", "validation.choose_from_list") }
        let topic = FeedbackTopic(rawValue: topic ?? "")
        if topic == nil { errors.add("topic", "validation.choose_from_list") }
        if topic == .project, projectID == nil { errors.add("projectID", "feedback.project_required") }
        let text = (content ?? "").trimmed
        if text.isEmpty {
            errors.add("content", "validation.required")
        } else if text.count > 5000 {
            errors.add("content", "validation.too_long")
        }
        return errors
    }

    /// Whether it may be forwarded (again): anything not closed.
    public static func mayForward(_ state: FeedbackState) -> FeedbackRefusal? {
        state == .closed ? FeedbackRefusal("state", "feedback.refused.closed") : nil
    }

    /// The department answers only what is waiting for it.
    public static func mayAnswer(_ state: FeedbackState) -> FeedbackRefusal? {
        state == .forwarded ? nil : FeedbackRefusal("state", "feedback.refused.not_forwarded")
    }

    /// The specialist chases a department that has not answered yet.
    public static func mayChase(_ state: FeedbackState) -> FeedbackRefusal? {
        state == .forwarded ? nil : FeedbackRefusal("state", "feedback.refused.not_forwarded")
    }

    /// Closing: once answered (or when it needed no department).
    public static func mayClose(_ state: FeedbackState) -> FeedbackRefusal? {
        switch state {
        case .recorded, .answered: nil
        case .forwarded: FeedbackRefusal("state", "feedback.refused.waiting")
        case .closed: FeedbackRefusal("state", "feedback.refused.closed")
        }
    }

    /// A forward's due date must lie ahead; the request may be short but not absent.
    public static func validateForward(
        departmentID: Int?, departmentExists: Bool, request: String?, dueAt: Date?, dueText: String?, now: Date
    ) -> FieldErrors {
        var errors = FieldErrors()
        if departmentID == nil {
            errors.add("departmentID", "validation.required")
        } else if !departmentExists {
            errors.add("departmentID", "validation.choose_from_list")
        }
        let request = (request ?? "").trimmed
        if request.isEmpty {
            errors.add("request", "validation.required")
        } else if request.count > 2000 {
            errors.add("request", "validation.too_long")
        }
        if let dueAt {
            if dueAt <= now { errors.add("dueAt", "complaint.forward.due_past") }
        } else {
            errors.add("dueAt", (dueText ?? "").trimmed.isEmpty ? "validation.required" : "validation.datetime")
        }
        return errors
    }
}
