import Foundation
import KefuServer
import Vapor

/// `kefu migrate`: runs pending migrations and says how many.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Creates or updates the database schema (runs pending migrations)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let count = try await ConsoleOperations.migrate(context.application)
        context.console.print(
            count == 0 ? "The database is up to date." : "Ran \(count) migration(s); the database is up to date.")
    }
}

/// `kefu demo`: loads the demo department and prints its accounts.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Loads a realistic demo department (supervisor, specialists, leadership, liaisons)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await ConsoleOperations.migrate(app)
        _ = try await ConsoleOperations.ensureAdministrator(app)
        try await Self.load(app, context)
    }

    static func load(_ app: Application, _ context: CommandContext) async throws {
        let password = DemoDepartment.password(ProcessInfo.processInfo.environment)
        let created = try await DemoDepartment.load(app, password: password)
        let customers = try await DemoDepartment.loadCustomers(app)
        if customers > 0 { context.console.print("Loaded \(customers) demo customers with their communications.") }
        if created.isEmpty {
            context.console.print("The demo department is loaded already.")
            return
        }
        context.console.print("Demo accounts (password for all: \(password)):")
        for account in created {
            context.console.print(
                "  \(account.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \(account.displayName)  \(account.role.rawValue)  \(account.departmentCode)"
            )
        }
    }
}

/// `kefu backup FILE`: an online copy of the SQLite database.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "Where to write the copy (must not exist)")
        var file: String
    }
    var help: String { "Writes a consistent copy of the running SQLite database; for PostgreSQL, explains pg_dump." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await ConsoleOperations.backup(context.application, to: signature.file)
        context.console.print("Backup written to \(signature.file).")
    }
}

/// `kefu summaries rebuild`: recounts the reports' per-day summaries from the records. Triggers keep them in
/// step with every write; this is for a database whose triggers were off while rows were loaded, or to check.
struct SummariesCommand: AsyncCommandGroup {
    var help: String { "Maintains the reports' summaries (migrating the database first if needed)." }
    var commands: [String: any AnyAsyncCommand] { ["rebuild": Rebuild()] }

    struct Rebuild: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Recounts the dashboard's per-day summaries from the records." }

        func run(using context: CommandContext, signature: Signature) async throws {
            try await ConsoleOperations.migrate(context.application)
            let started = Date()
            try await ConsoleOperations.rebuildReportSummaries(context.application)
            context.console.print(
                String(format: "Recounted the report summaries in %.1f s.", Date().timeIntervalSince(started)))
        }
    }
}
