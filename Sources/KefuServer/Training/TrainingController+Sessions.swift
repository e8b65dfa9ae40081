import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A training session's page — its outcome, enrolments, scores and ratings — and a session's effect on the
/// trainees' own figures (R5.2).
extension TrainingController {
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
        /// What changed meanwhile, when a change was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    static func renderSession(
        _ req: Request, _ row: TrainingStore.SessionRow, form: [String: String] = [:], errors: [String: String] = [:],
        conflict: ConflictView? = nil, status: HTTPResponseStatus = .ok
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
            errors: errors, rowErrors: [:], conflict: conflict)
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
        } catch let conflict as RecordConflict {
            let key = prefix.isEmpty ? "session" : prefix
            return try await Self.renderSession(
                req, try await TrainingStore(database: req.db).session(row.id) ?? row, form: form,
                errors: [key: req.t(conflict.messageKey)],
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
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
