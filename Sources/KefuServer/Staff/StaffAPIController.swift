import Fluent
import KefuDomain
import Vapor

/// `/api/v1/staff`: the staff accounts as JSON (R2.1).
struct StaffAPIController: RouteCollection {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/staff", tag: "Staff", summary: "List staff accounts",
            parameters: OpenAPIParameters.page + [
                OpenAPIParameters.query("q", "string", "Search username or name"),
                OpenAPIParameters.query("role"), OpenAPIParameters.query("departmentID", "integer"),
                OpenAPIParameters.query("active", "boolean"),
            ], responses: [200: "StaffPage"]),
        APIOperation(
            method: .POST, path: "/api/v1/staff", tag: "Staff", summary: "Create a staff account",
            requestSchema: "CreateStaffRequest", responses: [201: "Staff"]),
        APIOperation(
            method: .GET, path: "/api/v1/staff/{id}", tag: "Staff", summary: "One staff account",
            parameters: [OpenAPIParameters.id], responses: [200: "Staff"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/staff/{id}", tag: "Staff",
            summary: "Change name, department, role or language",
            parameters: [OpenAPIParameters.id], requestSchema: "UpdateStaffRequest", responses: [200: "Staff"]),
        APIOperation(
            method: .POST, path: "/api/v1/staff/{id}/deactivate", tag: "Staff",
            summary: "Deactivate (accounts are never deleted)",
            parameters: [OpenAPIParameters.id], requestSchema: "VersionRequest", responses: [200: "Staff"]),
        APIOperation(
            method: .POST, path: "/api/v1/staff/{id}/activate", tag: "Staff", summary: "Reactivate",
            parameters: [OpenAPIParameters.id], requestSchema: "VersionRequest", responses: [200: "Staff"]),
        APIOperation(
            method: .PUT, path: "/api/v1/staff/{id}/password", tag: "Staff",
            summary: "Set a new password; ends the account's sessions",
            parameters: [OpenAPIParameters.id], requestSchema: "SetPasswordRequest", responses: [204: nil]),
    ]

    static let schemas: [String: JSONValue] = [
        "Staff": StaffDTO.schema, "StaffPage": Schema.page(of: "Staff"),
        "CreateStaffRequest": CreateStaffRequest.schema, "UpdateStaffRequest": UpdateStaffRequest.schema,
        "VersionRequest": VersionRequest.schema, "SetPasswordRequest": SetPasswordRequest.schema,
    ]

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("staff")
        staff.requiring(.viewStaff).get(use: list)
        staff.requiring(.manageStaff).post(use: create)
        staff.requiring(.viewStaff).get(":id", use: show)
        staff.requiring(.manageStaff).patch(":id", use: update)
        staff.requiring(.manageStaff).post(":id", "deactivate", use: deactivate)
        staff.requiring(.manageStaff).post(":id", "activate", use: activate)
        staff.requiring(.manageStaff).put(":id", "password", use: setPassword)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<StaffDTO> {
        let actor = try req.requireStaff().actor
        let filter = StaffStore.Filter(
            text: req.query[String.self, at: "q"],
            role: req.query[String.self, at: "role"].flatMap(Role.init(rawValue:)),
            departmentID: req.query[Int.self, at: "departmentID"],
            isActive: req.query[String.self, at: "active"].flatMap { Bool($0) }
        )
        let page = try req.paging
        let (items, total) = try await StaffStore(database: req.db).list(filter, visibleTo: actor, page: page)
        return PageDTO(items: items.map(StaffDTO.init), request: page, total: total)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let body = try req.content.decode(CreateStaffRequest.self)
        let staff = try await StaffStore(database: req.db).create(
            body.draft, by: try req.requireStaff().actor, hashing: req.passwords, common: req.kefu.commonPasswords,
            context: req.auditContext
        )
        return try await StaffDTO(staff).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> StaffDTO {
        StaffDTO(try await target(req, .viewStaff))
    }

    @Sendable func update(req: Request) async throws -> StaffDTO {
        let staff = try await target(req, .manageStaff)
        let body = try req.content.decode(UpdateStaffRequest.self)
        try await StaffStore(database: req.db).update(
            staff, with: body.draft(from: staff), version: body.version, by: try req.requireStaff().actor,
            context: req.auditContext
        )
        return StaffDTO(staff)
    }

    @Sendable func deactivate(req: Request) async throws -> StaffDTO {
        try await setActive(req, false)
    }

    @Sendable func activate(req: Request) async throws -> StaffDTO {
        try await setActive(req, true)
    }

    @Sendable func setPassword(req: Request) async throws -> HTTPStatus {
        let staff = try await target(req, .manageStaff)
        try checkRoleReach(req, staff)
        let body = try req.content.decode(SetPasswordRequest.self)
        try await StaffStore(database: req.db).setPassword(
            staff, to: body.password, hashing: req.passwords, common: req.kefu.commonPasswords,
            action: "staff.password_reset", context: req.auditContext
        )
        return .noContent
    }

    private func setActive(_ req: Request, _ isActive: Bool) async throws -> StaffDTO {
        let staff = try await target(req, .manageStaff)
        try checkRoleReach(req, staff)
        let version = req.body.data == nil ? nil : try? req.content.decode(VersionRequest.self).version
        if try req.requireStaff().id == staff.id, !isActive {
            throw KefuError(.conflict, code: "self_deactivation", messageKey: "error.staff.self_deactivation")
        }
        try await StaffStore(database: req.db).setActive(staff, isActive, version: version, context: req.auditContext)
        return StaffDTO(staff)
    }

    /// The account addressed by `:id`, if the caller may act on it; otherwise 404 or 403.
    private func target(_ req: Request, _ action: Action) async throws -> StaffModel {
        guard let id = req.parameters.get("id", as: Int.self),
            let staff = try await StaffStore(database: req.db).find(id)
        else { throw KefuError.notFound }
        try await req.authorize(action, on: staff.recordFacts, recordType: "staff", recordID: String(id))
        return staff
    }

    /// A supervisor manages specialists of the team, not other supervisors or administrators.
    private func checkRoleReach(_ req: Request, _ staff: StaffModel) throws {
        let actor = try req.requireStaff().actor
        guard StaffRules.mayManage(actorRole: actor.role, currentRole: staff.roleValue, newRole: staff.roleValue) else {
            throw KefuError.forbidden
        }
    }
}
