import Fluent
import Foundation

/// A signed-in browser session, stored in the database so several app instances share it.
/// The cookie carries a random token; only its SHA-256 is stored.
final class WebSessionModel: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Parent(key: "staff_id") var staff: StaffModel
    @Field(key: "csrf_token") var csrfToken: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "address") var address: String
    @Field(key: "user_agent") var userAgent: String

    init() {}

    init(tokenHash: String, staffID: Int, csrfToken: String, now: Date, address: String, userAgent: String) {
        self.tokenHash = tokenHash
        self.$staff.id = staffID
        self.csrfToken = csrfToken
        self.createdAt = now
        self.lastSeenAt = now
        self.address = address
        self.userAgent = String(userAgent.prefix(255))
    }
}

/// A personal API token for scripts: shown once at creation, stored hashed, revocable.
final class APITokenModel: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "staff_id") var staff: StaffModel
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the token, so its owner can tell tokens apart in the list.
    @Field(key: "token_prefix") var tokenPrefix: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    init() {}

    init(staffID: Int, name: String, tokenHash: String, tokenPrefix: String, now: Date) {
        self.$staff.id = staffID
        self.name = name
        self.tokenHash = tokenHash
        self.tokenPrefix = tokenPrefix
        self.createdAt = now
    }
}

/// One failed sign-in, counted by the throttle per account and per address.
final class SignInFailureModel: Model, @unchecked Sendable {
    static let schema = "sign_in_failures"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @Field(key: "address") var address: String
    @Field(key: "occurred_at") var occurredAt: Date

    init() {}

    init(username: String, address: String, occurredAt: Date) {
        self.username = String(username.prefix(64))
        self.address = address
        self.occurredAt = occurredAt
    }
}

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("web_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("csrf_token", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("address", .string, .required)
            .field("user_agent", .string, .required)
            .unique(on: "token_hash")
            .create()
        try await database.sql().raw("CREATE INDEX web_sessions_staff ON web_sessions (staff_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("web_sessions").delete()
    }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("token_prefix", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.sql().raw("CREATE INDEX api_tokens_staff ON api_tokens (staff_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").delete()
    }
}

struct CreateSignInFailures: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sign_in_failures")
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("address", .string, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX sign_in_failures_username ON sign_in_failures (username, occurred_at)").run()
        try await sql.raw("CREATE INDEX sign_in_failures_address ON sign_in_failures (address, occurred_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sign_in_failures").delete()
    }
}
