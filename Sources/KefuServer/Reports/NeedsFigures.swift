import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Customer needs and the market (R2.2 "客户需求与市场分析"): what the customers who came in the period
/// want — industries, regions, budget bands, timing — which project types they showed interest in and why
/// they turned projects down, each against the period before. Each dimension's rows are chosen in one
/// place (``source(_:key:span:)``), used by the counts and by the list behind a bar.
struct NeedsFigures {
    let database: any Database

    enum Dimension: String, CaseIterable, Sendable {
        case industry, region, budget, timing
        case projectType = "project-type"
        case rejectionReason = "rejection-reason"

        var readsCustomers: Bool { ![.projectType, .rejectionReason].contains(self) }
    }

    /// The key of rows where the customer left the field empty.
    static let none = "none"

    /// The budget band of a customer row, as ``BudgetBand/of(minYuan:maxYuan:)`` decides it.
    static var budgetBand: SQLQueryString {
        var text = "CASE WHEN COALESCE(budget_max_yuan, budget_min_yuan) IS NULL THEN '\(BudgetBand.unknown.rawValue)'"
        for (band, below) in BudgetBand.upperBounds {
            text += " WHEN COALESCE(budget_max_yuan, budget_min_yuan) < \(below) THEN '\(band.rawValue)'"
        }
        return SQLQueryString(text + " ELSE '\(BudgetBand.from50m.rawValue)' END")
    }

    static func source(_ dimension: Dimension, key: String?, span: (start: Date, end: Date)) -> (
        from: String, condition: SQLQueryString
    ) {
        if dimension.readsCustomers {
            var condition: SQLQueryString =
                "customers.created_at >= \(bind: span.start) AND customers.created_at < \(bind: span.end) AND customers.merged_into_id IS NULL"
            if let key {
                switch dimension {
                case .industry:
                    // The non-empty test first, in the words of the partial index `customers_created_industries`,
                    // so a bar's list skips the files that stated no industry (an import brings them by the
                    // hundred thousand) instead of reading through them newest first.
                    condition =
                        condition
                        + " AND customers.industries IS NOT NULL AND customers.industries <> ''"
                        + " AND customers.industries LIKE \(bind: "%,\(key),%")"
                case .region:
                    condition =
                        condition
                        + (key == none
                            ? " AND (customers.province IS NULL OR customers.province = '')"
                            : " AND customers.province = \(bind: key)")
                case .budget: condition = condition + " AND \(budgetBand) = \(bind: key)"
                default: condition = condition + " AND customers.timing = \(bind: key)"
                }
            }
            return ("customers", condition)
        }
        var condition: SQLQueryString =
            "recommendations.reaction_at >= \(bind: span.start) AND recommendations.reaction_at < \(bind: span.end)"
        if dimension == .projectType {
            condition = condition + " AND recommendations.reaction IN ('interested', 'wants_more_information')"
            if let key { condition = condition + " AND projects.type = \(bind: key)" }
        } else {
            condition = condition + " AND recommendations.reaction = 'not_interested'"
            if let key {
                condition =
                    condition
                    + (key == none
                        ? " AND (recommendations.reaction_reason IS NULL OR recommendations.reaction_reason = '')"
                        : " AND recommendations.reaction_reason = \(bind: key)")
            }
        }
        return ("recommendations JOIN projects ON projects.id = recommendations.project_id", condition)
    }

    /// Counts of a dimension in the span by key (a customer with two industries counts under both).
    func counts(_ dimension: Dimension, span: (start: Date, end: Date)) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (key, n) in try await grouped(dimension, span: span) {
            let key = key ?? ""
            if dimension == .industry {
                for industry in key.split(separator: ",") { counts[String(industry), default: 0] += n }
            } else {
                counts[key.trimmingCharacters(in: .whitespaces).isEmpty ? Self.none : key, default: 0] += n
            }
        }
        return counts
    }

    /// The dimension's counts by the key its rows give it: from the summaries (``NeedsSummaries``) over whole
    /// office days, otherwise from the records.
    func grouped(_ dimension: Dimension, span: (start: Date, end: Date), fromRecords: Bool = false) async throws
        -> [(key: String?, n: Int)]
    {
        if !fromRecords, let days = DashboardFigures.days(span) {
            return try await NeedsSummaries.counts(dimension, days: days, on: database)
        }
        let source = Self.source(dimension, key: nil, span: span)
        let expression: SQLQueryString =
            switch dimension {
            case .industry: "customers.industries"
            case .region: "COALESCE(customers.province, '')"
            case .budget: Self.budgetBand
            case .timing: "customers.timing"
            case .projectType: "projects.type"
            case .rejectionReason: "COALESCE(recommendations.reaction_reason, '')"
            }
        return try await database.sql().raw(
            """
            SELECT \(expression) AS k, COUNT(*) AS n FROM \(unsafeRaw: source.from) WHERE \(source.condition) GROUP BY \(expression)
            """
        ).all().map { (try $0.decode(column: "k", as: String?.self), try $0.decode(column: "n", as: Int.self)) }
    }

    /// Each dimension in the period against the one before, in the dimension's own order.
    func changes(_ dimension: Dimension, period: ReportPeriod) async throws -> [NeedChange] {
        let current = try await counts(dimension, span: period.instants(in: DisplayFormat.timeZone))
        let previous = try await counts(dimension, span: period.previous.instants(in: DisplayFormat.timeZone))
        let order: [String] =
            switch dimension {
            case .industry: CustomerVocabulary.industries
            case .budget: BudgetBand.allCases.map(\.rawValue)
            case .timing: InvestmentTiming.allCases.map(\.rawValue)
            case .projectType: ProjectType.allCases.map(\.rawValue)
            case .region, .rejectionReason: []
            }
        var changes = NeedsTrend.changes(current: current, previous: previous, order: order)
        if order.isEmpty {
            // Free texts and places: the most frequent first, at most fifteen.
            changes = Array(
                changes.sorted { ($1.current, $1.previous, $0.key) < ($0.current, $0.previous, $1.key) }.prefix(15))
        }
        return changes
    }

    /// One page of the customers or reactions behind a bar, newest first; customers by their code only.
    func items(_ dimension: Dimension, key: String, span: (start: Date, end: Date), page: Paging) async throws -> (
        items: [DashboardFigures.Item], total: Int
    ) {
        let source = Self.source(dimension, key: key, span: span)
        let sql = try database.sql()
        // The total is the bar's own value (from the summaries over whole days), not a count of a year's rows.
        let total: Int
        if DashboardFigures.days(span) != nil {
            total = try await counts(dimension, span: span)[key] ?? 0
        } else {
            total =
                try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: source.from) WHERE \(source.condition)")
                .first()?.decode(column: "n", as: Int.self) ?? 0
        }
        // A bar of nothing has no list (and reading a year's index for none would cost a full range).
        if total == 0 { return ([], 0) }
        let rows: [any SQLRow]
        if dimension.readsCustomers {
            rows = try await sql.raw(
                """
                SELECT customers.id AS id, customers.code AS number, customers.created_at AS at, staff.display_name AS staff_name, customers.id AS customer_id
                FROM customers LEFT JOIN staff ON staff.id = customers.responsible_staff_id
                WHERE \(source.condition) ORDER BY customers.created_at DESC, customers.id DESC
                LIMIT \(literal: page.size) OFFSET \(literal: page.offset)
                """
            ).all()
        } else {
            rows = try await sql.raw(
                """
                SELECT recommendations.id AS id, projects.name AS number, recommendations.reaction_at AS at, staff.display_name AS staff_name,
                  recommendations.customer_id AS customer_id
                FROM recommendations JOIN projects ON projects.id = recommendations.project_id LEFT JOIN staff ON staff.id = recommendations.staff_id
                WHERE \(source.condition) ORDER BY recommendations.reaction_at DESC, recommendations.id DESC
                LIMIT \(literal: page.size) OFFSET \(literal: page.offset)
                """
            ).all()
        }
        return (
            try rows.map { row in
                let customerID = try row.decode(column: "customer_id", as: Int.self)
                return DashboardFigures.Item(
                    recordType: dimension.readsCustomers ? "customer" : "recommendation",
                    id: try row.decode(column: "id", as: Int.self),
                    number: try row.decode(column: "number", as: String?.self),
                    at: try row.decode(column: "at", as: Date.self),
                    staffName: try row.decode(column: "staff_name", as: String?.self),
                    link: SiteURL.customer(customerID).path)
            }, total
        )
    }
}
