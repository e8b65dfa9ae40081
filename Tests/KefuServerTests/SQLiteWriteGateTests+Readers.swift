import Fluent
import Foundation
import KefuTesting
import NIOCore
import SQLKit
import Testing

@testable import KefuServer

extension SQLiteWriteGateTests {
    /// Until the writer had connections of its own, a batch held its event loop's only connection, so
    /// every request of that loop waited for the whole batch before it could even read who was signed in
    /// (issue 18 §9: 212 creates/s at 16 clients).
    @Test("while a batch is open, a read on every event loop is answered at once, and the batch's writes stay unseen")
    func readersDoNotWaitForTheWriter() async throws {
        try await Self.withFileDatabase { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE reader_test (id INTEGER PRIMARY KEY, label TEXT NOT NULL)").run()
            try await sql.raw("INSERT INTO reader_test (label) VALUES ('before')").run()
            let (opened, open) = AsyncStream.makeStream(of: Void.self)
            let (released, release) = AsyncStream.makeStream(of: Void.self)
            let batch = Task {
                try await t.app.db.transaction { tx in
                    try await tx.sql().raw("INSERT INTO reader_test (label) VALUES ('inside')").run()
                    open.yield()
                    for await _ in released { break }
                }
            }
            for await _ in opened { break }
            for eventLoop in t.app.eventLoopGroup.makeIterator() {
                let database = try #require(t.app.databases.database(logger: t.app.logger, on: eventLoop))
                let labels = try await withThrowingTaskGroup(of: [String]?.self) { group in
                    group.addTask {
                        try await database.sql().raw("SELECT label FROM reader_test ORDER BY id").all().map {
                            try $0.decode(column: "label", as: String.self)
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: .seconds(5))
                        return nil
                    }
                    let first = try await group.next() ?? nil
                    group.cancelAll()
                    return first
                }
                #expect(
                    labels == ["before"], "the read on \(eventLoop) was answered during the batch, without its write")
            }
            release.yield()
            try await batch.value
            let after = try await sql.raw("SELECT COUNT(*) AS n FROM reader_test").first()?.decode(
                column: "n", as: Int.self)
            #expect(after == 2, "the batch committed once released")
        }
    }
}
