import Fluent
import SQLKit

/// Quality inspection (R2.2, R6.5): the department's checklist and phrases to avoid, and the
/// inspections of sampled communication records with their scores, acknowledgements and disputes.
struct CreateInspections: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("inspection_settings")
            .field("id", .int, .identifier(auto: true))
            .field("department_id", .int, .required, .references("departments", "id"))
            // JSON: [{code, name, weight}], weights adding up to 100.
            .field("checklist", .string, .required)
            // JSON: ["不知道", …]
            .field("phrases", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "department_id")
            .create()
        try await database.schema("inspections")
            .field("id", .int, .identifier(auto: true))
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("record_type", .string, .required)
            .field("record_id", .int, .required)
            .field("period_start", .string, .required)
            .field("period_end", .string, .required)
            // random | long_calls | phrases
            .field("sample_rule", .string, .required)
            .field("seed", .int64, .required)
            // The checklist as it was when the record was sampled (JSON), so a later change of the
            // department's checklist does not change a scored inspection.
            .field("checklist", .string, .required)
            .field("scores", .string)
            .field("score", .double)
            .field("comment", .string)
            .field("scored_by_staff_id", .int, .references("staff", "id"))
            .field("scored_at", .datetime)
            // sampled → scored → acknowledged | disputed → answered
            .field("status", .string, .required)
            .field("dispute_reason", .string)
            .field("answer", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "record_type", "record_id")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX inspections_department ON inspections (department_id, period_start, id)").run()
        try await sql.raw("CREATE INDEX inspections_staff ON inspections (staff_id, period_start, id)").run()
        try await sql.raw(
            "CREATE INDEX communication_records_staff ON communication_records (staff_id, occurred_at, id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX communication_records_staff").run()
        try await database.schema("inspections").delete()
        try await database.schema("inspection_settings").delete()
    }
}

/// The phrases to avoid found in a communication record when it was saved (R6.5): such records are
/// offered first to inspection.
struct CreateCommunicationPhraseMarks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("communication_phrase_marks")
            .field("id", .int, .identifier(auto: true))
            .field("communication_record_id", .int, .required, .references("communication_records", "id"))
            .field("staff_id", .int, .required, .references("staff", "id"))
            // JSON: [{phrase, offset}] in the record's summary and content.
            .field("phrases", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "communication_record_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("communication_phrase_marks").delete()
    }
}
