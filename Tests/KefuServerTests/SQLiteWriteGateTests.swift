import Fluent
import Foundation
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

/// Issue 18 §9: writers on SQLite queue at one writer, which commits them in batches (group commit),
/// instead of polling the lock or failing.
@Suite("SQLite writes take turns")
struct SQLiteWriteGateTests {
    /// An app on an SQLite file of its own (the writer's own connections exist only for a file), removed after.
    static func withFileDatabase(_ body: (TestApp) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-gate-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = KefuConfiguration.testing()
        configuration.database = .sqlite(path: directory + "/kefu.sqlite3")
        try await withApp(configuration: configuration, body)
    }

    @Test("statements that change the database are told from reads")
    func classification() {
        for write in [
            "INSERT INTO x VALUES (1)", "  update x set a = 1", "DELETE FROM x", "\nCREATE INDEX i ON x (a)",
            "REPLACE INTO x VALUES (1)",
        ] {
            #expect(SerializedSQLiteDatabase.writes(write), "\(write)")
        }
        for read in ["SELECT 1", "PRAGMA journal_mode", "EXPLAIN QUERY PLAN SELECT 1", " select * from x"] {
            #expect(!SerializedSQLiteDatabase.writes(read), "\(read)")
        }
    }

    @Test(
        "40 concurrent transactions that read and then write all commit, in a file database with a connection per event loop"
    )
    func readThenWrite() async throws {
        try await Self.withFileDatabase { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE gate_test (id INTEGER PRIMARY KEY, seen INTEGER NOT NULL)").run()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await t.app.db.transaction { tx in
                            // Read first, then write: without the gate, a commit in between is SQLITE_BUSY_SNAPSHOT.
                            let seen =
                                try await tx.sql().raw("SELECT COUNT(*) AS n FROM gate_test").first()?.decode(
                                    column: "n", as: Int.self) ?? -1
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
            let rows = try await sql.raw("SELECT seen FROM gate_test ORDER BY id").all().map {
                try $0.decode(column: "seen", as: Int.self)
            }
            #expect(rows == Array(0..<40), "each transaction saw every one committed before it")
        }
    }

    struct Refused: Error {}

    @Test(
        "group commit: a request that fails in a batch loses only its own writes and hears its own error; the others commit and are answered"
    )
    func failuresStayInTheirSavepoint() async throws {
        try await Self.withFileDatabase { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE batch_test (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE)").run()
            let outcomes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            switch index % 3 {
                            case 0:  // a transaction that writes twice, then fails: neither write stays
                                try await t.app.db.transaction { tx in
                                    try await tx.sql().raw(
                                        "INSERT INTO batch_test (label) VALUES (\(bind: "failed-\(index)-a"))"
                                    ).run()
                                    try await tx.sql().raw(
                                        "INSERT INTO batch_test (label) VALUES (\(bind: "failed-\(index)-b"))"
                                    ).run()
                                    throw Refused()
                                }
                            case 1:  // a transaction that commits
                                try await t.app.db.transaction { tx in
                                    try await tx.sql().raw(
                                        "INSERT INTO batch_test (label) VALUES (\(bind: "kept-\(index)"))"
                                    ).run()
                                }
                            default:  // a write outside a transaction that breaks a constraint
                                try await sql.raw("INSERT INTO batch_test (label) VALUES ('duplicate')").run()
                            }
                            return (index, "ok")
                        } catch is Refused {
                            return (index, "refused")
                        } catch {
                            return (index, "error")
                        }
                    }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            let labels = Set(
                try await sql.raw("SELECT label FROM batch_test").all().map {
                    try $0.decode(column: "label", as: String.self)
                })
            #expect(labels == Set((0..<60).filter { $0 % 3 == 1 }.map { "kept-\($0)" } + ["duplicate"]))
            #expect((0..<60).filter { $0 % 3 == 0 }.allSatisfy { outcomes[$0] == "refused" })
            #expect((0..<60).filter { $0 % 3 == 1 }.allSatisfy { outcomes[$0] == "ok" })
            let duplicates = (0..<60).filter { $0 % 3 == 2 }.map { outcomes[$0] }
            #expect(
                duplicates.filter { $0 == "ok" }.count == 1 && duplicates.filter { $0 == "error" }.count == 19,
                "one duplicate is kept, the other 19 hear their error")
            // The writer is idle again and takes new work.
            try await sql.raw("INSERT INTO batch_test (label) VALUES ('after')").run()
            #expect(
                try await sql.raw("SELECT COUNT(*) AS n FROM batch_test WHERE label = 'after'").first()?.decode(
                    column: "n", as: Int.self) == 1)
        }
    }

    static func largeInsert(_ database: any Database, _ labels: [String], fails: Bool) async throws {
        try await database.largeTransaction { tx in
            for label in labels {
                try await tx.sql().raw("INSERT INTO alone_test (label) VALUES (\(bind: label))").run()
            }
            if fails { throw Refused() }
        }
    }

    /// Writer `index`: every fourth a large transaction that commits three rows, the next a large one that
    /// fails after writing, the others ordinary transactions batched around them.
    static func write(_ index: Int, on database: any Database) async -> String {
        do {
            switch index % 4 {
            case 0: try await largeInsert(database, ["large-\(index)-0", "large-\(index)-1"], fails: false)
            case 1: try await largeInsert(database, ["lost-\(index)"], fails: true)
            default: try await largeInsert(database, [], fails: false)
            }
            if index % 4 >= 2 {
                try await database.transaction { tx in
                    try await tx.sql().raw("INSERT INTO alone_test (label) VALUES (\(bind: "kept-\(index)"))").run()
                }
            }
            return "ok"
        } catch is Refused {
            return "refused"
        } catch {
            return "error"
        }
    }

    @Test(
        "a large transaction (an import) runs alone, without a savepoint: it commits or rolls back whole among batched writers, and everyone is answered"
    )
    func largeTransactionsRunAlone() async throws {
        try await Self.withFileDatabase { t in
            let database = t.app.db
            try await database.sql().raw("CREATE TABLE alone_test (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE)")
                .run()
            let outcomes = await withTaskGroup(of: (Int, String).self) { group in
                for index in 0..<40 { group.addTask { (index, await Self.write(index, on: database)) } }
                return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            var expected: Set<String> = []
            var answers: [Int: String] = [:]
            for index in 0..<40 {
                switch index % 4 {
                case 0: expected.formUnion(["large-\(index)-0", "large-\(index)-1"]); answers[index] = "ok"
                case 1: answers[index] = "refused"
                default: expected.insert("kept-\(index)"); answers[index] = "ok"
                }
            }
            let labels = try await database.sql().raw("SELECT label FROM alone_test").all().map {
                try $0.decode(column: "label", as: String.self)
            }
            #expect(Set(labels) == expected)
            #expect(outcomes == answers)
        }
    }
}
