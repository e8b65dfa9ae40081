import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The step times' summaries (R1.4, issue 16 "Speed"): a median and a 90th percentile need the durations
/// themselves, and a year of them is too many rows to read per request. So each step keeps, per office day
/// of completion, how many steps took each exact duration (`report_step_*_times`, keyed by a coarse band
/// of the duration first), and how many fell in each band (`report_step_*_bands`). A month's figures read
/// the band counts (a few dozen rows), find the bands that hold the median's and the 90th percentile's
/// positions, and read only those bands' durations — exact figures, not an estimate from the bands.
/// The triggers keep them as they keep the dashboard's summaries (``ReportSummary``).
enum StepTimeSummaries {
    /// A step's record table and the two moments it runs between.
    struct Step: Sendable {
        var step: ReportStep
        var name: String
        var source: String
        var started: String
        var ended: String
        /// Which rows are the step's, beyond both moments being recorded.
        var extra: [String] = []
        var watched: [String]
    }

    /// Every step but intent → signed, which is read from its contracts (a day, not a moment, and few rows).
    static let steps: [Step] = [
        Step(
            step: .inquiryToFirstAnswer, name: "inquiry_answer", source: "inquiries", started: "received_at",
            ended: "first_answered_at", watched: ["received_at", "first_answered_at"]),
        Step(
            step: .promiseToReply, name: "inquiry_reply", source: "inquiries", started: "first_answered_at",
            ended: "replied_at", extra: ["promised_by"], watched: ["first_answered_at", "replied_at", "promised_by"]),
        Step(
            step: .complaintToFirstResponse, name: "complaint_response", source: "complaints", started: "received_at",
            ended: "first_responded_at", watched: ["received_at", "first_responded_at"]),
        Step(
            step: .complaintToResolution, name: "complaint_resolution", source: "complaints", started: "received_at",
            ended: "resolved_at", watched: ["received_at", "resolved_at"]),
        Step(
            step: .forwardToAnswer, name: "forward_answer", source: "complaint_forwards", started: "created_at",
            ended: "answered_at", watched: ["created_at", "answered_at"]),
    ]

    static func step(_ step: ReportStep) -> Step? { steps.first { $0.step == step } }

    /// The step's duration in seconds on a row, negative durations (a clock set wrong) as zero, as the figures take them.
    static func seconds(_ step: Step) -> @Sendable (String, DatabaseDialect) -> String {
        { row, dialect in
            let difference =
                "(" + ReportSQL.epochText("\(row).\(step.ended)", dialect) + " - "
                + ReportSQL.epochText("\(row).\(step.started)", dialect) + ")"
            return "CAST(CASE WHEN \(difference) < 0 THEN 0 ELSE \(difference) END AS DOUBLE PRECISION)"
        }
    }

    /// The band of a duration: minutes below an hour, hours below a day, then days — ascending with the
    /// duration, and narrow enough that a month's band holds a few hundred distinct durations.
    static func band(_ step: Step) -> @Sendable (String, DatabaseDialect) -> String {
        let seconds = seconds(step)
        return { row, dialect in
            let s = seconds(row, dialect)
            func units(_ length: Int) -> String {
                switch dialect {
                case .sqlite: "CAST(\(s) / \(length) AS INTEGER)"
                case .postgres: "CAST(FLOOR(\(s) / \(length)) AS BIGINT)"
                }
            }
            return "(CASE WHEN \(s) < 3600 THEN \(units(60)) WHEN \(s) < 86400 THEN 60 + \(units(3_600)) "
                + "ELSE 100 + \(units(86_400)) END)"
        }
    }

    static func condition(_ step: Step) -> @Sendable (String) -> String {
        { row in ([step.started, step.ended] + step.extra).map { "\(row).\($0) IS NOT NULL" }.joined(separator: " AND ") }
    }

    static func times(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [
                ("band", "BIGINT", band(step)), ("day", "BIGINT", ReportSummary.day(step.ended)),
                ("seconds", "DOUBLE PRECISION", seconds(step)),
            ],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_times", source: step.source, condition: condition(step),
            watched: step.watched)
    }

    static func bands(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [("day", "BIGINT", ReportSummary.day(step.ended)), ("band", "BIGINT", band(step))],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_bands", source: step.source, condition: condition(step),
            watched: step.watched)
    }

    static let summaries: [ReportSummary] = steps.flatMap { [times($0), bands($0)] }

    // MARK: Reading

    /// The step's count, median and 90th percentile over the office days `first ..< end`.
    static func duration(_ step: Step, days: (first: Int, end: Int), on database: any Database) async throws
        -> StepDuration
    {
        let sql = try database.sql()
        let bandRows = try await sql.raw(
            """
            SELECT band, CAST(SUM(n) AS BIGINT) AS n FROM \(unsafeRaw: bands(step).table)
            WHERE day >= \(bind: days.first) AND day < \(bind: days.end) GROUP BY band ORDER BY band
            """
        ).all().map { (try $0.decode(column: "band", as: Int.self), try $0.decode(column: "n", as: Int.self)) }
        let count = bandRows.reduce(0) { $0 + $1.1 }
        let positions = StepTimeStatistics.positions(count: count)
        var values: [Int: Double] = [:]
        var before = 0
        for (band, n) in bandRows where n > 0 {
            let wanted = positions.filter { $0 >= before && $0 < before + n }
            if !wanted.isEmpty {
                var position = before
                for row in try await sql.raw(
                    """
                    SELECT seconds, CAST(SUM(n) AS BIGINT) AS n FROM \(unsafeRaw: times(step).table)
                    WHERE band = \(bind: band) AND day >= \(bind: days.first) AND day < \(bind: days.end)
                    GROUP BY seconds ORDER BY seconds
                    """
                ).all() {
                    let seconds = try row.decode(column: "seconds", as: Double.self)
                    let times = try row.decode(column: "n", as: Int.self)
                    for wanted in wanted where wanted >= position && wanted < position + times {
                        values[wanted] = seconds
                    }
                    position += times
                }
            }
            before += n
        }
        return StepTimeStatistics.summarize(count: count) { values[$0] ?? 0 }
    }
}

/// Creates the step times' summaries and their triggers, and fills them from the records already there.
struct CreateStepTimeSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(StepTimeSummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(StepTimeSummaries.summaries, on: database)
    }
}
