import Fluent
import FluentSQL
import Foundation
import SQLKit

/// Discipline, awards and penalties (R6.2, R6.4, R7.1, R7.2): violations with their linked evidence,
/// penalties that cite their cause (a record of any kind, never none — the database refuses it too),
/// awards with their cause or month.
struct CreateConduct: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("violations")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            // leaving_post | shirking_customer | confidentiality_breach | conduct
            .field("type", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("description", .string, .required)
            .field("response", .string)
            .field("responded_at", .datetime)
            // pending | confirmed | dismissed
            .field("outcome", .string, .required)
            .field("outcome_note", .string)
            .field("decided_at", .datetime)
            .field("recorded_by_staff_id", .int, .required, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("violation_links")
            .field("id", .int, .identifier(auto: true))
            .field("violation_id", .int, .required, .references("violations", "id"))
            .field("record_type", .string, .required)
            .field("record_id", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "violation_id", "record_type", "record_id")
            .create()
        try await database.schema("penalties")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            // warning | criticism | bonus_deduction | reassignment
            .field("kind", .string, .required)
            // R7.2: the cause — a record of any kind (violation, complaint, contract, attendance mark …).
            .field("cause_type", .string, .required)
            .field("cause_id", .int, .required)
            .field("reason", .string, .required)
            .field("amount", .int)
            .field("imposed_at", .datetime, .required)
            .field("imposed_by_staff_id", .int, .required, .references("staff", "id"))
            .field("appeal_until", .datetime, .required)
            // imposed | appealed | upheld | revoked
            .field("status", .string, .required)
            .field("appeal_reason", .string)
            .field("appealed_at", .datetime)
            .field("decision_note", .string)
            .field("decided_by_staff_id", .int, .references("staff", "id"))
            .field("decided_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .constraint(.sql(.check(SQLRaw("cause_type <> '' AND cause_id > 0"))))
            .create()
        try await database.schema("awards")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            // monthly | annual | special
            .field("kind", .string, .required)
            // 2026-11 for a monthly award
            .field("period", .string)
            .field("cause_type", .string)
            .field("cause_id", .int)
            // comma-separated: bonus, certificate, public_praise, training
            .field("forms", .string, .required)
            .field("bonus", .int)
            .field("citation", .string, .required)
            .field("shortlist_place", .int)
            // JSON: the reasons of the place on the shortlist when the award was decided.
            .field("shortlist_reasons", .string)
            // awaiting_approval | granted | declined
            .field("status", .string, .required)
            .field("decided_by_staff_id", .int, .required, .references("staff", "id"))
            .field("decided_at", .datetime, .required)
            .field("approved_by_staff_id", .int, .references("staff", "id"))
            .field("approved_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX violations_staff ON violations (staff_id, occurred_at, id)").run()
        try await sql.raw("CREATE INDEX violations_department ON violations (department_id, occurred_at, id)").run()
        try await sql.raw("CREATE INDEX penalties_staff ON penalties (staff_id, imposed_at, id)").run()
        try await sql.raw("CREATE INDEX penalties_department ON penalties (department_id, imposed_at, id)").run()
        try await sql.raw("CREATE INDEX awards_staff ON awards (staff_id, decided_at, id)").run()
        try await sql.raw("CREATE INDEX awards_department ON awards (department_id, decided_at, id)").run()
        // The workbench reads the latest public praise across departments.
        try await sql.raw("CREATE INDEX awards_decided ON awards (decided_at, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("awards").delete()
        try await database.schema("penalties").delete()
        try await database.schema("violation_links").delete()
        try await database.schema("violations").delete()
    }
}

/// Violations get record numbers (`WJ-YYYY-NNNNNN`, issue 15): the violations recorded before are
/// numbered in the order they were recorded, in the year they were recorded, from the shared counters.
struct AddNumbersToViolations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("violations").field("number", .string).update()
        let sql = try database.sql()
        let rows = try await sql.raw("SELECT id, created_at FROM violations ORDER BY id").all()
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self),
                createdAt = try row.decode(column: "created_at", as: Date.self)
            let number = try await RecordNumbers.next(ViolationRecordKind.numbering!, at: createdAt, on: database)
            try await sql.raw("UPDATE violations SET number = \(bind: number) WHERE id = \(bind: id)").run()
        }
        try await sql.raw("CREATE UNIQUE INDEX violations_number ON violations (number)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX violations_number").run()
        try await database.schema("violations").deleteField("number").update()
    }
}
