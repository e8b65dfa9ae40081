import Foundation
import KefuDomain
import Vapor

/// The customer's recommendation page (项目推荐): open projects ranked with the reasons in words,
/// recording a recommendation, and the customer's reactions (R3.2).
struct RecommendationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.recommendProjects).get(.customerRecommendations, use: show)
        routes.requiring(.recommendProjects).post(.customerRecommendations, use: create)
        routes.requiring(.recommendProjects).post(.customerRecommendationReaction, use: react)
    }

    struct Page: Encodable {
        struct Part: Encodable { var points: String; var isPlus: Bool; var isMinus: Bool; var explanation: String }
        struct Ranked: Encodable {
            var rank: Int; var projectID: Int; var code: String; var name: String; var score: Int; var parts: [Part]
            /// When it was last recommended to this customer, and the reaction if any (issue 10 #16).
            var recommendedOn: String = ""; var isRecommended = false; var reactionKey = ""
        }
        struct Past: Encodable {
            var id: Int; var projectID: Int; var projectCode: String; var projectName: String; var version: Int;
            var asOfDate: String
            var recommendedAt: String; var staffName: String; var presentationKey: String; var material: String;
            var score: Int
            var hasReaction: Bool; var reactionKey: String; var reactionReason: String; var hasReason: Bool;
            var reactionAt: String
            /// The reaction form's choices, with what was chosen (or typed, after a refusal) selected.
            var reactionChoices: [ChoiceOption]; var reasonDraft: String; var isEditing: Bool
        }
        var customerID: Int
        var code: String
        var name: String
        var ranked: [Ranked]
        var hasRanked: Bool
        /// The best ten are shown unless all are asked for.
        var hasMore: Bool
        var totalRanked: Int
        var past: [Past]
        var hasPast: Bool
        var presentations: [ChoiceOption]
        var reactions: [ChoiceOption]
        var errors: [String: String] = [:]
        /// The form that failed, so its message shows beside it.
        var errorFor: Int = 0
    }

    /// What was typed into a refused reaction form, so the page shows it again (issue 10 #2).
    struct ReactionDraft { var recommendationID: Int; var reaction: String; var reason: String }

    /// The reaction choices: an empty prompt first, so nothing is chosen until the user chooses.
    static func reactionChoices(selected: String) -> [ChoiceOption] {
        [ChoiceOption(value: "", labelKey: "recommendation.reaction.choose", isSelected: selected.isEmpty)]
            + ChoiceOption.list(
                Reaction.allCases.map(\.rawValue), labelPrefix: "recommendation.reaction", selected: selected)
    }

    private func page(_ req: Request, _ customer: CustomerModel, draft: ReactionDraft? = nil) async throws -> Page {
        let id = try customer.requireID()
        let store = RecommendationStore(database: req.db, cache: req.application.rankableProjects)
        let ranked = try await store.ranking(for: customer)
        let past = try await store.list(customerID: id)
        let words = req.words
        func part(_ points: Int, _ key: String, _ arguments: [String: String]) -> Page.Part {
            Page.Part(
                points: points > 0 ? "+\(points)" : "\(points)", isPlus: points > 0, isMinus: points < 0,
                explanation: words.explain(key, arguments))
        }
        // The latest recommendation of each project (the list is newest first).
        var latest: [Int: RecommendationStore.Row] = [:]
        for row in past where latest[row.projectID] == nil { latest[row.projectID] = row }
        let showAll = req.query[String.self, at: "all"] == "1"
        return Page(
            customerID: id, code: customer.code, name: customer.name,
            ranked: ranked.prefix(showAll ? ranked.count : 10).enumerated().map { index, item in
                let before = latest[item.project.id]
                return Page.Ranked(
                    rank: index + 1, projectID: item.project.id, code: item.project.code, name: item.project.name,
                    score: item.score,
                    parts: item.parts.map { part($0.points, $0.messageKey, $0.arguments) },
                    recommendedOn: before.map { String(DisplayFormat.dateTime($0.recommendedAt).prefix(10)) } ?? "",
                    isRecommended: before != nil,
                    reactionKey: before?.reaction.map { "recommendation.reaction.\($0)" } ?? "")
            },
            hasRanked: !ranked.isEmpty, hasMore: !showAll && ranked.count > 10, totalRanked: ranked.count,
            past: past.map { row in
                Page.Past(
                    id: row.id, projectID: row.projectID, projectCode: row.projectCode, projectName: row.projectName,
                    version: row.projectVersion,
                    asOfDate: String(DisplayFormat.dateTime(row.recommendedAt).prefix(10)),
                    recommendedAt: DisplayFormat.dateTime(row.recommendedAt),
                    staffName: row.staffName ?? "—", presentationKey: "recommendation.presentation.\(row.presentation)",
                    material: row.material,
                    score: row.score, hasReaction: row.reaction != nil,
                    reactionKey: "recommendation.reaction.\(row.reaction ?? "")",
                    reactionReason: row.reactionReason ?? "", hasReason: !(row.reactionReason ?? "").isEmpty,
                    reactionAt: row.reactionAt.map(DisplayFormat.dateTime) ?? "",
                    reactionChoices: Self.reactionChoices(
                        selected: draft?.recommendationID == row.id ? draft!.reaction : row.reaction ?? ""),
                    reasonDraft: draft?.recommendationID == row.id ? draft!.reason : row.reactionReason ?? "",
                    isEditing: draft?.recommendationID == row.id
                )
            },
            hasPast: !past.isEmpty,
            presentations: ChoiceOption.list(
                RecommendationPresentation.allCases.map(\.rawValue), labelPrefix: "recommendation.presentation",
                selected: "phone"),
            reactions: Self.reactionChoices(selected: "")
        )
    }

    @Sendable func show(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recommendProjects)
        return try await req.renderPage(
            "customers/recommendations", titleKey: "recommendations.title", try await page(req, customer))
    }

    struct Form: Content { var projectID: Int?; var presentation: String?; var material: String? }

    @Sendable func create(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recommendProjects)
        let form = try req.content.decode(Form.self)
        let id = try customer.requireID()
        do {
            _ = try await RecommendationStore(database: req.db, cache: req.application.rankableProjects).record(
                .init(projectID: form.projectID ?? 0, presentation: form.presentation ?? "", material: form.material),
                customerID: id, context: req.auditContext
            )
            return req.redirect(
                to: SiteURL.customerRecommendations(id).path,
                flash: FlashMessage(.success, "flash.recommendation_recorded"))
        } catch let errors as FieldErrors {
            var page = try await page(req, customer)
            page.errors = errors.messages
            page.errorFor = form.projectID ?? 0
            return try await req.renderPage(
                "customers/recommendations", titleKey: "recommendations.title", page, status: .unprocessableEntity)
        }
    }

    struct ReactionForm: Content { var reaction: String?; var reason: String? }

    @Sendable func react(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .recommendProjects)
        guard let recommendationID = req.parameters.get("recommendationID", as: Int.self) else {
            throw KefuError.notFound
        }
        let form = try req.content.decode(ReactionForm.self)
        let id = try customer.requireID()
        do {
            try await RecommendationStore(database: req.db, cache: req.application.rankableProjects).react(
                .init(reaction: form.reaction ?? "", reason: form.reason),
                recommendationID: recommendationID, customerID: id, context: req.auditContext)
            return req.redirect(
                to: SiteURL.customerRecommendations(id).path, flash: FlashMessage(.success, "flash.reaction_recorded"))
        } catch let errors as FieldErrors {
            var page = try await page(
                req, customer,
                draft: ReactionDraft(
                    recommendationID: recommendationID, reaction: form.reaction ?? "", reason: form.reason ?? ""))
            page.errors = errors.messages
            page.errorFor = recommendationID
            return try await req.renderPage(
                "customers/recommendations", titleKey: "recommendations.title", page, status: .unprocessableEntity)
        }
    }
}
