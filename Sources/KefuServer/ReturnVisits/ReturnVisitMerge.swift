import Fluent
import Foundation
import SQLKit

extension ReturnVisitStore {
    /// A customer has one visit due at a time (`return_visits_one_due`). When two files that each have
    /// one are merged, the survivor keeps one: the visit a low survey score opened (a problem to hear
    /// about) before a scheduled one, else the earlier due — taking the earlier of the two due times —
    /// and the other, which holds nothing recorded yet, is removed. Runs in the merge's transaction,
    /// before the duplicate's records move.
    static func foldDueVisits(from duplicateID: Int, into survivorID: Int, on database: any Database) async throws {
        struct Due: Decodable { var id: Int; var reason: String; var due_at: Date }
        let sql = try database.sql()
        let due = try await sql.raw(
            """
            SELECT id, reason, due_at FROM return_visits WHERE state = 'due' AND customer_id IN (\(bind: duplicateID), \(bind: survivorID))
            ORDER BY CASE WHEN reason = 'low_score' THEN 0 ELSE 1 END, due_at, id
            """
        ).all(decoding: Due.self)
        guard due.count == 2 else { return }
        let (kept, folded) = (due[0], due[1])
        try await sql.raw("DELETE FROM return_visits WHERE id = \(bind: folded.id) AND state = 'due'").run()
        try await sql.raw(
            """
            UPDATE return_visits SET due_at = \(bind: min(kept.due_at, folded.due_at)), version = version + 1 WHERE id = \(bind: kept.id)
            """
        ).run()
    }
}
