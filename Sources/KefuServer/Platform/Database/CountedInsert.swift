import Fluent
import SQLKit

extension Database {
    /// Runs `statement` — an `INSERT … SELECT … WHERE (SELECT COUNT(*) …) < limit RETURNING id` — so
    /// that no two callers count at the same moment, and returns the new row's id, or nil when the
    /// count was already at the limit. This is what makes a limit hold against parallel requests and
    /// across instances (issue 11 #4, #6):
    /// - SQLite: a writing statement takes the database's write lock before it reads, so the count
    ///   and the insert are one step; waiting writers queue behind the busy timeout.
    /// - PostgreSQL: each statement reads a snapshot, so two could count the same rows. The statement
    ///   runs in a transaction holding an advisory lock on `lockKey`, taken in turn by every caller.
    func insertIfUnderLimit(_ statement: SQLQueryString, lockKey: String) async throws -> Int? {
        switch dialect {
        case .sqlite:
            return try await sql().raw(statement).first()?.decode(column: "id", as: Int.self)
        case .postgres:
            return try await transaction { tx in
                let sql = try tx.sql()
                try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: lockKey), 0))").run()
                return try await sql.raw(statement).first()?.decode(column: "id", as: Int.self)
            }
        }
    }
}
