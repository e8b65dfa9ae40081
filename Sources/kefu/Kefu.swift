import Foundation
import KefuServer
import Logging
import NIOCore
import NIOPosix
import Vapor

/// The `kefu` command: parses the configuration once (failing fast), sets up the application and
/// hands the arguments to the subcommand.
@main
enum Kefu {
    static func main() async throws {
        let environment = try Environment.detect()
        let configuration: KefuConfiguration
        do {
            configuration = try KefuConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            exit(2)
        }
        let level = configuration.logLevel
        let json = ProcessInfo.processInfo.environment["KEFU_LOG_FORMAT"] == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let app = try await Application.make(environment)
        // Async handlers run on SwiftNIO's event loops instead of hopping to Swift's own pool and
        // back for every request: a page measured a fifth of its time in those thread switches. Kefu
        // never blocks on a future (`.wait()`), which is what this would make unsafe.
        let takenOver = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        app.logger.debug("SwiftNIO's event loops as the global executor", metadata: ["installed": "\(takenOver)"])
        do {
            try await configure(app, configuration)
            app.asyncCommands.use(ServeCommand(), as: "serve", isDefault: true)
            app.asyncCommands.use(MigrateCommand(), as: "migrate")
            app.asyncCommands.use(UserCommands(), as: "user")
            app.asyncCommands.use(DemoCommand(), as: "demo")
            app.asyncCommands.use(BackupCommand(), as: "backup")
            app.asyncCommands.use(SummariesCommand(), as: "summaries")
            try await app.execute()
        } catch {
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            FileHandle.standardError.write(Data("kefu: \(error)\n".utf8))
            exit(1)
        }
        try await app.asyncShutdown()
    }

}
