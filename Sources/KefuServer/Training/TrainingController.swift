import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The training pages (培训, R5.1, R5.2): the plans and the form to make one; a plan with its approval,
/// schedule and plan versus done; a session with enrolment, attendance, scores, ratings and materials;
/// a session's effect on the trainees' work. A refused form comes back with the message at its field
/// and what was typed.
struct TrainingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewTraining).get(.training, use: index)
        routes.requiring(.manageTraining).post(.trainingPlans, use: createPlan)
        routes.requiring(.viewTraining).get(.trainingPlan, use: showPlan)
        routes.requiring(.manageTraining).post(.trainingPlan, use: updatePlan)
        routes.requiring(.manageTraining).post(.trainingPlanSubmission, use: submit)
        routes.requiring(.approveTrainingPlans).post(.trainingPlanApproval, use: approve)
        routes.requiring(.approveTrainingPlans).post(.trainingPlanReturn, use: giveBack)
        routes.requiring(.manageTraining).post(.trainingPlanReopening, use: reopen)
        routes.requiring(.manageTraining).post(.trainingPlanSessions, use: addSession)
        routes.requiring(.viewTraining).get(.trainingSession, use: showSession)
        routes.requiring(.manageTraining).post(.trainingSessionOutcome, use: recordOutcome)
        routes.requiring(.manageTraining).post(.trainingSessionEnrolments, use: enrol)
        routes.requiring(.manageTraining).post(.trainingSessionEnrolment, use: recordEnrolment)
        routes.requiring(.rateTraining).post(.trainingSessionRating, use: rate)
        routes.requiring(.viewTraining).get(.trainingSessionEffect, use: effect)
    }

    static func yuan(_ value: Int) -> String { DisplayFormat.wan(Decimal(value)) }
    static func number(_ value: Double?) -> String { value.map(AssessmentCalculation.text) ?? "—" }
    static func messages(_ req: Request, _ problems: FieldErrors) -> [String: String] {
        problems.messages.mapValues { req.t($0) }
    }

    /// A number field with text that is not a number says so, rather than the rule the unreadable value broke.
    static func messages(_ req: Request, _ problems: FieldErrors, numbers: [String: String?]) -> [String: String] {
        var messages = messages(req, problems)
        for case (let field, let text?) in numbers
        where messages[field] != nil && !text.trimmed.isEmpty && Double(text.trimmed) == nil {
            messages[field] = req.t("validation.number")
        }
        return messages
    }

    // MARK: The list and a new plan

    struct PlanForm: Content {
        var year: String?, title: String?, goals: String?, areas: [String]?, methods: [String]?, hours: String?,
            budgetYuan: String?, version: String?

        var input: TrainingWorkflow.PlanInput {
            TrainingWorkflow.PlanInput(
                year: Int((year ?? "").trimmed), title: title, goals: goals, areas: areas ?? [], methods: methods ?? [],
                hours: (hours ?? "").trimmed.isEmpty ? nil : Double((hours ?? "").trimmed) ?? .nan,
                budgetYuan: (budgetYuan ?? "").trimmed.isEmpty ? nil : Int((budgetYuan ?? "").trimmed) ?? -1,
                version: Int(version ?? ""))
        }
        var values: [String: String] {
            [
                "year": year ?? "", "title": title ?? "", "goals": goals ?? "", "hours": hours ?? "",
                "budgetYuan": budgetYuan ?? "",
            ]
        }
    }

    struct Check: Encodable { var value: String; var label: String; var isChecked: Bool }

    static func checks(_ req: Request, areas: [String], methods: [String]) -> (areas: [Check], methods: [Check]) {
        let words = req.trainingWords
        return (
            TrainingContentArea.allCases.map {
                Check(value: $0.rawValue, label: words.area($0.rawValue), isChecked: areas.contains($0.rawValue))
            },
            TrainingMethod.allCases.map {
                Check(value: $0.rawValue, label: words.method($0.rawValue), isChecked: methods.contains($0.rawValue))
            }
        )
    }

    struct IndexPage: Encodable {
        struct Plan: Encodable {
            var id: Int; var year: Int; var title: String; var state: String; var stateLabel: String; var sessions: Int;
            var done: String
        }
        struct Mine: Encodable {
            var id: Int; var title: String; var day: String; var stateLabel: String; var attended: String;
            var rating: String; var canRate: Bool
        }
        struct Outstanding: Encodable {
            var name: String; var sessionID: Int; var session: String; var heldOn: String; var score: String
        }
        var plans: [Plan], hasPlans: Bool, showsPlans: Bool, mine: [Mine], hasMine: Bool, showsMine: Bool,
            outstanding: [Outstanding], hasOutstanding: Bool
        var canCreate: Bool, areas: [Check], methods: [Check], form: [String: String], errors: [String: String]
    }

    private func renderIndex(
        _ req: Request, form: PlanForm? = nil, errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = TrainingStore(database: req.db)
        let words = req.trainingWords
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewTraining)
        let today = TrainingAPIController.today(req)
        var plans: [IndexPage.Plan] = []
        if scope == .any || scope == .team {
            for row in try await store.plans(departmentID: scope == .any ? nil : staff.departmentID) {
                let dto = try await TrainingAPIController.planDTO(req, row.id)
                plans.append(
                    .init(
                        id: row.id, year: row.year, title: row.title, state: row.state,
                        stateLabel: words.planState(row.state), sessions: dto.totals.sessions,
                        done: req.t(
                            "training.done_summary",
                            ["held": String(dto.progress.held), "due": String(dto.progress.due)])))
            }
        }
        var mine: [IndexPage.Mine] = []
        if scope == .own {
            let sessions = try await store.sessions(enrolledStaffID: staff.id)
            let own = Dictionary(
                uniqueKeysWithValues: try await store.enrolments(sessionIDs: sessions.map(\.id), staffID: staff.id).map
                { ($0.sessionID, $0) })
            mine = sessions.map { session in
                let enrolment = own[session.id]
                let canRate = session.sessionState == .held && enrolment?.attended == true && enrolment?.ratedAt == nil
                return .init(
                    id: session.id, title: session.title, day: session.heldOn ?? session.scheduledOn,
                    stateLabel: words.sessionState(session.state),
                    attended: enrolment?.attended.map { req.t($0 ? "training.attended" : "training.absent") } ?? "—",
                    rating: enrolment?.rating.map { "\($0) / 5" } ?? "—", canRate: canRate)
            }
        }
        var outstanding: [IndexPage.Outstanding] = []
        if scope == .any || scope == .team {
            outstanding = try await store.outstandingTrainees(
                departmentID: scope == .any ? nil : staff.departmentID,
                from: CalendarDay(year: today.year, month: 1, day: 1)!, through: today
            ).map {
                .init(
                    name: $0.staffName, sessionID: $0.sessionID, session: $0.sessionTitle, heldOn: $0.heldOn,
                    score: Self.number($0.scoreAfter))
            }
        }
        let canCreate = AccessPolicy.allows(staff.role, .manageTraining)
        let checks = Self.checks(req, areas: form?.areas ?? [], methods: form?.methods ?? [])
        let values = ["year": String(today.year), "title": "", "goals": "", "hours": "", "budgetYuan": ""].merging(
            form?.values ?? [:]
        ) { $1 }
        let page = IndexPage(
            plans: plans, hasPlans: !plans.isEmpty, showsPlans: scope == .any || scope == .team, mine: mine,
            hasMine: !mine.isEmpty,
            showsMine: scope == .own, outstanding: outstanding, hasOutstanding: !outstanding.isEmpty,
            canCreate: canCreate,
            areas: checks.areas, methods: checks.methods, form: values, errors: errors)
        return try await req.renderPage("training/index", titleKey: "training.title", page, status: status)
    }

    @Sendable func index(req: Request) async throws -> Response { try await renderIndex(req) }

    @Sendable func createPlan(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(PlanForm.self)
        do {
            let id = try await TrainingAPIController.workflow(req).createPlan(
                form.input, departmentID: staff.departmentID, context: req.auditContext)
            return req.redirect(to: SiteURL.trainingPlan(id), flash: FlashMessage(.success, "training.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderIndex(
                req, form: form,
                errors: Self.messages(req, problems, numbers: ["hours": form.hours, "budgetYuan": form.budgetYuan]),
                status: .unprocessableEntity)
        }
    }

    // MARK: A plan

    struct SessionForm: Content {
        var title: String?, trainer: String?, area: String?, method: String?, scheduledOn: String?, hours: String?,
            costYuan: String?, location: String?
        var aimedFigures: [String]?

        var input: TrainingWorkflow.SessionInput {
            TrainingWorkflow.SessionInput(
                title: title, trainer: trainer, area: area, method: method, scheduledOn: scheduledOn,
                hours: (hours ?? "").trimmed.isEmpty ? nil : Double((hours ?? "").trimmed) ?? .nan,
                costYuan: (costYuan ?? "").trimmed.isEmpty ? nil : Int((costYuan ?? "").trimmed) ?? -1,
                location: location,
                aimedFigures: aimedFigures ?? [])
        }
        var values: [String: String] {
            [
                "title": title ?? "", "trainer": trainer ?? "", "scheduledOn": scheduledOn ?? "", "hours": hours ?? "",
                "costYuan": costYuan ?? "",
                "location": location ?? "",
            ]
        }
    }

    struct PlanPage: Encodable {
        struct Session: Encodable {
            var id: Int, title: String, trainer: String, areaLabel: String, methodLabel: String, day: String,
                hours: String, cost: String
            var state: String, stateLabel: String, people: String, rating: String, score: String
        }
        struct Figure: Encodable { var label: String; var value: String }
        var plan: TrainingPlanDTO, budget: String, hours: String, sessionRows: HTMLFragment, hasSessions: Bool,
            figures: [Figure], totals: [Figure]
        var isEditable: Bool, canEdit: Bool, canSubmit: Bool, canDecide: Bool, canReopen: Bool, canAddSession: Bool
        var areas: [Check], methods: [Check], form: [String: String], errors: [String: String]
        var sessionAreas: [ChoiceOption], sessionMethods: [ChoiceOption], aimed: [Check], sessionForm: [String: String],
            sessionErrors: [String: String]
        /// What changed meanwhile, when a change was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    static func renderPlan(
        _ req: Request, _ row: TrainingStore.PlanRow, form: PlanForm? = nil, errors: [String: String] = [:],
        sessionForm: SessionForm? = nil,
        sessionErrors: [String: String] = [:], conflict: ConflictView? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let dto = try await TrainingAPIController.planDTO(req, row.id)
        let facts = RecordFacts(departmentID: row.departmentID)
        let manages = AccessPolicy.permits(staff.actor, .manageTraining, on: facts)
        let editable = row.planState.isEditable
        let words = req.trainingWords
        let sessions = dto.sessions.map { s in
            PlanPage.Session(
                id: s.id, title: s.title, trainer: s.trainer, areaLabel: s.areaLabel, methodLabel: s.methodLabel,
                day: s.heldOn ?? s.scheduledOn,
                hours: Self.number(s.hours), cost: Self.yuan(s.costYuan), state: s.state, stateLabel: s.stateLabel,
                people: "\(s.figures.attended) / \(s.figures.enrolled)", rating: Self.number(s.figures.averageRating),
                score: Self.number(s.figures.averageScoreAfter))
        }
        let p = dto.progress
        let percent: (Double?) -> String = { $0.map { AssessmentCalculation.text($0) + "%" } ?? "—" }
        let figures = [
            PlanPage.Figure(
                label: req.t("training.progress.quantity"),
                value: "\(p.held) / \(p.due) · \(percent(p.quantityPercent))"),
            PlanPage.Figure(
                label: req.t("training.progress.on_time"),
                value: "\(p.heldOnTime) / \(p.held) · \(percent(p.onTimePercent))"),
            PlanPage.Figure(label: req.t("training.progress.attendance"), value: percent(p.attendancePercent)),
            PlanPage.Figure(
                label: req.t("training.progress.rating"),
                value: p.averageRating.map { AssessmentCalculation.text($0) + " / 5" } ?? "—"),
            PlanPage.Figure(label: req.t("training.progress.score_after"), value: Self.number(p.averageScoreAfter)),
            PlanPage.Figure(label: req.t("training.progress.cancelled"), value: String(p.cancelled)),
        ]
        let totals = [
            PlanPage.Figure(
                label: req.t("training.field.hours"),
                value:
                    "\(Self.number(dto.totals.hours)) / \(Self.number(row.hours)) · \(req.t("training.done")) \(Self.number(p.hoursDone))"
            ),
            PlanPage.Figure(
                label: req.t("training.field.budget"),
                value:
                    "\(Self.yuan(dto.totals.costYuan)) / \(Self.yuan(row.budgetYuan)) · \(req.t("training.done")) \(Self.yuan(p.costDone))"
            ),
        ]
        let current = PlanForm(
            year: String(row.year), title: row.title, goals: row.goals, areas: dto.areas, methods: dto.methods,
            hours: AssessmentCalculation.text(row.hours), budgetYuan: String(row.budgetYuan),
            version: String(row.version))
        let shown = form ?? current
        let checks = Self.checks(req, areas: shown.areas ?? [], methods: shown.methods ?? [])
        let sessionAreas = row.areaList.map {
            ChoiceOption(
                value: $0.rawValue, labelKey: "", label: words.area($0.rawValue),
                isSelected: sessionForm?.area == $0.rawValue)
        }
        let sessionMethods = row.methodList.map {
            ChoiceOption(
                value: $0.rawValue, labelKey: "", label: words.method($0.rawValue),
                isSelected: sessionForm?.method == $0.rawValue)
        }
        let aimed = TrainingAimedFigure.all.map {
            Check(
                value: $0.rawValue, label: words.figure($0.rawValue),
                isChecked: sessionForm?.aimedFigures?.contains($0.rawValue) ?? false)
        }
        let page = PlanPage(
            plan: dto, budget: Self.yuan(row.budgetYuan), hours: Self.number(row.hours),
            sessionRows: TrainingPlanView.sessionRows(sessions) { req.t($0) },
            hasSessions: !sessions.isEmpty, figures: figures,
            totals: totals, isEditable: editable, canEdit: manages && editable, canSubmit: manages && editable,
            canDecide: AccessPolicy.permits(staff.actor, .approveTrainingPlans, on: facts)
                && row.planState == .submitted,
            canReopen: manages && row.planState == .approved, canAddSession: manages && editable, areas: checks.areas,
            methods: checks.methods,
            form: shown.values.merging(["version": String(row.version)]) { $1 }, errors: errors,
            sessionAreas: sessionAreas, sessionMethods: sessionMethods,
            aimed: aimed,
            sessionForm: [
                "title": "", "trainer": "", "scheduledOn": "\(row.year)-", "hours": "", "costYuan": "0", "location": "",
            ]
            .merging(sessionForm?.values ?? [:]) { $1 }, sessionErrors: sessionErrors, conflict: conflict)
        return try await req.renderPage("training/plan", titleKey: "training.plan", page, status: status)
    }

    @Sendable func showPlan(req: Request) async throws -> Response {
        try await Self.renderPlan(req, try await req.record(TrainingPlanKind.self, for: .viewTraining))
    }

    /// Runs a change of a plan; a refusal renders the plan again with the message at its field.
    private func planChange(
        _ req: Request, _ row: TrainingStore.PlanRow, form: PlanForm? = nil, flash: String,
        _ change: () async throws -> Void
    ) async throws -> Response {
        do {
            try await change()
            return req.redirect(to: SiteURL.trainingPlan(row.id), flash: FlashMessage(.success, flash))
        } catch let problems as FieldErrors {
            let fresh = try await TrainingStore(database: req.db).plan(row.id) ?? row
            return try await Self.renderPlan(
                req, fresh, form: form,
                errors: Self.messages(req, problems, numbers: ["hours": form?.hours, "budgetYuan": form?.budgetYuan]),
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let fresh = try await TrainingStore(database: req.db).plan(row.id) ?? row
            return try await Self.renderPlan(
                req, fresh, form: form, errors: ["plan": req.t(conflict.messageKey)],
                conflict: try await conflict.pageView(for: req, keepsTyped: form != nil), status: .conflict)
        }
    }

    @Sendable func updatePlan(req: Request) async throws -> Response {
        let row = try await req.record(TrainingPlanKind.self, for: .manageTraining)
        let form = try req.content.decode(PlanForm.self)
        return try await planChange(req, row, form: form, flash: "training.flash.saved") {
            try await TrainingAPIController.workflow(req).updatePlan(row.id, form.input, context: req.auditContext)
        }
    }

    struct StepForm: Content { var note: String?; var version: String? }

    private func step(_ req: Request, _ step: TrainingPlanStep, _ action: Action) async throws -> Response {
        let row = try await req.record(TrainingPlanKind.self, for: action)
        let form = try req.content.decode(StepForm.self)
        return try await planChange(req, row, flash: "training.flash.\(step.rawValue)") {
            try await TrainingAPIController.workflow(req).step(
                row.id, step, .init(note: form.note, version: Int(form.version ?? "")), context: req.auditContext)
        }
    }

    @Sendable func submit(req: Request) async throws -> Response { try await step(req, .submit, .manageTraining) }
    @Sendable func approve(req: Request) async throws -> Response {
        try await step(req, .approve, .approveTrainingPlans)
    }
    @Sendable func giveBack(req: Request) async throws -> Response {
        try await step(req, .return, .approveTrainingPlans)
    }
    @Sendable func reopen(req: Request) async throws -> Response { try await step(req, .reopen, .manageTraining) }

    @Sendable func addSession(req: Request) async throws -> Response {
        let row = try await req.record(TrainingPlanKind.self, for: .manageTraining)
        let form = try req.content.decode(SessionForm.self)
        do {
            let id = try await TrainingAPIController.workflow(req).addSession(
                planID: row.id, form.input, context: req.auditContext)
            return req.redirect(to: SiteURL.trainingSession(id), flash: FlashMessage(.success, "training.flash.saved"))
        } catch let problems as FieldErrors {
            return try await Self.renderPlan(
                req, row, sessionForm: form,
                sessionErrors: Self.messages(req, problems, numbers: ["hours": form.hours, "costYuan": form.costYuan]),
                status: .unprocessableEntity)
        }
    }
}
