import Foundation

/// Audit details of the department's own people: staff, training, conduct, attendance, work plans,
/// inspections and assessment (issue 9 §7).
extension AuditMessage {
    static func staffCreated(username: String, role: String) -> StoredMessage {
        StoredMessage("audit.detail.staff_created", ["username": .value(username), "role": .term("role.\(role)")])
    }

    static func tokensRevoked(_ count: String) -> StoredMessage {
        StoredMessage("audit.detail.tokens_revoked", ["count": .value(count)])
    }

    // MARK: Training

    static func trainingPlan(year: String, title: String, hours: String, budget: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.training_plan",
            ["year": .value(year), "title": .value(title), "hours": .value(hours), "budget": .value(budget)])
    }

    /// A training plan's title, hours and budget, each before → after.
    static func trainingPlanChanged(title: [String], hours: [String], budget: [String]) -> StoredMessage {
        StoredMessage(
            "audit.detail.training_plan_changed",
            [
                "from": .value(title[0]), "to": .value(title[1]), "hoursFrom": .value(hours[0]),
                "hoursTo": .value(hours[1]), "budgetFrom": .value(budget[0]), "budgetTo": .value(budget[1]),
            ])
    }

    /// A titled record's state from one to another, states as terms under `prefix`; with `withNote`
    /// the note given is quoted.
    static func stateChanged(title: String, from: String, to: String, in prefix: String, withNote: Bool = false)
        -> StoredMessage
    {
        StoredMessage(
            withNote ? "audit.detail.title_state_changed_note" : "audit.detail.title_state_changed",
            ["title": .value(title), "from": .term("\(prefix).\(from)"), "to": .term("\(prefix).\(to)")])
    }

    static func trainingSession(plan: String, title: String, date: String, hours: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.training_session",
            ["plan": .value(plan), "title": .value(title), "date": .value(date), "hours": .value(hours)])
    }

    static func titleDate(_ title: String, date: String) -> StoredMessage {
        StoredMessage("audit.detail.title_date", ["title": .value(title), "date": .value(date)])
    }

    /// A person on a titled record (a training session, an assessment cycle).
    static func titlePerson(_ title: String, person: String) -> StoredMessage {
        StoredMessage("audit.detail.title_person", ["title": .value(title), "person": .value(person)])
    }

    /// A person's attendance (nil: not recorded) and scores before and after a training, and whether
    /// they were marked outstanding.
    static func trainingResult(
        title: String, person: String, attended: Bool?, before: String, after: String, isOutstanding: Bool
    ) -> StoredMessage {
        StoredMessage(
            isOutstanding ? "audit.detail.training_result_outstanding" : "audit.detail.training_result",
            [
                "title": .value(title), "person": .value(person),
                "attendance": attended.map { .term($0 ? "training.attended" : "training.absent") } ?? .value("—"),
                "before": .value(before), "after": .value(after),
            ])
    }

    static func titleRating(_ title: String, rating: String) -> StoredMessage {
        StoredMessage("audit.detail.title_rating", ["title": .value(title), "rating": .value(rating)])
    }

    // MARK: Conduct

    /// A violation recorded against a person, with the records it is linked to ("complaint:12").
    static func violationRecorded(person: String, type: String, links: [String]) -> StoredMessage {
        var arguments: [String: StoredArgument] = [
            "person": .value(person), "type": .term("conduct.violation_type.\(type)"),
        ]
        if !links.isEmpty { arguments["links"] = .value(links.joined(separator: ",")) }
        return StoredMessage(
            links.isEmpty ? "audit.detail.violation_recorded" : "audit.detail.violation_recorded_links", arguments)
    }

    /// A penalty imposed on a person, with its amount if any and its cause ("attendance_mark:12").
    static func penaltyImposed(person: String, kind: String, amount: String?, cause: String) -> StoredMessage {
        var arguments: [String: StoredArgument] = [
            "person": .value(person), "kind": .term("conduct.penalty_kind.\(kind)"), "cause": .value(cause),
        ]
        if let amount { arguments["amount"] = .value(amount) }
        return StoredMessage(
            amount == nil ? "audit.detail.penalty_imposed" : "audit.detail.penalty_imposed_amount", arguments)
    }

    static func awardDecided(person: String, kind: String, forms: [String], status: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.award_decided",
            [
                "person": .value(person), "kind": .term("conduct.award_kind.\(kind)"),
                "forms": .terms(forms.map { "conduct.form.\($0)" }), "status": .term("conduct.award_status.\(status)"),
            ])
    }

    // MARK: Attendance

    static func marksSettled(_ count: String) -> StoredMessage {
        StoredMessage("audit.detail.marks_settled", ["count": .value(count)])
    }

    static func clockImported(layout: String, count: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.clock_imported",
            ["layout": .term("attendance.import.layout.\(layout)"), "count": .value(count)])
    }

    static func leaveRequested(kind: String, start: String, end: String, part: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.leave_requested",
            [
                "kind": .term("attendance.leave.\(kind)"), "start": .value(start), "end": .value(end),
                "part": .term("attendance.leave_part.\(part)"),
            ])
    }

    static func clockCorrection(day: String, time: String, direction: String) -> StoredMessage {
        StoredMessage(
            "audit.detail.clock_correction",
            ["day": .value(day), "time": .value(time), "direction": .term("attendance.direction.\(direction)")])
    }

    static func shift(from: String, to: String) -> StoredMessage {
        StoredMessage("audit.detail.shift", ["from": .value(from), "to": .value(to)])
    }

    /// Where a person clocked: the address they gave and the network the request came from.
    static func clockPlace(address: String, network: String) -> StoredMessage {
        StoredMessage("audit.detail.clock_place", ["address": .value(address), "network": .value(network)])
    }

    // MARK: Work plans and inspections

    /// A work plan for one person (a staff id) or, with none, for the whole team.
    static func workPlan(title: String, start: String, end: String, staff: String?) -> StoredMessage {
        var arguments: [String: StoredArgument] = ["title": .value(title), "start": .value(start), "end": .value(end)]
        if let staff { arguments["staff"] = .value(staff) }
        return StoredMessage(staff == nil ? "audit.detail.work_plan_team" : "audit.detail.work_plan", arguments)
    }

    static func plan(_ id: String) -> StoredMessage {
        StoredMessage("audit.detail.plan", ["plan": .value(id)])
    }

    /// An inspection checklist: its items' names and weights ("服务态度 30%, …").
    static func checklist(_ items: String) -> StoredMessage {
        StoredMessage("audit.detail.checklist", ["checklist": .value(items)])
    }

    static func sampled(start: String, end: String, perPerson: String, rule: String, seed: String, count: String)
        -> StoredMessage
    {
        StoredMessage(
            "audit.detail.sampled",
            [
                "start": .value(start), "end": .value(end), "perPerson": .value(perPerson),
                "rule": .term("inspection.rule.\(rule)"), "seed": .value(seed), "count": .value(count),
            ])
    }

    static func points(_ score: String) -> StoredMessage {
        StoredMessage("audit.detail.points", ["score": .value(score)])
    }

    static func pointsChanged(from: String, to: String) -> StoredMessage {
        StoredMessage("audit.detail.points_changed", ["from": .value(from), "to": .value(to)])
    }

    // MARK: Assessment

    /// A cycle created: its name, period, weights (JSON, dimension code → percent) and how many people.
    static func assessmentCycle(name: String, start: String, end: String, weights: String, people: String)
        -> StoredMessage
    {
        StoredMessage(
            "audit.detail.assessment_cycle",
            [
                "name": .value(name), "start": .value(start), "end": .value(end), "weights": .value(weights),
                "count": .value(people),
            ])
    }

    static func titleScore(_ title: String, score: String) -> StoredMessage {
        StoredMessage("audit.detail.title_score", ["title": .value(title), "score": .value(score)])
    }

    /// A person's total in a cycle, with the grade it gives if any.
    static func assessmentResult(cycle: String, person: String, total: String, grade: String?) -> StoredMessage {
        var arguments: [String: StoredArgument] = [
            "cycle": .value(cycle), "person": .value(person), "total": .value(total),
        ]
        if let grade { arguments["grade"] = .term("assessment.grade.\(grade)") }
        return StoredMessage(
            grade == nil ? "audit.detail.assessment_total" : "audit.detail.assessment_result", arguments)
    }

    static func cyclePeople(_ cycle: String, count: String) -> StoredMessage {
        StoredMessage("audit.detail.cycle_people", ["cycle": .value(cycle), "count": .value(count)])
    }

    static func cycleRows(_ cycle: String, rows: String) -> StoredMessage {
        StoredMessage("audit.detail.cycle_rows", ["cycle": .value(cycle), "rows": .value(rows)])
    }

    /// What follows from a person's result (a bonus, a certificate), with its amount in yuan if any.
    static func assessmentDecision(cycle: String, person: String, kind: String, amount: String?) -> StoredMessage {
        var arguments: [String: StoredArgument] = [
            "cycle": .value(cycle), "person": .value(person), "kind": .term("assessment.consequence.\(kind)"),
        ]
        if let amount { arguments["amount"] = .value(amount) }
        return StoredMessage(
            amount == nil ? "audit.detail.assessment_decision" : "audit.detail.assessment_decision_amount", arguments)
    }
}
