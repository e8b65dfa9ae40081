import Foundation
import KefuDomain
import Vapor

/// `/api/v1/assessment-cycles` and `/api/v1/assessments` (R5.3): the supervisor opens a cycle with its
/// dimensions, weights, thresholds and targets; the person evaluates themselves; the supervisor
/// evaluates and the score is computed with every line shown; the person accepts or appeals; the
/// supervisor answers and records decisions; leadership signs off, after which nothing changes; the
/// decisions go to payroll as CSV.
struct AssessmentsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cycles = routes.grouped("assessment-cycles")
        cycles.requiring(.viewAssessments).get(use: listCycles)
        cycles.requiring(.manageAssessments).post(use: createCycle)
        cycles.requiring(.viewAssessments).get(":id", use: showCycle)
        cycles.requiring(.manageAssessments).post(":id", "recomputation", use: recompute)
        cycles.requiring(.signOffAssessments).post(":id", "sign-off", use: signOff)
        cycles.requiring(.exportAssessmentDecisions).get(":id", "decisions.csv", use: exportDecisions)
        let assessments = routes.grouped("assessments")
        assessments.requiring(.viewAssessments).get(use: mine)
        assessments.requiring(.viewAssessments).get(":id", use: show)
        assessments.requiring(.respondToAssessment).post(":id", "self-evaluation", use: selfEvaluate)
        assessments.requiring(.manageAssessments).post(":id", "supervisor-evaluation", use: supervisorEvaluate)
        assessments.requiring(.respondToAssessment).post(":id", "response", use: respond)
        assessments.requiring(.manageAssessments).post(":id", "appeal-answer", use: answerAppeal)
        assessments.requiring(.manageAssessments).post(":id", "decisions", use: addDecision)
    }

    /// Cycles the caller may read: the supervisor's department's, every one for leadership; a
    /// specialist sees the cycles they are assessed in, each with their own assessment only.
    @Sendable func listCycles(req: Request) async throws -> [AssessmentCycleDTO] {
        let staff = try req.requireStaff()
        let store = AssessmentStore(database: req.db)
        switch AccessPolicy.widestScope(of: staff.role, for: .viewAssessments) {
        case .any?:
            return try await store.cycles(departmentID: nil).map {
                AssessmentCycleDTO($0, assessments: [], words: req.assessmentWords)
            }
        case .team?:
            return try await store.cycles(departmentID: staff.departmentID).map {
                AssessmentCycleDTO($0, assessments: [], words: req.assessmentWords)
            }
        default:
            var result: [AssessmentCycleDTO] = []
            for own in try await store.assessments(ofStaff: staff.id) {
                if let cycle = try await store.cycle(own.cycleID) {
                    result.append(AssessmentCycleDTO(cycle, assessments: [own], words: req.assessmentWords))
                }
            }
            return result
        }
    }

    @Sendable func createCycle(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let input = try req.content.decode(AssessmentWorkflow.CycleInput.self)
        let id = try await workflow(req).createCycle(input, departmentID: staff.departmentID, context: req.auditContext)
        return try await Self.cycleDTO(req, id).encodeResponse(status: .created, for: req)
    }

    @Sendable func showCycle(req: Request) async throws -> AssessmentCycleDTO {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .viewAssessments)
        return try await Self.cycleDTO(req, cycle.id)
    }

    struct VersionInput: Content { var version: Int? }

    @Sendable func recompute(req: Request) async throws -> AssessmentCycleDTO {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .manageAssessments)
        let input = try req.content.decode(VersionInput.self)
        _ = try await workflow(req).recompute(
            cycleID: cycle.id, version: try required(input.version), now: req.now, context: req.auditContext)
        return try await Self.cycleDTO(req, cycle.id)
    }

    @Sendable func signOff(req: Request) async throws -> AssessmentCycleDTO {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .signOffAssessments)
        let input = try req.content.decode(VersionInput.self)
        try await workflow(req).signOff(
            cycleID: cycle.id, version: try required(input.version), context: req.auditContext)
        return try await Self.cycleDTO(req, cycle.id)
    }

    /// The decisions of a signed-off cycle for the 财务部's payroll: UTF-8 with BOM, formulas neutralized, audited.
    @Sendable func exportDecisions(req: Request) async throws -> Response {
        let cycle = try await req.record(AssessmentCycleKind.self, for: .exportAssessmentDecisions)
        return try await AssessmentExport.response(cycle, on: req)
    }

    /// The caller's own assessments, newest first.
    @Sendable func mine(req: Request) async throws -> [AssessmentDTO] {
        let staff = try req.requireStaff()
        let store = AssessmentStore(database: req.db)
        var result: [AssessmentDTO] = []
        for row in try await store.assessments(ofStaff: staff.id) {
            result.append(
                AssessmentDTO(
                    row, decisions: try await store.decisions(assessmentID: row.id), words: req.assessmentWords))
        }
        return result
    }

    @Sendable func show(req: Request) async throws -> AssessmentDTO {
        let row = try await req.record(AssessmentKind.self, for: .viewAssessments)
        return try await Self.assessmentDTO(req, row.id)
    }

    @Sendable func selfEvaluate(req: Request) async throws -> AssessmentDTO {
        let row = try await req.record(AssessmentKind.self, for: .respondToAssessment)
        try await workflow(req).selfEvaluate(
            row.id, try req.content.decode(AssessmentWorkflow.SelfInput.self), context: req.auditContext)
        return try await Self.assessmentDTO(req, row.id)
    }

    @Sendable func supervisorEvaluate(req: Request) async throws -> AssessmentDTO {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        try await workflow(req).supervisorEvaluate(
            row.id, try req.content.decode(AssessmentWorkflow.SupervisorInput.self), now: req.now,
            context: req.auditContext)
        return try await Self.assessmentDTO(req, row.id)
    }

    @Sendable func respond(req: Request) async throws -> AssessmentDTO {
        let row = try await req.record(AssessmentKind.self, for: .respondToAssessment)
        try await workflow(req).respond(
            row.id, try req.content.decode(AssessmentWorkflow.ResponseInput.self), context: req.auditContext)
        return try await Self.assessmentDTO(req, row.id)
    }

    @Sendable func answerAppeal(req: Request) async throws -> AssessmentDTO {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        try await workflow(req).answerAppeal(
            row.id, try req.content.decode(AssessmentWorkflow.AppealAnswerInput.self), now: req.now,
            context: req.auditContext)
        return try await Self.assessmentDTO(req, row.id)
    }

    @Sendable func addDecision(req: Request) async throws -> Response {
        let row = try await req.record(AssessmentKind.self, for: .manageAssessments)
        _ = try await workflow(req).addDecision(
            assessmentID: row.id, try req.content.decode(AssessmentWorkflow.DecisionInput.self),
            context: req.auditContext)
        return try await Self.assessmentDTO(req, row.id).encodeResponse(status: .created, for: req)
    }

    // MARK: Helpers

    private func workflow(_ req: Request) -> AssessmentWorkflow {
        AssessmentWorkflow(database: req.db, serviceQuality: req.application.serviceQualityFigures)
    }

    private func required(_ version: Int?) throws -> Int {
        guard let version else { throw KefuError.validation(FieldErrors(["version": "validation.required"])) }
        return version
    }

    static func cycleDTO(_ req: Request, _ id: Int) async throws -> AssessmentCycleDTO {
        let store = AssessmentStore(database: req.db)
        guard let cycle = try await store.cycle(id) else { throw KefuError.notFound }
        return AssessmentCycleDTO(
            cycle, assessments: try await store.assessments(cycleID: id), words: req.assessmentWords)
    }

    static func assessmentDTO(_ req: Request, _ id: Int) async throws -> AssessmentDTO {
        let store = AssessmentStore(database: req.db)
        guard let row = try await store.assessment(id) else { throw KefuError.notFound }
        return AssessmentDTO(row, decisions: try await store.decisions(assessmentID: id), words: req.assessmentWords)
    }
}

extension AssessmentWorkflow.CycleInput: Content {}
extension AssessmentWorkflow.SelfInput: Content {}
extension AssessmentWorkflow.SupervisorInput: Content {}
extension AssessmentWorkflow.ResponseInput: Content {}
extension AssessmentWorkflow.AppealAnswerInput: Content {}
extension AssessmentWorkflow.DecisionInput: Content {}

/// The decisions of a signed-off cycle as CSV for payroll (R5.3: "exportable to CSV for the payroll of 财务部").
enum AssessmentExport {
    static func csv(_ cycle: AssessmentStore.CycleRow, decisions: [AssessmentStore.DecisionRow], words: AssessmentWords)
        -> String
    {
        let header = [
            "cycle", "period", "username", "name", "total", "grade", "decision", "amount_yuan", "basis", "decided_by",
            "decided_at",
        ]
        .map { words.words.t("assessment.csv.\($0)") }
        let rows = decisions.map { row in
            [
                row.cycleName, "\(row.periodStart)–\(row.periodEnd)", row.username, row.staffName,
                row.total.map(AssessmentCalculation.text) ?? "",
                words.grade(row.grade), words.consequence(row.kind), row.amountYuan.map(String.init) ?? "",
                row.basis, row.decidedByName ?? "", DisplayFormat.dateTime(row.decidedAt),
            ]
        }
        return CSVTable.write(header: header, rows: rows)
    }

    static func response(_ cycle: AssessmentStore.CycleRow, on req: Request) async throws -> Response {
        guard cycle.cycleState == .signedOff else {
            throw KefuError.validation(FieldErrors(["cycle": "assessment.error.export_before_sign_off"]))
        }
        let decisions = try await AssessmentStore(database: req.db).decisions(cycleID: cycle.id)
        let text = csv(cycle, decisions: decisions, words: req.assessmentWords)
        try await AuditLog.record(
            "assessment_cycle.exported", recordType: AssessmentCycleKind.recordType, recordID: String(cycle.id),
            fields: ["decisions"], message: AuditMessage.cycleRows(cycle.name, rows: "\(decisions.count)"),
            context: req.auditContext,
            on: req.db)
        let response = Response(status: .ok, body: .init(data: Data(CSVText.encodeForExcel(text))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"assessment-\(cycle.id)-decisions.csv\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
