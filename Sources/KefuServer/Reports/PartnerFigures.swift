import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Leadership's picture of the partners (issue 16 §3): return visits done per month with their average
/// satisfaction (1–5), and the satisfaction surveys answered by signed customers and partners with their
/// average score. One condition per figure serves the monthly figures and the list behind a month.
struct PartnerFigures {
    let database: any Database

    struct Month: Equatable, Sendable {
        var month: ReportMonth
        var visits: Int
        var visitSatisfaction: Double?
        var surveys: Int
        var surveyScore: Double?
    }

    /// The part of `month` inside `period`, as instants.
    static func span(_ month: ReportMonth, in period: ReportPeriod) -> (start: Date, end: Date) {
        let days = month.period
        return ReportPeriod(from: max(days.from, period.from), to: min(days.to, period.to)).instants(
            in: DisplayFormat.timeZone)
    }

    static func visits(_ span: (start: Date, end: Date)) -> SQLQueryString {
        "return_visits.state = 'done' AND return_visits.done_at >= \(bind: span.start) AND return_visits.done_at < \(bind: span.end)"
    }

    static func surveys(_ span: (start: Date, end: Date)) -> SQLQueryString {
        """
        surveys.answered_at >= \(bind: span.start) AND surveys.answered_at < \(bind: span.end) AND surveys.score IS NOT NULL
        AND EXISTS (SELECT 1 FROM customers WHERE customers.id = surveys.customer_id AND customers.stage IN ('signed', 'partner'))
        """
    }

    /// Each month's figures: the visits from their summary (``PartnerSummaries``), the surveys counted.
    func byMonth(_ period: ReportPeriod) async throws -> [Month] {
        let sql = try database.sql()
        var result: [Month] = []
        for month in period.months {
            let span = Self.span(month, in: period)
            let visits = try await PartnerSummaries.visits(
                days: (ReportSQL.localDay(span.start), ReportSQL.localDay(span.end)), on: database)
            let surveys = try await sql.raw(
                """
                SELECT COUNT(*) AS n, CAST(AVG(CAST(score AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS average FROM surveys WHERE \(Self.surveys(span))
                """
            ).first()
            result.append(
                Month(
                    month: month, visits: visits.count, visitSatisfaction: visits.average,
                    surveys: try surveys?.decode(column: "n", as: Int.self) ?? 0,
                    surveyScore: try surveys?.decode(column: "average", as: Double?.self)))
        }
        return result
    }

    /// One page of the return visits done in a month of the period, newest first.
    func visitItems(_ period: ReportPeriod, month: ReportMonth, page: Paging) async throws -> (
        items: [DashboardFigures.Item], total: Int
    ) {
        let span = Self.span(month, in: period)
        let condition = Self.visits(span)
        let sql = try database.sql()
        // The total is the month's own figure from the summary, not a count of the month's tens of thousands of visits.
        let total = try await PartnerSummaries.visits(
            days: (ReportSQL.localDay(span.start), ReportSQL.localDay(span.end)), on: database
        ).count
        let rows = try await sql.raw(
            """
            SELECT return_visits.id AS id, return_visits.customer_id AS customer_id, return_visits.done_at AS at, staff.display_name AS staff_name
            FROM return_visits LEFT JOIN staff ON staff.id = return_visits.staff_id
            WHERE \(condition) ORDER BY return_visits.done_at DESC, return_visits.id DESC
            LIMIT \(literal: page.size) OFFSET \(literal: page.offset)
            """
        ).all()
        return (
            try rows.map { row in
                DashboardFigures.Item(
                    recordType: "return_visit", id: try row.decode(column: "id", as: Int.self), number: nil,
                    at: try row.decode(column: "at", as: Date.self),
                    staffName: try row.decode(column: "staff_name", as: String?.self),
                    link: SiteURL.customer(try row.decode(column: "customer_id", as: Int.self)).path)
            }, total
        )
    }
}
