import Foundation
import KefuDomain
import Vapor

/// `/api/v1/obligations` and `/api/v1/payments`: what contracts oblige customers and the company to
/// do by when (R3.4) — the overdue and this-week lists, fulfilment, reminders given to the customer,
/// and the payments the 财务部 marks received.
struct ObligationsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("contracts", ":id", "obligations").requiring(.manageContracts).post(use: add)
        let obligations = routes.grouped("obligations")
        obligations.requiring(.viewContracts).get(use: list)
        obligations.requiring(.manageContracts).post(":id", "fulfilment", use: fulfil)
        obligations.requiring(.manageContracts).post(":id", "notices", use: addNotice)
        let paymentRoutes = routes.grouped("payments")
        paymentRoutes.requiring(.viewPayments).get(use: payments)
        paymentRoutes.requiring(.receivePayments).post(":id", "receipt", use: receive)
    }

    struct ObligationDTO: Content {
        var id: Int; var contractID: Int; var contractNumber: String; var customerID: Int; var customerName: String;
        var kind: String
        var party: String; var title: String; var dueOn: String; var amountWan: String?; var remindDaysBefore: Int;
        var staffID: Int?
        var staffName: String?; var isOverdue: Bool; var doneAt: Date?; var doneBy: String?; var version: Int

        init(_ row: ObligationStore.Row, today: CalendarDay) {
            id = row.id; contractID = row.contractID; contractNumber = row.contractNumber; customerID = row.customerID;
            customerName = row.customerName
            kind = row.kind; party = row.party; title = row.title; dueOn = row.dueOn;
            amountWan = row.amountYuan.map { Yuan($0).wanText }
            remindDaysBefore = row.remindDaysBefore; staffID = row.staffID; staffName = row.staffName
            isOverdue = ObligationRules.isOverdue(dueOn: row.day, isDone: row.doneAt != nil, today: today);
            doneAt = row.doneAt
            doneBy = row.doneByName; version = row.version
        }
    }

    @Sendable func add(req: Request) async throws -> Response {
        let contract = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(ObligationStore.Input.self)
        let store = ObligationStore(database: req.db)
        let id = try await store.add(contractID: contract.id, input, context: req.auditContext)
        guard let row = try await store.find(id) else { throw KefuError.notFound }
        return try await ObligationDTO(row, today: req.today).encodeResponse(status: .created, for: req)
    }

    /// `view=overdue` (default), `week` or `open`; `scope=mine` or `staff=ID` for the supervisor and leadership.
    @Sendable func list(req: Request) async throws -> [ObligationDTO] {
        let staff = try req.requireStaff()
        var filter = ObligationStore.Filter(view: try Self.view(req))
        switch AccessPolicy.widestScope(of: staff.role, for: .viewContracts) {
        case .any?:
            filter.staffID = req.query[String.self, at: "scope"] == "mine" ? staff.id : req.query[Int.self, at: "staff"]
        case .own?: filter.staffID = staff.id
        // A liaison of the 法务部 has contracts to review, not obligations to follow.
        default: return []
        }
        let today = req.today
        return try await ObligationStore(database: req.db).list(filter, today: today, paging: try req.paging).map {
            ObligationDTO($0, today: today)
        }
    }

    /// Payments due: a 财务部 liaison sees those of contracts whose payments go to their department.
    @Sendable func payments(req: Request) async throws -> [ObligationDTO] {
        let staff = try req.requireStaff()
        var filter = ObligationStore.Filter(view: try Self.view(req, default: .open), paymentsOnly: true)
        switch AccessPolicy.widestScope(of: staff.role, for: .viewPayments) {
        case .any?: filter.staffID = req.query[String.self, at: "scope"] == "mine" ? staff.id : nil
        case .forwardedToMyDepartment?: filter.paymentsOfDepartment = staff.departmentID
        default: filter.staffID = staff.id
        }
        let today = req.today
        return try await ObligationStore(database: req.db).list(filter, today: today, paging: try req.paging).map {
            ObligationDTO($0, today: today)
        }
    }

    static func view(_ req: Request, default fallback: ObligationStore.View = .overdue) throws -> ObligationStore.View {
        guard let text = req.query[String.self, at: "view"] else { return fallback }
        guard let view = ObligationStore.View(rawValue: text) else {
            throw KefuError.invalidQuery(FieldErrors(["view": "validation.choose_from_list"]))
        }
        return view
    }

    struct VersionOnly: Content { var version: Int? }

    @Sendable func fulfil(req: Request) async throws -> ObligationDTO {
        let row = try await req.obligation(for: .manageContracts)
        if row.isPayment {
            throw ContractRefused(field: "version", reason: ContractReason("obligation.refusal.payment_by_finance"))
        }
        return try await done(req, row)
    }

    @Sendable func receive(req: Request) async throws -> ObligationDTO {
        let row = try await req.obligation(for: .receivePayments)
        guard row.isPayment else { throw KefuError.notFound }
        return try await done(req, row)
    }

    private func done(_ req: Request, _ row: ObligationStore.Row) async throws -> ObligationDTO {
        guard let version = try req.content.decode(VersionOnly.self).version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let store = ObligationStore(database: req.db)
        try await store.fulfil(row, version: version, context: req.auditContext)
        guard let saved = try await store.find(row.id) else { throw KefuError.notFound }
        return ObligationDTO(saved, today: req.today)
    }

    @Sendable func addNotice(req: Request) async throws -> Response {
        let row = try await req.obligation(for: .manageContracts)
        let input = try req.content.decode(ObligationStore.NoticeInput.self)
        _ = try await ObligationStore(database: req.db).addNotice(row, input, context: req.auditContext)
        return try await ObligationDTO(row, today: req.today).encodeResponse(status: .created, for: req)
    }
}

extension Request {
    /// The obligation addressed by `:id` if the caller may perform `action` on it.
    func obligation(for action: Action) async throws -> ObligationStore.Row {
        guard let id = parameters.get("id", as: Int.self), let row = try await ObligationStore(database: db).find(id)
        else { throw KefuError.notFound }
        try await authorize(
            action, on: row.recordFacts, recordType: ObligationRecordKind.recordType, recordID: String(id))
        return row
    }
}

extension ObligationStore.Input: Content {}
extension ObligationStore.NoticeInput: Content {}
