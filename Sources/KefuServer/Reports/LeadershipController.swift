import Fluent
import Foundation
import KefuDomain
import Vapor

/// Leadership's dashboard (issue 16 "领导看板"): the department's counts against the previous period and last
/// year, contracts signed and their amounts by month and by project, each with table, CSV and the contracts
/// behind a bar; projects' interest and rejection reasons are in the needs analysis, linked from the page.
struct LeadershipController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewReports).get(.leadershipReport, use: page)
        routes.requiring(.viewReports).get(.leadershipExport, use: export)
        routes.requiring(.viewReports).get(.leadershipRecords, use: records)
        routes.requiring(.viewReports).get(.leadershipVisits, use: visits)
    }

    static let chartIDs = ["department", "contracts-by-month", "contracts-by-project", "partner-satisfaction"]

    struct Board: Sendable {
        var period: ReportPeriod
        var comparison: [(period: ReportPeriod, counts: DashboardFigures.PeriodCounts)]
        var months: [ContractFigures.Sum]
        var projects: [ContractFigures.Sum]
        var partners: [PartnerFigures.Month]

        static func load(_ period: ReportPeriod, req: Request) async throws -> Board {
            try await load(period, database: req.db)
        }

        static func load(_ period: ReportPeriod, database: any Database) async throws -> Board {
            var comparison: [(period: ReportPeriod, counts: DashboardFigures.PeriodCounts)] = []
            for compared in [period, period.previous, period.sameDaysLastYear] {
                comparison.append(
                    (
                        compared,
                        try await DashboardFigures(database: database).counts(
                            compared.instants(in: DisplayFormat.timeZone))
                    ))
            }
            let contracts = ContractFigures(database: database)
            return Board(
                period: period, comparison: comparison, months: try await contracts.byMonth(period),
                projects: try await contracts.byProject(period),
                partners: try await PartnerFigures(database: database).byMonth(period))
        }

        func link(project: String?, month: String?) -> String {
            var link = SiteURL.leadershipRecords.path(rawQuery: "from=\(period.from)&to=\(period.to)")
            if let project { link += "&project=\(project)" }
            if let month { link += "&month=\(month)" }
            return link
        }

        /// A chart's data, table header and rows.
        func chart(_ id: String, t: (String) -> String) -> (
            kind: SVGChart.Kind, data: ChartData, header: [String], rows: [ReportCard.Row]
        ) {
            switch id {
            case "department":
                let series = comparison.enumerated().map { index, row in
                    ChartSeries(
                        name: t(
                            ["report.series.this_period", "report.series.previous_period", "report.series.last_year"][
                                index]),
                        values: [row.counts.inquiries, row.counts.complaints, row.counts.followUpsDue].map {
                            Double($0)
                        },
                        links: DashboardFigures.comparedFigures.map {
                            SiteURL.reportRecords($0.rawValue).path(
                                rawQuery: "key=all&from=\(row.period.from)&to=\(row.period.to)")
                        })
                }
                let categories = [
                    t("report.compared.inquiries"), t("report.compared.complaints"),
                    t("report.compared.follow_ups_due"),
                ]
                let rows = categories.indices.map { c in
                    ReportCard.Row(
                        label: categories[c], values: series.map { ChartValueFormat.count.text($0.values[c]) },
                        link: series[0].links[c])
                }
                return (
                    .bar, ChartData(categories: categories, series: series),
                    [t("report.column.label")] + series.map(\.name), rows
                )
            case "partner-satisfaction":
                let links = partners.map {
                    SiteURL.leadershipVisits.path(rawQuery: "from=\(period.from)&to=\(period.to)&month=\($0.month)")
                }
                let average: (Double?) -> String = {
                    $0.map { ChartValueFormat.count.text(($0 * 10).rounded() / 10) } ?? "—"
                }
                let data = ChartData(
                    categories: partners.map(\.month.description),
                    series: [
                        ChartSeries(
                            name: t("report.leadership.visit_satisfaction"),
                            values: partners.map { (($0.visitSatisfaction ?? 0) * 10).rounded() / 10 },
                            links: links),
                        ChartSeries(
                            name: t("report.leadership.survey_score"),
                            values: partners.map { (($0.surveyScore ?? 0) * 10).rounded() / 10 },
                            links: links),
                    ])
                let rows = partners.indices.map { i in
                    ReportCard.Row(
                        label: partners[i].month.description,
                        values: [
                            String(partners[i].visits), average(partners[i].visitSatisfaction),
                            String(partners[i].surveys),
                            average(partners[i].surveyScore),
                        ], link: links[i])
                }
                return (
                    .line, data,
                    [
                        t("report.step.month"), t("report.leadership.visits_done"),
                        t("report.leadership.visit_satisfaction"),
                        t("report.leadership.surveys_answered"), t("report.leadership.survey_score"),
                    ], rows
                )
            default:
                let sums = id == "contracts-by-month" ? months : projects
                let byMonth = id == "contracts-by-month"
                let labels = sums.map { $0.label ?? t("report.leadership.no_project") }
                let links = sums.map { byMonth ? link(project: nil, month: $0.key) : link(project: $0.key, month: nil) }
                let data = ChartData(
                    categories: labels,
                    series: [
                        ChartSeries(
                            name: t("report.leadership.amount"), values: sums.map { Double($0.amountYuan) },
                            links: links)
                    ], format: .amount)
                let rows = sums.indices.map { i in
                    ReportCard.Row(
                        label: labels[i],
                        values: [String(sums[i].count), ChartValueFormat.amount.text(Double(sums[i].amountYuan))],
                        link: links[i])
                }
                return (
                    .bar, data,
                    [
                        t(byMonth ? "report.step.month" : "report.leadership.project"),
                        t("report.leadership.contracts"),
                        t("report.leadership.amount"),
                    ], rows
                )
            }
        }

        // MARK: JSON

        struct DTO: Content, Equatable {
            struct Sum: Content, Equatable {
                var key: String; var label: String?; var contracts: Int; var amountYuan: Int64
            }
            var from: String, to: String
            var comparison: [SupervisorDashboard.DTO.ComparedPeriod]
            var contractsByMonth: [Sum]
            var contractsByProject: [Sum]
            struct PartnerMonth: Content, Equatable {
                var month: String; var visitsDone: Int; var visitSatisfaction: Double?; var surveysAnswered: Int;
                var surveyScore: Double?
            }
            /// Return visits done and surveys answered by signed customers and partners, per month, with their averages (1–5).
            var partners: [PartnerMonth]
        }

        var dto: DTO {
            DTO(
                from: period.from.description, to: period.to.description,
                comparison: comparison.map {
                    .init(
                        from: $0.period.from.description, to: $0.period.to.description, inquiries: $0.counts.inquiries,
                        complaints: $0.counts.complaints, followUpsDue: $0.counts.followUpsDue)
                },
                contractsByMonth: months.map {
                    .init(key: $0.key, label: $0.label, contracts: $0.count, amountYuan: $0.amountYuan)
                },
                contractsByProject: projects.map {
                    .init(key: $0.key, label: $0.label, contracts: $0.count, amountYuan: $0.amountYuan)
                },
                partners: partners.map {
                    .init(
                        month: $0.month.description, visitsDone: $0.visits, visitSatisfaction: $0.visitSatisfaction,
                        surveysAnswered: $0.surveys, surveyScore: $0.surveyScore)
                })
        }
    }

    @Sendable func page(req: Request) async throws -> Response {
        let t: (String) -> String = { req.t($0) }
        switch ReportsController.period(req) {
        case .failure(let problems):
            let page = ReportsController.Page(
                from: String((req.query[String.self, at: "from"] ?? "").prefix(20)),
                to: String((req.query[String.self, at: "to"] ?? "").prefix(20)),
                errors: problems.messages.mapValues { req.t($0, ["days": String(ReportPeriod.maximumDays)]) },
                charts: [], hasCharts: false)
            return try await req.renderPage(
                "reports/leadership", titleKey: "report.leadership.title", page, status: .unprocessableEntity)
        case .success(let period):
            let board = try await Board.load(period, req: req)
            let cards = Self.chartIDs.map { id in
                let chart = board.chart(id, t: t)
                let title = t("report.leadership.\(id)")
                return ReportsController.ChartCard(
                    id: id, title: title,
                    body: ReportCard.render(
                        chart.kind, chart.data, title: title, header: chart.header,
                        rows: chart.rows, t: t),
                    csvPath: SiteURL.leadershipExport(id).path(rawQuery: "from=\(period.from)&to=\(period.to)"))
            }
            let page = ReportsController.Page(
                from: period.from.description, to: period.to.description, errors: [:], charts: cards, hasCharts: true)
            return try await req.renderPage("reports/leadership", titleKey: "report.leadership.title", page)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        guard let id = req.parameters.get("chart"), Self.chartIDs.contains(id) else { throw KefuError.notFound }
        let period = try ReportsController.validPeriod(req)
        let chart = try await Board.load(period, req: req).chart(id, t: { req.t($0) })
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"\(id)-\(period.from)-\(period.to).csv\"")
        return Response(
            status: .ok, headers: headers, body: .init(string: ReportCard.csv(header: chart.header, rows: chart.rows)))
    }

    /// The request's project and month filters, checked: a month must lie in the period.
    static func filters(_ req: Request, _ period: ReportPeriod) throws -> (project: String?, month: ReportMonth?) {
        let project = req.query[String.self, at: "project"].flatMap { $0.isEmpty ? nil : $0 }
        if let project, project != NeedsFigures.none, Int(project) == nil {
            throw KefuError.validation(FieldErrors(["project": "validation.choose_from_list"]))
        }
        var month: ReportMonth?
        if let text = req.query[String.self, at: "month"], !text.isEmpty {
            guard let parsed = ReportMonth(text), period.months.contains(parsed) else {
                throw KefuError.validation(FieldErrors(["month": "validation.report.month"]))
            }
            month = parsed
        }
        return (project, month)
    }

    @Sendable func records(req: Request) async throws -> Response {
        let period = try ReportsController.validPeriod(req)
        let (project, month) = try Self.filters(req, period)
        let paging = try req.paging
        let (items, total) = try await ContractFigures(database: req.db).items(
            period, project: project, month: month, page: paging)
        let page = ReportsController.RecordsPage(
            title: month.map {
                req.t("report.records.title", ["figure": req.t("report.leadership.contracts"), "value": "\($0)"])
            } ?? req.t("report.leadership.contracts"),
            period: "\(period.from) – \(period.to)",
            rows: items.map {
                ReportsController.RecordsPage.Row(
                    number: $0.number ?? "—", at: DisplayFormat.dateTime($0.at), staffName: $0.staffName ?? "—",
                    link: $0.link)
            },
            hasRows: !items.isEmpty,
            pager: ReportsController.recordsPager(req, paging, total: total, path: .leadershipRecords),
            back: SiteURL.leadershipReport.path(rawQuery: "from=\(period.from)&to=\(period.to)"))
        return try await req.renderPage("reports/records", titleKey: "report.leadership.title", page)
    }

    /// The month of a partner figure's list: required, and within the period.
    static func visitMonth(_ req: Request, _ period: ReportPeriod) throws -> ReportMonth {
        guard let text = req.query[String.self, at: "month"], let month = ReportMonth(text),
            period.months.contains(month)
        else {
            throw KefuError.validation(FieldErrors(["month": "validation.report.month"]))
        }
        return month
    }

    /// The return visits done in a month: the records behind the partners' picture.
    @Sendable func visits(req: Request) async throws -> Response {
        let period = try ReportsController.validPeriod(req)
        let month = try Self.visitMonth(req, period)
        let paging = try req.paging
        let (items, total) = try await PartnerFigures(database: req.db).visitItems(period, month: month, page: paging)
        let page = ReportsController.RecordsPage(
            title: req.t(
                "report.records.title", ["figure": req.t("report.leadership.visits_done"), "value": "\(month)"]),
            period: "\(period.from) – \(period.to)",
            rows: items.map {
                ReportsController.RecordsPage.Row(
                    number: req.t("report.leadership.visit"), at: DisplayFormat.dateTime($0.at),
                    staffName: $0.staffName ?? "—", link: $0.link)
            },
            hasRows: !items.isEmpty,
            pager: ReportsController.recordsPager(req, paging, total: total, path: .leadershipVisits),
            back: SiteURL.leadershipReport.path(rawQuery: "from=\(period.from)&to=\(period.to)"))
        return try await req.renderPage("reports/records", titleKey: "report.leadership.title", page)
    }
}

/// `/api/v1/reports/leadership` (issue 16 "领导看板"): the department's counts compared, contracts and amounts by month and project.
struct LeadershipAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let leadership = routes.grouped("reports", "leadership")
        leadership.requiring(.viewReports).get(use: board)
        leadership.requiring(.viewReports).get("records", use: records)
        leadership.requiring(.viewReports).get("visits", use: visits)
    }

    @Sendable func board(req: Request) async throws -> LeadershipController.Board.DTO {
        try await LeadershipController.Board.load(ReportsController.validPeriod(req), req: req).dto
    }

    @Sendable func records(req: Request) async throws -> PageDTO<DashboardFigures.Item> {
        let period = try ReportsController.validPeriod(req)
        let (project, month) = try LeadershipController.filters(req, period)
        let paging = try req.paging
        let (items, total) = try await ContractFigures(database: req.db).items(
            period, project: project, month: month, page: paging)
        return PageDTO(items: items, request: paging, total: total)
    }

    @Sendable func visits(req: Request) async throws -> PageDTO<DashboardFigures.Item> {
        let period = try ReportsController.validPeriod(req)
        let paging = try req.paging
        let (items, total) = try await PartnerFigures(database: req.db).visitItems(
            period, month: try LeadershipController.visitMonth(req, period), page: paging)
        return PageDTO(items: items, request: paging, total: total)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/reports/leadership", tag: "Reports",
            summary:
                "Leadership's dashboard: inquiries, complaints and follow-ups due against the previous period and the same days last year; contracts signed (not cancelled) and their amounts in yuan by month and by project",
            parameters: ReportsAPIController.periodParameters, responses: [200: "ReportLeadership"]),
        APIOperation(
            method: .GET, path: "/api/v1/reports/leadership/records", tag: "Reports",
            summary:
                "The contracts signed in the period, optionally of one project ('none': without a project) and one month of the period, newest signing first, a page at a time (page, perPage ≤ 100, 20 by default)",
            parameters: [
                ["name": "project", "in": "query", "schema": Schema.string],
                ["name": "month", "in": "query", "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"]],
            ] + ReportsAPIController.periodParameters + OpenAPIParameters.page,
            responses: [200: "ReportRecordPage"]),
        APIOperation(
            method: .GET, path: "/api/v1/reports/leadership/visits", tag: "Reports",
            summary:
                "The return visits done in one month of the period, newest first, a page at a time (page, perPage ≤ 100, 20 by default)",
            parameters: [
                [
                    "name": "month", "in": "query", "required": true,
                    "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"],
                ]
            ]
                + ReportsAPIController.periodParameters + OpenAPIParameters.page,
            responses: [200: "ReportRecordPage"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, count = Schema.integer
        let sum = Schema.object(
            ["key": text, "label": Schema.nullable("string"), "contracts": count, "amountYuan": count],
            required: ["key", "contracts", "amountYuan"])
        return [
            "ReportLeadership": Schema.object(
                [
                    "from": text, "to": text,
                    "comparison": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "from": text, "to": text, "inquiries": count, "complaints": count,
                                "followUpsDue": count,
                            ], required: ["from", "to", "inquiries", "complaints", "followUpsDue"]),
                    ],
                    "contractsByMonth": ["type": "array", "items": sum],
                    "contractsByProject": ["type": "array", "items": sum],
                    "partners": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "month": text, "visitsDone": count, "visitSatisfaction": Schema.nullable("number"),
                                "surveysAnswered": count,
                                "surveyScore": Schema.nullable("number"),
                            ], required: ["month", "visitsDone", "surveysAnswered"]),
                    ],
                ], required: ["from", "to", "comparison", "contractsByMonth", "contractsByProject", "partners"])
        ]
    }
}
