import Foundation
import KefuDomain
import Vapor

/// The obligation lists (due this week, overdue) and the payments the 财务部 receives; the forms to
/// fulfil an obligation and to log a reminder given to the customer.
struct ObligationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewContracts).get(.obligations, use: list)
        routes.requiring(.manageContracts).post(.obligationFulfilment, use: fulfil)
        routes.requiring(.manageContracts).post(.obligationNotices, use: addNotice)
        routes.requiring(.viewPayments).get(.payments, use: payments)
        routes.requiring(.receivePayments).post(.paymentReceipt, use: receive)
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var id: Int; var contractID: Int; var contractNumber: String; var customerName: String; var kindKey: String;
            var title: String
            var dueOn: String; var amountWan: String; var staffName: String; var isOverdue: Bool; var isDone: Bool;
            var version: Int
        }
        var view: String
        var isPayments: Bool
        var canSeeTeam: Bool
        var isTeam: Bool
        var canReceive: Bool
        var rows: HTMLFragment
        var hasItems: Bool
        var pager: Pager
    }

    private func page(
        _ req: Request, _ filter: ObligationStore.Filter?, view: ObligationStore.View, isPayments: Bool,
        canSeeTeam: Bool
    ) async throws -> Response {
        let today = req.today, paging = try req.paging, store = ObligationStore(database: req.db)
        let rows = try await filter.asyncMap { try await store.list($0, today: today, paging: paging) } ?? []
        let total = try await filter.asyncMap { try await store.count($0, today: today) } ?? 0
        let query = req.queryParameters
        let staff = try req.requireStaff()
        let canReceive = isPayments && AccessPolicy.allows(staff.role, .receivePayments)
        let items: [ListPage.Row] = rows.map {
            .init(
                id: $0.id, contractID: $0.contractID, contractNumber: $0.contractNumber, customerName: $0.customerName,
                kindKey: "obligation.kind.\($0.kind)",
                title: $0.title, dueOn: $0.dueOn, amountWan: $0.amountYuan.map { Yuan($0).wanText } ?? "",
                staffName: $0.staffName ?? "—",
                isOverdue: ObligationRules.isOverdue(dueOn: $0.day, isDone: $0.doneAt != nil, today: today),
                isDone: $0.doneAt != nil, version: $0.version)
        }
        let page = ListPage(
            view: view.rawValue, isPayments: isPayments, canSeeTeam: canSeeTeam,
            isTeam: canSeeTeam && req.query[String.self, at: "scope"] != "mine",
            canReceive: canReceive,
            rows: ObligationListView.rows(
                items, isPayments: isPayments, canReceive: canReceive, csrf: req.csrfToken ?? "", t: { req.t($0, $1) }),
            hasItems: !rows.isEmpty,
            pager: Pager(
                request: paging, total: total, path: isPayments ? .payments : .obligations,
                query: ["view": query["view"] ?? "", "scope": query["scope"] ?? "", "staff": query["staff"] ?? ""],
                cap: 1000))
        return try await req.renderPage(
            "contracts/obligations", titleKey: isPayments ? "payments.title" : "obligations.title", page)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let view = try ObligationsAPIController.view(req)
        var filter = ObligationStore.Filter(view: view)
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewContracts)
        switch scope {
        case .any?:
            filter.staffID = req.query[String.self, at: "scope"] == "mine" ? staff.id : req.query[Int.self, at: "staff"]
        case .own?: filter.staffID = staff.id
        default: return try await page(req, nil, view: view, isPayments: false, canSeeTeam: false)
        }
        return try await page(req, filter, view: view, isPayments: false, canSeeTeam: scope == .any)
    }

    @Sendable func payments(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let view = try ObligationsAPIController.view(req, default: .open)
        var filter = ObligationStore.Filter(view: view, paymentsOnly: true)
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewPayments)
        switch scope {
        case .any?: filter.staffID = req.query[String.self, at: "scope"] == "mine" ? staff.id : nil
        case .forwardedToMyDepartment?: filter.paymentsOfDepartment = staff.departmentID
        default: filter.staffID = staff.id
        }
        return try await page(req, filter, view: view, isPayments: true, canSeeTeam: scope == .any)
    }

    struct VersionForm: Content { var version: Int?; var next: String? }

    @Sendable func fulfil(req: Request) async throws -> Response {
        let row = try await req.obligation(for: .manageContracts)
        guard !row.isPayment else {
            throw ContractRefused(field: "version", reason: ContractReason("obligation.refusal.payment_by_finance"))
        }
        let form = try req.content.decode(VersionForm.self)
        do {
            try await ObligationStore(database: req.db).fulfil(
                row, version: form.version ?? -1, context: req.auditContext)
        } catch is RecordConflict {
            // A button with nothing typed: the page is shown again as it now stands, with why.
            return req.redirect(
                to: SiteURL.contract(row.contractID), flash: FlashMessage(.error, "flash.obligation_changed"))
        }
        return req.redirect(
            to: SiteURL.contract(row.contractID), flash: FlashMessage(.success, "flash.obligation_fulfilled"))
    }

    @Sendable func receive(req: Request) async throws -> Response {
        let row = try await req.obligation(for: .receivePayments)
        guard row.isPayment else { throw KefuError.notFound }
        let form = try req.content.decode(VersionForm.self)
        do {
            try await ObligationStore(database: req.db).fulfil(
                row, version: form.version ?? -1, context: req.auditContext)
        } catch is RecordConflict {
            return req.redirect(to: SiteURL.payments, flash: FlashMessage(.error, "flash.obligation_changed"))
        }
        return req.redirect(to: SiteURL.payments, flash: FlashMessage(.success, "flash.payment_received"))
    }

    struct NoticeForm: Content { var channel: String?; var content: String? }

    @Sendable func addNotice(req: Request) async throws -> Response {
        let row = try await req.obligation(for: .manageContracts)
        let form = try req.content.decode(NoticeForm.self)
        do {
            _ = try await ObligationStore(database: req.db).addNotice(
                row, .init(channel: form.channel ?? "", content: form.content ?? ""), context: req.auditContext)
        } catch let errors as FieldErrors {
            guard let contract = try await ContractStore(database: req.db).find(row.contractID) else {
                throw KefuError.notFound
            }
            let message = errors.messages.sorted { $0.key < $1.key }.map { req.t($0.value) }.joined(separator: " ")
            return try await ContractsController().render(
                req, contract, failedNotice: (row.id, message, form.content ?? ""), status: .unprocessableEntity)
        }
        return req.redirect(
            to: SiteURL.contract(row.contractID), flash: FlashMessage(.success, "flash.obligation_notice_logged"))
    }
}
