import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Leadership's partner figures (issue 16 §3, "Speed"): a month has tens of thousands of return visits
/// done, so each office day keeps how many were done, how many of those were rated and the sum of their
/// ratings (an average ignores unrated visits, as SQL's AVG does); the triggers keep it as they keep the
/// dashboard's summaries (``ReportSummary``). Surveys answered are few; an index reads a month of them.
enum PartnerSummaries {
    static let visits = ReportSummary(
        keys: [("day", "BIGINT", ReportSummary.day("done_at"))],
        values: [
            ("n", "BIGINT", ReportSummary.one),
            ("rated", "BIGINT", { row, _ in "CASE WHEN \(row).satisfaction IS NULL THEN 0 ELSE 1 END" }),
            ("satisfaction", "BIGINT", ReportSummary.nonNull("satisfaction")),
        ],
        table: "report_visit_days", source: "return_visits",
        condition: { "\($0).state = 'done' AND \($0).done_at IS NOT NULL" },
        watched: ["state", "done_at", "satisfaction"])

    static let summaries = [visits]

    /// The visits done over the office days `first ..< end` and their average satisfaction (nil: none rated).
    static func visits(days: (first: Int, end: Int), on database: any Database) async throws -> (
        count: Int, average: Double?
    ) {
        let row = try await database.sql().raw(
            """
            SELECT CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(rated) AS BIGINT) AS rated, CAST(SUM(satisfaction) AS BIGINT) AS total
            FROM report_visit_days WHERE day >= \(bind: days.first) AND day < \(bind: days.end)
            """
        ).first()
        let rated = try row?.decode(column: "rated", as: Int?.self) ?? 0
        let total = try row?.decode(column: "total", as: Int?.self) ?? 0
        return (try row?.decode(column: "n", as: Int?.self) ?? 0, rated == 0 ? nil : Double(total) / Double(rated))
    }
}

/// Creates the return visits' summary and its triggers, filled from the records, and the indexes a month's
/// surveys and the list of a month's visits read in order.
struct CreateLeadershipSummaries: AsyncMigration {
    static let indexes = [
        ("surveys_answered_customer", "surveys (answered_at, customer_id, score)"),
        ("return_visits_done_at", "return_visits (done_at, id) WHERE state = 'done'"),
    ]

    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(PartnerSummaries.summaries, on: database)
        let sql = try database.sql()
        for (name, target) in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: name) ON \(unsafeRaw: target)").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(PartnerSummaries.summaries, on: database)
        let sql = try database.sql()
        for (name, _) in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run() }
    }
}
