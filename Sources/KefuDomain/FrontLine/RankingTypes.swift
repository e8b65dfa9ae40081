import Foundation

/// What the ranking knows about a customer's needs and background (R3.2).
public struct CustomerProfile: Sendable {
    /// Keys from ``CustomerVocabulary/industries``.
    public var industries: [String]
    public var budgetMinWan: Decimal?
    public var budgetMaxWan: Decimal?
    /// Province or city names the customer would invest in; empty when they have no preference.
    public var preferredRegions: [String]
    public var stage: CustomerStage
    public var timing: InvestmentTiming

    public init(
        industries: [String], budgetMinWan: Decimal?, budgetMaxWan: Decimal?, preferredRegions: [String],
        stage: CustomerStage, timing: InvestmentTiming
    ) {
        self.industries = industries
        self.budgetMinWan = budgetMinWan
        self.budgetMaxWan = budgetMaxWan
        self.preferredRegions = preferredRegions
        self.stage = stage
        self.timing = timing
    }

    /// The profile of a customer file; its preferred regions are free text ("上海、苏州"), split here.
    public init(_ customer: CustomerValues) {
        self.init(
            industries: customer.industries, budgetMinWan: customer.budgetMinWan, budgetMaxWan: customer.budgetMaxWan,
            preferredRegions: Self.regions(from: customer.preferredRegions ?? ""), stage: customer.stage,
            timing: customer.timing
        )
    }

    /// Region names from free text separated by commas, 、, semicolons or spaces.
    public static func regions(from text: String) -> [String] {
        text.split(whereSeparator: { ",，、;； ".contains($0) }).map { $0.trimmed }.filter { !$0.isEmpty }
    }
}

/// What the ranking needs of a project. Pass the projects the customer reacted to even when they
/// are closed: they are not ranked, but interest in them still raises similar open projects.
public struct RankableProject: Equatable, Sendable {
    public var id: Int
    public var code: String
    public var name: String
    public var type: ProjectType
    public var industries: [String]
    public var province: String?
    public var city: String?
    public var investmentMinWan: Decimal?
    public var investmentMaxWan: Decimal?
    public var status: ProjectStatus

    public init(
        id: Int, code: String, name: String, type: ProjectType, industries: [String], province: String?, city: String?,
        investmentMinWan: Decimal?, investmentMaxWan: Decimal?, status: ProjectStatus
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.type = type
        self.industries = industries
        self.province = province
        self.city = city
        self.investmentMinWan = investmentMinWan
        self.investmentMaxWan = investmentMaxWan
        self.status = status
    }
}

/// How a customer reacted to a recommended project (R3.2).
public enum Reaction: String, Codable, CaseIterable, Sendable {
    case interested
    case wantsMoreInformation = "wants_more_information"
    case notInterested = "not_interested"

    /// Interest of either kind raises similar projects.
    var showsInterest: Bool { self != .notInterested }
}

/// A recorded reaction of the customer being ranked for.
public struct PastReaction: Sendable {
    public var projectID: Int
    public var reaction: Reaction
    public var reason: String?
    public var at: Date

    public init(projectID: Int, reaction: Reaction, reason: String?, at: Date) {
        self.projectID = projectID
        self.reaction = reaction
        self.reason = reason
        self.at = at
    }
}

/// The part of the customer's needs a score part speaks to.
public enum ScorePartKind: String, CaseIterable, Codable, Sendable {
    case industry, budget, region, timing, reaction, similarity
}

/// One reason in a project's score: points and the words for them, as a localization key with
/// arguments (e.g. "ranking.industry_match" with `["industry": "manufacturing"]`).
public struct ScorePart: Equatable, Codable, Sendable {
    public var kind: ScorePartKind
    public var points: Int
    public var messageKey: String
    public var arguments: [String: String]

    public init(kind: ScorePartKind, points: Int, messageKey: String, arguments: [String: String] = [:]) {
        self.kind = kind
        self.points = points
        self.messageKey = messageKey
        self.arguments = arguments
    }
}

/// A project in the ranking with its score and the parts the score is the sum of.
public struct RankedProject: Equatable, Sendable {
    public var project: RankableProject
    /// Always the sum of the parts' points.
    public var score: Int
    public var parts: [ScorePart]

    public init(project: RankableProject, parts: [ScorePart]) {
        self.project = project
        self.score = parts.reduce(0) { $0 + $1.points }
        self.parts = parts
    }
}
