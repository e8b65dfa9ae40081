import Fluent
import Foundation
import KefuDomain
import SQLKit

/// How a recommendation was put to the customer (R3.2).
enum RecommendationPresentation: String, CaseIterable, Codable, Sendable {
    case phone, visit, wechat, email, meeting, brochure
}

/// Ranks projects for a customer and keeps what was recommended and how the customer reacted (R3.2).
/// The ranking itself is ``ProjectRanking`` in KefuDomain; this reads its inputs and writes records.
struct RecommendationStore {
    let database: any Database
    /// The projects as the ranking reads them, kept between requests (see ``RankableProjectCache``).
    var cache: RankableProjectCache?

    private struct ProfileRow: Decodable {
        var industries: String, budget_min_yuan: Int64?, budget_max_yuan: Int64?, preferred_regions: String?,
            stage: String, timing: String
    }

    private struct ProjectRow: Decodable {
        var id: Int, code: String, name: String, type: String, industries: String, province: String?, city: String?
        var investment_min_yuan: Int64?, investment_max_yuan: Int64?, status: String
    }

    private struct ReactionRow: Decodable {
        var project_id: Int; var reaction: String; var reaction_reason: String?; var reaction_at: Date
    }

    /// The open projects ranked for the customer, each with its score in parts.
    func ranking(for customerID: Int) async throws -> [RankedProject] {
        guard
            let profile = try await database.sql().raw(
                """
                SELECT industries, budget_min_yuan, budget_max_yuan, preferred_regions, stage, timing FROM customers WHERE id = \(bind: customerID)
                """
            ).first(decoding: ProfileRow.self)
        else { throw KefuError.notFound }
        return try await ranking(customerID: customerID, limit: nil, profile)
    }

    /// The ranking for a customer the caller has loaded already (the pages and the API load it to
    /// check access): its profile is not read a second time.
    func ranking(for customer: CustomerModel, limit: Int? = nil) async throws -> [RankedProject] {
        try await ranking(
            customerID: try customer.requireID(), limit: limit,
            ProfileRow(
                industries: customer.industries, budget_min_yuan: customer.budgetMinYuan,
                budget_max_yuan: customer.budgetMaxYuan, preferred_regions: customer.preferredRegions,
                stage: customer.stage, timing: customer.timing))
    }

    private func ranking(customerID: Int, limit: Int?, _ profile: ProfileRow) async throws -> [RankedProject] {
        let sql = try database.sql()
        let rankable = try await rankableProjects()
        let reactions = try await sql.raw(
            """
            SELECT project_id, reaction, reaction_reason, reaction_at FROM recommendations
            WHERE customer_id = \(bind: customerID) AND reaction IS NOT NULL
            """
        ).all(decoding: ReactionRow.self)
        let customer = CustomerProfile(
            industries: profile.industries.split(separator: ",").map(String.init),
            budgetMinWan: profile.budget_min_yuan.map(CustomerModel.wan),
            budgetMaxWan: profile.budget_max_yuan.map(CustomerModel.wan),
            preferredRegions: CustomerProfile.regions(from: profile.preferred_regions ?? ""),
            stage: CustomerStage(rawValue: profile.stage) ?? .lead,
            timing: InvestmentTiming(rawValue: profile.timing) ?? .undecided
        )
        return ProjectRanking.rank(
            rankable,
            for: customer,
            reactions: reactions.compactMap { row in
                Reaction(rawValue: row.reaction).map {
                    PastReaction(
                        projectID: row.project_id, reaction: $0, reason: row.reaction_reason, at: row.reaction_at)
                }
            }, limit: limit
        )
    }

    /// All projects (only open ones are ranked, but interest in a closed one still raises similar
    /// ones), from the cache while the catalog is unchanged: its row count, versions and latest change
    /// are one small read, decoding 200 rows for every ranking is not.
    private func rankableProjects() async throws -> [RankableProject] {
        let sql = try database.sql()
        // Every change raises a project's version, so the sum moves even when two changes share a moment.
        let stamp = try await sql.raw(
            "SELECT COUNT(*) AS n, MAX(updated_at) AS latest, CAST(SUM(version) AS BIGINT) AS versions FROM projects"
        ).first()
        let key =
            [
                try stamp?.decode(column: "n", as: Int.self) ?? 0,
                try stamp?.decode(column: "versions", as: Int?.self) ?? 0,
            ].map(String.init).joined(separator: "-")
            + "-\(try stamp?.decode(column: "latest", as: Date?.self)?.timeIntervalSince1970 ?? 0)"
        if let cached = await cache?.projects(for: key) { return cached }
        let projects = try await sql.raw(
            """
            SELECT id, code, name, type, industries, province, city, investment_min_yuan, investment_max_yuan, status FROM projects
            """
        ).all(decoding: ProjectRow.self).map {
            RankableProject(
                id: $0.id, code: $0.code, name: $0.name, type: ProjectType(rawValue: $0.type) ?? .other,
                industries: $0.industries.split(separator: ",").map(String.init), province: $0.province, city: $0.city,
                investmentMinWan: $0.investment_min_yuan.map(CustomerModel.wan),
                investmentMaxWan: $0.investment_max_yuan.map(CustomerModel.wan),
                status: ProjectStatus(rawValue: $0.status) ?? .closed
            )
        }
        await cache?.store(projects, for: key)
        return projects
    }

    struct Input: Codable, Sendable {
        var projectID: Int
        var presentation: String
        var material: String?
    }

    /// Records that a project was recommended: the version of its facts, the score and its parts at
    /// that moment, how it was presented and what material was sent.
    func record(_ input: Input, customerID: Int, context: AuditContext) async throws -> Int {
        var errors = FieldErrors()
        if RecommendationPresentation(rawValue: input.presentation) == nil {
            errors.add("presentation", "validation.choose_from_list")
        }
        if (input.material ?? "").count > 500 { errors.add("material", "validation.too_long") }
        let ranked = try await ranking(for: customerID).first { $0.project.id == input.projectID }
        if ranked == nil { errors.add("projectID", "validation.recommendation.project_not_open") }
        try errors.throwIfAny()
        guard let ranked, let project = try await ProjectStore(database: database).find(input.projectID) else {
            throw KefuError.notFound
        }
        let explanation = String(
            decoding: try JSONEncoder().encode(ranked.parts.map(ExplanationPart.init)), as: UTF8.self)
        return try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO recommendations (customer_id, project_id, project_version, staff_id, recommended_at, presentation, material, score, explanation,
                                                 updated_at, version)
                    VALUES (\(bind: customerID), \(bind: project.id), \(bind: project.version), \(bind: context.actorStaffID), \(bind: context.now),
                            \(bind: input.presentation), \(bind: (input.material ?? "").trimmed), \(bind: ranked.score), \(bind: explanation),
                            \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await Timeline.record(
                .recommendation, customerID: customerID, recordType: "recommendation", recordID: id,
                message: StoredMessage(
                    "timeline.message.recommendation",
                    ["code": "\(project.facts.code)", "name": "\(project.facts.name)", "version": "\(project.version)"]),
                context: context, on: tx)
            try await tx.sql().raw(
                "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: customerID)"
            ).run()
            try await AuditLog.record(
                "recommendation.created", recordType: "recommendation", recordID: String(id), fields: ["projectID"],
                message: AuditMessage.recommendation(
                    customer: "\(customerID)", project: project.facts.code, version: "\(project.version)"),
                context: context,
                on: tx)
            return id
        }
    }

    /// One part of a score as stored with the recommendation.
    struct ExplanationPart: Codable, Sendable {
        var kind: String, points: Int, messageKey: String, arguments: [String: String]
        init(_ part: ScorePart) {
            kind = part.kind.rawValue; points = part.points; messageKey = part.messageKey; arguments = part.arguments
        }
    }

    struct ReactionInput: Codable, Sendable { var reaction: String; var reason: String? }

    /// The customer's reaction to a recommendation; a rejection needs its reason (it is shown when
    /// the project drops in later rankings).
    func react(_ input: ReactionInput, recommendationID: Int, customerID: Int, context: AuditContext) async throws {
        var errors = FieldErrors()
        let reaction = Reaction(rawValue: input.reaction)
        let reason = (input.reason ?? "").trimmed
        if reaction == nil { errors.add("reaction", "validation.choose_from_list") }
        if reaction == .notInterested, reason.isEmpty {
            errors.add("reason", "validation.recommendation.reason_required")
        }
        if reason.count > 500 { errors.add("reason", "validation.too_long") }
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            let updated = try await tx.sql().raw(
                """
                UPDATE recommendations SET reaction = \(bind: input.reaction), reaction_reason = \(bind: reason.isEmpty ? nil : reason),
                    reaction_at = \(bind: context.now), updated_at = \(bind: context.now), version = version + 1
                WHERE id = \(bind: recommendationID) AND customer_id = \(bind: customerID)
                RETURNING project_id
                """
            ).first()
            guard let projectID = try updated?.decode(column: "project_id", as: Int.self) else {
                throw KefuError.notFound
            }
            try await Timeline.record(
                .reaction, customerID: customerID, recordType: "recommendation", recordID: recommendationID,
                message: StoredMessage(
                    reason.isEmpty ? "timeline.message.reaction" : "timeline.message.reaction_reason",
                    ["reaction": .term("recommendation.reaction.\(input.reaction)")]),
                quoting: reason, context: context, on: tx)
            try await AuditLog.record(
                "recommendation.reaction", recordType: "recommendation", recordID: String(recommendationID),
                fields: ["reaction"], message: AuditMessage.project("\(projectID)"), context: context, on: tx)
        }
    }

    struct Row: Decodable, Sendable {
        var id: Int, projectID: Int, projectCode: String, projectName: String, projectVersion: Int
        var staffName: String?, recommendedAt: Date, presentation: String, material: String, score: Int,
            explanation: String
        var reaction: String?, reactionReason: String?, reactionAt: Date?

        enum CodingKeys: String, CodingKey {
            case id, presentation, material, score, explanation, reaction
            case projectID = "project_id", projectCode = "project_code", projectName = "project_name", projectVersion =
                "project_version"
            case staffName = "staff_name", recommendedAt = "recommended_at", reactionReason = "reaction_reason",
                reactionAt = "reaction_at"
        }

        var parts: [ExplanationPart] {
            (try? JSONDecoder().decode([ExplanationPart].self, from: Data(explanation.utf8))) ?? []
        }
    }

    func list(customerID: Int) async throws -> [Row] { try await rows(customerID: customerID, id: nil) }

    /// One recommendation of the customer's.
    func find(_ id: Int, customerID: Int) async throws -> Row? { try await rows(customerID: customerID, id: id).first }

    private func rows(customerID: Int, id: Int?) async throws -> [Row] {
        let only: SQLQueryString = id.map { "AND recommendations.id = \(bind: $0)" } ?? ""
        return try await database.sql().raw(
            """
            SELECT recommendations.id, project_id, projects.code AS project_code, projects.name AS project_name, project_version,
                   staff.display_name AS staff_name, recommended_at, presentation, material, score, explanation, reaction, reaction_reason, reaction_at
            FROM recommendations JOIN projects ON projects.id = recommendations.project_id
            LEFT JOIN staff ON staff.id = recommendations.staff_id
            WHERE customer_id = \(bind: customerID) \(only) ORDER BY recommended_at DESC, recommendations.id DESC LIMIT 200
            """
        ).all(decoding: Row.self)
    }
}

/// The catalog as the ranking reads it, for the process; a changed catalog (count or latest change)
/// is read again, so several instances stay right without talking to each other.
actor RankableProjectCache {
    private var key: String?
    private var cached: [RankableProject] = []

    func projects(for key: String) -> [RankableProject]? { self.key == key ? cached : nil }

    func store(_ projects: [RankableProject], for key: String) {
        self.key = key
        cached = projects
    }
}
