import Foundation
import KefuDomain

/// Audit details of the department's settings: the working calendar, the complaint ladder and
/// categories, contract and procedure templates (issue 9 §7).
extension AuditMessage {
    static func workingHours(start: String, lunchStart: String, lunchEnd: String, end: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.working_hours",
            [
                "start": .value(start), "lunchStart": .value(lunchStart), "lunchEnd": .value(lunchEnd),
                "end": .value(end),
            ])
    }

    /// One day of the calendar set as a holiday or a working day, with its name.
    static func calendarDay(_ day: String, kind: String, name: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.calendar_day",
            ["day": .value(day), "kind": .term("calendar.kind.\(kind)"), "name": .value(name)])
    }

    /// Several days of the calendar set at once: how many, the first and the last.
    static func calendarDays(count: String, first: String, last: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.calendar_days", ["count": .value(count), "first": .value(first), "last": .value(last)])
    }

    static func day(_ day: String) -> StoredMessage {
        StoredMessage("audit.detail.day", ["day": .value(day)])
    }

    /// The complaint escalation ladder's three levels: the share of a time limit at which each is told,
    /// and who (a staff id, or the level's role).
    static func ladder(_ levels: [(percent: String, staffID: String?, role: String)]) -> StoredMessage {
        var arguments: [String: StoredArgument] = [:]
        for (index, level) in levels.prefix(3).enumerated() {
            arguments["share\(index + 1)"] = .value(level.percent)
            arguments["who\(index + 1)"] = level.staffID.map { .value($0) } ?? .term("role.\(level.role)")
        }
        return StoredMessage("audit.detail.ladder", arguments)
    }

    static func ladder(_ levels: [EscalationLevel]) -> StoredMessage {
        ladder(
            levels.map { ("\(Int(($0.atShare * 100).rounded()))", $0.staffID.map(String.init), $0.role.rawValue) })
    }

    static func contractTemplate(code: String, documents: String, clauses: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.contract_template",
            ["code": .value(code), "documents": .value(documents), "clauses": .value(clauses)])
    }

    static func procedureTemplate(code: String, steps: String) -> StoredMessage {
        StoredMessage("audit.detail.procedure_template", ["code": .value(code), "steps": .value(steps)])
    }
}
