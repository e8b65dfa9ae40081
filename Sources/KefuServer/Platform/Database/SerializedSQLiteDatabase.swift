import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// A SQLite database whose writes go through the writer (``SQLiteWriter``). Inside a transaction —
/// a job of the writer's batch — everything runs directly on the batch's connection.
struct SerializedSQLiteDatabase: Database, SQLDatabase {
    let inner: any Database & SQLDatabase
    let writer: SQLiteWriter
    let inTransaction: Bool
    /// The full-text rows the batch writes before its commit (``FullTextWrites``); nil outside a batch.
    var fullText: FullTextWrites? = nil
    /// Whether statements sent without waiting run in the order sent: true on the writer's own connections,
    /// which have one thread each; the shared pool of an in-memory database may run them side by side.
    var runsInOrder = false

    var context: DatabaseContext { inner.context }

    // MARK: Fluent

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<
        Void
    > {
        switch query.action {
        case .create, .update, .delete: return written { $0.execute(query: query, onOutput: onOutput) }
        default: return inner.execute(query: query, onOutput: onOutput)
        }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { written { $0.execute(schema: schema) } }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { written { $0.execute(enum: `enum`) } }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return closure(self) }
        return submitted { transaction in closure(transaction) }
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let writer = writer, inTransaction = inTransaction, fullText = fullText, runsInOrder = runsInOrder
        return inner.withConnection { connection in
            guard let connection = connection as? any Database & SQLDatabase else { return closure(connection) }
            return closure(
                SerializedSQLiteDatabase(
                    inner: connection, writer: writer, inTransaction: inTransaction, fullText: fullText,
                    runsInOrder: runsInOrder))
        }
    }

    // MARK: SQLKit

    var logger: Logger { inner.logger }
    var eventLoop: any EventLoop { inner.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { inner.version }
    var dialect: any SQLDialect { inner.dialect }
    var queryLogLevel: Logger.Level? { inner.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        guard !inTransaction, Self.writes(inner.serialize(query).sql) else { return inner.execute(sql: query, onRow) }
        return written { $0.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// Whether a statement changes the database (and must go through the writer).
    static func writes(_ sql: Substring) -> Bool {
        let statement = sql.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }.prefix(7).uppercased()
        return ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "WITH"].contains {
            statement.hasPrefix($0)
        }
    }

    static func writes(_ sql: String) -> Bool { writes(Substring(sql)) }

    /// A write outside a transaction is a job of its own; inside one it runs on the batch's connection.
    private func written<T>(_ work: @escaping @Sendable (any Database & SQLDatabase) -> EventLoopFuture<T>)
        -> EventLoopFuture<T>
    {
        if inTransaction { return work(inner) }
        return submitted { transaction in work(transaction.inner) }
    }

    /// A transaction the writer runs alone, without a savepoint (``SQLiteWriter/Job/alone``): for work that
    /// changes much of a large file at once, such as an import.
    func transactionAlone<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T>
    {
        if inTransaction { return closure(self) }
        return submitted(alone: true) { transaction in closure(transaction) }
    }

    /// Queues `work` at the writer; the answer comes after the commit of the batch that ran it.
    private func submitted<T>(
        alone: Bool = false, _ work: @escaping @Sendable (SerializedSQLiteDatabase) -> EventLoopFuture<T>
    ) -> EventLoopFuture<T> {
        queued(alone: alone) { transaction in try await work(transaction).get() }
    }

    /// Queues `work` at the writer and runs it inside the batch itself, not in a task of its own as Fluent's
    /// `transaction` does: on the writer's own loop (``WriterExecutor``) every statement's answer then resumes
    /// it there. The answer comes after the commit of the batch that ran it.
    func submittedAsync<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await queued { transaction in try await work(transaction) }.get()
    }

    /// The job both kinds of work become: `work` runs in the batch, and its value or error answers the
    /// request once the batch has committed (or failed).
    private func queued<T>(
        alone: Bool = false, _ work: @escaping @Sendable (SerializedSQLiteDatabase) async throws -> T
    ) -> EventLoopFuture<T> {
        let promise = inner.eventLoop.makePromise(of: UncheckedBox<T>.self)
        let result = NIOLockedValueBox<UncheckedBox<T>?>(nil)
        writer.submit(
            SQLiteWriter.Job(
                database: inner,
                work: { transaction in
                    do {
                        let value = try await work(transaction)
                        result.withLockedValue { $0 = UncheckedBox(value: value) }
                        return true
                    } catch {
                        promise.fail(error)
                        return false
                    }
                },
                finish: { error in
                    if let error { return promise.fail(error) }
                    guard let value = result.withLockedValue({ $0 }) else {
                        return promise.fail(DatabaseSetupError(message: "SQLite batch answered a job without a result"))
                    }
                    promise.succeed(value)
                }, alone: alone))
        return promise.futureResult.map(\.value)
    }
}

extension Database {
    /// A transaction that writes: on SQLite a job of the writer's batch, run on the writer's own loop
    /// (``SerializedSQLiteDatabase/submittedAsync(_:)``); elsewhere, or already inside one, Fluent's
    /// `transaction`. Every store writes through it.
    func writeTransaction<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let serialized = self as? SerializedSQLiteDatabase, !serialized.inTransaction else {
            return try await transaction(work)
        }
        return try await serialized.submittedAsync(work)
    }

    /// A transaction that changes much of the database at once (an import): on SQLite the writer runs
    /// it alone and without a savepoint (``SerializedSQLiteDatabase/transactionAlone(_:)``); elsewhere
    /// an ordinary transaction.
    func largeTransaction<T: Sendable>(_ work: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard let serialized = self as? SerializedSQLiteDatabase else { return try await transaction(work) }
        return try await serialized.transactionAlone { database in
            database.eventLoop.makeFutureWithTask { try await work(database) }
        }.get()
    }
}

/// Carries a transaction's result across the writer's `Sendable` boundary: the value is created by the
/// job and consumed by the one request that asked for it, never shared.
struct UncheckedBox<T>: @unchecked Sendable {
    var value: T
}
