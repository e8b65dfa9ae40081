import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing

@testable import KefuServer

/// The work figures that read the most rows (a training session's effect reads them over 30 and 90
/// days before and after, for everyone who attended) read covering indexes, never the tables' rows.
@Suite("Work figures: covering indexes (issue 14 speed)")
struct WorkFigureIndexTests {
    @Test("complaints resolved in time and inquiries answered read their covering indexes (EXPLAIN QUERY PLAN)")
    func coveringIndexes() async throws {
        try await withApp { t in
            let sql = try t.app.db.sql()
            func plan(_ query: SQLQueryString) async throws -> String {
                try await sql.raw("EXPLAIN QUERY PLAN \(query)").all().map {
                    try $0.decode(column: "detail", as: String.self)
                }.joined(separator: " | ")
            }
            let period = TrainingEffect.windows(heldOn: CalendarDay("2026-09-15")!, days: 90).before
            let span = PeriodInstants(period)
            let complaints = try await plan(
                ComplaintServiceQualityFigures.resolved(staffIDs: [1, 2, 3], from: span.from, until: span.until))
            #expect(complaints.contains("COVERING INDEX complaints_resolved_by"), "\(complaints)")
            let source = try #require(
                WorkFigureReader.source(.inquiriesAnswered, staffIDs: [1, 2, 3], period: period, now: testStart))
            let inquiries = try await plan(
                "SELECT staff_id, COUNT(*) AS n FROM inquiries WHERE \(source.condition) GROUP BY staff_id")
            #expect(inquiries.contains("COVERING INDEX inquiries_staff_answered"), "\(inquiries)")
        }
    }
}
