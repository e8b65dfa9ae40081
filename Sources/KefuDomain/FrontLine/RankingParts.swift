import Foundation

// The pieces `ProjectRanking.rank` scores with: the customer's needs, region matching, similarity
// traits and reactions, prepared once per ranking so the projects × reactions loop stays cheap.

/// Numbers for industry keys met during one ranking, so industries compare as small integers.
///
/// The keys come from a short list of short ASCII words, which compare faster one by one than
/// they hash; an unusually long list of keys is looked up in a dictionary instead.
struct IndustryNumbers {
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
struct CustomerNeeds {
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
            timingPart =
                customer.stage.needsFollowUp
                ? ScorePart(
                    kind: .timing, points: ProjectRanking.timingSoonPoints, messageKey: "ranking.timing_soon",
                    arguments: timing)
                : nil
        case .withinYear:
            timingPart = nil
        }
    }

    /// Each part's points, and its explanation's arguments only when `explained` (the ranking scores
    /// every project but explains only those it returns).
    func industryPart(_ project: RankableProject, _ traits: SimilarityTraits, explained: Bool = true) -> ScorePart {
        guard !industries.isEmpty else {
            return ScorePart(
                kind: .industry, points: ProjectRanking.industryUnknownPoints, messageKey: "ranking.industry_unknown")
        }
        let shared = industryNumbers.indices.filter { traits.allIndustries.contains(industryNumbers[$0]) }
        guard let first = shared.first else {
            return ScorePart(
                kind: .industry, points: 0, messageKey: "ranking.industry_none",
                arguments: explained ? ["industries": project.industries.joined(separator: ",")] : [:]
            )
        }
        guard explained else {
            return ScorePart(
                kind: .industry, points: ProjectRanking.industryMatchPoints, messageKey: "ranking.industry_match")
        }
        let all = shared.count == 1 ? industries[first] : shared.map { industries[$0] }.joined(separator: ",")
        return ScorePart(
            kind: .industry, points: ProjectRanking.industryMatchPoints, messageKey: "ranking.industry_match",
            arguments: ["industry": industries[first], "industries": all]
        )
    }

    func budgetPart(_ project: RankableProject, explained: Bool = true) -> ScorePart {
        let projectMinimum = ProjectRanking.hundredths(project.investmentMinWan)
        let projectMaximum = ProjectRanking.hundredths(project.investmentMaxWan)
        let arguments =
            explained
            ? ["customerRange": budgetText, "projectRange": ProjectRanking.rangeText(projectMinimum, projectMaximum)]
            : [:]
        guard budgetMinimum != nil || budgetMaximum != nil, projectMinimum != nil || projectMaximum != nil else {
            return ScorePart(
                kind: .budget, points: ProjectRanking.budgetUnknownPoints, messageKey: "ranking.budget_unknown",
                arguments: arguments)
        }
        // An open end reaches as far as it needs to.
        let overlaps =
            (budgetMinimum ?? .min) <= (projectMaximum ?? .max) && (projectMinimum ?? .min) <= (budgetMaximum ?? .max)
        return overlaps
            ? ScorePart(
                kind: .budget, points: ProjectRanking.budgetWithinPoints, messageKey: "ranking.budget_within",
                arguments: arguments)
            : ScorePart(
                kind: .budget, points: ProjectRanking.budgetOutsidePoints, messageKey: "ranking.budget_outside",
                arguments: arguments)
    }

    func regionPart(_ project: RankableProject, explained: Bool = true) -> ScorePart {
        guard !regions.isEmpty else {
            return ScorePart(
                kind: .region, points: ProjectRanking.regionUnknownPoints, messageKey: "ranking.region_unknown")
        }
        let city = project.city ?? "", province = project.province ?? ""
        if let match = !city.isEmpty && regions.matches(city)
            ? city : !province.isEmpty && regions.matches(province) ? province : nil
        {
            return ScorePart(
                kind: .region, points: ProjectRanking.regionMatchPoints, messageKey: "ranking.region_match",
                arguments: explained ? ["region": match] : [:])
        }
        return ScorePart(
            kind: .region, points: 0, messageKey: "ranking.region_other",
            arguments: explained ? ["region": city.isEmpty ? province : city] : [:])
    }
}

/// Finds a project's province or city among the customer's preferred regions, ignoring an
/// administrative suffix (省, 市 …) on either side and the case of Latin letters.
///
/// Names are compared as UTF-8 bytes: hashing or comparing Chinese `String`s normalizes them first,
/// which made region matching the slowest part of a ranking. Project places are stored trimmed.
struct RegionMatcher {
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
            for suffix in Self.suffixes
            where bytes.count > suffix.count && bytes[(bytes.count - suffix.count)...].elementsEqual(suffix) {
                end -= suffix.count
                break
            }
            let key = bytes[..<end]
            return keys.contains { $0.count == key.count && $0.elementsEqual(key) }
        }
        return result ?? matches(place.lowercased())
    }
}

/// What makes two projects similar: a shared industry; the same type only when one of the two has no
/// industry recorded. "Other" counts as neither.
struct SimilarityTraits {
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
        if classifiedIndustries.isEmpty || other.classifiedIndustries.isEmpty {
            guard let type else { return false }
            return type == other.type
        }
        return classifiedIndustries.intersects(other.classifiedIndustries)
    }
}

/// A set of industry numbers: bits for the first 64, which is every realistic catalog, so the
/// projects × reactions comparison copies and compares plain integers.
struct IndustrySet {
    var bits: UInt64 = 0
    var numbersBeyondBits: [Int] = []

    mutating func insert(_ number: Int) {
        if number < 64 {
            bits |= 1 << UInt64(number)
        } else if !numbersBeyondBits.contains(number) {
            numbersBeyondBits.append(number)
        }
    }

    func contains(_ number: Int) -> Bool {
        number < 64 ? bits & (1 << UInt64(number)) != 0 : numbersBeyondBits.contains(number)
    }

    var isEmpty: Bool { bits == 0 && numbersBeyondBits.isEmpty }

    func intersects(_ other: IndustrySet) -> Bool {
        bits & other.bits != 0 || numbersBeyondBits.contains(where: other.numbersBeyondBits.contains)
    }
}

/// Projects the customer reacted to, most recent first, kept as parallel arrays: the projects ×
/// reactions loop then reads integers in place instead of copying a struct per comparison.
struct ReactedProjects {
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
        for index in projectIDs.indices
        where projectIDs[index] != projectID && traits[index].isSimilar(to: projectTraits) {
            return similarityParts[index]
        }
        return nil
    }
}

/// A project the customer reacted to, with what its latest reaction adds to similar projects.
struct ReactedProject {
    let projectID: Int
    let showsInterest: Bool
    let traits: SimilarityTraits
    let similarityPart: ScorePart

    init(_ project: RankableProject, _ reaction: PastReaction, _ traits: SimilarityTraits) {
        projectID = project.id
        showsInterest = reaction.reaction.showsInterest
        self.traits = traits
        similarityPart =
            showsInterest
            ? ScorePart(
                kind: .similarity, points: ProjectRanking.similarToInterestPoints,
                messageKey: "ranking.similar_to_interest",
                arguments: ["project": project.name]
            )
            : ScorePart(
                kind: .similarity, points: ProjectRanking.similarToRejectedPoints,
                messageKey: "ranking.similar_to_rejected",
                arguments: ["project": project.name, "reason": reaction.reason?.trimmed ?? ""]
            )
    }
}
