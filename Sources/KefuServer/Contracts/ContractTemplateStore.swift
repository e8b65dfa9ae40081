import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The supervisor's contract templates (R3.4): a row per type whose template was edited or that the
/// supervisor added. A built-in type without a row uses its default lines. Frozen once landed.
struct CreateContractTemplates: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contract_templates")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            // An added type's own name; built-in types are labelled in the reader's language.
            .field("name", .string)
            // The lines as JSON: [{code, name, isRequired}].
            .field("documents", .string, .required)
            .field("clauses", .string, .required)
            .field("is_active", .bool, .required)
            .field("updated_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contract_templates").delete()
    }
}

/// Reads and keeps the templates in use. A contract copies its type's lines when it is created, so
/// an edit changes new contracts only.
struct ContractTemplateStore {
    let database: any Database

    /// A template as shown and edited: `version` 0 is a built-in type never edited (no row yet).
    struct Entry: Sendable {
        var template: ContractTypeTemplate
        var version: Int
        var updatedAt: Date?
    }

    func all() async throws -> [Entry] {
        struct Row: Decodable {
            var code: String; var name: String?; var documents: String; var clauses: String; var isActive: Bool
            var version: Int; var updatedAt: Date
        }
        let rows = try await database.sql().raw(
            """
            SELECT code, name, documents, clauses, is_active, version, updated_at FROM contract_templates ORDER BY code
            """
        ).allRows(Row.self)
        var stored: [String: Entry] = [:]
        let decoder = JSONDecoder()
        for row in rows {
            let template = ContractTypeTemplate(
                code: row.code, name: row.name,
                documents: try decoder.decode([TemplateLine].self, from: Data(row.documents.utf8)),
                clauses: try decoder.decode([TemplateLine].self, from: Data(row.clauses.utf8)), isActive: row.isActive)
            stored[template.code] = Entry(template: template, version: row.version, updatedAt: row.updatedAt)
        }
        return ContractTemplates.merged(stored: stored.values.map(\.template)).map {
            stored[$0.code] ?? Entry(template: $0, version: 0, updatedAt: nil)
        }
    }

    func entry(_ code: String) async throws -> Entry? {
        try await all().first { $0.template.code == code }
    }

    /// The types a new contract may take.
    func activeTemplate(_ code: String) async throws -> ContractTypeTemplate? {
        guard let entry = try await entry(code), entry.template.isActive else { return nil }
        return entry.template
    }

    /// Stores an edited template, claiming the version that was read (0: the built-in default);
    /// a concurrent save of the same version is a conflict, never an overwrite.
    func save(_ template: ContractTypeTemplate, version: Int, context: AuditContext) async throws {
        // Keys in one order: the same lists are the same text, so a change row means a change.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let documents = String(decoding: try encoder.encode(template.documents), as: UTF8.self)
        let clauses = String(decoding: try encoder.encode(template.clauses), as: UTF8.self)
        let audit = RecordWrite.AuditNote(
            action: version == 0 ? "contract_template.created" : "contract_template.updated",
            fields: ["name", "documents", "clauses", "isActive"],
            message: AuditMessage.contractTemplate(
                code: template.code, documents: "\(template.documents.count)", clauses: "\(template.clauses.count)"))
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            guard version == 0 else {
                // A type never saved has no row to claim: the version read is stale.
                guard let id = try await Self.id(of: template.code, on: tx) else { throw KefuError.conflict() }
                try await RecordWrites.change(
                    ContractTemplateKind.self, id: id, version: version,
                    RecordWrite(
                        set: """
                            name = \(bind: template.name), documents = \(bind: documents), clauses = \(bind: clauses),
                            is_active = \(bind: template.isActive), updated_by_staff_id = \(bind: context.actorStaffID)
                            """, audit: audit), context: context, on: tx)
                return
            }
            let claimed = try await sql.raw(
                """
                INSERT INTO contract_templates (code, name, documents, clauses, is_active, updated_by_staff_id, created_at, updated_at, version)
                VALUES (\(bind: template.code), \(bind: template.name), \(bind: documents), \(bind: clauses), \(bind: template.isActive),
                        \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                ON CONFLICT (code) DO NOTHING RETURNING id
                """
            ).first()
            guard let claimed else { throw KefuError.conflict() }
            try await AuditLog.record(
                audit.action, recordType: ContractTemplateKind.recordType,
                recordID: String(try claimed.decode(column: "id", as: Int.self)), fields: audit.fields,
                message: audit.message, quoting: audit.quoting, context: context, on: tx)
        }
    }

    /// The row of a saved type.
    static func id(of code: String, on database: any Database) async throws -> Int? {
        try await database.sql().raw("SELECT id FROM contract_templates WHERE code = \(bind: code)").first()?
            .decode(column: "id", as: Int.self)
    }

    /// A code for a type the supervisor adds: short, URL-safe and never a built-in's.
    static func newCode() -> String {
        "type_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
    }
}

extension ContractLabels {
    /// A type's name as shown: the added type's own name, the built-in's in the reader's language.
    func type(_ code: String, among templates: [ContractTypeTemplate]) -> String {
        if let name = templates.first(where: { $0.code == code })?.name { return name }
        return localizer.text("contract.type.\(code)", language)
    }
}

/// A contract type the department configured (not a customer's record: it has no timeline).
enum ContractTemplateKind: RecordKind {
    static let recordType = "contract_template", table = "contract_templates"
    static let tracked = ["name", "documents", "clauses", "is_active"]
}
