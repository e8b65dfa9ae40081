import Foundation
import KefuDomain
import SQLKit
import Vapor

/// 投诉统计 (issue 13 §8): complaints by category, severity and month of the last twelve months, the
/// average first-response and resolution times in working hours, the share resolved within the
/// time limit, and the satisfaction per person — each a table with its CSV (`?csv=<table>`).
/// Times are counted on the working calendar without the paused spans (an approximation noted on the page).
struct ComplaintFiguresController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewComplaintFigures).get(.complaintFigures, use: figures)
    }

    struct Table: Encodable { var id: String; var titleKey: String; var header: [String]; var rows: [[String]] }
    struct Page: Encodable { var tables: [Table] }

    private struct Fact: Decodable {
        var category: String, categoryName: String?, severity: String, receivedAt: Date, firstRespondedAt: Date?,
            resolvedAt: Date?
        enum CodingKeys: String, CodingKey {
            case category, severity, categoryName = "category_name", receivedAt = "received_at", firstRespondedAt =
                "first_responded_at", resolvedAt = "resolved_at"
        }
    }

    static func tables(_ req: Request) async throws -> [Table] {
        let since = req.now.addingTimeInterval(-365 * 86400)
        let facts = try await req.db.sql().raw(
            """
            SELECT complaints.category, complaint_categories.name AS category_name, complaints.severity, complaints.received_at, complaints.first_responded_at,
                   complaints.resolved_at
            FROM complaints LEFT JOIN complaint_categories ON complaint_categories.code = complaints.category
            WHERE complaints.received_at >= \(bind: since)
            """
        ).all(decoding: Fact.self)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let limits = try await ComplaintStore(database: req.db).limits()
        let china = TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!
        func count<Key: Hashable>(_ key: (Fact) -> Key) -> [Key: Int] {
            facts.reduce(into: [:]) { $0[key($1), default: 0] += 1 }
        }
        let hours = { (value: Double) in String(format: "%.1f", value) }
        let byCategory = count { $0.categoryName ?? $0.category }.sorted { $0.value > $1.value }.map {
            [$0.key, String($0.value)]
        }
        let bySeverity = ComplaintSeverity.allCases.map { severity -> [String] in
            let rows = facts.filter { $0.severity == severity.rawValue }
            let responses = rows.compactMap { fact in
                fact.firstRespondedAt.map { calendar.workingSeconds(from: fact.receivedAt, to: $0) / 3600 }
            }
            let resolutions = rows.compactMap { fact in
                fact.resolvedAt.map { calendar.workingSeconds(from: fact.receivedAt, to: $0) / 3600 }
            }
            let limit = limits[severity]?.resolutionHours ?? ComplaintTimeLimits.defaults(severity).resolutionHours
            let within = resolutions.filter { $0 <= limit }.count
            return [
                req.t("complaint.severity.\(severity.rawValue)"), String(rows.count),
                responses.isEmpty ? "—" : hours(responses.reduce(0, +) / Double(responses.count)),
                resolutions.isEmpty ? "—" : hours(resolutions.reduce(0, +) / Double(resolutions.count)),
                resolutions.isEmpty ? "—" : String(format: "%.0f%%", Double(within) * 100 / Double(resolutions.count)),
            ]
        }
        let byMonth = count { fact -> String in
            let day = CalendarDay(fact.receivedAt, timeZone: china)
            return String(format: "%04d-%02d", day.year, day.month)
        }.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }
        struct Satisfaction: Decodable {
            var name: String?; var department: String?; var answers: Int; var average: Double
        }
        let satisfaction = try await req.db.sql().raw(
            """
            SELECT staff.display_name AS name, departments.name AS department, COUNT(*) AS answers, AVG(survey_attributions.score * 1.0) AS average
            FROM survey_attributions LEFT JOIN staff ON staff.id = survey_attributions.staff_id
            LEFT JOIN departments ON departments.id = survey_attributions.department_id
            WHERE survey_attributions.answered_at >= \(bind: since)
            GROUP BY staff.display_name, departments.name ORDER BY AVG(survey_attributions.score * 1.0) DESC
            """
        ).allRows(Satisfaction.self).map { row -> [String] in
            [row.name ?? "—", row.department ?? "—", String(row.answers), String(format: "%.2f", row.average)]
        }
        let trend = try await satisfactionTrend(req, since: since, china: china)
        return [
            Table(
                id: "category", titleKey: "complaints.figures.by_category",
                header: [req.t("complaint.field.category"), req.t("complaints.figures.count")], rows: byCategory),
            Table(
                id: "severity", titleKey: "complaints.figures.by_severity",
                header: [
                    req.t("complaint.field.severity"), req.t("complaints.figures.count"),
                    req.t("complaints.figures.first_response_hours"),
                    req.t("complaints.figures.resolution_hours"), req.t("complaints.figures.within_limit"),
                ], rows: bySeverity),
            Table(
                id: "month", titleKey: "complaints.figures.by_month",
                header: [req.t("complaints.figures.month"), req.t("complaints.figures.count")], rows: byMonth),
            Table(
                id: "satisfaction", titleKey: "complaints.figures.satisfaction",
                header: [
                    req.t("complaints.figures.person"), req.t("complaints.figures.department"),
                    req.t("complaints.figures.answers"), req.t("complaints.figures.average"),
                ],
                rows: satisfaction),
            trend,
        ]
    }

    /// The satisfaction trend (issue 13 §8): the average score per month of the last twelve, for the
    /// team (every survey answered, once) and for each person the scores were given to.
    static func satisfactionTrend(_ req: Request, since: Date, china: TimeZone) async throws -> Table {
        func month(_ date: Date) -> String {
            let day = CalendarDay(date, timeZone: china)
            return String(format: "%04d-%02d", day.year, day.month)
        }
        var months: [String] = []
        var cursor = since
        while cursor <= req.now {
            let label = month(cursor)
            if months.last != label { months.append(label) }
            cursor = cursor.addingTimeInterval(86400 * 7)
        }
        if months.last != month(req.now) { months.append(month(req.now)) }
        months = Array(months.suffix(12))
        let sql = try req.db.sql()
        struct Answer: Decodable { var name: String?; var answeredAt: Date; var score: Int }
        var team: [String: (Int, Int)] = [:]
        for row in try await sql.raw(
            "SELECT answered_at, score FROM surveys WHERE answered_at >= \(bind: since) AND score IS NOT NULL"
        ).allRows(Answer.self) {
            let key = month(row.answeredAt)
            let old = team[key] ?? (0, 0)
            team[key] = (old.0 + row.score, old.1 + 1)
        }
        var people: [String: [String: (Int, Int)]] = [:]
        for row in try await sql.raw(
            """
            SELECT staff.display_name AS name, survey_attributions.answered_at, survey_attributions.score FROM survey_attributions
            JOIN staff ON staff.id = survey_attributions.staff_id WHERE survey_attributions.answered_at >= \(bind: since)
            """
        ).allRows(Answer.self) {
            let name = row.name ?? "", key = month(row.answeredAt)
            let old = people[name]?[key] ?? (0, 0)
            people[name, default: [:]][key] = (old.0 + row.score, old.1 + 1)
        }
        func cells(_ sums: [String: (Int, Int)]) -> [String] {
            months.map { key in sums[key].map { String(format: "%.2f (%d)", Double($0.0) / Double($0.1), $0.1) } ?? "—"
            }
        }
        let rows =
            [[req.t("complaints.figures.team")] + cells(team)]
            + people.keys.sorted().map { [$0] + cells(people[$0] ?? [:]) }
        return Table(
            id: "satisfaction_trend", titleKey: "complaints.figures.satisfaction_trend",
            header: [req.t("complaints.figures.person")] + months, rows: rows)
    }

    @Sendable func figures(req: Request) async throws -> Response {
        let tables = try await Self.tables(req)
        if let wanted = req.query[String.self, at: "csv"] {
            guard let table = tables.first(where: { $0.id == wanted }) else { throw KefuError.notFound }
            let response = Response(
                status: .ok, body: .init(string: "\u{FEFF}" + CSVTable.write(header: table.header, rows: table.rows)))
            response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
            response.headers.replaceOrAdd(
                name: .contentDisposition, value: "attachment; filename=\"complaints-\(table.id).csv\"")
            return response
        }
        return try await req.renderPage("complaints/figures", titleKey: "complaints.figures", Page(tables: tables))
    }
}
