import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The dashboard's trends per month of the period (issue 16 §2): how far the files that came each month have
/// gone, stage by stage (``StageConversion``), and the satisfaction surveys answered with their average score.
/// A person filter narrows both to that person's files and the surveys that scored them.
extension DashboardFigures {
    struct MonthConversion: Equatable, Sendable {
        var month: ReportMonth
        var conversion: StageConversion
    }

    struct MonthSatisfaction: Equatable, Sendable {
        var month: ReportMonth
        var surveys: Int
        /// nil: none answered.
        var average: Double?
    }

    /// The key of the files of a month that reached a stage: `2026-03:intent`; `2026-03:all` for all of them.
    static func cohortKey(_ month: ReportMonth, _ stage: CustomerStage?) -> String {
        "\(month):\(stage?.rawValue ?? "all")"
    }

    /// The instants of a key's month inside the span (the whole span without a key); an unknown month or one
    /// outside the span is an empty span, so its list is empty rather than the whole period's.
    static func monthSpan(_ key: Substring?, within span: (start: Date, end: Date)) -> (start: Date, end: Date) {
        guard let key else { return span }
        guard let month = ReportMonth(String(key)) else { return (span.start, span.start) }
        let days = month.period.instants(in: DisplayFormat.timeZone)
        let start = max(days.start, span.start), end = min(days.end, span.end)
        return start < end ? (start, end) : (span.start, span.start)
    }

    /// The stages a cohort key's files are at now; nil for a stage that is not a step.
    static func cohortStages(_ key: Substring?) -> [CustomerStage]? {
        guard let key, key != "all" else { return CustomerStage.allCases }
        guard let step = CustomerStage(rawValue: String(key)), StageConversion.steps.contains(step) else { return nil }
        return StageConversion.stages(reaching: step)
    }

    /// Each month's files and how many reached each step, from the summary.
    func conversion(_ period: ReportPeriod) async throws -> [MonthConversion] {
        var result: [MonthConversion] = []
        for month in period.months {
            var counts: [CustomerStage: Int] = [:]
            for (stage, count) in try await cohortCounts(PartnerFigures.span(month, in: period)) {
                if let stage = CustomerStage(rawValue: stage) { counts[stage] = count }
            }
            result.append(MonthConversion(month: month, conversion: StageConversion(stagesNow: counts)))
        }
        return result
    }

    /// The live files that came in the span by their stage now (the span is whole office days).
    func cohortCounts(_ span: (start: Date, end: Date)) async throws -> [String: Int] {
        let days = (ReportSQL.localDay(span.start), ReportSQL.localDay(span.end))
        guard days.0 < days.1 else { return [:] }
        let person: SQLQueryString = filter.staffID.map { " AND staff_id = \(bind: $0)" } ?? ""
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT stage, CAST(SUM(n) AS BIGINT) AS n FROM \(MonthSummaries.rows(TrendSummaries.cohorts, days: days)) t
            WHERE 1 = 1\(person) GROUP BY stage
            """
        ).all() {
            counts[try row.decode(column: "stage", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    /// The surveys answered each month and their average score (1–5), counted with the list's own condition.
    func satisfaction(_ period: ReportPeriod) async throws -> [MonthSatisfaction] {
        let span = period.instants(in: DisplayFormat.timeZone)
        var result: [MonthSatisfaction] = []
        for month in period.months {
            let source = Self.source(
                .surveysAnswered, key: month.description, span: span, now: span.end, dialect: database.dialect,
                filter: filter)
            let row = try await database.sql().raw(
                """
                SELECT COUNT(*) AS n, CAST(AVG(CAST(score AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS average
                FROM surveys WHERE \(source.condition)
                """
            ).first()
            result.append(
                MonthSatisfaction(
                    month: month, surveys: try row?.decode(column: "n", as: Int.self) ?? 0,
                    average: try row?.decode(column: "average", as: Double?.self)))
        }
        return result
    }
}
