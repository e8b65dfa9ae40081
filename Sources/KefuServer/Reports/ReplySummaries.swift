import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Promised replies per office day of their deadline and person (issue 16 "Speed"): a year's promises
/// are counted per request otherwise. A deadline of a day before today has come, so its promise is
/// either given on time or late; today's are counted from the records up to now, as the follow-ups are.
enum ReplySummaries {
    static let replies = ReportSummary(
        keys: [
            ("day", "BIGINT", ReportSummary.day("promised_by")),
            ("staff_id", "BIGINT", ReportSummary.nonNull("staff_id")),
        ],
        values: [
            ("promised", "BIGINT", ReportSummary.one),
            (
                "on_time", "BIGINT",
                { row, _ in
                    "CASE WHEN \(row).replied_at IS NOT NULL AND \(row).replied_at <= \(row).promised_by THEN 1 ELSE 0 END"
                }
            ),
        ],
        table: "report_reply_days", source: "inquiries", condition: { "\($0).promised_by IS NOT NULL" },
        watched: ["promised_by", "staff_id", "replied_at"])

    static let summaries = [replies]
}

extension DashboardFigures {
    /// Promised replies due on the office days `first ..< end` per person, on time and late; nil when the
    /// filter names a channel (the summary keeps none).
    func summaryReplies(fromDay first: Int, toDay end: Int) async throws -> [Int?: PersonFollowUps]? {
        guard filter.channel == nil else { return nil }
        guard first < end else { return [:] }
        var people: [Int?: PersonFollowUps] = [:]
        let person: SQLQueryString = filter.staffID.map { " AND staff_id = \(bind: $0)" } ?? ""
        for row in try await database.sql().raw(
            """
            SELECT s.staff_id AS staff_id, staff.display_name AS name, s.promised AS promised, s.on_time AS on_time
            FROM (SELECT staff_id, CAST(SUM(promised) AS BIGINT) AS promised, CAST(SUM(on_time) AS BIGINT) AS on_time FROM report_reply_days
                  WHERE day >= \(bind: first) AND day < \(bind: end)\(person) GROUP BY staff_id) s
            LEFT JOIN staff ON staff.id = s.staff_id WHERE s.promised > 0
            """
        ).all() {
            let id = try row.decode(column: "staff_id", as: Int.self)
            let staffID: Int? = id == 0 ? nil : id
            let promised = try row.decode(column: "promised", as: Int.self),
                onTime = try row.decode(column: "on_time", as: Int.self)
            people[staffID] = PersonFollowUps(
                staffID: staffID, name: try row.decode(column: "name", as: String?.self), onTime: onTime,
                late: promised - onTime)
        }
        return people
    }
}

/// Creates the promised replies' summary and its triggers, filled from the records already there.
struct CreateReplySummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(ReplySummaries.summaries, on: database)
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(ReplySummaries.summaries, on: database)
    }
}
