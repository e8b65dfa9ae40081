import Foundation
import KefuDomain
import Vapor

/// The supervisor's procedure types (R3.4): 工商注册, 税务登记, 环评 … and the ones the department adds,
/// each a list of steps with the guidance given to the customer and the documents each step needs.
/// Pages under `/procedures/templates`.
struct ProcedureTemplatesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.configureContracts).get(.procedureTemplates, use: list)
        routes.requiring(.configureContracts).post(.procedureTemplates, use: add)
        routes.requiring(.configureContracts).get(.procedureTemplate, use: edit)
        routes.requiring(.configureContracts).post(.procedureTemplate, use: save)
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var code: String; var name: String; var isActive: Bool; var steps: Int; var isEdited: Bool;
            var updatedAt: String
        }
        var rows: [Row]
        var newName: String
        var errors: [String: String] = [:]
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req)
    }

    private func renderList(
        _ req: Request, newName: String = "", errors: [String: String] = [:], status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let labels = req.contractLabels
        let rows = try await ProcedureTemplateStore(database: req.db).all().map {
            ListPage.Row(
                code: $0.template.code, name: labels.procedureType($0.template.code, among: [$0.template]),
                isActive: $0.template.isActive,
                steps: $0.template.steps.count, isEdited: $0.version > 0,
                updatedAt: $0.updatedAt.map(DisplayFormat.dateTime) ?? "—")
        }
        return try await req.renderPage(
            "contracts/procedure_templates", titleKey: "procedure_templates.title",
            ListPage(rows: rows, newName: newName, errors: errors), status: status)
    }

    struct AddForm: Content { var name: String? }

    /// A new type starts with one step named like it; the supervisor then writes its steps.
    @Sendable func add(req: Request) async throws -> Response {
        let form = try req.content.decode(AddForm.self)
        let code = ProcedureTemplateStore.newCode(), labels = req.contractLabels
        let name = (form.name ?? "").trimmed
        do {
            let template = try ProcedureTemplateEditing.validate(
                ProcedureTemplateDraft(name: name, steps: [.init(name: name)]), code: code,
                isBuiltIn: false, shown: labels.procedureStepTexts
            ).get()
            try await ProcedureTemplateStore(database: req.db).save(template, version: 0, context: req.auditContext)
            return req.redirect(
                to: SiteURL.procedureTemplate(code).path, flash: FlashMessage(.success, "flash.procedure_type_added"))
        } catch let errors as FieldErrors {
            return try await renderList(
                req, newName: form.name ?? "", errors: errors.messages.mapValues { req.t($0) },
                status: .unprocessableEntity)
        }
    }

    struct EditPage: Encodable {
        struct Step: Encodable {
            var number: Int; var code: String; var name: String; var guidance: String; var documents: String;
            var error: String?
        }
        var code: String
        var name: String
        var isBuiltIn: Bool
        var isActive: Bool
        var steps: [Step]
        var version: Int
        var errors: [String: String] = [:]
    }

    /// The edit form's rows: the steps in order, then three empty rows to add steps.
    private func page(_ entry: ProcedureTemplateStore.Entry, labels: ContractLabels) -> EditPage {
        let template = entry.template
        let steps =
            template.steps.map { step -> ProcedureStepDraft in
                let texts = labels.procedureStep(step)
                return ProcedureStepDraft(
                    code: step.isCoded ? step.code : "", name: texts.name, guidance: texts.guidance,
                    documents: texts.documents)
            } + Array(repeating: ProcedureStepDraft(), count: 3)
        return EditPage(
            code: template.code, name: labels.procedureType(template.code, among: [template]),
            isBuiltIn: template.isBuiltIn,
            isActive: template.isActive, steps: Self.rows(steps, errors: [:]), version: entry.version)
    }

    static func rows(_ steps: [ProcedureStepDraft], errors: [String: String]) -> [EditPage.Step] {
        steps.enumerated().map { index, step in
            EditPage.Step(
                number: index + 1, code: step.code ?? "", name: step.name ?? "", guidance: step.guidance ?? "",
                documents: step.documents ?? "",
                error: errors["steps.\(index + 1)"])
        }
    }

    private func entry(_ req: Request) async throws -> ProcedureTemplateStore.Entry {
        guard let code = req.parameters.get("code"),
            let entry = try await ProcedureTemplateStore(database: req.db).entry(code)
        else {
            throw KefuError.notFound
        }
        return entry
    }

    @Sendable func edit(req: Request) async throws -> Response {
        try await req.renderPage(
            "contracts/procedure_template", titleKey: "procedure_templates.edit",
            page(try await entry(req), labels: req.contractLabels))
    }

    /// The form's rows come as parallel lists, one entry per row whether filled or not.
    struct EditForm: Content {
        var name: String?; var isActive: String?; var version: Int?
        var stepCode: [String]?; var stepName: [String]?; var stepGuidance: [String]?; var stepDocuments: [String]?

        var draft: ProcedureTemplateDraft {
            let names = stepName ?? [], codes = stepCode ?? [], guidance = stepGuidance ?? [],
                documents = stepDocuments ?? []
            func at(_ list: [String], _ index: Int) -> String? { index < list.count ? list[index] : nil }
            return ProcedureTemplateDraft(
                name: name,
                steps: names.indices.map {
                    ProcedureStepDraft(
                        code: at(codes, $0), name: names[$0], guidance: at(guidance, $0), documents: at(documents, $0))
                }, isActive: isActive == "1")
        }
    }

    @Sendable func save(req: Request) async throws -> Response {
        let entry = try await entry(req)
        let form = try req.content.decode(EditForm.self)
        let labels = req.contractLabels
        let failed: [String: String]
        var status = HTTPResponseStatus.unprocessableEntity
        do {
            guard let version = form.version else { throw FieldErrors(["version": "validation.required"]) }
            let template = try ProcedureTemplateEditing.validate(
                form.draft, code: entry.template.code, isBuiltIn: entry.template.isBuiltIn,
                shown: labels.procedureStepTexts
            ).get()
            try await ProcedureTemplateStore(database: req.db).save(
                template, version: version, context: req.auditContext)
            return req.redirect(
                to: SiteURL.procedureTemplates.path, flash: FlashMessage(.success, "flash.procedure_type_saved"))
        } catch let errors as FieldErrors {
            failed = errors.messages.mapValues { req.t($0) }
        } catch let error as KefuError where error.status == .conflict {
            failed = ["version": req.t("procedure_templates.conflict")]
            status = .conflict
        } catch is RecordConflict {
            failed = ["version": req.t("procedure_templates.conflict")]
            status = .conflict
        }
        // What was typed stays, with each message at its row.
        var page = page(entry, labels: labels)
        let draft = form.draft
        if !page.isBuiltIn { page.name = draft.name ?? page.name }
        page.isActive = draft.isActive ?? page.isActive
        page.steps = Self.rows(draft.steps, errors: failed)
        page.errors = failed
        return try await req.renderPage(
            "contracts/procedure_template", titleKey: "procedure_templates.edit", page, status: status)
    }
}

/// The procedure types in the JSON API (the same rules as the pages).
struct ProcedureTemplatesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let templates = routes.grouped("procedure-templates")
        templates.requiring(.viewContracts).get(use: list)
        templates.requiring(.configureContracts).post(use: add)
        templates.requiring(.configureContracts).put(":code", use: save)
    }

    struct StepDTO: Content { var code: String?; var name: String; var guidance: String; var documents: String }
    struct TemplateDTO: Content {
        var code: String; var name: String; var isBuiltIn: Bool; var isActive: Bool; var steps: [StepDTO];
        var version: Int; var updatedAt: Date?
    }

    static func dto(_ entry: ProcedureTemplateStore.Entry, labels: ContractLabels) -> TemplateDTO {
        let template = entry.template
        return TemplateDTO(
            code: template.code, name: labels.procedureType(template.code, among: [template]),
            isBuiltIn: template.isBuiltIn,
            isActive: template.isActive,
            steps: template.steps.map { step in
                let texts = labels.procedureStep(step)
                return StepDTO(
                    code: step.isCoded ? step.code : nil, name: texts.name, guidance: texts.guidance,
                    documents: texts.documents)
            }, version: entry.version, updatedAt: entry.updatedAt)
    }

    /// Every type with its steps; a specialist reads them to start a procedure, the supervisor edits them.
    @Sendable func list(req: Request) async throws -> [TemplateDTO] {
        let labels = req.contractLabels
        return try await ProcedureTemplateStore(database: req.db).all().map { Self.dto($0, labels: labels) }
    }

    struct TemplateInput: Content {
        var name: String?; var steps: [ProcedureStepDraft]?; var isActive: Bool?; var version: Int?
        var draft: ProcedureTemplateDraft { ProcedureTemplateDraft(name: name, steps: steps ?? [], isActive: isActive) }
    }

    @Sendable func add(req: Request) async throws -> Response {
        let input = try req.content.decode(TemplateInput.self)
        let code = ProcedureTemplateStore.newCode(), labels = req.contractLabels
        let template = try ProcedureTemplateEditing.validate(
            input.draft, code: code, isBuiltIn: false, shown: labels.procedureStepTexts
        ).get()
        let store = ProcedureTemplateStore(database: req.db)
        try await store.save(template, version: 0, context: req.auditContext)
        guard let entry = try await store.entry(code) else { throw KefuError.notFound }
        return try await Self.dto(entry, labels: labels).encodeResponse(status: .created, for: req)
    }

    @Sendable func save(req: Request) async throws -> TemplateDTO {
        let store = ProcedureTemplateStore(database: req.db), labels = req.contractLabels
        guard let code = req.parameters.get("code"), let entry = try await store.entry(code) else {
            throw KefuError.notFound
        }
        let input = try req.content.decode(TemplateInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let template = try ProcedureTemplateEditing.validate(
            input.draft, code: code, isBuiltIn: entry.template.isBuiltIn, shown: labels.procedureStepTexts
        ).get()
        try await store.save(template, version: version, context: req.auditContext)
        guard let saved = try await store.entry(code) else { throw KefuError.notFound }
        return Self.dto(saved, labels: labels)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/procedure-templates", tag: "Contracts",
            summary:
                "The procedure types in use (工商注册, 税务登记 … and those the supervisor added), each step with its guidance and documents",
            responses: [200: "ProcedureTemplateList"]),
        APIOperation(
            method: .POST, path: "/api/v1/procedure-templates", tag: "Contracts",
            summary: "Add a procedure type (supervisor) with its own name and steps",
            requestSchema: "ProcedureTemplateInput",
            responses: [201: "ProcedureTemplate"]),
        APIOperation(
            method: .PUT, path: "/api/v1/procedure-templates/{code}", tag: "Contracts",
            summary:
                "Change a type's steps, guidance and documents or retire it (supervisor); procedures started keep their steps",
            parameters: [
                ["name": "code", "in": "path", "required": true, "schema": ["type": "string", "maxLength": 40]]
            ],
            requestSchema: "ProcedureTemplateInput", responses: [200: "ProcedureTemplate"]),
    ]

    static var schemas: [String: JSONValue] {
        let step = Schema.object(
            [
                "code": Schema.nullable("string"), "name": Schema.string, "guidance": Schema.string,
                "documents": Schema.string,
            ],
            required: ["name", "guidance", "documents"])
        let stepInput = Schema.object(
            [
                "code": [
                    "type": ["string", "null"],
                    "description": "A built-in step's code, kept while its texts are left as shown",
                ],
                "name": Schema.nullable("string"), "guidance": Schema.nullable("string"),
                "documents": Schema.nullable("string"),
            ], required: [])
        return [
            "ProcedureTemplate": Schema.object(
                [
                    "code": Schema.string, "name": Schema.string, "isBuiltIn": ["type": "boolean"],
                    "isActive": ["type": "boolean"],
                    "steps": ["type": "array", "items": step],
                    "version": ["type": "integer", "description": "0 for a built-in type never edited"],
                    "updatedAt": Schema.nullable("string", format: "date-time"),
                ], required: ["code", "name", "isBuiltIn", "isActive", "steps", "version"]),
            "ProcedureTemplateList": Schema.array(of: "ProcedureTemplate"),
            "ProcedureTemplateInput": Schema.object(
                [
                    "name": [
                        "type": ["string", "null"], "description": "An added type's name (required when adding)",
                    ],
                    "steps": [
                        "type": ["array", "null"], "items": stepInput, "maxItems": 20,
                        "description": "At least one step, each with a name",
                    ],
                    "isActive": ["type": ["boolean", "null"]],
                    "version": [
                        "type": ["integer", "null"],
                        "description": "The version read (0: a built-in never edited); required to change",
                    ],
                ], required: []),
        ]
    }
}
