import Fluent
import Foundation
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

extension SQLiteWriteGateTests {
    /// Writer `index` of the full-text test: a new row that is kept, a new row whose request then fails,
    /// a changed row, or a removed one (rows 1000+ exist before).
    static func writeFullText(_ index: Int, on database: any Database) async -> String {
        do {
            try await database.transaction { tx in
                let staged = try #require(tx.fullTextWrites, "a job of a batch stages its full-text rows")
                switch index % 4 {
                case 0:
                    staged.stage(table: "fts_test", column: "terms", rowid: index, text: "新 n\(index)", replaces: false)
                case 1:
                    staged.stage(
                        table: "fts_test", column: "terms", rowid: index, text: "失败 f\(index)", replaces: false)
                    try await tx.sql().raw("INSERT INTO fts_log (label) VALUES (\(bind: "lost-\(index)"))").run()
                    throw Refused()
                case 2:
                    staged.stage(
                        table: "fts_test", column: "terms", rowid: 1000 + index, text: "改 c\(index)", replaces: true)
                default:
                    staged.stage(table: "fts_test", column: "terms", rowid: 1000 + index, text: nil, replaces: true)
                }
                try await tx.sql().raw("INSERT INTO fts_log (label) VALUES (\(bind: "kept-\(index)"))").run()
            }
            return "ok"
        } catch is Refused {
            return "refused"
        } catch {
            return "error: \(error)"
        }
    }

    @Test(
        "full-text rows staged by a batch's requests are written once before its commit: kept ones indexed, changed ones replaced, removed ones gone, a failed request's never"
    )
    func fullTextRowsAreWrittenWithTheBatch() async throws {
        try await Self.withFileDatabase { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE VIRTUAL TABLE fts_test USING fts5(terms)").run()
            try await sql.raw("CREATE TABLE fts_log (id INTEGER PRIMARY KEY, label TEXT NOT NULL)").run()
            for index in 0..<48 where index % 4 >= 2 {
                try await sql.raw("INSERT INTO fts_test (rowid, terms) VALUES (\(bind: 1000 + index), '旧 old')").run()
            }
            let outcomes = await withTaskGroup(of: (Int, String).self) { group in
                for index in 0..<48 { group.addTask { (index, await Self.writeFullText(index, on: t.app.db)) } }
                return await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes == Dictionary(uniqueKeysWithValues: (0..<48).map { ($0, $0 % 4 == 1 ? "refused" : "ok") }))
            let rows = try await sql.raw("SELECT rowid AS id, terms FROM fts_test").all().map {
                (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "terms", as: String.self))
            }
            var expected: [Int: String] = [:]
            for index in 0..<48 {
                switch index % 4 {
                case 0: expected[index] = "新 n\(index)"
                case 2: expected[1000 + index] = "改 c\(index)"
                default: break
                }
            }
            #expect(Dictionary(uniqueKeysWithValues: rows) == expected)
            // The index answers for the rows it holds, and only for them.
            let found = try await sql.raw("SELECT rowid AS id FROM fts_test WHERE fts_test MATCH '旧'").all()
            #expect(found.isEmpty, "no replaced or removed row keeps its old terms")
            let failed = try await sql.raw("SELECT rowid AS id FROM fts_test WHERE fts_test MATCH '失败'").all()
            #expect(failed.isEmpty)
            let logged = try await sql.raw("SELECT label FROM fts_log").all().map {
                try $0.decode(column: "label", as: String.self)
            }
            #expect(Set(logged) == Set((0..<48).filter { $0 % 4 != 1 }.map { "kept-\($0)" }))
        }
    }
}

extension SQLiteWriteGateTests {
    @Test(
        "statements sent together on the writer's own connection run in the order given; one that fails fails its request, whose writes all go, and the batch's others stay"
    )
    func statementsSentTogether() async throws {
        try await Self.withFileDatabase { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE order_test (id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE)").run()
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        do {
                            try await t.app.db.transaction { tx in
                                let sent = try tx.sql()
                                #expect((sent as? SerializedSQLiteDatabase)?.runsInOrder == true)
                                // Every third repeats its first label: the UNIQUE constraint refuses the third statement.
                                let last = index % 3 == 0 ? "a-\(index)" : "c-\(index)"
                                try await sent.runInOrder([
                                    "INSERT INTO order_test (label) VALUES (\(bind: "a-\(index)"))",
                                    "INSERT INTO order_test (label) VALUES (\(bind: "b-\(index)"))",
                                    "INSERT INTO order_test (label) VALUES (\(bind: last))",
                                ])
                            }
                            return (index, true)
                        } catch {
                            return (index, false)
                        }
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes == Dictionary(uniqueKeysWithValues: (0..<24).map { ($0, $0 % 3 != 0) }))
            let labels = try await sql.raw("SELECT label FROM order_test ORDER BY id").all().map {
                try $0.decode(column: "label", as: String.self)
            }
            let kept = (0..<24).filter { $0 % 3 != 0 }
            #expect(Set(labels) == Set(kept.flatMap { ["a-\($0)", "b-\($0)", "c-\($0)"] }))
            for index in kept {
                let positions = ["a", "b", "c"].compactMap { labels.firstIndex(of: "\($0)-\(index)") }
                #expect(
                    positions == positions.sorted() && positions.count == 3, "request \(index)'s rows in the order sent"
                )
            }
        }
    }
}
