import Fluent
import Foundation
import Logging
import NIOCore
import SQLKit

/// SQLite lets one connection write at a time. Left to itself, a second writer polls the lock with
/// growing sleeps (the busy handler) — the 1-second p99 of issue 18 §9 — and a transaction that read
/// before another committed cannot write at all (SQLITE_BUSY_SNAPSHOT, answered 503). Kefu queues
/// its writers instead: every transaction and every write outside one takes the gate's turn in
/// order, and a transaction begins IMMEDIATE so it holds the write lock from its first statement.
/// Readers never wait for the gate (WAL lets them read beside the writer). PostgreSQL keeps its own
/// concurrency; this sits only in front of SQLite.
actor SQLiteWriteGate {
    private var isHeld = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `work` when it is this caller's turn; turns are given in the order they were asked for.
    func withTurn<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if isHeld {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            isHeld = true
        }
        defer { next() }
        return try await work()
    }

    private func next() {
        if waiting.isEmpty { isHeld = false } else { waiting.removeFirst().resume() }
    }
}

/// The SQLite configuration with its writes queued at `gate`.
struct SerializedSQLiteConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let gate: SQLiteWriteGate

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        SerializedSQLiteDriver(inner: inner.makeDriver(for: databases), gate: gate)
    }
}

extension DatabaseConfigurationFactory {
    /// `factory`'s SQLite database with its writes queued at one gate for the whole application.
    static func serialized(_ factory: DatabaseConfigurationFactory) -> DatabaseConfigurationFactory {
        let gate = SQLiteWriteGate()
        return DatabaseConfigurationFactory { SerializedSQLiteConfiguration(inner: factory.make(), gate: gate) }
    }
}

struct SerializedSQLiteDriver: DatabaseDriver {
    let inner: any DatabaseDriver
    let gate: SQLiteWriteGate

    func makeDatabase(with context: DatabaseContext) -> any Database {
        let database = inner.makeDatabase(with: context)
        guard let sql = database as? any Database & SQLDatabase else { return database }
        return SerializedSQLiteDatabase(inner: sql, gate: gate, inTransaction: false)
    }

    func shutdown() { inner.shutdown() }
    func shutdownAsync() async { await inner.shutdownAsync() }
}

/// A SQLite database whose writes take the gate's turn. Inside a transaction (which holds the turn)
/// everything runs directly on the transaction's connection.
struct SerializedSQLiteDatabase: Database, SQLDatabase {
    let inner: any Database & SQLDatabase
    let gate: SQLiteWriteGate
    let inTransaction: Bool

    var context: DatabaseContext { inner.context }

    // MARK: Fluent

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> ()) -> EventLoopFuture<Void> {
        switch query.action {
        case .create, .update, .delete: return gated { inner.execute(query: query, onOutput: onOutput) }
        default: return inner.execute(query: query, onOutput: onOutput)
        }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> { gated { inner.execute(schema: schema) } }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { gated { inner.execute(enum: `enum`) } }

    func transaction<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return closure(self) }
        let inner = inner, gate = gate
        return inner.eventLoop.makeFutureWithTask { () async throws -> UncheckedBox<T> in
            try await gate.withTurn {
                try await inner.withConnection { connection -> EventLoopFuture<UncheckedBox<T>> in
                    guard let connection = connection as? any Database & SQLDatabase else {
                        return connection.eventLoop.makeFailedFuture(DatabaseSetupError(message: "SQLite connection without SQL"))
                    }
                    let transaction = SerializedSQLiteDatabase(inner: connection, gate: gate, inTransaction: true)
                    return connection.eventLoop.makeFutureWithTask {
                        try await connection.raw("BEGIN IMMEDIATE").run()
                        do {
                            let result = try await closure(transaction).get()
                            try await connection.raw("COMMIT").run()
                            return UncheckedBox(value: result)
                        } catch {
                            try? await connection.raw("ROLLBACK").run()
                            throw error
                        }
                    }
                }.get()
            }
        }.map(\.value)
    }

    func withConnection<T>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let gate = gate, inTransaction = inTransaction
        return inner.withConnection { connection in
            guard let connection = connection as? any Database & SQLDatabase else { return closure(connection) }
            return closure(SerializedSQLiteDatabase(inner: connection, gate: gate, inTransaction: inTransaction))
        }
    }

    // MARK: SQLKit

    var logger: Logger { inner.logger }
    var eventLoop: any EventLoop { inner.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { inner.version }
    var dialect: any SQLDialect { inner.dialect }
    var queryLogLevel: Logger.Level? { inner.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        guard !inTransaction, Self.writes(inner.serialize(query).sql) else { return inner.execute(sql: query, onRow) }
        return gated { inner.execute(sql: query, onRow) }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await execute(sql: query, onRow).get()
    }

    /// Whether a statement changes the database (and must take its turn).
    static func writes(_ sql: Substring) -> Bool {
        let statement = sql.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }.prefix(7).uppercased()
        return ["INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "WITH"].contains { statement.hasPrefix($0) }
    }

    static func writes(_ sql: String) -> Bool { writes(Substring(sql)) }

    /// Outside a transaction, a write waits for its turn; inside one, the turn is already held.
    private func gated<T>(_ work: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if inTransaction { return work() }
        let gate = gate
        return inner.eventLoop.makeFutureWithTask { () async throws -> UncheckedBox<T> in
            try await gate.withTurn { UncheckedBox(value: try await work().get()) }
        }.map(\.value)
    }
}

/// Carries a transaction's result across the gate's `Sendable` boundary: the value is created and
/// consumed by the one task that runs the transaction, never shared.
struct UncheckedBox<T>: @unchecked Sendable {
    var value: T
}
