import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Work plans (R2.2): reads, writes with their audit entries, and the live progress of each target
/// read from the figures the front line and contracts record.
struct WorkPlanStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, departmentID: Int, staffID: Int?, staffName: String?, periodKind: String, periodStart: String,
            periodEnd: String
        var title: String, targets: String, resultNote: String?, resultAt: Date?, createdByName: String?,
            updatedAt: Date, version: Int
        /// Each target's progress when the result was recorded (JSON), nil before.
        var resultProgress: String?

        var period: AssessmentPeriod? {
            guard let start = CalendarDay(periodStart), let end = CalendarDay(periodEnd) else { return nil }
            return AssessmentPeriod(start: start, end: end)
        }
        var workTargets: [WorkTarget] { (try? JSONDecoder().decode([WorkTarget].self, from: Data(targets.utf8))) ?? [] }
        var recordedProgress: [TargetProgress]? {
            resultProgress.flatMap { try? JSONDecoder().decode([TargetProgress].self, from: Data($0.utf8)) }
        }
    }

    static let select: SQLQueryString = """
        SELECT p.id AS "id", p.department_id AS "departmentID", p.staff_id AS "staffID", person.display_name AS "staffName",
               p.period_kind AS "periodKind", p.period_start AS "periodStart", p.period_end AS "periodEnd", p.title AS "title",
               p.targets AS "targets", p.result_note AS "resultNote", p.result_at AS "resultAt", creator.display_name AS "createdByName",
               p.updated_at AS "updatedAt", p.version AS "version", p.result_progress AS "resultProgress"
        FROM work_plans p LEFT JOIN staff person ON person.id = p.staff_id LEFT JOIN staff creator ON creator.id = p.created_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE p.id = \(bind: id)").first(decoding: Row.self)
    }

    /// Plans of a department (nil: all), or one person's own; newest period first.
    /// `departmentOnly`: the department's own plans, not its people's (200 personal plans would fill the page).
    func list(departmentID: Int?, staffID: Int?, departmentOnly: Bool = false) async throws -> [Row] {
        var condition: SQLQueryString = "1 = 1"
        if let departmentID { condition = condition + " AND p.department_id = \(bind: departmentID)" }
        if let staffID { condition = condition + " AND p.staff_id = \(bind: staffID)" }
        if departmentOnly { condition = condition + " AND p.staff_id IS NULL" }
        return try await database.sql().raw(
            "\(Self.select) WHERE \(condition) ORDER BY p.period_start DESC, p.id DESC LIMIT 200"
        ).all(decoding: Row.self)
    }

    struct Goal: Decodable, Sendable { var id: Int, position: Int, text: String, doneAt: Date?, doneByName: String? }

    func goals(_ planID: Int) async throws -> [Goal] {
        try await database.sql().raw(
            """
            SELECT g.id AS "id", g.position AS "position", g.text AS "text", g.done_at AS "doneAt", s.display_name AS "doneByName"
            FROM work_plan_goals g LEFT JOIN staff s ON s.id = g.done_by_staff_id WHERE g.plan_id = \(bind: planID) ORDER BY g.position
            """
        ).all(decoding: Goal.self)
    }

    /// The people a plan's figures are read for: its specialist, or every active specialist of the department.
    func people(of plan: Row) async throws -> [Int] {
        if let staffID = plan.staffID { return [staffID] }
        return try await database.sql().raw(
            """
            SELECT id FROM staff WHERE department_id = \(bind: plan.departmentID) AND role = 'specialist' AND is_active = \(bind: true) ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
    }

    /// Each target's progress now, from the figures of the plan's people in its period.
    func progress(_ plan: Row, now: Date, serviceQuality: any ServiceQualityFigures) async throws -> [TargetProgress] {
        guard let period = plan.period else { return [] }
        let people = try await people(of: plan)
        let figures = try await WorkFigureReader(database: database, serviceQuality: serviceQuality).figures(
            staffIDs: people, period: period, now: now)
        return plan.workTargets.map { target in
            TargetProgress(
                figure: target.figure, target: target.target,
                value: WorkPlanRules.combine(people.compactMap { figures[$0]?[target.figure] }))
        }
    }

    struct CreateInput: Codable, Sendable {
        struct Target: Codable, Sendable { var figure: String; var target: Double? }
        var title: String
        /// The specialist the plan is for; absent for the department's plan.
        var staffID: Int?
        var periodKind: String
        /// Any day of the period (`2026-12-01`): the month, quarter or year that contains it.
        var periodDay: String
        var targets: [Target]?
        var goals: [String]?
    }

    func create(_ input: CreateInput, departmentID: Int, context: AuditContext) async throws -> Int {
        var errors = FieldErrors()
        let kind = PlanPeriodKind(rawValue: input.periodKind)
        if kind == nil { errors.add("periodKind", "validation.choose_from_list") }
        let day = CalendarDay(input.periodDay)
        if day == nil { errors.add("periodDay", "validation.date") }
        let goals = (input.goals ?? []).map(\.trimmed).filter { !$0.isEmpty }
        switch WorkPlanRules.validate(
            title: input.title, targets: (input.targets ?? []).map { ($0.figure, $0.target) }, goals: goals)
        {
        case .failure(let problems): errors.merge(problems)
        case .success: break
        }
        try errors.throwIfAny()
        let targets = try WorkPlanRules.validate(
            title: input.title, targets: (input.targets ?? []).map { ($0.figure, $0.target) }, goals: goals
        ).get()
        let period = kind!.period(containing: day!)
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            if let staffID = input.staffID {
                let member = try await sql.raw(
                    """
                    SELECT id FROM staff WHERE id = \(bind: staffID) AND department_id = \(bind: departmentID) AND role = 'specialist' AND is_active = \(bind: true)
                    """
                ).first()
                if member == nil { throw FieldErrors(["staffID": "assessment.error.outside_team"]) }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let id =
                try await sql.raw(
                    """
                    INSERT INTO work_plans (department_id, staff_id, period_kind, period_start, period_end, title, targets, created_by_staff_id,
                        created_at, updated_at, version)
                    VALUES (\(bind: departmentID), \(bind: input.staffID), \(bind: kind!.rawValue), \(bind: period.start.description),
                            \(bind: period.end.description), \(bind: input.title.trimmed), \(bind: String(decoding: try encoder.encode(targets), as: UTF8.self)),
                            \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            for (position, goal) in goals.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO work_plan_goals (plan_id, position, text, created_at, updated_at, version)
                    VALUES (\(bind: id), \(bind: position + 1), \(bind: goal), \(bind: context.now), \(bind: context.now), 1)
                    """
                ).run()
            }
            try await AuditLog.record(
                "work_plan.created", recordType: WorkPlanKind.recordType, recordID: String(id),
                fields: ["title", "period", "targets", "goals"],
                message: AuditMessage.workPlan(
                    title: input.title.trimmed, start: "\(period.start)", end: "\(period.end)",
                    staff: input.staffID.map(String.init)),
                context: context, on: tx)
            return id
        }
    }

    /// Marks a goal done or not done.
    func markGoal(planID: Int, goalID: Int, done: Bool, context: AuditContext) async throws {
        try await database.writeTransaction { tx in
            let updated = try await tx.sql().raw(
                """
                UPDATE work_plan_goals SET done_at = \(bind: done ? context.now : nil), done_by_staff_id = \(bind: done ? context.actorStaffID : nil),
                    updated_at = \(bind: context.now), version = version + 1
                WHERE id = \(bind: goalID) AND plan_id = \(bind: planID) RETURNING id
                """
            ).first()
            guard updated != nil else { throw KefuError.notFound }
            try await tx.sql().raw("UPDATE work_plans SET updated_at = \(bind: context.now) WHERE id = \(bind: planID)")
                .run()
            try await AuditLog.record(
                done ? "work_plan.goal_done" : "work_plan.goal_reopened", recordType: WorkPlanGoalKind.recordType,
                recordID: String(goalID), fields: ["doneAt"], message: AuditMessage.plan("\(planID)"),
                context: context, on: tx)
        }
    }

    /// The supervisor's account of the plan's result at the end of the period (from its last day on),
    /// kept with each target's progress as it stands now.
    func recordResult(
        _ plan: Row, note: String, version: Int, serviceQuality: any ServiceQualityFigures, context: AuditContext
    ) async throws {
        let note = note.trimmed
        if note.isEmpty { throw FieldErrors(["resultNote": "validation.required"]) }
        if note.count > 4000 { throw FieldErrors(["resultNote": "validation.too_long"]) }
        if let period = plan.period,
            let problem = WorkPlanRules.resultProblem(
                period: period, today: CalendarDay(context.now, timeZone: DisplayFormat.timeZone))
        {
            throw FieldErrors(["resultNote": problem])
        }
        let progress = String(
            decoding: try JSONEncoder().encode(
                try await self.progress(plan, now: context.now, serviceQuality: serviceQuality)), as: UTF8.self)
        let planID = plan.id
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                WorkPlanKind.self, id: planID, version: version,
                RecordWrite(
                    set: """
                        result_note = \(bind: note), result_at = \(bind: context.now), result_progress = \(bind: progress)
                        """,
                    audit: .init(
                        action: "work_plan.result_recorded", fields: ["resultNote"], message: AuditMessage.none)),
                context: context, on: tx)
        }
    }
}
