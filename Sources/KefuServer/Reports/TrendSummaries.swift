import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The live customer files per office day they came, stage now and responsible person (0: nobody) — what the
/// dashboard's conversion over time counts (issue 16 §2, "Speed"): a year brings half a million files, so
/// their stages are kept per day and per month by the triggers (``ReportSummary``, ``MonthSummaries``) rather
/// than grouped per request.
enum TrendSummaries {
    static let cohorts = ReportSummary(
        keys: [
            ("day", "BIGINT", ReportSummary.day("created_at")), ("stage", "TEXT", ReportSummary.plain("stage")),
            ("staff_id", "BIGINT", ReportSummary.nonNull("responsible_staff_id")),
        ],
        values: [("n", "BIGINT", ReportSummary.one)],
        table: "report_customer_cohort_days", source: "customers", condition: { "\($0).merged_into_id IS NULL" },
        watched: ["created_at", "stage", "responsible_staff_id", "merged_into_id"])

    static let summaries = [cohorts, MonthSummaries.byMonth(cohorts)]
}

/// Creates the files' stage summaries by the day they came, and the index the files behind a month's
/// point are listed by, newest first. Frozen once landed.
struct CreateCohortSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(TrendSummaries.summaries, on: database)
        try await database.sql().raw(
            "CREATE INDEX customers_created_stage ON customers (created_at, stage) WHERE merged_into_id IS NULL"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(TrendSummaries.summaries, on: database)
        try await database.sql().raw("DROP INDEX IF EXISTS customers_created_stage").run()
    }
}
