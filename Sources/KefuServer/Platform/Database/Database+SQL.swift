import Fluent
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

struct DatabaseSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
