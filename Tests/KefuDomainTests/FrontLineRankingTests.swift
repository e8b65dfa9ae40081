import Foundation
import KefuDomain
import Testing

@Suite("Project recommendation ranking (R3.2)")
struct FrontLineRankingTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)

    static func project(
        _ id: Int, _ code: String, _ name: String, type: ProjectType = .industrialPark,
        industries: [String] = ["manufacturing"],
        province: String? = "江苏省", city: String? = "苏州市", min: Decimal? = 200, max: Decimal? = 800,
        status: ProjectStatus = .open
    ) -> RankableProject {
        RankableProject(
            id: id, code: code, name: name, type: type, industries: industries, province: province, city: city,
            investmentMinWan: min, investmentMaxWan: max, status: status
        )
    }

    static func customer(
        industries: [String] = ["manufacturing"], budget: (Decimal?, Decimal?) = (100, 500), regions: [String] = ["苏州"],
        stage: CustomerStage = .intent, timing: InvestmentTiming = .withinThreeMonths
    ) -> CustomerProfile {
        CustomerProfile(
            industries: industries, budgetMinWan: budget.0, budgetMaxWan: budget.1, preferredRegions: regions,
            stage: stage, timing: timing
        )
    }

    static func part(_ kind: ScorePartKind, of ranked: RankedProject) -> ScorePart? {
        ranked.parts.first { $0.kind == kind }
    }

    static func codes(_ ranking: [RankedProject]) -> [String] { ranking.map(\.project.code) }

    @Test("a project matching every need scores each part, and the explanation adds up")
    func fullMatch() throws {
        let ranked = try #require(
            ProjectRanking.rank([Self.project(1, "XM-001", "苏州工业园三期")], for: Self.customer(), reactions: []).first)
        #expect(ranked.score == 100)
        #expect(
            ranked.parts == [
                ScorePart(
                    kind: .industry, points: 40, messageKey: "ranking.industry_match",
                    arguments: ["industry": "manufacturing", "industries": "manufacturing"]),
                ScorePart(
                    kind: .budget, points: 30, messageKey: "ranking.budget_within",
                    arguments: ["customerRange": "100–500", "projectRange": "200–800"]),
                ScorePart(kind: .region, points: 20, messageKey: "ranking.region_match", arguments: ["region": "苏州市"]),
                ScorePart(
                    kind: .timing, points: 10, messageKey: "ranking.timing_soon",
                    arguments: ["timing": "within_3_months", "stage": "intent"]),
            ])
    }

    @Test("explanations add up to the score, order is deterministic, only open projects are ranked")
    func invariantOverGeneratedCatalogs() {
        var random = SeededRandom(seed: 20_261_129)
        let industries = CustomerVocabulary.industries
        let places =
            [("江苏省", "苏州市"), ("上海市", "上海市"), ("浙江省", "杭州市"), ("广东省", "深圳市"), (nil, nil)] as [(String?, String?)]
        let projects = (1...200).map { id -> RankableProject in
            let place = places[random.next(places.count)]
            let minimum: Decimal? = random.next(4) == 0 ? nil : Decimal(random.next(50) * 20)
            let maximum: Decimal? = random.next(4) == 0 ? nil : (minimum ?? 0) + Decimal(random.next(60) * 20)
            return Self.project(
                id, "XM-\(1000 + random.next(150))", "项目\(id)",
                type: ProjectType.allCases[random.next(ProjectType.allCases.count)],
                industries: (0..<random.next(3)).map { _ in industries[random.next(industries.count)] },
                province: place.0, city: place.1,
                min: minimum, max: maximum, status: ProjectStatus.allCases[random.next(3) == 0 ? random.next(3) : 0]
            )
        }
        let openCount = projects.filter { $0.status == .open }.count
        for round in 0..<40 {
            let customer = Self.customer(
                industries: (0..<random.next(3)).map { _ in industries[random.next(industries.count)] },
                budget: (
                    random.next(3) == 0 ? nil : Decimal(random.next(40) * 25),
                    random.next(3) == 0 ? nil : Decimal(500 + random.next(40) * 25)
                ),
                regions: random.next(3) == 0 ? [] : ["苏州", "上海"].filter { _ in random.next(2) == 0 },
                stage: CustomerStage.allCases[random.next(CustomerStage.allCases.count)],
                timing: InvestmentTiming.allCases[random.next(InvestmentTiming.allCases.count)]
            )
            let reactions = (0..<random.next(50)).map { minute in
                PastReaction(
                    projectID: 1 + random.next(200), reaction: Reaction.allCases[random.next(3)],
                    reason: random.next(2) == 0 ? nil : "预算不足", at: Self.start.addingTimeInterval(Double(minute * 60))
                )
            }
            let ranking = ProjectRanking.rank(projects, for: customer, reactions: reactions)
            #expect(ranking.count == openCount)
            #expect(ranking.allSatisfy { $0.project.status == .open })
            for ranked in ranking {
                #expect(ranked.score == ranked.parts.map(\.points).reduce(0, +))
                #expect(ranked.parts.allSatisfy { $0.messageKey.hasPrefix("ranking.") })
                for kind in [ScorePartKind.industry, .budget, .region] {
                    #expect(ranked.parts.filter { $0.kind == kind }.count == 1, "one \(kind) part in round \(round)")
                }
                #expect(ranked.parts.filter { $0.kind == .reaction }.count <= 1)
                #expect(ranked.parts.filter { $0.messageKey == "ranking.similar_to_interest" }.count <= 1)
                #expect(ranked.parts.filter { $0.messageKey == "ranking.similar_to_rejected" }.count <= 1)
            }
            for (higher, lower) in zip(ranking, ranking.dropFirst()) {
                #expect(
                    higher.score > lower.score
                        || (higher.score == lower.score && higher.project.code <= lower.project.code))
            }
            let reordered = ProjectRanking.rank(projects.reversed(), for: customer, reactions: reactions)
            #expect(reordered.map(\.project.id) == ranking.map(\.project.id), "input order does not change the ranking")
            // Explaining only the projects returned changes nothing of them: the same order, parts and words.
            for limit in [0, 1, 20, openCount + 1] {
                let first = ProjectRanking.rank(projects, for: customer, reactions: reactions, limit: limit)
                #expect(first == Array(ranking.prefix(limit)), "the first \(limit) in round \(round)")
            }
        }
    }

    @Test("closed and paused projects are not recommended")
    func onlyOpenProjects() {
        let projects = [
            Self.project(1, "XM-001", "开放"), Self.project(2, "XM-002", "暂停", status: .paused),
            Self.project(3, "XM-003", "关闭", status: .closed),
        ]
        #expect(Self.codes(ProjectRanking.rank(projects, for: Self.customer(), reactions: [])) == ["XM-001"])
    }

    @Test("equal scores are listed by project code")
    func tiesByCode() {
        let projects = [Self.project(1, "XM-030", "丙"), Self.project(2, "XM-010", "甲"), Self.project(3, "XM-020", "乙")]
        #expect(
            Self.codes(ProjectRanking.rank(projects, for: Self.customer(), reactions: [])) == [
                "XM-010", "XM-020", "XM-030",
            ])
    }

    @Test("a rejected project drops below where it was, with the customer's reason")
    func rejectionDrops() throws {
        let projects = [
            Self.project(1, "XM-001", "苏州工业园三期"),
            Self.project(2, "XM-002", "昆山物流园", type: .commercialProperty, industries: ["logistics"]),
            Self.project(3, "XM-003", "苏州商业综合体", type: .commercialProperty, industries: ["retail"]),
        ]
        let before = ProjectRanking.rank(projects, for: Self.customer(), reactions: [])
        #expect(Self.codes(before) == ["XM-001", "XM-002", "XM-003"])
        let rejection = PastReaction(projectID: 1, reaction: .notInterested, reason: "租金太高", at: Self.start)
        let after = ProjectRanking.rank(projects, for: Self.customer(), reactions: [rejection])
        let rejected = try #require(after.first { $0.project.id == 1 })
        #expect(Self.codes(after) == ["XM-002", "XM-003", "XM-001"])
        #expect(rejected.score == 100 - 60)
        #expect(
            Self.part(.reaction, of: rejected)
                == ScorePart(
                    kind: .reaction, points: -60, messageKey: "ranking.rejected", arguments: ["reason": "租金太高"]))
    }

    @Test("interest in one project raises a similar one above an otherwise equal dissimilar one")
    func interestRaisesSimilar() throws {
        let projects = [
            Self.project(1, "XM-001", "无锡智能制造园", type: .other, industries: ["manufacturing"], status: .closed),
            Self.project(2, "XM-002", "餐饮加盟", type: .franchise, industries: ["catering"]),
            Self.project(
                3, "XM-003", "苏州新能源产业园", type: .commercialProperty, industries: ["new_energy", "manufacturing"]),
        ]
        let customer = Self.customer(industries: [])
        #expect(Self.codes(ProjectRanking.rank(projects, for: customer, reactions: [])) == ["XM-002", "XM-003"])
        let interest = PastReaction(projectID: 1, reaction: .interested, reason: nil, at: Self.start)
        let after = ProjectRanking.rank(projects, for: customer, reactions: [interest])
        #expect(Self.codes(after) == ["XM-003", "XM-002"])
        let raised = try #require(after.first)
        #expect(
            Self.part(.similarity, of: raised)
                == ScorePart(
                    kind: .similarity, points: 10, messageKey: "ranking.similar_to_interest",
                    arguments: ["project": "无锡智能制造园"]
                ))
    }

    @Test(
        "similarity counts once and names the most recent interest; a shared type alone does not count, 'other' never")
    func similarityDetails() throws {
        let projects = [
            Self.project(1, "XM-001", "旧园区", industries: ["manufacturing"]),
            Self.project(2, "XM-002", "新园区", industries: ["technology"]),
            Self.project(3, "XM-003", "目标园区", industries: ["manufacturing", "technology"]),
            Self.project(4, "XM-004", "其他甲", type: .other, industries: ["other"]),
            Self.project(5, "XM-005", "其他乙", type: .other, industries: ["other"]),
        ]
        let reactions = [
            PastReaction(
                projectID: 2, reaction: .wantsMoreInformation, reason: nil, at: Self.start.addingTimeInterval(3600)),
            PastReaction(projectID: 1, reaction: .interested, reason: nil, at: Self.start),
            PastReaction(projectID: 4, reaction: .interested, reason: nil, at: Self.start),
        ]
        let ranking = ProjectRanking.rank(projects, for: Self.customer(), reactions: reactions)
        let target = try #require(ranking.first { $0.project.id == 3 })
        #expect(target.parts.filter { $0.kind == .similarity }.map(\.arguments) == [["project": "新园区"]])
        let sameType = try #require(ranking.first { $0.project.id == 1 })
        #expect(
            Self.part(.similarity, of: sameType) == nil, "same type, different industry: not similar (issue 10 #16)")
        let unclassified = try #require(ranking.first { $0.project.id == 5 })
        #expect(Self.part(.similarity, of: unclassified) == nil)
    }

    @Test(
        "issue 10 #16: one interest raises only projects sharing an industry — not itself, not other industries of the same type"
    )
    func oneInterestRaisesOnlySimilarIndustries() throws {
        let projects = [
            Self.project(1, "XM-001", "苏州智造园", industries: ["manufacturing"]),
            Self.project(2, "XM-002", "无锡智造园", industries: ["manufacturing", "logistics"]),
            Self.project(3, "XM-003", "南京物流园", industries: ["logistics"]),
            Self.project(4, "XM-004", "杭州软件园", industries: ["technology"]),
        ]
        let liked = PastReaction(projectID: 1, reaction: .interested, reason: nil, at: Self.start)
        let ranking = ProjectRanking.rank(projects, for: Self.customer(), reactions: [liked])
        func similarity(_ id: Int) throws -> ScorePart? {
            Self.part(.similarity, of: try #require(ranking.first { $0.project.id == id }))
        }
        #expect(try similarity(1) == nil, "the liked project is not similar to itself")
        #expect(try similarity(2)?.points == 10)
        #expect(try similarity(3) == nil && similarity(4) == nil, "same type, other industry")
        let rejected = PastReaction(projectID: 4, reaction: .notInterested, reason: "太远", at: Self.start)
        let after = ProjectRanking.rank(projects, for: Self.customer(), reactions: [rejected])
        #expect(
            after.allSatisfy { Self.part(.similarity, of: $0) == nil },
            "no other technology project: nobody loses points")
    }

    @Test("a project similar to a rejected one loses a little, once, with the reason")
    func similarToRejected() throws {
        let projects = [
            Self.project(1, "XM-001", "甲园区"), Self.project(2, "XM-002", "乙园区"),
            Self.project(3, "XM-003", "丙园区"),
        ]
        let reactions = [
            PastReaction(projectID: 1, reaction: .notInterested, reason: "距离太远", at: Self.start),
            PastReaction(projectID: 2, reaction: .notInterested, reason: nil, at: Self.start.addingTimeInterval(60)),
        ]
        let ranking = ProjectRanking.rank(projects, for: Self.customer(), reactions: reactions)
        let third = try #require(ranking.first { $0.project.id == 3 })
        #expect(
            third.parts.filter { $0.kind == .similarity } == [
                ScorePart(
                    kind: .similarity, points: -5, messageKey: "ranking.similar_to_rejected",
                    arguments: ["project": "乙园区", "reason": ""])
            ])
        #expect(third.score == 95)
        #expect(Self.codes(ranking) == ["XM-003", "XM-001", "XM-002"])
    }

    @Test("the latest reaction to a project counts: a change of mind replaces a rejection")
    func latestReactionWins() throws {
        let reactions = [
            PastReaction(projectID: 1, reaction: .interested, reason: nil, at: Self.start.addingTimeInterval(86_400)),
            PastReaction(projectID: 1, reaction: .notInterested, reason: "再考虑", at: Self.start),
        ]
        let ranked = try #require(
            ProjectRanking.rank([Self.project(1, "XM-001", "甲")], for: Self.customer(), reactions: reactions).first)
        #expect(Self.part(.reaction, of: ranked)?.messageKey == "ranking.interested_before")
        #expect(ranked.score == 115)
        let more = [PastReaction(projectID: 1, reaction: .wantsMoreInformation, reason: nil, at: Self.start)]
        let asked = try #require(
            ProjectRanking.rank([Self.project(1, "XM-001", "甲")], for: Self.customer(), reactions: more).first)
        #expect(Self.part(.reaction, of: asked)?.points == 10)
    }

    @Test(
        "budget: overlap, outside with both ranges shown, unknown, and open-ended ranges",
        arguments: [
            ((100, 500), (200, 800), 30, "ranking.budget_within"),
            ((100, 500), (500, 800), 30, "ranking.budget_within"),
            ((100, 500), (600, 800), -20, "ranking.budget_outside"),
            ((900, 1200), (200, 800), -20, "ranking.budget_outside"),
            ((nil, nil), (200, 800), 0, "ranking.budget_unknown"),
            ((100, 500), (nil, nil), 0, "ranking.budget_unknown"),
            ((nil, 500), (300, nil), 30, "ranking.budget_within"),
            ((nil, 500), (800, nil), -20, "ranking.budget_outside"),
            ((1000, nil), (nil, 800), -20, "ranking.budget_outside"),
        ] as [((Decimal?, Decimal?), (Decimal?, Decimal?), Int, String)])
    func budget(customerRange: (Decimal?, Decimal?), projectRange: (Decimal?, Decimal?), points: Int, key: String)
        throws
    {
        let project = Self.project(1, "XM-001", "甲", min: projectRange.0, max: projectRange.1)
        let ranked = try #require(
            ProjectRanking.rank([project], for: Self.customer(budget: customerRange), reactions: []).first)
        let part = try #require(Self.part(.budget, of: ranked))
        #expect(part.points == points)
        #expect(part.messageKey == key)
    }

    @Test("an outside budget shows both ranges")
    func budgetOutsideArguments() throws {
        let project = Self.project(1, "XM-001", "甲", min: 600, max: nil)
        let ranked = try #require(
            ProjectRanking.rank([project], for: Self.customer(budget: (100, 500)), reactions: []).first)
        #expect(Self.part(.budget, of: ranked)?.arguments == ["customerRange": "100–500", "projectRange": "≥600"])
    }

    @Test(
        "region matches by city or province, with or without 省/市, and is neutral without a preference",
        arguments: [
            (["苏州"], "江苏省", "苏州市", 20, "ranking.region_match"),
            (["江苏"], "江苏省", "苏州市", 20, "ranking.region_match"),
            (["江苏省"], "江苏省", nil, 20, "ranking.region_match"),
            (["上海市"], "上海", "上海", 20, "ranking.region_match"),
            (["上海", "杭州"], "江苏省", "苏州市", 0, "ranking.region_other"),
            ([], "江苏省", "苏州市", 0, "ranking.region_unknown"),
        ] as [([String], String?, String?, Int, String)])
    func region(preferred: [String], province: String?, city: String?, points: Int, key: String) throws {
        let project = Self.project(1, "XM-001", "甲", province: province, city: city)
        let ranked = try #require(
            ProjectRanking.rank([project], for: Self.customer(regions: preferred), reactions: []).first)
        let part = try #require(Self.part(.region, of: ranked))
        #expect(part.points == points)
        #expect(part.messageKey == key)
    }

    @Test("industry: shared, none shared, not recorded")
    func industry() throws {
        let project = Self.project(1, "XM-001", "甲", industries: ["logistics", "retail"])
        func industryPart(_ industries: [String]) throws -> ScorePart? {
            Self.part(
                .industry,
                of: try #require(
                    ProjectRanking.rank([project], for: Self.customer(industries: industries), reactions: []).first))
        }
        #expect(
            try industryPart(["retail", "catering"])
                == ScorePart(
                    kind: .industry, points: 40, messageKey: "ranking.industry_match",
                    arguments: ["industry": "retail", "industries": "retail"]
                ))
        #expect(
            try industryPart(["education"])
                == ScorePart(
                    kind: .industry, points: 0, messageKey: "ranking.industry_none",
                    arguments: ["industries": "logistics,retail"]
                ))
        #expect(
            try industryPart([]) == ScorePart(kind: .industry, points: 0, messageKey: "ranking.industry_unknown"),
            "no points for a blank field (issue 10 #16)")
    }

    @Test(
        "timing: soon for intent and negotiating customers, nothing for leads, a zero part for later or undecided",
        arguments: [
            (CustomerStage.negotiating, InvestmentTiming.withinSixMonths, "ranking.timing_soon", 10),
            (.intent, .withinThreeMonths, "ranking.timing_soon", 10),
            (.lead, .withinThreeMonths, nil, 0),
            (.intent, .withinYear, nil, 0),
            (.intent, .later, "ranking.timing_later", 0),
            (.lead, .undecided, "ranking.timing_later", 0),
        ] as [(CustomerStage, InvestmentTiming, String?, Int)])
    func timing(stage: CustomerStage, timing: InvestmentTiming, key: String?, points: Int) throws {
        let ranked = try #require(
            ProjectRanking.rank(
                [Self.project(1, "XM-001", "甲")], for: Self.customer(stage: stage, timing: timing), reactions: []
            ).first)
        #expect(Self.part(.timing, of: ranked)?.messageKey == key)
        #expect(Self.part(.timing, of: ranked)?.points ?? 0 == points)
    }

    @Test("a customer file gives a profile, its free-text regions split")
    func profileFromCustomer() {
        #expect(CustomerProfile.regions(from: "上海、苏州，杭州; 南京  ") == ["上海", "苏州", "杭州", "南京"])
        #expect(CustomerProfile.regions(from: " ").isEmpty)
    }
}

/// A small deterministic generator (SplitMix64) so generated catalogs are the same on every run.
struct SeededRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next(_ upperBound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        value ^= value >> 31
        return Int(value % UInt64(upperBound))
    }
}
