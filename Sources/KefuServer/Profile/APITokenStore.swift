import Fluent
import KefuDomain
import Vapor

/// Personal API tokens: created (the plain token returned once), listed, revoked.
struct APITokenStore {
    let database: any Database

    static let tokenPrefix = "kefu_"

    func list(for staffID: Int) async throws -> [APITokenModel] {
        try await APITokenModel.query(on: database)
            .filter(\.$staff.$id == staffID)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .all()
    }

    /// Creates a token and returns it with its plain text, which is never stored.
    func create(for staffID: Int, name rawName: String, context: AuditContext) async throws -> (APITokenModel, String) {
        let name = rawName.trimmed
        if name.isEmpty { throw FieldErrors(["name": "validation.required"]) }
        if name.count > 64 { throw FieldErrors(["name": "validation.too_long"]) }
        let plain = Secrets.randomToken(prefix: Self.tokenPrefix)
        let token = APITokenModel(
            staffID: staffID, name: name, tokenHash: Secrets.fingerprint(plain),
            tokenPrefix: String(plain.prefix(Self.tokenPrefix.count + 6)), now: context.now
        )
        try await database.writeTransaction { tx in
            try await token.create(on: tx)
            try await AuditLog.record(
                "token.created", recordType: "api_token", recordID: String(try token.requireID()), fields: ["name"],
                message: AuditMessage.name(name), context: context, on: tx
            )
        }
        return (token, plain)
    }

    /// Revokes one of the owner's tokens; another person's token is "not found", not "forbidden", so
    /// ids cannot be probed.
    func revoke(_ id: Int, ownedBy staffID: Int, context: AuditContext) async throws {
        guard
            let token = try await APITokenModel.query(on: database)
                .filter(\.$id == id).filter(\.$staff.$id == staffID).first()
        else { throw KefuError.notFound }
        guard token.revokedAt == nil else { return }
        token.revokedAt = context.now
        try await database.writeTransaction { tx in
            try await token.update(on: tx)
            try await AuditLog.record(
                "token.revoked", recordType: "api_token", recordID: String(id), context: context, on: tx)
        }
    }
}

/// A token as the API and the profile page show it: never the token itself, except once at creation.
struct APITokenDTO: Content {
    var id: Int
    var name: String
    var prefix: String
    var createdAt: Date
    var lastUsedAt: Date?
    var revokedAt: Date?
    /// Present only in the response that created the token.
    var token: String?

    init(_ model: APITokenModel, plain: String? = nil) {
        id = model.id ?? 0
        name = model.name
        prefix = model.tokenPrefix
        createdAt = model.createdAt
        lastUsedAt = model.lastUsedAt
        revokedAt = model.revokedAt
        token = plain
    }
}
