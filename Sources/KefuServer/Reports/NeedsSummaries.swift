import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The needs analysis' summaries (R2.2, issue 16 "Speed"): a year of new customers is half a million rows,
/// counted twice (the period and the one before) for every dimension. Each dimension keeps its counts per
/// office day the customer came (live files only) or the reaction was given; the triggers keep them as
/// they keep the dashboard's (``ReportSummary``). Reactions are kept per project rather than per project
/// type, so a project whose type is corrected moves its reactions with it.
enum NeedsSummaries {
    static func customers(_ name: String, _ column: String, _ value: @escaping @Sendable (String) -> String)
        -> ReportSummary
    {
        ReportSummary(
            keys: [("day", "BIGINT", ReportSummary.day("created_at")), ("k", "TEXT", { row, _ in value(row) })],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_need_\(name)_days", source: "customers", condition: { "\($0).merged_into_id IS NULL" },
            watched: ["created_at", "merged_into_id"] + column.split(separator: ",").map(String.init))
    }

    /// The budget band of a customer row, as ``BudgetBand/of(minYuan:maxYuan:)`` decides it.
    static func budgetBand(_ row: String) -> String {
        let amount = "COALESCE(\(row).budget_max_yuan, \(row).budget_min_yuan)"
        var text = "CASE WHEN \(amount) IS NULL THEN '\(BudgetBand.unknown.rawValue)'"
        for (band, below) in BudgetBand.upperBounds { text += " WHEN \(amount) < \(below) THEN '\(band.rawValue)'" }
        return text + " ELSE '\(BudgetBand.from50m.rawValue)' END"
    }

    static let industry = customers("industry", "industries") { "\($0).industries" }
    static let region = customers("region", "province") { "COALESCE(\($0).province, '')" }
    static let budget = customers("budget", "budget_max_yuan,budget_min_yuan") { budgetBand($0) }
    static let timing = customers("timing", "timing") { "\($0).timing" }

    /// Reactions of interest per day and project (the type is the project's when read).
    static let interest = ReportSummary(
        keys: [
            ("day", "BIGINT", ReportSummary.day("reaction_at")),
            ("project_id", "BIGINT", ReportSummary.plain("project_id")),
        ],
        values: [("n", "BIGINT", ReportSummary.one)],
        table: "report_need_interest_days", source: "recommendations",
        condition: { "\($0).reaction_at IS NOT NULL AND \($0).reaction IN ('interested', 'wants_more_information')" },
        watched: ["reaction_at", "reaction", "project_id"])

    /// Projects turned down per day and reason given ('' for none).
    static let rejection = ReportSummary(
        keys: [
            ("day", "BIGINT", ReportSummary.day("reaction_at")),
            ("k", "TEXT", { row, _ in "COALESCE(\(row).reaction_reason, '')" }),
        ],
        values: [("n", "BIGINT", ReportSummary.one)],
        table: "report_need_rejection_days", source: "recommendations",
        condition: { "\($0).reaction_at IS NOT NULL AND \($0).reaction = 'not_interested'" },
        watched: ["reaction_at", "reaction", "reaction_reason"])

    static let summaries = [industry, region, budget, timing, interest, rejection]

    /// A dimension's counts over the office days `first ..< end`, by the key the records give it: the same
    /// keys as counting the records (``NeedsFigures/counts(_:span:)``) reads.
    static func counts(_ dimension: NeedsFigures.Dimension, days: (first: Int, end: Int), on database: any Database)
        async throws -> [(key: String?, n: Int)]
    {
        let statement: SQLQueryString
        if dimension == .projectType {
            statement = """
                SELECT projects.type AS k, CAST(SUM(s.n) AS BIGINT) AS n FROM \(MonthSummaries.rows(interest, days: days)) s
                JOIN projects ON projects.id = s.project_id GROUP BY projects.type
                """
        } else {
            let summary: ReportSummary =
                switch dimension {
                case .industry: industry
                case .region: region
                case .budget: budget
                case .timing: timing
                default: rejection
                }
            statement = """
                SELECT k, CAST(SUM(n) AS BIGINT) AS n FROM \(MonthSummaries.rows(summary, days: days)) s GROUP BY k
                """
        }
        return try await database.sql().raw(statement).all().map {
            (try $0.decode(column: "k", as: String?.self), try $0.decode(column: "n", as: Int?.self) ?? 0)
        }
    }
}

/// Creates the needs analysis' summaries and their triggers, and fills them from the records already there.
struct CreateNeedsSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(NeedsSummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(NeedsSummaries.summaries, on: database)
    }
}
