import Fluent
import Foundation

/// Converts the old details of the writers moved to messages after ``AddAuditMessages`` (issue 9 §7),
/// which has run on existing databases and is frozen: the shapes of customers, inquiries, follow-ups,
/// privacy, training, conduct, assessment, attendance, staff, the calendar, work plans, inspections,
/// projects, recommendations, return visits, feedback, templates and settings
/// (``LegacyAuditDetailMore``), in chunks with the append-only triggers kept (``AuditDetailConversion``).
/// Details of no known shape, and those that were only what someone typed, stay text.
struct ConvertMoreAuditDetails: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await AuditDetailConversion.run(
            actions: LegacyAuditDetailMore.actions, convert: LegacyAuditDetailMore.convert, on: database)
    }

    /// The converted entries keep their messages: they read the same, and their old text is not kept.
    func revert(on database: any Database) async throws {}
}
