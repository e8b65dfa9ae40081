import Foundation
import KefuDomain
import Vapor

/// A project as the API shows it (R3.2).
struct ProjectDTO: Content {
    var id: Int
    var code: String
    var name: String
    var type: String
    var industries: [String]
    var province: String?
    var city: String?
    var address: String?
    var areaSquareMeters: Decimal?
    var investmentMinWan: Decimal?
    var investmentMaxWan: Decimal?
    var annualReturnPercent: Decimal?
    var paybackYears: Decimal?
    var incentives: String?
    var highlights: String?
    var status: String
    var responsibleDepartment: String?
    var version: Int
    var createdAt: Date
    var updatedAt: Date
    var recommended: Int
    var interestRate: Double?
    /// On one project (not in lists): the reasons customers gave for no interest, most frequent first.
    var rejectionReasons: [ReasonCount]?

    struct ReasonCount: Content { var reason: String; var count: Int }

    init(_ record: ProjectRecord, statistics: ProjectStore.Statistics, withReasons: Bool = false) {
        let facts = record.facts
        id = record.id; code = facts.code; name = facts.name; type = facts.type.rawValue; industries = facts.industries
        province = facts.province; city = facts.city; address = facts.address; areaSquareMeters = facts.areaSquareMeters
        investmentMinWan = facts.investmentMinWan; investmentMaxWan = facts.investmentMaxWan
        annualReturnPercent = facts.annualReturnPercent; paybackYears = facts.paybackYears;
        incentives = facts.incentives
        highlights = facts.highlights; status = facts.status.rawValue;
        responsibleDepartment = facts.responsibleDepartment
        version = record.version; createdAt = record.createdAt; updatedAt = record.updatedAt
        recommended = statistics.recommended; interestRate = statistics.interestRate
        rejectionReasons =
            withReasons ? statistics.rejectionReasons.map { ReasonCount(reason: $0.reason, count: $0.count) } : nil
    }
}

/// What a form or JSON body says a project should be; on PATCH, absent fields keep their value.
/// Numbers arrive as text, as a form sends them, so "1,200" or "" get a message rather than a 400.
struct ProjectInput: Content {
    var version: Int?
    var code: String?
    var name: String?
    var type: String?
    var industries: [String]?
    var province: String?
    var city: String?
    var address: String?
    var areaSquareMeters: String?
    var investmentMinWan: String?
    var investmentMaxWan: String?
    var annualReturnPercent: String?
    var paybackYears: String?
    var incentives: String?
    var highlights: String?
    var status: String?
    var responsibleDepartment: String?

    func draft(over base: ProjectDraft = ProjectDraft()) -> ProjectDraft {
        var draft = base
        if let code { draft.code = code }
        if let name { draft.name = name }
        if let type { draft.type = type }
        if let industries { draft.industries = industries }
        if let province { draft.province = province }
        if let city { draft.city = city }
        if let address { draft.address = address }
        if let areaSquareMeters { draft.areaSquareMeters = areaSquareMeters }
        if let investmentMinWan { draft.investmentMinWan = investmentMinWan }
        if let investmentMaxWan { draft.investmentMaxWan = investmentMaxWan }
        if let annualReturnPercent { draft.annualReturnPercent = annualReturnPercent }
        if let paybackYears { draft.paybackYears = paybackYears }
        if let incentives { draft.incentives = incentives }
        if let highlights { draft.highlights = highlights }
        if let status { draft.status = status }
        if let responsibleDepartment { draft.responsibleDepartment = responsibleDepartment }
        return draft
    }
}

extension ProjectFacts {
    /// The stored facts as a draft, so an edit starts from what is saved.
    var draft: ProjectDraft {
        var draft = ProjectDraft()
        draft.code = code
        draft.name = name
        draft.type = type.rawValue
        draft.industries = industries
        draft.province = province ?? ""
        draft.city = city ?? ""
        draft.address = address ?? ""
        draft.areaSquareMeters = areaSquareMeters.map { "\($0)" } ?? ""
        draft.investmentMinWan = investmentMinWan.map { "\($0)" } ?? ""
        draft.investmentMaxWan = investmentMaxWan.map { "\($0)" } ?? ""
        draft.annualReturnPercent = annualReturnPercent.map { "\($0)" } ?? ""
        draft.paybackYears = paybackYears.map { "\($0)" } ?? ""
        draft.incentives = incentives ?? ""
        draft.highlights = highlights ?? ""
        draft.status = status.rawValue
        draft.responsibleDepartment = responsibleDepartment ?? ""
        return draft
    }
}

struct ProjectVersionDTO: Content {
    var version: Int
    var changedAt: Date
    var actorName: String
    var changes: [FieldChange]
    var facts: ProjectFacts?
}

struct ProjectCaseDTO: Content {
    var id: Int?
    var title: String
    var summary: String
    var figures: String?
}

/// One ranked project: its score and the parts that make it, each in words (R3.2).
struct RankedProjectDTO: Content {
    struct Part: Content { var kind: String; var points: Int; var explanation: String }
    var projectID: Int
    var code: String
    var name: String
    var type: String
    var score: Int
    var parts: [Part]
}

extension DisplayWords {
    /// A score part in the reader's language. A ranking explains a hundred parts: the words are made
    /// once for the request rather than looked up for every one.
    func explain(_ key: String, _ arguments: [String: String]) -> String {
        var localized = arguments
        // Arguments that are vocabulary values read in words too.
        if let industry = arguments["industry"] { localized["industry"] = t("customer.industry.\(industry)") }
        if let industries = arguments["industries"] {
            localized["industries"] = industries.split(separator: ",").map { t("customer.industry.\($0)") }.joined(
                separator: listSeparator)
        }
        if let timing = arguments["timing"] { localized["timing"] = t("customer.timing.\(timing)") }
        if let stage = arguments["stage"] { localized["stage"] = t("customer.stage.\(stage)") }
        if arguments["reason"]?.isEmpty == true { localized["reason"] = t("ranking.no_reason") }
        for name in ["customerRange", "projectRange"] where arguments[name]?.isEmpty == true {
            localized[name] = t("ranking.range_unknown")
        }
        return t(key, localized)
    }
}
