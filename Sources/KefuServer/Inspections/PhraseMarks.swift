import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Marks the phrases to avoid in a communication record as it is saved (R6.5), with the list of the
/// department of the person who recorded it; inspection offers such records first.
enum PhraseMarks {
    /// The text a record is checked in: its summary, then its content.
    static func text(summary: String, content: String) -> String { summary + "\n" + content }

    /// The phrases of the recorder's department's list found in the text. Read before the record's
    /// transaction: on SQLite every statement inside it waits on the one writer (issue 18 §9).
    static func find(staffID: Int, summary: String, content: String, on database: any Database) async throws
        -> [AvoidedPhrase]
    {
        guard
            let departmentID = try await database.sql().raw(
                "SELECT department_id FROM staff WHERE id = \(bind: staffID)"
            ).first()?
            .decode(column: "department_id", as: Int?.self)
        else { return [] }
        let phrases = try await InspectionStore(database: database).settings(departmentID: departmentID).phrases
        return PhrasesToAvoid.find(in: text(summary: summary, content: content), phrases: phrases)
    }

    /// The INSERT that keeps the phrases `find` found with the record, in its transaction; nil when none.
    static func mark(_ found: [AvoidedPhrase], recordID: Int, staffID: Int, context: AuditContext) throws
        -> SQLQueryString?
    {
        guard !found.isEmpty else { return nil }
        return """
            INSERT INTO communication_phrase_marks (communication_record_id, staff_id, phrases, created_at)
            VALUES (\(bind: recordID), \(bind: staffID), \(bind: try InspectionStore.json(found)), \(bind: context.now))
            """
    }

    /// The phrases marked in a record, in order.
    static func found(recordID: Int, on database: any Database) async throws -> [AvoidedPhrase] {
        guard
            let text = try await database.sql().raw(
                """
                SELECT phrases FROM communication_phrase_marks WHERE communication_record_id = \(bind: recordID)
                """
            ).first()?.decode(column: "phrases", as: String.self)
        else { return [] }
        return (try? JSONDecoder().decode([AvoidedPhrase].self, from: Data(text.utf8))) ?? []
    }
}
