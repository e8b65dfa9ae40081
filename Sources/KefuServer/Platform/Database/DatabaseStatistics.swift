import Fluent
import SQLKit

/// Keeps SQLite's query planner statistics in step with the data. SQLite plans from `sqlite_stat1`,
/// which only ANALYZE writes: a table that was small when it was last analysed is planned as small
/// forever after. With 5,000 unread notifications of one person, a count planned from six rows went
/// through the wrong index, a table lookup per row, on every page's bell (1.7 ms of each request).
/// PostgreSQL's autovacuum analyses by itself, so there is nothing to do there.
enum DatabaseStatistics {
    /// At start-up and then hourly, every table whose statistics are missing, or whose row count grew or
    /// shrank tenfold since it was analysed, is analysed again (0x10000: all tables, not only those this
    /// connection read; 0x2: analyse; 0x10: within SQLite's analysis limit, so a file of gigabytes takes
    /// well under a second).
    static func refreshAtStart(_ database: any Database) async throws {
        try await optimize(database)
    }

    static let refresh = ScheduledJob(name: "database.statistics", interval: 3600) { app, _ in
        try await optimize(app.db)
    }

    private static func optimize(_ database: any Database) async throws {
        guard database.dialect == .sqlite else { return }
        // In a transaction, so that on SQLite it is one job of the writer's queue, not a second writer.
        try await database.writeTransaction { transaction in
            try await transaction.sql().raw("PRAGMA optimize = 0x10012").run()
        }
    }
}
