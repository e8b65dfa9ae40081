import Fluent
import SQLKit
import Vapor

/// The people customers can be assigned to, kept between requests. The customer list shows them in
/// two pickers on every page; with a team of 200 reading them cost more than the page's customers.
/// Each use still asks the database for a stamp of the staff table (count, versions, active flags — a
/// scan of a few hundred rows), so a change made by any instance shows on the next page, never later.
actor AssigneeDirectory {
    private var cached: (stamp: String, assignees: [StaffStore.Assignee])?

    func assignees(on database: any Database) async throws -> [StaffStore.Assignee] {
        let stamp = try await Self.stamp(database.sql())
        if let cached, cached.stamp == stamp { return cached.assignees }
        let assignees = try await StaffStore(database: database).assignees()
        cached = (stamp, assignees)
        return assignees
    }

    /// Every write to an account raises its version (optimistic locking, S6); a new account raises the
    /// count; the active count catches a deactivation made outside the store.
    private static func stamp(_ sql: any SQLDatabase) async throws -> String {
        let row = try await sql.raw(
            """
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(version), 0) AS BIGINT) AS versions,
            CAST(COALESCE(SUM(CASE WHEN is_active THEN 1 ELSE 0 END), 0) AS BIGINT) AS active FROM staff
            """
        ).first()
        guard let row else { return "" }
        return
            "\(try row.decode(column: "n", as: Int.self))/\(try row.decode(column: "versions", as: Int.self))/\(try row.decode(column: "active", as: Int.self))"
    }
}

extension Application {
    private struct AssigneeDirectoryKey: StorageKey { typealias Value = AssigneeDirectory }

    /// Set once in `configure`: the application's storage must not change while requests read it.
    var assigneeDirectory: AssigneeDirectory {
        get {
            guard let directory = storage[AssigneeDirectoryKey.self] else {
                fatalError("assigneeDirectory is used before configure(_:) set it")
            }
            return directory
        }
        set { storage[AssigneeDirectoryKey.self] = newValue }
    }
}
