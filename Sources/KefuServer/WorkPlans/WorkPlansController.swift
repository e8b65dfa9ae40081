import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The work plan pages (工作计划, R2.2): the plans with their progress and the form to set one; a
/// plan's page with each target's live progress, the records behind a figure, goals to tick off and the
/// supervisor's result at the period's end.
struct WorkPlansController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewWorkPlans).get(.workPlans, use: index)
        routes.requiring(.manageWorkPlans).post(.workPlans, use: create)
        routes.requiring(.viewWorkPlans).get(.workPlan, use: show)
        routes.requiring(.markPlanGoals).post(.workPlanGoal, use: markGoal)
        routes.requiring(.manageWorkPlans).post(.workPlanResult, use: recordResult)
    }

    struct PlanView: Encodable {
        struct Progress: Encodable {
            var figure: String; var label: String; var target: String; var measured: String; var percent: Int;
            var isMet: Bool
        }
        struct Goal: Encodable { var id: Int; var text: String; var isDone: Bool; var doneBy: String }
        var id: Int, title: String, owner: String, period: String, progress: [Progress], goals: [Goal], hasGoals: Bool
        var resultNote: String, hasResult: Bool, result: [Progress], version: Int
    }

    static func view(_ req: Request, _ row: WorkPlanStore.Row) async throws -> PlanView {
        let dto = try await WorkPlansAPIController.dto(req, row)
        func line(_ progress: WorkPlansAPIController.PlanDTO.Progress) -> PlanView.Progress {
            .init(
                figure: progress.figure, label: progress.label, target: AssessmentCalculation.text(progress.target),
                measured: progress.measured.map(AssessmentCalculation.text) ?? "—",
                percent: Int((progress.percent ?? 0).rounded()), isMet: progress.isMet)
        }
        return PlanView(
            id: dto.id, title: dto.title, owner: dto.staffName ?? req.t("plan.team"),
            period: "\(dto.periodStart) – \(dto.periodEnd)",
            progress: dto.progress.map(line),
            goals: dto.goals.map { .init(id: $0.id, text: $0.text, isDone: $0.isDone, doneBy: $0.doneBy ?? "") },
            hasGoals: !dto.goals.isEmpty,
            resultNote: dto.resultNote ?? "", hasResult: dto.resultNote != nil,
            result: (dto.resultProgress ?? []).map(line), version: dto.version
        )
    }

    struct IndexPage: Encodable {
        var plans: [PlanView], hasPlans: Bool, canCreate: Bool, people: [ChoiceOption], kinds: [ChoiceOption]
        var targets: [AssessmentsController.IndexPage.TargetRow], form: [String: String], errors: [String: String]
    }

    private func renderIndex(
        _ req: Request, form: [String: String] = [:], errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = WorkPlanStore(database: req.db)
        let rows: [WorkPlanStore.Row]
        switch AccessPolicy.widestScope(of: staff.role, for: .viewWorkPlans) {
        case .any?: rows = try await store.list(departmentID: nil, staffID: nil)
        case .team?: rows = try await store.list(departmentID: staff.departmentID, staffID: nil)
        default: rows = try await store.list(departmentID: nil, staffID: staff.id)
        }
        var plans: [PlanView] = []
        for row in rows.prefix(30) { plans.append(try await Self.view(req, row)) }
        let canCreate = AccessPolicy.allows(staff.role, .manageWorkPlans)
        var people = [ChoiceOption(value: "", labelKey: "plan.team", isSelected: (form["staffID"] ?? "").isEmpty)]
        if canCreate {
            for row in try await req.db.sql().raw(
                """
                SELECT id, display_name FROM staff WHERE department_id = \(bind: staff.departmentID) AND role = 'specialist' AND is_active = \(bind: true)
                ORDER BY display_name
                """
            ).all() {
                let id = String(try row.decode(column: "id", as: Int.self))
                people.append(
                    ChoiceOption(
                        value: id, labelKey: "", label: try row.decode(column: "display_name", as: String.self),
                        isSelected: form["staffID"] == id))
            }
        }
        let kinds = PlanPeriodKind.allCases.map {
            ChoiceOption(
                value: $0.rawValue, labelKey: "plan.period.\($0.rawValue)",
                isSelected: (form["periodKind"] ?? "month") == $0.rawValue)
        }
        let sent = WorkFigure.allCases.filter { !(form["target_\($0.rawValue)"] ?? "").trimmed.isEmpty }
        let targets = WorkFigure.allCases.map { figure in
            let index = sent.firstIndex(of: figure)
            return AssessmentsController.IndexPage.TargetRow(
                code: figure.rawValue, label: req.assessmentWords.figure(figure.rawValue),
                value: form["target_\(figure.rawValue)"] ?? "",
                error: index.flatMap { errors["targets.\($0).target"] ?? errors["targets.\($0).figure"] })
        }
        let page = IndexPage(
            plans: plans, hasPlans: !plans.isEmpty, canCreate: canCreate, people: people, kinds: kinds,
            targets: targets,
            form: ["title": "", "periodDay": DisplayFormat.dateTime(req.now).prefix(10).description, "goals": ""]
                .merging(form) { $1 },
            errors: errors)
        return try await req.renderPage("work_plans/index", titleKey: "plan.title", page, status: status)
    }

    @Sendable func index(req: Request) async throws -> Response { try await renderIndex(req) }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        let targets = WorkFigure.allCases.compactMap { figure -> WorkPlanStore.CreateInput.Target? in
            let text = (form["target_\(figure.rawValue)"] ?? "").trimmed
            return text.isEmpty ? nil : .init(figure: figure.rawValue, target: Double(text) ?? .nan)
        }
        let input = WorkPlanStore.CreateInput(
            title: form["title"] ?? "", staffID: Int(form["staffID"] ?? ""), periodKind: form["periodKind"] ?? "",
            periodDay: form["periodDay"] ?? "", targets: targets,
            goals: (form["goals"] ?? "").split(whereSeparator: \.isNewline).map(String.init))
        do {
            let id = try await WorkPlanStore(database: req.db).create(
                input, departmentID: staff.departmentID, context: req.auditContext)
            return req.redirect(to: SiteURL.workPlan(id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderIndex(
                req, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    struct ShowPage: Encodable {
        var plan: PlanView; var canMark: Bool; var canRecord: Bool; var error: String?
        /// What changed meanwhile, when the result was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderShow(
        _ req: Request, _ row: WorkPlanStore.Row, error: String? = nil, conflict: ConflictView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let facts = RecordFacts(responsibleStaffID: row.staffID, departmentID: row.departmentID)
        let page = ShowPage(
            plan: try await Self.view(req, row), canMark: AccessPolicy.permits(staff.actor, .markPlanGoals, on: facts),
            canRecord: AccessPolicy.permits(staff.actor, .manageWorkPlans, on: facts), error: error,
            conflict: conflict)
        return try await req.renderPage("work_plans/show", titleKey: "plan.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(WorkPlanKind.self, for: .viewWorkPlans))
    }

    struct GoalForm: Content { var done: String? }

    @Sendable func markGoal(req: Request) async throws -> Response {
        let row = try await req.record(WorkPlanKind.self, for: .markPlanGoals)
        guard let goalID = req.parameters.get("goalID", as: Int.self) else { throw KefuError.notFound }
        try await WorkPlanStore(database: req.db).markGoal(
            planID: row.id, goalID: goalID, done: try req.content.decode(GoalForm.self).done != "0",
            context: req.auditContext)
        return req.redirect(to: SiteURL.workPlan(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
    }

    struct ResultForm: Content { var resultNote: String?; var version: Int? }

    @Sendable func recordResult(req: Request) async throws -> Response {
        let row = try await req.record(WorkPlanKind.self, for: .manageWorkPlans)
        let form = try req.content.decode(ResultForm.self)
        do {
            try await WorkPlanStore(database: req.db).recordResult(
                row, note: form.resultNote ?? "", version: form.version ?? -1,
                serviceQuality: req.application.serviceQualityFigures, context: req.auditContext)
            return req.redirect(
                to: SiteURL.workPlan(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, error: problems.messages.values.map { req.t($0) }.joined(separator: " "),
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let fresh = try await WorkPlanStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, fresh, error: req.t(conflict.messageKey), conflict: try await conflict.pageView(for: req),
                status: .conflict)
        }
    }
}
