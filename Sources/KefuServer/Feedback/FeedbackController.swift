import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The feedback pages (issue 13 §6, R1.3): the list (a liaison's: what was forwarded to their
/// department), recording a customer's opinion or suggestion, and one feedback with forwarding, the
/// chase, the department's answer and closing.
struct FeedbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let feedback = routes.grouped("feedback")
        routes.requiring(.viewFeedback).get(.feedback, use: list)
        routes.requiring(.recordFeedback).get(.newFeedback, use: newFeedback)
        routes.requiring(.recordFeedback).post(.feedback, use: create)
        routes.requiring(.viewFeedback).get(.feedbackItem, use: show)
        let manage = feedback.requiring(.manageFeedback)
        manage.post(":id", "forward", use: forward)
        manage.post(":id", "chase", use: chase)
        manage.post(":id", "close", use: close)
        routes.requiring(.answerFeedback).post(.feedbackAnswer, use: answer)
    }

    /// The list's filter as the person's scope allows: own, their department's, or all.
    static func filter(_ req: Request, state: FeedbackState?, projectID: Int?) throws -> FeedbackStore.Filter {
        let staff = try req.requireStaff()
        var filter = FeedbackStore.Filter(projectID: projectID, state: state)
        switch AccessPolicy.widestScope(of: staff.role, for: .viewFeedback) {
        case .some(.own): filter.staffID = staff.id
        case .some(.forwardedToMyDepartment): filter.departmentID = staff.departmentID
        default: break
        }
        return filter
    }

    // MARK: List

    struct ListPage: Encodable {
        struct Item: Encodable {
            var id: Int; var number: String; var customerName: String; var kindKey: String; var about: String;
            var content: String
            var stateKey: String; var state: String; var department: String; var dueAt: String; var isLate: Bool
        }
        var items: [Item]; var hasItems: Bool; var pager: Pager; var states: [ChoiceOption]; var canCreate: Bool;
        var projectName: String?
    }

    static func about(_ row: FeedbackStore.Row, _ req: Request) -> String {
        row.topic == FeedbackTopic.project.rawValue ? (row.projectName ?? "—") : req.t("feedback.topic.service")
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let paging = try req.paging
        let state = req.query[String.self, at: "state"].flatMap(FeedbackState.init(rawValue:))
        let projectID = req.query[Int.self, at: "project"]
        let (rows, total) = try await FeedbackStore(database: req.db).page(
            try Self.filter(req, state: state, projectID: projectID), paging: paging)
        let items = rows.map { row in
            ListPage.Item(
                id: row.id, number: row.number, customerName: row.customerName, kindKey: "feedback.kind.\(row.kind)",
                about: Self.about(row, req),
                content: String(row.content.prefix(60)), stateKey: "feedback.state.\(row.state)", state: row.state,
                department: row.departmentName ?? "—", dueAt: row.dueAt.map(DisplayFormat.dateTime) ?? "—",
                isLate: row.feedbackState == .forwarded && (row.dueAt.map { $0 < req.now } ?? false))
        }
        var projectName: String?
        if let projectID {
            projectName = try await req.db.sql().raw("SELECT name FROM projects WHERE id = \(bind: projectID)").first()?
                .decode(column: "name", as: String.self)
        }
        var query = ["state": state?.rawValue ?? ""]
        if let projectID { query["project"] = String(projectID) }
        let page = ListPage(
            items: items, hasItems: !items.isEmpty,
            pager: Pager(request: paging, total: total, path: .feedback, query: query, cap: 1000),
            states: [ChoiceOption(value: "", labelKey: "feedback.all_states", isSelected: state == nil)]
                + ChoiceOption.list(
                    FeedbackState.allCases.map(\.rawValue), labelPrefix: "feedback.state",
                    selected: state?.rawValue ?? "-"),
            canCreate: AccessPolicy.allows(staff.role, .recordFeedback), projectName: projectName)
        return try await req.renderPage("feedback/index", titleKey: "feedback.title", page)
    }

    // MARK: Recording

    struct NewPage: Encodable {
        struct Match: Encodable { var id: Int; var code: String; var name: String; var company: String }
        var q: String; var matches: [Match]; var hasMatches: Bool; var searched: Bool; var chosenID: Int?;
        var chosenName: String
        var kinds: [ChoiceOption]; var topics: [ChoiceOption]; var projects: [ChoiceOption]; var content: String;
        var errors: [String: String] = [:]
    }

    struct NewForm: Content {
        var q: String?; var intent: String?; var useCustomer: Int?; var customerID: Int?; var kind: String?;
        var topic: String?; var projectID: String?; var content: String?
    }

    func newPage(_ req: Request, form: NewForm?) async throws -> NewPage {
        let actor = try req.requireStaff().actor
        let q = (form?.q ?? req.query[String.self, at: "q"])?.trimmed ?? ""
        let searched = form?.intent == "search" && !q.isEmpty
        var matches: [NewPage.Match] = []
        if searched {
            matches = try await CustomerQueries(database: req.db).list(
                CustomerFilter(text: q), visibleTo: actor, paging: Paging(number: 1, size: 8), now: req.now
            )
            .items.map { NewPage.Match(id: $0.id, code: $0.code, name: $0.name, company: $0.companyName ?? "") }
        }
        var chosenID = form?.useCustomer ?? form?.customerID ?? req.query[Int.self, at: "customer"]
        var chosenName = ""
        if let id = chosenID, let customer = try await CustomerModel.find(id, on: req.db), customer.mergedIntoID == nil
        {
            chosenName = [customer.code, customer.name, customer.companyName ?? ""].joined(separator: " ")
        } else {
            chosenID = nil
        }
        let chosenProject = form?.projectID ?? req.query[String.self, at: "project"] ?? ""
        struct Project: Decodable { var id: Int; var name: String }
        let projects = try await req.db.sql().raw("SELECT id, name FROM projects ORDER BY name, id LIMIT 500")
            .allRows(Project.self).map {
                ChoiceOption(
                    value: String($0.id), labelKey: "", label: $0.name, isSelected: String($0.id) == chosenProject)
            }
        return NewPage(
            q: q, matches: matches, hasMatches: !matches.isEmpty, searched: searched, chosenID: chosenID,
            chosenName: chosenName,
            kinds: ChoiceOption.list(
                FeedbackKind.allCases.map(\.rawValue), labelPrefix: "feedback.kind", selected: form?.kind ?? "opinion"),
            topics: ChoiceOption.list(
                FeedbackTopic.allCases.map(\.rawValue), labelPrefix: "feedback.topic",
                selected: form?.topic ?? (chosenProject.isEmpty ? "service" : "project")),
            projects: projects, content: form?.content ?? "")
    }

    @Sendable func newFeedback(req: Request) async throws -> Response {
        try await req.renderPage("feedback/new", titleKey: "feedback.new", try await newPage(req, form: nil))
    }

    @Sendable func create(req: Request) async throws -> Response {
        var form = try req.content.decode(NewForm.self)
        if form.intent == "search" || form.intent == "change" || form.useCustomer != nil {
            if form.intent == "change" { form.customerID = nil }
            return try await req.renderPage(
                "feedback/new", titleKey: "feedback.new", try await newPage(req, form: form))
        }
        do {
            let projectID = (form.projectID ?? "").isEmpty ? nil : Int(form.projectID ?? "")
            if !(form.projectID ?? "").isEmpty, projectID == nil {
                throw FieldErrors(["projectID": "validation.choose_from_list"])
            }
            let id = try await FeedbackStore(database: req.db).create(
                .init(
                    customerID: form.customerID, kind: form.kind, topic: form.topic, projectID: projectID,
                    content: form.content, staffID: nil), context: req.auditContext)
            return req.redirect(
                to: SiteURL.feedbackItem(id).path, flash: FlashMessage(.success, "flash.feedback_recorded"))
        } catch let errors as FieldErrors {
            var page = try await newPage(req, form: form)
            page.errors = errors.messages
            return try await req.renderPage(
                "feedback/new", titleKey: "feedback.new", page, status: .unprocessableEntity)
        }
    }

    // MARK: One feedback

    struct ShowPage: Encodable {
        var id: Int; var number: String; var customerID: Int; var customerName: String; var kindKey: String;
        var about: String; var projectID: Int?
        var content: String; var staffName: String; var stateKey: String; var state: String; var createdAt: String;
        var returnVisitID: Int?
        var department: String; var request: String; var dueAt: String; var isLate: Bool; var forwardedAt: String;
        var chasedAt: String
        var response: String; var respondedAt: String; var respondedBy: String; var version: Int
        var canForward: Bool; var canChase: Bool; var canClose: Bool; var canAnswer: Bool; var isForwarded: Bool
        var departments: [ChoiceOption]; var draft: [String: String] = [:]; var errors: [String: String] = [:];
        var formErrorKey: String?
        /// What someone changed meanwhile, when the form was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    func showPage(_ req: Request, _ row: FeedbackStore.Row, draft: [String: String] = [:]) async throws -> ShowPage {
        let staff = try req.requireStaff()
        let facts = RecordFacts(
            responsibleStaffID: row.staffID, forwardedToDepartmentIDs: row.departmentID.map { [$0] } ?? [])
        let canManage = AccessPolicy.permits(staff.actor, .manageFeedback, on: facts)
        let state = row.feedbackState
        let departments = try await DepartmentStore(database: req.db).all()
        return ShowPage(
            id: row.id, number: row.number, customerID: row.customerID, customerName: row.customerName,
            kindKey: "feedback.kind.\(row.kind)",
            about: Self.about(row, req), projectID: row.projectID, content: row.content,
            staffName: row.staffName ?? "—", stateKey: "feedback.state.\(row.state)",
            state: row.state, createdAt: DisplayFormat.dateTime(row.createdAt), returnVisitID: row.returnVisitID,
            department: row.departmentName ?? "—",
            request: req.words.orDash(row.request ?? ""), dueAt: row.dueAt.map(DisplayFormat.dateTime) ?? "—",
            isLate: state == .forwarded && (row.dueAt.map { $0 < req.now } ?? false),
            forwardedAt: row.forwardedAt.map(DisplayFormat.dateTime) ?? "—",
            chasedAt: row.chasedAt.map(DisplayFormat.dateTime) ?? "—", response: req.words.orDash(row.response ?? ""),
            respondedAt: row.respondedAt.map(DisplayFormat.dateTime) ?? "—", respondedBy: row.respondedByName ?? "—",
            version: row.version,
            canForward: canManage && FeedbackRules.mayForward(state) == nil,
            canChase: canManage && FeedbackRules.mayChase(state) == nil,
            canClose: canManage && FeedbackRules.mayClose(state) == nil,
            canAnswer: AccessPolicy.permits(staff.actor, .answerFeedback, on: facts)
                && FeedbackRules.mayAnswer(state) == nil,
            isForwarded: row.departmentID != nil,
            departments: departments.filter { $0.code != "customer_service" }.map {
                ChoiceOption(
                    value: String($0.id ?? 0), labelKey: "", label: $0.name,
                    isSelected: String($0.id ?? 0) == draft["departmentID"])
            },
            draft: draft)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let row = try await req.record(FeedbackRecordKind.self, for: .viewFeedback)
        return try await req.renderPage("feedback/show", titleKey: "feedback.title", try await showPage(req, row))
    }

    /// Runs a write from the feedback's page: a redirect on success; the page again with the message
    /// at the field and what was typed on a refusal; the fresh record with a message on a stale version.
    private func act(
        _ req: Request, _ row: FeedbackStore.Row, draft: [String: String], flash: String,
        _ body: @Sendable () async throws -> Void
    ) async throws -> Response {
        do {
            try await body()
            return req.redirect(to: SiteURL.feedbackItem(row.id).path, flash: FlashMessage(.success, flash))
        } catch let errors as FieldErrors {
            var page = try await showPage(req, row, draft: draft)
            page.errors = errors.messages
            return try await req.renderPage(
                "feedback/show", titleKey: "feedback.title", page, status: .unprocessableEntity)
        } catch let refusal as FeedbackRefusal {
            var page = try await showPage(req, row, draft: draft)
            page.errors = [refusal.field: refusal.messageKey]
            page.formErrorKey = refusal.messageKey
            return try await req.renderPage(
                "feedback/show", titleKey: "feedback.title", page, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            // The fresh record, what changed since the form was read, and the form as it was typed.
            let fresh = try await FeedbackStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh, draft: draft)
            page.formErrorKey = conflict.messageKey
            page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
            return try await req.renderPage("feedback/show", titleKey: "feedback.title", page, status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let fresh = try await FeedbackStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh, draft: draft)
            page.errors = error.fields
            page.formErrorKey = error.messageKey
            return try await req.renderPage("feedback/show", titleKey: "feedback.title", page, status: error.status)
        }
    }

    /// Tells the department's liaisons on the bell (and the webhooks) that a feedback waits for them.
    static func tellDepartment(_ req: Request, _ id: Int, event: ReminderEvent) async throws {
        guard let row = try await FeedbackStore(database: req.db).find(id), let departmentID = row.departmentID else {
            return
        }
        let liaisons = try await FeedbackStore(database: req.db).liaisons(of: departmentID)
        guard !liaisons.isEmpty else { return }
        let message = Reminders.Message(
            reminder: Reminder(
                event: event, recordType: FeedbackRecordKind.recordType, recordID: id, staffID: liaisons.first,
                dueAt: row.dueAt ?? req.now,
                dedupeKey: "feedback:\(id):\(event.rawValue):\(row.version)"),
            titleKey: "reminder.title.\(event.rawValue)", arguments: ["number": row.number],
            lines: [row.number, row.request ?? "", row.dueAt.map { "⏰ " + DisplayFormat.dateTime($0) } ?? ""].filter {
                !$0.isEmpty
            },
            path: SiteURL.feedbackItem(id).path, recipients: liaisons)
        try await Reminders(app: req.application).record([message], now: req.now)
    }

    struct ForwardForm: Content { var departmentID: Int?; var request: String?; var dueAt: String?; var version: Int? }

    @Sendable func forward(req: Request) async throws -> Response {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        let form = try req.content.decode(ForwardForm.self)
        let context = req.auditContext, database = req.db
        let response = try await act(
            req, row,
            draft: [
                "departmentID": form.departmentID.map(String.init) ?? "", "request": form.request ?? "",
                "dueAt": form.dueAt ?? "",
            ],
            flash: "flash.feedback_forwarded"
        ) {
            try await FeedbackStore(database: database).forward(
                row,
                .init(departmentID: form.departmentID, request: form.request, dueAt: form.dueAt, version: form.version),
                context: context)
        }
        if response.status == .seeOther || response.status == .found {
            try await Self.tellDepartment(req, row.id, event: .feedbackForwarded)
        }
        return response
    }

    struct VersionForm: Content { var version: Int? }

    @Sendable func chase(req: Request) async throws -> Response {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        let form = try req.content.decode(VersionForm.self)
        let context = req.auditContext, database = req.db
        let response = try await act(req, row, draft: [:], flash: "flash.feedback_chased") {
            try await FeedbackStore(database: database).chase(row, version: form.version, context: context)
        }
        if response.status == .seeOther || response.status == .found {
            try await Self.tellDepartment(req, row.id, event: .feedbackChased)
        }
        return response
    }

    @Sendable func close(req: Request) async throws -> Response {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        let form = try req.content.decode(VersionForm.self)
        let context = req.auditContext, database = req.db
        return try await act(req, row, draft: [:], flash: "flash.feedback_closed") {
            try await FeedbackStore(database: database).close(row, version: form.version, context: context)
        }
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let row = try await req.record(FeedbackRecordKind.self, for: .answerFeedback)
        let form = try req.content.decode(FeedbackStore.AnswerInput.self)
        let context = req.auditContext, database = req.db
        return try await act(req, row, draft: ["response": form.response ?? ""], flash: "flash.feedback_answered") {
            try await FeedbackStore(database: database).answer(row, form, context: context)
        }
    }
}
