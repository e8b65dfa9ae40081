import Foundation
import KefuDomain
import Vapor

/// `/api/v1/follow-ups` and `/api/v1/customers/{id}/follow-ups`: planned follow-ups, their
/// completion under the follow-up rule, and the overdue lists (R3.3).
struct FollowUpsAPIController: RouteCollection {
    struct FollowUpDTO: Content {
        var id: Int
        var customerID: Int
        var customerCode: String
        var customerName: String
        var staffID: Int?
        var staffName: String?
        var dueAt: Date
        var channel: String
        var purpose: String
        var isOverdue: Bool
        var completedAt: Date?
        var outcome: String?
        var version: Int
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("follow-ups").requiring(.viewFollowUps).get(use: list)
        routes.grouped("follow-ups").requiring(.manageFollowUps).post(":followUpID", "complete", use: complete)
        let customer = routes.grouped("customers", ":id", "follow-ups")
        customer.requiring(.viewFollowUps).get(use: forCustomer)
        customer.requiring(.manageFollowUps).post(use: plan)
        routes.grouped("follow-ups").requiring(.manageFollowUps).post(":followUpID", "reschedule", use: reschedule)
        routes.grouped("follow-ups").requiring(.manageFollowUps).post("complete", use: completeAll)
    }

    /// Another time for an open follow-up, with the reason.
    @Sendable func reschedule(req: Request) async throws -> FollowUpDTO {
        let (store, followUp) = try await req.followUp(for: .manageFollowUps)
        try await store.reschedule(
            followUp.id, try req.content.decode(FollowUpStore.RescheduleInput.self), context: req.auditContext,
            timeZone: DisplayFormat.timeZone)
        guard let row = try await store.find(followUp.id) else { throw KefuError.notFound }
        return Self.dto(row, now: req.now)
    }

    struct BulkCompletion: Content { var ids: [Int]?; var outcome: String? }

    /// Completes several follow-ups with one outcome; those the rule keeps open are listed with the reason.
    @Sendable func completeAll(req: Request) async throws -> FollowUpStore.BulkResult {
        let input = try req.content.decode(BulkCompletion.self)
        let ids = input.ids ?? []
        let outcome = (input.outcome ?? "").trimmed
        var errors = FieldErrors()
        if ids.isEmpty || ids.count > 200 { errors.add("ids", "validation.follow_up.bulk_count") }
        if outcome.isEmpty { errors.add("outcome", "validation.follow_up.outcome_required") }
        guard errors.isEmpty else { throw KefuError.validation(errors) }
        return try await FollowUpStore(database: req.db).completeAll(
            ids, outcome: outcome, actor: try req.requireStaff().actor, context: req.auditContext,
            timeZone: DisplayFormat.timeZone, localize: { req.t($0) })
    }

    /// `scope=mine` (default for specialists) or `team`; `view=overdue` (default), `week` (with `week=-1`,
    /// `1` … to move) or `open`; paged like every list (a specialist may have thousands overdue).
    @Sendable func list(req: Request) async throws -> PageDTO<FollowUpDTO> {
        let now = req.now
        guard let view = FollowUpStore.View(rawValue: req.query[String.self, at: "view"] ?? "overdue") else {
            throw KefuError.validation(FieldErrors(["view": "validation.choose_from_list"]))
        }
        let paging = try req.paging
        let (rows, total) = try await FollowUpStore(database: req.db).page(
            view, staffID: try req.listScope(for: .viewFollowUps).staffID, now: now,
            week: req.query[Int.self, at: "week"] ?? 0,
            paging: paging, cap: Self.countCap
        )
        return PageDTO(items: rows.map { Self.dto($0, now: now) }, request: paging, total: total, cap: Self.countCap)
    }

    static let countCap = 1_000

    @Sendable func forCustomer(req: Request) async throws -> [FollowUpDTO] {
        let customer = try await req.customer(for: .viewFollowUps)
        let now = req.now
        return try await FollowUpStore(database: req.db).list(customerID: try customer.requireID()).map {
            Self.dto($0, now: now)
        }
    }

    @Sendable func plan(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .manageFollowUps)
        let input = try req.content.decode(FollowUpStore.PlanInput.self)
        let store = FollowUpStore(database: req.db)
        let id = try await store.plan(
            input, customerID: try customer.requireID(), context: req.auditContext, timeZone: DisplayFormat.timeZone)
        guard let row = try await store.find(id) else { throw KefuError.notFound }
        return try await Self.dto(row, now: req.now).encodeResponse(status: .created, for: req)
    }

    @Sendable func complete(req: Request) async throws -> FollowUpDTO {
        let (store, followUp) = try await req.followUp(for: .manageFollowUps)
        let input = try req.content.decode(FollowUpStore.CompletionInput.self)
        try await store.complete(followUp.id, input, context: req.auditContext, timeZone: DisplayFormat.timeZone)
        guard let row = try await store.find(followUp.id) else { throw KefuError.notFound }
        return Self.dto(row, now: req.now)
    }

    static func dto(_ row: FollowUpStore.Row, now: Date) -> FollowUpDTO {
        FollowUpDTO(
            id: row.id, customerID: row.customerID, customerCode: row.customerCode, customerName: row.customerName,
            staffID: row.staffID,
            staffName: row.staffName, dueAt: row.dueAt, channel: row.channel, purpose: row.purpose,
            isOverdue: FollowUpRule.isOverdue(dueAt: row.dueAt, completedAt: row.completedAt, now: now),
            completedAt: row.completedAt, outcome: row.outcome, version: row.version
        )
    }
}

extension Request {
    /// The follow-up addressed by `:followUpID` if the caller may act on its customer.
    func followUp(for action: Action) async throws -> (FollowUpStore, FollowUpStore.Row) {
        (FollowUpStore(database: db), try await record(FollowUpKind.self, for: action, parameter: "followUpID"))
    }
}

extension FollowUpStore.PlanInput: Content {}
extension FollowUpStore.CompletionInput: Content {}
