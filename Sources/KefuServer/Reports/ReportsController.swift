import Foundation
import KefuDomain
import Vapor

/// The report pages (issue 16): the supervisor's dashboard for a period, each chart's CSV, and the list of
/// records behind a mark. Supervisor and leadership only (`viewReports`).
struct ReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped("reports")
        reports.requiring(.viewReports).get(use: dashboard)
        reports.requiring(.viewReports).get("export", ":chart", use: export)
        reports.requiring(.viewReports).get("records", ":figure", use: records)
    }

    /// The period of the request's `from` and `to`, or the fields' messages.
    static func period(_ req: Request) -> Result<ReportPeriod, FieldErrors> {
        ReportPeriod.parse(from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"],
                           today: CalendarDay(req.now, timeZone: DisplayFormat.timeZone))
    }

    /// The period, or a 422 with the fields' messages (the API and the files).
    static func validPeriod(_ req: Request) throws -> ReportPeriod {
        switch period(req) {
        case .success(let period): return period
        case .failure(let problems): throw KefuError.validation(problems)
        }
    }

    struct ChartCard: Encodable { var id: String; var title: String; var body: HTMLFragment; var csvPath: String; var isFunnel: Bool }
    struct Page: Encodable {
        var from: String, to: String
        var errors: [String: String]
        var charts: [ChartCard]
        var hasCharts: Bool
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        let t: (String) -> String = { req.t($0) }
        switch Self.period(req) {
        case .failure(let problems):
            let page = Page(from: String((req.query[String.self, at: "from"] ?? "").prefix(20)), to: String((req.query[String.self, at: "to"] ?? "").prefix(20)),
                            errors: problems.messages.mapValues { req.t($0, ["days": String(ReportPeriod.maximumDays)]) }, charts: [], hasCharts: false)
            return try await req.renderPage("reports/dashboard", titleKey: "report.title", page, status: .unprocessableEntity)
        case .success(let period):
            let board = try await SupervisorDashboard.load(period, now: req.now, database: req.db, t: t)
            let cards = board.charts.map {
                ChartCard(id: $0.id, title: t($0.titleKey), body: board.card($0, t: t),
                          csvPath: "/reports/export/\($0.id)?from=\(period.from)&to=\(period.to)", isFunnel: $0.kind == .funnel)
            }
            let page = Page(from: period.from.description, to: period.to.description, errors: [:], charts: cards, hasCharts: true)
            return try await req.renderPage("reports/dashboard", titleKey: "report.title", page)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        guard let id = req.parameters.get("chart"), SupervisorDashboard.chartIDs.contains(id) else { throw KefuError.notFound }
        let period = try Self.validPeriod(req)
        let t: (String) -> String = { req.t($0) }
        let board = try await SupervisorDashboard.load(period, now: req.now, database: req.db, t: t)
        guard let chart = board.charts.first(where: { $0.id == id }) else { throw KefuError.notFound }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(id)-\(period.from)-\(period.to).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: board.csv(chart, t: t)))
    }

    struct RecordsPage: Encodable {
        struct Row: Encodable { var number: String; var at: String; var staffName: String; var link: String; var duration: String = "" }
        var title: String, period: String, rows: [Row], hasRows: Bool, total: Int, isCut: Bool, back: String
        /// Step-time lists show how long each step took.
        var hasDuration = false
    }

    /// The records behind a mark, read with the figure's own condition.
    @Sendable func records(req: Request) async throws -> Response {
        guard let figure = req.parameters.get("figure").flatMap(DashboardFigures.Figure.init(rawValue:)),
              let key = req.query[String.self, at: "key"], !key.isEmpty, key.count <= 64 else { throw KefuError.notFound }
        let period = try Self.validPeriod(req)
        let span = period.instants(in: DisplayFormat.timeZone)
        let (items, total) = try await DashboardFigures(database: req.db).items(figure, key: key, span: span, now: req.now)
        let label: String
        switch figure {
        case .inquiriesByChannel: label = req.t("inquiry.channel.\(key)")
        case .complaintsByCategory: label = try await DashboardFigures(database: req.db).complaintsByCategory(span).first { $0.code == key }?.name ?? key
        case .followUpsOnTime, .followUpsLate, .repliesOnTime, .repliesLate, .inquiriesAnswered:
            let name = try await req.db.sql().raw("SELECT display_name FROM staff WHERE id = \(bind: Int(key) ?? -1)").first()?
                .decode(column: "display_name", as: String.self)
            let series: [DashboardFigures.Figure: String] = [
                .followUpsOnTime: "report.series.on_time", .followUpsLate: "report.series.late", .repliesOnTime: "report.series.replied_on_time",
                .repliesLate: "report.series.replied_late", .inquiriesAnswered: "report.series.answered",
            ]
            label = (name ?? req.t("report.nobody")) + " · " + req.t(series[figure] ?? "")
        case .inquiriesByWeekday:
            label = Int(key).map { (0..<7).contains($0) ? req.t("report.weekday.\($0)") : key } ?? key
        case .inquiriesByHour:
            label = Int(key).map { String(format: "%02d:00", $0) } ?? key
        case .inquiriesReceived, .complaintsReceived, .followUpsDue:
            label = req.t("report.all")
        }
        let page = RecordsPage(
            title: req.t("report.figure.\(figure.rawValue)") + "：" + label, period: "\(period.from) – \(period.to)",
            rows: items.map { RecordsPage.Row(number: $0.number ?? "—", at: DisplayFormat.dateTime($0.at), staffName: $0.staffName ?? "—", link: $0.link) },
            hasRows: !items.isEmpty, total: total, isCut: total > items.count, back: "/reports?from=\(period.from)&to=\(period.to)")
        return try await req.renderPage("reports/records", titleKey: "report.title", page)
    }
}
