import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// SQLite lets one connection write at a time, and with `synchronous=FULL` every commit waits for the
/// disk. Left to itself, a second writer polls the lock with growing sleeps (the busy handler — the
/// 1-second p99 of issue 18 §9), a transaction that read before another committed cannot write at all
/// (SQLITE_BUSY_SNAPSHOT), and each request pays a disk flush of its own.
///
/// Kefu queues its writers at one writer instead. The writer takes the queued work in order and runs
/// it on one connection inside one transaction, each request's work in a savepoint of its own, and
/// commits the batch when the queue is empty (or the batch is full): one flush for all of them — group
/// commit. A request is answered only after the commit that holds its writes, so nothing acknowledged
/// is lost to a crash; a request whose work fails is rolled back to its savepoint and answered at once,
/// without disturbing the others. Readers never wait (WAL lets them read beside the writer).
/// PostgreSQL keeps its own concurrency; this sits only in front of SQLite.
final class SQLiteWriter: Sendable {
    /// One request's work: `work` runs on the batch's connection and says whether it succeeded; `finish`
    /// answers the request once its batch has committed (nil) or failed.
    struct Job: Sendable {
        /// Where a batch opened by this job takes its connection from.
        let database: any Database & SQLDatabase
        let work: @Sendable (SerializedSQLiteDatabase) async -> Bool
        let finish: @Sendable ((any Error)?) -> Void
        /// Runs in a transaction of its own, without a savepoint: SQLite copies every page of the file a
        /// savepoint's work changes into its in-memory journal first, and an import of 100,000 rows into
        /// the million-customer database changes over a gigabyte of them (issue 18 §8).
        var alone = false
    }

    /// The batches' priority: above the requests', whose writes all wait on them (issue 18 §9).
    static let priority = TaskPriority.high

    /// Requests answered together at most: a steady stream still sees a commit this often.
    static let batchLimit = 64

    private struct State {
        var queue: [Job] = []
        var head = 0
        var isDraining = false
    }
    private let state = NIOLockedValueBox(State())

    /// Where a batch takes its connection: the writer's own connections when the database is a file, so a
    /// batch never holds the connection a reader of the same event loop is waiting for; otherwise the pool
    /// of the request that opened the batch (an in-memory database, whose connections share one cache).
    typealias ConnectionSource = @Sendable () -> (any Database & SQLDatabase)?
    private struct Own {
        var connections: ConnectionSource
        /// A ``WriterExecutor`` where the platform has task executors (Linux; macOS from 15).
        var executor: (any Sendable)?
    }
    private let own = NIOLockedValueBox<Own?>(nil)

    /// Gives the writer connections of its own, on the event loop `executor` runs its batches on
    /// (``DatabaseSetup``).
    func useOwnConnections(executor: (any Sendable)?, _ source: @escaping ConnectionSource) {
        own.withLockedValue { $0 = Own(connections: source, executor: executor) }
    }

    /// Starts the writer's work on its own loop (``WriterExecutor``), or, without connections of its own, on the
    /// default executor; above the requests' priority, whose writes all wait on it.
    private func startTask(_ operation: @escaping @Sendable () async -> Void) {
        let executor = own.withLockedValue { $0?.executor }
        if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *),
            let executor = executor as? WriterExecutor
        {
            Task(executorPreference: executor, priority: Self.priority, operation: operation)
        } else {
            Task(priority: Self.priority, operation: operation)
        }
    }

    /// Queues `job`; the first job after an idle spell starts the writer.
    func submit(_ job: Job) {
        let start = state.withLockedValue { state -> Bool in
            state.queue.append(job)
            guard !state.isDraining else { return false }
            state.isDraining = true
            return true
        }
        if start {
            startTask { await self.drain(from: job.database) }
        }
    }

    /// The next queued job; a job that runs alone only when it opens the batch.
    private func take(openingBatch: Bool = true) -> Job? {
        state.withLockedValue { state in
            guard state.head < state.queue.count, openingBatch || !state.queue[state.head].alone else { return nil }
            defer { state.head += 1 }
            return state.queue[state.head]
        }
    }

    /// Stops the writer when nothing is queued; otherwise it opens the next batch.
    private func stopIfIdle() -> Bool {
        state.withLockedValue { state in
            guard state.head >= state.queue.count else { return false }
            state.queue.removeAll(keepingCapacity: true)
            state.head = 0
            state.isDraining = false
            return true
        }
    }

    private func drain(from requestDatabase: any Database & SQLDatabase) async {
        let ownDatabase = own.withLockedValue { $0 }?.connections()
        let database = ownDatabase ?? requestDatabase
        repeat {
            do {
                try await database.withConnection { connection -> EventLoopFuture<Void> in
                    guard let connection = connection as? any Database & SQLDatabase else {
                        return connection.eventLoop.makeFailedFuture(
                            DatabaseSetupError(message: "SQLite connection without SQL"))
                    }
                    // The batch's task, and the requests' transactions it runs, on the writer's own loop: every
                    // write in the server waits on this one path.
                    let done = connection.eventLoop.makePromise(of: Void.self)
                    self.startTask {
                        await self.batch(on: connection, runsInOrder: ownDatabase != nil)
                        done.succeed()
                    }
                    return done.futureResult
                }.get()
            } catch {
                // No connection: everyone waiting hears why, rather than waiting for ever.
                while let job = take() { job.finish(error) }
            }
        } while !stopIfIdle()
    }

    /// Runs up to `batchLimit` queued jobs in one transaction and answers them after its commit.
    ///
    /// A kept savepoint is not released: the next job's savepoint opens inside it, which spares a
    /// statement per request, and `ROLLBACK TO` still undoes only the newest one, the failed job's. The
    /// commit ends them all. On the writer's own connections (`runsInOrder`, one thread each) the
    /// savepoint is sent ahead of the job's first statement instead of waited for.
    private func batch(on connection: any Database & SQLDatabase, runsInOrder: Bool) async {
        let fullText = FullTextWrites()
        let transaction = SerializedSQLiteDatabase(
            inner: connection, writer: self, inTransaction: true, fullText: fullText, runsInOrder: runsInOrder)
        var committing: [Job] = []
        do {
            try await connection.raw("BEGIN IMMEDIATE").run()
            var opening = true
            while committing.count < Self.batchLimit, let job = take(openingBatch: opening) {
                opening = false
                if job.alone {
                    // The transaction is the job's own: its failure rolls back nothing else.
                    guard await job.work(transaction) else {
                        try await connection.raw("ROLLBACK").run()
                        return
                    }
                    fullText.keepJob()
                    committing.append(job)
                    break
                }
                let savepoint: EventLoopFuture<Void> = connection.execute(sql: SQLRaw("SAVEPOINT kefu_request")) { _ in
                }
                if !runsInOrder { try await savepoint.get() }
                let succeeded = await job.work(transaction)
                do {
                    try await savepoint.get()
                } catch {
                    // Without its savepoint the job's writes cannot be told from the batch's: none is kept.
                    if succeeded { job.finish(error) }
                    throw error
                }
                if succeeded {
                    fullText.keepJob()
                    committing.append(job)
                } else {
                    // The job has its answer (its error); its writes go, the batch's stay.
                    fullText.dropJob()
                    try await connection.raw("ROLLBACK TO kefu_request").run()
                    try await connection.raw("RELEASE kefu_request").run()
                }
            }
            try await fullText.write(on: connection)
            try await connection.raw("COMMIT").run()
        } catch {
            // The transaction itself failed (the disk, an interrupted statement): none of it was kept.
            try? await connection.raw("ROLLBACK").run()
            connection.logger.error("SQLite batch of \(committing.count) failed: \(String(reflecting: error))")
            for job in committing { job.finish(error) }
            return
        }
        for job in committing { job.finish(nil) }
    }
}

/// The SQLite configuration with its writes queued at `writer`.
struct SerializedSQLiteConfiguration: DatabaseConfiguration {
    var inner: any DatabaseConfiguration
    let writer: SQLiteWriter

    var middleware: [any AnyModelMiddleware] {
        get { inner.middleware }
        set { inner.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        SerializedSQLiteDriver(inner: inner.makeDriver(for: databases), writer: writer)
    }
}

extension DatabaseConfigurationFactory {
    /// `factory`'s SQLite database with its writes queued at `writer`, one for the whole application.
    static func serialized(_ factory: DatabaseConfigurationFactory, writer: SQLiteWriter = SQLiteWriter())
        -> DatabaseConfigurationFactory
    {
        DatabaseConfigurationFactory { SerializedSQLiteConfiguration(inner: factory.make(), writer: writer) }
    }
}

extension DatabaseID {
    /// The SQLite writer's own connections (a file database): not for requests, which read through `.sqlite`.
    static let sqliteWriter = DatabaseID(string: "sqlite-writer")
}

struct SerializedSQLiteDriver: DatabaseDriver {
    let inner: any DatabaseDriver
    let writer: SQLiteWriter

    func makeDatabase(with context: DatabaseContext) -> any Database {
        let database = inner.makeDatabase(with: context)
        guard let sql = database as? any Database & SQLDatabase else { return database }
        return SerializedSQLiteDatabase(inner: sql, writer: writer, inTransaction: false)
    }

    func shutdown() { inner.shutdown() }
    func shutdownAsync() async { await inner.shutdownAsync() }
}
