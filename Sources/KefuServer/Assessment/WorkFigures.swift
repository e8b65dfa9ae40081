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
    func figures(staffIDs: [Int], from: Date, until: Date, on database: any Database) async throws -> [Int: [WorkFigure:
        FigureValue]]
}

/// No complaints or surveys recorded yet: every person has no data.
struct NoServiceQualityFigures: ServiceQualityFigures {
    func figures(staffIDs: [Int], from: Date, until: Date, on database: any Database) async throws -> [Int: [WorkFigure:
        FigureValue]]
    { [:] }
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
/// - contracts signed: the person's contracts signed on a day of the period, not cancelled;
/// - return visits done: return visits the person did (done by them) in the period.
struct WorkFigureReader {
    let database: any Database
    let serviceQuality: any ServiceQualityFigures

    /// The figures this reader counts itself (the others come from ``ServiceQualityFigures``).
    static let counted: [WorkFigure] = [
        .inquiriesAnswered, .repliesOnTime, .followUpsOnTime, .customersToIntent, .contractsSigned, .returnVisitsDone,
    ]

    /// The column naming whose a row is: a return visit is the one who did it, whoever's customer it was.
    static func staffColumn(_ figure: WorkFigure) -> String {
        figure == .returnVisitsDone ? "done_by_staff_id" : "staff_id"
    }

    /// The one place each figure's rows are chosen: the counts and the lists behind them use the same
    /// table and condition, so a figure always equals the list it summarizes.
    static func source(_ figure: WorkFigure, staffIDs: [Int], period: AssessmentPeriod, now: Date) -> (
        table: String, condition: SQLQueryString
    )? {
        let span = PeriodInstants(period)
        let dueUntil = min(span.until, now)
        switch figure {
        case .inquiriesAnswered:
            return (
                "inquiries",
                """
                staff_id IN (\(binds: staffIDs)) AND received_at >= \(bind: span.from) AND received_at < \(bind: span.until) AND first_answered_at IS NOT NULL
                """
            )
        case .repliesOnTime:
            return (
                "inquiries",
                """
                staff_id IN (\(binds: staffIDs)) AND promised_by IS NOT NULL AND promised_by >= \(bind: span.from) AND promised_by < \(bind: dueUntil)
                """
            )
        case .followUpsOnTime:
            return (
                "follow_ups",
                "staff_id IN (\(binds: staffIDs)) AND due_at >= \(bind: span.from) AND due_at < \(bind: dueUntil)"
            )
        case .customersToIntent:
            return (
                "customer_changes",
                """
                staff_id IN (\(binds: staffIDs)) AND field = 'stage' AND new_value = 'intent' AND changed_at >= \(bind: span.from) AND changed_at < \(bind: span.until)
                """
            )
        case .contractsSigned:
            return (
                "contracts",
                """
                staff_id IN (\(binds: staffIDs)) AND signed_on IS NOT NULL AND signed_on >= \(bind: period.start.description)
                AND signed_on <= \(bind: period.end.description) AND state <> 'cancelled'
                """
            )
        case .returnVisitsDone:
            return (
                "return_visits",
                """
                done_by_staff_id IN (\(binds: staffIDs)) AND state = 'done' AND done_at >= \(bind: span.from) AND done_at < \(bind: span.until)
                """
            )
        case .complaintsInTime, .satisfaction:
            return nil
        }
    }

    /// What a row counts as: one, or (for shares) whether it was on time.
    private static func aggregate(_ figure: WorkFigure) -> SQLQueryString {
        switch figure {
        case .repliesOnTime:
            "COUNT(*) AS due, SUM(CASE WHEN replied_at IS NOT NULL AND replied_at <= promised_by THEN 1 ELSE 0 END) AS on_time"
        case .followUpsOnTime:
            "COUNT(*) AS due, SUM(CASE WHEN completed_at IS NOT NULL AND completed_at <= due_at THEN 1 ELSE 0 END) AS on_time"
        case .customersToIntent: "COUNT(DISTINCT customer_id) AS n"
        default: "COUNT(*) AS n"
        }
    }

    /// The grouped count of a figure per person, as ``figures(staffIDs:period:now:only:)`` reads it; each
    /// reads a covering index (`CreateWorkFigureCoveringIndexes`), never the table's rows.
    static func query(_ figure: WorkFigure, staffIDs: [Int], period: AssessmentPeriod, now: Date) -> SQLQueryString? {
        guard let source = source(figure, staffIDs: staffIDs, period: period, now: now) else { return nil }
        return """
            SELECT \(unsafeRaw: staffColumn(figure)) AS staff_id, \(aggregate(figure)) FROM \(unsafeRaw: source.table) WHERE \(source.condition)
            GROUP BY \(unsafeRaw: staffColumn(figure))
            """
    }

    /// `only` limits the reading to those figures (a training session's effect reads the ones it aimed
    /// at); the values of the figures read are the same either way.
    func figures(staffIDs: [Int], period: AssessmentPeriod, now: Date, only: Set<WorkFigure>? = nil) async throws
        -> [Int: [WorkFigure: FigureValue]]
    {
        guard !staffIDs.isEmpty else { return [:] }
        let wanted = { (figure: WorkFigure) in only?.contains(figure) ?? true }
        let sql = try database.sql()
        let span = PeriodInstants(period)
        var result: [Int: [WorkFigure: FigureValue]] = Dictionary(uniqueKeysWithValues: staffIDs.map { ($0, [:]) })
        for figure in Self.counted where wanted(figure) {
            guard let query = Self.query(figure, staffIDs: staffIDs, period: period, now: now) else { continue }
            for row in try await sql.raw(query).all() {
                let staffID = try row.decode(column: "staff_id", as: Int.self)
                switch figure.kind {
                case .percent:
                    result[staffID, default: [:]][figure] = .share(
                        done: try row.decode(column: "on_time", as: Int?.self) ?? 0,
                        of: try row.decode(column: "due", as: Int.self))
                default:
                    result[staffID, default: [:]][figure] = .count(try row.decode(column: "n", as: Int.self))
                }
            }
        }
        if wanted(.complaintsInTime) || wanted(.satisfaction) {
            for (staffID, figures) in try await serviceQuality.figures(
                staffIDs: staffIDs, from: span.from, until: span.until, on: database)
            {
                result[staffID, default: [:]].merge(figures.filter { wanted($0.key) }) { $1 }
            }
        }
        // A count with nothing recorded is a real zero (the person answered none); a share with
        // nothing due stays absent, which the calculation shows as missing.
        for staffID in staffIDs {
            for figure in [WorkFigure.inquiriesAnswered, .customersToIntent, .contractsSigned, .returnVisitsDone]
            where wanted(figure) && result[staffID]?[figure] == nil {
                result[staffID, default: [:]][figure] = .count(0)
            }
        }
        return result
    }

    /// One row behind a figure: the record, when, and for shares whether it was on time.
    struct Item: Codable, Sendable {
        var recordType: String
        var id: Int
        var at: String
        var isOnTime: Bool?
    }

    /// The rows a figure counts, for the people and period: the list the figure summarizes.
    func items(_ figure: WorkFigure, staffIDs: [Int], period: AssessmentPeriod, now: Date) async throws -> [Item] {
        guard !staffIDs.isEmpty, let source = Self.source(figure, staffIDs: staffIDs, period: period, now: now) else {
            return []
        }
        let sql = try database.sql()
        let columns: SQLQueryString
        let recordType: String
        switch figure {
        case .inquiriesAnswered:
            (columns, recordType) = ("id, received_at AS at, NULL AS on_time", InquiryKind.recordType)
        case .repliesOnTime:
            (columns, recordType) = (
                "id, promised_by AS at, CASE WHEN replied_at IS NOT NULL AND replied_at <= promised_by THEN 1 ELSE 0 END AS on_time",
                InquiryKind.recordType
            )
        case .followUpsOnTime:
            (columns, recordType) = (
                "id, due_at AS at, CASE WHEN completed_at IS NOT NULL AND completed_at <= due_at THEN 1 ELSE 0 END AS on_time",
                FollowUpKind.recordType
            )
        case .customersToIntent:
            (columns, recordType) = (
                "customer_id AS id, MIN(changed_at) AS at, NULL AS on_time", CustomerFileKind.recordType
            )
        case .returnVisitsDone:
            (columns, recordType) = ("id, done_at AS at, NULL AS on_time", ReturnVisitKind.recordType)
        default: (columns, recordType) = ("id, signed_on AS at, NULL AS on_time", ContractKind.recordType)
        }
        let grouping: SQLQueryString = figure == .customersToIntent ? "GROUP BY customer_id" : ""
        return try await sql.raw(
            "SELECT \(columns) FROM \(unsafeRaw: source.table) WHERE \(source.condition) \(grouping) ORDER BY id LIMIT 5000"
        ).all().map { row in
            let at: String
            if let date = try? row.decode(column: "at", as: Date.self) {
                at = DisplayFormat.dateTime(date)
            } else {
                at = (try? row.decode(column: "at", as: String.self)) ?? ""
            }
            let onTime = try row.decode(column: "on_time", as: Int?.self)
            return Item(
                recordType: recordType, id: try row.decode(column: "id", as: Int.self), at: at,
                isOnTime: onTime.map { $0 == 1 })
        }
    }
}
