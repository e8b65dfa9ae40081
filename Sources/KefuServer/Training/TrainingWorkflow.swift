import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Every change of the training part (R5.1, R5.2), each in one transaction that re-reads the record,
/// asks the rule (`TrainingRules`) and changes the record through the one write path (`RecordWrites`).
struct TrainingWorkflow {
    let database: any Database

    private var store: TrainingStore { TrainingStore(database: database) }

    // MARK: The plan

    struct PlanInput: Codable, Sendable {
        var year: Int?
        var title: String?
        var goals: String?
        var areas: [String]?
        var methods: [String]?
        var hours: Double?
        var budgetYuan: Int?
        /// The version read; required when changing a plan.
        var version: Int?
    }

    private static func validate(_ input: PlanInput) throws {
        try TrainingRules.validatePlan(
            year: input.year, title: input.title ?? "", goals: input.goals ?? "", areas: input.areas ?? [],
            methods: input.methods ?? [], hours: input.hours, budgetYuan: input.budgetYuan
        ).throwIfAny()
    }

    /// Keeps the chosen codes in their declared order, each once.
    private static func codes(_ chosen: [String], _ all: [String]) -> String {
        all.filter(chosen.contains).joined(separator: ",")
    }

    func createPlan(_ input: PlanInput, departmentID: Int, context: AuditContext) async throws -> Int {
        try Self.validate(input)
        return try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO training_plans (department_id, year, title, goals, areas, methods, hours, budget_yuan, state, created_by_staff_id,
                        created_at, updated_at, version)
                    VALUES (\(bind: departmentID), \(bind: input.year!), \(bind: input.title!.trimmed), \(bind: input.goals!.trimmed),
                            \(bind: Self.codes(input.areas!, TrainingContentArea.allCases.map(\.rawValue))),
                            \(bind: Self.codes(input.methods!, TrainingMethod.allCases.map(\.rawValue))), \(bind: input.hours!), \(bind: input.budgetYuan!),
                            'draft', \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "training_plan.created", recordType: TrainingPlanKind.recordType, recordID: String(id),
                fields: ["year", "title", "goals", "areas", "methods", "hours", "budgetYuan"],
                message: AuditMessage.trainingPlan(
                    year: "\(input.year!)", title: input.title!.trimmed, hours: "\(input.hours!)",
                    budget: "\(input.budgetYuan!)"),
                context: context, on: tx)
            return id
        }
    }

    /// Changes a draft or returned plan. An approved plan must be reopened first (and approved again).
    func updatePlan(_ id: Int, _ input: PlanInput, context: AuditContext) async throws {
        try Self.validate(input)
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        try await database.writeTransaction { tx in
            guard let plan = try await store.plan(id, on: tx) else { throw KefuError.notFound }
            if !plan.planState.isEditable { throw FieldErrors(["plan": "training.error.locked"]) }
            let sessions = try await store.sessions(planID: id, on: tx)
            var errors = FieldErrors()
            if sessions.contains(where: { $0.scheduledDay.year != input.year! }) {
                errors.add("year", "training.error.sessions_outside_year")
            }
            let totals = PlanTotals(
                TrainingStore.sessionFacts(sessions.filter { $0.sessionState != .cancelled }, figures: [:]))
            if totals.hours > input.hours! + 0.001 { errors.add("hours", "training.error.below_sessions") }
            if totals.costYuan > input.budgetYuan! { errors.add("budgetYuan", "training.error.below_sessions") }
            try errors.throwIfAny()
            try await RecordWrites.change(
                TrainingPlanKind.self, id: id, version: version,
                RecordWrite(
                    set: """
                        year = \(bind: input.year!), title = \(bind: input.title!.trimmed), goals = \(bind: input.goals!.trimmed),
                        areas = \(bind: Self.codes(input.areas!, TrainingContentArea.allCases.map(\.rawValue))),
                        methods = \(bind: Self.codes(input.methods!, TrainingMethod.allCases.map(\.rawValue))), hours = \(bind: input.hours!),
                        budget_yuan = \(bind: input.budgetYuan!)
                        """,
                    audit: .init(
                        action: "training_plan.changed",
                        fields: ["year", "title", "goals", "areas", "methods", "hours", "budgetYuan"],
                        message: AuditMessage.trainingPlanChanged(
                            title: [plan.title, input.title!.trimmed], hours: ["\(plan.hours)", "\(input.hours!)"],
                            budget: ["\(plan.budgetYuan)", "\(input.budgetYuan!)"]))), context: context, on: tx)
        }
    }

    struct StepInput: Codable, Sendable { var note: String?; var version: Int? }

    /// Submits, approves, returns (with a note) or reopens a plan.
    func step(_ id: Int, _ step: TrainingPlanStep, _ input: StepInput, context: AuditContext) async throws {
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        let note = (input.note ?? "").trimmed
        if step == .return, note.isEmpty { throw FieldErrors(["note": "validation.required"]) }
        if note.count > 2000 { throw FieldErrors(["note": "validation.too_long"]) }
        try await database.writeTransaction { tx in
            guard let plan = try await store.plan(id, on: tx) else { throw KefuError.notFound }
            let count = try await store.sessions(planID: id, on: tx).filter { $0.sessionState != .cancelled }.count
            let next = try TrainingRules.transition(plan.planState, step, sessionCount: count).get()
            let set: SQLQueryString
            switch step {
            case .submit: set = "state = \(bind: next.rawValue), submitted_at = \(bind: context.now)"
            case .approve, .return:
                set = """
                    state = \(bind: next.rawValue), decided_at = \(bind: context.now), decided_by_staff_id = \(bind: context.actorStaffID),
                    decision_note = \(bind: note.isEmpty ? nil : note)
                    """
            case .reopen: set = "state = \(bind: next.rawValue), decided_at = NULL, decided_by_staff_id = NULL"
            }
            try await RecordWrites.change(
                TrainingPlanKind.self, id: id, version: version,
                RecordWrite(
                    set: set,
                    audit: .init(
                        action: "training_plan.\(step.rawValue)", fields: ["state"],
                        message: AuditMessage.stateChanged(
                            title: plan.title, from: plan.state, to: next.rawValue, in: "training.plan_state",
                            withNote: !note.isEmpty),
                        quoting: note)),
                context: context, on: tx)
        }
    }

    // MARK: Sessions

    struct SessionInput: Codable, Sendable {
        var title: String?
        var trainer: String?
        var area: String?
        var method: String?
        var scheduledOn: String?
        var hours: Double?
        var costYuan: Int?
        var location: String?
        /// The figures of the trainees' work the session aims at: `replies_on_time`, `complaints_in_time`, `satisfaction`.
        var aimedFigures: [String]?
    }

    /// Adds a session to the schedule of a draft or returned plan: a change of the plan, approved with it.
    func addSession(planID: Int, _ input: SessionInput, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            guard let plan = try await store.plan(planID, on: tx) else { throw KefuError.notFound }
            let others = TrainingStore.sessionFacts(try await store.sessions(planID: planID, on: tx), figures: [:])
            var errors = TrainingRules.validateSession(
                title: input.title ?? "", trainer: input.trainer ?? "", area: input.area ?? "",
                method: input.method ?? "",
                scheduledOn: CalendarDay(input.scheduledOn ?? ""), hours: input.hours, costYuan: input.costYuan,
                aimedFigures: input.aimedFigures ?? [],
                plan: plan.facts, otherSessions: others)
            let location = (input.location ?? "").trimmed
            if location.count > 200 { errors.add("location", "validation.too_long") }
            if !plan.planState.isEditable { errors.add("plan", "training.error.locked") }
            try errors.throwIfAny()
            let aimed = TrainingAimedFigure.all.map(\.rawValue).filter { (input.aimedFigures ?? []).contains($0) }
                .joined(separator: ",")
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO training_sessions (plan_id, department_id, title, trainer, content_area, method, scheduled_on, hours, cost_yuan, location,
                        aimed_figures, state, created_at, updated_at, version)
                    VALUES (\(bind: planID), \(bind: plan.departmentID), \(bind: input.title!.trimmed), \(bind: input.trainer!.trimmed), \(bind: input.area!),
                            \(bind: input.method!), \(bind: CalendarDay(input.scheduledOn!)!.description), \(bind: input.hours!), \(bind: input.costYuan!),
                            \(bind: location.isEmpty ? nil : location), \(bind: aimed), 'scheduled', \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await tx.sql().raw(
                "UPDATE training_plans SET updated_at = \(bind: context.now) WHERE id = \(bind: planID)"
            ).run()
            try await AuditLog.record(
                "training_session.scheduled", recordType: TrainingSessionKind.recordType, recordID: String(id),
                fields: ["title", "trainer", "area", "method", "scheduledOn", "hours", "costYuan"],
                message: AuditMessage.trainingSession(
                    plan: "\(planID)", title: input.title!.trimmed, date: "\(input.scheduledOn!)",
                    hours: "\(input.hours!)"),
                context: context, on: tx)
            return id
        }
    }

    struct OutcomeInput: Codable, Sendable {
        /// `held` or `cancelled`.
        var state: String?
        var heldOn: String?
        var supervisorNote: String?
        var version: Int?
    }

    /// Records that a session of an approved plan was held (on a day of the plan's year, not in the
    /// future) or cancelled, with the supervisor's note on its effect.
    func recordOutcome(_ id: Int, _ input: OutcomeInput, today: CalendarDay, context: AuditContext) async throws {
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        try await database.writeTransaction { tx in
            guard let session = try await store.session(id, on: tx) else { throw KefuError.notFound }
            var errors = FieldErrors()
            let state = TrainingSessionState(rawValue: input.state ?? "")
            if state == nil || state == .scheduled { errors.add("state", "validation.choose_from_list") }
            if session.planState != TrainingPlanState.approved.rawValue {
                errors.add("state", "training.error.plan_not_approved")
            }
            var heldOn: CalendarDay?
            if state == .held {
                heldOn = CalendarDay(input.heldOn ?? "")
                if let day = heldOn {
                    if day.year != session.planYear {
                        errors.add("heldOn", "training.error.outside_year")
                    } else if day > today {
                        errors.add("heldOn", "training.error.future")
                    }
                } else {
                    errors.add("heldOn", "validation.date")
                }
            }
            let note = (input.supervisorNote ?? "").trimmed
            if note.count > 4000 { errors.add("supervisorNote", "validation.too_long") }
            try errors.throwIfAny()
            try await RecordWrites.change(
                TrainingSessionKind.self, id: id, version: version,
                RecordWrite(
                    set: """
                        state = \(bind: state!.rawValue), held_on = \(bind: heldOn?.description), supervisor_note = \(bind: note.isEmpty ? nil : note)
                        """,
                    audit: .init(
                        action: "training_session.\(state!.rawValue)", fields: ["state", "heldOn", "supervisorNote"],
                        message: heldOn.map { AuditMessage.titleDate(session.title, date: $0.description) }
                            ?? AuditMessage.name(session.title))), context: context, on: tx)
        }
    }

    // MARK: Enrolment, attendance, scores, ratings

    struct EnrolInput: Codable, Sendable { var staffID: Int? }

    /// Enrols a specialist of the session's department, once.
    func enrol(sessionID: Int, _ input: EnrolInput, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            guard let session = try await store.session(sessionID, on: tx) else { throw KefuError.notFound }
            guard let staffID = input.staffID else { throw FieldErrors(["staffID": "validation.required"]) }
            if session.sessionState == .cancelled { throw FieldErrors(["staffID": "training.error.cancelled"]) }
            let member = try await tx.sql().raw(
                """
                SELECT display_name FROM staff WHERE id = \(bind: staffID) AND department_id = \(bind: session.departmentID) AND role = 'specialist'
                  AND is_active = \(bind: true)
                """
            ).first()
            guard let member else { throw FieldErrors(["staffID": "training.error.outside_team"]) }
            let name = try member.decode(column: "display_name", as: String.self)
            if try await store.enrolment(sessionID: sessionID, staffID: staffID, on: tx) != nil {
                throw FieldErrors(["staffID": "training.error.already_enrolled"])
            }
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO training_enrolments (session_id, staff_id, is_outstanding, created_at, updated_at, version)
                    VALUES (\(bind: sessionID), \(bind: staffID), \(bind: false), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "training_enrolment.created", recordType: TrainingEnrolmentKind.recordType, recordID: String(id),
                fields: ["staffID"],
                message: AuditMessage.titlePerson(session.title, person: name), context: context, on: tx)
            return id
        }
    }

    struct EnrolmentInput: Codable, Sendable {
        var attended: Bool?; var scoreBefore: Double?; var scoreAfter: Double?; var version: Int?
    }

    /// The supervisor records a trainee's attendance and test scores; the outstanding mark follows the rule.
    func recordEnrolment(sessionID: Int, enrolmentID: Int, _ input: EnrolmentInput, context: AuditContext) async throws
    {
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        var errors = TrainingRules.validateScore(input.scoreBefore, field: "scoreBefore")
        errors.merge(TrainingRules.validateScore(input.scoreAfter, field: "scoreAfter"))
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            guard let session = try await store.session(sessionID, on: tx),
                let row = try await store.enrolments(sessionIDs: [sessionID], on: tx).first(where: {
                    $0.id == enrolmentID
                })
            else { throw KefuError.notFound }
            if session.sessionState != .held { throw FieldErrors(["attended": "training.error.not_held"]) }
            let outstanding = OutstandingTraineeRule.isOutstanding(
                attended: input.attended, scoreBefore: input.scoreBefore, scoreAfter: input.scoreAfter)
            try await RecordWrites.change(
                TrainingEnrolmentKind.self, id: enrolmentID, version: version,
                RecordWrite(
                    set: """
                        attended = \(bind: input.attended), score_before = \(bind: input.scoreBefore), score_after = \(bind: input.scoreAfter),
                        is_outstanding = \(bind: outstanding)
                        """,
                    audit: .init(
                        action: "training_enrolment.recorded",
                        fields: ["attended", "scoreBefore", "scoreAfter", "isOutstanding"],
                        message: AuditMessage.trainingResult(
                            title: session.title, person: row.staffName, attended: input.attended,
                            before: input.scoreBefore.map(AssessmentCalculation.text) ?? "—",
                            after: input.scoreAfter.map(AssessmentCalculation.text) ?? "—", isOutstanding: outstanding))
                ),
                context: context, on: tx)
        }
    }

    struct RatingInput: Codable, Sendable { var rating: Int?; var comment: String? }

    /// A trainee rates a session they attended, once.
    func rate(sessionID: Int, staffID: Int, _ input: RatingInput, context: AuditContext) async throws {
        let comment = (input.comment ?? "").trimmed
        try await database.writeTransaction { tx in
            guard let session = try await store.session(sessionID, on: tx) else { throw KefuError.notFound }
            let own = try await store.enrolment(sessionID: sessionID, staffID: staffID, on: tx)
            var errors = TrainingRules.ratingProblem(
                sessionState: session.sessionState, attended: own?.attended, rating: input.rating)
            if comment.count > 2000 { errors.add("comment", "validation.too_long") }
            if errors.isEmpty, own?.ratedAt != nil { errors.add("rating", "training.error.already_rated") }
            try errors.throwIfAny()
            // A rating is given once: the trainee sends no version, the enrolment as read here is claimed.
            try await RecordWrites.change(
                TrainingEnrolmentKind.self, id: own!.id, version: own!.version,
                RecordWrite(
                    set: """
                        rating = \(bind: input.rating!), rating_comment = \(bind: comment.isEmpty ? nil : comment), rated_at = \(bind: context.now)
                        """,
                    condition: "rated_at IS NULL",
                    audit: .init(
                        action: "training_enrolment.rated", fields: ["rating", "ratingComment"],
                        message: AuditMessage.titleRating(session.title, rating: "\(input.rating!)"))),
                context: context, on: tx)
        }
    }
}
