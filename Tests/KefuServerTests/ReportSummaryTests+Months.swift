import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The month summaries (issue 16 "Speed"): whole months read from them and the days of a partial month at
/// either end from the day summaries add up to the day summaries' own sums over any period; the contracts'
/// month summary to the contracts' own sums.
extension ReportSummaryTests {
    /// Periods with whole months and partial ones at either end, within one month, and across a year's end.
    static let monthPeriods = [
        ("2026-09-01", "2026-11-30"), ("2026-09-15", "2026-11-20"), ("2026-10-02", "2026-10-31"),
        ("2026-11-03", "2026-11-05"), ("2025-11-01", "2026-11-30"), ("2025-12-31", "2026-11-01"),
    ].map { ReportPeriod(from: CalendarDay($0.0)!, to: CalendarDay($0.1)!) }

    /// A statement's rows as sorted lines of their columns, rows of nothing but zeros left out.
    static func lines(_ t: TestApp, _ statement: SQLQueryString, _ columns: [String], values: Set<String>)
        async throws -> [String]
    {
        var lines: [String] = []
        for row in try await t.app.db.sql().raw(statement).all() {
            var fields: [String] = []
            var counts = false
            for column in columns {
                if let number = try? row.decode(column: column, as: Int.self) {
                    fields.append(String(number))
                    if values.contains(column), number != 0 { counts = true }
                } else if let number = try? row.decode(column: column, as: Double.self) {
                    fields.append(String(format: "%.3f", number))
                    if values.contains(column), number != 0 { counts = true }
                } else {
                    fields.append(try row.decode(column: column, as: String.self))
                }
            }
            if counts { lines.append(fields.joined(separator: "|")) }
        }
        return lines.sorted()
    }

    @Test(
        "whole months from the month summaries and partial ones from the days equal the day summaries over any period; contracts by month and project equal their own sums",
        arguments: TestDatabase.available)
    func monthsEqualDays(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            _ = try await ServiceReportTests.generate(t)
            _ = try await NeedsReportTests.generate(t)
            for period in Self.monthPeriods {
                let days = (first: period.from.daysSinceEpoch, end: period.to.daysSinceEpoch + 1)
                for summary in MonthSummaries.daily + StepTimeSummaries.steps.map(StepTimeSummaries.bands) {
                    let keys = summary.keys.dropFirst().map(\.name)
                    let sums = summary.values.map { "CAST(SUM(\($0.name)) AS \($0.type)) AS \($0.name)" }
                    let selected = (keys + sums).joined(separator: ", "), grouped = keys.joined(separator: ", ")
                    let months = try await Self.lines(
                        t,
                        "SELECT \(unsafeRaw: selected) FROM \(MonthSummaries.rows(summary, days: days)) s GROUP BY \(unsafeRaw: grouped)",
                        keys + summary.values.map(\.name), values: Set(summary.values.map(\.name)))
                    let daily = try await Self.lines(
                        t,
                        """
                        SELECT \(unsafeRaw: selected) FROM \(unsafeRaw: summary.table)
                        WHERE day >= \(bind: days.first) AND day < \(bind: days.end) GROUP BY \(unsafeRaw: grouped)
                        """, keys + summary.values.map(\.name), values: Set(summary.values.map(\.name)))
                    #expect(months == daily, "\(summary.table) over \(period.from)–\(period.to)")
                }
                let contracts = ContractFigures(database: t.app.db)
                let byMonth = try await contracts.byMonth(period).filter { $0.count > 0 }.map {
                    "\($0.key)|\($0.count)|\($0.amountYuan)"
                }
                let byProject = try await contracts.byProject(period).map { "\($0.key)|\($0.count)|\($0.amountYuan)" }
                let condition = ContractFigures.condition(period, project: nil, month: nil)
                let directMonths = try await t.app.db.sql().raw(
                    """
                    SELECT SUBSTR(signed_on, 1, 7) AS k, COUNT(*) AS n, CAST(SUM(amount_yuan) AS BIGINT) AS amount FROM contracts
                    WHERE \(condition) GROUP BY SUBSTR(signed_on, 1, 7) ORDER BY 1
                    """
                ).all().map {
                    "\(try $0.decode(column: "k", as: String.self))|\(try $0.decode(column: "n", as: Int.self))|\(try $0.decode(column: "amount", as: Int64?.self) ?? 0)"
                }
                let directProjects = try await t.app.db.sql().raw(
                    """
                    SELECT project_id, COUNT(*) AS n, CAST(SUM(amount_yuan) AS BIGINT) AS amount FROM contracts
                    WHERE \(condition) GROUP BY project_id
                    """
                ).all().map {
                    let project =
                        try $0.decode(column: "project_id", as: Int?.self).map(String.init) ?? NeedsFigures.none
                    return
                        "\(project)|\(try $0.decode(column: "n", as: Int.self))|\(try $0.decode(column: "amount", as: Int64?.self) ?? 0)"
                }
                #expect(byMonth == directMonths, "contracts by month over \(period.from)–\(period.to)")
                #expect(
                    byProject.sorted() == directProjects.sorted(),
                    "contracts by project over \(period.from)–\(period.to)")
            }
            // Something was counted: the generated records lie in these periods.
            let wide = Self.monthPeriods[4]
            #expect(try await ContractFigures(database: t.app.db).byMonth(wide).contains { $0.count > 0 })
        }
    }
}
