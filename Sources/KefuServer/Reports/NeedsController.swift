import Foundation
import KefuDomain
import Vapor

/// The needs and market analysis pages and API (R2.2): `/reports/needs` for a period (default: the last
/// 30 days) against the one before, each dimension's CSV, and the customers or reactions behind a bar.
struct NeedsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewReports).get(.needsReport, use: page)
        routes.requiring(.viewReports).get(.needsExport, use: export)
        routes.requiring(.viewReports).get(.needsRecords, use: records)
    }

    static func dimension(_ req: Request) throws -> NeedsFigures.Dimension {
        guard let dimension = req.parameters.get("dimension").flatMap(NeedsFigures.Dimension.init(rawValue:)) else {
            throw KefuError.notFound
        }
        return dimension
    }

    /// The bar's key, or a 422 at `key`: required, at most 200 characters (a rejection reason is free text).
    static func key(_ req: Request) throws -> String {
        guard let key = req.query[String.self, at: "key"], !key.isEmpty, key.count <= 200 else {
            throw KefuError.validation(FieldErrors(["key": "validation.required"]))
        }
        return key
    }

    struct Card: Encodable {
        var id: String; var title: String; var body: HTMLFragment; var csvPath: String; var note: String
    }
    struct Page: Encodable {
        var from: String, to: String, previous: String
        var errors: [String: String]
        var charts: [Card]
        var hasCharts: Bool
    }

    @Sendable func page(req: Request) async throws -> Response {
        let t: (String) -> String = { req.t($0) }
        switch ReportsController.period(req) {
        case .failure(let problems):
            let page = Page(
                from: String((req.query[String.self, at: "from"] ?? "").prefix(20)),
                to: String((req.query[String.self, at: "to"] ?? "").prefix(20)),
                previous: "",
                errors: problems.messages.mapValues { req.t($0, ["days": String(ReportPeriod.maximumDays)]) },
                charts: [], hasCharts: false)
            return try await req.renderPage(
                "reports/needs", titleKey: "report.needs.title", page, status: .unprocessableEntity)
        case .success(let period):
            let report = try await NeedsReport.load(period, database: req.db)
            let cards = NeedsFigures.Dimension.allCases.map { dimension in
                Card(
                    id: "needs-\(dimension.rawValue)", title: t("report.needs.\(dimension.rawValue)"),
                    body: report.card(dimension, t: t),
                    csvPath: SiteURL.needsExport(dimension.rawValue).path(
                        rawQuery: "from=\(period.from)&to=\(period.to)"),
                    note: report.summary(dimension, t: t))
            }
            let page = Page(
                from: period.from.description, to: period.to.description,
                previous: "\(period.previous.from) – \(period.previous.to)",
                errors: [:], charts: cards, hasCharts: true)
            return try await req.renderPage("reports/needs", titleKey: "report.needs.title", page)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let dimension = try Self.dimension(req)
        let period = try ReportsController.validPeriod(req)
        let t: (String) -> String = { req.t($0) }
        let report = try await NeedsReport.load(period, database: req.db)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"needs-\(dimension.rawValue)-\(period.from)-\(period.to).csv\"")
        return Response(
            status: .ok, headers: headers,
            body: .init(string: ReportCard.csv(header: report.header(t: t), rows: report.rows(dimension, t: t))))
    }

    @Sendable func records(req: Request) async throws -> Response {
        let dimension = try Self.dimension(req)
        let key = try Self.key(req)
        let period = try ReportsController.validPeriod(req)
        let paging = try req.paging
        let (items, total) = try await NeedsFigures(database: req.db).items(
            dimension, key: key, span: period.instants(in: DisplayFormat.timeZone), page: paging)
        let page = ReportsController.RecordsPage(
            title: req.t(
                "report.records.title",
                [
                    "figure": req.t("report.needs.\(dimension.rawValue)"),
                    "value": NeedsReport.label(dimension, key, t: { req.t($0) }),
                ]),
            period: "\(period.from) – \(period.to)",
            rows: items.map {
                ReportsController.RecordsPage.Row(
                    number: $0.number ?? "—", at: DisplayFormat.dateTime($0.at), staffName: $0.staffName ?? "—",
                    link: $0.link)
            },
            hasRows: !items.isEmpty,
            pager: ReportsController.recordsPager(req, paging, total: total, path: .needsRecords(dimension.rawValue)),
            back: SiteURL.needsReport.path(rawQuery: "from=\(period.from)&to=\(period.to)"))
        return try await req.renderPage("reports/records", titleKey: "report.needs.title", page)
    }
}

/// `/api/v1/reports/needs` (R2.2): each dimension this period against the one before, and the records behind a value.
struct NeedsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let needs = routes.grouped("reports", "needs")
        needs.requiring(.viewReports).get(use: report)
        needs.requiring(.viewReports).get("records", ":dimension", use: records)
    }

    @Sendable func report(req: Request) async throws -> NeedsReport.DTO {
        try await NeedsReport.load(ReportsController.validPeriod(req), database: req.db).dto(t: { req.t($0) })
    }

    @Sendable func records(req: Request) async throws -> PageDTO<DashboardFigures.Item> {
        let dimension = try NeedsController.dimension(req)
        let key = try NeedsController.key(req)
        let period = try ReportsController.validPeriod(req)
        let paging = try req.paging
        let (items, total) = try await NeedsFigures(database: req.db).items(
            dimension, key: key, span: period.instants(in: DisplayFormat.timeZone), page: paging)
        return PageDTO(items: items, request: paging, total: total)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/reports/needs", tag: "Reports",
            summary:
                "Customer needs and the market (R2.2): industries, regions, budget bands and timing of the customers who came in the period, project types they showed interest in and their reasons for turning projects down, each against the previous period, with the largest rises and falls in words",
            parameters: ReportsAPIController.periodParameters, responses: [200: "ReportNeeds"]),
        APIOperation(
            method: .GET, path: "/api/v1/reports/needs/records/{dimension}", tag: "Reports",
            summary:
                "The customers (by code) or reactions behind one value of a dimension, newest first, a page at a time (page, perPage ≤ 100, 20 by default)",
            parameters: [
                [
                    "name": "dimension", "in": "path", "required": true,
                    "schema": Schema.enumeration(NeedsFigures.Dimension.allCases.map(\.rawValue)),
                ],
                ["name": "key", "in": "query", "required": true, "schema": ["type": "string", "maxLength": 200]],
            ]
                + ReportsAPIController.periodParameters + OpenAPIParameters.page,
            responses: [200: "ReportRecordPage"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, count = Schema.integer
        return [
            "ReportNeeds": Schema.object(
                [
                    "from": text, "to": text, "previousFrom": text, "previousTo": text,
                    "dimensions": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "dimension": text, "summary": text,
                                "values": [
                                    "type": "array",
                                    "items": Schema.object(
                                        [
                                            "key": text, "label": text, "current": count, "previous": count,
                                            "change": count,
                                        ], required: ["key", "label", "current", "previous", "change"]),
                                ],
                            ], required: ["dimension", "summary", "values"]),
                    ],
                ], required: ["from", "to", "previousFrom", "previousTo", "dimensions"])
        ]
    }
}
