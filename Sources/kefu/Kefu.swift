import Foundation
import KefuServer
import Logging
import Vapor

/// The `kefu` command: parses the configuration once (failing fast), sets up the application and
/// hands the arguments to the subcommand.
@main
enum Kefu {
    static func main() async throws {
        var environment = try Environment.detect()
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
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let app = try await Application.make(environment)
        do {
            try await configure(app, configuration)
            app.asyncCommands.use(ServeCommand(), as: "serve", isDefault: true)
            app.asyncCommands.use(MigrateCommand(), as: "migrate")
            app.asyncCommands.use(UserCommands(), as: "user")
            app.asyncCommands.use(DemoCommand(), as: "demo")
            app.asyncCommands.use(BackupCommand(), as: "backup")
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
