import Foundation
import KefuDomain

/// The old details of the department's own people — staff, training, conduct, attendance, work plans,
/// inspections, assessment — read for ``ConvertMoreAuditDetails`` (see ``LegacyAuditDetailMore``).
/// Frozen with its migration.
enum LegacyStaffAuditDetail {
    static let actions: Set<String> = [
        "staff.created", "training_plan.created", "training_plan.changed", "training_plan.submit",
        "training_plan.approve", "training_plan.return", "training_plan.reopen", "training_session.scheduled",
        "training_session.held", "training_session.cancelled", "training_enrolment.created",
        "training_enrolment.recorded", "training_enrolment.rated", "violation.recorded", "violation.decided",
        "penalty.imposed", "penalty.appeal_decided", "award.decided", "award.approved", "award.declined",
        "attendance.imported", "attendance.leave_requested", "attendance.correction_requested",
        "attendance.mark_excused", "attendance.rules_saved", "attendance.shift_set", "attendance.clocked_in",
        "attendance.clocked_out", "work_plan.created", "work_plan.goal_done", "work_plan.goal_reopened",
        "inspection.settings_saved", "inspection.sampled", "inspection.scored", "inspection.answered",
        "assessment.self_evaluated", "assessment.evaluated", "assessment.appeal_answered",
        "assessment_cycle.recomputed", "assessment_cycle.signed_off", "assessment.decision_recorded",
        "assessment_cycle.exported", "assessment_cycle.created",
    ]

    /// The message and the quoted text of an old entry's detail, or nil to keep it as text.
    static func convert(action: String, detail: String) -> (StoredMessage, String)? {
        let shape = LegacyDetailShape.match
        let isCode = LegacyDetailShape.isCode, isDay = LegacyDetailShape.isDay
        switch action {
        case "violation.decided":
            let words = detail.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard words.count == 2, ["confirmed", "dismissed"].contains(words[0]) else { return nil }
            return (AuditMessage.term("conduct.outcome.\(words[0])", withNote: !words[1].isEmpty), words[1])
        case "penalty.appeal_decided":
            guard let p = shape(detail, "{}: {}"), ["upheld", "revoked"].contains(p[0]) else { return nil }
            return (AuditMessage.term("conduct.decision.\(p[0])", withNote: !p[1].isEmpty), p[1])
        case "attendance.mark_excused":
            guard let p = shape(detail, "{} {}"), LegacyDetailShape.isNumber(p[0]) else { return nil }
            return (AuditMessage.numberText(p[0]), p[1])
        case "training_plan.submit", "training_plan.approve", "training_plan.return", "training_plan.reopen":
            guard let p = shape(detail, "{}: {} → {}") else { return nil }
            let next = p[2].components(separatedBy: " — ")
            guard isCode(p[1]), isCode(next[0]) else { return nil }
            let note = next.dropFirst().joined(separator: " — ")
            return (
                AuditMessage.stateChanged(
                    title: p[0], from: p[1], to: next[0], in: "training.plan_state", withNote: !note.isEmpty), note
            )
        default:
            return message(action: action, detail: detail, shape: shape, isCode: isCode, isDay: isDay).map { ($0, "") }
        }
    }

    private static func message(
        action: String, detail: String, shape: (String, String) -> [String]?, isCode: (String) -> Bool,
        isDay: (String) -> Bool
    ) -> StoredMessage? {
        let isInt = { (text: String) in Int(text) != nil }
        let isScore = { (text: String) in text == "—" || Double(text) != nil }
        switch action {
        case "staff.created":
            guard let space = detail.range(of: " ", options: .backwards) else { return nil }
            let role = String(detail[space.upperBound...])
            guard Role(rawValue: role) != nil else { return nil }
            return AuditMessage.staffCreated(username: String(detail[..<space.lowerBound]), role: role)
        case "training_plan.created":
            guard let p = shape(detail, "{} {}: {} h, {} yuan"), isInt(p[0]), isInt(p[2]) || isScore(p[2]) else {
                return nil
            }
            return AuditMessage.trainingPlan(year: p[0], title: p[1], hours: p[2], budget: p[3])
        case "training_plan.changed":
            guard let p = shape(detail, "{} → {}: {} → {} h, {} → {} yuan") else { return nil }
            return AuditMessage.trainingPlanChanged(title: [p[0], p[1]], hours: [p[2], p[3]], budget: [p[4], p[5]])
        case "training_session.scheduled":
            guard let p = shape(detail, "plan {}: {}, {} h"), isInt(p[0]),
                let space = p[1].range(of: " ", options: .backwards), isDay(String(p[1][space.upperBound...]))
            else { return nil }
            return AuditMessage.trainingSession(
                plan: p[0], title: String(p[1][..<space.lowerBound]), date: String(p[1][space.upperBound...]),
                hours: p[2])
        case "training_session.held", "training_session.cancelled":
            guard let colon = detail.range(of: ": ", options: .backwards) else { return nil }
            let title = String(detail[..<colon.lowerBound]), day = String(detail[colon.upperBound...])
            if day.isEmpty { return AuditMessage.name(title) }
            return isDay(day) ? AuditMessage.titleDate(title, date: day) : nil
        case "training_enrolment.created":
            guard let colon = detail.range(of: ": ", options: .backwards) else { return nil }
            return AuditMessage.titlePerson(
                String(detail[..<colon.lowerBound]), person: String(detail[colon.upperBound...]))
        case "training_enrolment.recorded":
            let isOutstanding = detail.hasSuffix(", outstanding")
            let detail = isOutstanding ? String(detail.dropLast(", outstanding".count)) : detail
            guard let colon = detail.range(of: ": ", options: .backwards),
                let names = shape(String(detail[..<colon.lowerBound]), "{}, {}"),
                let result = shape(String(detail[colon.upperBound...]), "{} {} → {}"),
                ["attended", "absent", "—"].contains(result[0]), isScore(result[1]), isScore(result[2])
            else { return nil }
            return AuditMessage.trainingResult(
                title: names[0], person: names[1], attended: result[0] == "—" ? nil : result[0] == "attended",
                before: result[1], after: result[2], isOutstanding: isOutstanding)
        case "training_enrolment.rated":
            guard let colon = detail.range(of: ": ", options: .backwards), isInt(String(detail[colon.upperBound...]))
            else { return nil }
            return AuditMessage.titleRating(
                String(detail[..<colon.lowerBound]), rating: String(detail[colon.upperBound...]))
        case "violation.recorded":
            guard let p = shape(detail, "{}: {}; links {}"), isCode(p[1]) else { return nil }
            let links = p[2].isEmpty ? [] : p[2].components(separatedBy: ",")
            return AuditMessage.violationRecorded(person: p[0], type: p[1], links: links)
        case "penalty.imposed":
            guard let p = shape(detail, "{}: {} ← {}") else { return nil }
            let kind = p[1].components(separatedBy: " ¥")
            guard isCode(kind[0]), kind.count <= 2, kind.count == 1 || isInt(kind[1]) else { return nil }
            return AuditMessage.penaltyImposed(
                person: p[0], kind: kind[0], amount: kind.count == 2 ? kind[1] : nil, cause: p[2])
        case "award.decided":
            guard let colon = detail.range(of: ": ", options: .backwards) else { return nil }
            let words = detail[colon.upperBound...].split(separator: " ", omittingEmptySubsequences: false).map(
                String.init)
            guard words.count == 3, isCode(words[0]), isCode(words[2]) else { return nil }
            let forms = words[1].isEmpty ? [] : words[1].components(separatedBy: ",")
            guard forms.allSatisfy(isCode) else { return nil }
            return AuditMessage.awardDecided(
                person: String(detail[..<colon.lowerBound]), kind: words[0], forms: forms, status: words[2])
        case "award.approved", "award.declined":
            return ["granted", "declined"].contains(detail) ? AuditMessage.term("conduct.award_status.\(detail)") : nil
        case "attendance.imported":
            guard let p = shape(detail, "{}: {}"), ["dingtalk", "kefu"].contains(p[0]), isInt(p[1]) else { return nil }
            return AuditMessage.clockImported(layout: p[0], count: p[1])
        case "attendance.leave_requested":
            guard let p = shape(detail, "{} {}–{} {}"), isCode(p[0]), isDay(p[1]), isDay(p[2]), isCode(p[3]) else {
                return nil
            }
            return AuditMessage.leaveRequested(kind: p[0], start: p[1], end: p[2], part: p[3])
        case "attendance.correction_requested":
            guard let p = shape(detail, "{} {} {}"), isDay(p[0]), LegacyDetailShape.isTime(p[1]), isCode(p[2]) else {
                return nil
            }
            return AuditMessage.clockCorrection(day: p[0], time: p[1], direction: p[2])
        case "attendance.rules_saved":
            return detail.hasPrefix("{") ? AuditMessage.settings(detail) : nil
        case "attendance.shift_set":
            guard let p = shape(detail, "{}–{}"), p.allSatisfy(LegacyDetailShape.isTime) else { return nil }
            return AuditMessage.shift(from: p[0], to: p[1])
        case "attendance.clocked_in", "attendance.clocked_out":
            guard let space = detail.range(of: " ", options: .backwards) else { return nil }
            return AuditMessage.clockPlace(
                address: String(detail[..<space.lowerBound]), network: String(detail[space.upperBound...]))
        default:
            return later(action: action, detail: detail, shape: shape, isCode: isCode, isScore: isScore)
        }
    }

    private static func later(
        action: String, detail: String, shape: (String, String) -> [String]?, isCode: (String) -> Bool,
        isScore: (String) -> Bool
    ) -> StoredMessage? {
        let isInt = { (text: String) in Int(text) != nil }
        switch action {
        case "work_plan.created":
            guard let comma = detail.range(of: ", ", options: .backwards),
                let space = detail[..<comma.lowerBound].range(of: " ", options: .backwards),
                let period = shape(String(detail[space.upperBound..<comma.lowerBound]), "{}–{}"),
                period.allSatisfy(LegacyDetailShape.isDay)
            else { return nil }
            let who = String(detail[comma.upperBound...])
            let staff = who == "staff team" ? nil : shape(who, "staff {}")?[0]
            guard who == "staff team" || staff.map(isInt) == true else { return nil }
            return AuditMessage.workPlan(
                title: String(detail[..<space.lowerBound]), start: period[0], end: period[1], staff: staff)
        case "assessment_cycle.created":
            guard detail.hasSuffix(" people"), let mark = detail.range(of: ", weights ", options: .backwards),
                let comma = detail[mark.upperBound...].range(of: ", ", options: .backwards),
                let space = detail[..<mark.lowerBound].range(of: " ", options: .backwards),
                let period = shape(String(detail[space.upperBound..<mark.lowerBound]), "{}–{}"),
                period.allSatisfy(LegacyDetailShape.isDay)
            else { return nil }
            let people = String(detail[comma.upperBound...].dropLast(" people".count))
            guard isInt(people) else { return nil }
            return AuditMessage.assessmentCycle(
                name: String(detail[..<space.lowerBound]), start: period[0], end: period[1],
                weights: String(detail[mark.upperBound..<comma.lowerBound]), people: people)
        case "work_plan.goal_done", "work_plan.goal_reopened":
            guard let p = shape(detail, "plan {}"), isInt(p[0]) else { return nil }
            return AuditMessage.plan(p[0])
        case "inspection.settings_saved":
            return AuditMessage.checklist(detail)
        case "inspection.sampled":
            guard let p = shape(detail, "{}–{}, {} per person, {}, seed {}: {} records"), isInt(p[2]), isCode(p[3]),
                isInt(p[4]), isInt(p[5])
            else { return nil }
            return AuditMessage.sampled(start: p[0], end: p[1], perPerson: p[2], rule: p[3], seed: p[4], count: p[5])
        case "inspection.scored":
            return Double(detail) != nil ? AuditMessage.points(detail) : nil
        case "inspection.answered":
            guard let p = shape(detail, "{} → {}"), isScore(p[0]), Double(p[1]) != nil else { return nil }
            return AuditMessage.pointsChanged(from: p[0], to: p[1])
        case "assessment.self_evaluated":
            guard let colon = detail.range(of: ": ", options: .backwards),
                Double(detail[colon.upperBound...]) != nil
            else { return nil }
            return AuditMessage.titleScore(
                String(detail[..<colon.lowerBound]), score: String(detail[colon.upperBound...]))
        case "assessment.evaluated", "assessment.appeal_answered", "assessment.decision_recorded":
            return assessment(action: action, detail: detail, shape: shape, isCode: isCode, isScore: isScore)
        case "assessment_cycle.recomputed":
            guard let colon = detail.range(of: ": ", options: .backwards), isInt(String(detail[colon.upperBound...]))
            else { return nil }
            return AuditMessage.cyclePeople(
                String(detail[..<colon.lowerBound]), count: String(detail[colon.upperBound...]))
        case "assessment_cycle.signed_off", "assessment_cycle.exported":
            let unit = action == "assessment_cycle.signed_off" ? " people" : " rows"
            guard detail.hasSuffix(unit), let colon = detail.range(of: ": ", options: .backwards) else { return nil }
            let count = String(detail[colon.upperBound...].dropLast(unit.count))
            guard isInt(count) else { return nil }
            let cycle = String(detail[..<colon.lowerBound])
            return unit == " rows"
                ? AuditMessage.cycleRows(cycle, rows: count) : AuditMessage.cyclePeople(cycle, count: count)
        default:
            return nil
        }
    }

    /// "cycle, person: total grade", "cycle, person: total" and "cycle, person: kind amount".
    private static func assessment(
        action: String, detail: String, shape: (String, String) -> [String]?, isCode: (String) -> Bool,
        isScore: (String) -> Bool
    ) -> StoredMessage? {
        guard let colon = detail.range(of: ": ", options: .backwards),
            let names = shape(String(detail[..<colon.lowerBound]), "{}, {}")
        else { return nil }
        let words = detail[colon.upperBound...].split(separator: " ", omittingEmptySubsequences: false).map(
            String.init)
        switch action {
        case "assessment.appeal_answered":
            guard words.count == 1, isScore(words[0]) else { return nil }
            return AuditMessage.assessmentResult(cycle: names[0], person: names[1], total: words[0], grade: nil)
        case "assessment.evaluated":
            guard words.count == 2, isScore(words[0]), words[1].isEmpty || isCode(words[1]) else { return nil }
            return AuditMessage.assessmentResult(
                cycle: names[0], person: names[1], total: words[0], grade: words[1].isEmpty ? nil : words[1])
        default:
            guard words.count == 2, isCode(words[0]), words[1].isEmpty || Int(words[1]) != nil else { return nil }
            return AuditMessage.assessmentDecision(
                cycle: names[0], person: names[1], kind: words[0], amount: words[1].isEmpty ? nil : words[1])
        }
    }
}
