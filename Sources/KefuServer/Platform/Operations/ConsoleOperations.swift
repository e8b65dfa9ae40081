import Fluent
import KefuDomain
import SQLKit
import Vapor

/// What the `kefu` command's subcommands do, for the executable to call. Console actions are
/// audited with the actor "console".
package enum ConsoleOperations {
    package struct StaffLine: Sendable {
        package var id: Int
        package var username: String
        package var displayName: String
        package var department: String
        package var role: String
        package var isActive: Bool
    }

    package enum Outcome: Sendable {
        case created(username: String, password: String, generated: Bool)
        case existed
    }

    /// Brings the query planner's statistics up to date before serving (see ``DatabaseStatistics``).
    package static func refreshStatistics(_ app: Application) async throws {
        try await DatabaseStatistics.refreshAtStart(app.db)
    }

    /// Runs pending migrations; returns how many ran.
    @discardableResult
    package static func migrate(_ app: Application) async throws -> Int {
        let before = try? await app.db.sql().raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.decode(
            column: "n", as: Int.self)
        try await app.autoMigrate()
        let after = try await app.db.sql().raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.decode(
            column: "n", as: Int.self)
        return (after ?? 0) - (before ?? 0)
    }

    /// First start: with no staff at all, creates `admin` with `KEFU_ADMIN_PASSWORD` or a random
    /// password that the caller prints once.
    package static func ensureAdministrator(_ app: Application) async throws -> Outcome {
        guard try await StaffModel.query(on: app.db).count() == 0 else { return .existed }
        let supplied = app.kefu.configuration.adminPassword
        let password = supplied ?? Secrets.randomToken().prefix(20).description
        let department = try await DepartmentModel.query(on: app.db).filter(\.$isCustomerService == true).first()
        let draft = StaffDraft(
            username: "admin", displayName: "系统管理员", departmentID: department?.id, role: Role.administrator.rawValue,
            language: Language.zhHans.rawValue, password: password
        )
        _ = try await StaffStore(database: app.db).create(
            draft, by: nil, hashing: app.passwordHashing, common: app.kefu.commonPasswords,
            context: .console(now: app.kefu.clock.now))
        return .created(username: "admin", password: password, generated: supplied == nil)
    }

    package static func createStaff(
        _ app: Application, username: String, displayName: String, departmentCode: String, role: String,
        language: String, password: String
    ) async throws {
        guard let department = try await DepartmentModel.query(on: app.db).filter(\.$code == departmentCode).first()
        else {
            throw ConsoleError(
                "no department with code '\(departmentCode)'; existing: \(try await departmentCodes(app))")
        }
        let draft = StaffDraft(
            username: username.lowercased(), displayName: displayName, departmentID: department.id, role: role,
            language: language, password: password)
        do {
            _ = try await StaffStore(database: app.db).create(
                draft, by: nil, hashing: app.passwordHashing, common: app.kefu.commonPasswords,
                context: .console(now: app.kefu.clock.now))
        } catch let errors as FieldErrors {
            throw ConsoleError(describe(errors, app))
        }
    }

    package static func listStaff(_ app: Application) async throws -> [StaffLine] {
        try await StaffModel.query(on: app.db).with(\.$department).sort(\.$id).all().map {
            StaffLine(
                id: $0.id ?? 0, username: $0.username, displayName: $0.displayName, department: $0.department.name,
                role: $0.role, isActive: $0.isActive)
        }
    }

    package static func setPassword(_ app: Application, username: String, password: String) async throws {
        let staff = try await find(app, username)
        do {
            try await StaffStore(database: app.db).setPassword(
                staff, to: password, hashing: app.passwordHashing, common: app.kefu.commonPasswords,
                action: "staff.password_reset", context: .console(now: app.kefu.clock.now))
        } catch let errors as FieldErrors {
            throw ConsoleError(describe(errors, app))
        }
    }

    package static func deactivate(_ app: Application, username: String) async throws {
        let staff = try await find(app, username)
        do {
            try await StaffStore(database: app.db).setActive(
                staff, false, version: nil, context: .console(now: app.kefu.clock.now))
        } catch let error as KefuError {
            throw ConsoleError(app.kefu.localizer.text(error.messageKey, .en))
        }
    }

    /// An online, consistent copy of the running SQLite database (`VACUUM INTO`), safe while Kefu
    /// serves requests. PostgreSQL deployments use `pg_dump` instead.
    package static func backup(_ app: Application, to path: String) async throws {
        guard case .sqlite(let source?) = app.kefu.configuration.database else {
            throw ConsoleError(
                """
                Kefu runs on PostgreSQL here; back it up with PostgreSQL's own tool, for example:
                  pg_dump --format=custom --file=kefu-$(date +%F).dump "$KEFU_DATABASE_URL"
                and restore with pg_restore --clean --dbname="$KEFU_DATABASE_URL" FILE.
                """)
        }
        if FileManager.default.fileExists(atPath: path) {
            throw ConsoleError("\(path) exists already; choose a new file name (a backup never overwrites)")
        }
        app.logger.info("backing up \(source) to \(path)")
        try await app.db.sql().raw("VACUUM INTO \(bind: path)").run()
    }

    private static func find(_ app: Application, _ username: String) async throws -> StaffModel {
        guard let staff = try await StaffModel.query(on: app.db).filter(\.$username == username.lowercased()).first()
        else {
            throw ConsoleError("no staff account '\(username)'")
        }
        return staff
    }

    private static func departmentCodes(_ app: Application) async throws -> String {
        try await DepartmentModel.query(on: app.db).all().map(\.code).joined(separator: ", ")
    }

    private static func describe(_ errors: FieldErrors, _ app: Application) -> String {
        errors.messages.sorted { $0.key < $1.key }
            .map { "\($0.key): \(app.kefu.localizer.text($0.value, .en))" }.joined(separator: "; ")
    }
}

/// A console command's failure, printed as is.
package struct ConsoleError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
