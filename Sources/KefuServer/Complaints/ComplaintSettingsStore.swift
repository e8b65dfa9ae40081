import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The escalation ladder's levels: the level number is the id (1 specialist, 2 supervisor, 3 leadership).
enum ComplaintEscalationLevelKind: RecordKind {
    static let recordType = "complaint_escalation_level", table = "complaint_escalation_levels"
}

/// A complaint category the supervisor keeps.
enum ComplaintCategoryKind: RecordKind {
    static let recordType = "complaint_category", table = "complaint_categories"
    static let tracked = ["name", "is_active"]
}

/// The supervisor's complaint settings (issue 13 §1, §4): the escalation ladder — a named person and
/// the share of the time limit per level, read by the scheduler's scan — and the categories. Each
/// save claims the version read and is audited.
struct ComplaintSettingsStore {
    let database: any Database

    /// The ladder as set, the standard levels where nothing was saved; and the version of the saved
    /// rows (0 before the first save).
    func ladder() async throws -> (levels: [EscalationLevel], version: Int) {
        struct Level: Decodable {
            var id: Int; var role: String; var staffID: Int?; var atShare: Double; var version: Int
        }
        let rows = try await database.sql().raw(
            "SELECT id, role, staff_id, at_share, version FROM complaint_escalation_levels ORDER BY id"
        ).allRows(Level.self)
        var saved: [Int: EscalationLevel] = [:]
        var version = 0
        for row in rows {
            saved[row.id] = EscalationLevel(
                level: row.id, role: EscalationRole(rawValue: row.role) ?? .supervisor, staffID: row.staffID,
                atShare: row.atShare)
            version = max(version, row.version)
        }
        return (EscalationLevel.defaults.map { saved[$0.level] ?? $0 }, version)
    }

    /// Saves the ladder read at `version`; 409 when it was saved meanwhile.
    func saveLadder(_ levels: [EscalationLevel], version: Int, context: AuditContext) async throws {
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            let current =
                try await sql.raw("SELECT MAX(version) AS v FROM complaint_escalation_levels").first()?.decode(
                    column: "v", as: Int?.self) ?? nil
            guard (current ?? 0) == version else { throw KefuError.conflict() }
            for level in levels {
                let updated = try await sql.raw(
                    """
                    UPDATE complaint_escalation_levels SET staff_id = \(bind: level.staffID), at_share = \(bind: level.atShare), updated_at = \(bind: context.now),
                        version = \(bind: version + 1)
                    WHERE id = \(bind: level.level) AND version = \(bind: version) RETURNING id
                    """
                ).first()
                if updated == nil {
                    let inserted = try await sql.raw(
                        """
                        INSERT INTO complaint_escalation_levels (id, role, staff_id, at_share, created_at, updated_at, version)
                        VALUES (\(bind: level.level), \(bind: level.role.rawValue), \(bind: level.staffID), \(bind: level.atShare), \(bind: context.now),
                                \(bind: context.now), \(bind: version + 1))
                        ON CONFLICT (id) DO NOTHING RETURNING id
                        """
                    ).first()
                    guard inserted != nil else { throw KefuError.conflict() }
                }
            }
            try await AuditLog.record(
                "complaint.ladder", recordType: ComplaintEscalationLevelKind.recordType, recordID: "-",
                fields: ["staffID", "atShare"],
                message: AuditMessage.ladder(levels), context: context, on: tx)
        }
    }

    struct Category: Content {
        var id: Int; var code: String; var name: String; var isActive: Bool; var position: Int; var version: Int
    }

    func categories() async throws -> [Category] {
        try await database.sql().raw(
            "SELECT id, code, name, is_active, position, version FROM complaint_categories ORDER BY position, id"
        ).allRows(Category.self)
    }

    struct CategoryInput: Content { var code: String?; var name: String?; var isActive: Bool?; var version: Int? }

    /// Adds a category at the end of the list.
    func addCategory(_ input: CategoryInput, context: AuditContext) async throws {
        let all = try await categories()
        try ComplaintSettingsRules.category(
            code: input.code, name: input.name, otherNames: Set(all.map(\.name)), existingCodes: Set(all.map(\.code)),
            isNew: true
        )
        .throwIfAny()
        let code = (input.code ?? "").trimmed, name = (input.name ?? "").trimmed
        try await database.writeTransaction { tx in
            let id = try await tx.sql().raw(
                """
                INSERT INTO complaint_categories (code, name, position, is_active, created_at, updated_at, version)
                VALUES (\(bind: code), \(bind: name), \(bind: (all.map(\.position).max() ?? 0) + 1), \(bind: input.isActive ?? true),
                        \(bind: context.now), \(bind: context.now), 1)
                RETURNING id
                """
            ).first()?.decode(column: "id", as: Int.self)
            try await AuditLog.record(
                "complaint.category.added", recordType: ComplaintCategoryKind.recordType,
                recordID: id.map(String.init) ?? code,
                fields: ["name"], message: AuditMessage.name(name),
                context: context, on: tx)
        }
    }

    /// Renames a category or takes it out of (or back into) use; complaints keep their category.
    func updateCategory(_ code: String, _ input: CategoryInput, context: AuditContext) async throws {
        let version = try requireFormVersion(input.version)
        let all = try await categories()
        guard let current = all.first(where: { $0.code == code }) else { throw KefuError.notFound }
        try ComplaintSettingsRules.category(
            code: code, name: input.name, otherNames: Set(all.filter { $0.code != code }.map(\.name)),
            existingCodes: [], isNew: false
        )
        .throwIfAny()
        let name = (input.name ?? "").trimmed, isActive = input.isActive ?? current.isActive
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                ComplaintCategoryKind.self, id: current.id, version: version,
                RecordWrite(
                    set: "name = \(bind: name), is_active = \(bind: isActive)",
                    audit: .init(
                        action: "complaint.category.changed", fields: ["name", "isActive"],
                        message: AuditMessage.renamed(from: current.name, to: name, isActive: isActive))),
                context: context, on: tx)
        }
    }
}
