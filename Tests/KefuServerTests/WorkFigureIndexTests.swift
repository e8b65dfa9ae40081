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

    @Test(
        "an assessment cycle's and the award shortlist's figures read only covering indexes, never the tables' rows (EXPLAIN QUERY PLAN)"
    )
    func everyCountedFigureCovered() async throws {
        try await withApp { t in
            let sql = try t.app.db.sql()
            let staffIDs = Array(1...200)
            let year = try #require(
                AssessmentPeriod(start: CalendarDay("2026-01-01")!, end: CalendarDay("2026-12-31")!))
            let expected: [WorkFigure: String] = [
                .inquiriesAnswered: "inquiries_staff_answered", .repliesOnTime: "inquiries_staff_promised_replied",
                .followUpsOnTime: "follow_ups_staff_due_completed", .contractsSigned: "contracts_staff_signed_state",
                .returnVisitsDone: "return_visits_done_by_state",
            ]
            for (figure, index) in expected {
                let plan = try await sql.raw(
                    "EXPLAIN QUERY PLAN \(WorkFigureReader.query(figure, staffIDs: staffIDs, period: year, now: testStart)!)"
                ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(plan.contains("COVERING INDEX \(index)"), "\(figure): \(plan)")
                #expect(!plan.contains("SCAN"), "\(figure): \(plan)")
            }
            let span = PeriodInstants(year)
            let surveys = try await sql.raw(
                "EXPLAIN QUERY PLAN \(ComplaintServiceQualityFigures.satisfaction(staffIDs: staffIDs, from: span.from, until: span.until))"
            ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(surveys.contains("COVERING INDEX survey_attributions_staff_score"), "\(surveys)")
        }
    }
}
