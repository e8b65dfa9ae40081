import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Every change to an assessment cycle (R5.3), each in one transaction that re-reads the record, asks
/// the rule (`AssessmentRules`) and changes the record through the one write path (`RecordWrites`). A signed-off
/// cycle refuses every change at the field; a stale version is a conflict.
struct AssessmentWorkflow {
    let database: any Database
    let serviceQuality: any ServiceQualityFigures

    private var store: AssessmentStore { AssessmentStore(database: database) }

    // MARK: Opening a cycle

    struct TargetInput: Codable, Sendable { var figure: String; var target: Double? }
    struct ThresholdsInput: Codable, Sendable { var excellent: Double?; var good: Double?; var pass: Double? }

    struct CycleInput: Codable, Sendable {
        var name: String
        var periodStart: String
        var periodEnd: String
        /// Dimension code → whole percent; the standard weights when absent.
        var weights: [String: Int]?
        var thresholds: ThresholdsInput?
        /// The targets every person of the cycle is measured against (their plan's figures).
        var targets: [TargetInput]?
        /// The people assessed; every active specialist of the supervisor's team when absent.
        var staffIDs: [Int]?
    }

    struct ValidCycle: Sendable {
        var name: String, period: AssessmentPeriod, weights: [String: Int], thresholds: GradeThresholds,
            targets: [WorkTarget]
    }

    static func validate(_ input: CycleInput) -> Result<ValidCycle, FieldErrors> {
        var errors = FieldErrors()
        let name = input.name.trimmed
        if name.isEmpty {
            errors.add("name", "validation.required")
        } else if name.count > 100 {
            errors.add("name", "validation.too_long")
        }
        let start = CalendarDay(input.periodStart), end = CalendarDay(input.periodEnd)
        if start == nil { errors.add("periodStart", "validation.date") }
        if end == nil { errors.add("periodEnd", "validation.date") }
        var period: AssessmentPeriod?
        if let start, let end {
            period = AssessmentPeriod(start: start, end: end)
            if period == nil || period!.days > 366 { errors.add("periodEnd", "assessment.error.period") }
        }
        let weightInput =
            input.weights ?? AssessmentWeights.standard.percents.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value }
        if case .failure(let problems) = AssessmentWeights.validate(weightInput) { errors.merge(problems) }
        let standard = GradeThresholds.standard
        let thresholds = GradeThresholds(
            excellent: input.thresholds?.excellent ?? standard.excellent, good: input.thresholds?.good ?? standard.good,
            pass: input.thresholds?.pass ?? standard.pass)
        errors.merge(thresholds.problems)
        var targets: [WorkTarget] = []
        for (index, target) in (input.targets ?? []).enumerated() {
            switch WorkTarget.validate(figure: target.figure, target: target.target, field: "targets.\(index)") {
            case .success(let valid):
                if targets.contains(where: { $0.figure == valid.figure }) {
                    errors.add("targets.\(index).figure", "assessment.error.duplicate_target")
                }
                targets.append(valid)
            case .failure(let problems): errors.merge(problems)
            }
        }
        guard errors.isEmpty, let period else { return .failure(errors) }
        return .success(
            ValidCycle(name: name, period: period, weights: weightInput, thresholds: thresholds, targets: targets))
    }

    /// Opens a cycle for the supervisor's department with an assessment per person. People outside
    /// the team are refused at `staffIDs`.
    func createCycle(_ input: CycleInput, departmentID: Int, context: AuditContext) async throws -> Int {
        let valid = try Self.validate(input).get()
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            let team = try await sql.raw(
                """
                SELECT id FROM staff WHERE department_id = \(bind: departmentID) AND role = 'specialist' AND is_active = \(bind: true) ORDER BY id
                """
            ).all().map { try $0.decode(column: "id", as: Int.self) }
            let people: [Int]
            if let chosen = input.staffIDs {
                if chosen.isEmpty { throw FieldErrors(["staffIDs": "assessment.error.no_people"]) }
                if chosen.contains(where: { !team.contains($0) }) {
                    throw FieldErrors(["staffIDs": "assessment.error.outside_team"])
                }
                people = Array(Set(chosen)).sorted()
            } else {
                people = team
            }
            if people.isEmpty { throw FieldErrors(["staffIDs": "assessment.error.no_people"]) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let weights = String(decoding: try encoder.encode(valid.weights), as: UTF8.self)
            let thresholds = String(decoding: try encoder.encode(valid.thresholds), as: UTF8.self)
            let targets = String(decoding: try encoder.encode(valid.targets), as: UTF8.self)
            let id =
                try await sql.raw(
                    """
                    INSERT INTO assessment_cycles (name, department_id, period_start, period_end, weights, thresholds, targets, state,
                        created_by_staff_id, created_at, updated_at, version)
                    VALUES (\(bind: valid.name), \(bind: departmentID), \(bind: valid.period.start.description), \(bind: valid.period.end.description),
                            \(bind: weights), \(bind: thresholds), \(bind: targets), 'open', \(bind: context.actorStaffID), \(bind: context.now),
                            \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            for person in people {
                try await sql.raw(
                    """
                    INSERT INTO assessments (cycle_id, staff_id, department_id, state, is_appeal, created_at, updated_at, version)
                    VALUES (\(bind: id), \(bind: person), \(bind: departmentID), 'pending', \(bind: false), \(bind: context.now), \(bind: context.now), 1)
                    """
                ).run()
            }
            try await AuditLog.record(
                "assessment_cycle.created", recordType: AssessmentCycleKind.recordType, recordID: String(id),
                fields: ["name", "period", "weights", "thresholds", "targets", "staffIDs"],
                message: AuditMessage.assessmentCycle(
                    name: valid.name, start: "\(valid.period.start)", end: "\(valid.period.end)", weights: weights,
                    people: "\(people.count)"),
                context: context, on: tx)
            return id
        }
    }

    // MARK: Evaluations

    struct SelfInput: Codable, Sendable { var score: Double?; var summary: String?; var version: Int? }

    /// The person's own evaluation (0–100) and summary, before the supervisor's.
    func selfEvaluate(_ id: Int, _ input: SelfInput, context: AuditContext) async throws {
        var errors = FieldErrors()
        let score = ScoreScale.validate(input.score, field: "score")
        if case .failure(let problem) = score { errors.merge(problem) }
        let summary = (input.summary ?? "").trimmed
        if summary.count > 4000 { errors.add("summary", "validation.too_long") }
        let version = try required(input.version)
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            let row = try await load(id, on: tx)
            if let problem = AssessmentRules.selfEvaluationProblem(cycle: row.frozen, state: row.assessmentState) {
                throw FieldErrors(["score": problem])
            }
            try await change(
                id, version: version, on: tx, context: context,
                set: """
                    self_score = \(bind: input.score), self_summary = \(bind: summary.isEmpty ? nil : summary), self_evaluated_at = \(bind: context.now),
                    state = 'self_evaluated'
                    """,
                audit: .init(
                    action: "assessment.self_evaluated", fields: ["selfScore", "selfSummary"],
                    message: AuditMessage.titleScore(row.cycleName, score: AssessmentCalculation.text(input.score ?? 0))
                ))
        }
    }

    struct SupervisorInput: Codable, Sendable {
        var skillsRating: Double?; var teamworkRating: Double?; var comment: String?; var version: Int?
    }

    /// The supervisor's ratings and comment; the score is computed from the period's figures at once
    /// and the person sees it.
    func supervisorEvaluate(_ id: Int, _ input: SupervisorInput, now: Date, context: AuditContext) async throws {
        var errors = FieldErrors()
        if case .failure(let problem) = ScoreScale.validate(input.skillsRating, field: "skillsRating") {
            errors.merge(problem)
        }
        if case .failure(let problem) = ScoreScale.validate(input.teamworkRating, field: "teamworkRating") {
            errors.merge(problem)
        }
        let comment = (input.comment ?? "").trimmed
        if comment.count > 4000 { errors.add("comment", "validation.too_long") }
        let version = try required(input.version)
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            let row = try await load(id, on: tx)
            if let problem = AssessmentRules.supervisorEvaluationProblem(cycle: row.frozen, state: row.assessmentState)
            {
                throw FieldErrors(["skillsRating": problem])
            }
            guard let cycle = try await store.cycle(row.cycleID, on: tx) else { throw KefuError.notFound }
            var rated = row
            rated.skillsRating = input.skillsRating
            rated.teamworkRating = input.teamworkRating
            let (inputs, result) = try await calculate([rated], cycle: cycle, now: now, on: tx)[rated.id]!
            try await change(
                id, version: version, on: tx, context: context,
                set: """
                    skills_rating = \(bind: input.skillsRating), teamwork_rating = \(bind: input.teamworkRating),
                    supervisor_comment = \(bind: comment.isEmpty ? nil : comment), evaluated_at = \(bind: context.now),
                    evaluated_by_staff_id = \(bind: context.actorStaffID), state = 'evaluated', inputs = \(bind: inputs), result = \(bind: try Self.json(result)),
                    total = \(bind: result.total), grade = \(bind: result.grade?.rawValue)
                    """,
                audit: .init(
                    action: "assessment.evaluated",
                    fields: ["skillsRating", "teamworkRating", "supervisorComment", "total", "grade"],
                    message: AuditMessage.assessmentResult(
                        cycle: row.cycleName, person: row.staffName,
                        total: result.total.map(AssessmentCalculation.text) ?? "—", grade: result.grade?.rawValue)))
        }
    }

    struct ResponseInput: Codable, Sendable { var appeal: Bool?; var comment: String?; var version: Int? }

    /// The person accepts the result (with an optional comment) or appeals it (with a reason).
    func respond(_ id: Int, _ input: ResponseInput, context: AuditContext) async throws {
        let comment = (input.comment ?? "").trimmed, appeal = input.appeal ?? false
        let version = try required(input.version)
        try await database.writeTransaction { tx in
            let row = try await load(id, on: tx)
            try AssessmentRules.responseProblem(
                cycle: row.frozen, state: row.assessmentState, appeal: appeal, text: comment
            ).throwIfAny()
            try await change(
                id, version: version, on: tx, context: context,
                set: """
                    response_comment = \(bind: comment.isEmpty ? nil : comment), is_appeal = \(bind: appeal), responded_at = \(bind: context.now),
                    state = \(bind: appeal ? AssessmentState.appealed.rawValue : AssessmentState.acknowledged.rawValue)
                    """,
                audit: .init(
                    action: appeal ? "assessment.appealed" : "assessment.acknowledged", fields: ["responseComment"],
                    message: AuditMessage.name(row.cycleName)))
        }
    }

    struct AppealAnswerInput: Codable, Sendable {
        var answer: String?; var skillsRating: Double?; var teamworkRating: Double?; var version: Int?
    }

    /// The supervisor answers an appeal; revised ratings recompute the score (the lines show the new one).
    func answerAppeal(_ id: Int, _ input: AppealAnswerInput, now: Date, context: AuditContext) async throws {
        var errors = FieldErrors()
        if case .failure(let problem) = ScoreScale.validate(input.skillsRating, field: "skillsRating", required: false)
        {
            errors.merge(problem)
        }
        if case .failure(let problem) = ScoreScale.validate(
            input.teamworkRating, field: "teamworkRating", required: false)
        {
            errors.merge(problem)
        }
        let answer = (input.answer ?? "").trimmed
        let version = try required(input.version)
        let early = errors
        try await database.writeTransaction { tx in
            let row = try await load(id, on: tx)
            var errors = early
            errors.merge(
                AssessmentRules.appealAnswerProblem(cycle: row.frozen, state: row.assessmentState, answer: answer))
            try errors.throwIfAny()
            guard let cycle = try await store.cycle(row.cycleID, on: tx) else { throw KefuError.notFound }
            var rated = row
            rated.skillsRating = input.skillsRating ?? row.skillsRating
            rated.teamworkRating = input.teamworkRating ?? row.teamworkRating
            let (inputs, result) = try await calculate([rated], cycle: cycle, now: now, on: tx)[rated.id]!
            try await change(
                id, version: version, on: tx, context: context,
                set: """
                    appeal_answer = \(bind: answer), answered_at = \(bind: context.now), answered_by_staff_id = \(bind: context.actorStaffID),
                    skills_rating = \(bind: rated.skillsRating), teamwork_rating = \(bind: rated.teamworkRating), state = 'answered',
                    inputs = \(bind: inputs), result = \(bind: try Self.json(result)), total = \(bind: result.total), grade = \(bind: result.grade?.rawValue)
                    """,
                audit: .init(
                    action: "assessment.appeal_answered",
                    fields: ["appealAnswer", "skillsRating", "teamworkRating", "total", "grade"],
                    message: AuditMessage.assessmentResult(
                        cycle: row.cycleName, person: row.staffName,
                        total: result.total.map(AssessmentCalculation.text) ?? "—", grade: nil)))
        }
    }

    /// Recomputes every result the people have not answered yet from the figures as they stand now
    /// (late replies recorded, surveys arrived), in one transaction: the speed goal's "whole cycle".
    func recompute(cycleID: Int, version: Int, now: Date, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            guard let cycle = try await store.cycle(cycleID, on: tx) else { throw KefuError.notFound }
            if cycle.cycleState == .signedOff { throw FieldErrors(["cycle": AssessmentRules.frozen]) }
            let rows = try await store.assessments(cycleID: cycleID, on: tx).filter { $0.assessmentState == .evaluated }
            // The recount changes no field of the cycle itself (`state = state`): claiming its version
            // keeps two recounts, or a recount and a sign-off, from crossing.
            try await RecordWrites.change(
                AssessmentCycleKind.self, id: cycleID, version: version,
                RecordWrite(
                    set: "state = state",
                    audit: .init(
                        action: "assessment_cycle.recomputed", fields: ["total", "grade"],
                        message: AuditMessage.cyclePeople(cycle.name, count: "\(rows.count)"))), context: context,
                on: tx)
            let results = try await calculate(rows, cycle: cycle, now: now, on: tx)
            let sql = try tx.sql()
            for row in rows {
                guard let (inputs, result) = results[row.id] else { continue }
                try await sql.raw(
                    """
                    UPDATE assessments SET inputs = \(bind: inputs), result = \(bind: try Self.json(result)), total = \(bind: result.total),
                        grade = \(bind: result.grade?.rawValue), updated_at = \(bind: context.now), version = version + 1
                    WHERE id = \(bind: row.id)
                    """
                ).run()
            }
            return rows.count
        }
    }

    // MARK: Sign-off and decisions

    /// Leadership signs the cycle off: every result in, no appeal unanswered. Nothing changes after.
    func signOff(cycleID: Int, version: Int, context: AuditContext) async throws {
        try await database.writeTransaction { tx in
            guard let cycle = try await store.cycle(cycleID, on: tx) else { throw KefuError.notFound }
            let states = try await store.assessments(cycleID: cycleID, on: tx).map(\.assessmentState)
            if let problem = AssessmentRules.signOffProblem(cycle: cycle.cycleState, states: states) {
                throw FieldErrors(["cycle": problem])
            }
            try await RecordWrites.change(
                AssessmentCycleKind.self, id: cycleID, version: version,
                RecordWrite(
                    set: """
                        state = 'signed_off', signed_off_at = \(bind: context.now), signed_off_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    condition: "state = 'open'",
                    audit: .init(
                        action: "assessment_cycle.signed_off", fields: ["state"],
                        message: AuditMessage.cyclePeople(cycle.name, count: "\(states.count)"))), context: context,
                on: tx)
        }
    }

    struct DecisionInput: Codable, Sendable { var kind: String; var amountYuan: Int?; var basis: String }

    /// Records what follows from a result — bonus, promotion, certificate, improvement plan, bonus
    /// deduction, reassignment — with its basis, for pay, promotion and training.
    func addDecision(assessmentID: Int, _ input: DecisionInput, context: AuditContext) async throws -> Int {
        let kind = try ConsequenceKind.validate(kind: input.kind, amountYuan: input.amountYuan, basis: input.basis)
            .get()
        return try await database.writeTransaction { tx in
            let row = try await load(assessmentID, on: tx)
            if let problem = AssessmentRules.decisionProblem(cycle: row.frozen, state: row.assessmentState) {
                throw FieldErrors(["kind": problem])
            }
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO assessment_decisions (assessment_id, cycle_id, staff_id, kind, amount_yuan, basis, decided_by_staff_id, decided_at)
                    VALUES (\(bind: assessmentID), \(bind: row.cycleID), \(bind: row.staffID), \(bind: kind.rawValue), \(bind: input.amountYuan),
                            \(bind: input.basis.trimmed), \(bind: context.actorStaffID), \(bind: context.now))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "assessment.decision_recorded", recordType: AssessmentDecisionKind.recordType, recordID: String(id),
                fields: ["kind", "amountYuan", "basis"],
                message: AuditMessage.assessmentDecision(
                    cycle: row.cycleName, person: row.staffName, kind: kind.rawValue,
                    amount: input.amountYuan.map(String.init)),
                context: context, on: tx)
            return id
        }
    }

    // MARK: The calculation's inputs

    /// What was read for a person: the figures and the day they joined, kept with the result.
    struct StoredInputs: Codable, Sendable {
        var figures: [String: FigureValue]
        var joinedOn: String?
        /// The quality-inspection scores of the person's records of the period (issue 14 §2).
        var inspectionScores: [Double]?
        /// The after-test scores of the sessions the person attended in the period (issue 14 §3).
        var trainingScores: [Double]?
        /// Colleagues' anonymous teamwork ratings: only how many and their average (issue 14 §4).
        var colleagueRatingCount: Int?
        var colleagueRatingAverage: Double?
        /// The attendance score of the period (R6.1), for a person whose attendance is kept.
        var attendance: Double?
    }

    /// Reads the inputs of the given assessments in bulk (one grouped query per figure) and computes each.
    func calculate(
        _ rows: [AssessmentStore.AssessmentRow], cycle: AssessmentStore.CycleRow, now: Date,
        on tx: any Database
    ) async throws -> [Int: (inputs: String, result: AssessmentResult)] {
        guard let period = cycle.period, !rows.isEmpty else { return [:] }
        let staffIDs = rows.map(\.staffID)
        let figures = try await WorkFigureReader(database: tx, serviceQuality: serviceQuality).figures(
            staffIDs: staffIDs, period: period, now: now)
        var joined: [Int: CalendarDay] = [:]
        for row in try await tx.sql().raw("SELECT id, created_at FROM staff WHERE id IN (\(binds: staffIDs))").all() {
            let day = CalendarDay(try row.decode(column: "created_at", as: Date.self), timeZone: DisplayFormat.timeZone)
            if day > period.start { joined[try row.decode(column: "id", as: Int.self)] = day }
        }
        let inspections = try await InspectionStore(database: tx).scores(staffIDs: staffIDs, period: period)
        let training = try await TrainingStore(database: tx).scores(staffIDs: staffIDs, period: period)
        let colleagues = try await ColleagueRatingStore(database: tx).ratings(assessmentIDs: rows.map(\.id))
        let attendance = try await AttendanceStore(database: tx).scores(staffIDs: staffIDs, period: period)
        var results: [Int: (inputs: String, result: AssessmentResult)] = [:]
        for row in rows {
            let personFigures = figures[row.staffID] ?? [:]
            let inputs = AssessmentInputs(
                period: period, joinedOn: joined[row.staffID], targets: cycle.workTargets, figures: personFigures,
                inspectionScores: inspections[row.staffID] ?? [],
                trainingScores: training[row.staffID] ?? [], supervisorSkillsRating: row.skillsRating,
                supervisorTeamworkRating: row.teamworkRating,
                colleagueRatings: colleagues[row.id] ?? [], selfEvaluation: row.selfScore,
                attendance: attendance[row.staffID]
            )
            let result = AssessmentCalculation.compute(
                inputs, weights: cycle.assessmentWeights, thresholds: cycle.gradeThresholds)
            let stored = StoredInputs(
                figures: personFigures.reduce(into: [:]) { $0[$1.key.rawValue] = $1.value },
                joinedOn: joined[row.staffID]?.description,
                inspectionScores: inspections[row.staffID], trainingScores: training[row.staffID],
                colleagueRatingCount: colleagues[row.id]?.count,
                colleagueRatingAverage: colleagues[row.id].flatMap {
                    $0.isEmpty ? nil : AssessmentCalculation.round2($0.reduce(0, +) / Double($0.count))
                },
                attendance: attendance[row.staffID])
            results[row.id] = (try Self.json(stored), result)
        }
        return results
    }

    // MARK: Helpers

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func required(_ version: Int?) throws -> Int {
        guard let version else { throw FieldErrors(["version": "validation.required"]) }
        return version
    }

    private func load(_ id: Int, on tx: any Database) async throws -> AssessmentStore.AssessmentRow {
        guard let row = try await store.assessment(id, on: tx) else { throw KefuError.notFound }
        return row
    }

    /// Changes an assessment through the one write path: a stale version is a 409.
    private func change(
        _ id: Int, version: Int, on tx: any Database, context: AuditContext, set: SQLQueryString,
        audit: RecordWrite.AuditNote
    ) async throws {
        try await RecordWrites.change(
            AssessmentKind.self, id: id, version: version, RecordWrite(set: set, audit: audit), context: context, on: tx
        )
    }
}
