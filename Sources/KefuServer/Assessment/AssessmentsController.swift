import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The assessment pages (考核, R5.3): the cycles and the form to open one, a cycle's people with
/// sign-off and the payroll export, and one assessment with its calculation line by line and the form
/// of whoever acts next. A refused form comes back with the message at its field and what was typed.
struct AssessmentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewAssessments).get(.assessments, use: index)
        routes.requiring(.manageAssessments).post(.assessmentCycles, use: createCycle)
        routes.requiring(.viewAssessments).get(.assessmentCycle, use: showCycle)
        routes.requiring(.manageAssessments).post(.assessmentCycleRecomputation, use: recompute)
        routes.requiring(.signOffAssessments).post(.assessmentCycleSignOff, use: signOff)
        routes.requiring(.exportAssessmentDecisions).get(.assessmentCycleDecisionsCSV, use: export)
        routes.requiring(.viewAssessments).get(.assessment, use: show)
        routes.requiring(.respondToAssessment).post(.assessmentSelfEvaluation, use: selfEvaluate)
        routes.requiring(.manageAssessments).post(.assessmentSupervisorEvaluation, use: supervisorEvaluate)
        routes.requiring(.respondToAssessment).post(.assessmentResponse, use: respond)
        routes.requiring(.manageAssessments).post(.assessmentAppealAnswer, use: answerAppeal)
        routes.requiring(.manageAssessments).post(.assessmentDecisions, use: addDecision)
    }

    // MARK: The list and a new cycle

    struct IndexPage: Encodable {
        struct Cycle: Encodable {
            var id: Int; var name: String; var period: String; var state: String; var stateLabel: String;
            var people: Int
        }
        struct Own: Encodable {
            var id: Int; var cycleName: String; var stateLabel: String; var total: String; var gradeLabel: String
            /// The cycle, for rating colleagues in it (R5.3 teamwork) while it is open.
            var cycleID: Int = 0; var isOpen: Bool = false
        }
        struct WeightRow: Encodable { var code: String; var label: String; var value: String; var error: String? }
        struct TargetRow: Encodable { var code: String; var label: String; var value: String; var error: String? }
        struct PersonChoice: Encodable { var id: Int; var name: String; var isChecked: Bool }
        var cycles: [Cycle], hasCycles: Bool, own: [Own], hasOwn: Bool, canCreate: Bool, team: [PersonChoice]
        var canRateColleagues = false
        var form: [String: String], errors: [String: String], weights: [WeightRow], targets: [TargetRow]
    }

    private func renderIndex(
        _ req: Request, form: [String: String] = [:], errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let words = req.assessmentWords
        let store = AssessmentStore(database: req.db)
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewAssessments)
        var cycles: [IndexPage.Cycle] = []
        if scope == .any || scope == .team {
            for cycle in try await store.cycles(departmentID: scope == .any ? nil : staff.departmentID) {
                cycles.append(
                    .init(
                        id: cycle.id, name: cycle.name, period: "\(cycle.periodStart) – \(cycle.periodEnd)",
                        state: cycle.state,
                        stateLabel: words.cycleState(cycle.state),
                        people: try await store.assessments(cycleID: cycle.id).count))
            }
        }
        let own = try await store.assessments(ofStaff: staff.id).map {
            IndexPage.Own(
                id: $0.id, cycleName: $0.cycleName, stateLabel: words.state($0.state),
                total: $0.total.map(AssessmentCalculation.text) ?? "—",
                gradeLabel: words.grade($0.grade), cycleID: $0.cycleID, isOpen: $0.frozen == .open)
        }
        let standard = AssessmentWeights.standard
        let weights = AssessmentDimension.allCases.map {
            IndexPage.WeightRow(
                code: $0.rawValue, label: words.dimension($0.rawValue),
                value: form["weight_\($0.rawValue)"] ?? String(standard.percent($0)),
                error: errors["weights.\($0.rawValue)"])
        }
        let targetErrors = targetFieldErrors(errors, form: form)
        let targets = WorkFigure.allCases.map {
            IndexPage.TargetRow(
                code: $0.rawValue, label: words.figure($0.rawValue), value: form["target_\($0.rawValue)"] ?? "",
                error: targetErrors[$0.rawValue])
        }
        let defaults = ["name": "", "periodStart": "", "periodEnd": "", "excellent": "90", "good": "80", "pass": "60"]
        let canCreate = AccessPolicy.allows(staff.role, .manageAssessments)
        var team: [IndexPage.PersonChoice] = []
        if canCreate {
            team = try await req.db.sql().raw(
                """
                SELECT id, display_name FROM staff WHERE department_id = \(bind: staff.departmentID) AND role = 'specialist' AND is_active = \(bind: true)
                ORDER BY display_name, id
                """
            ).all().map {
                let id = try $0.decode(column: "id", as: Int.self)
                return IndexPage.PersonChoice(
                    id: id, name: try $0.decode(column: "display_name", as: String.self),
                    isChecked: form.isEmpty || form["person_\(id)"] != nil)
            }
        }
        var page = IndexPage(
            cycles: cycles, hasCycles: !cycles.isEmpty, own: own, hasOwn: !own.isEmpty,
            canCreate: canCreate, team: team, form: defaults.merging(form) { $1 }, errors: errors,
            weights: weights, targets: targets)
        page.canRateColleagues = AccessPolicy.allows(staff.role, .rateColleagues)
        return try await req.renderPage("assessment/index", titleKey: "assessment.title", page, status: status)
    }

    /// `targets.N.field` errors refer to the N-th target sent; the form sends them in figure order.
    private func targetFieldErrors(_ errors: [String: String], form: [String: String]) -> [String: String] {
        let sent = WorkFigure.allCases.filter { !(form["target_\($0.rawValue)"] ?? "").trimmed.isEmpty }
        var result: [String: String] = [:]
        for (index, figure) in sent.enumerated() {
            if let message = errors["targets.\(index).target"] ?? errors["targets.\(index).figure"] {
                result[figure.rawValue] = message
            }
        }
        return result
    }

    @Sendable func index(req: Request) async throws -> Response { try await renderIndex(req) }

    @Sendable func createCycle(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        var weights: [String: Int] = [:]
        var errors: [String: String] = [:]
        for dimension in AssessmentDimension.allCases {
            let text = (form["weight_\(dimension.rawValue)"] ?? "").trimmed
            if text.isEmpty { continue }
            if let value = Int(text) {
                weights[dimension.rawValue] = value
            } else {
                errors["weights.\(dimension.rawValue)"] = req.t("assessment.error.weight_range")
            }
        }
        var targets: [AssessmentWorkflow.TargetInput] = []
        for figure in WorkFigure.allCases {
            let text = (form["target_\(figure.rawValue)"] ?? "").trimmed
            if !text.isEmpty { targets.append(.init(figure: figure.rawValue, target: Double(text))) }
        }
        func number(_ key: String) -> Double? { Double((form[key] ?? "").trimmed) }
        let input = AssessmentWorkflow.CycleInput(
            name: form["name"] ?? "", periodStart: form["periodStart"] ?? "", periodEnd: form["periodEnd"] ?? "",
            weights: weights,
            thresholds: .init(
                excellent: number("excellent") ?? -1, good: number("good") ?? -1, pass: number("pass") ?? -1),
            targets: targets,
            staffIDs: form.keys.compactMap { $0.hasPrefix("person_") ? Int($0.dropFirst(7)) : nil }.sorted()
        )
        do {
            if !errors.isEmpty { throw FieldErrors(errors.mapValues { _ in "assessment.error.weight_range" }) }
            let id = try await AssessmentWorkflow(
                database: req.db, serviceQuality: req.application.serviceQualityFigures
            )
            .createCycle(input, departmentID: staff.departmentID, context: req.auditContext)
            return req.redirect(
                to: SiteURL.assessmentCycle(id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderIndex(
                req, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    // MARK: A cycle

    struct CyclePage: Encodable {
        struct Person: Encodable {
            var id: Int; var name: String; var stateLabel: String; var total: String; var gradeLabel: String;
            var grade: String
        }
        var id: Int, name: String, period: String, state: String, stateLabel: String, version: Int, weights: [String],
            targets: [String]
        var thresholds: String, signedOff: String?, people: [Person], canRecompute: Bool, canSignOff: Bool,
            canExport: Bool, error: String?
        /// What changed meanwhile, when a step was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderCycle(
        _ req: Request, _ id: Int, error: String? = nil, conflict: ConflictView? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = AssessmentStore(database: req.db)
        guard let cycle = try await store.cycle(id) else { throw KefuError.notFound }
        let words = req.assessmentWords
        let facts = RecordFacts(departmentID: cycle.departmentID)
        let isOpen = cycle.cycleState == .open
        let people = try await store.assessments(cycleID: id).map {
            CyclePage.Person(
                id: $0.id, name: $0.staffName, stateLabel: words.state($0.state),
                total: $0.total.map(AssessmentCalculation.text) ?? "—",
                gradeLabel: words.grade($0.grade), grade: $0.grade ?? "none")
        }
        let weights = AssessmentDimension.allCases.compactMap { dimension -> String? in
            let percent = cycle.assessmentWeights.percent(dimension)
            return percent > 0 ? "\(words.dimension(dimension.rawValue)) \(percent)%" : nil
        }
        let thresholds = cycle.gradeThresholds
        let page = CyclePage(
            id: id, name: cycle.name, period: "\(cycle.periodStart) – \(cycle.periodEnd)", state: cycle.state,
            stateLabel: words.cycleState(cycle.state),
            version: cycle.version, weights: weights,
            targets: cycle.workTargets.map {
                "\(words.figure($0.figure.rawValue)) \(AssessmentCalculation.text($0.target))"
            },
            thresholds: [AssessmentGrade.excellent, .good, .pass].map {
                "\(words.grade($0.rawValue)) ≥ \(AssessmentCalculation.text(thresholds.threshold(of: $0)))"
            }
            .joined(separator: words.words.listSeparator),
            signedOff: cycle.signedOffAt.map { "\(DisplayFormat.dateTime($0)) · \(cycle.signedOffByName ?? "—")" },
            people: people,
            canRecompute: isOpen && AccessPolicy.permits(staff.actor, .manageAssessments, on: facts),
            canSignOff: isOpen && AccessPolicy.permits(staff.actor, .signOffAssessments, on: facts),
            canExport: !isOpen && AccessPolicy.permits(staff.actor, .exportAssessmentDecisions, on: facts),
            error: error,
            conflict: conflict
        )
        return try await req.renderPage("assessment/cycle", titleKey: "assessment.title", page, status: status)
    }

    @Sendable func showCycle(req: Request) async throws -> Response {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .viewAssessments)
        return try await renderCycle(req, cycle.id)
    }

    struct VersionForm: Content { var version: Int? }

    private func cycleAction(_ req: Request, _ id: Int, _ step: () async throws -> Void) async throws -> Response {
        do {
            try await step()
            return req.redirect(
                to: SiteURL.assessmentCycle(id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderCycle(
                req, id, error: problems.messages.values.map { req.t($0) }.sorted().joined(separator: " "),
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            return try await renderCycle(
                req, id, error: req.t(conflict.messageKey), conflict: try await conflict.pageView(for: req),
                status: .conflict)
        }
    }

    @Sendable func recompute(req: Request) async throws -> Response {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .manageAssessments)
        let form = try req.content.decode(VersionForm.self)
        return try await cycleAction(req, cycle.id) {
            _ = try await workflow(req).recompute(
                cycleID: cycle.id, version: form.version ?? -1, now: req.now, context: req.auditContext)
        }
    }

    @Sendable func signOff(req: Request) async throws -> Response {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .signOffAssessments)
        let form = try req.content.decode(VersionForm.self)
        return try await cycleAction(req, cycle.id) {
            try await workflow(req).signOff(cycleID: cycle.id, version: form.version ?? -1, context: req.auditContext)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .exportAssessmentDecisions)
        do {
            return try await AssessmentExport.response(cycle, on: req)
        } catch let error as KefuError where error.status == .unprocessableEntity {
            return try await renderCycle(
                req, cycle.id, error: req.t("assessment.error.export_before_sign_off"), status: .unprocessableEntity)
        }
    }

    // MARK: One assessment

    struct AssessmentPage: Encodable {
        struct Dimension: Encodable {
            var label: String; var score: String; var weight: String; var contribution: String
        }
        struct Decision: Encodable {
            var kindLabel: String; var amount: String; var basis: String; var decidedBy: String; var decidedAt: String
        }
        var id: Int, cycleID: Int, cycleName: String, staffName: String, state: String, stateLabel: String, version: Int
        var total: String, grade: String, gradeLabel: String, hasResult: Bool, dimensions: [Dimension], lines: [String]
        var selfScore: String, selfSummary: String, skillsRating: String, teamworkRating: String,
            supervisorComment: String, evaluatedBy: String
        var responseComment: String, isAppeal: Bool, hasResponse: Bool, appealAnswer: String, hasAppealAnswer: Bool
        var proposals: [String], decisions: [Decision], hasDecisions: Bool, consequenceOptions: [ChoiceOption]
        var canSelfEvaluate: Bool, canEvaluate: Bool, canRespond: Bool, canAnswer: Bool, canDecide: Bool, isFrozen: Bool
        var form: [String: String], errors: [String: String]
        /// What changed meanwhile, when a form was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderAssessment(
        _ req: Request, _ id: Int, form: [String: String] = [:], errors: [String: String] = [:],
        conflict: ConflictView? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = AssessmentStore(database: req.db)
        guard let row = try await store.assessment(id) else { throw KefuError.notFound }
        let words = req.assessmentWords
        let facts = RecordFacts(responsibleStaffID: row.staffID, departmentID: row.departmentID)
        let result = row.calculation
        let state = row.assessmentState, cycle = row.frozen
        let manage = AccessPolicy.permits(staff.actor, .manageAssessments, on: facts)
        let respond = AccessPolicy.permits(staff.actor, .respondToAssessment, on: facts)
        func number(_ value: Double?) -> String { value.map(AssessmentCalculation.text) ?? "—" }
        let decisions = try await store.decisions(assessmentID: id).map {
            AssessmentPage.Decision(
                kindLabel: words.consequence($0.kind), amount: $0.amountYuan.map { "\($0)" } ?? "—", basis: $0.basis,
                decidedBy: $0.decidedByName ?? "—", decidedAt: DisplayFormat.dateTime($0.decidedAt))
        }
        let chosen = form["kind"] ?? ""
        let options =
            [ChoiceOption(value: "", labelKey: "", label: "—", isSelected: chosen.isEmpty)]
            + ConsequenceKind.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "assessment.consequence.\($0.rawValue)",
                    isSelected: chosen == $0.rawValue)
            }
        let defaults = [
            "score": row.selfScore.map(AssessmentCalculation.text) ?? "", "summary": row.selfSummary ?? "",
            "skillsRating": row.skillsRating.map(AssessmentCalculation.text) ?? "",
            "teamworkRating": row.teamworkRating.map(AssessmentCalculation.text) ?? "",
            "comment": "", "answer": "", "amountYuan": "", "basis": "",
        ]
        let page = AssessmentPage(
            id: row.id, cycleID: row.cycleID, cycleName: row.cycleName, staffName: row.staffName, state: row.state,
            stateLabel: words.state(row.state),
            version: row.version, total: number(row.total), grade: row.grade ?? "none",
            gradeLabel: words.grade(row.grade), hasResult: result != nil,
            dimensions: (result?.dimensions ?? []).map {
                AssessmentPage.Dimension(
                    label: words.dimension($0.dimension.rawValue), score: number($0.score),
                    weight: "\($0.weight)% → \(AssessmentCalculation.text($0.effectiveWeight))%",
                    contribution: AssessmentCalculation.text($0.contribution))
            },
            lines: (result?.lines ?? []).map(words.line), selfScore: number(row.selfScore),
            selfSummary: words.words.orDash(row.selfSummary),
            skillsRating: number(row.skillsRating), teamworkRating: number(row.teamworkRating),
            supervisorComment: words.words.orDash(row.supervisorComment),
            evaluatedBy: words.words.orDash(row.evaluatedByName),
            responseComment: words.words.orDash(row.responseComment), isAppeal: row.isAppeal,
            hasResponse: row.respondedAt != nil, appealAnswer: words.words.orDash(row.appealAnswer),
            hasAppealAnswer: row.answeredAt != nil,
            proposals: (result?.grade).map { ConsequenceKind.proposals(for: $0).map { words.consequence($0.rawValue) } }
                ?? [],
            decisions: decisions, hasDecisions: !decisions.isEmpty, consequenceOptions: options,
            canSelfEvaluate: respond && AssessmentRules.selfEvaluationProblem(cycle: cycle, state: state) == nil,
            canEvaluate: manage && AssessmentRules.supervisorEvaluationProblem(cycle: cycle, state: state) == nil,
            canRespond: respond && cycle == .open && state == .evaluated,
            canAnswer: manage && cycle == .open && state == .appealed,
            canDecide: manage && AssessmentRules.decisionProblem(cycle: cycle, state: state) == nil,
            isFrozen: cycle == .signedOff,
            form: defaults.merging(form) { $1 }, errors: errors, conflict: conflict
        )
        return try await req.renderPage("assessment/show", titleKey: "assessment.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .viewAssessments)
        return try await renderAssessment(req, row.id)
    }

    private func workflow(_ req: Request) -> AssessmentWorkflow {
        AssessmentWorkflow(database: req.db, serviceQuality: req.application.serviceQualityFigures)
    }

    /// Runs a form's step; a problem re-renders the page with the messages at their fields and the typed values.
    private func act(_ req: Request, _ id: Int, form: [String: String], _ step: () async throws -> Void) async throws
        -> Response
    {
        do {
            try await step()
            return req.redirect(
                to: SiteURL.assessment(id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderAssessment(
                req, id, form: form, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            return try await renderAssessment(
                req, id, form: form, errors: ["version": req.t(conflict.messageKey)],
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
        }
    }

    private func formValues(_ req: Request) throws -> [String: String] {
        try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
    }

    /// A number typed in a form: nil when empty, NaN (refused as off the scale) when not a number.
    private func score(_ text: String?) -> Double? {
        let text = (text ?? "").trimmed
        return text.isEmpty ? nil : (Double(text) ?? .nan)
    }

    @Sendable func selfEvaluate(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .respondToAssessment)
        let form = try formValues(req)
        return try await act(req, row.id, form: form) {
            try await workflow(req).selfEvaluate(
                row.id,
                .init(score: score(form["score"]), summary: form["summary"], version: Int(form["version"] ?? "")),
                context: req.auditContext)
        }
    }

    @Sendable func supervisorEvaluate(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        let form = try formValues(req)
        return try await act(req, row.id, form: form) {
            try await workflow(req).supervisorEvaluate(
                row.id,
                .init(
                    skillsRating: score(form["skillsRating"]), teamworkRating: score(form["teamworkRating"]),
                    comment: form["comment"], version: Int(form["version"] ?? "")),
                now: req.now, context: req.auditContext)
        }
    }

    @Sendable func respond(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .respondToAssessment)
        let form = try formValues(req)
        return try await act(req, row.id, form: form) {
            try await workflow(req).respond(
                row.id,
                .init(appeal: form["appeal"] == "1", comment: form["comment"], version: Int(form["version"] ?? "")),
                context: req.auditContext)
        }
    }

    @Sendable func answerAppeal(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        let form = try formValues(req)
        return try await act(req, row.id, form: form) {
            try await workflow(req).answerAppeal(
                row.id,
                .init(
                    answer: form["answer"], skillsRating: score(form["skillsRating"]),
                    teamworkRating: score(form["teamworkRating"]), version: Int(form["version"] ?? "")),
                now: req.now, context: req.auditContext)
        }
    }

    @Sendable func addDecision(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        let form = try formValues(req)
        let amountText = (form["amountYuan"] ?? "").trimmed
        return try await act(req, row.id, form: form) {
            if !amountText.isEmpty, Int(amountText) == nil {
                throw FieldErrors(["amountYuan": "assessment.error.amount_range"])
            }
            _ = try await workflow(req).addDecision(
                assessmentID: row.id,
                .init(kind: form["kind"] ?? "", amountYuan: Int(amountText), basis: form["basis"] ?? ""),
                context: req.auditContext)
        }
    }
}
