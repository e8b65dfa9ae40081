import Fluent
import SQLKit

/// Covering indexes for the work figures an assessment cycle and the monthly award shortlist read
/// for 200 people (issue 14 and 15 "Speed"). The indexes they replace found the rows but then read
/// each row of the table for the one column the figure needs (whether a follow-up was completed in
/// time, a reply given, a contract cancelled, a survey's score): on a file not yet in memory the
/// year's 740,000 follow-ups alone cost 549,000 page reads, and the cycle's first recomputation took
/// 16 s. Each new index leads with the same columns as the one it replaces (so every query that used
/// the old one uses the new one) and carries the rest of what the figure reads.
struct CreateWorkFigureCoveringIndexes: AsyncMigration {
    struct Replacement {
        var old: String, oldDefinition: String, new: String, definition: String
    }

    static let replacements = [
        Replacement(
            old: "follow_ups_staff_due", oldDefinition: "ON follow_ups (staff_id, due_at)",
            new: "follow_ups_staff_due_completed", definition: "ON follow_ups (staff_id, due_at, completed_at)"),
        Replacement(
            old: "inquiries_staff_promised",
            oldDefinition: "ON inquiries (staff_id, promised_by) WHERE promised_by IS NOT NULL",
            new: "inquiries_staff_promised_replied",
            definition: "ON inquiries (staff_id, promised_by, replied_at) WHERE promised_by IS NOT NULL"),
        Replacement(
            old: "contracts_staff_signed",
            oldDefinition: "ON contracts (staff_id, signed_on) WHERE signed_on IS NOT NULL",
            new: "contracts_staff_signed_state",
            definition: "ON contracts (staff_id, signed_on, state) WHERE signed_on IS NOT NULL"),
        Replacement(
            old: "survey_attributions_staff", oldDefinition: "ON survey_attributions (staff_id, answered_at)",
            new: "survey_attributions_staff_score", definition: "ON survey_attributions (staff_id, answered_at, score)"),
        // The partial index's own condition names `state`; only with the column in the index does SQLite
        // see the count of a person's return visits done as answered by the index alone.
        Replacement(
            old: "return_visits_done_by",
            oldDefinition: "ON return_visits (done_by_staff_id, done_at) WHERE state = 'done'",
            new: "return_visits_done_by_state",
            definition: "ON return_visits (done_by_staff_id, done_at, state) WHERE state = 'done'"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        for index in Self.replacements {
            try await sql.raw("CREATE INDEX \(unsafeRaw: index.new) \(unsafeRaw: index.definition)").run()
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index.old)").run()
        }
        try await SQLiteStatistics.analyze(indexes: Self.replacements.map(\.new), on: database)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for index in Self.replacements {
            try await sql.raw("CREATE INDEX \(unsafeRaw: index.old) \(unsafeRaw: index.oldDefinition)").run()
            try await sql.raw("DROP INDEX \(unsafeRaw: index.new)").run()
        }
    }
}
