import Fluent
import KefuDomain
import Vapor

/// `/api/v1/me` and `/api/v1/auth/tokens`: who am I, and personal tokens for scripts.
struct AuthAPIController: RouteCollection {
    struct MeDTO: Content {
        var staff: StaffDTO
        /// The actions the caller's role may perform, so a client can hide what would be refused.
        var permissions: [String]

        static let schema = Schema.object(
            ["staff": Schema.ref("Staff"), "permissions": ["type": "array", "items": Schema.string]],
            required: ["staff", "permissions"]
        )
    }

    struct CreateTokenRequest: Content {
        var username: String?
        var password: String?
        var name: String?

        static let schema = Schema.object(
            ["username": Schema.string, "password": Schema.string, "name": ["type": "string", "maxLength": 64]],
            required: ["username", "password", "name"]
        )
    }

    struct TokenList: Content { var items: [APITokenDTO] }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/me", tag: "Auth", summary: "The signed-in staff member and what they may do",
            responses: [200: "Me"]),
        APIOperation(
            method: .POST, path: "/api/v1/auth/tokens", tag: "Auth",
            summary: "Exchange username and password for a personal API token (shown once)",
            isPublic: true, requestSchema: "CreateTokenRequest", responses: [201: "APIToken"]),
        APIOperation(
            method: .GET, path: "/api/v1/auth/tokens", tag: "Auth", summary: "My API tokens",
            responses: [200: "APITokenList"]),
        APIOperation(
            method: .DELETE, path: "/api/v1/auth/tokens/{id}", tag: "Auth", summary: "Revoke one of my API tokens",
            parameters: [OpenAPIParameters.id], responses: [204: nil]),
    ]

    static let schemas: [String: JSONValue] = [
        "Me": MeDTO.schema, "CreateTokenRequest": CreateTokenRequest.schema,
        "APIToken": Schema.object(
            [
                "id": Schema.integer, "name": Schema.string, "prefix": Schema.string, "createdAt": Schema.dateTime,
                "lastUsedAt": Schema.nullable("string", format: "date-time"),
                "revokedAt": Schema.nullable("string", format: "date-time"),
                "token": ["type": "string", "description": "The token itself, only in the response that created it"],
            ], required: ["id", "name", "prefix", "createdAt"]),
        "APITokenList": Schema.object(["items": Schema.array(of: "APIToken")], required: ["items"]),
    ]

    func boot(routes: any RoutesBuilder) throws {
        let api = routes
        api.requiring(.manageOwnProfile).get("me", use: me)
        api.open().post("auth", "tokens", use: createToken)
        api.requiring(.manageOwnTokens).get("auth", "tokens", use: listTokens)
        api.requiring(.manageOwnTokens).delete("auth", "tokens", ":id", use: revokeToken)
    }

    @Sendable func me(req: Request) async throws -> MeDTO {
        let signedIn = try req.requireStaff()
        guard
            let staff = try await StaffModel.query(on: req.db).filter(\.$id == signedIn.id).with(\.$department).first()
        else {
            throw KefuError.unauthorized
        }
        return MeDTO(
            staff: StaffDTO(staff),
            permissions: Action.allCases.filter { AccessPolicy.allows(signedIn.role, $0) }.map(\.rawValue))
    }

    @Sendable func createToken(req: Request) async throws -> Response {
        let body = try req.content.decode(CreateTokenRequest.self)
        var missing = FieldErrors()
        if (body.username ?? "").isEmpty { missing.add("username", "validation.required") }
        if (body.password ?? "").isEmpty { missing.add("password", "validation.required") }
        if (body.name ?? "").trimmed.isEmpty { missing.add("name", "validation.required") }
        try missing.throwIfAny()
        let staff = try await SignIn(request: req).authenticate(
            username: body.username ?? "", password: body.password ?? "")
        req.staff = SignedInStaff(staff)
        let (token, plain) = try await APITokenStore(database: req.db).create(
            for: try staff.requireID(), name: body.name ?? "", context: req.auditContext)
        return try await APITokenDTO(token, plain: plain).encodeResponse(status: .created, for: req)
    }

    @Sendable func listTokens(req: Request) async throws -> TokenList {
        let staff = try req.requireStaff()
        return TokenList(items: try await APITokenStore(database: req.db).list(for: staff.id).map { APITokenDTO($0) })
    }

    @Sendable func revokeToken(req: Request) async throws -> HTTPStatus {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id", as: Int.self) else { throw KefuError.notFound }
        try await APITokenStore(database: req.db).revoke(id, ownedBy: staff.id, context: req.auditContext)
        return .noContent
    }
}
