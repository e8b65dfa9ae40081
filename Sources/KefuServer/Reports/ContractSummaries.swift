import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Contracts signed per month and project with their amounts (issue 16 "Speed"): leadership's year is a
/// hundred thousand contracts read twice (by month and by project) otherwise. A month wholly inside the
/// period is read from this summary; the days of a partial month at either end from the contracts through
/// their `signed_on` index. The triggers keep it as they keep the other summaries (``ReportSummary``).
enum ContractSummaries {
    static let months = ReportSummary(
        keys: [
            ("month", "TEXT", { row, _ in "SUBSTR(\(row).signed_on, 1, 7)" }),
            ("project_id", "BIGINT", ReportSummary.nonNull("project_id")),
        ],
        values: [("n", "BIGINT", ReportSummary.one), ("amount", "BIGINT", ReportSummary.nonNull("amount_yuan"))],
        table: "report_contract_months", source: "contracts",
        condition: { "\($0).signed_on IS NOT NULL AND \($0).state <> 'cancelled'" },
        watched: ["signed_on", "state", "project_id", "amount_yuan"])

    static let summaries = [months]

    /// The contracts signed in the period and not cancelled as a derived table of `month`, `project_id` (0:
    /// none), `n` and `amount`: whole months from the summary, the other days one row per contract.
    static func rows(_ period: ReportPeriod) -> SQLQueryString {
        let whole = period.months.filter { month in
            let first = CalendarDay(year: month.year, month: month.month, day: 1)!
            let next = month.adding(months: 1)
            return first >= period.from
                && CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1) <= period.to
        }
        // Without a whole month the summary's part is empty and the contracts' covers the period.
        let first = whole.first?.description ?? "9999-12", last = whole.last?.description ?? "0000-01"
        let firstDay =
            whole.first.map { CalendarDay(year: $0.year, month: $0.month, day: 1)!.description }
            ?? period.to.adding(days: 1).description
        let lastDay: String
        if let month = whole.last {
            let next = month.adding(months: 1)
            lastDay = CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1).description
        } else {
            lastDay = period.to.description
        }
        return """
            (SELECT month, project_id, n, amount FROM report_contract_months WHERE month >= \(bind: first) AND month <= \(bind: last)
             UNION ALL SELECT SUBSTR(signed_on, 1, 7) AS month, COALESCE(project_id, 0) AS project_id, 1 AS n, COALESCE(amount_yuan, 0) AS amount
             FROM contracts WHERE state <> 'cancelled' AND (signed_on >= \(bind: period.from.description) AND signed_on < \(bind: firstDay)
               OR signed_on > \(bind: lastDay) AND signed_on <= \(bind: period.to.description)))
            """
    }
}

/// Creates the contracts' month summary and its triggers, filled from the contracts already there.
struct CreateContractSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(ContractSummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(ContractSummaries.summaries, on: database)
    }
}
