import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The supervisor's dashboard figures (issue 16 §2, first part): the customer funnel, inquiries by
/// channel, follow-ups done on time per specialist and complaints by category. Each figure's rows are
/// chosen in one place (``source(_:key:span:now:)``): the grouped counts and the list behind a mark read
/// the same table and condition, so a bar always equals the records it drills down to.
struct DashboardFigures {
    let database: any Database

    /// A figure of the dashboard whose records can be listed.
    enum Figure: String, CaseIterable, Sendable {
        case inquiriesByChannel = "inquiries-by-channel"
        case followUpsOnTime = "follow-ups-on-time"
        case followUpsLate = "follow-ups-late"
        case complaintsByCategory = "complaints-by-category"
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
    static func source(_ figure: Figure, key: String?, span: (start: Date, end: Date), now: Date) -> (table: String, condition: SQLQueryString) {
        switch figure {
        case .inquiriesByChannel:
            var condition: SQLQueryString = "received_at >= \(bind: span.start) AND received_at < \(bind: span.end)"
            if let key { condition = condition + " AND channel = \(bind: key)" }
            return ("inquiries", condition)
        case .followUpsOnTime, .followUpsLate:
            // Follow-ups due in the period and already due: done on time, or late (done after the due time or not yet done).
            let dueUntil = min(span.end, now)
            var condition: SQLQueryString = "due_at >= \(bind: span.start) AND due_at < \(bind: dueUntil)"
            condition = condition + (figure == .followUpsOnTime
                ? " AND completed_at IS NOT NULL AND completed_at <= due_at"
                : " AND (completed_at IS NULL OR completed_at > due_at)")
            if let key {
                if key == nobody { condition = condition + " AND staff_id IS NULL" } else { condition = condition + " AND staff_id = \(bind: Int(key) ?? -1)" }
            }
            return ("follow_ups", condition)
        case .complaintsByCategory:
            var condition: SQLQueryString = "received_at >= \(bind: span.start) AND received_at < \(bind: span.end)"
            if let key { condition = condition + " AND category = \(bind: key)" }
            return ("complaints", condition)
        }
    }

    /// Live customer files by their stage now (merged files are not counted), the same as `/customers?stage=…` lists.
    func funnel() async throws -> [Count] {
        let rows = try await database.sql().raw("SELECT stage, COUNT(*) AS n FROM customers WHERE merged_into_id IS NULL GROUP BY stage").all()
        var counts: [String: Int] = [:]
        for row in rows { counts[try row.decode(column: "stage", as: String.self)] = try row.decode(column: "n", as: Int.self) }
        return CustomerStage.allCases.map { Count(key: $0.rawValue, count: counts[$0.rawValue] ?? 0) }
    }

    /// Inquiries received in the period by channel, every channel listed (zero too).
    func inquiriesByChannel(_ span: (start: Date, end: Date)) async throws -> [Count] {
        let source = Self.source(.inquiriesByChannel, key: nil, span: span, now: span.end)
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw("SELECT channel, COUNT(*) AS n FROM inquiries WHERE \(source.condition) GROUP BY channel").all() {
            counts[try row.decode(column: "channel", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        let known = InquiryChannel.allCases.map(\.rawValue)
        return known.map { Count(key: $0, count: counts[$0] ?? 0) } + counts.keys.filter { !known.contains($0) }.sorted().map { Count(key: $0, count: counts[$0]!) }
    }

    /// Follow-ups due in the period (and by now), per person: done on time and late; people by name.
    func followUps(_ span: (start: Date, end: Date), now: Date) async throws -> [PersonFollowUps] {
        var people: [Int?: PersonFollowUps] = [:]
        for figure in [Figure.followUpsOnTime, .followUpsLate] {
            let source = Self.source(figure, key: nil, span: span, now: now)
            for row in try await database.sql().raw("""
                SELECT follow_ups.staff_id AS staff_id, staff.display_name AS name, COUNT(*) AS n FROM follow_ups
                LEFT JOIN staff ON staff.id = follow_ups.staff_id
                WHERE \(source.condition) GROUP BY follow_ups.staff_id, staff.display_name
                """).all() {
                let staffID = try row.decode(column: "staff_id", as: Int?.self)
                let name = try row.decode(column: "name", as: String?.self)
                var person = people[staffID] ?? PersonFollowUps(staffID: staffID, name: name, onTime: 0, late: 0)
                let n = try row.decode(column: "n", as: Int.self)
                if figure == .followUpsOnTime { person.onTime += n } else { person.late += n }
                people[staffID] = person
            }
        }
        return people.values.sorted { ($0.name ?? "\u{10FFFF}", $0.staffID ?? 0) < ($1.name ?? "\u{10FFFF}", $1.staffID ?? 0) }
    }

    /// Complaints received in the period by category, with the category's name; categories in their order.
    func complaintsByCategory(_ span: (start: Date, end: Date)) async throws -> [(code: String, name: String, count: Int)] {
        let source = Self.source(.complaintsByCategory, key: nil, span: span, now: span.end)
        var counts: [String: Int] = [:]
        for row in try await database.sql().raw("SELECT category, COUNT(*) AS n FROM complaints WHERE \(source.condition) GROUP BY category").all() {
            counts[try row.decode(column: "category", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        var result: [(code: String, name: String, count: Int)] = []
        for row in try await database.sql().raw("SELECT code, name, is_active FROM complaint_categories ORDER BY position, id").all() {
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

    /// The records a mark counts: the same table and condition as its figure, newest first, at most `limit`.
    func items(_ figure: Figure, key: String, span: (start: Date, end: Date), now: Date, limit: Int = 500) async throws -> (items: [Item], total: Int) {
        let source = Self.source(figure, key: key, span: span, now: now)
        let sql = try database.sql()
        let total = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: source.table) WHERE \(source.condition)").first()?.decode(column: "n", as: Int.self) ?? 0
        let columns: SQLQueryString
        let at: String
        switch figure {
        case .inquiriesByChannel: (columns, at) = ("t.id, t.number, t.received_at AS at, t.customer_id", "received_at")
        case .followUpsOnTime, .followUpsLate: (columns, at) = ("t.id, NULL AS number, t.due_at AS at, t.customer_id", "due_at")
        case .complaintsByCategory: (columns, at) = ("t.id, t.number, t.received_at AS at, t.customer_id", "received_at")
        }
        let rows = try await sql.raw("""
            SELECT \(columns), staff.display_name AS staff_name FROM (SELECT * FROM \(unsafeRaw: source.table) WHERE \(source.condition)) t
            LEFT JOIN staff ON staff.id = t.staff_id ORDER BY t.\(unsafeRaw: at) DESC, t.id DESC LIMIT \(literal: limit)
            """).all()
        return (try rows.map { row in
            let id = try row.decode(column: "id", as: Int.self)
            let customerID = try row.decode(column: "customer_id", as: Int?.self)
            let link: String
            switch figure {
            case .inquiriesByChannel: (link) = customerID.map { "/customers/\($0)" } ?? "/inquiries?status=all"
            case .followUpsOnTime, .followUpsLate: link = customerID.map { "/customers/\($0)/follow-ups" } ?? "/follow-ups"
            case .complaintsByCategory: link = "/complaints/\(id)"
            }
            return Item(recordType: figure == .complaintsByCategory ? "complaint" : figure == .inquiriesByChannel ? "inquiry" : "follow_up",
                        id: id, number: try row.decode(column: "number", as: String?.self), at: try row.decode(column: "at", as: Date.self),
                        staffName: try row.decode(column: "staff_name", as: String?.self), link: link)
        }, total)
    }
}
