import Foundation
import KefuDomain
import Vapor

/// `/api/v1/customers/{id}/recommendations`: projects ranked for a customer with the reasons, what
/// was recommended, and the customer's reactions (R3.2).
struct RecommendationsAPIController: RouteCollection {
    struct RecommendationDTO: Content {
        var id: Int
        var projectID: Int
        var projectCode: String
        var projectName: String
        var projectVersion: Int
        var staffName: String?
        var recommendedAt: Date
        var presentation: String
        var material: String
        var score: Int
        var parts: [RankedProjectDTO.Part]
        var reaction: String?
        var reactionReason: String?
        var reactionAt: Date?
    }

    func boot(routes: any RoutesBuilder) throws {
        let recommendations = routes.grouped("customers", ":id", "recommendations")
        recommendations.requiring(.recommendProjects).get("ranking", use: ranking)
        recommendations.requiring(.recommendProjects).get(use: list)
        recommendations.requiring(.recommendProjects).post(use: create)
        recommendations.requiring(.recommendProjects).post(":recommendationID", "reaction", use: react)
    }

    /// The best `limit` projects (default 20, at most 200), each explained: every open project is
    /// ranked, but putting all of them in words is what a request would spend its time on.
    @Sendable func ranking(req: Request) async throws -> [RankedProjectDTO] {
        let customer = try await req.customerToShow(for: .recommendProjects)
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 20, 1), 200)
        let words = req.words
        return try await RecommendationStore(database: req.db, cache: req.application.rankableProjects).ranking(
            for: customer, limit: limit
        ).map { ranked in
            RankedProjectDTO(
                projectID: ranked.project.id, code: ranked.project.code, name: ranked.project.name,
                type: ranked.project.type.rawValue,
                score: ranked.score,
                parts: ranked.parts.map {
                    .init(
                        kind: $0.kind.rawValue, points: $0.points,
                        explanation: words.explain($0.messageKey, $0.arguments)
                    )
                }
            )
        }
    }

    @Sendable func list(req: Request) async throws -> [RecommendationDTO] {
        let customer = try await req.customerToShow(for: .recommendProjects)
        return try await RecommendationStore(database: req.db, cache: req.application.rankableProjects).list(
            customerID: try customer.requireID()
        ).map { Self.dto($0, req) }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recommendProjects)
        let input = try req.content.decode(RecommendationStore.Input.self)
        let store = RecommendationStore(database: req.db, cache: req.application.rankableProjects)
        let customerID = try customer.requireID()
        let id = try await store.record(input, customerID: customerID, context: req.auditContext)
        guard let row = try await store.find(id, customerID: customerID) else { throw KefuError.notFound }
        return try await Self.dto(row, req).encodeResponse(status: .created, for: req)
    }

    @Sendable func react(req: Request) async throws -> RecommendationDTO {
        let customer = try await req.customerToShow(for: .recommendProjects)
        guard let recommendationID = req.parameters.get("recommendationID", as: Int.self) else {
            throw KefuError.notFound
        }
        let input = try req.content.decode(RecommendationStore.ReactionInput.self)
        let store = RecommendationStore(database: req.db, cache: req.application.rankableProjects)
        let customerID = try customer.requireID()
        try await store.react(
            input, recommendationID: recommendationID, customerID: customerID, context: req.auditContext)
        guard let row = try await store.find(recommendationID, customerID: customerID) else { throw KefuError.notFound }
        return Self.dto(row, req)
    }

    static func dto(_ row: RecommendationStore.Row, _ req: Request) -> RecommendationDTO {
        let words = req.words
        return RecommendationDTO(
            id: row.id, projectID: row.projectID, projectCode: row.projectCode, projectName: row.projectName,
            projectVersion: row.projectVersion,
            staffName: row.staffName, recommendedAt: row.recommendedAt, presentation: row.presentation,
            material: row.material, score: row.score,
            parts: row.parts.map {
                .init(kind: $0.kind, points: $0.points, explanation: words.explain($0.messageKey, $0.arguments))
            },
            reaction: row.reaction, reactionReason: row.reactionReason, reactionAt: row.reactionAt
        )
    }
}

extension RecommendationStore.Input: Content {}
extension RecommendationStore.ReactionInput: Content {}
