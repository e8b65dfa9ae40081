import Foundation
import KefuDomain
import Vapor

/// A procedure as the API and the page show it: where it stands, each step with the guidance the
/// customer is given and the documents it needs.
struct ProcedureDTO: Content {
    struct StepDTO: Content {
        var id: Int; var code: String; var name: String; var guidance: String; var documents: String;
        var status: String; var statusLabel: String
        var startedOn: String?; var doneOn: String?; var helper: String?; var note: String?; var version: Int;
        var isCurrent: Bool
    }
    var id: Int
    var type: String
    var name: String
    var contractID: Int?
    var contractNumber: String?
    var standing: String
    var standingLabel: String
    var steps: [StepDTO]

    /// `types` are the procedure types in use, which name an added type.
    init(
        _ procedure: ProcedureStore.Procedure, steps: [ProcedureStore.Step], labels: ContractLabels,
        types: [ProcedureTypeTemplate]
    ) {
        func text(_ key: String) -> String { labels.localizer.text(key, labels.language) }
        let statuses = steps.map(\.stepStatus)
        let current = ProcedureRules.currentStep(statuses)
        id = procedure.id; type = procedure.type; name = labels.procedureType(procedure.type, among: types);
        contractID = procedure.contractID
        contractNumber = procedure.contractNumber; standing = ProcedureRules.standing(statuses).rawValue
        standingLabel = text("procedure.standing.\(standing)")
        self.steps = steps.enumerated().map { index, step in
            let texts = labels.procedureStep(
                ProcedureStepTemplate(
                    code: step.code, name: step.name, guidance: step.guidance, documents: step.documents))
            return StepDTO(
                id: step.id, code: step.code, name: texts.name, guidance: texts.guidance, documents: texts.documents,
                status: step.status,
                statusLabel: text("procedure.status.\(step.status)"), startedOn: step.startedOn, doneOn: step.doneOn,
                helper: step.helperName, note: step.note, version: step.version, isCurrent: index == current)
        }
    }
}

extension Request {
    /// The procedure addressed by `:id` if the caller may perform `action` on its customer.
    func procedure(for action: Action) async throws -> ProcedureStore.Procedure {
        guard let id = parameters.get("id", as: Int.self),
            let procedure = try await ProcedureStore(database: db).find(id),
            let customer = try await CustomerModel.read(procedure.customerID, on: db)
        else { throw KefuError.notFound }
        try await authorize(
            action, on: customer.recordFacts, recordType: ProcedureRecordKind.recordType, recordID: String(id))
        return procedure
    }
}

/// `/api/v1/customers/{id}/procedures` and `/api/v1/procedures/{id}/steps/{stepID}` (R3.4).
struct ProceduresAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let customer = routes.grouped("customers", ":id", "procedures")
        customer.requiring(.viewContracts).get(use: list)
        customer.requiring(.manageContracts).post(use: start)
        routes.grouped("procedures").requiring(.manageContracts).patch(":id", "steps", ":stepID", use: updateStep)
    }

    @Sendable func list(req: Request) async throws -> [ProcedureDTO] {
        let customer = try await req.customerToShow(for: .viewContracts)
        let labels = req.contractLabels,
            types = try await ProcedureTemplateStore(database: req.db).all().map(\.template)
        return try await ProcedureStore(database: req.db).procedures(customerID: try customer.requireID())
            .map { ProcedureDTO($0.0, steps: $0.1, labels: labels, types: types) }
    }

    @Sendable func start(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .manageContracts)
        let input = try req.content.decode(ProcedureStore.StartInput.self)
        let store = ProcedureStore(database: req.db)
        let id = try await store.start(
            customerID: try customer.requireID(), input, labels: req.contractLabels, context: req.auditContext)
        guard
            let found = try await store.procedures(customerID: try customer.requireID()).first(where: { $0.0.id == id })
        else { throw KefuError.notFound }
        let types = try await ProcedureTemplateStore(database: req.db).all().map(\.template)
        return try await ProcedureDTO(found.0, steps: found.1, labels: req.contractLabels, types: types).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func updateStep(req: Request) async throws -> ProcedureDTO {
        let procedure = try await req.procedure(for: .manageContracts)
        guard let stepID = req.parameters.get("stepID", as: Int.self) else { throw KefuError.notFound }
        let input = try req.content.decode(ProcedureStore.StepInput.self)
        let store = ProcedureStore(database: req.db)
        try await store.update(
            procedure, stepID: stepID, input, today: req.today, labels: req.contractLabels, context: req.auditContext)
        guard
            let found = try await store.procedures(customerID: procedure.customerID).first(where: {
                $0.0.id == procedure.id
            })
        else { throw KefuError.notFound }
        return ProcedureDTO(
            found.0, steps: found.1, labels: req.contractLabels,
            types: try await ProcedureTemplateStore(database: req.db).all().map(\.template))
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/procedures", tag: "Contracts",
            summary:
                "The customer's procedures (工商注册, 税务登记 …): where each stands, its steps with guidance and documents",
            parameters: [OpenAPIParameters.id], responses: [200: "ProcedureList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/procedures", tag: "Contracts",
            summary: "Start a procedure for the customer (one of each type)", parameters: [OpenAPIParameters.id],
            requestSchema: "ProcedureInput", responses: [201: "Procedure"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/procedures/{id}/steps/{stepID}", tag: "Contracts",
            summary: "Move a step on: in_progress, done (after the steps before it); who helps, a note",
            parameters: [
                OpenAPIParameters.id,
                ["name": "stepID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            requestSchema: "ProcedureStepInput", responses: [200: "Procedure"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        return [
            "Procedure": Schema.object(
                [
                    "id": Schema.integer,
                    "type": [
                        "type": "string",
                        "description": .string(
                            "A built-in type (\(ProcedureType.allCases.map(\.rawValue).joined(separator: ", "))) or one the supervisor added (GET /api/v1/procedure-templates)"
                        ),
                    ],
                    "name": text, "contractID": Schema.nullable("integer"),
                    "contractNumber": nullableText,
                    "standing": Schema.enumeration(["not_started", "in_progress", "completed"]), "standingLabel": text,
                    "steps": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "code": text, "name": text, "guidance": text, "documents": text,
                                "status": Schema.enumeration(ProcedureStepStatus.allCases.map(\.rawValue)),
                                "statusLabel": text, "startedOn": nullableText, "doneOn": nullableText,
                                "helper": nullableText, "note": nullableText, "version": Schema.integer,
                                "isCurrent": Schema.boolean,
                            ],
                            required: ["id", "code", "name", "guidance", "documents", "status", "version", "isCurrent"]),
                    ],
                ], required: ["id", "type", "name", "standing", "steps"]),
            "ProcedureList": ["type": "array", "items": Schema.ref("Procedure")],
            "ProcedureInput": Schema.object(
                [
                    "type": [
                        "type": "string",
                        "description": "The code of an active procedure type (GET /api/v1/procedure-templates)",
                    ], "contractID": Schema.nullable("integer"),
                ],
                required: ["type"]),
            "ProcedureStepInput": Schema.object(
                [
                    "status": Schema.enumeration(ProcedureStepStatus.allCases.map(\.rawValue)), "note": nullableText,
                    "helperStaffID": Schema.nullable("integer"), "version": Schema.integer,
                ], required: ["status", "version"]),
        ]
    }
}

/// The customer's procedures page (手续办理): where each stands, the guidance to give for each step.
struct ProceduresController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewContracts).get(.customerProcedures, use: show)
        routes.requiring(.manageContracts).post(.customerProcedures, use: start)
        routes.requiring(.manageContracts).post(.procedureStep, use: updateStep)
    }

    struct Page: Encodable {
        var customerID: Int
        var customerCode: String
        var customerName: String
        var procedures: [ProcedureDTO]
        var hasProcedures: Bool
        var canManage: Bool
        var types: [ChoiceOption]
        var canConfigure: Bool
        var statuses: [ChoiceOption]
        var error: String?
        var errorStepID: Int
    }

    private func render(
        _ req: Request, _ customer: CustomerModel, error: String? = nil, errorStepID: Int = 0,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let id = try customer.requireID()
        let labels = req.contractLabels,
            types = try await ProcedureTemplateStore(database: req.db).all().map(\.template)
        let procedures = try await ProcedureStore(database: req.db).procedures(customerID: id).map {
            ProcedureDTO($0.0, steps: $0.1, labels: labels, types: types)
        }
        let started = Set(procedures.map(\.type))
        let page = Page(
            customerID: id, customerCode: customer.code, customerName: customer.name, procedures: procedures,
            hasProcedures: !procedures.isEmpty,
            canManage: AccessPolicy.permits(staff.actor, .manageContracts, on: customer.recordFacts),
            types: types.filter { $0.isActive && !started.contains($0.code) }.map {
                ChoiceOption(
                    value: $0.code, labelKey: "", label: labels.procedureType($0.code, among: types), isSelected: false)
            },
            canConfigure: AccessPolicy.allows(staff.role, .configureContracts),
            statuses: ChoiceOption.list(
                ProcedureStepStatus.allCases.map(\.rawValue), labelPrefix: "procedure.status", selected: "in_progress"),
            error: error, errorStepID: errorStepID
        )
        return try await req.renderPage("contracts/procedures", titleKey: "procedures.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, try await req.customerToShow(for: .viewContracts))
    }

    @Sendable func start(req: Request) async throws -> Response {
        let customer = try await req.customerToShow(for: .manageContracts)
        let input = try req.content.decode(ProcedureStore.StartInput.self)
        do {
            _ = try await ProcedureStore(database: req.db).start(
                customerID: try customer.requireID(), input, labels: req.contractLabels, context: req.auditContext)
            return req.redirect(
                to: SiteURL.customerProcedures(try customer.requireID()).path,
                flash: FlashMessage(.success, "flash.procedure_started"))
        } catch let errors as FieldErrors {
            return try await render(
                req, customer, error: errors.messages.values.map { req.t($0) }.joined(separator: " "),
                status: .unprocessableEntity)
        }
    }

    struct StepForm: Content { var status: String?; var note: String?; var version: Int? }

    @Sendable func updateStep(req: Request) async throws -> Response {
        let procedure = try await req.procedure(for: .manageContracts)
        guard let stepID = req.parameters.get("stepID", as: Int.self),
            let customer = try await CustomerModel.read(procedure.customerID, on: req.db)
        else { throw KefuError.notFound }
        let form = try req.content.decode(StepForm.self)
        do {
            try await ProcedureStore(database: req.db).update(
                procedure, stepID: stepID,
                .init(
                    status: form.status ?? "", note: form.note, helperStaffID: nil,
                    version: form.version), today: req.today, labels: req.contractLabels,
                context: req.auditContext)
            return req.redirect(
                to: SiteURL.customerProcedures(procedure.customerID).path,
                flash: FlashMessage(.success, "flash.contract_saved"))
        } catch let errors as FieldErrors {
            return try await render(
                req, customer, error: errors.messages.values.map { req.t($0) }.joined(separator: " "),
                errorStepID: stepID,
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            return try await render(
                req, customer, error: req.t(conflict.messageKey), errorStepID: stepID, status: .conflict)
        }
    }
}

extension ProcedureStore.StartInput: Content {}
extension ProcedureStore.StepInput: Content {}
