import Foundation
import KefuServer
import Synchronization
import Vapor

/// `kefu serve`: migrates, makes sure an administrator exists, optionally loads the demo department,
/// then serves until SIGINT/SIGTERM and shuts down gracefully — in-flight requests finish before the
/// database connections close.
struct ServeCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "hostname", short: "H", help: "Address to listen on (default KEFU_HOST or 127.0.0.1)")
        var hostname: String?
        @Option(name: "port", short: "p", help: "Port to listen on (default KEFU_PORT or 8080)")
        var port: Int?
        @Flag(name: "demo", help: "Load the demo department (its passwords are printed)")
        var demo: Bool
        @Flag(name: "no-migrate", help: "Do not run pending migrations (run `kefu migrate` yourself)")
        var noMigrate: Bool
    }

    var help: String { "Starts Kefu's web server (the default command)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if !signature.noMigrate { try await ConsoleOperations.migrate(app) }
        try await announceAdministrator(app, context)
        try await ConsoleOperations.refreshStatistics(app)
        if signature.demo { try await DemoCommand.load(app, context) }
        if let hostname = signature.hostname { app.http.server.configuration.hostname = hostname }
        if let port = signature.port {
            guard (1...65535).contains(port) else { throw ConsoleError("--port must be 1–65535") }
            app.http.server.configuration.port = port
        }
        let host = app.http.server.configuration.hostname
        let port = app.http.server.configuration.port
        try await app.server.start(address: .hostname(host, port: port))
        app.scheduler.start(app)
        context.console.print("Kefu 客服部管理系统 is listening on http://\(host):\(port)")
        await waitForTermination()
        let drainSeconds = app.kefu.configuration.drainSeconds
        context.console.print("Stopping: serving \(drainSeconds) s more while clients close their connections …")
        app.drain.begin()
        // A balancer reading /readyz stops sending first; then the listener stops accepting, and the
        // connections still open are served, each answer asking the client to close its own.
        try? await Task.sleep(for: .seconds(drainSeconds / 2))
        ListenerShutdown.stopAccepting(port: port)
        app.drain.closeConnections()
        try? await Task.sleep(for: .seconds(drainSeconds - drainSeconds / 2))
        context.console.print("Shutting down: finishing requests in flight …")
        await app.server.shutdown()
        await app.scheduler.stop()
    }

    private func announceAdministrator(_ app: Application, _ context: CommandContext) async throws {
        if case .created(let username, let password, let generated) = try await ConsoleOperations.ensureAdministrator(
            app)
        {
            if generated {
                context.console.print(
                    """
                    Created the first administrator account.
                      username: \(username)
                      password: \(password)
                    This password is shown once. Sign in and change it on your profile page.
                    """)
            } else {
                context.console.print(
                    "Created the first administrator '\(username)' with the password from KEFU_ADMIN_PASSWORD.")
            }
        }
    }

    private func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = Mutex(false)
            let queue = DispatchQueue(label: "kefu.signals")
            var sources: [any DispatchSourceSignal] = []
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler {
                    let first = resumed.withLock { done in
                        defer { done = true }
                        return !done
                    }
                    if first { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps the signal sources alive for the life of the process.
private enum SignalSources {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static func keep(_ new: [any DispatchSourceSignal]) { sources = new }
}
