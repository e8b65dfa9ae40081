import Foundation
import KefuDomain
import Vapor

/// The supervisor's contract types and their templates (R3.4): which documents a new contract of a
/// type collects and which clauses are explained. Pages under `/contracts/templates`.
struct ContractTemplatesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.configureContracts).get(.contractTemplates, use: list)
        routes.requiring(.configureContracts).post(.contractTemplates, use: add)
        routes.requiring(.configureContracts).get(.contractTemplate, use: edit)
        routes.requiring(.configureContracts).post(.contractTemplate, use: save)
    }

    struct ListPage: Encodable {
        struct Row: Encodable {
            var code: String; var name: String; var isActive: Bool; var documents: Int; var clauses: Int;
            var isEdited: Bool; var updatedAt: String
        }
        var rows: [Row]
        var newName: String
        var errors: [String: String] = [:]
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req)
    }

    private func renderList(
        _ req: Request, newName: String = "", errors: [String: String] = [:],
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let labels = req.contractLabels
        let rows = try await ContractTemplateStore(database: req.db).all().map {
            ListPage.Row(
                code: $0.template.code, name: labels.type($0.template.code, among: [$0.template]),
                isActive: $0.template.isActive,
                documents: $0.template.documents.count, clauses: $0.template.clauses.count, isEdited: $0.version > 0,
                updatedAt: $0.updatedAt.map(DisplayFormat.dateTime) ?? "—")
        }
        return try await req.renderPage(
            "contracts/templates", titleKey: "contract_templates.title",
            ListPage(rows: rows, newName: newName, errors: errors), status: status)
    }

    struct AddForm: Content { var name: String? }

    /// A new type starts with the clauses every contract has; the supervisor then adds its own.
    @Sendable func add(req: Request) async throws -> Response {
        let form = try req.content.decode(AddForm.self)
        let code = ContractTemplateStore.newCode()
        let start = ContractTemplateDraft(
            name: form.name, documents: ContractTemplates.documents(for: .other).map { .init(code: $0.code) },
            clauses: ContractTemplates.clauses(for: .other).map { .init(code: $0.code) })
        do {
            let template = try ContractTemplateEditing.validate(
                start.withShownNames(req.contractLabels), code: code, isBuiltIn: false,
                label: req.contractLabels.templateLabel
            ).get()
            try await ContractTemplateStore(database: req.db).save(template, version: 0, context: req.auditContext)
            return req.redirect(
                to: SiteURL.contractTemplate(code).path, flash: FlashMessage(.success, "flash.contract_type_added"))
        } catch let errors as FieldErrors {
            return try await renderList(
                req, newName: form.name ?? "", errors: errors.messages.mapValues { req.t($0) },
                status: .unprocessableEntity)
        }
    }

    struct EditPage: Encodable {
        struct Line: Encodable { var code: String; var name: String; var isRequired: Bool }
        var code: String
        var name: String
        var isBuiltIn: Bool
        var isActive: Bool
        var documents: [Line]
        var clauses: [Line]
        var version: Int
        var errors: [String: String] = [:]
    }

    /// The edit form's rows: the lines in order, then three empty rows to add lines.
    private func page(_ entry: ContractTemplateStore.Entry, labels: ContractLabels) -> EditPage {
        func lines(_ lines: [TemplateLine], isClause: Bool) -> [EditPage.Line] {
            lines.map {
                EditPage.Line(
                    code: $0.name == nil ? $0.code : "", name: labels.templateLabel($0, isClause: isClause),
                    isRequired: $0.isRequired)
            }
                + Array(repeating: EditPage.Line(code: "", name: "", isRequired: true), count: 3)
        }
        let template = entry.template
        return EditPage(
            code: template.code, name: template.name ?? labels.type(template.code, among: [template]),
            isBuiltIn: template.isBuiltIn,
            isActive: template.isActive, documents: lines(template.documents, isClause: false),
            clauses: lines(template.clauses, isClause: true), version: entry.version)
    }

    private func entry(_ req: Request) async throws -> ContractTemplateStore.Entry {
        guard let code = req.parameters.get("code"),
            let entry = try await ContractTemplateStore(database: req.db).entry(code)
        else {
            throw KefuError.notFound
        }
        return entry
    }

    @Sendable func edit(req: Request) async throws -> Response {
        try await req.renderPage(
            "contracts/template", titleKey: "contract_templates.edit",
            page(try await entry(req), labels: req.contractLabels))
    }

    /// The form's rows come as parallel lists (a select, not a checkbox, says whether a document is
    /// required, so the lists stay aligned).
    struct EditForm: Content {
        var name: String?; var isActive: String?; var version: Int?
        var documentCode: [String]?; var documentName: [String]?; var documentRequired: [String]?
        var clauseCode: [String]?; var clauseName: [String]?

        var draft: ContractTemplateDraft {
            let documentNames = documentName ?? [], documentCodes = documentCode ?? [],
                required = documentRequired ?? []
            let clauseNames = clauseName ?? [], clauseCodes = clauseCode ?? []
            return ContractTemplateDraft(
                name: name,
                documents: documentNames.indices.map {
                    TemplateLineDraft(
                        code: $0 < documentCodes.count ? documentCodes[$0] : nil, name: documentNames[$0],
                        isRequired: $0 < required.count ? required[$0] == "1" : true)
                },
                clauses: clauseNames.indices.map {
                    TemplateLineDraft(code: $0 < clauseCodes.count ? clauseCodes[$0] : nil, name: clauseNames[$0])
                },
                isActive: isActive == "1")
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
            let template = try ContractTemplateEditing.validate(
                form.draft, code: entry.template.code, isBuiltIn: entry.template.isBuiltIn,
                label: labels.templateLabel
            ).get()
            try await ContractTemplateStore(database: req.db).save(
                template, version: version, context: req.auditContext)
            return req.redirect(
                to: SiteURL.contractTemplates.path, flash: FlashMessage(.success, "flash.contract_template_saved"))
        } catch let errors as FieldErrors {
            failed = errors.messages.mapValues { req.t($0) }
        } catch let error as KefuError where error.status == .conflict {
            failed = ["version": req.t("contract_templates.conflict")]
            status = .conflict
        } catch is RecordConflict {
            failed = ["version": req.t("contract_templates.conflict")]
            status = .conflict
        }
        // What was typed stays, with the message at its list.
        var page = page(entry, labels: labels)
        let draft = form.draft
        page.name = draft.name ?? page.name
        page.isActive = draft.isActive ?? page.isActive
        page.documents = draft.documents.map {
            .init(code: $0.code ?? "", name: $0.name ?? "", isRequired: $0.isRequired ?? true)
        }
        page.clauses = draft.clauses.map { .init(code: $0.code ?? "", name: $0.name ?? "", isRequired: true) }
        page.errors = failed
        return try await req.renderPage("contracts/template", titleKey: "contract_templates.edit", page, status: status)
    }
}

extension ContractLabels {
    /// A template line's name as shown.
    func templateLabel(_ line: TemplateLine, isClause: Bool) -> String {
        line.name ?? templateLabel(line.code, isClause)
    }

    /// A coded line's name as shown, which the editing rule compares with what comes back.
    func templateLabel(_ code: String, _ isClause: Bool) -> String {
        isClause ? clause(code, nil) : document(code, nil)
    }
}

extension ContractTemplateDraft {
    /// The draft with each coded line's name as the reader sees it, as the edit form would send it.
    func withShownNames(_ labels: ContractLabels) -> ContractTemplateDraft {
        var draft = self
        draft.documents = documents.map {
            .init(
                code: $0.code, name: $0.name ?? labels.templateLabel($0.code ?? "", false),
                isRequired: $0.isRequired ?? true)
        }
        draft.clauses = clauses.map { .init(code: $0.code, name: $0.name ?? labels.templateLabel($0.code ?? "", true)) }
        return draft
    }
}

/// The contract types and templates in the JSON API (the same rules as the pages).
struct ContractTemplatesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let templates = routes.grouped("contract-templates")
        templates.requiring(.viewContracts).get(use: list)
        templates.requiring(.configureContracts).post(use: add)
        templates.requiring(.configureContracts).put(":code", use: save)
    }

    struct LineDTO: Content { var code: String?; var name: String; var isRequired: Bool }
    struct TemplateDTO: Content {
        var code: String; var name: String; var isBuiltIn: Bool; var isActive: Bool
        var documents: [LineDTO]; var clauses: [LineDTO]; var version: Int; var updatedAt: Date?
    }

    static func dto(_ entry: ContractTemplateStore.Entry, labels: ContractLabels) -> TemplateDTO {
        let template = entry.template
        func lines(_ lines: [TemplateLine], isClause: Bool) -> [LineDTO] {
            lines.map {
                LineDTO(
                    code: $0.name == nil ? $0.code : nil, name: labels.templateLabel($0, isClause: isClause),
                    isRequired: $0.isRequired)
            }
        }
        return TemplateDTO(
            code: template.code, name: labels.type(template.code, among: [template]), isBuiltIn: template.isBuiltIn,
            isActive: template.isActive, documents: lines(template.documents, isClause: false),
            clauses: lines(template.clauses, isClause: true), version: entry.version, updatedAt: entry.updatedAt)
    }

    /// Every type with its lines; a specialist reads them to draft a contract, the supervisor edits them.
    @Sendable func list(req: Request) async throws -> [TemplateDTO] {
        let labels = req.contractLabels
        return try await ContractTemplateStore(database: req.db).all().map { Self.dto($0, labels: labels) }
    }

    struct TemplateInput: Content {
        var name: String?; var documents: [TemplateLineDraft]?; var clauses: [TemplateLineDraft]?; var isActive: Bool?;
        var version: Int?
        var draft: ContractTemplateDraft {
            ContractTemplateDraft(name: name, documents: documents ?? [], clauses: clauses ?? [], isActive: isActive)
        }
    }

    @Sendable func add(req: Request) async throws -> Response {
        let input = try req.content.decode(TemplateInput.self)
        let code = ContractTemplateStore.newCode(), labels = req.contractLabels
        let template = try ContractTemplateEditing.validate(
            input.draft.withShownNames(labels), code: code, isBuiltIn: false,
            label: labels.templateLabel
        ).get()
        let store = ContractTemplateStore(database: req.db)
        try await store.save(template, version: 0, context: req.auditContext)
        guard let entry = try await store.entry(code) else { throw KefuError.notFound }
        return try await Self.dto(entry, labels: labels).encodeResponse(status: .created, for: req)
    }

    @Sendable func save(req: Request) async throws -> TemplateDTO {
        let store = ContractTemplateStore(database: req.db), labels = req.contractLabels
        guard let code = req.parameters.get("code"), let entry = try await store.entry(code) else {
            throw KefuError.notFound
        }
        let input = try req.content.decode(TemplateInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let template = try ContractTemplateEditing.validate(
            input.draft.withShownNames(labels), code: code, isBuiltIn: entry.template.isBuiltIn,
            label: labels.templateLabel
        ).get()
        try await store.save(template, version: version, context: req.auditContext)
        guard let saved = try await store.entry(code) else { throw KefuError.notFound }
        return Self.dto(saved, labels: labels)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/contract-templates", tag: "Contracts",
            summary: "The contract types in use and the documents and clauses a new contract of each starts with",
            responses: [200: "ContractTemplateList"]),
        APIOperation(
            method: .POST, path: "/api/v1/contract-templates", tag: "Contracts",
            summary: "Add a contract type (supervisor) with its own name, documents and clauses",
            requestSchema: "ContractTemplateInput",
            responses: [201: "ContractTemplate"]),
        APIOperation(
            method: .PUT, path: "/api/v1/contract-templates/{code}", tag: "Contracts",
            summary:
                "Change a type's documents and clauses or retire it (supervisor); contracts keep the lines they were created with",
            parameters: [
                ["name": "code", "in": "path", "required": true, "schema": ["type": "string", "maxLength": 40]]
            ],
            requestSchema: "ContractTemplateInput", responses: [200: "ContractTemplate"]),
    ]

    static var schemas: [String: JSONValue] {
        let line = Schema.object(
            ["code": Schema.nullable("string"), "name": Schema.string, "isRequired": ["type": "boolean"]],
            required: ["name", "isRequired"])
        let lineInput = Schema.object(
            [
                "code": Schema.nullable("string"), "name": Schema.nullable("string"),
                "isRequired": ["type": ["boolean", "null"]],
            ],
            required: [])
        return [
            "ContractTemplate": Schema.object(
                [
                    "code": Schema.string, "name": Schema.string, "isBuiltIn": ["type": "boolean"],
                    "isActive": ["type": "boolean"],
                    "documents": ["type": "array", "items": line], "clauses": ["type": "array", "items": line],
                    "version": ["type": "integer", "description": "0 for a built-in type never edited"],
                    "updatedAt": Schema.nullable("string", format: "date-time"),
                ], required: ["code", "name", "isBuiltIn", "isActive", "documents", "clauses", "version"]),
            "ContractTemplateList": Schema.array(of: "ContractTemplate"),
            "ContractTemplateInput": Schema.object(
                [
                    "name": [
                        "type": ["string", "null"], "description": "An added type's name (required when adding)",
                    ],
                    "documents": ["type": ["array", "null"], "items": lineInput, "maxItems": 40],
                    "clauses": [
                        "type": ["array", "null"], "items": lineInput, "maxItems": 40,
                        "description": "At least one clause",
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
