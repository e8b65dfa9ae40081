import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The supervisor's complaint settings (issue 13 §1, §4): `/complaints/settings` and the JSON under
/// `/api/v1/complaint-escalation-ladder` and `/api/v1/complaint-categories` — the ladder's named person
/// and share of the time limit per level, and the categories (renamed, taken out of use, added).
struct ComplaintSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.configureComplaints).get(.complaintSettings, use: show)
        routes.requiring(.configureComplaints).post(.complaintSettingsLadder, use: saveLadderPage)
        routes.requiring(.configureComplaints).post(.complaintSettingsCategories, use: addCategoryPage)
        routes.requiring(.configureComplaints).post(.complaintSettingsCategory, use: updateCategoryPage)
        let api = routes.grouped("api", "v1")
        api.grouped("complaint-escalation-ladder").requiring(.viewComplaints).get(use: ladderAPI)
        api.grouped("complaint-escalation-ladder").requiring(.configureComplaints).put(use: saveLadderAPI)
        api.grouped("complaint-categories").requiring(.viewComplaints).get(use: categoriesAPI)
        api.grouped("complaint-categories").requiring(.configureComplaints).post(use: addCategoryAPI)
        api.grouped("complaint-categories").requiring(.configureComplaints).put(":code", use: updateCategoryAPI)
    }

    // MARK: JSON

    struct LevelDTO: Content { var level: Int; var role: String; var staffID: Int?; var percent: Int }
    struct LadderDTO: Content { var levels: [LevelDTO]; var version: Int }
    struct LadderInput: Content {
        struct Level: Content { var level: Int; var staffID: Int?; var percent: Int? }
        var levels: [Level]?; var version: Int?
    }

    static func ladderDTO(_ req: Request) async throws -> LadderDTO {
        let (levels, version) = try await ComplaintSettingsStore(database: req.db).ladder()
        return LadderDTO(
            levels: levels.map {
                LevelDTO(
                    level: $0.level, role: $0.role.rawValue, staffID: $0.staffID,
                    percent: Int(($0.atShare * 100).rounded()))
            },
            version: version)
    }

    static func activeStaff(_ req: Request) async throws -> [(id: Int, name: String, role: String)] {
        struct Person: Decodable { var id: Int; var displayName: String; var role: String }
        return try await req.db.sql().raw(
            "SELECT id, display_name, role FROM staff WHERE is_active = \(bind: true) AND role IN ('supervisor', 'specialist', 'leadership') ORDER BY role, display_name"
        )
        .allRows(Person.self).map { ($0.id, $0.displayName, $0.role) }
    }

    /// Checks and saves a ladder read at `version`.
    static func saveLadder(_ req: Request, _ inputs: [EscalationLevelInput], version: Int?) async throws {
        let version = try requireFormVersion(version)
        let active = Set(try await activeStaff(req).map(\.id))
        let levels = try ComplaintSettingsRules.ladder(inputs, activeStaff: active).get()
        try await ComplaintSettingsStore(database: req.db).saveLadder(
            levels, version: version, context: req.auditContext)
    }

    @Sendable func ladderAPI(req: Request) async throws -> LadderDTO { try await Self.ladderDTO(req) }

    @Sendable func saveLadderAPI(req: Request) async throws -> LadderDTO {
        let input = try req.content.decode(LadderInput.self)
        try await Self.saveLadder(
            req,
            (input.levels ?? []).map {
                EscalationLevelInput(level: $0.level, staffID: $0.staffID, percent: $0.percent.map(String.init))
            },
            version: input.version)
        return try await Self.ladderDTO(req)
    }

    @Sendable func categoriesAPI(req: Request) async throws -> [ComplaintSettingsStore.Category] {
        try await ComplaintSettingsStore(database: req.db).categories()
    }

    @Sendable func addCategoryAPI(req: Request) async throws -> Response {
        try await ComplaintSettingsStore(database: req.db).addCategory(
            try req.content.decode(ComplaintSettingsStore.CategoryInput.self), context: req.auditContext)
        return try await ComplaintSettingsStore(database: req.db).categories().encodeResponse(
            status: .created, for: req)
    }

    @Sendable func updateCategoryAPI(req: Request) async throws -> [ComplaintSettingsStore.Category] {
        let store = ComplaintSettingsStore(database: req.db)
        try await store.updateCategory(
            req.parameters.get("code") ?? "", try req.content.decode(ComplaintSettingsStore.CategoryInput.self),
            context: req.auditContext)
        return try await store.categories()
    }

    // MARK: The page

    struct Page: Encodable {
        struct Level: Encodable {
            var level: Int; var roleKey: String; var percent: String; var people: [ChoiceOption];
            var percentError: String? = nil; var staffError: String? = nil
        }
        struct Category: Encodable {
            var code: String; var name: String; var isActive: Bool; var version: Int; var hasError: Bool;
            var error: String? = nil
        }
        var levels: [Level]; var version: Int; var categories: [Category]
        var newCode = ""; var newName = ""; var errors: [String: String] = [:]; var formErrorKey: String?;
        var errorCode = ""
    }

    struct LadderForm: Content {
        var version: Int?
        var percent1: String?; var staff1: String?; var percent2: String?; var staff2: String?; var percent3: String?;
        var staff3: String?
        var inputs: [EscalationLevelInput] {
            [(1, percent1, staff1), (2, percent2, staff2), (3, percent3, staff3)].map {
                EscalationLevelInput(level: $0.0, staffID: Int($0.2 ?? ""), percent: $0.1)
            }
        }
    }

    func page(_ req: Request, ladder form: LadderForm? = nil) async throws -> Page {
        let (levels, version) = try await ComplaintSettingsStore(database: req.db).ladder()
        let people = try await Self.activeStaff(req)
        let categories = try await ComplaintSettingsStore(database: req.db).categories()
        return Page(
            levels: levels.map { level in
                let typed = form?.inputs.first { $0.level == level.level }
                let chosen = typed.map { $0.staffID.map(String.init) ?? "" } ?? level.staffID.map(String.init) ?? ""
                return Page.Level(
                    level: level.level, roleKey: "complaint.ladder.role.\(level.role.rawValue)",
                    percent: typed?.percent ?? String(Int((level.atShare * 100).rounded())),
                    people: [ChoiceOption(value: "", labelKey: "complaint.ladder.by_role", isSelected: chosen.isEmpty)]
                        + people.map {
                            ChoiceOption(
                                value: String($0.id), labelKey: "", label: "\($0.name)（\(req.t("role.\($0.role)"))）",
                                isSelected: String($0.id) == chosen)
                        })
            },
            version: version,
            categories: categories.map {
                Page.Category(code: $0.code, name: $0.name, isActive: $0.isActive, version: $0.version, hasError: false)
            })
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await req.renderPage("complaints/settings", titleKey: "complaints.settings", try await page(req))
    }

    /// The page again with the message at the field, what was typed kept.
    private func refused(
        _ req: Request, _ error: any Error, ladder: LadderForm? = nil, edit: (code: String, name: String)? = nil,
        new: (code: String, name: String)? = nil
    ) async throws -> Response {
        var page = try await page(req, ladder: ladder)
        var status: HTTPResponseStatus = .unprocessableEntity
        switch error {
        case let errors as FieldErrors: page.errors = errors.messages
        case let conflict as RecordConflict:
            page.formErrorKey = conflict.messageKey
            status = .conflict
        case let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity:
            page.errors = error.fields
            page.formErrorKey = error.messageKey
            status = error.status
        default: throw error
        }
        let errors = page.errors
        page.levels = page.levels.map { level in
            var level = level
            level.percentError = errors["level\(level.level).percent"]
            level.staffError = errors["level\(level.level).staffID"]
            return level
        }
        if let edit {
            page.errorCode = edit.code
            page.categories = page.categories.map { c in
                var c = c
                if c.code == edit.code {
                    c.name = edit.name; c.hasError = true; c.error = errors["name"] ?? page.formErrorKey
                }
                return c
            }
        }
        if let new { page.newCode = new.code; page.newName = new.name }
        return try await req.renderPage("complaints/settings", titleKey: "complaints.settings", page, status: status)
    }

    @Sendable func saveLadderPage(req: Request) async throws -> Response {
        let form = try req.content.decode(LadderForm.self)
        do {
            try await Self.saveLadder(req, form.inputs, version: form.version)
            return req.redirect(to: SiteURL.complaintSettings.path, flash: FlashMessage(.success, "flash.saved"))
        } catch {
            return try await refused(req, error, ladder: form)
        }
    }

    struct CategoryForm: Content { var code: String?; var name: String?; var isActive: String?; var version: Int? }

    @Sendable func addCategoryPage(req: Request) async throws -> Response {
        let form = try req.content.decode(CategoryForm.self)
        do {
            try await ComplaintSettingsStore(database: req.db).addCategory(
                .init(code: form.code, name: form.name, isActive: true, version: nil), context: req.auditContext)
            return req.redirect(to: SiteURL.complaintSettings.path, flash: FlashMessage(.success, "flash.saved"))
        } catch {
            return try await refused(req, error, new: (form.code ?? "", form.name ?? ""))
        }
    }

    @Sendable func updateCategoryPage(req: Request) async throws -> Response {
        let form = try req.content.decode(CategoryForm.self)
        let code = req.parameters.get("code") ?? ""
        do {
            try await ComplaintSettingsStore(database: req.db).updateCategory(
                code, .init(code: code, name: form.name, isActive: form.isActive == "on", version: form.version),
                context: req.auditContext)
            return req.redirect(to: SiteURL.complaintSettings.path, flash: FlashMessage(.success, "flash.saved"))
        } catch {
            return try await refused(req, error, edit: (code, form.name ?? ""))
        }
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/complaint-escalation-ladder", tag: "Complaints",
            summary:
                "The escalation ladder: per level the role, the named person (or null: everyone of the role) and the share of a time limit in percent",
            responses: [200: "ComplaintLadder"]),
        APIOperation(
            method: .PUT, path: "/api/v1/complaint-escalation-ladder", tag: "Complaints",
            summary:
                "Change the ladder's named people and shares (25–500 %, rising with the level); version 0 before the first save",
            requestSchema: "ComplaintLadderInput", responses: [200: "ComplaintLadder"]),
        APIOperation(
            method: .GET, path: "/api/v1/complaint-categories", tag: "Complaints",
            summary: "The complaint categories, in use or not",
            responses: [200: "ComplaintCategories"]),
        APIOperation(
            method: .POST, path: "/api/v1/complaint-categories", tag: "Complaints",
            summary: "Add a category (code: lower-case letters and _)",
            requestSchema: "ComplaintCategoryInput", responses: [201: "ComplaintCategories"]),
        APIOperation(
            method: .PUT, path: "/api/v1/complaint-categories/{code}", tag: "Complaints",
            summary: "Rename a category or take it out of use (complaints keep theirs); version required",
            parameters: [["name": "code", "in": "path", "required": true, "schema": ["type": "string"]]],
            requestSchema: "ComplaintCategoryInput", responses: [200: "ComplaintCategories"]),
    ]

    static var schemas: [String: JSONValue] {
        let level = Schema.object(
            [
                "level": Schema.integer, "role": Schema.enumeration(EscalationRole.allCases.map(\.rawValue)),
                "staffID": Schema.nullable("integer"),
                "percent": Schema.integer,
            ], required: ["level", "role", "percent"])
        let category = Schema.object(
            [
                "id": Schema.integer, "code": Schema.string, "name": Schema.string, "isActive": Schema.boolean,
                "position": Schema.integer, "version": Schema.integer,
            ],
            required: ["id", "code", "name", "isActive", "position", "version"])
        return [
            "ComplaintLadder": Schema.object(
                ["levels": ["type": "array", "items": level], "version": Schema.integer],
                required: ["levels", "version"]),
            "ComplaintLadderInput": Schema.object(
                [
                    "levels": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "level": Schema.integer, "staffID": Schema.nullable("integer"),
                                "percent": Schema.integer,
                            ],
                            required: ["level", "percent"]),
                    ],
                    "version": Schema.integer,
                ], required: ["levels", "version"]),
            "ComplaintCategories": ["type": "array", "items": category],
            "ComplaintCategoryInput": Schema.object(
                ["code": Schema.string, "name": Schema.string, "isActive": Schema.boolean, "version": Schema.integer],
                required: ["name"]),
        ]
    }
}
