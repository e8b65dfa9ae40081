import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The complaints part's figures for assessments and plans (R5.3, issue 14 ← issue 13): the customer
/// satisfaction attributed to each person who handled a matter, and the share of each specialist's
/// complaints resolved within the time limit of their severity, counted in working hours on the one
/// working calendar. Return visits are not recorded yet, so that figure stays a missing input.
struct ComplaintServiceQualityFigures: ServiceQualityFigures {
    /// The complaints the people resolved in the span, with what "in time" needs: read from the covering
    /// index `complaints_resolved_by`.
    static func resolved(staffIDs: [Int], from: Date, until: Date) -> SQLQueryString {
        """
        SELECT staff_id, severity, received_at, resolved_at FROM complaints
        WHERE staff_id IN (\(binds: staffIDs)) AND resolved_at >= \(bind: from) AND resolved_at < \(bind: until)
        """
    }

    /// The scores of the surveys attributed to the people in the span, summed per person: read from the
    /// covering index `survey_attributions_staff_score`.
    static func satisfaction(staffIDs: [Int], from: Date, until: Date) -> SQLQueryString {
        """
        SELECT staff_id, CAST(SUM(score) AS INTEGER) AS total, COUNT(*) AS n FROM survey_attributions
        WHERE staff_id IN (\(binds: staffIDs)) AND answered_at >= \(bind: from) AND answered_at < \(bind: until)
        GROUP BY staff_id
        """
    }

    func figures(staffIDs: [Int], from: Date, until: Date, on database: any Database) async throws -> [Int: [WorkFigure:
        FigureValue]]
    {
        guard !staffIDs.isEmpty else { return [:] }
        let sql = try database.sql()
        var figures: [Int: [WorkFigure: FigureValue]] = [:]
        struct Scores: Decodable { var staffID: Int; var n: Int; var total: Int }
        let scores = try await sql.raw(Self.satisfaction(staffIDs: staffIDs, from: from, until: until))
            .allRows(Scores.self)
        for row in scores where row.n > 0 {
            figures[row.staffID, default: [:]][.satisfaction] = .average(
                Double(row.total) / Double(row.n), count: row.n)
        }
        // Complaints resolved in the period, per responsible specialist: in time when the working hours
        // from receipt to resolution are within the severity's resolution limit.
        struct Resolved: Decodable {
            var staffID: Int; var severity: String; var receivedAt: Date; var resolvedAt: Date
        }
        let resolved = try await sql.raw(Self.resolved(staffIDs: staffIDs, from: from, until: until))
            .allRows(Resolved.self)
        guard !resolved.isEmpty else { return figures }
        let calendar = try await WorkingCalendarStore(database: database).load()
        let limits = try await ComplaintStore(database: database).limits()
        var shares: [Int: (done: Int, of: Int)] = [:]
        for row in resolved {
            let staff = row.staffID
            guard let severity = ComplaintSeverity(rawValue: row.severity) else { continue }
            let hours = calendar.workingSeconds(from: row.receivedAt, to: row.resolvedAt) / 3600
            let limit = limits[severity]?.resolutionHours ?? ComplaintTimeLimits.defaults(severity).resolutionHours
            shares[staff, default: (0, 0)].of += 1
            if hours <= limit { shares[staff, default: (0, 0)].done += 1 }
        }
        for (staff, share) in shares {
            figures[staff, default: [:]][.complaintsInTime] = .share(done: share.done, of: share.of)
        }
        return figures
    }
}
