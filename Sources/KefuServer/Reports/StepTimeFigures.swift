import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Step times (R1.4): for each step, the times it took, by the month it was completed. Each step's rows are
/// chosen in one place (``rows(_:span:)``), so a month's median and the list behind it read the same records.
struct StepTimeFigures {
    let database: any Database

    /// One completed step: which record, when it started and ended.
    struct Row: Sendable {
        var id: Int
        var number: String?
        var startedAt: Date
        var endedAt: Date
        var staffName: String?
        var link: String
        /// The month of the office's calendar the step was completed in.
        var month: ReportMonth
        var seconds: Double { endedAt.timeIntervalSince(startedAt) }
    }

    /// The statement of a step's rows completed in the span; its columns are id, number, started_at,
    /// ended_at, staff_name and link_id. The contract's signing is a date: it ends at the office's midnight
    /// after that day, so a signing on the day the customer became an intent counts up to one day.
    private static func statement(_ step: ReportStep, span: (start: Date, end: Date), period: ReportPeriod)
        -> SQLQueryString
    {
        switch step {
        case .inquiryToFirstAnswer:
            return """
                SELECT t.id, t.number, t.received_at AS started_at, t.first_answered_at AS ended_at, staff.display_name AS staff_name, t.id AS link_id
                FROM inquiries t LEFT JOIN staff ON staff.id = t.staff_id
                WHERE t.first_answered_at >= \(bind: span.start) AND t.first_answered_at < \(bind: span.end)
                """
        case .promiseToReply:
            return """
                SELECT t.id, t.number, t.first_answered_at AS started_at, t.replied_at AS ended_at, staff.display_name AS staff_name, t.id AS link_id
                FROM inquiries t LEFT JOIN staff ON staff.id = t.staff_id
                WHERE t.replied_at >= \(bind: span.start) AND t.replied_at < \(bind: span.end) AND t.first_answered_at IS NOT NULL AND t.promised_by IS NOT NULL
                """
        case .complaintToFirstResponse, .complaintToResolution:
            let end = step == .complaintToFirstResponse ? "first_responded_at" : "resolved_at"
            return """
                SELECT t.id, t.number, t.received_at AS started_at, t.\(unsafeRaw: end) AS ended_at, staff.display_name AS staff_name, t.id AS link_id
                FROM complaints t LEFT JOIN staff ON staff.id = t.staff_id
                WHERE t.\(unsafeRaw: end) >= \(bind: span.start) AND t.\(unsafeRaw: end) < \(bind: span.end)
                """
        case .forwardToAnswer:
            return """
                SELECT t.id, complaints.number, t.created_at AS started_at, t.answered_at AS ended_at, staff.display_name AS staff_name, t.complaint_id AS link_id
                FROM complaint_forwards t JOIN complaints ON complaints.id = t.complaint_id LEFT JOIN staff ON staff.id = t.forwarded_by_staff_id
                WHERE t.answered_at >= \(bind: span.start) AND t.answered_at < \(bind: span.end)
                """
        case .intentToSigned:
            return """
                SELECT t.id, t.number, i.started_at, t.signed_on AS signed_on, staff.display_name AS staff_name, t.id AS link_id
                FROM contracts t
                JOIN (SELECT customer_id, MIN(changed_at) AS started_at FROM customer_changes WHERE field = 'stage' AND new_value = 'intent'
                      GROUP BY customer_id) i ON i.customer_id = t.customer_id
                LEFT JOIN staff ON staff.id = t.staff_id
                WHERE t.signed_on >= \(bind: period.from.description) AND t.signed_on <= \(bind: period.to.description) AND t.state <> 'cancelled'
                """
        }
    }

    /// The step's rows completed in the period; with `page`, only that page of them, the longest first
    /// (the database sorts the durations and reads the rest of those rows alone).
    func rows(_ step: ReportStep, period: ReportPeriod, page: Paging? = nil) async throws -> [Row] {
        var statement = Self.statement(step, span: period.instants(in: DisplayFormat.timeZone), period: period)
        if let page, step != .intentToSigned {
            let dialect = database.dialect
            statement =
                "SELECT * FROM (" + statement + ") steps ORDER BY ("
                + ReportSQL.epoch("steps.ended_at", dialect) + " - " + ReportSQL.epoch("steps.started_at", dialect)
                + ") DESC, steps.id DESC LIMIT \(literal: page.size) OFFSET \(literal: page.offset)"
        }
        let rows = try await self.rows(statement, step)
        guard let page, step == .intentToSigned else { return rows }
        // A period's signed contracts are few: sorted here, where their start is known.
        return Array(rows.sorted { ($0.seconds, $0.id) > ($1.seconds, $1.id) }.dropFirst(page.offset).prefix(page.size))
    }

    private func rows(_ statement: SQLQueryString, _ step: ReportStep) async throws -> [Row] {
        let timeZone = DisplayFormat.timeZone
        return try await database.sql().raw(statement).all().compactMap { row in
            let endedAt: Date, month: ReportMonth
            if step == .intentToSigned {
                guard let day = CalendarDay(try row.decode(column: "signed_on", as: String.self)) else { return nil }
                endedAt = ReportPeriod(from: day, to: day).instants(in: timeZone).end
                month = ReportMonth(day)
            } else {
                endedAt = try row.decode(column: "ended_at", as: Date.self)
                month = ReportMonth(CalendarDay(endedAt, timeZone: timeZone))
            }
            guard let startedAt = try row.decode(column: "started_at", as: Date?.self) else { return nil }
            let linkID = try row.decode(column: "link_id", as: Int.self)
            let link =
                switch step {
                case .inquiryToFirstAnswer, .promiseToReply: SiteURL.inquiry(linkID).path
                case .intentToSigned: SiteURL.contract(linkID).path
                default: SiteURL.complaint(linkID).path
                }
            return Row(
                id: try row.decode(column: "id", as: Int.self),
                number: try row.decode(column: "number", as: String?.self),
                startedAt: startedAt, endedAt: endedAt,
                staffName: try row.decode(column: "staff_name", as: String?.self), link: link,
                month: month)
        }
    }

    /// Each step's median and 90th percentile per month of the period: from the step times' summaries
    /// (``StepTimeSummaries``), intent → signed from its contracts.
    func monthly(_ period: ReportPeriod) async throws -> [(
        step: ReportStep, months: [(month: ReportMonth, duration: StepDuration)]
    )] {
        var result: [(step: ReportStep, months: [(month: ReportMonth, duration: StepDuration)])] = []
        for step in ReportStep.allCases {
            if let summarized = StepTimeSummaries.step(step) {
                let ranges = period.months.map { month in
                    let days = ReportPeriod(
                        from: max(month.period.from, period.from), to: min(month.period.to, period.to))
                    return (first: days.from.daysSinceEpoch, end: days.to.daysSinceEpoch + 1)
                }
                let durations = try await StepTimeSummaries.durations(summarized, ranges: ranges, on: database)
                result.append((step, Array(zip(period.months, durations)).map { (month: $0.0, duration: $0.1) }))
                continue
            }
            let samples = try await rows(step, period: period).map { (month: $0.month, seconds: $0.seconds) }
            result.append((step, StepTimeStatistics.monthly(samples, months: period.months)))
        }
        return result
    }
}
