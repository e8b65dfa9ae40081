import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The complaints and surveys part's figures per person for a period (issue 13): the complaints
/// resolved within the time limit, the customer satisfaction attributed to the person, the return
/// visits done. Assessment and plans read them through this protocol so that part can be plugged in
/// when it lands (`app.serviceQualityFigures = …` in `configure`); until then ``NoServiceQualityFigures``
/// answers "no data", which the calculation shows as a missing input — never as zero.
protocol ServiceQualityFigures: Sendable {
    /// For each person who has any: `.satisfaction` as `.average(score 1–5, count: surveys)`,
    /// `.complaintsInTime` as `.share(done: in time, of: closed)`, `.returnVisitsDone` as `.count`.
    /// People without any figure may be left out.
    func figures(staffIDs: [Int], from: Date, until: Date, on database: any Database) async throws -> [Int: [WorkFigure: FigureValue]]
}

/// No complaints or surveys recorded yet: every person has no data.
struct NoServiceQualityFigures: ServiceQualityFigures {
    func figures(staffIDs: [Int], from: Date, until: Date, on database: any Database) async throws -> [Int: [WorkFigure: FigureValue]] { [:] }
}

extension Application {
    private struct ServiceQualityFiguresKey: StorageKey { typealias Value = any ServiceQualityFigures }

    /// The reader of issue 13's figures; ``NoServiceQualityFigures`` until that part is wired here.
    var serviceQualityFigures: any ServiceQualityFigures {
        get { storage[ServiceQualityFiguresKey.self] ?? NoServiceQualityFigures() }
        set { storage[ServiceQualityFiguresKey.self] = newValue }
    }
}

/// The period as instants in the office's calendar: from the first day's midnight to the midnight after
/// the last day.
struct PeriodInstants: Sendable {
    var from: Date
    var until: Date

    init(_ period: AssessmentPeriod, timeZone: TimeZone = DisplayFormat.timeZone) {
        func midnight(_ day: CalendarDay) -> Date {
            let utc = Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400)
            return utc.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: utc)))
        }
        from = midnight(period.start)
        until = midnight(period.end.adding(days: 1))
    }
}

/// Reads the figures the front line and contracts record, per person and period, in one grouped
/// query each (R2.2, R5.3, R6.3). What each figure counts:
/// - inquiries answered: inquiries the person took, received in the period, with a first answer;
/// - replies on time: promised replies whose deadline fell in the period (up to now), given by it;
/// - follow-ups on time: follow-ups of the person due in the period (up to now), completed by their due time;
/// - customers moved to intent: files the person moved to the intent stage in the period (distinct);
/// - contracts signed: the person's contracts signed on a day of the period, not cancelled.
struct WorkFigureReader {
    let database: any Database
    let serviceQuality: any ServiceQualityFigures

    func figures(staffIDs: [Int], period: AssessmentPeriod, now: Date) async throws -> [Int: [WorkFigure: FigureValue]] {
        guard !staffIDs.isEmpty else { return [:] }
        let sql = try database.sql()
        let span = PeriodInstants(period)
        let dueUntil = min(span.until, now)
        var result: [Int: [WorkFigure: FigureValue]] = Dictionary(uniqueKeysWithValues: staffIDs.map { ($0, [:]) })
        for row in try await sql.raw("""
            SELECT staff_id, COUNT(*) AS n FROM inquiries
            WHERE staff_id IN (\(binds: staffIDs)) AND received_at >= \(bind: span.from) AND received_at < \(bind: span.until)
              AND first_answered_at IS NOT NULL
            GROUP BY staff_id
            """).all() {
            result[try row.decode(column: "staff_id", as: Int.self), default: [:]][.inquiriesAnswered] = .count(try row.decode(column: "n", as: Int.self))
        }
        for row in try await sql.raw("""
            SELECT staff_id, COUNT(*) AS due, SUM(CASE WHEN replied_at IS NOT NULL AND replied_at <= promised_by THEN 1 ELSE 0 END) AS on_time
            FROM inquiries
            WHERE staff_id IN (\(binds: staffIDs)) AND promised_by IS NOT NULL AND promised_by >= \(bind: span.from) AND promised_by < \(bind: dueUntil)
            GROUP BY staff_id
            """).all() {
            result[try row.decode(column: "staff_id", as: Int.self), default: [:]][.repliesOnTime] =
                .share(done: try row.decode(column: "on_time", as: Int?.self) ?? 0, of: try row.decode(column: "due", as: Int.self))
        }
        for row in try await sql.raw("""
            SELECT staff_id, COUNT(*) AS due, SUM(CASE WHEN completed_at IS NOT NULL AND completed_at <= due_at THEN 1 ELSE 0 END) AS on_time
            FROM follow_ups
            WHERE staff_id IN (\(binds: staffIDs)) AND due_at >= \(bind: span.from) AND due_at < \(bind: dueUntil)
            GROUP BY staff_id
            """).all() {
            result[try row.decode(column: "staff_id", as: Int.self), default: [:]][.followUpsOnTime] =
                .share(done: try row.decode(column: "on_time", as: Int?.self) ?? 0, of: try row.decode(column: "due", as: Int.self))
        }
        for row in try await sql.raw("""
            SELECT staff_id, COUNT(DISTINCT customer_id) AS n FROM customer_changes
            WHERE staff_id IN (\(binds: staffIDs)) AND field = 'stage' AND new_value = 'intent'
              AND changed_at >= \(bind: span.from) AND changed_at < \(bind: span.until)
            GROUP BY staff_id
            """).all() {
            result[try row.decode(column: "staff_id", as: Int.self), default: [:]][.customersToIntent] = .count(try row.decode(column: "n", as: Int.self))
        }
        for row in try await sql.raw("""
            SELECT staff_id, COUNT(*) AS n FROM contracts
            WHERE staff_id IN (\(binds: staffIDs)) AND signed_on IS NOT NULL AND signed_on >= \(bind: period.start.description)
              AND signed_on <= \(bind: period.end.description) AND state <> 'cancelled'
            GROUP BY staff_id
            """).all() {
            result[try row.decode(column: "staff_id", as: Int.self), default: [:]][.contractsSigned] = .count(try row.decode(column: "n", as: Int.self))
        }
        for (staffID, figures) in try await serviceQuality.figures(staffIDs: staffIDs, from: span.from, until: span.until, on: database) {
            result[staffID, default: [:]].merge(figures) { $1 }
        }
        // A count with nothing recorded is a real zero (the person answered none); a share with
        // nothing due stays absent, which the calculation shows as missing.
        for staffID in staffIDs {
            for figure in [WorkFigure.inquiriesAnswered, .customersToIntent, .contractsSigned] where result[staffID]?[figure] == nil {
                result[staffID, default: [:]][figure] = .count(0)
            }
        }
        return result
    }
}
