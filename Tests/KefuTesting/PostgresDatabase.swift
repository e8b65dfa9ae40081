import Foundation
import SQLKit
import Vapor

@testable import KefuServer

/// The PostgreSQL server of the PostgreSQL suite, from `KEFU_TEST_POSTGRES_URL`
/// (for example `postgres://postgres@127.0.0.1:5433/postgres`).
package let testPostgresURL = ProcessInfo.processInfo.environment["KEFU_TEST_POSTGRES_URL"]

/// Runs a test against a fresh application on a database of its own on the test PostgreSQL server,
/// dropped afterwards, so tests neither see nor disturb each other.
package func withPostgresApp(_ test: (TestApp) async throws -> Void) async throws {
    let base = try requireURL()
    let name = "kefu_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    try await administer(base, "CREATE DATABASE \(name)")
    var configuration = KefuConfiguration.testing()
    configuration.database = .postgres(url: databaseURL(base, name: String(name)))
    do {
        try await withApp(configuration: configuration, test)
    } catch {
        try? await administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
    }
    try await administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
}

/// Two applications on the same PostgreSQL database, like two instances behind a load balancer.
package func withTwoPostgresInstances(_ test: (Application, Application) async throws -> Void) async throws {
    let base = try requireURL()
    let name = "kefu_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    try await administer(base, "CREATE DATABASE \(name)")
    var configuration = KefuConfiguration.testing()
    configuration.database = .postgres(url: databaseURL(base, name: String(name)))
    let first = try await Application.make(.testing), second = try await Application.make(.testing)
    do {
        for app in [first, second] {
            app.directory = DirectoryConfiguration(workingDirectory: packageRoot)
            try await configure(app, configuration)
        }
        try await first.autoMigrate()
        try await test(first, second)
    } catch {
        try? await first.asyncShutdown()
        try? await second.asyncShutdown()
        try? await administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
    }
    try await first.asyncShutdown()
    try await second.asyncShutdown()
    try await administer(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
}

private func requireURL() throws -> String {
    guard let url = testPostgresURL else { throw SkipError() }
    return url
}

private struct SkipError: Error, CustomStringConvertible {
    var description: String { "KEFU_TEST_POSTGRES_URL is not set" }
}

private func databaseURL(_ base: String, name: String) -> String {
    var components = URLComponents(string: base)!
    components.path = "/" + name
    return components.string!
}

/// Runs one statement on the server's administrative database.
private func administer(_ base: String, _ statement: String) async throws {
    let app = try await Application.make(.testing)
    do {
        var configuration = KefuConfiguration.testing()
        configuration.database = .postgres(url: base)
        app.kefu = KefuServices(
            configuration: configuration, clock: .system, localizer: Localizer(tables: [:]), decoyPasswordHash: "",
            passwordHashing: PasswordHashing(cost: 4, threads: 1))
        app.lifecycle.use(PasswordHashingLifecycle(hashing: app.kefu.passwordHashing))
        try await DatabaseSetup.configure(app, configuration)
        try await app.db.sql().raw(SQLQueryString(statement)).run()
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
}
