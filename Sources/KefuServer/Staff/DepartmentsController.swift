import Fluent
import KefuDomain
import Vapor

/// A department in the JSON API.
struct DepartmentDTO: Content {
    var id: Int
    var code: String
    var name: String
    var isCustomerService: Bool
    var version: Int

    init(_ model: DepartmentModel) {
        id = model.id ?? 0
        code = model.code
        name = model.name
        isCustomerService = model.isCustomerService
        version = model.version
    }

    static let schema = Schema.object(
        [
            "id": Schema.integer, "code": Schema.string, "name": Schema.string, "isCustomerService": Schema.boolean,
            "version": Schema.integer,
        ],
        required: ["id", "code", "name", "isCustomerService", "version"]
    )
}

struct DepartmentInput: Content {
    var code: String?
    var name: String?
    var version: Int?

    static let schema = Schema.object(
        [
            "code": ["type": "string", "pattern": "^[a-z][a-z0-9_]{1,31}$"], "name": Schema.string,
            "version": Schema.integer,
        ],
        required: ["name"]
    )
}

/// Departments: the customer service department plus those matters are forwarded to.
struct DepartmentStore {
    let database: any Database

    func all() async throws -> [DepartmentModel] {
        try await DepartmentModel.query(on: database).sort(\.$id).all()
    }

    func create(_ input: DepartmentInput, context: AuditContext) async throws -> DepartmentModel {
        var errors = FieldErrors()
        let code = (input.code ?? "").trimmed
        let name = (input.name ?? "").trimmed
        if code.range(of: "^[a-z][a-z0-9_]{1,31}$", options: .regularExpression) == nil {
            errors.add("code", "validation.department.code")
        }
        if name.isEmpty {
            errors.add("name", "validation.required")
        } else if name.count > 64 {
            errors.add("name", "validation.too_long")
        }
        if errors.messages["code"] == nil,
            try await DepartmentModel.query(on: database).filter(\.$code == code).count() > 0
        {
            errors.add("code", "validation.department.code_taken")
        }
        try errors.throwIfAny()
        let department = DepartmentModel(code: code, name: name, isCustomerService: false, createdAt: context.now)
        try await database.writeTransaction { tx in
            try await department.create(on: tx)
            try await AuditLog.record(
                "department.created", recordType: "department", recordID: String(try department.requireID()),
                fields: ["code", "name"], message: AuditMessage.name(name), context: context, on: tx)
        }
        return department
    }

    func rename(_ department: DepartmentModel, to rawName: String, version: Int, context: AuditContext) async throws {
        let name = rawName.trimmed
        if name.isEmpty { throw FieldErrors(["name": "validation.required"]) }
        if name.count > 64 { throw FieldErrors(["name": "validation.too_long"]) }
        let id = try department.requireID()
        let written = try await database.writeTransaction { tx in
            try await RecordWrites.change(
                DepartmentKind.self, id: id, version: version,
                RecordWrite(
                    set: "name = \(bind: name)",
                    audit: .init(action: "department.updated", fields: ["name"], message: AuditMessage.name(name))),
                context: context,
                on: tx)
        }
        department.name = name
        department.version = written.version
    }
}

/// `/departments` (page) and `/api/v1/departments` (JSON).
struct DepartmentsController: RouteCollection {
    struct Page: Encodable {
        struct Row: Encodable {
            var id: Int; var code: String; var name: String; var isCustomerService: Bool; var version: Int;
            var staffCount: Int
        }
        var rows: [Row]
        var canManage: Bool
        var errors: [String: String]
        var code: String
        var name: String
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/departments", tag: "Departments", summary: "All departments",
            responses: [200: "DepartmentList"]),
        APIOperation(
            method: .POST, path: "/api/v1/departments", tag: "Departments", summary: "Create a department",
            requestSchema: "DepartmentInput", responses: [201: "Department"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/departments/{id}", tag: "Departments", summary: "Rename a department",
            parameters: [OpenAPIParameters.id], requestSchema: "DepartmentInput", responses: [200: "Department"]),
    ]
    static let schemas: [String: JSONValue] = [
        "Department": DepartmentDTO.schema, "DepartmentInput": DepartmentInput.schema,
        "DepartmentList": Schema.object(["items": Schema.array(of: "Department")], required: ["items"]),
    ]

    struct DepartmentList: Content { var items: [DepartmentDTO] }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewDepartments).get(.departments, use: page)
        routes.requiring(.manageDepartments).post(.departments, use: createFromForm)
        routes.requiring(.manageDepartments).post(.department, use: renameFromForm)
        let api = routes.grouped("api", "v1", "departments")
        api.requiring(.viewDepartments).get(use: list)
        api.requiring(.manageDepartments).post(use: create)
        api.requiring(.manageDepartments).patch(":id", use: rename)
    }

    @Sendable func page(req: Request) async throws -> Response {
        try await render(req, errors: [:], code: "", name: "")
    }

    @Sendable func createFromForm(req: Request) async throws -> Response {
        let input = try req.content.decode(DepartmentInput.self)
        do {
            _ = try await DepartmentStore(database: req.db).create(input, context: req.auditContext)
            return req.redirect(to: SiteURL.departments, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            return try await render(
                req, errors: errors.messages, code: input.code ?? "", name: input.name ?? "",
                status: .unprocessableEntity)
        }
    }

    @Sendable func renameFromForm(req: Request) async throws -> Response {
        let department = try await target(req)
        let input = try req.content.decode(DepartmentInput.self)
        do {
            try await DepartmentStore(database: req.db).rename(
                department, to: input.name ?? "", version: try requireFormVersion(input.version),
                context: req.auditContext)
            return req.redirect(to: SiteURL.departments, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            return req.redirect(
                to: SiteURL.departments, flash: FlashMessage(.error, errors.messages.values.first ?? "error.validation")
            )
        } catch let conflict as RecordConflict {
            return req.redirect(to: SiteURL.departments, flash: FlashMessage(.error, conflict.messageKey))
        }
    }

    @Sendable func list(req: Request) async throws -> DepartmentList {
        DepartmentList(items: try await DepartmentStore(database: req.db).all().map(DepartmentDTO.init))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(DepartmentInput.self)
        let department = try await DepartmentStore(database: req.db).create(input, context: req.auditContext)
        return try await DepartmentDTO(department).encodeResponse(status: .created, for: req)
    }

    @Sendable func rename(req: Request) async throws -> DepartmentDTO {
        let department = try await target(req)
        let input = try req.content.decode(DepartmentInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        try await DepartmentStore(database: req.db).rename(
            department, to: input.name ?? "", version: version, context: req.auditContext)
        return DepartmentDTO(department)
    }

    private func target(_ req: Request) async throws -> DepartmentModel {
        guard let id = req.parameters.get("id", as: Int.self),
            let department = try await DepartmentModel.find(id, on: req.db)
        else {
            throw KefuError.notFound
        }
        return department
    }

    private func render(
        _ req: Request, errors: [String: String], code: String, name: String, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let departments = try await DepartmentStore(database: req.db).all()
        let counts = try await StaffModel.query(on: req.db).filter(\.$isActive == true).all(\.$department.$id)
        let page = Page(
            rows: departments.map { department in
                .init(
                    id: department.id ?? 0, code: department.code, name: department.name,
                    isCustomerService: department.isCustomerService,
                    version: department.version, staffCount: counts.filter { $0 == department.id }.count)
            },
            canManage: AccessPolicy.allows(staff.role, .manageDepartments), errors: errors, code: code, name: name
        )
        return try await req.renderPage("departments/index", titleKey: "departments.title", page, status: status)
    }
}
