import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Connects Kefu to its database: an SQLite file in the data directory by default, PostgreSQL when
/// `KEFU_DATABASE_URL` says so.
enum DatabaseSetup {
    /// The synchronous level Kefu runs SQLite with. FULL: in WAL mode a commit is durable once it
    /// returns — "no request may lose data" outweighs the last bit of write throughput.
    static let sqliteSynchronous = "FULL"
    /// How long a connection waits for another's write lock before giving up, in milliseconds.
    static let sqliteBusyTimeoutMilliseconds = 5000

    /// Connections each event loop may hold, and how long a request waits for one before it is
    /// answered 503 (Fluent's defaults, named so the busy log can say them).
    static let connectionsPerEventLoop = 1
    static let connectionWaitSeconds: Int64 = 10

    /// The pool's shape for the log line of a 503.
    static func poolDescription(_ app: Application) -> String {
        let loops = app.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        return "\(loops) event loops × \(connectionsPerEventLoop) connection(s), wait \(connectionWaitSeconds) s"
    }

    static func configure(_ app: Application, _ configuration: KefuConfiguration) async throws {
        switch configuration.database {
        case .sqlite(let path):
            // The writer's own connections, when the database is a file (their pragmas are set with the rest).
            var writerDatabases: Databases?
            if let path {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let writer = SQLiteWriter()
                app.databases.use(
                    .serialized(
                        .sqlite(
                            SQLiteConfiguration(storage: .file(path: path)),
                            maxConnectionsPerEventLoop: connectionsPerEventLoop,
                            connectionPoolTimeout: .seconds(connectionWaitSeconds), sqlLogLevel: .debug),
                        writer: writer), as: .sqlite, isDefault: true)
                // The writer's batches run on connections of their own, so readers keep theirs, and their
                // statements on a thread of their own, so a batch never queues behind readers' statements in
                // the shared thread pool: the batch is the one path every write waits on (issue 18 §9).
                // Its tasks and its connections' answers run on an event loop of its own (``WriterExecutor``).
                let writerThreads = NIOThreadPool(numberOfThreads: 1)
                writerThreads.start()
                let writerLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
                let databases = Databases(threadPool: writerThreads, on: writerLoop), logger = app.logger
                databases.use(
                    .sqlite(
                        SQLiteConfiguration(storage: .file(path: path)), maxConnectionsPerEventLoop: 1,
                        connectionPoolTimeout: .seconds(connectionWaitSeconds), sqlLogLevel: .debug),
                    as: .sqliteWriter, isDefault: false)
                app.lifecycle.use(WriterShutdown(databases: databases, threads: writerThreads, loop: writerLoop))
                writerDatabases = databases
                let loop = writerLoop.next()
                var executor: (any Sendable)?
                if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) {
                    executor = WriterExecutor(eventLoop: loop)
                }
                writer.useOwnConnections(executor: executor) {
                    databases.database(.sqliteWriter, logger: logger, on: loop) as? any Database & SQLDatabase
                }
            } else {
                app.databases.use(
                    .serialized(
                        .sqlite(
                            SQLiteConfiguration(storage: .memory), maxConnectionsPerEventLoop: connectionsPerEventLoop,
                            connectionPoolTimeout: .seconds(connectionWaitSeconds), sqlLogLevel: .debug)), as: .sqlite)
            }
            try await applySQLitePragmas(app, writer: writerDatabases)
        case .postgres(let url):
            do {
                var postgres = try SQLPostgresConfiguration(url: url)
                postgres.searchPath = ["public"]
                app.databases.use(
                    .postgres(
                        configuration: postgres, maxConnectionsPerEventLoop: connectionsPerEventLoop,
                        connectionPoolTimeout: .seconds(connectionWaitSeconds), sqlLogLevel: .debug), as: .psql)
            } catch {
                throw DatabaseSetupError(message: "KEFU_DATABASE_URL is not a usable PostgreSQL URL: \(error)")
            }
        }
    }

    /// Pragmas are per connection. Fluent's SQLite driver keeps one connection per event loop (for the
    /// requests, and for the writer), so they are applied through each loop's databases once at
    /// start-up; WAL mode itself is stored in the file.
    static func applySQLitePragmas(_ app: Application, writer: Databases?) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            if let database = app.databases.database(logger: app.logger, on: eventLoop) as? any SQLDatabase {
                try await applySQLitePragmas(to: database)
            }
        }
        if let writer,
            let database = writer.database(.sqliteWriter, logger: app.logger, on: writer.eventLoopGroup.any())
                as? any SQLDatabase
        {
            try await applySQLitePragmas(to: database)
        }
    }

    private static func applySQLitePragmas(to database: any SQLDatabase) async throws {
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = \(sqliteSynchronous)",
            "PRAGMA busy_timeout = \(sqliteBusyTimeoutMilliseconds)",
            "PRAGMA foreign_keys = ON",
            // A million customers make a database of gigabytes: keep the hot pages in memory, and
            // read the file through a mapping (up to SQLite's default ceiling of 2 GB) rather than
            // a read call per page — an import spent a sixth of its time in those calls.
            "PRAGMA cache_size = -65536",
            "PRAGMA mmap_size = 2147418112",
            "PRAGMA temp_store = MEMORY",
        ] {
            try await database.raw(SQLQueryString(pragma)).run()
        }
    }

    /// The settings as SQLite reports them on a connection, for the readiness test and operators.
    static func sqliteSettings(_ database: any Database) async throws -> [String: String] {
        let sql = try database.sql()
        var settings: [String: String] = [:]
        for name in ["journal_mode", "synchronous", "busy_timeout", "foreign_keys"] {
            let row = try await sql.raw("PRAGMA \(unsafeRaw: name)").first()
            if let row {
                let column = row.allColumns.first ?? name
                settings[name] =
                    (try? row.decode(column: column, as: String.self))
                    ?? (try? row.decode(column: column, as: Int.self)).map(String.init) ?? ""
            }
        }
        return settings
    }
}

/// Closes the writer's connections, then its thread, when the application stops.
private struct WriterShutdown: LifecycleHandler {
    let databases: Databases
    let threads: NIOThreadPool
    let loop: MultiThreadedEventLoopGroup

    func shutdownAsync(_ application: Application) async {
        await databases.shutdownAsync()
        try? await threads.shutdownGracefully()
        try? await loop.shutdownGracefully()
    }
}
