import Foundation
import KefuDomain
import Vapor

/// The penalty pages (R7.2): imposing one on someone of the team with its cause; a penalty's page with
/// the person's appeal (once, within the window) and the decision on it.
struct PenaltiesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.imposePenalties).get(.newConductPenalty, use: new)
        routes.requiring(.imposePenalties).post(.conductPenalties, use: create)
        routes.requiring(.viewConduct).get(.conductPenalty, use: show)
        routes.requiring(.appealPenalty).post(.conductPenaltyAppeal, use: appeal)
        routes.requiring(.decideAppeals).post(.conductPenaltyDecision, use: decide)
    }

    struct FormPage: Encodable {
        var people: [ChoiceOption], kinds: [ChoiceOption], causeKinds: [ChoiceOption], form: [String: String],
            errors: [String: String], appealDays: Int
    }

    private func renderNew(
        _ req: Request, form: [String: String], errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = FormPage(
            people: try await ConductController.people(req, selected: form["staffID"]),
            kinds: ConductController.choices(
                PenaltyKind.allCases.map(\.rawValue), prefix: "conduct.penalty_kind", selected: form["kind"],
                empty: "conduct.choose_kind"),
            causeKinds: ConductController.referenceKinds(req, selected: form["causeType"], withAuditEntries: false),
            form: form, errors: errors,
            appealDays: req.kefu.configuration.conduct.appealDays)
        return try await req.renderPage(
            "conduct/penalty_form", titleKey: "conduct.impose_penalty", page, status: status)
    }

    @Sendable func new(req: Request) async throws -> Response {
        var form: [String: String] = [:]
        for key in ["staffID", "causeType", "causeID"] { form[key] = try? req.query.get(String.self, at: key) }
        return try await renderNew(req, form: form)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try ConductController.form(req)
        let amountText = (form["amount"] ?? "").trimmed
        // The cause is typed as the number printed on its record (KQ-2026-000012), never as an id.
        let causeText = (form["causeID"] ?? "").trimmed
        let cause = try await RecordReferences.typed(type: form["causeType"], text: causeText, on: req.db)
        let input = PenaltyStore.Input(
            staffID: Int(form["staffID"] ?? ""), kind: form["kind"], causeType: form["causeType"],
            causeID: cause?.id, amount: amountText.isEmpty ? nil : Int(amountText) ?? -1, reason: form["reason"])
        do {
            let person = try await ConductPerson.target(
                input.staffID, actor: try req.requireStaff().actor, action: .imposePenalties, on: req.db)
            let id = try await ConductAPIController.penaltyStore(req).impose(
                input, person: person, context: req.auditContext)
            return req.redirect(
                to: SiteURL.conductPenalty(id).path, flash: FlashMessage(.success, "conduct.flash.penalty_imposed"))
        } catch let problems as FieldErrors {
            var messages = ConductController.messages(req, problems)
            if cause == nil && !causeText.isEmpty { messages["cause"] = req.t("conduct.error.unknown_record") }
            return try await renderNew(req, form: form, errors: messages, status: .unprocessableEntity)
        }
    }

    struct ShowPage: Encodable {
        var id: Int, person: String, kind: String, amount: String, cause: String, causeLink: String?, reason: String,
            imposedAt: String, imposedBy: String
        var appealUntil: String, status: String, statusCode: String, appealReason: String, appealedAt: String,
            decisionNote: String, decidedBy: String
        var decider: String, version: Int, canAppeal: Bool, appealClosed: Bool, canDecide: Bool,
            decisions: [ChoiceOption]
        var error: String?, errors: [String: String], form: [String: String]
        /// What changed meanwhile, when a form was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    private func renderShow(
        _ req: Request, _ row: PenaltyStore.Row, form: [String: String] = [:], errors: [String: String] = [:],
        error: String? = nil, conflict: ConflictView? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff(), words = req.words
        let settings = req.kefu.configuration.conduct
        let facts = RecordFacts(responsibleStaffID: row.staffID, departmentID: row.departmentID)
        let appealRefusal = ConductRules.appealRefusal(
            staffID: row.staffID, appellantID: staff.id, status: row.penaltyStatus, deadline: row.appealUntil,
            now: req.now)
        let decisionRefusal = ConductRules.decisionRefusal(
            kind: row.penaltyKind, status: row.penaltyStatus, deciderIsLeadership: staff.role == .leadership,
            settings: settings)
        let conduct = ConductWords(
            words: words, numbers: try await RecordReferences.numbers(of: [row.cause], on: req.db))
        let page = ShowPage(
            id: row.id, person: row.staffName, kind: words.label("conduct.penalty_kind", row.kind),
            amount: row.amount.map { "¥\($0)" } ?? "—",
            cause: conduct.cause(row.cause), causeLink: conduct.link(row.cause), reason: row.reason,
            imposedAt: DisplayFormat.dateTime(row.imposedAt), imposedBy: words.orDash(row.imposedByName),
            appealUntil: DisplayFormat.dateTime(row.appealUntil),
            status: words.label("conduct.penalty_status", row.status), statusCode: row.status,
            appealReason: words.orDash(row.appealReason),
            appealedAt: row.appealedAt.map(DisplayFormat.dateTime) ?? "—", decisionNote: words.orDash(row.decisionNote),
            decidedBy: words.orDash(row.decidedByName),
            decider: words.t("conduct.decider.\(settings.decider(for: row.penaltyKind).rawValue)"),
            version: row.version,
            canAppeal: AccessPolicy.permits(staff.actor, .appealPenalty, on: facts) && appealRefusal == nil,
            appealClosed: staff.id == row.staffID && appealRefusal == "conduct.error.appeal_late",
            canDecide: AccessPolicy.permits(staff.actor, .decideAppeals, on: facts) && decisionRefusal == nil
                && staff.id != row.staffID,
            decisions: ConductController.choices(
                ["upheld", "revoked"], prefix: "conduct.decision", selected: form["decision"]),
            error: error, errors: errors, form: form, conflict: conflict)
        return try await req.renderPage("conduct/penalty", titleKey: "conduct.penalty", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(PenaltyRecordKind.self, for: .viewConduct))
    }

    private func act(_ req: Request, _ row: PenaltyStore.Row, form: [String: String], _ body: () async throws -> Void)
        async throws -> Response
    {
        do {
            try await body()
            return req.redirect(
                to: SiteURL.conductPenalty(row.id).path, flash: FlashMessage(.success, "assessment.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, form: form, errors: ConductController.messages(req, problems), status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let current = try await PenaltyStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, current, form: form, error: req.t(conflict.messageKey),
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .forbidden {
            let current = try await PenaltyStore(database: req.db).find(row.id) ?? row
            return try await renderShow(req, current, form: form, error: req.t(error.messageKey), status: error.status)
        }
    }

    @Sendable func appeal(req: Request) async throws -> Response {
        let row = try await req.record(PenaltyRecordKind.self, for: .appealPenalty)
        let form = try ConductController.form(req)
        return try await act(req, row, form: form) {
            try await ConductAPIController.penaltyStore(req).appeal(
                row, reason: form["reason"] ?? "", version: Int(form["version"] ?? "") ?? -1,
                context: req.auditContext)
        }
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let row = try await req.record(PenaltyRecordKind.self, for: .decideAppeals)
        let form = try ConductController.form(req)
        return try await act(req, row, form: form) {
            try await ConductAPIController.penaltyStore(req).decide(
                row, decision: form["decision"] ?? "", note: form["note"] ?? "",
                deciderIsLeadership: try req.requireStaff().role == .leadership,
                version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
        }
    }
}
