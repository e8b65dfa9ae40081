import Fluent
import Foundation
@testable import KefuServer
import KefuTesting
import SQLKit
import Testing

/// Issue 18 §9: writers on SQLite queue at one gate instead of polling the lock or failing.
@Suite("SQLite writes take turns")
struct SQLiteWriteGateTests {
    @Test("statements that change the database are told from reads")
    func classification() {
        for write in ["INSERT INTO x VALUES (1)", "  update x set a = 1", "DELETE FROM x", "\nCREATE INDEX i ON x (a)", "REPLACE INTO x VALUES (1)"] {
            #expect(SerializedSQLiteDatabase.writes(write), "\(write)")
        }
        for read in ["SELECT 1", "PRAGMA journal_mode", "EXPLAIN QUERY PLAN SELECT 1", " select * from x"] {
            #expect(!SerializedSQLiteDatabase.writes(read), "\(read)")
        }
    }

    @Test("40 concurrent transactions that read and then write all commit, in a file database with a connection per event loop")
    func readThenWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-gate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = KefuConfiguration.testing()
        configuration.database = .sqlite(path: directory + "/kefu.sqlite3")
        try await withApp(configuration: configuration) { (t: TestApp) in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE gate_test (id INTEGER PRIMARY KEY, seen INTEGER NOT NULL)").run()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await t.app.db.transaction { tx in
                            // Read first, then write: without the gate, a commit in between is SQLITE_BUSY_SNAPSHOT.
                            let seen = try await tx.sql().raw("SELECT COUNT(*) AS n FROM gate_test").first()?.decode(column: "n", as: Int.self) ?? -1
                            try await tx.sql().raw("INSERT INTO gate_test (seen) VALUES (\(bind: seen))").run()
                        }
                    }
                    group.addTask {
                        // Writes outside a transaction queue too.
                        try await sql.raw("UPDATE gate_test SET seen = seen WHERE id = 1").run()
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await sql.raw("SELECT seen FROM gate_test ORDER BY id").all().map { try $0.decode(column: "seen", as: Int.self) }
            #expect(rows == Array(0..<40), "each transaction saw every one committed before it")
        }
    }
}
