import Foundation
import KefuDomain
import Vapor

/// The complaint pages (R3.5, R1.3): the list with filters and the working time left, intake (the
/// customer found by search, the department's apology script shown), the complaint's page with its
/// forwarding, updates given to the customer and steps, and the liaison's inbox with the answer form.
struct ComplaintsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let complaints = routes.grouped("complaints")
        routes.requiring(.viewComplaints).get(.complaints, use: list)
        routes.requiring(.recordComplaint).get(.newComplaint, use: newComplaint)
        routes.requiring(.recordComplaint).post(.complaints, use: create)
        routes.requiring(.viewComplaints).get(.complaint, use: show)
        let manage = complaints.requiring(.manageComplaints)
        manage.post(":id", "forwards", use: forward)
        manage.post(":id", "updates", use: recordUpdate)
        manage.post(":id", "steps", use: step)
        routes.requiring(.answerComplaintForwards).get(.complaintInbox, use: inboxPage)
        routes.requiring(.answerComplaintForwards).post(.complaintInboxAnswer, use: answer)
    }

    static let china = TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!

    /// Working time left in words: "3 小时 20 分" / "已超时 1 小时 5 分".
    static func remaining(_ minutes: Int?, _ req: Request) -> (text: String, isLate: Bool) {
        guard let minutes else { return ("—", false) }
        let value = abs(minutes)
        let text = req.t("complaint.time_left", ["hours": String(value / 60), "minutes": String(value % 60)])
        return minutes < 0 ? (req.t("complaint.overdue_by", ["time": text]), true) : (text, false)
    }

    // MARK: List

    struct ListPage: Encodable {
        struct Item: Encodable {
            var id: Int; var number: String; var customerName: String; var categoryName: String; var severity: String;
            var severityKey: String
            var state: String; var stateKey: String; var staffName: String; var receivedAt: String;
            var timeLeft: String; var isLate: Bool
            var level: Int; var hasLevel: Bool; var isSilent: Bool
        }
        var rows: HTMLFragment; var hasItems: Bool; var pager: Pager; var states: [ChoiceOption];
        var severities: [ChoiceOption]; var canCreate: Bool
        var canSeeFigures = false
        var canConfigure = false
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let paging = try req.paging
        let state = req.query[String.self, at: "state"].flatMap(ComplaintState.init(rawValue:))
        let severity = req.query[String.self, at: "severity"].flatMap(ComplaintSeverity.init(rawValue:))
        let store = ComplaintStore(database: req.db)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewComplaints)
        var rows: [ComplaintStore.Row] = [], total = 0
        if scope == .forwardedToMyDepartment {
            for id in Set(try await store.inbox(departmentID: staff.departmentID).map(\.complaintID)).sorted(by: >) {
                if let row = try await store.find(id) { rows.append(row) }
            }
            total = rows.count
        } else {
            (rows, total) = try await store.page(
                staffID: scope == .own ? staff.id : nil, state: state, severity: severity, paging: paging)
        }
        var items: [ListPage.Item] = []
        for (row, dto) in zip(
            rows, try await ComplaintsAPIController.dtos(rows, store: store, calendar: calendar, now: req.now))
        {
            let left = Self.remaining(dto.remainingWorkingMinutes, req)
            items.append(
                .init(
                    id: row.id, number: row.number, customerName: row.customerName,
                    categoryName: row.categoryName ?? "—", severity: row.severity,
                    severityKey: "complaint.severity.\(row.severity)", state: row.state,
                    stateKey: "complaint.state.\(row.state)",
                    staffName: row.staffName ?? "—", receivedAt: DisplayFormat.dateTime(row.receivedAt),
                    timeLeft: left.text, isLate: left.isLate,
                    level: dto.escalationLevel, hasLevel: dto.escalationLevel > 0, isSilent: dto.isSilent))
        }
        let query = req.queryParameters
        let page = ListPage(
            rows: ComplaintListView.rows(items, t: { req.t($0, $1) }), hasItems: !items.isEmpty,
            pager: Pager(
                request: paging, total: total, path: .complaints,
                query: ["state": query["state"] ?? "", "severity": query["severity"] ?? ""], cap: 1000),
            states: [ChoiceOption(value: "", labelKey: "complaints.all_states", isSelected: state == nil)]
                + ChoiceOption.list(
                    ComplaintState.allCases.map(\.rawValue), labelPrefix: "complaint.state",
                    selected: state?.rawValue ?? "-"),
            severities: [ChoiceOption(value: "", labelKey: "complaints.all_severities", isSelected: severity == nil)]
                + ChoiceOption.list(
                    ComplaintSeverity.allCases.map(\.rawValue), labelPrefix: "complaint.severity",
                    selected: severity?.rawValue ?? "-"),
            canCreate: AccessPolicy.allows(staff.role, .recordComplaint),
            canSeeFigures: AccessPolicy.allows(staff.role, .viewComplaintFigures),
            canConfigure: AccessPolicy.allows(staff.role, .configureComplaints)
        )
        return try await req.renderPage("complaints/index", titleKey: "complaints.title", page)
    }

    // MARK: Intake

    struct NewPage: Encodable {
        struct Match: Encodable { var id: Int; var code: String; var name: String; var company: String }
        var q: String; var matches: [Match]; var hasMatches: Bool; var searched: Bool
        var chosenID: Int?; var chosenName: String
        var channels: [ChoiceOption]; var categories: [ChoiceOption]; var severities: [ChoiceOption]
        var description: String; var demands: String; var receivedAt: String; var acknowledged: Bool;
        var apologised: Bool
        var errors: [String: String] = [:]
        /// A new customer typed at intake (issue 13 §1), kept when the form comes back.
        var newName = ""; var newMobile = ""; var newCompany = ""; var duplicates: [Match] = [];
        var hasDuplicates = false
    }

    struct IntakeForm: Content {
        var q: String?; var intent: String?; var useCustomer: Int?; var customerID: Int?; var channel: String?;
        var receivedAt: String?
        var description: String?; var demands: String?; var category: String?; var severity: String?;
        var acknowledged: String?; var apologised: String?
        var newName: String?; var newMobile: String?; var newCompany: String?; var duplicateReason: String?

        /// The new customer's part, when a name or a mobile was typed and no file was chosen.
        var newCustomer: InquiryInput.NewCustomer? {
            guard customerID == nil, !(newName ?? "").trimmed.isEmpty || !(newMobile ?? "").trimmed.isEmpty else {
                return nil
            }
            return .init(name: newName, mobile: newMobile, companyName: newCompany, duplicateReason: duplicateReason)
        }
    }

    func newPage(_ req: Request, form: IntakeForm?) async throws -> NewPage {
        let actor = try req.requireStaff().actor
        let q = (form?.q ?? req.query[String.self, at: "q"])?.trimmed ?? ""
        var matches: [NewPage.Match] = []
        let searched = form?.intent == "search" && !q.isEmpty
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
        let categories = try await ComplaintStore(database: req.db).categories()
        var page = NewPage(
            q: q, matches: matches, hasMatches: !matches.isEmpty, searched: searched, chosenID: chosenID,
            chosenName: chosenName,
            channels: ChoiceOption.list(
                ComplaintChannel.allCases.map(\.rawValue), labelPrefix: "complaint.channel",
                selected: form?.channel ?? "phone"),
            categories: categories.map {
                ChoiceOption(
                    value: $0.code, labelKey: "", label: $0.name, isSelected: $0.code == (form?.category ?? ""))
            },
            severities: ChoiceOption.list(
                ComplaintSeverity.allCases.map(\.rawValue), labelPrefix: "complaint.severity",
                selected: form?.severity ?? "normal"),
            description: form?.description ?? "", demands: form?.demands ?? "",
            receivedAt: form?.receivedAt ?? DisplayFormat.dateTime(req.now), acknowledged: form?.acknowledged == "on",
            apologised: form?.apologised == "on"
        )
        page.newName = form?.newName ?? ""
        page.newMobile = form?.newMobile ?? ""
        page.newCompany = form?.newCompany ?? ""
        return page
    }

    @Sendable func newComplaint(req: Request) async throws -> Response {
        try await req.renderPage("complaints/new", titleKey: "complaints.new", try await newPage(req, form: nil))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(IntakeForm.self)
        if form.intent == "search" || form.intent == "change" || form.useCustomer != nil {
            var form = form
            if form.intent == "change" { form.customerID = nil }
            return try await req.renderPage(
                "complaints/new", titleKey: "complaints.new", try await newPage(req, form: form))
        }
        let intake = ComplaintWorkflow.Intake(
            customerID: form.customerID, channel: form.channel, receivedAt: form.receivedAt,
            description: form.description, demands: form.demands,
            category: form.category, severity: form.severity, projectID: nil, contractID: nil,
            acknowledged: form.acknowledged == "on", apologised: form.apologised == "on", staffID: nil,
            customer: form.newCustomer)
        do {
            let id = try await req.recordComplaint(intake)
            return req.redirect(
                to: SiteURL.complaint(id).path, flash: FlashMessage(.success, "flash.complaint_recorded"))
        } catch let errors as FieldErrors {
            var page = try await newPage(req, form: form)
            // Leaf reads `customer_name` for the new customer's `customer.name`.
            page.errors = Dictionary(
                uniqueKeysWithValues: errors.messages.map {
                    ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value)
                })
            return try await req.renderPage(
                "complaints/new", titleKey: "complaints.new", page, status: .unprocessableEntity)
        } catch let duplicates as PossibleDuplicates {
            var page = try await newPage(req, form: form)
            page.duplicates = duplicates.matches.map {
                NewPage.Match(id: $0.id, code: $0.code, name: $0.name, company: $0.companyName ?? "")
            }
            page.hasDuplicates = true
            page.errors = ["customer_duplicateReason": "complaints.duplicate_customer"]
            return try await req.renderPage("complaints/new", titleKey: "complaints.new", page, status: .conflict)
        }
    }

    // MARK: The complaint's page

    struct ShowPage: Encodable {
        struct Deadline: Encodable { var labelKey: String; var dueAt: String; var timeLeft: String; var isLate: Bool }
        struct Forward: Encodable {
            var department: String; var request: String; var dueAt: String; var statusKey: String; var answer: String;
            var answeredBy: String
            var id = 0; var version = 0; var isOpen = false
            /// When it was last chased; nil, never (Leaf reads an empty text as true in `#if`).
            var chasedAt: String?
        }
        struct Update: Encodable {
            var kindKey: String; var channelKey: String; var content: String; var toldAt: String;
            var acceptance: String; var staffName: String
        }
        var id: Int; var number: String; var customerID: Int; var customerName: String; var channelKey: String;
        var receivedAt: String
        var description: String; var demands: String; var categoryName: String; var severityKey: String;
        var severity: String
        var state: String; var stateKey: String; var staffName: String; var acknowledged: Bool; var apologised: Bool
        var lastToldAt: String; var isSilent: Bool; var level: Int; var reopenCount: Int
        var deadlines: [Deadline]; var hasDeadlines: Bool
        var forwards: [Forward]; var hasForwards: Bool; var updates: [Update]; var hasUpdates: Bool
        var canManage: Bool; var isOpen: Bool; var version: Int
        var departments: [ChoiceOption]; var updateChannels: [ChoiceOption]; var steps: [ChoiceOption]
        var errors: [String: String] = [:]
        var draft: [String: String] = [:]
        var formErrorKey: String?
        /// What someone changed meanwhile, when the form was sent on a stale version.
        var conflict: ConflictView? = nil
        var surveyText: String?
        var surveyLink: String?
        var canIssueSurvey = false
        struct File: Encodable { var id: Int; var name: String; var uploadedAt: String }
        var files: [File] = []
        var hasFiles = false
    }

    func showPage(_ req: Request, _ row: ComplaintStore.Row) async throws -> ShowPage {
        let staff = try req.requireStaff()
        let store = ComplaintStore(database: req.db)
        let forwards = try await store.forwards(row.id)
        let dto = try await ComplaintsAPIController.dto(
            row, store: store, calendar: try await WorkingCalendarStore(database: req.db).load(), now: req.now,
            detail: true, forwards: forwards)
        let canManage = AccessPolicy.permits(
            staff.actor, .manageComplaints, on: RecordFacts(responsibleStaffID: row.staffID))
        let departments = try await DepartmentStore(database: req.db).all()
        let state = row.complaintState
        let steps: [ComplaintStep] = [.start, .waitForCustomer, .resume, .close, .reopen].filter {
            if case .success = ComplaintStateMachine.apply(
                $0,
                to: ComplaintFacts(state: state, outcomeToldAt: row.outcomeToldAt, customerAccepts: row.customerAccepts)
            ) {
                return true
            }
            return false
        }
        var page = ShowPage(
            id: row.id, number: row.number, customerID: row.customerID, customerName: row.customerName,
            channelKey: "complaint.channel.\(row.channel)",
            receivedAt: DisplayFormat.dateTime(row.receivedAt), description: row.description,
            demands: req.words.orDash(row.demands),
            categoryName: row.categoryName ?? "—", severityKey: "complaint.severity.\(row.severity)",
            severity: row.severity, state: row.state,
            stateKey: "complaint.state.\(row.state)", staffName: row.staffName ?? "—", acknowledged: row.acknowledged,
            apologised: row.apologised,
            lastToldAt: row.lastToldAt.map(DisplayFormat.dateTime) ?? "—", isSilent: dto.isSilent,
            level: dto.escalationLevel, reopenCount: row.reopenCount,
            deadlines: dto.deadlines.map { d in
                let left = Self.remaining(d.remainingWorkingMinutes, req)
                return .init(
                    labelKey: "complaint.target.\(d.target)",
                    dueAt: d.dueAt.map(DisplayFormat.dateTime) ?? req.t("complaint.paused"), timeLeft: left.text,
                    isLate: left.isLate)
            },
            hasDeadlines: !dto.deadlines.isEmpty,
            forwards: forwards.map {
                .init(
                    department: $0.departmentName, request: $0.request, dueAt: DisplayFormat.dateTime($0.dueAt),
                    statusKey: "complaint.forward.status.\($0.status)", answer: req.words.orDash($0.answer ?? ""),
                    answeredBy: $0.answeredByName ?? "—", id: $0.id, version: $0.version, isOpen: $0.status == "open",
                    chasedAt: $0.chasedAt.map(DisplayFormat.dateTime))
            },
            hasForwards: !(dto.forwards ?? []).isEmpty,
            updates: (dto.updates ?? []).map {
                .init(
                    kindKey: "complaint.update.kind.\($0.kind)", channelKey: "follow_up.channel.\($0.channel)",
                    content: $0.content,
                    toldAt: DisplayFormat.dateTime($0.toldAt),
                    acceptance: $0.customerAccepts.map { req.t($0 ? "complaint.accepts.yes" : "complaint.accepts.no") }
                        ?? "—",
                    staffName: $0.staffName ?? "—")
            },
            hasUpdates: !(dto.updates ?? []).isEmpty,
            canManage: canManage, isOpen: state.isOpen, version: row.version,
            departments: departments.map {
                ChoiceOption(value: String($0.id ?? 0), labelKey: "", label: $0.name, isSelected: false)
            },
            updateChannels: ChoiceOption.list(
                FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel", selected: "phone"),
            steps: steps.map {
                ChoiceOption(value: $0.rawValue, labelKey: "complaint.step.\($0.rawValue)", isSelected: false)
            },
            canIssueSurvey: canManage && state == .closed,
            files: try await ComplaintAttachmentsController.store(req).list(ComplaintKind.self, recordIDs: [row.id]).map
            {
                .init(id: $0.id, name: $0.fileName, uploadedAt: DisplayFormat.dateTime($0.uploadedAt))
            }
        )
        page.hasFiles = !page.files.isEmpty
        return page
    }

    @Sendable func show(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .viewComplaints)
        return try await req.renderPage("complaints/show", titleKey: "complaints.title", try await showPage(req, row))
    }

    /// Runs a write from the complaint's page: a redirect on success, the page again with the message
    /// at the field (and what was typed) on a refusal, 409 on a stale version.
    private func act(
        _ req: Request, _ row: ComplaintStore.Row, draft: [String: String], flash: String,
        _ body: @Sendable () async throws -> Void
    ) async throws -> Response {
        func showPage(_ req: Request, _ row: ComplaintStore.Row) async throws -> ShowPage {
            var page = try await self.showPage(req, row)
            // The department chosen stays chosen when the form comes back with a message.
            if let chosen = draft["departmentID"] {
                page.departments = page.departments.map {
                    ChoiceOption(
                        value: $0.value, labelKey: $0.labelKey, label: $0.label, isSelected: $0.value == chosen)
                }
            }
            return page
        }
        do {
            try await body()
            return req.redirect(to: SiteURL.complaint(row.id).path, flash: FlashMessage(.success, flash))
        } catch let errors as FieldErrors {
            var page = try await showPage(req, row)
            page.errors = errors.messages
            page.draft = draft
            return try await req.renderPage(
                "complaints/show", titleKey: "complaints.title", page, status: .unprocessableEntity)
        } catch let refusal as ComplaintRefusal {
            var page = try await showPage(req, row)
            page.errors = [refusal.field: refusal.messageKey]
            page.formErrorKey = refusal.messageKey
            page.draft = draft
            return try await req.renderPage(
                "complaints/show", titleKey: "complaints.title", page, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            // The fresh record, what changed since the form was read, and the form as it was typed.
            let fresh = try await ComplaintStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh)
            page.formErrorKey = conflict.messageKey
            page.draft = draft
            page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
            return try await req.renderPage("complaints/show", titleKey: "complaints.title", page, status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let fresh = try await ComplaintStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh)
            page.errors = error.fields
            page.formErrorKey = error.messageKey
            page.draft = draft
            return try await req.renderPage("complaints/show", titleKey: "complaints.title", page, status: error.status)
        }
    }

    struct ForwardForm: Content {
        var departmentID: Int?; var request: String?; var dueAt: String?; var needsContact: String?; var version: Int?
    }

    @Sendable func forward(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let form = try req.content.decode(ForwardForm.self)
        let input = ComplaintWorkflow.ForwardInput(
            departmentID: form.departmentID, request: form.request, dueAt: form.dueAt,
            needsContact: form.needsContact == "on", version: form.version)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let context = req.auditContext, database = req.db
        return try await act(
            req, row,
            draft: [
                "request": form.request ?? "", "dueAt": form.dueAt ?? "",
                "departmentID": form.departmentID.map(String.init) ?? "",
            ], flash: "flash.complaint_forwarded"
        ) {
            _ = try await ComplaintWorkflow(database: database).forward(
                row, input, context: context, calendar: calendar)
        }
    }

    struct UpdateForm: Content {
        var kind: String?; var channel: String?; var content: String?; var customerAccepts: String?; var version: Int?
    }

    @Sendable func recordUpdate(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let form = try req.content.decode(UpdateForm.self)
        let accepts: Bool? = form.customerAccepts == "yes" ? true : form.customerAccepts == "no" ? false : nil
        let input = ComplaintWorkflow.UpdateInput(
            kind: form.kind, channel: form.channel, content: form.content, customerAccepts: accepts, toldAt: nil,
            version: form.version)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let context = req.auditContext, database = req.db
        return try await act(req, row, draft: ["content": form.content ?? ""], flash: "flash.complaint_customer_told") {
            try await ComplaintWorkflow(database: database).recordUpdate(
                row, input, context: context, calendar: calendar)
        }
    }

    @Sendable func step(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let input = try req.content.decode(ComplaintWorkflow.StepInput.self)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let context = req.auditContext, database = req.db
        return try await act(req, row, draft: ["reason": input.reason ?? ""], flash: "flash.saved") {
            try await ComplaintWorkflow(database: database).step(row, input, context: context, calendar: calendar)
        }
    }

    // MARK: The liaison's inbox

    struct InboxPage: Encodable {
        struct Item: Encodable {
            var forwardID: Int; var complaintID: Int; var number: String; var severityKey: String; var request: String;
            var dueAt: String
            var isOpen: Bool; var statusKey: String; var version: Int
        }
        var items: [Item]; var hasItems: Bool; var errors: [String: String] = [:]; var errorForwardID = 0
    }

    func inboxModel(_ req: Request) async throws -> InboxPage {
        let staff = try req.requireStaff()
        let store = ComplaintStore(database: req.db)
        var items: [InboxPage.Item] = []
        for row in try await store.inbox(departmentID: staff.departmentID) {
            let version = try await store.forward(row.forwardID)?.version ?? 1
            items.append(
                .init(
                    forwardID: row.forwardID, complaintID: row.complaintID, number: row.number,
                    severityKey: "complaint.severity.\(row.severity)",
                    request: row.request, dueAt: DisplayFormat.dateTime(row.dueAt), isOpen: row.status == "open",
                    statusKey: "complaint.forward.status.\(row.status)", version: version))
        }
        return InboxPage(items: items, hasItems: !items.isEmpty)
    }

    @Sendable func inboxPage(req: Request) async throws -> Response {
        try await req.renderPage("complaints/inbox", titleKey: "complaints.inbox", try await inboxModel(req))
    }

    struct AnswerForm: Content { var answer: String?; var sendBack: String?; var version: Int? }

    @Sendable func answer(req: Request) async throws -> Response {
        let (forward, complaint) = try await ComplaintsAPIController.forwardForLiaison(req)
        let form = try req.content.decode(AnswerForm.self)
        do {
            try await ComplaintWorkflow(database: req.db).answer(
                forward, complaint: complaint,
                .init(answer: form.answer, sendBack: form.sendBack == "on", version: form.version),
                context: req.auditContext)
            return req.redirect(
                to: SiteURL.complaintInbox.path, flash: FlashMessage(.success, "flash.complaint_answered"))
        } catch let errors as FieldErrors {
            var page = try await inboxModel(req)
            page.errors = errors.messages
            page.errorForwardID = forward.id
            return try await req.renderPage(
                "complaints/inbox", titleKey: "complaints.inbox", page, status: .unprocessableEntity)
        }
    }
}
