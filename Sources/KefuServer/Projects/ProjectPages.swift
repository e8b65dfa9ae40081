import Foundation
import KefuDomain

/// The catalog list's view model.
struct ProjectListPage: Encodable {
    struct Row: Encodable {
        var id: Int; var code: String; var name: String; var typeKey: String; var industries: String; var region: String
        var investment: String; var status: String; var statusKey: String; var recommended: Int;
        var interestRate: String
    }
    var rows: [Row]
    var hasRows: Bool
    var q: String
    var statuses: [ChoiceOption]
    var types: [ChoiceOption]
    var industries: [ChoiceOption]
    var canManage: Bool

    init(
        viewer: Viewer, records: [ProjectRecord], statistics: [Int: ProjectStore.Statistics],
        filter: ProjectStore.Filter
    ) {
        let words = viewer.words
        rows = records.map { record in
            let facts = record.facts
            let stats = statistics[record.id] ?? .init()
            return Row(
                id: record.id, code: facts.code, name: facts.name, typeKey: "project.type.\(facts.type.rawValue)",
                industries: words.list(facts.industries.map { words.t("customer.industry.\($0)") }),
                region: [facts.province, facts.city].compactMap { $0 }.joined(separator: " "),
                investment: ProjectFilePage.range(facts.investmentMinWan, facts.investmentMaxWan, words),
                status: facts.status.rawValue, statusKey: "project.status.\(facts.status.rawValue)",
                recommended: stats.recommended,
                interestRate: stats.interestRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
            )
        }
        hasRows = !rows.isEmpty
        q = filter.text ?? ""
        statuses = ChoiceOption.list(
            ProjectStatus.allCases.map(\.rawValue), labelPrefix: "project.status",
            selected: filter.status?.rawValue ?? "")
        types = ChoiceOption.list(
            ProjectType.allCases.map(\.rawValue), labelPrefix: "project.type", selected: filter.type?.rawValue ?? "")
        industries = ChoiceOption.list(
            CustomerVocabulary.industries, labelPrefix: "customer.industry", selected: filter.industry ?? "")
        canManage = viewer.permissions.allows(.manageProjects)
    }
}

/// One project's page: its facts, cases, statistics and every version of its facts.
struct ProjectFilePage: Encodable {
    struct Field: Encodable { var labelKey: String; var value: String }
    struct Version: Encodable {
        var version: Int; var changedAt: String; var actorName: String; var changes: [String]; var isFirst: Bool
    }
    struct Case: Encodable {
        var title: String; var summary: String; var figures: String
        var hasFigures: Bool { !figures.isEmpty }
        enum CodingKeys: String, CodingKey { case title, summary, figures, hasFigures }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title); try container.encode(summary, forKey: .summary)
            try container.encode(figures, forKey: .figures); try container.encode(hasFigures, forKey: .hasFigures)
        }
    }
    /// Issue 13 §6: the customers' feedback about the project, newest first, as the viewer may see it.
    struct Feedback: Encodable { var id: Int; var number: String; var content: String; var stateKey: String }
    var feedback: [Feedback] = []
    var feedbackTotal = 0
    var canSeeFeedback = false
    var id: Int
    var code: String
    var name: String
    var status: String
    var statusKey: String
    var typeKey: String
    var version: Int
    var fields: [Field]
    var cases: [Case]
    var hasCases: Bool
    var versions: [Version]
    var recommended: Int
    var interestRate: String
    var rejectionReasons: [Reason]
    var hasRejections: Bool
    struct Reason: Encodable { var reason: String; var count: Int }
    var canManage: Bool
    var errors: [String: String] = [:]
    var caseDraft = Case(title: "", summary: "", figures: "")
    struct File: Encodable { var id: Int; var name: String; var size: String; var uploadedAt: String }
    var files: [File] = []
    var hasFiles = false
    /// Facts as they stood on a chosen date (R1: what the customer was told).
    var asOf: String
    var asOfFields: [Field]
    var hasAsOf: Bool
    var asOfRequested: Bool
    var asOfVersion: Int

    init(
        viewer: Viewer, record: ProjectRecord, statistics: ProjectStore.Statistics, cases: [ProjectStore.CaseRow],
        versions: [ProjectStore.Version], asOf: (date: String, version: ProjectStore.Version?)?
    ) {
        let facts = record.facts
        id = record.id; code = facts.code; name = facts.name; status = facts.status.rawValue
        statusKey = "project.status.\(facts.status.rawValue)"; typeKey = "project.type.\(facts.type.rawValue)";
        version = record.version
        let words = viewer.words
        fields = Self.fields(facts, words)
        self.cases = cases.map { Case(title: $0.title, summary: $0.summary, figures: $0.figures) }
        hasCases = !cases.isEmpty
        // Values and people in words (issue 10 #5): "manufacturing" reads 先进制造, a username the person's name.
        self.versions = versions.map { version in
            let changes = version.fieldChanges.map { change in
                "\(words.t(Self.labelKey(change.field)))：\(words.projectValue(field: change.field, value: change.oldValue)) → \(words.projectValue(field: change.field, value: change.newValue))"
            }
            return Version(
                version: version.version, changedAt: DisplayFormat.dateTime(version.changedAt),
                actorName: words.actor(version.actorName),
                changes: changes, isFirst: changes.isEmpty)
        }
        recommended = statistics.recommended
        interestRate = statistics.interestRate.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
        rejectionReasons = statistics.rejectionReasons.map { Reason(reason: $0.reason, count: $0.count) }
        hasRejections = !statistics.rejectionReasons.isEmpty
        canManage = viewer.permissions.allows(.manageProjects)
        self.asOf = asOf?.date ?? ""
        asOfFields = asOf?.version?.decodedFacts.map { Self.fields($0, words) } ?? []
        hasAsOf = asOf?.version != nil
        asOfRequested = asOf != nil
        asOfVersion = asOf?.version?.version ?? 0
    }

    /// The form label of a fact, for the change history.
    static func labelKey(_ field: String) -> String {
        switch field {
        case "province": "customer.field.province"
        case "city": "customer.field.city"
        case "address": "customer.field.address"
        case "areaSquareMeters": "project.field.area"
        default: "project.field.\(field)"
        }
    }

    static func fields(_ facts: ProjectFacts, _ words: DisplayWords) -> [Field] {
        func number(_ value: Decimal?, _ unit: String) -> String { value.map { DisplayFormat.wan($0) + unit } ?? "—" }
        return [
            Field(labelKey: "project.field.type", value: words.t("project.type.\(facts.type.rawValue)")),
            Field(
                labelKey: "project.field.industries",
                value: words.list(facts.industries.map { words.t("customer.industry.\($0)") })),
            Field(
                labelKey: "project.field.region",
                value: [facts.province, facts.city, facts.address].compactMap { $0 }.joined(separator: " ")),
            Field(labelKey: "project.field.area", value: number(facts.areaSquareMeters, " ㎡")),
            Field(
                labelKey: "project.field.investment",
                value: range(facts.investmentMinWan, facts.investmentMaxWan, words)),
            // The value carries its unit, so the label does not repeat it (issue 10 #15: "（%） 7.5%").
            Field(labelKey: "project.label.annualReturn", value: number(facts.annualReturnPercent, "%")),
            Field(labelKey: "project.label.payback", value: number(facts.paybackYears, words.t("project.unit.years"))),
            Field(labelKey: "project.field.incentives", value: facts.incentives ?? "—"),
            Field(labelKey: "project.field.highlights", value: facts.highlights ?? "—"),
            Field(labelKey: "project.field.status", value: words.t("project.status.\(facts.status.rawValue)")),
            Field(labelKey: "project.field.responsibleDepartment", value: facts.responsibleDepartment ?? "—"),
        ]
    }

    /// "500–2,000 万元", "≥ 500 万元", or "—".
    static func range(_ low: Decimal?, _ high: Decimal?, _ words: DisplayWords) -> String {
        let unit = words.t("unit.wan")
        switch (low, high) {
        case (let low?, let high?): return "\(DisplayFormat.wan(low))–\(DisplayFormat.wan(high)) \(unit)"
        case (let low?, nil): return "≥ \(DisplayFormat.wan(low)) \(unit)"
        case (nil, let high?): return "≤ \(DisplayFormat.wan(high)) \(unit)"
        case (nil, nil): return "—"
        }
    }
}

/// The project form's view model: what was typed, and the message at each field.
struct ProjectFormPage: Encodable {
    var isNew: Bool
    var id: Int?
    var code: String
    var version: Int
    var draft: Draft
    var types: [ChoiceOption]
    var statuses: [ChoiceOption]
    var industries: [ChoiceOption]
    var errors: [String: String] = [:]
    var formErrorKey: String?
    /// What was changed since the form was read, when it was sent on a stale version.
    var conflict: ConflictView?

    struct Draft: Encodable {
        var code, name, province, city, address, areaSquareMeters, investmentMinWan, investmentMaxWan: String
        var annualReturnPercent, paybackYears, incentives, highlights, responsibleDepartment: String
    }

    init(draft: ProjectDraft, record: ProjectRecord?) {
        isNew = record == nil
        id = record?.id
        code = record?.facts.code ?? ""
        version = record?.version ?? 0
        self.draft = Draft(
            code: draft.code, name: draft.name, province: draft.province, city: draft.city, address: draft.address,
            areaSquareMeters: draft.areaSquareMeters, investmentMinWan: draft.investmentMinWan,
            investmentMaxWan: draft.investmentMaxWan,
            annualReturnPercent: draft.annualReturnPercent, paybackYears: draft.paybackYears,
            incentives: draft.incentives,
            highlights: draft.highlights, responsibleDepartment: draft.responsibleDepartment
        )
        types = ChoiceOption.list(
            ProjectType.allCases.map(\.rawValue), labelPrefix: "project.type", selected: draft.type)
        statuses = ChoiceOption.list(
            ProjectStatus.allCases.map(\.rawValue), labelPrefix: "project.status", selected: draft.status)
        industries = CustomerVocabulary.industries.map {
            ChoiceOption(value: $0, labelKey: "customer.industry.\($0)", isSelected: draft.industries.contains($0))
        }
    }
}
