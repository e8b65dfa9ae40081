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
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("follow-ups").requiring(.viewFollowUps).get(use: list)
        routes.grouped("follow-ups").requiring(.manageFollowUps).post(":followUpID", "complete", use: complete)
        let customer = routes.grouped("customers", ":id", "follow-ups")
        customer.requiring(.viewFollowUps).get(use: forCustomer)
        customer.requiring(.manageFollowUps).post(use: plan)
    }

    /// `scope=mine` (default for specialists) or `team`; `view=overdue` (default), `week` (with `week=-1`,
    /// `1` … to move) or `open`.
    @Sendable func list(req: Request) async throws -> [FollowUpDTO] {
        let now = req.now
        guard let view = FollowUpStore.View(rawValue: req.query[String.self, at: "view"] ?? "overdue") else {
            throw KefuError.validation(FieldErrors(["view": "validation.choose_from_list"]))
        }
        let rows = try await FollowUpStore(database: req.db).rows(view, staffID: try req.listScope(for: .viewFollowUps).staffID, now: now,
                                                                  week: req.query[Int.self, at: "week"] ?? 0).rows
        return rows.map { Self.dto($0, now: now) }
    }

    @Sendable func forCustomer(req: Request) async throws -> [FollowUpDTO] {
        let customer = try await req.customer(for: .viewFollowUps)
        let now = req.now
        return try await FollowUpStore(database: req.db).list(customerID: try customer.requireID()).map { Self.dto($0, now: now) }
    }

    @Sendable func plan(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .manageFollowUps)
        let input = try req.content.decode(FollowUpStore.PlanInput.self)
        let store = FollowUpStore(database: req.db)
        let id = try await store.plan(input, customerID: try customer.requireID(), context: req.auditContext, timeZone: DisplayFormat.timeZone)
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
            id: row.id, customerID: row.customerID, customerCode: row.customerCode, customerName: row.customerName, staffID: row.staffID,
            staffName: row.staffName, dueAt: row.dueAt, channel: row.channel, purpose: row.purpose,
            isOverdue: FollowUpRule.isOverdue(dueAt: row.dueAt, completedAt: row.completedAt, now: now),
            completedAt: row.completedAt, outcome: row.outcome
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
