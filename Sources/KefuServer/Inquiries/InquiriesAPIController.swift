import Foundation
import KefuDomain
import Vapor

/// An inquiry as the API shows it; the visitor's mobile is masked unless the caller may see it.
struct InquiryDTO: Content {
    var id: Int
    var number: String?
    var customerID: Int?
    var customerCode: String?
    var customerName: String?
    var channel: String
    var receivedAt: Date
    var question: String
    var needs: String?
    var answer: String?
    var firstAnsweredAt: Date?
    var status: String
    var promisedBy: Date?
    var promiseState: String?
    var repliedAt: Date?
    var reply: String?
    var staffID: Int?
    var staffName: String?
    var visitorName: String?
    var visitorMobile: String?
    var visitorCompany: String?
    var visitorIntent: String?
    var version: Int

    init(_ row: InquiryStore.Row, actor: Actor, now: Date) {
        id = row.id; number = row.number; customerID = row.customerID; customerCode = row.customerCode;
        customerName = row.customerName
        channel = row.channel; receivedAt = row.receivedAt; question = row.question; needs = row.needs;
        answer = row.answer
        firstAnsweredAt = row.firstAnsweredAt; status = row.status; promisedBy = row.promisedBy
        promiseState = row.promisedBy.map {
            PromisedReplyRule.state(deadline: $0, repliedAt: row.repliedAt, now: now).rawValue
        }
        repliedAt = row.repliedAt; reply = row.reply; staffID = row.staffID; staffName = row.staffName
        visitorName = row.visitorName; visitorCompany = row.visitorCompany; visitorIntent = row.visitorIntent
        version = row.version
        let masked = ContactVisibility.decide(for: actor, on: row.recordFacts, revealed: false) == .masked
        visitorMobile = masked ? row.visitorMobile.map(MainlandMobile.masked) : row.visitorMobile
    }
}

/// What an intake form or JSON body says: an existing customer, or a new one to file (with the
/// duplicate check), and the inquiry itself.
struct InquiryInput: Content {
    struct NewCustomer: Content {
        var name: String?; var mobile: String?; var companyName: String?; var duplicateReason: String?
        /// How the caller agreed to their information being kept (issue 10 #15: files created at intake
        /// had no consent record); empty when they were not asked.
        var consentChannel: String? = nil
        /// The profile asked on the same screen (issue 10, one-screen intake): industry, budget, region, timing.
        var industry: String? = nil
        var budgetMinWan: String? = nil
        var budgetMaxWan: String? = nil
        var province: String? = nil
        var city: String? = nil
        var timing: String? = nil
    }
    var customerID: Int?
    var customer: NewCustomer?
    var channel: String?
    var receivedAt: String?
    var question: String?
    var needs: String?
    var answer: String?
    var answeredOnTheSpot: Bool?
    var promisedBy: String?
    /// 约定的下一步: planned as a follow-up of the customer in the same step, when given with its time.
    var nextStep: String? = nil
    var nextStepDueAt: String? = nil
    var nextStepChannel: String? = nil

    var draft: InquiryDraft {
        InquiryDraft(
            channel: channel ?? "", receivedAt: receivedAt ?? "", question: question ?? "", needs: needs ?? "",
            answer: answer ?? "",
            answeredOnTheSpot: answeredOnTheSpot ?? true, promisedBy: promisedBy ?? "")
    }
}

extension Request {
    /// Files an inquiry from intake input: validates the inquiry and the customer part together, then
    /// creates the customer if new (``PossibleDuplicates`` when it looks like an existing file).
    func recordInquiry(_ input: InquiryInput) async throws -> Int {
        let staff = try requireStaff()
        var errors = FieldErrors()
        var values: InquiryValues?
        switch InquiryValidation.validate(input.draft, now: now, timeZone: DisplayFormat.timeZone) {
        case .success(let valid): values = valid
        case .failure(let problems): errors.merge(problems)
        }
        var customerValues: CustomerValues?
        if input.customerID == nil {
            var draft = CustomerDraft()
            draft.name = input.customer?.name ?? ""
            draft.mobile = input.customer?.mobile ?? ""
            draft.companyName = input.customer?.companyName ?? ""
            draft.kind =
                draft.companyName.trimmed.isEmpty ? CustomerKind.individual.rawValue : CustomerKind.company.rawValue
            draft.source = values.map { Self.source(for: $0.channel) }?.rawValue ?? SourceChannel.phone.rawValue
            if let channel = input.customer?.consentChannel?.trimmed, !channel.isEmpty {
                draft.consentChannel = channel
                draft.consentNoticeVersion = kefu.configuration.inquiries.privacyNoticeVersion
            }
            if let industry = input.customer?.industry?.trimmed, !industry.isEmpty { draft.industries = [industry] }
            draft.budgetMinWan = input.customer?.budgetMinWan ?? ""
            draft.budgetMaxWan = input.customer?.budgetMaxWan ?? ""
            draft.province = input.customer?.province ?? ""
            draft.city = input.customer?.city ?? ""
            if let timing = input.customer?.timing?.trimmed, !timing.isEmpty { draft.timing = timing }
            switch CustomerValidation.validate(draft) {
            case .success(let valid): customerValues = valid
            case .failure(let problems): for (field, key) in problems.messages { errors.add("customer." + field, key) }
            }
        } else if let id = input.customerID,
            // Whether it exists, without hydrating the file's forty fields through Fluent (issue 18 §9).
            try await db.sql().raw("SELECT id FROM customers WHERE id = \(bind: id)").first() == nil
        {
            errors.add("customerID", "validation.inquiry.customer_unknown")
        }
        var nextStep: FollowUpPlan?
        let purpose = (input.nextStep ?? "").trimmed, due = (input.nextStepDueAt ?? "").trimmed
        if !purpose.isEmpty || !due.isEmpty {
            switch FollowUpRule.validate(
                FollowUpPlanDraft(
                    dueAt: due, channel: input.nextStepChannel ?? FollowUpChannel.phone.rawValue, purpose: purpose),
                now: now, timeZone: DisplayFormat.timeZone)
            {
            case .success(let plan): nextStep = plan
            case .failure(let problems):
                for (field, key) in problems.messages {
                    errors.add(
                        field == "purpose" ? "nextStep" : "nextStep" + field.prefix(1).uppercased() + field.dropFirst(),
                        key)
                }
            }
        }
        try errors.throwIfAny()
        guard let values else { throw KefuError.validation(errors) }
        var customerID = input.customerID
        if let customerValues {
            let customer = try await CustomerStore(database: db).create(
                customerValues, responsibleStaffID: staff.id, duplicateReason: input.customer?.duplicateReason,
                context: auditContext)
            customerID = try customer.requireID()
            if let channel = customerValues.consentChannel {
                _ = try await ConsentStore(database: db).record(
                    ConsentDTO(
                        purpose: ConsentPurpose.collection.rawValue, status: ConsentStatus.granted.rawValue,
                        effectiveAt: now, channel: channel,
                        evidence: nil, noticeVersion: kefu.configuration.inquiries.privacyNoticeVersion),
                    customerID: try customer.requireID(), context: auditContext)
            }
        }
        let inquiryID = try await InquiryStore(database: db).create(
            values, customerID: customerID ?? 0, staffID: staff.id, context: auditContext)
        if input.customerID != nil, let customerID {
            try await InquiryStore.notifyOwner(
                customerID: customerID, inquiryID: inquiryID, context: auditContext, localizer: kefu.localizer, on: db)
        }
        if let nextStep, let customerID {
            let context = auditContext
            _ = try await db.writeTransaction { tx in
                try await FollowUpStore.insert(nextStep, customerID: customerID, context: context, on: tx)
            }
        }
        return inquiryID
    }

    private static func source(for channel: InquiryChannel) -> SourceChannel {
        switch channel {
        case .phone: .phone
        case .email: .email
        case .onlineChat, .wechat: .onlineChat
        case .visit: .visit
        case .webForm: .webForm
        }
    }

    /// The inquiry addressed by `:id` if the caller may perform `action` on it.
    func inquiry(for action: Action) async throws -> InquiryStore.Row {
        try await record(InquiryKind.self, for: action)
    }

    var inquiryFilter: InquiryStore.Filter {
        let scope = try? listScope(for: .viewInquiries)
        var filter = InquiryStore.Filter()
        filter.status = query[String.self, at: "status"].flatMap(InquiryStore.Status.init(rawValue:))
        // The queue is everyone's to see (its contacts masked); otherwise a specialist sees their own.
        if filter.status != .waiting { filter.staffID = scope?.staffID }
        if query[String.self, at: "due"] == "1" {
            filter.dueBefore = now.addingTimeInterval(PromisedReplyRule.reminderLead)
        }
        return filter
    }
}

/// `/api/v1/inquiries`: intake, promised replies and their closing, the public-form queue and its
/// assignment, and the response-time figures (R3.1, R4.1 #2).
struct InquiriesAPIController: RouteCollection {
    /// `version`: the one read; a reply sent on a stale one is a conflict. Without it, a reply closed
    /// meanwhile is refused at the field.
    struct ReplyRequest: Content { var reply: String?; var version: Int? }
    struct AssignRequest: Content { var staffID: Int? }
    struct FiguresDTO: Content {
        var since: Date; var answered: Int; var averageResponseMinutes: Int?; var promisedReplied: Int;
        var promisedOnTime: Int; var punctualityRate: Double?
    }

    func boot(routes: any RoutesBuilder) throws {
        let inquiries = routes.grouped("inquiries")
        inquiries.requiring(.viewInquiries).get(use: list)
        inquiries.requiring(.recordInquiry).post(use: create)
        inquiries.requiring(.viewInquiries).get("figures", use: figures)
        inquiries.requiring(.viewInquiries).get(":id", use: show)
        inquiries.requiring(.replyInquiry).post(":id", "reply", use: reply)
        inquiries.requiring(.assignInquiries).post(":id", "assign", use: assign)
        inquiries.requiring(.claimInquiries).post(":id", "claim", use: claim)
        inquiries.requiring(.assignInquiries).get("load", use: load)
    }

    /// First come: the waiting inquiry becomes the caller's; 409 when someone was quicker.
    @Sendable func claim(req: Request) async throws -> InquiryDTO {
        InquiryDTO(try await req.claimInquiry(), actor: try req.requireStaff().actor, now: req.now)
    }

    /// Each person's open inquiries and promised replies (supervisor).
    @Sendable func load(req: Request) async throws -> [InquiryStore.Load] {
        try await InquiryStore(database: req.db).openLoad()
    }

    @Sendable func list(req: Request) async throws -> PageDTO<InquiryDTO> {
        let actor = try req.requireStaff().actor
        let paging = try req.paging
        let (rows, total) = try await InquiryStore(database: req.db).list(req.inquiryFilter, paging: paging)
        let now = req.now
        return PageDTO(
            items: rows.map { InquiryDTO($0, actor: actor, now: now) }, request: paging, total: total,
            cap: InquiryStore.countCap)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(InquiryInput.self)
        do {
            let id = try await req.recordInquiry(input)
            guard let row = try await InquiryStore(database: req.db).find(id) else { throw KefuError.notFound }
            return try await InquiryDTO(row, actor: try req.requireStaff().actor, now: req.now).encodeResponse(
                status: .created, for: req)
        } catch let duplicates as PossibleDuplicates {
            let body = CustomersAPIController.DuplicateBody(
                error: .init(
                    code: "possible_duplicate", message: req.t("error.customer.possible_duplicate"),
                    fields: ["customer.duplicateReason": req.t("validation.required")]),
                duplicates: duplicates.matches)
            return try await body.encodeResponse(status: .conflict, for: req)
        }
    }

    @Sendable func show(req: Request) async throws -> InquiryDTO {
        let row = try await req.inquiry(for: .viewInquiries)
        return InquiryDTO(row, actor: try req.requireStaff().actor, now: req.now)
    }

    @Sendable func reply(req: Request) async throws -> InquiryDTO {
        let row = try await req.inquiry(for: .replyInquiry)
        let input = try req.content.decode(ReplyRequest.self)
        let store = InquiryStore(database: req.db)
        try await store.reply(row.id, reply: input.reply ?? "", version: input.version, context: req.auditContext)
        guard let saved = try await store.find(row.id) else { throw KefuError.notFound }
        return InquiryDTO(saved, actor: try req.requireStaff().actor, now: req.now)
    }

    @Sendable func assign(req: Request) async throws -> InquiryDTO {
        let row = try await req.inquiry(for: .assignInquiries)
        let input = try req.content.decode(AssignRequest.self)
        guard let staffID = input.staffID, let staff = try await StaffModel.find(staffID, on: req.db), staff.isActive,
            [.specialist, .supervisor].contains(staff.roleValue)
        else {
            throw KefuError.validation(FieldErrors(["staffID": "validation.choose_from_list"]))
        }
        let store = InquiryStore(database: req.db)
        _ = try await store.assign(row.id, to: staffID, keepOwner: false, context: req.auditContext)
        guard let saved = try await store.find(row.id) else { throw KefuError.notFound }
        return InquiryDTO(saved, actor: try req.requireStaff().actor, now: req.now)
    }

    /// The last 30 days, or since `days` ago (1–365); the caller's own unless they may see the team.
    @Sendable func figures(req: Request) async throws -> FiguresDTO {
        let days = min(max(req.query[Int.self, at: "days"] ?? 30, 1), 365)
        let since = req.now.addingTimeInterval(-Double(days) * 86400)
        let figures = try await InquiryStore(database: req.db).figures(staffID: req.inquiryFilter.staffID, since: since)
        return FiguresDTO(
            since: since, answered: figures.answered, averageResponseMinutes: figures.averageResponseMinutes,
            promisedReplied: figures.punctuality.replied, promisedOnTime: figures.punctuality.onTime,
            punctualityRate: figures.punctuality.rate)
    }
}
