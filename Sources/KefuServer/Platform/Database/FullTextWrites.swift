import Fluent
import NIOConcurrencyHelpers
import SQLKit

/// Rows of SQLite FTS5 tables that a writer batch writes once, just before its commit.
///
/// FTS5 keeps new terms in memory until it must flush them, and it must at every savepoint: each flush
/// writes a segment and starts merging segments. The writer opens a savepoint per request, so a batch of
/// sixteen new files wrote sixteen segments and merged them — a fifth of the writer's time (issue 18 §9).
/// Staged here, a batch's rows go in with one DELETE and one INSERT per table, and FTS5 flushes once.
/// What a request staged is kept only if its savepoint is kept, so a refused request indexes nothing.
final class FullTextWrites: Sendable {
    /// A row's last staged state: its text (nil: taken out of the index) and whether an older row may exist.
    struct Row: Sendable {
        var text: String?
        var replaces: Bool
    }

    private struct State {
        var batch: [String: [Int: Row]] = [:]
        var job: [String: [Int: Row]] = [:]
        var columns: [String: String] = [:]
    }
    private let state = NIOLockedValueBox(State())

    /// Stages the row `rowid` of `table` with `text` in `column`, or its removal when `text` is nil;
    /// `replaces` is false only for a record created in this transaction, whose row cannot exist yet.
    func stage(table: String, column: String, rowid: Int, text: String?, replaces: Bool) {
        state.withLockedValue { state in
            state.columns[table] = column
            let earlier = state.job[table]?[rowid] ?? state.batch[table]?[rowid]
            state.job[table, default: [:]][rowid] = Row(
                text: text, replaces: replaces || (earlier?.replaces ?? false))
        }
    }

    /// The request's savepoint was kept: its rows join the batch's.
    func keepJob() {
        state.withLockedValue { state in
            for (table, rows) in state.job { state.batch[table, default: [:]].merge(rows) { _, new in new } }
            state.job = [:]
        }
    }

    /// The request's savepoint was rolled back: its rows go with it.
    func dropJob() {
        state.withLockedValue { $0.job = [:] }
    }

    /// Writes the batch's rows on its connection and forgets them: one DELETE of the rows that may exist
    /// and one INSERT of those that have text, per table.
    func write(on database: any SQLDatabase) async throws {
        let (tables, columns) = state.withLockedValue { state in
            defer { state = State() }
            return (state.batch, state.columns)
        }
        for (table, rows) in tables.sorted(by: { $0.key < $1.key }) {
            let replaced = rows.filter(\.value.replaces).keys.sorted()
            if !replaced.isEmpty {
                try await database.raw(
                    "DELETE FROM \(ident: table) WHERE rowid IN (\(binds: replaced))"
                ).run()
            }
            let written = rows.compactMap { rowid, row in row.text.map { (rowid, $0) } }.sorted { $0.0 < $1.0 }
            guard !written.isEmpty, let column = columns[table] else { continue }
            let insert = database.insert(into: table).columns("rowid", column)
            for (rowid, text) in written { insert.values(SQLBind(rowid), SQLBind(text)) }
            try await insert.run()
        }
    }
}

extension Database {
    /// The writer batch's staged full-text rows, when this database is a job of one (SQLite).
    var fullTextWrites: FullTextWrites? { (self as? SerializedSQLiteDatabase)?.fullText }
}
