import Foundation

/// Ranks the open projects for a customer and explains every point of each score (R3.2).
///
/// A score is the sum of these parts; each weight is a constant below so explanations, tests and
/// the help page read the same numbers:
///
/// | need | points | message key |
/// |---|---|---|
/// | shares an industry with the customer | +40 | `ranking.industry_match` |
/// | shares none | 0 | `ranking.industry_none` |
/// | customer's industry not recorded | 0 | `ranking.industry_unknown` |
/// | budget and investment ranges overlap | +30 | `ranking.budget_within` |
/// | either range not recorded | 0 | `ranking.budget_unknown` |
/// | ranges do not overlap | −20 | `ranking.budget_outside` |
/// | project's province or city is a preferred region | +20 | `ranking.region_match` |
/// | no preferred region recorded | 0 | `ranking.region_unknown` |
/// | elsewhere | 0 | `ranking.region_other` |
/// | intent or negotiating, investing within 3 or 6 months | +10 | `ranking.timing_soon` |
/// | investing later or undecided | 0 | `ranking.timing_later` |
/// | customer's latest reaction to this project: not interested | −60 | `ranking.rejected` |
/// | … interested | +15 | `ranking.interested_before` |
/// | … wants more information | +10 | `ranking.more_information_requested` |
/// | similar to another project the customer showed interest in | +10 | `ranking.similar_to_interest` |
/// | similar to another project the customer rejected | −5 | `ranking.similar_to_rejected` |
///
/// Information the customer's file lacks earns nothing: the part says what is missing, at 0 points
/// (issue 10 #16 — points for a blank field ranked the least-known customers' projects up).
///
/// "Similar" means sharing an industry; the same project type counts only when one of the two has
/// no industry recorded ("other" as an industry or type is the absence of a classification and
/// makes nothing similar). A type alone made every industrial park similar to every other, whatever
/// its industry (issue 10 #16). A budget range with one end recorded is
/// open on the other end ("up to 500 万元"); a range counts as unknown only with neither end.
/// A customer's reactions are read as their latest reaction per project, so a later change of mind
/// replaces an earlier one.
public enum ProjectRanking {
    public static let industryMatchPoints = 40
    public static let industryUnknownPoints = 0
    public static let budgetWithinPoints = 30
    public static let budgetUnknownPoints = 0
    public static let budgetOutsidePoints = -20
    public static let regionMatchPoints = 20
    public static let regionUnknownPoints = 0
    public static let timingSoonPoints = 10
    public static let rejectedPoints = -60
    public static let interestedBeforePoints = 15
    public static let moreInformationPoints = 10
    public static let similarToInterestPoints = 10
    public static let similarToRejectedPoints = -5

    /// The open projects, best first; equal scores in order of project code, so the same input always
    /// gives the same list. Work is projects × reactions at most, with no string hashing or decimal
    /// arithmetic inside that product: 200 projects and 50 reactions rank in a fraction of a
    /// millisecond. With a `limit`, only the first projects are returned, and only they are explained:
    /// every project is scored by the same parts, but the words of 200 explanations were most of the
    /// ranking's own time when a page shows 20.
    public static func rank(
        _ projects: [RankableProject], for customer: CustomerProfile, reactions: [PastReaction], limit: Int? = nil
    ) -> [RankedProject] {
        var industryNumbers = IndustryNumbers()
        let needs = CustomerNeeds(customer, &industryNumbers)
        let latest = latestReactionByProject(reactions)
        var projectsByID: [Int: RankableProject] = [:]
        for project in projects where latest[project.id] != nil && projectsByID[project.id] == nil {
            projectsByID[project.id] = project
        }
        let reactionParts = latest.mapValues(reactionPart)
        let reacted = latest.values
            .sorted { $0.at != $1.at ? $0.at > $1.at : $0.projectID < $1.projectID }
            .compactMap { reaction in
                projectsByID[reaction.projectID].map {
                    ReactedProject($0, reaction, SimilarityTraits($0, &industryNumbers))
                }
            }
        let interests = ReactedProjects(reacted.filter(\.showsInterest))
        let rejections = ReactedProjects(reacted.filter { !$0.showsInterest })
        func parts(_ project: RankableProject, _ traits: SimilarityTraits, explained: Bool) -> [ScorePart] {
            var parts = [
                needs.industryPart(project, traits, explained: explained),
                needs.budgetPart(project, explained: explained),
                needs.regionPart(project, explained: explained),
            ]
            if let timing = needs.timingPart { parts.append(timing) }
            if let reaction = reactionParts[project.id] { parts.append(reaction) }
            if let similar = interests.mostRecentSimilar(to: project.id, traits) { parts.append(similar) }
            if let similar = rejections.mostRecentSimilar(to: project.id, traits) { parts.append(similar) }
            return parts
        }

        var ranking: [RankedProject] = []
        ranking.reserveCapacity(projects.count)
        var traitsOfRanked: [SimilarityTraits] = []
        traitsOfRanked.reserveCapacity(projects.count)
        var order: [(score: Int, index: Int)] = []
        order.reserveCapacity(projects.count)
        for project in projects where project.status == .open {
            let traits = SimilarityTraits(project, &industryNumbers)
            let ranked = RankedProject(project: project, parts: parts(project, traits, explained: limit == nil))
            order.append((ranked.score, ranking.count))
            ranking.append(ranked)
            traitsOfRanked.append(traits)
        }
        // Sorting positions rather than the ranked projects themselves saves moving them around.
        order.sort { first, second in
            if first.score != second.score { return first.score > second.score }
            let firstProject = ranking[first.index].project, secondProject = ranking[second.index].project
            if firstProject.code != secondProject.code { return firstProject.code < secondProject.code }
            return firstProject.id < secondProject.id
        }
        guard let limit else { return order.map { ranking[$0.index] } }
        return order.prefix(max(limit, 0)).map { entry in
            let project = ranking[entry.index].project
            return RankedProject(project: project, parts: parts(project, traitsOfRanked[entry.index], explained: true))
        }
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
            ScorePart(
                kind: .reaction, points: rejectedPoints, messageKey: "ranking.rejected",
                arguments: ["reason": reaction.reason?.trimmed ?? ""])
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
        case (let minimum?, let maximum?):
            minimum == maximum ? amountText(minimum) : amountText(minimum) + "–" + amountText(maximum)
        case (let minimum?, nil): "≥" + amountText(minimum)
        case (nil, let maximum?): "≤" + amountText(maximum)
        case (nil, nil): ""
        }
    }
}
