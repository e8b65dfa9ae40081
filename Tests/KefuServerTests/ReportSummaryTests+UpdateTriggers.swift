import Fluent
import Foundation
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

extension ReportSummaryTests {
    static func updateTriggers(_ t: TestApp) async throws -> [String: String] {
        let rows = try await t.app.db.sql().raw(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report_%_update'"
        ).all()
        return Dictionary(
            uniqueKeysWithValues: try rows.map {
                (try $0.decode(column: "name", as: String.self), try $0.decode(column: "sql", as: String.self))
            })
    }

    /// Issue 18 §9: SQLite compiles every trigger an UPDATE may fire each time it prepares one; a summary's
    /// trigger that names its columns is left out of an UPDATE of others (a file's `updated_at`).
    @Test(
        "on SQLite every summary's update trigger fires on UPDATE OF its watched columns; the migration remakes the earlier form, and an update of other columns leaves the summaries as a recount"
    )
    func updateTriggersNameTheirColumns() async throws {
        try await withApp(on: .sqlite) { t in
            let triggers = try await Self.updateTriggers(t)
            #expect(triggers.count == ReportSummary.all.count)
            for summary in ReportSummary.all {
                #expect(
                    triggers["\(summary.table)_update"]?.contains(
                        "AFTER UPDATE OF \(summary.watched.joined(separator: ", ")) ON \(summary.source) ") == true,
                    "\(summary.table)")
            }
            // A database migrated before: the trigger in its earlier form, made again by the migration.
            let stages = ReportSummary.customerStages
            let sql = try t.app.db.sql()
            try await sql.raw("DROP TRIGGER \(ident: stages.table + "_update")").run()
            let earlier = stages.sqliteUpdateTrigger.replacingOccurrences(
                of: "AFTER UPDATE OF \(stages.watched.joined(separator: ", ")) ON", with: "AFTER UPDATE ON")
            try await sql.raw(SQLQueryString(earlier)).run()
            #expect(try await Self.updateTriggers(t)[stages.table + "_update"]?.contains("AFTER UPDATE ON") == true)
            try await WatchColumnsInSummaryUpdateTriggers().prepare(on: t.app.db)
            #expect(try await Self.updateTriggers(t) == triggers)

            _ = try await ReportTests.generate(t)
            try await sql.raw("UPDATE customers SET updated_at = \(bind: Date()) WHERE id % 3 = 0").run()
            try await sql.raw("UPDATE customers SET stage = 'signed' WHERE id % 5 = 0").run()
            try await Self.expectInStep(
                t, "after updates of watched and other columns", ReportSummary.all.filter { $0.source == "customers" })
        }
    }
}
