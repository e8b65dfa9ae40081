import Foundation
import KefuServer
import Vapor

/// `kefu user create|list|set-password|deactivate`.
struct UserCommands: AsyncCommandGroup {
    var help: String { "Manages staff accounts from the server's console (migrating the database first if needed)." }
    var commands: [String: any AnyAsyncCommand] {
        ["create": Create(), "list": List(), "set-password": SetPassword(), "deactivate": Deactivate()]
    }

    struct Create: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "username", help: "Sign-in name: lower-case letters, digits, . _ -")
            var username: String
            @Option(name: "name", help: "Display name, e.g. 李娜")
            var name: String?
            @Option(name: "role", help: "administrator, supervisor, specialist, leadership or liaison")
            var role: String?
            @Option(name: "department", help: "Department code (default customer_service)")
            var department: String?
            @Option(name: "language", help: "zh-Hans (default) or en")
            var language: String?
            @Option(name: "password", help: "Password (10–128 characters); asked for when omitted")
            var password: String?
        }
        var help: String { "Creates a staff account." }

        func run(using context: CommandContext, signature: Signature) async throws {
            try await ConsoleOperations.migrate(context.application)
            let password =
                signature.password ?? context.console.ask("Password for \(signature.username): ", isSecure: true)
            try await ConsoleOperations.createStaff(
                context.application, username: signature.username, displayName: signature.name ?? signature.username,
                departmentCode: signature.department ?? "customer_service", role: signature.role ?? "specialist",
                language: signature.language ?? "zh-Hans", password: password
            )
            context.console.print("Created \(signature.username).")
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {}
        var help: String { "Lists staff accounts." }

        func run(using context: CommandContext, signature: Signature) async throws {
            try await ConsoleOperations.migrate(context.application)
            for line in try await ConsoleOperations.listStaff(context.application) {
                context.console.print(
                    "\(line.id)\t\(line.username)\t\(line.displayName)\t\(line.department)\t\(line.role)\t\(line.isActive ? "active" : "inactive")"
                )
            }
        }
    }

    struct SetPassword: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "username") var username: String
            @Option(name: "password", help: "New password; asked for when omitted") var password: String?
        }
        var help: String { "Sets a new password and ends the account's sessions." }

        func run(using context: CommandContext, signature: Signature) async throws {
            let password =
                signature.password ?? context.console.ask("New password for \(signature.username): ", isSecure: true)
            try await ConsoleOperations.setPassword(
                context.application, username: signature.username, password: password)
            context.console.print("Password changed; \(signature.username)'s sessions have ended.")
        }
    }

    struct Deactivate: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "username") var username: String
        }
        var help: String { "Deactivates an account (accounts are never deleted)." }

        func run(using context: CommandContext, signature: Signature) async throws {
            try await ConsoleOperations.deactivate(context.application, username: signature.username)
            context.console.print("Deactivated \(signature.username).")
        }
    }
}
