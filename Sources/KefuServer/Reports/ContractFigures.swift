import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Leadership's contract figures (issue 16 "领导看板"): contracts signed in the period (not cancelled) and
/// their amounts, by month of signing and by project, read through ``ContractSummaries``; the list behind a
/// bar reads the contracts of ``condition(_:project:month:)``, the same rows the summary counts.
struct ContractFigures {
    let database: any Database

    struct Sum: Equatable, Sendable {
        var key: String
        var label: String?
        var count: Int
        var amountYuan: Int64
    }

    /// Contracts signed in the period; `project` narrows to one project ("none": without a project), `month` to one month.
    static func condition(_ period: ReportPeriod, project: String?, month: ReportMonth?) -> SQLQueryString {
        var from = period.from, to = period.to
        if let month {
            let first = CalendarDay(year: month.year, month: month.month, day: 1)!
            let next = month.adding(months: 1)
            from = max(from, first)
            to = min(to, CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1))
        }
        var condition: SQLQueryString =
            "contracts.signed_on >= \(bind: from.description) AND contracts.signed_on <= \(bind: to.description) AND contracts.state <> 'cancelled'"
        if let project {
            condition =
                condition
                + (project == NeedsFigures.none
                    ? " AND contracts.project_id IS NULL" : " AND contracts.project_id = \(bind: Int(project) ?? -1)")
        }
        return condition
    }

    func byMonth(_ period: ReportPeriod) async throws -> [Sum] {
        var sums: [String: Sum] = [:]
        for row in try await database.sql().raw(
            """
            SELECT month AS k, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(amount) AS BIGINT) AS amount
            FROM \(ContractSummaries.rows(period)) s GROUP BY month HAVING SUM(n) > 0
            """
        ).all() {
            let key = try row.decode(column: "k", as: String.self)
            sums[key] = Sum(
                key: key, label: key, count: try row.decode(column: "n", as: Int.self),
                amountYuan: try row.decode(column: "amount", as: Int64?.self) ?? 0)
        }
        return period.months.map {
            sums[$0.description] ?? Sum(key: $0.description, label: $0.description, count: 0, amountYuan: 0)
        }
    }

    /// Projects with contracts signed in the period, the largest amount first.
    func byProject(_ period: ReportPeriod) async throws -> [Sum] {
        try await database.sql().raw(
            """
            SELECT s.project_id AS project_id, projects.name AS name, s.n AS n, s.amount AS amount
            FROM (SELECT project_id, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(amount) AS BIGINT) AS amount
                  FROM \(ContractSummaries.rows(period)) r GROUP BY project_id) s
            LEFT JOIN projects ON projects.id = s.project_id WHERE s.n > 0
            """
        ).all().map { row in
            let stored = try row.decode(column: "project_id", as: Int.self)
            let id: Int? = stored == 0 ? nil : stored
            return Sum(
                key: id.map(String.init) ?? NeedsFigures.none, label: try row.decode(column: "name", as: String?.self),
                count: try row.decode(column: "n", as: Int.self),
                amountYuan: try row.decode(column: "amount", as: Int64?.self) ?? 0)
        }.sorted { ($1.amountYuan, $0.key) < ($0.amountYuan, $1.key) }
    }

    /// One page of the contracts behind a bar, newest signing first.
    func items(_ period: ReportPeriod, project: String?, month: ReportMonth?, page: Paging) async throws -> (
        items: [DashboardFigures.Item], total: Int
    ) {
        let condition = Self.condition(period, project: project, month: month)
        let sql = try database.sql()
        // The total is the bar's own value, read as the sums are (``ContractSummaries``), not a count of the contracts.
        var within = period
        if let month {
            let next = month.adding(months: 1)
            within = ReportPeriod(
                from: max(period.from, CalendarDay(year: month.year, month: month.month, day: 1)!),
                to: min(period.to, CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1)))
        }
        let projectCondition: SQLQueryString =
            project.map { " WHERE project_id = \(bind: $0 == NeedsFigures.none ? 0 : Int($0) ?? -1)" } ?? ""
        var total = 0
        if within.from <= within.to {
            total =
                try await sql.raw(
                    "SELECT CAST(SUM(n) AS BIGINT) AS n FROM \(ContractSummaries.rows(within)) s\(projectCondition)"
                ).first()?.decode(column: "n", as: Int?.self) ?? 0
        }
        let rows = try await sql.raw(
            """
            SELECT contracts.id AS id, contracts.number AS number, contracts.signed_on AS signed_on, staff.display_name AS staff_name
            FROM contracts LEFT JOIN staff ON staff.id = contracts.staff_id
            WHERE \(condition) ORDER BY contracts.signed_on DESC, contracts.id DESC
            LIMIT \(literal: page.size) OFFSET \(literal: page.offset)
            """
        ).all()
        return (
            try rows.map { row in
                let id = try row.decode(column: "id", as: Int.self)
                // The signing is a day: listed at its first instant in the office's calendar.
                let day = CalendarDay(try row.decode(column: "signed_on", as: String.self)) ?? period.from
                return DashboardFigures.Item(
                    recordType: "contract", id: id, number: try row.decode(column: "number", as: String?.self),
                    at: ReportPeriod(from: day, to: day).instants(in: DisplayFormat.timeZone).start,
                    staffName: try row.decode(column: "staff_name", as: String?.self),
                    link: SiteURL.contract(id).path)
            }, total
        )
    }
}
