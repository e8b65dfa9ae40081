import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The public survey page (`/survey/<token>`, no sign-in, phone-sized) and the specialist's action
/// that issues a link for a closed complaint, with the text to copy into WeChat, SMS or e-mail.
struct SurveyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.open().get(.publicSurvey, use: show)
        routes.open().on(
            .POST, .publicSurvey, body: .collect(maxSize: ByteCount(value: CSRFMiddleware.anonymousBodyLimit)),
            use: submit)
        routes.requiring(.manageComplaints).post(.complaintSurvey, use: issuePage)
        routes.grouped("api", "v1", "complaints").requiring(.manageComplaints).post(":id", "survey", use: issueAPI)
    }

    struct Page: Encodable {
        var token: String; var stateKey: String?; var isOpen: Bool; var isDone: Bool
        var score: String; var resolved: String; var comment: String; var errors: [String: String] = [:]
        struct Score: Encodable { var value: Int; var labelKey: String; var isSelected: Bool }
        var scores: [Score]
    }

    private func page(token: String, state: SurveyLinkState?, done: Bool = false) -> Page {
        Page(
            token: token,
            stateKey: state.flatMap { $0 == .open ? nil : "survey.state.\($0.rawValue)" }
                ?? (state == nil ? "survey.state.invalid" : nil),
            isOpen: state == .open && !done, isDone: done, score: "", resolved: "", comment: "",
            scores: [5, 4, 3, 2, 1].map { .init(value: $0, labelKey: "survey.score.\($0)", isSelected: false) })
    }

    @Sendable func show(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let survey = try await SurveyStore(database: req.db).find(token: token) else {
            return try await req.renderPage(
                "surveys/show", titleKey: "survey.title", page(token: token, state: nil), status: .notFound)
        }
        let state = SurveyRules.state(expiresAt: survey.expiresAt, answeredAt: survey.answeredAt, now: req.now)
        return try await req.renderPage(
            "surveys/show", titleKey: "survey.title", page(token: token, state: state),
            status: state == .open ? .ok : .gone)
    }

    struct Form: Content { var score: String?; var resolved: String?; var comment: String? }

    @Sendable func submit(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let store = SurveyStore(database: req.db)
        guard let survey = try await store.find(token: token) else {
            return try await req.renderPage(
                "surveys/show", titleKey: "survey.title", page(token: token, state: nil), status: .notFound)
        }
        let form = try req.content.decode(Form.self)
        switch SurveyRules.answer(score: form.score, resolved: form.resolved, comment: form.comment) {
        case .failure(let errors):
            let state = SurveyRules.state(expiresAt: survey.expiresAt, answeredAt: survey.answeredAt, now: req.now)
            var page = page(token: token, state: state)
            page.errors = errors.messages
            page.scores = page.scores.map {
                .init(value: $0.value, labelKey: $0.labelKey, isSelected: String($0.value) == form.score)
            }
            page.score = form.score ?? ""; page.resolved = form.resolved ?? ""; page.comment = form.comment ?? ""
            return try await req.renderPage(
                "surveys/show", titleKey: "survey.title", page, status: state == .open ? .unprocessableEntity : .gone)
        case .success(let answer):
            // What a low score brings is read before and written with the answer, in one transaction.
            let threshold = try await ReturnVisitStore(database: req.db).settings().settings.lowScore
            let lowScore =
                SurveyRules.isLow(answer.score, threshold: threshold)
                ? try await Self.lowScore(req, survey: survey, score: answer.score) : nil
            let state = try await store.answer(survey, answer, now: req.now, then: lowScore)
            guard state == .open else {
                return try await req.renderPage(
                    "surveys/show", titleKey: "survey.title", page(token: token, state: state), status: .gone)
            }
            return try await req.renderPage(
                "surveys/show", titleKey: "survey.title", page(token: token, state: .answered, done: true),
                status: .created)
        }
    }

    /// A low score: a return visit is opened for the customer (once per survey) and the supervisor is
    /// told at once to review the matter — written by the answer's transaction (`tx`).
    static func lowScore(_ req: Request, survey: SurveyStore.Row, score: Int) async throws
        -> @Sendable (any Database) async throws -> Void
    {
        let matter = try await Self.matter(of: survey, on: req.db)
        let supervisors = try await req.db.sql().raw(
            "SELECT id FROM staff WHERE role = 'supervisor' AND is_active = \(bind: true)"
        ).all()
            .map { try $0.decode(column: "id", as: Int.self) }
        let now = req.now, reminders = Reminders(app: req.application)
        let message = matter.flatMap { matter in
            supervisors.isEmpty
                ? nil
                : Reminders.Message(
                    reminder: Reminder(
                        event: .surveyLowScore, recordType: SurveyKind.recordType, recordID: survey.id,
                        staffID: supervisors.first, dueAt: now,
                        dedupeKey: "survey:\(survey.id):low"),
                    titleKey: "reminder.title.survey.low_score", arguments: ["number": matter.label],
                    lines: [matter.label, matter.customerName, "\(score)/5"],
                    path: matter.path, recipients: supervisors)
        }
        return { tx in
            try await ReturnVisitStore.openForLowScore(
                surveyID: survey.id, customerID: survey.customerID, score: score, now: now, on: tx)
            if let message { try await reminders.record([message], now: now, on: tx) }
        }
    }

    /// What the supervisor is told a low score was about: the number, the customer, the page.
    static func matter(of survey: SurveyStore.Row, on database: any Database) async throws -> (
        label: String, customerName: String, path: String
    )? {
        let id = survey.subjectID
        let query: SQLQueryString
        let path: String
        switch SurveySubject(rawValue: survey.subjectType) {
        case .complaint:
            query =
                "SELECT complaints.number AS label, customers.name FROM complaints JOIN customers ON customers.id = complaints.customer_id WHERE complaints.id = \(bind: id)"
            path = SiteURL.complaint(id).path
        case .inquiry:
            query =
                "SELECT inquiries.number AS label, customers.name FROM inquiries JOIN customers ON customers.id = inquiries.customer_id WHERE inquiries.id = \(bind: id)"
            path = SiteURL.inquiry(id).path
        case .contract:
            query =
                "SELECT contracts.number AS label, customers.name FROM contracts JOIN customers ON customers.id = contracts.customer_id WHERE contracts.id = \(bind: id)"
            path = SiteURL.contract(id).path
        case .returnVisit:
            query =
                "SELECT customers.code AS label, customers.name FROM return_visits JOIN customers ON customers.id = return_visits.customer_id WHERE return_visits.id = \(bind: id)"
            path = SiteURL.returnVisit(id).path
        case nil: return nil
        }
        struct Subject: Decodable { var label: String?; var name: String }
        guard let row = try await database.sql().raw(query).firstRow(Subject.self) else { return nil }
        return (row.label ?? "", row.name, path)
    }

    @Sendable func issuePage(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        do {
            let issued = try await SurveyStore(database: req.db).issue(
                forComplaint: row, baseURL: req.kefu.configuration.baseURL, expiryDays: SurveyRules.defaultExpiryDays,
                localizer: req.kefu.localizer, context: req.auditContext)
            var page = try await ComplaintsController().showPage(req, row)
            page.surveyText = issued.text
            page.surveyLink = issued.link
            return try await req.renderPage("complaints/show", titleKey: "complaints.title", page, status: .created)
        } catch let refusal as ComplaintRefusal {
            var page = try await ComplaintsController().showPage(req, row)
            page.formErrorKey = refusal.messageKey
            return try await req.renderPage(
                "complaints/show", titleKey: "complaints.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func issueAPI(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let issued = try await SurveyStore(database: req.db).issue(
            forComplaint: row, baseURL: req.kefu.configuration.baseURL, expiryDays: SurveyRules.defaultExpiryDays,
            localizer: req.kefu.localizer, context: req.auditContext)
        return try await issued.encodeResponse(status: .created, for: req)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .POST, path: "/api/v1/complaints/{id}/survey", tag: "Complaints",
            summary:
                "Issue a satisfaction-survey link for a closed complaint (single use, expires in 14 days) with the text to send",
            parameters: [OpenAPIParameters.id], responses: [201: "SurveyLink"])
    ]

    static var schemas: [String: JSONValue] {
        [
            "SurveyLink": Schema.object(
                ["link": Schema.string, "text": Schema.string, "expiresAt": Schema.dateTime],
                required: ["link", "text", "expiresAt"])
        ]
    }
}
