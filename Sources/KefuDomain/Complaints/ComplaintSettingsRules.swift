import Foundation

/// A level of the escalation ladder as the supervisor types it: the share in percent, a named person.
public struct EscalationLevelInput: Equatable, Sendable {
    public var level: Int
    public var staffID: Int?
    public var percent: String?

    public init(level: Int, staffID: Int?, percent: String?) {
        self.level = level
        self.staffID = staffID
        self.percent = percent
    }
}

/// The supervisor's complaint settings (issue 13 §1, §4): the categories and the escalation ladder.
public enum ComplaintSettingsRules {
    public static let percentRange = 25...500

    /// The ladder: each of the standard levels keeps its role; its share of a time limit (25–500 %)
    /// rises with the level; a named person, when given, must be an active account. Problems by
    /// field (`level1.percent`, `level2.staffID`).
    public static func ladder(_ inputs: [EscalationLevelInput], activeStaff: Set<Int>) -> Result<
        [EscalationLevel], FieldErrors
    > {
        var errors = FieldErrors()
        var levels: [EscalationLevel] = []
        var previous = 0
        for standard in EscalationLevel.defaults {
            let input = inputs.first { $0.level == standard.level }
            let text = (input?.percent ?? "").trimmed
            let percent = Int(text)
            if text.isEmpty {
                errors.add("level\(standard.level).percent", "validation.required")
            } else if let percent, !percentRange.contains(percent) || percent <= previous {
                errors.add(
                    "level\(standard.level).percent",
                    percent <= previous ? "complaint.ladder.rising" : "complaint.ladder.range")
            } else if percent == nil {
                errors.add("level\(standard.level).percent", "complaint.ladder.range")
            }
            if let id = input?.staffID, !activeStaff.contains(id) {
                errors.add("level\(standard.level).staffID", "validation.choose_from_list")
            }
            if let percent { previous = percent }
            levels.append(
                EscalationLevel(
                    level: standard.level, role: standard.role, staffID: input?.staffID,
                    atShare: Double(percent ?? 0) / 100))
        }
        return errors.isEmpty ? .success(levels) : .failure(errors)
    }

    /// A category's name (1–40 characters, not another's); a new one's code in lower-case letters and `_`.
    public static func category(
        code: String?, name: String?, otherNames: Set<String>, existingCodes: Set<String>, isNew: Bool
    ) -> FieldErrors {
        var errors = FieldErrors()
        let name = (name ?? "").trimmed
        if name.isEmpty {
            errors.add("name", "validation.required")
        } else if name.count > 40 {
            errors.add("name", "validation.too_long")
        } else if otherNames.contains(name) {
            errors.add("name", "complaint.category.taken")
        }
        if isNew {
            let code = (code ?? "").trimmed
            if code.isEmpty {
                errors.add("code", "validation.required")
            } else if code.count > 40 || !code.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" }) {
                errors.add("code", "complaint.category.code_format")
            } else if existingCodes.contains(code) {
                errors.add("code", "complaint.category.taken")
            }
        }
        return errors
    }
}
