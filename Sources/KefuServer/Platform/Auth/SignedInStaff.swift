import Foundation
import KefuDomain
import SQLKit

/// The person a request acts for, as a value: what access checks, audit entries and the layout need.
/// Read with one SQL statement per request instead of a session model and a staff model, because
/// building Fluent models is the largest fixed cost of every page and API call (issue 3's speed goals).
/// Code that changes the account itself loads its `StaffModel`.
struct SignedInStaff: Sendable, Equatable {
    var id: Int
    var username: String
    var displayName: String
    var departmentID: Int
    var role: Role
    var language: Language

    var actor: Actor { Actor(staffID: id, role: role, departmentID: departmentID) }

    /// The facts the access policy needs when this account is the record being touched.
    var recordFacts: RecordFacts { RecordFacts(responsibleStaffID: id, departmentID: departmentID) }
}

extension SignedInStaff {
    init(_ model: StaffModel) {
        self.init(
            id: model.id ?? 0, username: model.username, displayName: model.displayName,
            departmentID: model.$department.id,
            role: model.roleValue, language: model.languageValue
        )
    }

    /// The staff columns of `SignedInStaff`, for statements that join `staff AS st`.
    fileprivate static let columns = """
        st.id AS staff_id, st.username, st.display_name, st.department_id, st.role, st.language, st.is_active
        """

    fileprivate init(row: any SQLRow) throws {
        self.init(
            id: try row.decode(column: "staff_id", as: Int.self),
            username: try row.decode(column: "username", as: String.self),
            displayName: try row.decode(column: "display_name", as: String.self),
            departmentID: try row.decode(column: "department_id", as: Int.self),
            role: Role(rawValue: try row.decode(column: "role", as: String.self)) ?? .specialist,
            language: Language(rawValue: try row.decode(column: "language", as: String.self)) ?? .zhHans
        )
    }
}

/// A browser session as the request needs it: which row, its CSRF secret, its age.
struct WebSession: Sendable, Equatable {
    var id: Int
    var staffID: Int
    var csrfToken: String
    var createdAt: Date
    var lastSeenAt: Date
}

/// The two statements that find who is asking: by session cookie or by API token.
struct SignedInLookup {
    let database: any SQLDatabase

    struct SessionMatch {
        var session: WebSession
        var staff: SignedInStaff
        var isActive: Bool
        /// The bell's count, read with the session because every page shows it (S4).
        var unreadNotifications: Int
    }

    struct TokenMatch {
        var tokenID: Int
        var lastUsedAt: Date?
        var staff: SignedInStaff
        var isActive: Bool
    }

    /// The bell counts up to this many (shown as 99+): a supervisor with 20,000 unread reminders paid a count of
    /// all of them on every page (5 ms at a million customers).
    static let bellCap = 100

    func session(tokenHash: String) async throws -> SessionMatch? {
        guard
            let row = try await database.raw(
                """
                SELECT s.id, s.csrf_token, s.created_at, s.last_seen_at, \(unsafeRaw: SignedInStaff.columns),
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM notifications n WHERE n.staff_id = st.id AND n.read_at IS NULL LIMIT \(bind: Self.bellCap)
                ) AS unread_capped) AS unread
                FROM web_sessions s JOIN staff st ON st.id = s.staff_id WHERE s.token_hash = \(bind: tokenHash)
                """
            ).first()
        else { return nil }
        let staff = try SignedInStaff(row: row)
        let session = WebSession(
            id: try row.decode(column: "id", as: Int.self), staffID: staff.id,
            csrfToken: try row.decode(column: "csrf_token", as: String.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            lastSeenAt: try row.decode(column: "last_seen_at", as: Date.self)
        )
        return SessionMatch(
            session: session, staff: staff, isActive: try row.decode(column: "is_active", as: Bool.self),
            unreadNotifications: try row.decode(column: "unread", as: Int.self)
        )
    }

    func token(tokenHash: String) async throws -> TokenMatch? {
        guard
            let row = try await database.raw(
                """
                SELECT t.id, t.last_used_at, \(unsafeRaw: SignedInStaff.columns)
                FROM api_tokens t JOIN staff st ON st.id = t.staff_id
                WHERE t.token_hash = \(bind: tokenHash) AND t.revoked_at IS NULL
                """
            ).first()
        else { return nil }
        return TokenMatch(
            tokenID: try row.decode(column: "id", as: Int.self),
            lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self),
            staff: try SignedInStaff(row: row), isActive: try row.decode(column: "is_active", as: Bool.self)
        )
    }

    func touchSession(_ id: Int, at now: Date) async throws {
        try await database.raw("UPDATE web_sessions SET last_seen_at = \(bind: now) WHERE id = \(bind: id)").run()
    }

    func deleteSession(_ id: Int) async throws {
        try await database.raw("DELETE FROM web_sessions WHERE id = \(bind: id)").run()
    }

    func touchToken(_ id: Int, at now: Date) async throws {
        try await database.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: id)").run()
    }
}
