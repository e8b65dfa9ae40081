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

    /// The band of a duration: ten seconds below ten minutes, minutes below an hour, ten minutes below a
    /// day, then hours — ascending with the duration, and narrow enough that a month's band holds some
    /// dozens of distinct durations, so finding a position in it reads little.
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
            return "(CASE WHEN \(s) < 600 THEN \(units(10)) WHEN \(s) < 3600 THEN 100 + \(units(60)) "
                + "WHEN \(s) < 86400 THEN 200 + \(units(600)) ELSE 1000 + \(units(3_600)) END)"
        }
    }

    static func condition(_ step: Step) -> @Sendable (String) -> String {
        { row in
            ([step.started, step.ended] + step.extra).map { "\(row).\($0) IS NOT NULL" }.joined(separator: " AND ")
        }
    }

    static func times(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [
                ("band", "BIGINT", band(step)), ("day", "BIGINT", ReportSummary.day(step.ended)),
                ("seconds", "DOUBLE PRECISION", seconds(step)),
            ],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_times", source: step.source, condition: condition(step),
            watched: step.watched, clustered: true)
    }

    static func bands(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [("day", "BIGINT", ReportSummary.day(step.ended)), ("band", "BIGINT", band(step))],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_bands", source: step.source, condition: condition(step),
            watched: step.watched, clustered: true)
    }

    static let summaries: [ReportSummary] = steps.flatMap { [times($0), bands($0)] }

    // MARK: Reading

    /// How many steps were completed over the office days `first ..< end`.
    static func count(_ step: Step, days: (first: Int, end: Int), on database: any Database) async throws -> Int {
        try await database.sql().raw(
            """
            SELECT CAST(SUM(n) AS BIGINT) AS n FROM \(unsafeRaw: bands(step).table)
            WHERE day >= \(bind: days.first) AND day < \(bind: days.end)
            """
        ).first()?.decode(column: "n", as: Int?.self) ?? 0
    }

    /// The step's count, median and 90th percentile over each range of office days `first ..< end` (ranges
    /// in order, not overlapping): one statement counts every range's bands, one reads the durations at the positions.
    static func durations(_ step: Step, ranges: [(first: Int, end: Int)], on database: any Database) async throws
        -> [StepDuration]
    {
        guard let first = ranges.first?.first, let end = ranges.last?.end else { return [] }
        let sql = try database.sql()
        var which: SQLQueryString = "CASE"
        for (index, range) in ranges.enumerated() {
            which = which + " WHEN day >= \(bind: range.first) AND day < \(bind: range.end) THEN \(literal: index)"
        }
        which = which + " ELSE -1 END"
        var bands = [[(band: Int, n: Int)]](repeating: [], count: ranges.count)
        for row in try await sql.raw(
            """
            SELECT \(which) AS r, band, CAST(SUM(n) AS BIGINT) AS n FROM \(unsafeRaw: Self.bands(step).table)
            WHERE day >= \(bind: first) AND day < \(bind: end) GROUP BY 1, band ORDER BY 1, band
            """
        ).all() {
            let index = try row.decode(column: "r", as: Int.self)
            guard bands.indices.contains(index) else { continue }
            bands[index].append(
                (try row.decode(column: "band", as: Int.self), try row.decode(column: "n", as: Int.self)))
        }
        // Where each range's median and 90th percentile lie: a band and the position within it.
        var lookups: [(range: Int, position: Int, band: Int, offset: Int)] = []
        for (index, bandRows) in bands.enumerated() {
            let positions = StepTimeStatistics.positions(count: bandRows.reduce(0) { $0 + $1.n })
            var before = 0
            for (band, n) in bandRows where n > 0 {
                for position in positions where position >= before && position < before + n {
                    lookups.append((index, position, band, position - before))
                }
                before += n
            }
        }
        // One statement reads every position: per lookup, the band's durations in order with their running
        // count, and the first whose count passes the position.
        var values: [Int: [Int: Double]] = [:]
        if !lookups.isEmpty {
            var statement: SQLQueryString = "SELECT "
            for (index, lookup) in lookups.enumerated() {
                let range = ranges[lookup.range]
                statement =
                    statement + (index == 0 ? "" : ", ")
                        + """
                        (SELECT seconds FROM (
                          SELECT seconds, SUM(SUM(n)) OVER (ORDER BY seconds) AS upto FROM \(unsafeRaw: times(step).table)
                          WHERE band = \(bind: lookup.band) AND day >= \(bind: range.first) AND day < \(bind: range.end) GROUP BY seconds
                        ) durations WHERE upto > \(bind: lookup.offset) ORDER BY seconds LIMIT 1) AS v\(unsafeRaw: String(index))
                        """
            }
            if let row = try await sql.raw(statement).first() {
                for (index, lookup) in lookups.enumerated() {
                    values[lookup.range, default: [:]][lookup.position] = try row.decode(
                        column: "v\(index)", as: Double?.self)
                }
            }
        }
        var result: [StepDuration] = []
        for (index, bandRows) in bands.enumerated() {
            result.append(
                StepTimeStatistics.summarize(count: bandRows.reduce(0) { $0 + $1.n }) { values[index]?[$0] ?? 0 })
        }
        return result
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
