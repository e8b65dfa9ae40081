import Foundation
import KefuDomain
import Vapor

/// The report pages (issue 16): the supervisor's dashboard for a period, each chart's CSV, and the list of
/// records behind a mark. Supervisor and leadership only (`viewReports`).
struct ReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewDashboardFigures).get(.reports, use: dashboard)
        routes.requiring(.viewDashboardFigures).get(.reportExport, use: export)
        routes.requiring(.viewDashboardFigures).get(.reportRecords, use: records)
    }

    /// The period of the request's `from` and `to`, or the fields' messages.
    static func period(_ req: Request) -> Result<ReportPeriod, FieldErrors> {
        ReportPeriod.parse(
            from: req.query[String.self, at: "from"], to: req.query[String.self, at: "to"],
            today: CalendarDay(req.now, timeZone: DisplayFormat.timeZone))
    }

    /// The period, or a 422 with the fields' messages (the API and the files).
    /// Each specialist's plan in force in the period with its progress (the whole team's, or the filter's person).
    /// The dashboard's figures for the period and filter in the reader's language. A year's figures cost
    /// some 70 ms of the server's two cores (about thirty summary reads and the charts' rows), so eight
    /// people opening the dashboard at once waited for each other (p95 over 300 ms at 8 clients): they
    /// are computed once for everyone asking at the same moment and kept for `KEFU_FIGURE_CACHE_SECONDS`
    /// (60 by default; 0 in tests), like a department plan's progress (``FigureCache``). New records so
    /// show within the minute.
    static func board(_ req: Request, _ period: ReportPeriod, _ filter: DashboardFilter) async throws
        -> SupervisorDashboard
    {
        try await req.application.figureCache.value(
            boardKey(req, period, filter), now: req.now, maxAge: TimeInterval(req.kefu.configuration.figureCacheSeconds)
        ) {
            try await SupervisorDashboard.load(
                period, filter: filter, now: req.now, database: req.db,
                plans: try await Self.plans(req, period, filter),
                t: { req.t($0) })
        }
    }

    /// The dashboard page's charts, drawn: the SVG of a year's figures costs more than reading them, so the
    /// page keeps its drawn cards like the API keeps the figures (read afresh when the key is computed).
    static func cards(_ req: Request, _ period: ReportPeriod, _ filter: DashboardFilter) async throws -> [ChartCard] {
        try await req.application.figureCache.value(
            "\(boardKey(req, period, filter)):cards", now: req.now,
            maxAge: TimeInterval(req.kefu.configuration.figureCacheSeconds)
        ) {
            let t: (String) -> String = { req.t($0) }
            let board = try await SupervisorDashboard.load(
                period, filter: filter, now: req.now, database: req.db,
                plans: try await Self.plans(req, period, filter),
                t: t)
            return board.charts.map {
                ChartCard(
                    id: $0.id, title: t($0.titleKey), body: board.card($0, t: t),
                    csvPath: SiteURL.reportExport($0.id).path(rawQuery: "from=\(period.from)&to=\(period.to)")
                        + filter.query,
                    note: $0.noteKey.map(t) ?? "")
            }
        }
    }

    static func boardKey(_ req: Request, _ period: ReportPeriod, _ filter: DashboardFilter) -> String {
        "dashboard:\(period.from):\(period.to):\(filter.query):\(req.language.rawValue)"
    }

    static func plans(_ req: Request, _ period: ReportPeriod, _ filter: DashboardFilter) async throws
        -> [PlanFigures.Plan]
    {
        try await PlanFigures(database: req.db, serviceQuality: req.application.serviceQualityFigures).load(
            period, staffID: filter.staffID, now: req.now, cache: req.application.figureCache,
            maxAge: TimeInterval(req.kefu.configuration.figureCacheSeconds))
    }

    static func validPeriod(_ req: Request) throws -> ReportPeriod {
        switch period(req) {
        case .success(let period): return period
        case .failure(let problems): throw KefuError.validation(problems)
        }
    }

    /// The filter, or a 422 with the fields' messages (the API, the files and the lists).
    static func validFilter(_ req: Request) async throws -> DashboardFilter {
        do { return try await DashboardFilter.parse(req) } catch let errors as FieldErrors {
            throw KefuError.validation(errors)
        }
    }

    struct ChartCard: Encodable, Sendable {
        var id: String; var title: String; var body: HTMLFragment; var csvPath: String
        /// How the chart counts, where a reader would otherwise misread it ("" for none).
        var note = ""
    }
    struct Page: Encodable {
        var from: String, to: String
        var errors: [String: String]
        var charts: [ChartCard]
        var hasCharts: Bool
        /// The dashboard's filters beside the period; absent on the other report pages.
        var filters: FilterFields? = nil
    }

    /// The filter fields of the supervisor's dashboard with what was chosen or typed.
    struct FilterFields: Encodable {
        var people: [ChoiceOption], channels: [ChoiceOption], projects: [ChoiceOption]
        /// A specialist sees only their own figures: no choice of person, no links to the team's reports.
        var isOwnOnly: Bool
        var ownName: String
    }

    static func filterFields(_ req: Request) async throws -> FilterFields {
        let staff = try req.requireStaff()
        let isOwnOnly = AccessPolicy.widestScope(of: staff.role, for: .viewDashboardFigures) == .own
        // Read once: each read decodes the whole query again, and the pickers ask for every one of 500 options.
        func read(_ name: String) -> String { String((req.query[String.self, at: name] ?? "").prefix(20)) }
        let chosenValues = ["staff": read("staff"), "channel": read("channel"), "project": read("project")]
        func chosen(_ name: String) -> String { chosenValues[name] ?? "" }
        var people = [
            ChoiceOption(
                value: "", labelKey: "report.filter.team",
                isSelected: chosen("staff").isEmpty || chosen("staff") == "all")
        ]
        if !isOwnOnly {
            for row in try await req.db.sql().raw(
                """
                SELECT id, display_name FROM staff WHERE department_id = \(bind: staff.departmentID) AND role IN ('specialist', 'supervisor')
                ORDER BY is_active DESC, display_name, id LIMIT 200
                """
            ).all() {
                let id = String(try row.decode(column: "id", as: Int.self))
                people.append(
                    ChoiceOption(
                        value: id, labelKey: "", label: try row.decode(column: "display_name", as: String.self),
                        isSelected: chosen("staff") == id))
            }
        }
        let channels =
            [ChoiceOption(value: "", labelKey: "report.filter.all_channels", isSelected: chosen("channel").isEmpty)]
            + InquiryChannel.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "inquiry.channel.\($0.rawValue)",
                    isSelected: chosen("channel") == $0.rawValue)
            }
        var projects = [
            ChoiceOption(value: "", labelKey: "report.filter.all_projects", isSelected: chosen("project").isEmpty)
        ]
        for row in try await req.db.sql().raw("SELECT id, name FROM projects ORDER BY name, id LIMIT 300").all() {
            let id = String(try row.decode(column: "id", as: Int.self))
            projects.append(
                ChoiceOption(
                    value: id, labelKey: "", label: try row.decode(column: "name", as: String.self),
                    isSelected: chosen("project") == id))
        }
        return FilterFields(
            people: people, channels: channels, projects: projects, isOwnOnly: isOwnOnly, ownName: staff.displayName)
    }

    @Sendable func dashboard(req: Request) async throws -> Response {
        var problems = FieldErrors()
        var filter = DashboardFilter.none
        do { filter = try await DashboardFilter.parse(req) } catch let errors as FieldErrors { problems.merge(errors) }
        let fields = try await Self.filterFields(req)
        switch Self.period(req) {
        case .success(let period) where problems.isEmpty:
            let cards = try await Self.cards(req, period, filter)
            let page = Page(
                from: period.from.description, to: period.to.description, errors: [:], charts: cards, hasCharts: true,
                filters: fields)
            return try await req.renderPage("reports/dashboard", titleKey: "report.title", page)
        case .success, .failure:
            if case .failure(let errors) = Self.period(req) { problems.merge(errors) }
            let page = Page(
                from: String((req.query[String.self, at: "from"] ?? "").prefix(20)),
                to: String((req.query[String.self, at: "to"] ?? "").prefix(20)),
                errors: problems.messages.mapValues { req.t($0, ["days": String(ReportPeriod.maximumDays)]) },
                charts: [], hasCharts: false,
                filters: fields)
            return try await req.renderPage(
                "reports/dashboard", titleKey: "report.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        guard let id = req.parameters.get("chart"), SupervisorDashboard.pageChartIDs.contains(id) else {
            throw KefuError.notFound
        }
        let period = try Self.validPeriod(req)
        let filter = try await Self.validFilter(req)
        let t: (String) -> String = { req.t($0) }
        let board = try await Self.board(req, period, filter)
        guard let chart = board.charts.first(where: { $0.id == id }) else { throw KefuError.notFound }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(id)-\(period.from)-\(period.to).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: board.csv(chart, t: t)))
    }

    struct RecordsPage: Encodable {
        struct Row: Encodable {
            var number: String; var at: String; var staffName: String; var link: String; var duration: String = ""
        }
        var title: String, period: String, rows: [Row], hasRows: Bool, pager: Pager, back: String
        /// Step-time lists show how long each step took.
        var hasDuration = false
    }

    /// The pager of a list of records behind a mark: the same list, another page.
    static func recordsPager(_ req: Request, _ paging: Paging, total: Int, path: SiteURL) -> Pager {
        Pager(request: paging, total: total, path: path, query: req.queryParameters.all.filter { $0.key != "page" })
    }

    /// The records behind a mark, read with the figure's own condition.
    @Sendable func records(req: Request) async throws -> Response {
        guard let figure = req.parameters.get("figure").flatMap(DashboardFigures.Figure.init(rawValue:)),
            let key = req.query[String.self, at: "key"], !key.isEmpty, key.count <= 64
        else { throw KefuError.notFound }
        let period = try Self.validPeriod(req)
        let filter = try await Self.validFilter(req)
        let paging = try req.paging
        let span = period.instants(in: DisplayFormat.timeZone)
        let (items, total) = try await DashboardFigures(database: req.db, filter: filter).items(
            figure, key: key, span: span, now: req.now, page: paging)
        let label: String
        switch figure {
        case .inquiriesByChannel: label = req.t("inquiry.channel.\(key)")
        case .complaintsByCategory:
            label =
                try await DashboardFigures(database: req.db).complaintsByCategory(span).first { $0.code == key }?.name
                ?? key
        case .followUpsOnTime, .followUpsLate, .repliesOnTime, .repliesLate, .inquiriesAnswered:
            let name = try await req.db.sql().raw("SELECT display_name FROM staff WHERE id = \(bind: Int(key) ?? -1)")
                .first()?
                .decode(column: "display_name", as: String.self)
            let series: [DashboardFigures.Figure: String] = [
                .followUpsOnTime: "report.series.on_time", .followUpsLate: "report.series.late",
                .repliesOnTime: "report.series.replied_on_time",
                .repliesLate: "report.series.replied_late", .inquiriesAnswered: "report.series.answered",
            ]
            label = (name ?? req.t("report.nobody")) + " · " + req.t(series[figure] ?? "")
        case .inquiriesByWeekday:
            label = Int(key).map { (0..<7).contains($0) ? req.t("report.weekday.\($0)") : key } ?? key
        case .inquiriesByHour:
            label = Int(key).map { String(format: "%02d:00", $0) } ?? key
        case .inquiriesReceived, .complaintsReceived, .followUpsDue:
            label = req.t("report.all")
        case .complaintsBySeverity:
            label = ComplaintSeverity(rawValue: key).map { req.t("complaint.severity.\($0.rawValue)") } ?? key
        case .complaintsByDepartment:
            label =
                try await req.db.sql().raw("SELECT name FROM departments WHERE id = \(bind: Int(key) ?? -1)").first()?
                .decode(column: "name", as: String.self) ?? key
        case .followUpsOverdue, .repliesOverdue:
            let name = try await req.db.sql().raw("SELECT display_name FROM staff WHERE id = \(bind: Int(key) ?? -1)")
                .first()?
                .decode(column: "display_name", as: String.self)
            label =
                (name ?? req.t("report.nobody")) + " · "
                + req.t(
                    figure == .followUpsOverdue ? "report.series.follow_ups_overdue" : "report.series.replies_overdue")
        case .surveysAnswered:
            label = key
        case .customersReached:
            let parts = key.split(separator: ":", maxSplits: 1)
            let step = parts.count == 2 ? String(parts[1]) : "all"
            label = String(parts.first ?? "") + " · " + req.t("report.series.reached_\(step)")
        }
        let page = RecordsPage(
            title: req.t(
                "report.records.title", ["figure": req.t("report.figure.\(figure.rawValue)"), "value": label]),
            period: "\(period.from) – \(period.to)",
            rows: items.map {
                RecordsPage.Row(
                    number: $0.number ?? "—", at: DisplayFormat.dateTime($0.at), staffName: $0.staffName ?? "—",
                    link: $0.link)
            },
            hasRows: !items.isEmpty,
            pager: Self.recordsPager(req, paging, total: total, path: .reportRecords(figure.rawValue)),
            back: SiteURL.reports.path(rawQuery: "from=\(period.from)&to=\(period.to)") + filter.query)
        return try await req.renderPage("reports/records", titleKey: "report.title", page)
    }
}
