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

    /// The band of a duration: its first three digits of whole seconds and how many digits it has (1000 + s
    /// below ten seconds, 2000 + s below a hundred, then 3100…3999, 4100…4999 for tens of seconds, …) —
    /// ascending with the duration and about a thousandth to a hundredth of it wide everywhere, so a month's
    /// band holds few durations even where they crowd (a month's forwards answered after a day to a day
    /// and a quarter: some ten thousand in six hours).
    static func band(_ step: Step) -> @Sendable (String, DatabaseDialect) -> String {
        let seconds = seconds(step)
        return { row, dialect in
            let whole =
                switch dialect {
                case .sqlite: "CAST(CAST(\(seconds(row, dialect)) AS INTEGER) AS TEXT)"
                case .postgres: "CAST(CAST(FLOOR(\(seconds(row, dialect))) AS BIGINT) AS TEXT)"
                }
            return "(LENGTH(\(whole)) * 1000 + CAST(SUBSTR(\(whole), 1, 3) AS BIGINT))"
        }
    }

    static func condition(_ step: Step) -> @Sendable (String) -> String {
        { row in
            ([step.started, step.ended] + step.extra).map { "\(row).\($0) IS NOT NULL" }.joined(separator: " AND ")
        }
    }

    /// How many steps took each exact duration, per band and office day of completion.
    static func times(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [
                ("band", "BIGINT", band(step)), ("day", "BIGINT", ReportSummary.day(step.ended)),
                ("seconds", "DOUBLE PRECISION", seconds(step)),
            ],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_durations", source: step.source, condition: condition(step),
            watched: step.watched, clustered: true)
    }

    /// How many steps fell in each band, per office day of completion (and per month: ``MonthSummaries``).
    static func bands(_ step: Step) -> ReportSummary {
        ReportSummary(
            keys: [("day", "BIGINT", ReportSummary.day(step.ended)), ("band", "BIGINT", band(step))],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_duration_bands", source: step.source, condition: condition(step),
            watched: step.watched, clustered: true)
    }

    /// How many steps fell in each coarse band — a tenth of the bands, two digits of the duration — per office
    /// day of completion (and per month): a year of them is few enough to count through in one statement.
    static func coarseBands(_ step: Step) -> ReportSummary {
        let band = band(step)
        return ReportSummary(
            keys: [("day", "BIGINT", ReportSummary.day(step.ended)), ("band", "BIGINT", { "(\(band($0, $1)) / 10)" })],
            values: [("n", "BIGINT", ReportSummary.one)],
            table: "report_step_\(step.name)_coarse_bands", source: step.source, condition: condition(step),
            watched: step.watched, clustered: true)
    }

    static let summaries: [ReportSummary] = steps.flatMap {
        [
            times($0), bands($0), MonthSummaries.byMonth(bands($0)), coarseBands($0),
            MonthSummaries.byMonth(coarseBands($0)),
        ]
    }

    /// The first summaries (``CreateStepTimeSummaries``), replaced by ``summaries`` (``CreateFineStepTimeSummaries``):
    /// bands of ten seconds below ten minutes, minutes below an hour, ten minutes below a day, then hours —
    /// a month's hour held a thousand and more durations to read through.
    static let firstSummaries: [ReportSummary] = steps.flatMap { step in
        let seconds = seconds(step)
        let band: @Sendable (String, DatabaseDialect) -> String = { row, dialect in
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
        var durations = times(step), counts = bands(step)
        durations.keys[0].value = band
        durations.table = "report_step_\(step.name)_times"
        counts.keys[1].value = band
        counts.table = "report_step_\(step.name)_bands"
        return [durations, counts]
    }

    // MARK: Reading

    /// How many steps were completed over the office days `first ..< end`.
    static func count(_ step: Step, days: (first: Int, end: Int), on database: any Database) async throws -> Int {
        try await database.sql().raw(
            """
            SELECT CAST(SUM(n) AS BIGINT) AS n FROM \(MonthSummaries.rows(bands(step), days: days)) s
            """
        ).first()?.decode(column: "n", as: Int?.self) ?? 0
    }

    /// The step's count, median and 90th percentile over each range of office days `first ..< end` (ranges
    /// in order, not overlapping): one statement counts every range's coarse bands, one finds the bands within them, one reads the durations at the positions.
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
        // Each range's total and, of its coarse bands, only those that can hold the median's or the 90th
        // percentile's position (a running count per range): a few rows per month rather than every band. The positions
        // themselves are ``StepTimeStatistics/positions(count:)``'s; the statement keeps a margin around them.
        var totals = [Int](repeating: 0, count: ranges.count)
        var bands = [[(band: Int, below: Int, n: Int)]](repeating: [], count: ranges.count)
        for row in try await sql.raw(
            """
            SELECT r, band, below, n, total FROM (
              SELECT r, band, n, CAST(SUM(n) OVER (PARTITION BY r ORDER BY band) AS BIGINT) - n AS below,
                     CAST(SUM(n) OVER (PARTITION BY r) AS BIGINT) AS total
              FROM (SELECT \(which) AS r, band, CAST(SUM(n) AS BIGINT) AS n
                    FROM \(MonthSummaries.rows(coarseBands(step), days: (first, end))) s GROUP BY 1, band) b
            ) c
            WHERE r >= 0 AND n > 0 AND (below <= total / 2 AND below + n > (total - 1) / 2
                  OR below <= (9 * total + 9) / 10 AND below + n > (9 * total + 9) / 10 - 2)
            ORDER BY r, band
            """
        ).all() {
            let index = try row.decode(column: "r", as: Int.self)
            guard bands.indices.contains(index) else { continue }
            totals[index] = try row.decode(column: "total", as: Int.self)
            bands[index].append(
                (
                    try row.decode(column: "band", as: Int.self), try row.decode(column: "below", as: Int.self),
                    try row.decode(column: "n", as: Int.self)
                ))
        }
        // Where each range's median and 90th percentile lie: a coarse band and the position within it.
        var lookups: [(range: Int, position: Int, band: Int, offset: Int)] = []
        for (index, bandRows) in bands.enumerated() {
            for position in StepTimeStatistics.positions(count: totals[index]) {
                guard let band = bandRows.first(where: { position >= $0.below && position < $0.below + $0.n })
                else { throw StepTimeSummaryError.positionNotFound }
                lookups.append((index, position, band.band, position - band.below))
            }
        }
        // One statement finds each position's band among the ten bands of its coarse band, and the position within it.
        if !lookups.isEmpty {
            var statement: SQLQueryString = ""
            for (index, lookup) in lookups.enumerated() {
                let range = ranges[lookup.range]
                statement =
                    statement + (index == 0 ? "" : " UNION ALL ")
                        + """
                        SELECT \(literal: index) AS i, band, below FROM (
                          SELECT band, n, CAST(SUM(n) OVER (ORDER BY band) AS BIGINT) - n AS below FROM (
                            SELECT band, CAST(SUM(n) AS BIGINT) AS n FROM \(MonthSummaries.rows(Self.bands(step), days: range)) s
                            WHERE band >= \(bind: lookup.band * 10) AND band < \(bind: lookup.band * 10 + 10) GROUP BY band) f
                        ) g WHERE below <= \(bind: lookup.offset) AND below + n > \(bind: lookup.offset)
                        """
            }
            var found = [Int?](repeating: nil, count: lookups.count)
            for row in try await sql.raw(statement).all() {
                let index = try row.decode(column: "i", as: Int.self)
                guard lookups.indices.contains(index) else { continue }
                lookups[index].band = try row.decode(column: "band", as: Int.self)
                lookups[index].offset -= try row.decode(column: "below", as: Int.self)
                found[index] = index
            }
            guard !found.contains(nil) else { throw StepTimeSummaryError.positionNotFound }
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
        return totals.enumerated().map { index, total in
            StepTimeStatistics.summarize(count: total) { values[index]?[$0] ?? 0 }
        }
    }

    /// A position the statement's margin left out: the margin's arithmetic and the domain's disagree.
    enum StepTimeSummaryError: Error { case positionNotFound }
}

/// Creates the step times' first summaries and their triggers, and fills them from the records already there.
struct CreateStepTimeSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(StepTimeSummaries.firstSummaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(StepTimeSummaries.firstSummaries, on: database)
    }
}

/// Replaces the step times' first summaries by narrower bands with a month copy of the band counts
/// (issue 16 "Speed"), filled from the records.
struct CreateFineStepTimeSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.drop(StepTimeSummaries.firstSummaries, on: database)
        try await ReportSummary.create(StepTimeSummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(StepTimeSummaries.summaries, on: database)
        try await ReportSummary.create(StepTimeSummaries.firstSummaries, on: database)
    }
}
