import Foundation
import KefuDomain
import Vapor

/// `/api/v1/training` (R5.1, R5.2): the annual plan made by the supervisor and approved by leadership,
/// its sessions with enrolment, attendance, test scores, trainees' ratings and materials, the effect on
/// the trainees' work 30 and 90 days after, and the outstanding trainees the awards part reads.
struct TrainingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("training", "plans")
        plans.requiring(.viewTraining).get(use: listPlans)
        plans.requiring(.manageTraining).post(use: createPlan)
        plans.requiring(.viewTraining).get(":id", use: showPlan)
        plans.requiring(.manageTraining).put(":id", use: updatePlan)
        plans.requiring(.manageTraining).post(":id", "submission", use: submit)
        plans.requiring(.approveTrainingPlans).post(":id", "approval", use: approve)
        plans.requiring(.approveTrainingPlans).post(":id", "return", use: giveBack)
        plans.requiring(.manageTraining).post(":id", "reopening", use: reopen)
        plans.requiring(.manageTraining).post(":id", "sessions", use: addSession)
        let sessions = routes.grouped("training", "sessions")
        sessions.requiring(.viewTraining).get(use: listSessions)
        sessions.requiring(.viewTraining).get(":id", use: showSession)
        sessions.requiring(.viewTraining).get(":id", "enrolments", use: listEnrolments)
        sessions.requiring(.manageTraining).post(":id", "outcome", use: recordOutcome)
        sessions.requiring(.manageTraining).post(":id", "enrolments", use: enrol)
        sessions.requiring(.manageTraining).put(":id", "enrolments", ":enrolmentID", use: recordEnrolment)
        sessions.requiring(.rateTraining).post(":id", "rating", use: rate)
        sessions.requiring(.viewTraining).get(":id", "effect", use: effect)
        routes.grouped("training").requiring(.viewTraining).get("outstanding-trainees", use: outstanding)
    }

    static func workflow(_ req: Request) -> TrainingWorkflow { TrainingWorkflow(database: req.db) }
    static func today(_ req: Request) -> CalendarDay { CalendarDay(req.now, timeZone: DisplayFormat.timeZone) }

    static func planDTO(_ req: Request, _ id: Int) async throws -> TrainingPlanDTO {
        let store = TrainingStore(database: req.db)
        guard let plan = try await store.plan(id) else { throw KefuError.notFound }
        let sessions = try await store.sessions(planID: id)
        return TrainingPlanDTO(
            plan, sessions: sessions, figures: try await store.sessionFigures(planID: id), today: today(req),
            words: req.trainingWords)
    }

    /// A session with the enrolments the viewer may see: a specialist only their own.
    static func sessionDTO(_ req: Request, _ id: Int) async throws -> TrainingSessionDTO {
        let store = TrainingStore(database: req.db)
        guard let session = try await store.session(id) else { throw KefuError.notFound }
        let enrolments = try await store.enrolments(
            sessionIDs: [id], staffID: req.seesOnlyOwnTraining ? try req.requireStaff().id : nil)
        return TrainingSessionDTO(session, enrolments: enrolments, words: req.trainingWords)
    }

    /// The department's plans for the supervisor, all for leadership; a specialist has none to read.
    @Sendable func listPlans(req: Request) async throws -> [TrainingPlanDTO] {
        let staff = try req.requireStaff()
        let rows: [TrainingStore.PlanRow]
        switch AccessPolicy.widestScope(of: staff.role, for: .viewTraining) {
        case .any?: rows = try await TrainingStore(database: req.db).plans(departmentID: nil)
        case .team?: rows = try await TrainingStore(database: req.db).plans(departmentID: staff.departmentID)
        default: rows = []
        }
        var result: [TrainingPlanDTO] = []
        for row in rows { result.append(try await Self.planDTO(req, row.id)) }
        return result
    }

    @Sendable func createPlan(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let id = try await Self.workflow(req).createPlan(
            try req.content.decode(TrainingWorkflow.PlanInput.self), departmentID: staff.departmentID,
            context: req.auditContext)
        return try await Self.planDTO(req, id).encodeResponse(status: .created, for: req)
    }

    @Sendable func showPlan(req: Request) async throws -> TrainingPlanDTO {
        try await Self.planDTO(req, try await req.record(TrainingPlanKind.self, for: .viewTraining).id)
    }

    @Sendable func updatePlan(req: Request) async throws -> TrainingPlanDTO {
        let row = try await req.record(TrainingPlanKind.self, for: .manageTraining)
        try await Self.workflow(req).updatePlan(
            row.id, try req.content.decode(TrainingWorkflow.PlanInput.self), context: req.auditContext)
        return try await Self.planDTO(req, row.id)
    }

    private func step(_ req: Request, _ step: TrainingPlanStep, _ action: Action) async throws -> TrainingPlanDTO {
        let row = try await req.record(TrainingPlanKind.self, for: action)
        try await Self.workflow(req).step(
            row.id, step, try req.content.decode(TrainingWorkflow.StepInput.self), context: req.auditContext)
        return try await Self.planDTO(req, row.id)
    }

    @Sendable func submit(req: Request) async throws -> TrainingPlanDTO {
        try await step(req, .submit, .manageTraining)
    }
    @Sendable func approve(req: Request) async throws -> TrainingPlanDTO {
        try await step(req, .approve, .approveTrainingPlans)
    }
    @Sendable func giveBack(req: Request) async throws -> TrainingPlanDTO {
        try await step(req, .return, .approveTrainingPlans)
    }
    @Sendable func reopen(req: Request) async throws -> TrainingPlanDTO {
        try await step(req, .reopen, .manageTraining)
    }

    @Sendable func addSession(req: Request) async throws -> Response {
        let row = try await req.record(TrainingPlanKind.self, for: .manageTraining)
        let id = try await Self.workflow(req).addSession(
            planID: row.id, try req.content.decode(TrainingWorkflow.SessionInput.self), context: req.auditContext)
        return try await Self.sessionDTO(req, id).encodeResponse(status: .created, for: req)
    }

    /// The sessions the person is enrolled in (a specialist), or every session of the plans they may read.
    @Sendable func listSessions(req: Request) async throws -> [TrainingSessionDTO] {
        let staff = try req.requireStaff()
        let store = TrainingStore(database: req.db)
        let sessions: [TrainingStore.SessionRow]
        if req.seesOnlyOwnTraining {
            sessions = try await store.sessions(enrolledStaffID: staff.id)
        } else {
            var all: [TrainingStore.SessionRow] = []
            let scope = AccessPolicy.widestScope(of: staff.role, for: .viewTraining)
            for plan in try await store.plans(departmentID: scope == .any ? nil : staff.departmentID).prefix(5) {
                all += try await store.sessions(planID: plan.id)
            }
            sessions = all
        }
        let enrolments = Dictionary(
            grouping: try await store.enrolments(
                sessionIDs: sessions.map(\.id), staffID: req.seesOnlyOwnTraining ? staff.id : nil),
            by: \.sessionID)
        return sessions.map { TrainingSessionDTO($0, enrolments: enrolments[$0.id] ?? [], words: req.trainingWords) }
    }

    @Sendable func showSession(req: Request) async throws -> TrainingSessionDTO {
        try await Self.sessionDTO(req, try await req.trainingSession(for: .viewTraining).id)
    }

    /// A page of a session's enrolments, in the order of the trainees' names: a specialist only their own.
    @Sendable func listEnrolments(req: Request) async throws -> PageDTO<TrainingEnrolmentDTO> {
        let row = try await req.trainingSession(for: .viewTraining)
        let paging = try req.paging
        let (rows, total) = try await TrainingStore(database: req.db).enrolments(
            sessionID: row.id, staffID: req.seesOnlyOwnTraining ? try req.requireStaff().id : nil, paging: paging)
        return PageDTO(items: rows.map(TrainingEnrolmentDTO.init), request: paging, total: total)
    }

    @Sendable func recordOutcome(req: Request) async throws -> TrainingSessionDTO {
        let row = try await req.trainingSession(for: .manageTraining)
        try await Self.workflow(req).recordOutcome(
            row.id, try req.content.decode(TrainingWorkflow.OutcomeInput.self), today: Self.today(req),
            context: req.auditContext)
        return try await Self.sessionDTO(req, row.id)
    }

    @Sendable func enrol(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        _ = try await Self.workflow(req).enrol(
            sessionID: row.id, try req.content.decode(TrainingWorkflow.EnrolInput.self), context: req.auditContext)
        return try await Self.sessionDTO(req, row.id).encodeResponse(status: .created, for: req)
    }

    @Sendable func recordEnrolment(req: Request) async throws -> TrainingSessionDTO {
        let row = try await req.trainingSession(for: .manageTraining)
        guard let enrolmentID = req.parameters.get("enrolmentID", as: Int.self) else { throw KefuError.notFound }
        try await Self.workflow(req).recordEnrolment(
            sessionID: row.id, enrolmentID: enrolmentID, try req.content.decode(TrainingWorkflow.EnrolmentInput.self),
            context: req.auditContext)
        return try await Self.sessionDTO(req, row.id)
    }

    @Sendable func rate(req: Request) async throws -> TrainingSessionDTO {
        let row = try await req.trainingSession(for: .rateTraining)
        try await Self.workflow(req).rate(
            sessionID: row.id, staffID: try req.requireStaff().id,
            try req.content.decode(TrainingWorkflow.RatingInput.self),
            context: req.auditContext)
        return try await Self.sessionDTO(req, row.id)
    }

    /// The effect on the trainees' work; a specialist reads only their own line.
    static func effectDTO(_ req: Request, _ row: TrainingStore.SessionRow) async throws -> TrainingEffectDTO {
        let enrolments = try await TrainingStore(database: req.db).enrolments(
            sessionIDs: [row.id],
            staffID: req.seesOnlyOwnTraining ? try req.requireStaff().id : nil)
        let trainees = try await TrainingEffectReader(
            database: req.db, serviceQuality: req.application.serviceQualityFigures
        )
        .read(row, enrolments: enrolments, now: req.now)
        return TrainingEffectDTO(row, trainees: trainees, words: req.trainingWords)
    }

    @Sendable func effect(req: Request) async throws -> TrainingEffectDTO {
        try await Self.effectDTO(req, try await req.trainingSession(for: .viewTraining))
    }

    struct OutstandingQuery: Content { var year: Int? }

    /// Outstanding trainees of a year (the current one by default): the department's for the supervisor,
    /// every department's for leadership, one's own for a specialist.
    @Sendable func outstanding(req: Request) async throws -> [TrainingStore.OutstandingTrainee] {
        let staff = try req.requireStaff()
        let year = try req.query.decode(OutstandingQuery.self).year ?? Self.today(req).year
        guard (2000...2100).contains(year) else {
            throw KefuError.invalidQuery(FieldErrors(["year": "training.error.year"]))
        }
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewTraining)
        return try await TrainingStore(database: req.db).outstandingTrainees(
            departmentID: scope == .any ? nil : staff.departmentID, staffID: scope == .own ? staff.id : nil,
            from: CalendarDay(year: year, month: 1, day: 1)!, through: CalendarDay(year: year, month: 12, day: 31)!)
    }
}

extension TrainingWorkflow.PlanInput: Content {}
extension TrainingWorkflow.StepInput: Content {}
extension TrainingWorkflow.SessionInput: Content {}
extension TrainingWorkflow.OutcomeInput: Content {}
extension TrainingWorkflow.EnrolInput: Content {}
extension TrainingWorkflow.EnrolmentInput: Content {}
extension TrainingWorkflow.RatingInput: Content {}
extension TrainingStore.OutstandingTrainee: Content {}
