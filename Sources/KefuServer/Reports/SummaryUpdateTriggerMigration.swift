import Fluent
import SQLKit

/// Issue 18 §9: the summaries' SQLite update triggers fire on `UPDATE OF` their watched columns
/// (``ReportSummary/sqliteUpdateTrigger``). Each existing one is made again in that form; a summary a
/// later migration adds is created in it already, so only triggers present now are touched.
struct WatchColumnsInSummaryUpdateTriggers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.dialect == .sqlite else { return }
        let sql = try database.sql()
        for summary in ReportSummary.all {
            let name = "\(summary.table)_update"
            let present = try await sql.raw(
                "SELECT 1 AS present FROM sqlite_master WHERE type = 'trigger' AND name = \(bind: name)"
            ).first()
            guard present != nil else { continue }
            try await sql.raw("DROP TRIGGER \(ident: name)").run()
            try await sql.raw(SQLQueryString(summary.sqliteUpdateTrigger)).run()
        }
    }

    /// The earlier form fired on every UPDATE with the same WHEN: the new one answers the same, so it stays.
    func revert(on database: any Database) async throws {}
}
