import Fluent
import NIOCore
import SQLKit

/// The two databases Kefu runs on. Anything that differs between them is decided by this value in
/// one function, with a test on both.
enum DatabaseDialect: Sendable {
    case sqlite
    case postgres
}

extension Database {
    /// The SQLKit view of a Fluent database, for queries that should not hydrate models.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            throw DatabaseSetupError(message: "the configured database does not speak SQL")
        }
        return sql
    }

    var dialect: DatabaseDialect {
        (self as? any SQLDatabase)?.dialect.name == "postgresql" ? .postgres : .sqlite
    }
}

extension SQLDatabase {
    /// Runs statements that need nothing of each other's results, in the order given, and throws the first
    /// failure. Where the connection runs statements in the order sent (a job on the SQLite writer's own
    /// connection) they are sent together and waited for once: each would otherwise wait for its own round
    /// trip to the writer's thread, and every write in the server waits on that thread (issue 18 §9).
    func runInOrder(_ statements: [SQLQueryString]) async throws {
        guard (self as? SerializedSQLiteDatabase)?.runsInOrder == true, statements.count > 1 else {
            for statement in statements { try await raw(statement).run() }
            return
        }
        let sent: [EventLoopFuture<Void>] = statements.map { execute(sql: $0) { _ in } }
        // Every one is waited for, so none is still running when the caller's transaction goes on.
        let results = try await EventLoopFuture.whenAllComplete(sent, on: eventLoop).get()
        for case .failure(let error) in results { throw error }
    }
}

struct DatabaseSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
