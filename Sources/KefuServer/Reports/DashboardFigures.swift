import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The supervisor's dashboard figures (issue 16 §2, first part): the customer funnel, inquiries by
/// channel, follow-ups done on time per specialist and complaints by category. Each figure's rows are
/// chosen in one place (``source(_:key:span:now:dialect:)``): the grouped counts and the list behind a mark read
/// the same table and condition, so a bar always equals the records it drills down to.
struct DashboardFigures {
    let database: any Database
    /// The dashboard's filters beside the period; every figure and list reads through them.
    var filter: DashboardFilter = .none

    /// A figure of the dashboard whose records can be listed.
    enum Figure: String, CaseIterable, Sendable {
        case inquiriesByChannel = "inquiries-by-channel"
        case followUpsOnTime = "follow-ups-on-time"
        case followUpsLate = "follow-ups-late"
        case complaintsByCategory = "complaints-by-category"
        case inquiriesByWeekday = "inquiries-by-weekday"
        case inquiriesByHour = "inquiries-by-hour"
        /// Inquiries received in the period and answered, per person (their response time).
        case inquiriesAnswered = "inquiries-answered"
        case repliesOnTime = "replies-on-time"
        case repliesLate = "replies-late"
        /// All of a kind in the period (key "all"): what the comparison with other periods counts.
        case inquiriesReceived = "inquiries-received"
        case complaintsReceived = "complaints-received"
        case followUpsDue = "follow-ups-due"
        /// Complaints received in the period of one severity (key: the severity).
        case complaintsBySeverity = "complaints-by-severity"
        /// Complaints received in the period and forwarded to a department (key: its id).
        case complaintsByDepartment = "complaints-by-department"
        /// R6.3: open follow-ups past their due time now, per person.
        case followUpsOverdue = "follow-ups-overdue"
        /// R6.3: promised replies past their deadline and not given, now, per person.
        case repliesOverdue = "replies-overdue"
        /// Live files that came in a month and are at a stage or beyond now (key: ``cohortKey(_:_:)``).
        case customersReached = "customers-reached"
        /// Satisfaction surveys answered in a month (key: the month, `2026-03`).
        case surveysAnswered = "surveys-answered"

        var recordType: String {
            switch self {
            case .complaintsByCategory, .complaintsReceived, .complaintsBySeverity, .complaintsByDepartment: "complaint"
            case .followUpsOnTime, .followUpsLate, .followUpsDue, .followUpsOverdue: "follow_up"
            case .customersReached: "customer"
            case .surveysAnswered: "survey"
            default: "inquiry"
            }
        }
    }

    /// A count under a key (a stage, a channel, a person's id, a category code).
    struct Count: Equatable, Sendable {
        var key: String
        var count: Int
    }

    struct PersonFollowUps: Equatable, Sendable {
        var staffID: Int?
        var name: String?
        var onTime: Int
        var late: Int
    }

    /// The key of rows without a person.
    static let nobody = "none"

    /// The table and condition of a figure's rows: a bar's key narrows it to the bar (nil: all of the figure).
    static func source(
        _ figure: Figure, key: String?, span: (start: Date, end: Date), now: Date, dialect: DatabaseDialect,
        filter: DashboardFilter
    ) -> (table: String, condition: SQLQueryString) {
        let source = unfilteredSource(figure, key: key, span: span, now: now, dialect: dialect)
        return (source.table, source.condition + filter.condition(for: source.table))
    }

    private static func unfilteredSource(
        _ figure: Figure, key: String?, span: (start: Date, end: Date), now: Date,
        dialect: DatabaseDialect
    ) -> (table: String, condition: SQLQueryString) {
        let received: SQLQueryString = "received_at >= \(bind: span.start) AND received_at < \(bind: span.end)"
        func person(_ key: String?) -> SQLQueryString {
            guard let key else { return "" }
            return key == nobody ? " AND staff_id IS NULL" : " AND staff_id = \(bind: Int(key) ?? -1)"
        }
        switch figure {
        case .inquiriesByWeekday:
            guard let key else { return ("inquiries", received) }
            return (
                "inquiries",
                received + " AND \(ReportSQL.localWeekday("received_at", dialect)) = \(bind: Int(key) ?? -1)"
            )
        case .inquiriesByHour:
            guard let key else { return ("inquiries", received) }
            return (
                "inquiries", received + " AND \(ReportSQL.localHour("received_at", dialect)) = \(bind: Int(key) ?? -1)"
            )
        case .inquiriesAnswered:
            return ("inquiries", received + " AND first_answered_at IS NOT NULL" + person(key))
        case .repliesOnTime, .repliesLate:
            // Replies promised for a time in the period that has come: given by then, or late (after it, or not yet).
            var condition: SQLQueryString =
                "promised_by >= \(bind: span.start) AND promised_by < \(bind: min(span.end, now))"
            condition =
                condition
                + (figure == .repliesOnTime
                    ? " AND replied_at IS NOT NULL AND replied_at <= promised_by"
                    : " AND (replied_at IS NULL OR replied_at > promised_by)")
            return ("inquiries", condition + person(key))
        case .inquiriesReceived:
            return ("inquiries", received)
        case .complaintsReceived:
            return ("complaints", received)
        case .followUpsDue:
            return ("follow_ups", "due_at >= \(bind: span.start) AND due_at < \(bind: span.end)")
        case .inquiriesByChannel:
            var condition: SQLQueryString = "received_at >= \(bind: span.start) AND received_at < \(bind: span.end)"
            if let key { condition = condition + " AND channel = \(bind: key)" }
            return ("inquiries", condition)
        case .followUpsOnTime, .followUpsLate:
            // Follow-ups due in the period and already due: done on time, or late (done after the due time or not yet done).
            let dueUntil = min(span.end, now)
            var condition: SQLQueryString = "due_at >= \(bind: span.start) AND due_at < \(bind: dueUntil)"
            condition =
                condition
                + (figure == .followUpsOnTime
                    ? " AND completed_at IS NOT NULL AND completed_at <= due_at"
                    : " AND (completed_at IS NULL OR completed_at > due_at)")
            return ("follow_ups", condition + person(key))
        case .complaintsByCategory:
            var condition: SQLQueryString = "received_at >= \(bind: span.start) AND received_at < \(bind: span.end)"
            if let key { condition = condition + " AND category = \(bind: key)" }
            return ("complaints", condition)
        case .complaintsBySeverity:
            guard let key else { return ("complaints", received) }
            return ("complaints", received + " AND severity = \(bind: key)")
        case .complaintsByDepartment:
            guard let key else {
                return ("complaints", received + " AND id IN (SELECT complaint_id FROM complaint_forwards)")
            }
            // EXISTS rather than IN: the newest of a year's complaints are listed without building the department's whole list first.
            return (
                "complaints",
                received
                    + " AND EXISTS (SELECT 1 FROM complaint_forwards f WHERE f.complaint_id = complaints.id AND f.department_id = \(bind: Int(key) ?? -1))"
            )
        case .followUpsOverdue:
            return ("follow_ups", "completed_at IS NULL AND due_at < \(bind: now)" + person(key))
        case .repliesOverdue:
            return ("inquiries", "status = 'promised' AND promised_by < \(bind: now)" + person(key))
        case .customersReached:
            let parts = key?.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let month = monthSpan(parts?.first, within: span)
            let stages = parts.map { $0.count == 2 ? cohortStages($0[1]) : nil } ?? CustomerStage.allCases
            return (
                "customers",
                "created_at >= \(bind: month.start) AND created_at < \(bind: month.end) AND merged_into_id IS NULL"
                    + " AND stage IN (\(binds: (stages ?? []).map(\.rawValue) + [""]))"
            )
        case .surveysAnswered:
            let month = monthSpan(key.map { Substring($0) }, within: span)
            return (
                "surveys",
                "answered_at >= \(bind: month.start) AND answered_at < \(bind: month.end) AND score IS NOT NULL"
            )
        }
    }

    /// Live customer files by their stage now (merged files are not counted), the same as `/customers?stage=…` lists.
    func funnel() async throws -> [Count] {
        let counts = try await summaryFunnel()
        return CustomerStage.allCases.map { Count(key: $0.rawValue, count: counts[$0.rawValue] ?? 0) }
    }

    /// Inquiries received in the period by channel, every channel listed (zero too).
    func inquiriesByChannel(_ span: (start: Date, end: Date)) async throws -> [Count] {
        var counts: [String: Int] = try await summaryInquiriesByChannel(span)?.filter { $0.value > 0 } ?? [:]
        if Self.days(span) == nil || filter.staffID != nil {
            let source = Self.source(
                .inquiriesByChannel, key: nil, span: span, now: span.end, dialect: database.dialect, filter: filter)
            for row in try await database.sql().raw(
                "SELECT channel, COUNT(*) AS n FROM inquiries WHERE \(source.condition) GROUP BY channel"
            ).all() {
                counts[try row.decode(column: "channel", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
        }
        let known = InquiryChannel.allCases.map(\.rawValue)
        return known.map { Count(key: $0, count: counts[$0] ?? 0) }
            + counts.keys.filter { !known.contains($0) }.sorted().map { Count(key: $0, count: counts[$0]!) }
    }

    /// Follow-ups due in the period (and by now), per person: done on time and late; people by name.
    func followUps(_ span: (start: Date, end: Date), now: Date) async throws -> [PersonFollowUps] {
        var people: [Int?: PersonFollowUps] = [:]
        var recordSpan = span
        if let days = Self.days(span) {
            // Whole days before today from the summary, today's follow-ups (due by now) from the records.
            let today = ReportSQL.localDay(now)
            people = try await summaryFollowUps(fromDay: days.first, toDay: min(days.end, today))
            recordSpan.start = max(span.start, Self.start(ofDay: today))
        }
        if recordSpan.start < min(span.end, now) {
            for figure in [Figure.followUpsOnTime, .followUpsLate] {
                let source = Self.source(
                    figure, key: nil, span: recordSpan, now: now, dialect: database.dialect, filter: filter)
                for row in try await database.sql().raw(
                    """
                    SELECT s.staff_id AS staff_id, staff.display_name AS name, s.n AS n
                    FROM (SELECT staff_id, COUNT(*) AS n FROM follow_ups WHERE \(source.condition) GROUP BY staff_id) s
                    LEFT JOIN staff ON staff.id = s.staff_id
                    """
                ).all() {
                    let staffID = try row.decode(column: "staff_id", as: Int?.self)
                    let name = try row.decode(column: "name", as: String?.self)
                    var person = people[staffID] ?? PersonFollowUps(staffID: staffID, name: name, onTime: 0, late: 0)
                    let n = try row.decode(column: "n", as: Int.self)
                    if figure == .followUpsOnTime { person.onTime += n } else { person.late += n }
                    people[staffID] = person
                }
            }
        }
        return people.values.sorted {
            ($0.name ?? "\u{10FFFF}", $0.staffID ?? 0) < ($1.name ?? "\u{10FFFF}", $1.staffID ?? 0)
        }
    }

    /// The first instant of an office day.
    static func start(ofDay day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day * 86_400 - ReportSQL.offsetSeconds))
    }

    /// Complaints received in the period by category, with the category's name; categories in their order.
    func complaintsByCategory(_ span: (start: Date, end: Date)) async throws -> [(
        code: String, name: String, count: Int
    )] {
        var counts: [String: Int]
        if let summary = try await summaryComplaintsByCategory(span) {
            counts = summary
        } else {
            counts = [:]
            let source = Self.source(
                .complaintsByCategory, key: nil, span: span, now: span.end, dialect: database.dialect, filter: filter)
            for row in try await database.sql().raw(
                "SELECT category, COUNT(*) AS n FROM complaints WHERE \(source.condition) GROUP BY category"
            ).all() {
                counts[try row.decode(column: "category", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
        }
        var result: [(code: String, name: String, count: Int)] = []
        for row in try await database.sql().raw(
            "SELECT code, name, is_active FROM complaint_categories ORDER BY position, id"
        ).all() {
            let code = try row.decode(column: "code", as: String.self)
            let count = counts.removeValue(forKey: code) ?? 0
            let isActive = try row.decode(column: "is_active", as: Bool.self)
            if count > 0 || isActive {
                result.append((code, try row.decode(column: "name", as: String.self), count))
            }
        }
        return result + counts.keys.sorted().map { ($0, $0, counts[$0]!) }
    }

    /// A row of the list behind a mark.
    struct Item: Content, Equatable {
        var recordType: String
        var id: Int
        var number: String?
        var at: Date
        var staffName: String?
        var link: String
    }

    /// One page of the records a mark counts: the same table and condition as its figure, newest first.
    func items(_ figure: Figure, key: String, span: (start: Date, end: Date), now: Date, page: Paging) async throws
        -> (items: [Item], total: Int)
    {
        let source = Self.source(figure, key: key, span: span, now: now, dialect: database.dialect, filter: filter)
        let sql = try database.sql()
        let total = try await total(figure, key: key, span: span, now: now, source: source)
        let columns: SQLQueryString
        let at: String
        var staff = "staff_id"
        switch figure {
        case .customersReached:
            (columns, at, staff) = (
                "t.id, t.code AS number, t.created_at AS at, t.id AS customer_id", "created_at", "responsible_staff_id"
            )
        case .surveysAnswered:
            // A survey has no number of its own: the customer's is what the list leads to.
            (columns, at, staff) = (
                "t.id, (SELECT code FROM customers c WHERE c.id = t.customer_id) AS number, t.answered_at AS at, t.customer_id",
                "answered_at", "created_by_staff_id"
            )
        case .followUpsOnTime, .followUpsLate, .followUpsDue, .followUpsOverdue:
            (columns, at) = ("t.id, NULL AS number, t.due_at AS at, t.customer_id", "due_at")
        case .repliesOnTime, .repliesLate, .repliesOverdue:
            (columns, at) = ("t.id, t.number, t.promised_by AS at, t.customer_id", "promised_by")
        default: (columns, at) = ("t.id, t.number, t.received_at AS at, t.customer_id", "received_at")
        }
        let rows = try await sql.raw(
            """
            SELECT \(columns), staff.display_name AS staff_name FROM (SELECT * FROM \(unsafeRaw: source.table) WHERE \(source.condition)) t
            LEFT JOIN staff ON staff.id = t.\(unsafeRaw: staff) ORDER BY t.\(unsafeRaw: at) DESC, t.id DESC
            LIMIT \(literal: page.size) OFFSET \(literal: page.offset)
            """
        ).all()
        return (
            try rows.map { row in
                let id = try row.decode(column: "id", as: Int.self)
                let customerID = try row.decode(column: "customer_id", as: Int?.self)
                let link: String
                switch figure.recordType {
                case "complaint": link = SiteURL.complaint(id).path
                case "follow_up": link = customerID.map { SiteURL.customerFollowUps($0).path } ?? SiteURL.followUps.path
                default:
                    link =
                        customerID.map { SiteURL.customer($0).path } ?? SiteURL.inquiries.path(rawQuery: "status=all")
                }
                return Item(
                    recordType: figure.recordType,
                    id: id, number: try row.decode(column: "number", as: String?.self),
                    at: try row.decode(column: "at", as: Date.self),
                    staffName: try row.decode(column: "staff_name", as: String?.self), link: link)
            }, total
        )
    }

    /// How many records a mark counts: the mark's own value where the figure reads a summary (a year's
    /// rows are not counted again per list), a count of the records otherwise. One person's follow-ups on
    /// time or late are counted on their covering index (`follow_ups_staff_due_completed`: a year of one
    /// person is a few thousand entries), cheaper than adding up everyone's summaries for one of them.
    private func total(
        _ figure: Figure, key: String, span: (start: Date, end: Date), now: Date,
        source: (table: String, condition: SQLQueryString)
    ) async throws -> Int {
        let person: Int?? = key == Self.nobody ? .some(nil) : Int(key).map { .some($0) }
        switch figure {
        case .inquiriesByChannel where Self.days(span) != nil && filter.staffID == nil:
            return try await inquiriesByChannel(span).first { $0.key == key }?.count ?? 0
        case .inquiriesByWeekday where Self.days(span) != nil && filter.staffID == nil:
            guard let day = Int(key), (0..<7).contains(day) else { return 0 }
            return try await inquiriesByWeekday(span)[day]
        case .inquiriesByHour where Self.days(span) != nil && filter.staffID == nil && filter.channel == nil:
            guard let hour = Int(key), (0..<24).contains(hour) else { return 0 }
            return try await inquiriesByHour(span)[hour]
        case .inquiriesAnswered where Self.days(span) != nil && filter.channel == nil:
            guard let person else { return 0 }
            return try await responseTimes(span).first { $0.staffID == person }?.answered ?? 0
        case .followUpsOverdue:
            guard let person else { return 0 }
            return try await overdue(now: now).first { $0.staffID == person }?.followUps ?? 0
        case .complaintsByCategory where Self.days(span) != nil && filter.staffID == nil && filter.projectID == nil:
            return try await complaintsByCategory(span).first { $0.code == key }?.count ?? 0
        case .complaintsBySeverity where Self.days(span) != nil && filter.staffID == nil && filter.projectID == nil:
            return try await complaintsBySeverity(span).first { $0.severity == key }?.count ?? 0
        case .complaintsByDepartment where Self.days(span) != nil && filter.staffID == nil && filter.projectID == nil:
            return try await complaintsByDepartment(span).first { String($0.departmentID) == key }?.count ?? 0
        case .inquiriesReceived, .complaintsReceived, .followUpsDue:
            if let count = try await summaryCount(figure, span) { return count }
        case .customersReached:
            // The point's own value from the summary: a month's files are tens of thousands.
            let parts = key.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let stages = Self.cohortStages(parts[1]) else { return 0 }
            let counts = try await cohortCounts(Self.monthSpan(parts[0], within: span))
            return stages.reduce(0) { $0 + (counts[$1.rawValue] ?? 0) }
        default:
            break
        }
        return try await database.sql().raw(
            "SELECT COUNT(*) AS n FROM \(unsafeRaw: source.table) WHERE \(source.condition)"
        ).first()?
        .decode(column: "n", as: Int.self) ?? 0
    }
}
