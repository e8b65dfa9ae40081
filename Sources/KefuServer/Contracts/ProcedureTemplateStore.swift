import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The supervisor's procedure types (R3.4: 工商注册, 税务登记 and configurable others): a row per type
/// that was edited or added. A built-in type without a row uses its default steps. Frozen once landed.
struct CreateProcedureTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("procedure_templates")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            // An added type's own name; built-in types are named in the reader's language.
            .field("name", .string)
            // The steps as JSON: [{code, name, guidance, documents}].
            .field("steps", .string, .required)
            .field("is_active", .bool, .required)
            .field("updated_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("procedure_templates").delete()
    }
}

/// A procedure copies its type's steps when it starts — with their texts when the supervisor wrote
/// them — so a later edit of the type changes new procedures only.
struct AddTextsToProcedureSteps: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("procedure_steps").field("name", .string).update()
        try await database.schema("procedure_steps").field("guidance", .string).update()
        try await database.schema("procedure_steps").field("documents", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("procedure_steps").deleteField("documents").update()
        try await database.schema("procedure_steps").deleteField("guidance").update()
        try await database.schema("procedure_steps").deleteField("name").update()
    }
}

/// Reads and keeps the procedure types in use.
struct ProcedureTemplateStore {
    let database: any Database

    /// A type as shown and edited: `version` 0 is a built-in type never edited (no row yet).
    struct Entry: Sendable {
        var template: ProcedureTypeTemplate
        var version: Int
        var updatedAt: Date?
    }

    func all() async throws -> [Entry] {
        struct Row: Decodable {
            var code: String; var name: String?; var steps: String; var isActive: Bool; var version: Int
            var updatedAt: Date
        }
        let rows = try await database.sql().raw(
            "SELECT code, name, steps, is_active, version, updated_at FROM procedure_templates ORDER BY code"
        ).allRows(Row.self)
        var stored: [String: Entry] = [:]
        for row in rows {
            let template = ProcedureTypeTemplate(
                code: row.code, name: row.name,
                steps: try JSONDecoder().decode([ProcedureStepTemplate].self, from: Data(row.steps.utf8)),
                isActive: row.isActive)
            stored[template.code] = Entry(template: template, version: row.version, updatedAt: row.updatedAt)
        }
        return ProcedureTemplates.merged(stored: stored.values.map(\.template)).map {
            stored[$0.code] ?? Entry(template: $0, version: 0, updatedAt: nil)
        }
    }

    func entry(_ code: String) async throws -> Entry? {
        try await all().first { $0.template.code == code }
    }

    /// Stores an edited type, claiming the version that was read (0: the built-in default); a
    /// concurrent save of the same version is a conflict, never an overwrite.
    func save(_ template: ProcedureTypeTemplate, version: Int, context: AuditContext) async throws {
        // Keys in one order: the same steps are the same text, so a change row means a change.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let steps = String(decoding: try encoder.encode(template.steps), as: UTF8.self)
        let audit = RecordWrite.AuditNote(
            action: version == 0 ? "procedure_template.created" : "procedure_template.updated",
            fields: ["name", "steps", "isActive"],
            message: AuditMessage.procedureTemplate(code: template.code, steps: "\(template.steps.count)"))
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            guard version == 0 else {
                // A type never saved has no row to claim: the version read is stale.
                guard
                    let id = try await sql.raw("SELECT id FROM procedure_templates WHERE code = \(bind: template.code)")
                        .first()?.decode(column: "id", as: Int.self)
                else { throw KefuError.conflict() }
                try await RecordWrites.change(
                    ProcedureTemplateKind.self, id: id, version: version,
                    RecordWrite(
                        set: """
                            name = \(bind: template.name), steps = \(bind: steps), is_active = \(bind: template.isActive),
                            updated_by_staff_id = \(bind: context.actorStaffID)
                            """, audit: audit), context: context, on: tx)
                return
            }
            let claimed = try await sql.raw(
                """
                INSERT INTO procedure_templates (code, name, steps, is_active, updated_by_staff_id, created_at, updated_at, version)
                VALUES (\(bind: template.code), \(bind: template.name), \(bind: steps), \(bind: template.isActive), \(bind: context.actorStaffID),
                        \(bind: context.now), \(bind: context.now), 1)
                ON CONFLICT (code) DO NOTHING RETURNING id
                """
            ).first()
            guard let claimed else { throw KefuError.conflict() }
            try await AuditLog.record(
                audit.action, recordType: ProcedureTemplateKind.recordType,
                recordID: String(try claimed.decode(column: "id", as: Int.self)), fields: audit.fields,
                message: audit.message, quoting: audit.quoting, context: context, on: tx)
        }
    }

    /// A code for a type the supervisor adds: short, URL-safe and never a built-in's.
    static func newCode() -> String {
        "proc_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
    }
}

/// A procedure type the department configured (not a customer's record: it has no timeline).
enum ProcedureTemplateKind: RecordKind {
    static let recordType = "procedure_template", table = "procedure_templates"
    static let tracked = ["name", "steps", "is_active"]
}

extension ContractLabels {
    /// A procedure type's name as shown: the added type's own name, the built-in's in the reader's language.
    func procedureType(_ code: String, among templates: [ProcedureTypeTemplate]) -> String {
        if let name = templates.first(where: { $0.code == code })?.name { return name }
        return localizer.text("procedure.type.\(code)", language)
    }

    /// A coded step's texts in the reader's language, which the editing rule compares with what comes back.
    func procedureStepTexts(_ code: String) -> (name: String, guidance: String, documents: String) {
        (
            localizer.text("procedure.step.\(code)", language), localizer.text("procedure.guidance.\(code)", language),
            localizer.text("procedure.documents.\(code)", language)
        )
    }

    /// A step's texts as shown: its own when written by the supervisor, else its code's.
    func procedureStep(_ step: ProcedureStepTemplate) -> (name: String, guidance: String, documents: String) {
        guard let name = step.name else { return procedureStepTexts(step.code) }
        return (name, step.guidance ?? "", step.documents ?? "")
    }
}
