import Foundation
import SQLKit
import Testing

@testable import KefuServer

/// The databases a suite runs on through one argument: SQLite always, PostgreSQL when
/// `KEFU_TEST_POSTGRES_URL` names a server (CI sets it).
package enum TestDatabase: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    package static var available: [TestDatabase] { testPostgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    package var testDescription: String { rawValue }
}

/// A fresh application on `database`, as `withApp` makes one.
package func withApp(on database: TestDatabase, _ test: (TestApp) async throws -> Void) async throws {
    switch database {
    case .sqlite: try await withApp(test)
    case .postgres: try await withPostgresApp(test)
    }
}

extension TestApp {
    /// The tables that have a column of this name, read from the database's own catalog.
    package func tables(withColumn column: String) async throws -> Set<String> {
        let sql = try app.db.sql()
        let rows =
            switch sql.dialect.name {
            case "sqlite":
                try await sql.raw(
                    """
                    SELECT m.name AS table_name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                    WHERE m.type = 'table' AND p.name = \(bind: column)
                    """
                ).all()
            default:
                try await sql.raw(
                    """
                    SELECT table_name::text AS table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = \(bind: column)
                    """
                ).all()
            }
        return Set(try rows.map { try $0.decode(column: "table_name", as: String.self) })
    }

    /// A table's columns, read from the database's own catalog.
    package func columns(of table: String) async throws -> Set<String> {
        let sql = try app.db.sql()
        let rows =
            switch sql.dialect.name {
            case "sqlite":
                try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
            default:
                try await sql.raw(
                    """
                    SELECT column_name::text AS name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = \(bind: table)
                    """
                ).all()
            }
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }
}
