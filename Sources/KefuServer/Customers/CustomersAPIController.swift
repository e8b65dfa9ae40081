import Fluent
import Foundation
import KefuDomain
import Vapor

/// `/api/v1/customers`: customer files, their timeline, history and communications as JSON.
struct CustomersAPIController: RouteCollection {
    struct RevealRequest: Content { var reason: String? }
    /// The files by id, or every file matching `filter` (the list's query string, e.g. `stage=intent&specialist=5`); a reason.
    struct ReassignRequest: Content {
        var customerIDs: [Int]?; var toStaffID: Int; var reason: String?; var filter: String?
    }
    struct ReassignResult: Content { var moved: Int }
    struct DuplicateBody: Content {
        var error: APIErrorBody.Detail
        var duplicates: [DuplicateMatch]
    }
    struct TimelineEntryDTO: Content {
        var id: Int; var occurredAt: Date; var kind: String; var recordType: String; var recordID: Int?
        var actorName: String; var summary: String
        /// What is stored (issue 9 §7): `summary` is this message in the reader's language.
        var messageKey: String; var messageArgs: [String: StoredArgument]

        init(_ entry: Timeline.Entry, words: DisplayWords) {
            id = entry.id
            occurredAt = entry.occurredAt
            kind = entry.kind
            recordType = entry.recordType
            recordID = entry.recordID
            actorName = entry.actorName
            summary = words.timelineText(entry)
            let message = entry.message
            messageKey = message.key
            messageArgs = message.arguments
            if !entry.summary.isEmpty { messageArgs["text"] = .value(entry.summary) }
        }
    }
    struct ChangeDTO: Content {
        var id: Int; var changedAt: Date; var actorName: String; var field: String; var oldValue: String;
        var newValue: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let customers = routes.grouped("customers")
        customers.requiring(.viewCustomers).get(use: list)
        customers.requiring(.createCustomer).post(use: create)
        customers.requiring(.createCustomer).get("duplicates", use: duplicates)
        customers.requiring(.reassignCustomers).post("reassign", use: reassign)
        customers.requiring(.exportCustomers).get("export", use: export)
        customers.requiring(.viewCustomers).get(":id", use: show)
        customers.requiring(.editCustomer).patch(":id", use: update)
        customers.requiring(.revealCustomerContact).post(":id", "reveal", use: reveal)
        customers.requiring(.viewCustomers).get(":id", "timeline", use: timeline)
        customers.requiring(.viewCustomers).get(":id", "changes", use: changes)
        customers.requiring(.viewCustomers).get(":id", "communications", use: communications)
        customers.requiring(.recordCommunication).post(":id", "communications", use: createCommunication)
        customers.requiring(.viewCustomers).get(":id", "overview", use: overview)
        customers.requiring(.viewCustomers).get("saved-filters", use: savedFilters)
        customers.requiring(.viewCustomers).post("saved-filters", use: saveFilter)
        customers.requiring(.viewCustomers).delete("saved-filters", ":filterID", use: deleteFilter)
    }

    struct SavedFilterDTO: Content { var id: Int?; var name: String; var query: String; var isBuiltIn: Bool }
    struct SavedFilterInput: Content { var name: String?; var query: String? }

    /// The person's filters of the customer list: the three built-in ones, then their own.
    @Sendable func savedFilters(req: Request) async throws -> [SavedFilterDTO] {
        let staff = try req.requireStaff()
        return SavedFilterStore.builtIns.map {
            SavedFilterDTO(id: nil, name: req.t($0.key), query: $0.query, isBuiltIn: true)
        }
            + (try await SavedFilterStore(database: req.db).list(staffID: staff.id)).map {
                SavedFilterDTO(id: $0.id, name: $0.name, query: $0.query, isBuiltIn: false)
            }
    }

    @Sendable func saveFilter(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let input = try req.content.decode(SavedFilterInput.self)
        let filter = CustomerFilter(parameters: QueryParameters(input.query ?? ""), staffID: staff.id)
        let row = try await SavedFilterStore(database: req.db).save(
            name: input.name ?? "", filter: filter, staffID: staff.id, context: req.auditContext)
        return try await SavedFilterDTO(id: row.id, name: row.name, query: row.query, isBuiltIn: false).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func deleteFilter(req: Request) async throws -> HTTPStatus {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("filterID", as: Int.self),
            try await SavedFilterStore(database: req.db).delete(id, staffID: staff.id, context: req.auditContext)
        else {
            throw Abort(.notFound)
        }
        return .noContent
    }

    /// The 360's at a glance: open follow-ups, promised replies, recent recommendations — each part only
    /// where the caller may see it (absent otherwise).
    @Sendable func overview(req: Request) async throws -> CustomerOverviewDTO {
        let customer = try await req.customerToShow(for: .viewCustomers)
        let id = try customer.requireID()
        let overview = try await CustomerOverview.load(
            customerID: id, facts: customer.recordFacts, actor: try req.requireStaff().actor, now: req.now, on: req.db)
        return CustomerOverviewDTO(
            customerID: id, openFollowUps: overview.openFollowUps, openFollowUpCount: overview.openFollowUpCount,
            promisedReplies: overview.promisedReplies, recommendations: overview.recommendations)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<CustomerSummaryDTO> {
        let actor = try req.requireStaff().actor
        let paging = try req.paging
        let (rows, total) = try await CustomerQueries(database: req.db).list(
            req.customerFilter, visibleTo: actor, paging: paging, now: req.now)
        let items = rows.map { row in
            CustomerSummaryDTO(
                row,
                visibility: ContactVisibility.decide(
                    for: actor, on: RecordFacts(responsibleStaffID: row.responsibleStaffID), revealed: false))
        }
        return PageDTO(items: items, request: paging, total: total, cap: CustomerQueries.countCap)
    }

    @Sendable func export(req: Request) async throws -> Response {
        try await req.customerExportResponse()
    }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let input = try req.content.decode(CustomerInput.self)
        let values = try CustomerValidation.validate(input.draft()).get()
        // A specialist's new customer is theirs; the supervisor may name the responsible specialist.
        let responsible = staff.role == .supervisor ? (input.responsibleStaffID ?? staff.id) : staff.id
        if responsible != staff.id, try await !StaffStore(database: req.db).isAssignee(responsible) {
            throw KefuError.validation(FieldErrors(["responsibleStaffID": "validation.customer.reassign_target"]))
        }
        let followUp = try await req.followUpPlan(for: input, newStage: values.stage, oldStage: nil, customerID: nil)
        do {
            let customer = try await CustomerStore(database: req.db).create(
                values, responsibleStaffID: responsible, duplicateReason: input.duplicateReason,
                context: req.auditContext, followUp: followUp
            )
            return try await CustomerDTO(customer, visibility: try req.contactVisibility(of: customer.recordFacts))
                .encodeResponse(status: .created, for: req)
        } catch let duplicates as PossibleDuplicates {
            return try await duplicateResponse(duplicates, req)
        }
    }

    @Sendable func duplicates(req: Request) async throws -> [DuplicateMatch] {
        var draft = CustomerDraft()
        draft.name = "-"
        draft.kind = CustomerKind.company.rawValue
        draft.source = SourceChannel.phone.rawValue
        draft.mobile = req.query[String.self, at: "mobile"] ?? ""
        draft.creditCode = req.query[String.self, at: "creditCode"] ?? ""
        draft.companyName = req.query[String.self, at: "companyName"] ?? "-"
        if draft.mobile.isEmpty { draft.wechatID = "-" }
        let values = try CustomerValidation.validate(draft).get()
        let context = req.auditContext
        try await DuplicateCheck.admit(context, on: req.db)
        let matches = try await CustomerStore(database: req.db).duplicates(of: values)
        try await DuplicateCheck.record(matches, for: values, context: context, on: req.db)
        return matches
    }

    @Sendable func show(req: Request) async throws -> CustomerDTO {
        let customer = try await req.customerToShow(for: .viewCustomers)
        return CustomerDTO(customer, visibility: try req.contactVisibility(of: customer.recordFacts))
    }

    @Sendable func update(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .editCustomer)
        let input = try req.content.decode(CustomerInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let values = try CustomerValidation.validate(
            input.draft(over: customer.draft), currentStage: CustomerStage(rawValue: customer.stage)
        ).get()
        let followUp = try await req.followUpPlan(
            for: input, newStage: values.stage, oldStage: CustomerStage(rawValue: customer.stage),
            customerID: customer.id)
        do {
            try await CustomerStore(database: req.db).update(
                customer, with: values, version: version, duplicateReason: input.duplicateReason,
                context: req.auditContext, followUp: followUp)
            return try await CustomerDTO(customer, visibility: try req.contactVisibility(of: customer.recordFacts))
                .encodeResponse(for: req)
        } catch let duplicates as PossibleDuplicates {
            return try await duplicateResponse(duplicates, req)
        }
    }

    @Sendable func reveal(req: Request) async throws -> CustomerDTO {
        let customer = try await req.customerToShow(for: .viewCustomers)
        let reason = (try req.content.decode(RevealRequest.self).reason ?? "").trimmed
        guard reason.count >= 2 else {
            throw KefuError.validation(FieldErrors(["reason": "validation.customer.reveal_reason"]))
        }
        try await req.authorize(
            .revealCustomerContact, on: customer.recordFacts, recordType: "customer",
            recordID: String(try customer.requireID()))
        try await req.recordReveal(of: customer, reason: reason)
        return CustomerDTO(customer, visibility: try req.contactVisibility(of: customer.recordFacts, revealed: true))
    }

    @Sendable func timeline(req: Request) async throws -> PageDTO<TimelineEntryDTO> {
        let customer = try await req.customerToShow(for: .viewCustomers)
        let paging = try req.paging
        // The same groups as the file page's filters; an unknown one is bad input, not "all".
        var group: Timeline.Group?
        if let kind = req.query[String.self, at: "kind"], !kind.isEmpty {
            guard let known = Timeline.Group(rawValue: kind) else {
                throw KefuError.validation(FieldErrors(["kind": "validation.timeline.kind"]))
            }
            group = known
        }
        let (items, total) = try await Timeline.page(
            customerID: try customer.requireID(), group: group, paging: paging, on: req.db)
        return PageDTO(
            items: items.map { TimelineEntryDTO($0, words: req.words) }, request: paging, total: total)
    }

    @Sendable func changes(req: Request) async throws -> PageDTO<ChangeDTO> {
        let customer = try await req.customerToShow(for: .viewCustomers)
        let visibility = try req.contactVisibility(of: customer.recordFacts)
        let paging = try req.paging
        let query = CustomerChangeModel.query(on: req.db).filter(\.$customerID == (try customer.requireID()))
        let total = try await query.count()
        let rows = try await query.sort(\.$changedAt, .descending).sort(\.$id, .descending).range(
            paging.offset..<(paging.offset + paging.size)
        ).all()
        return PageDTO(
            items: rows.map { row in
                // Old and new contact values are contact details too (R4.4).
                let hide = visibility == .masked && CustomerValues.contactFields.contains(row.field)
                return ChangeDTO(
                    id: row.id ?? 0, changedAt: row.changedAt, actorName: row.actorName, field: row.field,
                    oldValue: hide ? ContactMasking.maskMiddle(row.oldValue) : row.oldValue,
                    newValue: hide ? ContactMasking.maskMiddle(row.newValue) : row.newValue)
            }, request: paging, total: total)
    }

    @Sendable func communications(req: Request) async throws -> PageDTO<CommunicationRecordDTO> {
        let customer = try await req.customerToShow(for: .viewCustomers)
        let paging = try req.paging
        let (rows, total) = try await CommunicationStore(database: req.db).page(
            customerID: try customer.requireID(), paging: paging)
        return PageDTO(
            items: rows.map {
                CommunicationRecordDTO(
                    id: $0.id, customerID: customer.id, staffID: $0.staffID, channel: $0.channel,
                    direction: $0.direction,
                    occurredAt: $0.occurredAt, durationMinutes: $0.durationMinutes, summary: $0.summary,
                    content: $0.content, nextStep: $0.nextStep)
            }, request: paging, total: total)
    }

    @Sendable func createCommunication(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recordCommunication)
        var input = try req.content.decode(CommunicationRecordDTO.self)
        let staff = try req.requireStaff()
        let id = try await CommunicationStore(database: req.db).create(
            input, customerID: try customer.requireID(), staffID: staff.id, context: req.auditContext)
        input.id = id
        input.customerID = customer.id
        input.staffID = staff.id
        input.occurredAt = input.occurredAt ?? req.now
        return try await input.encodeResponse(status: .created, for: req)
    }

    @Sendable func reassign(req: Request) async throws -> ReassignResult {
        let input = try req.content.decode(ReassignRequest.self)
        let staff = try req.requireStaff()
        guard try await StaffStore(database: req.db).isAssignee(input.toStaffID) else {
            throw KefuError.validation(FieldErrors(["toStaffID": "validation.customer.reassign_target"]))
        }
        let reason = (input.reason ?? "").trimmed
        guard reason.count >= 2, reason.count <= 200 else {
            throw KefuError.validation(FieldErrors(["reason": "validation.customer.reassign_reason"]))
        }
        var ids = input.customerIDs ?? []
        if let filter = input.filter {
            guard ids.isEmpty else {
                throw KefuError.validation(FieldErrors(["filter": "validation.customer.reassign_ids_or_filter"]))
            }
            ids = try await CustomerQueries(database: req.db).matchingIDs(
                CustomerFilter(parameters: QueryParameters(filter), staffID: staff.id), visibleTo: staff.actor,
                now: req.now,
                limit: CustomerStore.maximumReassignment + 1)
        }
        guard !ids.isEmpty, ids.count <= CustomerStore.maximumReassignment else {
            throw KefuError.validation(FieldErrors(["customerIDs": "validation.customer.reassign_count"]))
        }
        return ReassignResult(
            moved: try await CustomerStore(database: req.db).reassign(
                ids, to: input.toStaffID, reason: reason, notice: req.reassignmentNotice(to: input.toStaffID),
                context: req.auditContext))
    }

    private func duplicateResponse(_ duplicates: PossibleDuplicates, _ req: Request) async throws -> Response {
        let fields = Dictionary(
            duplicates.matches.map { ($0.reason.rawValue, req.t("validation.customer.duplicate")) },
            uniquingKeysWith: { first, _ in first })
        let body = DuplicateBody(
            error: .init(
                code: "possible_duplicate", message: req.t("error.customer.possible_duplicate"), fields: fields),
            duplicates: duplicates.matches
        )
        return try await body.encodeResponse(status: .conflict, for: req)
    }
}
