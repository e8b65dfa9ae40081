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
            preferredRegions: Self.regions(from: customer.preferredRegions ?? ""), stage: customer.stage, timing: customer.timing
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

/// Ranks the open projects for a customer and explains every point of each score (R3.2).
///
/// A score is the sum of these parts; each weight is a constant below so explanations, tests and
/// the help page read the same numbers:
///
/// | need | points | message key |
/// |---|---|---|
/// | shares an industry with the customer | +40 | `ranking.industry_match` |
/// | shares none | 0 | `ranking.industry_none` |
/// | customer's industry not recorded | +10 | `ranking.industry_unknown` |
/// | budget and investment ranges overlap | +30 | `ranking.budget_within` |
/// | either range not recorded | +10 | `ranking.budget_unknown` |
/// | ranges do not overlap | −20 | `ranking.budget_outside` |
/// | project's province or city is a preferred region | +20 | `ranking.region_match` |
/// | no preferred region recorded | +5 | `ranking.region_unknown` |
/// | elsewhere | 0 | `ranking.region_other` |
/// | intent or negotiating, investing within 3 or 6 months | +10 | `ranking.timing_soon` |
/// | investing later or undecided | 0 | `ranking.timing_later` |
/// | customer's latest reaction to this project: not interested | −60 | `ranking.rejected` |
/// | … interested | +15 | `ranking.interested_before` |
/// | … wants more information | +10 | `ranking.more_information_requested` |
/// | similar to another project the customer showed interest in | +10 | `ranking.similar_to_interest` |
/// | similar to another project the customer rejected | −5 | `ranking.similar_to_rejected` |
///
/// "Similar" means sharing an industry or the project type; "other" as an industry or type is the
/// absence of a classification and makes nothing similar. A budget range with one end recorded is
/// open on the other end ("up to 500 万元"); a range counts as unknown only with neither end.
/// A customer's reactions are read as their latest reaction per project, so a later change of mind
/// replaces an earlier one.
public enum ProjectRanking {
    public static let industryMatchPoints = 40
    public static let industryUnknownPoints = 10
    public static let budgetWithinPoints = 30
    public static let budgetUnknownPoints = 10
    public static let budgetOutsidePoints = -20
    public static let regionMatchPoints = 20
    public static let regionUnknownPoints = 5
    public static let timingSoonPoints = 10
    public static let rejectedPoints = -60
    public static let interestedBeforePoints = 15
    public static let moreInformationPoints = 10
    public static let similarToInterestPoints = 10
    public static let similarToRejectedPoints = -5

    /// The open projects, best first; equal scores in order of project code, so the same input always
    /// gives the same list. Work is projects × reactions at most, with no string hashing or decimal
    /// arithmetic inside that product: 200 projects and 50 reactions rank in a fraction of a
    /// millisecond.
    public static func rank(_ projects: [RankableProject], for customer: CustomerProfile, reactions: [PastReaction]) -> [RankedProject] {
        var industryNumbers = IndustryNumbers()
        let needs = CustomerNeeds(customer, &industryNumbers)
        let latest = latestReactionByProject(reactions)
        var projectsByID: [Int: RankableProject] = [:]
        for project in projects where latest[project.id] != nil && projectsByID[project.id] == nil { projectsByID[project.id] = project }
        let reactionParts = latest.mapValues(reactionPart)
        let reacted = latest.values
            .sorted { $0.at != $1.at ? $0.at > $1.at : $0.projectID < $1.projectID }
            .compactMap { reaction in
                projectsByID[reaction.projectID].map { ReactedProject($0, reaction, SimilarityTraits($0, &industryNumbers)) }
            }
        let interests = ReactedProjects(reacted.filter(\.showsInterest))
        let rejections = ReactedProjects(reacted.filter { !$0.showsInterest })

        var ranking: [RankedProject] = []
        ranking.reserveCapacity(projects.count)
        var order: [(score: Int, index: Int)] = []
        order.reserveCapacity(projects.count)
        for project in projects where project.status == .open {
            let traits = SimilarityTraits(project, &industryNumbers)
            var parts = [needs.industryPart(project, traits), needs.budgetPart(project), needs.regionPart(project)]
            if let timing = needs.timingPart { parts.append(timing) }
            if let reaction = reactionParts[project.id] { parts.append(reaction) }
            if let similar = interests.mostRecentSimilar(to: project.id, traits) { parts.append(similar) }
            if let similar = rejections.mostRecentSimilar(to: project.id, traits) { parts.append(similar) }
            let ranked = RankedProject(project: project, parts: parts)
            order.append((ranked.score, ranking.count))
            ranking.append(ranked)
        }
        // Sorting positions rather than the ranked projects themselves saves moving them around.
        order.sort { first, second in
            if first.score != second.score { return first.score > second.score }
            let firstProject = ranking[first.index].project, secondProject = ranking[second.index].project
            if firstProject.code != secondProject.code { return firstProject.code < secondProject.code }
            return firstProject.id < secondProject.id
        }
        return order.map { ranking[$0.index] }
    }

    /// The latest reaction per project; of two at the same moment, the one recorded later.
    static func latestReactionByProject(_ reactions: [PastReaction]) -> [Int: PastReaction] {
        var latest: [Int: PastReaction] = [:]
        for reaction in reactions {
            if let known = latest[reaction.projectID], known.at > reaction.at { continue }
            latest[reaction.projectID] = reaction
        }
        return latest
    }

    static func reactionPart(_ reaction: PastReaction) -> ScorePart {
        switch reaction.reaction {
        case .notInterested:
            ScorePart(kind: .reaction, points: rejectedPoints, messageKey: "ranking.rejected", arguments: ["reason": reaction.reason?.trimmed ?? ""])
        case .interested:
            ScorePart(kind: .reaction, points: interestedBeforePoints, messageKey: "ranking.interested_before")
        case .wantsMoreInformation:
            ScorePart(kind: .reaction, points: moreInformationPoints, messageKey: "ranking.more_information_requested")
        }
    }

    static let regionSuffixes = ["特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"]

    /// A region name without its administrative suffix and case, so "苏州" finds "苏州市" and
    /// "shanghai" finds "Shanghai".
    static func regionKey(_ name: String) -> String {
        var key = name.trimmed.lowercased()
        for suffix in regionSuffixes where key.hasSuffix(suffix) && key.count > suffix.count {
            key.removeLast(suffix.count)
            break
        }
        return key
    }

    /// An amount in hundredths of 万元, so ranges compare as integers: on Linux one `Decimal`
    /// comparison costs more than the rest of a project's score. Amounts are validated to two
    /// decimals; finer ones are rounded to the nearest hundredth.
    static func hundredths(_ amount: Decimal?) -> Int64? {
        guard let amount else { return nil }
        let scaled = (NSDecimalNumber(decimal: amount).doubleValue * 100).rounded()
        guard scaled.isFinite else { return nil }
        return Int64(max(-1e15, min(1e15, scaled)))
    }

    /// An amount as an explanation shows it: "2000", "2000.5", "0.05".
    static func amountText(_ hundredths: Int64) -> String {
        let sign = hundredths < 0 ? "-" : "", magnitude = hundredths.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + String(whole) + "." + String(fraction / 10) }
        return sign + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// A budget or investment range as an explanation shows it: "100–300", "≥100", "≤300", or empty.
    static func rangeText(_ minimum: Int64?, _ maximum: Int64?) -> String {
        switch (minimum, maximum) {
        case let (minimum?, maximum?): minimum == maximum ? amountText(minimum) : amountText(minimum) + "–" + amountText(maximum)
        case let (minimum?, nil): "≥" + amountText(minimum)
        case let (nil, maximum?): "≤" + amountText(maximum)
        case (nil, nil): ""
        }
    }
}

/// Numbers for industry keys met during one ranking, so industries compare as small integers.
///
/// The keys come from a short list of short ASCII words, which compare faster one by one than
/// they hash; an unusually long list of keys is looked up in a dictionary instead.
private struct IndustryNumbers {
    var names: [String] = []
    var numbersBeyondList: [String: Int] = [:]
    static let listLength = 32

    mutating func numbers(for industries: [String]) -> [Int] {
        industries.map { number($0) }
    }

    mutating func number(_ industry: String) -> Int {
        if let number = names.firstIndex(of: industry) { return number }
        if names.count < Self.listLength {
            names.append(industry)
            return names.count - 1
        }
        if let number = numbersBeyondList[industry] { return number }
        let number = Self.listLength + numbersBeyondList.count
        numbersBeyondList[industry] = number
        return number
    }
}

/// The customer's side of the ranking, worked out once for all projects.
private struct CustomerNeeds {
    let industries: [String]
    let industryNumbers: [Int]
    let budgetMinimum: Int64?
    let budgetMaximum: Int64?
    let budgetText: String
    let regions: RegionMatcher
    let timingPart: ScorePart?

    init(_ customer: CustomerProfile, _ numbers: inout IndustryNumbers) {
        var industries: [String] = []
        for industry in customer.industries.map(\.trimmed) where !industry.isEmpty && !industries.contains(industry) {
            industries.append(industry)
        }
        self.industries = industries
        industryNumbers = numbers.numbers(for: industries)
        budgetMinimum = ProjectRanking.hundredths(customer.budgetMinWan)
        budgetMaximum = ProjectRanking.hundredths(customer.budgetMaxWan)
        budgetText = ProjectRanking.rangeText(budgetMinimum, budgetMaximum)
        regions = RegionMatcher(customer.preferredRegions)
        let timing = ["timing": customer.timing.rawValue, "stage": customer.stage.rawValue]
        switch customer.timing {
        case .later, .undecided:
            timingPart = ScorePart(kind: .timing, points: 0, messageKey: "ranking.timing_later", arguments: timing)
        case .withinThreeMonths, .withinSixMonths:
            timingPart = customer.stage.needsFollowUp
                ? ScorePart(kind: .timing, points: ProjectRanking.timingSoonPoints, messageKey: "ranking.timing_soon", arguments: timing)
                : nil
        case .withinYear:
            timingPart = nil
        }
    }

    func industryPart(_ project: RankableProject, _ traits: SimilarityTraits) -> ScorePart {
        guard !industries.isEmpty else {
            return ScorePart(kind: .industry, points: ProjectRanking.industryUnknownPoints, messageKey: "ranking.industry_unknown")
        }
        let shared = industryNumbers.indices.filter { traits.allIndustries.contains(industryNumbers[$0]) }
        guard let first = shared.first else {
            return ScorePart(
                kind: .industry, points: 0, messageKey: "ranking.industry_none",
                arguments: ["industries": project.industries.joined(separator: ",")]
            )
        }
        let all = shared.count == 1 ? industries[first] : shared.map { industries[$0] }.joined(separator: ",")
        return ScorePart(
            kind: .industry, points: ProjectRanking.industryMatchPoints, messageKey: "ranking.industry_match",
            arguments: ["industry": industries[first], "industries": all]
        )
    }

    func budgetPart(_ project: RankableProject) -> ScorePart {
        let projectMinimum = ProjectRanking.hundredths(project.investmentMinWan)
        let projectMaximum = ProjectRanking.hundredths(project.investmentMaxWan)
        let arguments = ["customerRange": budgetText, "projectRange": ProjectRanking.rangeText(projectMinimum, projectMaximum)]
        guard budgetMinimum != nil || budgetMaximum != nil, projectMinimum != nil || projectMaximum != nil else {
            return ScorePart(kind: .budget, points: ProjectRanking.budgetUnknownPoints, messageKey: "ranking.budget_unknown", arguments: arguments)
        }
        // An open end reaches as far as it needs to.
        let overlaps = (budgetMinimum ?? .min) <= (projectMaximum ?? .max) && (projectMinimum ?? .min) <= (budgetMaximum ?? .max)
        return overlaps
            ? ScorePart(kind: .budget, points: ProjectRanking.budgetWithinPoints, messageKey: "ranking.budget_within", arguments: arguments)
            : ScorePart(kind: .budget, points: ProjectRanking.budgetOutsidePoints, messageKey: "ranking.budget_outside", arguments: arguments)
    }

    func regionPart(_ project: RankableProject) -> ScorePart {
        guard !regions.isEmpty else {
            return ScorePart(kind: .region, points: ProjectRanking.regionUnknownPoints, messageKey: "ranking.region_unknown")
        }
        let city = project.city ?? "", province = project.province ?? ""
        if let match = !city.isEmpty && regions.matches(city) ? city : !province.isEmpty && regions.matches(province) ? province : nil {
            return ScorePart(kind: .region, points: ProjectRanking.regionMatchPoints, messageKey: "ranking.region_match", arguments: ["region": match])
        }
        return ScorePart(kind: .region, points: 0, messageKey: "ranking.region_other", arguments: ["region": city.isEmpty ? province : city])
    }
}

/// Finds a project's province or city among the customer's preferred regions, ignoring an
/// administrative suffix (省, 市 …) on either side and the case of Latin letters.
///
/// Names are compared as UTF-8 bytes: hashing or comparing Chinese `String`s normalizes them first,
/// which made region matching the slowest part of a ranking. Project places are stored trimmed.
private struct RegionMatcher {
    static let suffixes = ProjectRanking.regionSuffixes.map { Array($0.utf8) }
    let keys: [[UInt8]]

    init(_ preferredRegions: [String]) {
        keys = preferredRegions.map(ProjectRanking.regionKey).filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    var isEmpty: Bool { keys.isEmpty }

    func matches(_ place: String) -> Bool {
        var place = place
        let result = place.withUTF8 { bytes -> Bool? in
            if bytes.contains(where: { (65...90).contains($0) }) { return nil }
            var end = bytes.count
            for suffix in Self.suffixes where bytes.count > suffix.count && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix) {
                end -= suffix.count
                break
            }
            let key = bytes[..<end]
            return keys.contains { $0.count == key.count && $0.elementsEqual(key) }
        }
        return result ?? matches(place.lowercased())
    }
}

/// What makes two projects similar: a shared industry or the same type, "other" not counting.
private struct SimilarityTraits {
    let allIndustries: IndustrySet
    let classifiedIndustries: IndustrySet
    let type: ProjectType?

    init(_ project: RankableProject, _ numbers: inout IndustryNumbers) {
        var all = IndustrySet(), classified = IndustrySet()
        for industry in project.industries {
            let number = numbers.number(industry)
            all.insert(number)
            if industry != "other" { classified.insert(number) }
        }
        allIndustries = all
        classifiedIndustries = classified
        type = project.type == .other ? nil : project.type
    }

    func isSimilar(to other: SimilarityTraits) -> Bool {
        if let type, type == other.type { return true }
        return classifiedIndustries.intersects(other.classifiedIndustries)
    }
}

/// A set of industry numbers: bits for the first 64, which is every realistic catalog, so the
/// projects × reactions comparison copies and compares plain integers.
private struct IndustrySet {
    var bits: UInt64 = 0
    var numbersBeyondBits: [Int] = []

    mutating func insert(_ number: Int) {
        if number < 64 { bits |= 1 << UInt64(number) } else if !numbersBeyondBits.contains(number) { numbersBeyondBits.append(number) }
    }

    func contains(_ number: Int) -> Bool {
        number < 64 ? bits & (1 << UInt64(number)) != 0 : numbersBeyondBits.contains(number)
    }

    func intersects(_ other: IndustrySet) -> Bool {
        bits & other.bits != 0 || numbersBeyondBits.contains(where: other.numbersBeyondBits.contains)
    }
}

/// Projects the customer reacted to, most recent first, kept as parallel arrays: the projects ×
/// reactions loop then reads integers in place instead of copying a struct per comparison.
private struct ReactedProjects {
    let projectIDs: [Int]
    let traits: [SimilarityTraits]
    let similarityParts: [ScorePart]

    init(_ reacted: [ReactedProject]) {
        projectIDs = reacted.map(\.projectID)
        traits = reacted.map(\.traits)
        similarityParts = reacted.map(\.similarityPart)
    }

    /// What the most recent reaction to another, similar project adds to this one.
    func mostRecentSimilar(to projectID: Int, _ projectTraits: SimilarityTraits) -> ScorePart? {
        for index in projectIDs.indices where projectIDs[index] != projectID && traits[index].isSimilar(to: projectTraits) {
            return similarityParts[index]
        }
        return nil
    }
}

/// A project the customer reacted to, with what its latest reaction adds to similar projects.
private struct ReactedProject {
    let projectID: Int
    let showsInterest: Bool
    let traits: SimilarityTraits
    let similarityPart: ScorePart

    init(_ project: RankableProject, _ reaction: PastReaction, _ traits: SimilarityTraits) {
        projectID = project.id
        showsInterest = reaction.reaction.showsInterest
        self.traits = traits
        similarityPart = showsInterest
            ? ScorePart(
                kind: .similarity, points: ProjectRanking.similarToInterestPoints, messageKey: "ranking.similar_to_interest",
                arguments: ["project": project.name]
            )
            : ScorePart(
                kind: .similarity, points: ProjectRanking.similarToRejectedPoints, messageKey: "ranking.similar_to_rejected",
                arguments: ["project": project.name, "reason": reaction.reason?.trimmed ?? ""]
            )
    }
}
