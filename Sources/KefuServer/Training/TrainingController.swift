import Foundation
import KefuDomain
import SQLKit
import Vapor

extension SiteURL {
    static let training = "/training"
    static func trainingPlan(_ id: Int) -> String { "/training/plans/\(id)" }
    static func trainingSession(_ id: Int) -> String { "/training/sessions/\(id)" }
}

/// The training pages (培训, R5.1, R5.2): the plans and the form to make one; a plan with its approval,
/// schedule and plan versus done; a session with enrolment, attendance, scores, ratings and materials;
/// a session's effect on the trainees' work. A refused form comes back with the message at its field
/// and what was typed.
struct TrainingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.grouped("training")
        pages.requiring(.viewTraining).get(use: index)
        pages.requiring(.manageTraining).post("plans", use: createPlan)
        pages.requiring(.viewTraining).get("plans", ":id", use: showPlan)
        pages.requiring(.manageTraining).post("plans", ":id", use: updatePlan)
        pages.requiring(.manageTraining).post("plans", ":id", "submission", use: submit)
        pages.requiring(.approveTrainingPlans).post("plans", ":id", "approval", use: approve)
        pages.requiring(.approveTrainingPlans).post("plans", ":id", "return", use: giveBack)
        pages.requiring(.manageTraining).post("plans", ":id", "reopening", use: reopen)
        pages.requiring(.manageTraining).post("plans", ":id", "sessions", use: addSession)
        pages.requiring(.viewTraining).get("sessions", ":id", use: showSession)
        pages.requiring(.manageTraining).post("sessions", ":id", "outcome", use: recordOutcome)
        pages.requiring(.manageTraining).post("sessions", ":id", "enrolments", use: enrol)
        pages.requiring(.manageTraining).post("sessions", ":id", "enrolments", ":enrolmentID", use: recordEnrolment)
        pages.requiring(.rateTraining).post("sessions", ":id", "rating", use: rate)
        pages.requiring(.viewTraining).get("sessions", ":id", "effect", use: effect)
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
        var plan: TrainingPlanDTO, budget: String, hours: String, sessions: [Session], hasSessions: Bool,
            figures: [Figure], totals: [Figure]
        var isEditable: Bool, canEdit: Bool, canSubmit: Bool, canDecide: Bool, canReopen: Bool, canAddSession: Bool
        var areas: [Check], methods: [Check], form: [String: String], errors: [String: String]
        var sessionAreas: [ChoiceOption], sessionMethods: [ChoiceOption], aimed: [Check], sessionForm: [String: String],
            sessionErrors: [String: String]
    }

    static func renderPlan(
        _ req: Request, _ row: TrainingStore.PlanRow, form: PlanForm? = nil, errors: [String: String] = [:],
        sessionForm: SessionForm? = nil,
        sessionErrors: [String: String] = [:], status: HTTPResponseStatus = .ok
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
            plan: dto, budget: Self.yuan(row.budgetYuan), hours: Self.number(row.hours), sessions: sessions,
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
            .merging(sessionForm?.values ?? [:]) { $1 }, sessionErrors: sessionErrors)
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
        } catch let error as KefuError where error.status == .conflict {
            let fresh = try await TrainingStore(database: req.db).plan(row.id) ?? row
            return try await Self.renderPlan(
                req, fresh, form: form, errors: ["plan": req.t(error.messageKey)], status: .conflict)
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

    // MARK: A session

    struct SessionPage: Encodable {
        struct Row: Encodable {
            var id: Int, name: String, attended: String, attendedYes: Bool, attendedNo: Bool, scoreBefore: String,
                scoreAfter: String, beforeText: String, afterText: String, gain: String
            var rating: String, comment: String?, isOutstanding: Bool, version: Int, error: String?
        }
        struct Material: Encodable { var id: Int; var name: String; var size: String; var uploadedBy: String }
        var session: TrainingSessionDTO, hours: String, cost: String, aimed: String, rows: [Row], hasRows: Bool,
            pager: Pager, hasPages: Bool, materials: [Material], hasMaterials: Bool
        var canManage: Bool, canRecordOutcome: Bool, canEnrol: Bool, canScore: Bool, canRate: Bool, isHeld: Bool,
            people: [ChoiceOption], hasPeople: Bool
        var form: [String: String], errors: [String: String], rowErrors: [String: String]
    }

    static func renderSession(
        _ req: Request, _ row: TrainingStore.SessionRow, form: [String: String] = [:], errors: [String: String] = [:],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = TrainingStore(database: req.db)
        // A session of the whole department has hundreds of trainees: the page lists them a page at a time.
        let asked = try req.paging
        let paging = req.queryParameters["perPage"] == nil ? Paging(number: asked.number, size: 50) : asked
        let (enrolments, total) = try await store.enrolments(
            sessionID: row.id, staffID: req.seesOnlyOwnTraining ? staff.id : nil, paging: paging)
        let dto = TrainingSessionDTO(row, enrolments: enrolments, words: req.trainingWords)
        let facts = RecordFacts(departmentID: row.departmentID)
        let manages = AccessPolicy.permits(staff.actor, .manageTraining, on: facts)
        let held = row.sessionState == .held
        let rows = dto.enrolments.map { e in
            SessionPage.Row(
                id: e.id, name: e.staffName,
                attended: e.attended.map { req.t($0 ? "training.attended" : "training.absent") } ?? "—",
                attendedYes: e.attended == true, attendedNo: e.attended == false,
                scoreBefore: form["enrolment_\(e.id)_scoreBefore"] ?? e.scoreBefore.map(AssessmentCalculation.text)
                    ?? "",
                scoreAfter: form["enrolment_\(e.id)_scoreAfter"] ?? e.scoreAfter.map(AssessmentCalculation.text) ?? "",
                beforeText: number(e.scoreBefore), afterText: number(e.scoreAfter),
                gain: e.scoreGain.map { ($0 > 0 ? "+" : "") + AssessmentCalculation.text($0) } ?? "—",
                rating: e.rating.map { "\($0) / 5" } ?? "—", comment: e.ratingComment, isOutstanding: e.isOutstanding,
                version: e.version,
                error: errors["enrolment_\(e.id)"])
        }
        let own = try await store.enrolment(sessionID: row.id, staffID: staff.id)
        var people: [ChoiceOption] = []
        if manages {
            for person in try await req.db.sql().raw(
                """
                SELECT id, display_name FROM staff WHERE department_id = \(bind: row.departmentID) AND role = 'specialist' AND is_active = \(bind: true)
                  AND NOT EXISTS (SELECT 1 FROM training_enrolments e WHERE e.session_id = \(bind: row.id) AND e.staff_id = staff.id)
                ORDER BY display_name
                """
            ).all() {
                let id = try person.decode(column: "id", as: Int.self)
                people.append(
                    ChoiceOption(
                        value: String(id), labelKey: "",
                        label: try person.decode(column: "display_name", as: String.self),
                        isSelected: form["staffID"] == String(id)))
            }
        }
        let materials = try await TrainingMaterialsController.store(req).list(
            TrainingSessionKind.self, recordIDs: [row.id]
        ).map {
            SessionPage.Material(
                id: $0.id, name: $0.fileName, size: "\(max(1, $0.byteCount / 1024)) KB",
                uploadedBy: $0.uploaderName ?? "")
        }
        let words = req.trainingWords
        let page = SessionPage(
            session: dto, hours: number(row.hours), cost: yuan(row.costYuan),
            aimed: row.aimed.map { words.figure($0.rawValue) }.joined(separator: "、"),
            rows: rows, hasRows: !rows.isEmpty,
            pager: Pager(
                request: paging, total: total, path: SiteURL.trainingSession(row.id),
                query: asked.size == paging.size ? ["perPage": String(paging.size)] : [:]),
            hasPages: total > paging.size, materials: materials, hasMaterials: !materials.isEmpty,
            canManage: manages,
            canRecordOutcome: manages && row.planState == TrainingPlanState.approved.rawValue,
            canEnrol: manages && row.sessionState != .cancelled,
            canScore: manages && held,
            canRate: AccessPolicy.allows(staff.role, .rateTraining) && held && own?.attended == true
                && own?.rating == nil, isHeld: held, people: people, hasPeople: !people.isEmpty,
            form: [
                "heldOn": row.heldOn ?? row.scheduledOn, "supervisorNote": row.supervisorNote ?? "", "rating": "",
                "comment": "",
            ].merging(form) { $1 },
            errors: errors, rowErrors: [:])
        return try await req.renderPage("training/session", titleKey: "training.session", page, status: status)
    }

    @Sendable func showSession(req: Request) async throws -> Response {
        try await Self.renderSession(req, try await req.trainingSession(for: .viewTraining))
    }

    /// Runs a change of a session; a refusal renders the session again with the message at its field.
    private func sessionChange(
        _ req: Request, _ row: TrainingStore.SessionRow, form: [String: String], prefix: String = "",
        _ change: () async throws -> Void
    ) async throws -> Response {
        do {
            try await change()
            return req.redirect(
                to: SiteURL.trainingSession(row.id), flash: FlashMessage(.success, "training.flash.saved"))
        } catch let problems as FieldErrors {
            var errors = Self.messages(req, problems)
            if !prefix.isEmpty { errors = [prefix: errors.values.sorted().joined(separator: " ")] }
            return try await Self.renderSession(
                req, try await TrainingStore(database: req.db).session(row.id) ?? row, form: form, errors: errors,
                status: .unprocessableEntity)
        } catch let error as KefuError where error.status == .conflict {
            let key = prefix.isEmpty ? "session" : prefix
            return try await Self.renderSession(
                req, try await TrainingStore(database: req.db).session(row.id) ?? row, form: form,
                errors: [key: req.t(error.messageKey)], status: .conflict)
        }
    }

    private func fields(_ req: Request) throws -> [String: String] {
        try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
    }

    @Sendable func recordOutcome(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        let form = try fields(req)
        return try await sessionChange(req, row, form: form) {
            try await TrainingAPIController.workflow(req).recordOutcome(
                row.id,
                .init(
                    state: form["state"], heldOn: form["heldOn"], supervisorNote: form["supervisorNote"],
                    version: Int(form["version"] ?? "")),
                today: TrainingAPIController.today(req), context: req.auditContext)
        }
    }

    @Sendable func enrol(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        let form = try fields(req)
        return try await sessionChange(req, row, form: form) {
            _ = try await TrainingAPIController.workflow(req).enrol(
                sessionID: row.id, .init(staffID: Int(form["staffID"] ?? "")), context: req.auditContext)
        }
    }

    @Sendable func recordEnrolment(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .manageTraining)
        guard let enrolmentID = req.parameters.get("enrolmentID", as: Int.self) else { throw KefuError.notFound }
        let form = try fields(req)
        func score(_ key: String) -> Double? {
            let text = (form[key] ?? "").trimmed
            return text.isEmpty ? nil : Double(text) ?? .nan
        }
        let attended: Bool? = form["attended"] == "1" ? true : form["attended"] == "0" ? false : nil
        let typed = [
            "enrolment_\(enrolmentID)_scoreBefore": form["scoreBefore"] ?? "",
            "enrolment_\(enrolmentID)_scoreAfter": form["scoreAfter"] ?? "",
        ]
        return try await sessionChange(req, row, form: typed, prefix: "enrolment_\(enrolmentID)") {
            try await TrainingAPIController.workflow(req).recordEnrolment(
                sessionID: row.id, enrolmentID: enrolmentID,
                .init(
                    attended: attended, scoreBefore: score("scoreBefore"), scoreAfter: score("scoreAfter"),
                    version: Int(form["version"] ?? "")),
                context: req.auditContext)
        }
    }

    @Sendable func rate(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .rateTraining)
        let form = try fields(req)
        return try await sessionChange(req, row, form: form) {
            try await TrainingAPIController.workflow(req).rate(
                sessionID: row.id, staffID: try req.requireStaff().id,
                .init(rating: Int(form["rating"] ?? ""), comment: form["comment"]), context: req.auditContext)
        }
    }

    // MARK: Effect

    struct EffectPage: Encodable {
        struct Cell: Encodable {
            var label: String; var before: String; var after: String; var delta: String; var trend: String
        }
        struct Span: Encodable { var days: Int; var window: String; var isComplete: Bool; var cells: [Cell] }
        struct Trainee: Encodable {
            var name: String; var test: String; var rating: String; var isOutstanding: Bool; var spans: [Span]
        }
        var sessionID: Int, title: String, heldOn: String, isHeld: Bool, trainees: [Trainee], hasTrainees: Bool
    }

    @Sendable func effect(req: Request) async throws -> Response {
        let row = try await req.trainingSession(for: .viewTraining)
        let dto = try await TrainingAPIController.effectDTO(req, row)
        let trainees = dto.trainees.map { t in
            EffectPage.Trainee(
                name: t.staffName,
                test: "\(Self.number(t.scoreBefore)) → \(Self.number(t.scoreAfter))"
                    + (t.scoreGain.map { " (\($0 > 0 ? "+" : "")\(AssessmentCalculation.text($0)))" } ?? ""),
                rating: t.rating.map { "\($0) / 5" } ?? "—", isOutstanding: t.isOutstanding,
                spans: t.spans.map { span in
                    EffectPage.Span(
                        days: span.days,
                        window: "\(span.beforeStart) – \(span.beforeEnd) → \(span.afterStart) – \(span.afterEnd)",
                        isComplete: span.isComplete,
                        cells: span.changes.map { c in
                            EffectPage.Cell(
                                label: c.label, before: Self.number(c.before), after: Self.number(c.after),
                                delta: c.delta.map { ($0 > 0 ? "+" : "") + AssessmentCalculation.text($0) } ?? "—",
                                trend: c.delta.map { $0 > 0 ? "up" : $0 < 0 ? "down" : "flat" } ?? "none")
                        })
                })
        }
        let page = EffectPage(
            sessionID: row.id, title: row.title, heldOn: row.heldOn ?? "—", isHeld: row.sessionState == .held,
            trainees: trainees,
            hasTrainees: !trainees.isEmpty)
        return try await req.renderPage("training/effect", titleKey: "training.effect", page)
    }
}
