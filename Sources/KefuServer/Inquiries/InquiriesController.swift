import Foundation
import KefuDomain
import Vapor

/// The inquiry pages (咨询): the list with promised replies and the public-form queue, the intake
/// page for a call in progress, and one inquiry with its reply or assignment (R3.1, R4.1 #2).
struct InquiriesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewInquiries).get(.inquiries, use: list)
        routes.requiring(.recordInquiry).get(.newInquiry, use: intake)
        routes.requiring(.recordInquiry).post(.inquiries, use: create)
        routes.requiring(.viewInquiries).get(.inquiry, use: show)
        routes.requiring(.replyInquiry).post(.inquiryReply, use: reply)
        routes.requiring(.assignInquiries).post(.inquiryAssign, use: assign)
        routes.requiring(.claimInquiries).post(.inquiryClaim, use: claim)
    }

    struct Item: Encodable {
        var id: Int; var number: String; var customerID: Int?; var customer: String; var channelKey: String;
        var receivedAt: String
        var question: String; var statusKey: String; var status: String; var promisedBy: String; var stateKey: String
        var isOverdue: Bool; var isDueSoon: Bool; var staffName: String; var visitor: String
        /// Whether the viewer may open it (a waiting one is the supervisor's), and claim it (issue 10).
        var canOpen = true
        var canClaim = false

        init(_ dto: InquiryDTO) {
            id = dto.id; number = dto.number ?? ""; customerID = dto.customerID
            customer = [dto.customerCode, dto.customerName].compactMap { $0 }.joined(separator: " ")
            channelKey = "inquiry.channel.\(dto.channel)"; receivedAt = DisplayFormat.dateTime(dto.receivedAt);
            question = dto.question
            statusKey = "inquiry.status.\(dto.status)"; status = dto.status;
            promisedBy = dto.promisedBy.map(DisplayFormat.dateTime) ?? ""
            stateKey = "inquiry.promise.\(dto.promiseState ?? "none")";
            isOverdue = dto.promiseState == PromisedReplyState.overdue.rawValue
            isDueSoon = dto.promiseState == PromisedReplyState.dueSoon.rawValue; staffName = dto.staffName ?? "—"
            visitor = [dto.visitorName, dto.visitorMobile, dto.visitorCompany].compactMap { $0 }.joined(
                separator: " · ")
        }
    }

    struct ListPage: Encodable {
        var tab: String
        var isTeam: Bool
        var canSeeTeam: Bool
        var canRecord: Bool
        var items: [Item]
        var hasItems: Bool
        var pager: Pager
        var averageResponse: String
        var punctuality: String
        /// The queue's length, "1000+" beyond the count's cap.
        var waiting: String
        /// Each person's open inquiries and promised replies, for the supervisor on the queue (issue 10).
        var loads: [InquiryStore.Load] = []
        var hasLoads = false
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let tab =
            ["promised", "waiting", "all"].contains(req.query[String.self, at: "status"] ?? "")
            ? req.query[String.self, at: "status"]! : "promised"
        var filter = req.inquiryFilter
        filter.status = tab == "all" ? nil : InquiryStore.Status(rawValue: tab)
        let paging = try req.paging
        let store = InquiryStore(database: req.db)
        let (rows, total) = try await store.list(filter, paging: paging)
        let now = req.now
        let mayClaim = AccessPolicy.allows(staff.role, .claimInquiries)
        let items = rows.map { row in
            var item = Item(InquiryDTO(row, actor: staff.actor, now: now))
            item.canOpen = AccessPolicy.permits(staff.actor, .viewInquiries, on: row.recordFacts)
            item.canClaim = mayClaim && row.status == InquiryStore.Status.waiting.rawValue
            return item
        }
        let scope = try req.listScope(for: .viewInquiries)
        let figures = try await store.figures(staffID: scope.staffID, since: now.addingTimeInterval(-30 * 86400))
        let waiting = try await store.list(.init(status: .waiting), paging: Paging(number: 1, size: 1)).total
        let page = ListPage(
            tab: tab, isTeam: scope.isTeam, canSeeTeam: scope.canSeeTeam,
            canRecord: AccessPolicy.allows(staff.role, .recordInquiry), items: items, hasItems: !items.isEmpty,
            pager: Pager(
                request: paging, total: total, path: .inquiries,
                query: ["status": tab, "scope": req.query[String.self, at: "scope"] ?? ""], cap: InquiryStore.countCap),
            averageResponse: figures.averageResponseMinutes.map { req.t("inquiries.minutes", ["minutes": String($0)]) }
                ?? "—",
            punctuality: figures.punctuality.rate.map { String(format: "%.0f%%", $0 * 100) } ?? "—",
            waiting: DisplayFormat.count(waiting, cap: InquiryStore.countCap)
        )
        var shown = page
        if tab == "waiting", AccessPolicy.allows(staff.role, .assignInquiries) {
            shown.loads = try await store.openLoad()
            shown.hasLoads = !shown.loads.isEmpty
        }
        return try await req.renderPage("inquiries/index", titleKey: "inquiries.title", shown)
    }

    struct IntakePage: Encodable {
        struct Match: Encodable {
            var id: Int; var code: String; var name: String; var company: String; var mobile: String
        }
        var q: String
        var matches: [Match]
        var hasMatches: Bool
        var searched: Bool
        var chosen: Match?
        var channels: [ChoiceOption]
        var form: [String: String]
        var answeredOnTheSpot: Bool
        var errors: [String: String] = [:]
        var duplicates: [CustomerFormPage.DuplicateView] = []
        var hasDuplicates = false
        /// How the caller agreed to their information being kept, for a new file (issue 10 #15).
        var consentChannels: [ChoiceOption] = []
        var noticeVersion = ""
        /// The profile on the same screen, and the next step's channel (issue 10, one-screen intake).
        var industries: [ChoiceOption] = []
        var timings: [ChoiceOption] = []
        var nextStepChannels: [ChoiceOption] = []
    }

    private func intakePage(_ req: Request, input: InquiryInput? = nil, search: String? = nil) async throws
        -> IntakePage
    {
        let actor = try req.requireStaff().actor
        let q = (search ?? req.query[String.self, at: "q"])?.trimmed ?? ""
        var matches: [IntakePage.Match] = []
        func match(_ row: CustomerListRow) -> IntakePage.Match {
            let masked =
                ContactVisibility.decide(
                    for: actor, on: RecordFacts(responsibleStaffID: row.responsibleStaffID), revealed: false) == .masked
            return IntakePage.Match(
                id: row.id, code: row.code, name: row.name, company: row.companyName ?? "",
                mobile: (masked ? row.mobile.map(MainlandMobile.masked) : row.mobile) ?? "")
        }
        if !q.isEmpty {
            matches = try await CustomerQueries(database: req.db).list(
                CustomerFilter(text: q), visibleTo: actor, paging: Paging(number: 1, size: 8), now: req.now
            )
            .items.map(match)
        }
        var chosen: IntakePage.Match?
        if let id = input?.customerID ?? req.query[Int.self, at: "customer"],
            let customer = try await CustomerModel.find(id, on: req.db),
            customer.mergedIntoID == nil
        {
            let masked = ContactVisibility.decide(for: actor, on: customer.recordFacts, revealed: false) == .masked
            chosen = IntakePage.Match(
                id: id, code: customer.code, name: customer.name, company: customer.companyName ?? "",
                mobile: (masked ? customer.mobile.map(MainlandMobile.masked) : customer.mobile) ?? "")
        }
        let form: [String: String] = [
            "name": input?.customer?.name ?? "", "mobile": input?.customer?.mobile ?? "",
            "companyName": input?.customer?.companyName ?? "",
            "duplicateReason": input?.customer?.duplicateReason ?? "",
            "receivedAt": input?.receivedAt ?? String(DisplayFormat.dateTime(req.now)),
            "question": input?.question ?? "", "needs": input?.needs ?? "", "answer": input?.answer ?? "",
            "promisedBy": input?.promisedBy ?? "",
            "budgetMinWan": input?.customer?.budgetMinWan ?? "", "budgetMaxWan": input?.customer?.budgetMaxWan ?? "",
            "province": input?.customer?.province ?? "", "city": input?.customer?.city ?? "",
            "nextStep": input?.nextStep ?? "", "nextStepDueAt": input?.nextStepDueAt ?? "",
        ]
        var page = IntakePage(
            q: q, matches: matches, hasMatches: !matches.isEmpty, searched: !q.isEmpty, chosen: chosen,
            channels: ChoiceOption.list(
                InquiryChannel.allCases.map(\.rawValue), labelPrefix: "inquiry.channel",
                selected: input?.channel ?? "phone"),
            form: form, answeredOnTheSpot: input?.answeredOnTheSpot ?? true)
        let consent = input?.customer?.consentChannel ?? ""
        page.consentChannels =
            [ChoiceOption(value: "", labelKey: "inquiries.consent_not_asked", isSelected: consent.isEmpty)]
            + ChoiceOption.list(
                CustomerVocabulary.consentChannels.filter { $0 != "web_form" }, labelPrefix: "customer.consent_channel",
                selected: consent)
        page.noticeVersion = req.kefu.configuration.inquiries.privacyNoticeVersion
        page.industries =
            [
                ChoiceOption(
                    value: "", labelKey: "inquiries.not_asked", isSelected: (input?.customer?.industry ?? "").isEmpty)
            ]
            + ChoiceOption.list(
                CustomerVocabulary.industries, labelPrefix: "customer.industry",
                selected: input?.customer?.industry ?? "")
        page.timings = ChoiceOption.list(
            InvestmentTiming.allCases.map(\.rawValue), labelPrefix: "customer.timing",
            selected: input?.customer?.timing ?? InvestmentTiming.undecided.rawValue)
        page.nextStepChannels = ChoiceOption.list(
            FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel",
            selected: input?.nextStepChannel ?? "phone")
        return page
    }

    @Sendable func intake(req: Request) async throws -> Response {
        try await req.renderPage("inquiries/new", titleKey: "inquiries.new", try await intakePage(req))
    }

    struct IntakeForm: Content {
        var customerID: Int?; var name: String?; var mobile: String?; var companyName: String?;
        var duplicateReason: String?
        var consentChannel: String?
        var industry: String?; var budgetMinWan: String?; var budgetMaxWan: String?; var province: String?;
        var city: String?; var timing: String?
        var nextStep: String?; var nextStepDueAt: String?; var nextStepChannel: String?
        var channel: String?; var receivedAt: String?; var question: String?; var needs: String?; var answer: String?
        var outcome: String?; var promisedBy: String?
        /// The page's other buttons, which keep everything typed (issue 10 #3): `search` looks for
        /// the customer in `q`, `change` lets the chosen file go, `useCustomer` takes a file found or
        /// offered as a duplicate.
        var intent: String?; var q: String?; var useCustomer: Int?

        var input: InquiryInput {
            InquiryInput(
                customerID: customerID,
                customer: customerID == nil
                    ? newCustomer : nil,
                channel: channel, receivedAt: receivedAt, question: question, needs: needs, answer: answer,
                answeredOnTheSpot: outcome != "promised", promisedBy: promisedBy,
                nextStep: nextStep, nextStepDueAt: nextStepDueAt, nextStepChannel: nextStepChannel)
        }

        var newCustomer: InquiryInput.NewCustomer {
            .init(
                name: name, mobile: mobile, companyName: companyName, duplicateReason: duplicateReason,
                consentChannel: consentChannel,
                industry: industry, budgetMinWan: budgetMinWan, budgetMaxWan: budgetMaxWan, province: province,
                city: city, timing: timing)
        }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(IntakeForm.self)
        var input = form.input
        if form.intent == "search" || form.intent == "change" || form.useCustomer != nil {
            if form.intent == "change" { input.customerID = nil }
            if let chosen = form.useCustomer { input.customerID = chosen; input.customer = nil }
            if input.customer == nil, input.customerID == nil {
                input.customer = form.newCustomer
                input.customer?.duplicateReason = nil
            }
            let page = try await intakePage(req, input: input, search: form.intent == "search" ? form.q ?? "" : nil)
            return try await req.renderPage("inquiries/new", titleKey: "inquiries.new", page)
        }
        do {
            let id = try await req.recordInquiry(input)
            return req.redirect(to: SiteURL.inquiry(id).path, flash: FlashMessage(.success, "flash.inquiry_recorded"))
        } catch let errors as FieldErrors {
            var page = try await intakePage(req, input: input)
            // Leaf reads dots as a path: customer.name is shown as customer_name.
            page.errors = Dictionary(
                uniqueKeysWithValues: errors.messages.map {
                    ($0.key.replacingOccurrences(of: ".", with: "_"), $0.value)
                })
            return try await req.renderPage(
                "inquiries/new", titleKey: "inquiries.new", page, status: .unprocessableEntity)
        } catch let duplicates as PossibleDuplicates {
            var page = try await intakePage(req, input: input)
            page.duplicates = CustomerFormPage.DuplicateView.list(duplicates.matches)
            page.hasDuplicates = true
            if form.duplicateReason != nil {
                page.errors["duplicateReason"] = "validation.customer.duplicate_reason_required"
            }
            return try await req.renderPage("inquiries/new", titleKey: "inquiries.new", page, status: .conflict)
        }
    }

    struct ShowPage: Encodable {
        var item: Item
        var needs: String
        var answer: String
        var reply: String
        var repliedAt: String
        var firstAnsweredAt: String
        var canReply: Bool
        var canAssign: Bool
        var assignees: [ChoiceOption]
        var errors: [String: String] = [:]
        var draftReply = ""
        /// Issue 13 §5: once answered, the satisfaction survey's card.
        var survey: SurveyOffer?
    }

    func render(
        _ req: Request, _ row: InquiryStore.Row, errors: [String: String] = [:], draftReply: String = "",
        survey outcome: SurveyOffer.Outcome? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let dto = InquiryDTO(row, actor: staff.actor, now: req.now)
        let isOpen = ["open", "promised"].contains(row.status)
        let canAssign = row.status == "waiting" && AccessPolicy.allows(staff.role, .assignInquiries)
        let assignees =
            canAssign
            ? try await req.application.assigneeDirectory.assignees(on: req.db).map {
                ChoiceOption(value: String($0.id), labelKey: "", label: $0.displayName, isSelected: false)
            } : []
        var page = ShowPage(
            // An empty field reads "—", not blank (issue 10 #15).
            item: Item(dto), needs: req.words.orDash(row.needs), answer: req.words.orDash(row.answer),
            reply: req.words.orDash(row.reply),
            repliedAt: row.repliedAt.map(DisplayFormat.dateTime) ?? "",
            firstAnsweredAt: row.firstAnsweredAt.map(DisplayFormat.dateTime) ?? "—",
            canReply: isOpen && AccessPolicy.permits(staff.actor, .replyInquiry, on: row.recordFacts),
            canAssign: canAssign, assignees: assignees
        )
        page.errors = errors
        page.draftReply = draftReply
        let maySurvey =
            row.customerID != nil && SurveySubjectsController.refusal(of: row) == nil
            && AccessPolicy.permits(staff.actor, .replyInquiry, on: row.recordFacts)
        if maySurvey || outcome != nil {
            page.survey = try await SurveyOffer.load(
                .inquiry, id: row.id, action: SiteURL.inquirySurvey(row.id).path, outcome: outcome, now: req.now,
                on: req.db)
        }
        return try await req.renderPage("inquiries/show", titleKey: "inquiries.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, try await req.inquiry(for: .viewInquiries))
    }

    struct ReplyForm: Content { var reply: String? }

    @Sendable func reply(req: Request) async throws -> Response {
        let row = try await req.inquiry(for: .replyInquiry)
        let form = try req.content.decode(ReplyForm.self)
        do {
            try await InquiryStore(database: req.db).reply(row.id, reply: form.reply ?? "", context: req.auditContext)
            return req.redirect(
                to: SiteURL.inquiry(row.id).path, flash: FlashMessage(.success, "flash.inquiry_replied"))
        } catch let errors as FieldErrors {
            return try await render(
                req, row, errors: errors.messages, draftReply: form.reply ?? "", status: .unprocessableEntity)
        }
    }

    struct AssignForm: Content { var staffID: Int? }

    @Sendable func assign(req: Request) async throws -> Response {
        let row = try await req.inquiry(for: .assignInquiries)
        let form = try req.content.decode(AssignForm.self)
        guard let staffID = form.staffID, let staff = try await StaffModel.find(staffID, on: req.db), staff.isActive,
            [.specialist, .supervisor].contains(staff.roleValue)
        else {
            return try await render(
                req, row, errors: ["staffID": "validation.choose_from_list"], status: .unprocessableEntity)
        }
        do {
            _ = try await InquiryStore(database: req.db).assign(
                row.id, to: staffID, keepOwner: false, context: req.auditContext)
            return req.redirect(
                to: SiteURL.inquiry(row.id).path, flash: FlashMessage(.success, "flash.inquiry_assigned"))
        } catch let errors as FieldErrors {
            return try await render(req, row, errors: errors.messages, status: .unprocessableEntity)
        }
    }

    /// 认领 from the queue: the inquiry is the caller's now, or someone was quicker and the queue says so.
    @Sendable func claim(req: Request) async throws -> Response {
        do {
            let row = try await req.claimInquiry()
            return req.redirect(
                to: SiteURL.inquiry(row.id).path, flash: FlashMessage(.success, "flash.inquiry_claimed"))
        } catch let error as KefuError where error.status == .conflict {
            return req.redirect(
                to: SiteURL.inquiries.path(rawQuery: "status=waiting"),
                flash: FlashMessage(.warning, "error.inquiry.already_claimed"))
        }
    }
}
