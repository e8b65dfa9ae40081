import Foundation
import KefuDomain
import Vapor

/// The step-times pages and API (R1.4): `/reports/step-times` for a period of whole months (default: the
/// twelve months to today), each step's CSV, and the steps behind one month's figures, longest first.
struct StepTimesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewReports).get(.stepTimesReport, use: page)
        routes.requiring(.viewReports).get(.stepTimesExport, use: export)
        routes.requiring(.viewReports).get(.stepTimesRecords, use: records)
    }

    /// The request's period; without `from` and `to`, the twelve months to today.
    static func period(_ req: Request) -> Result<ReportPeriod, FieldErrors> {
        let from = req.query[String.self, at: "from"] ?? "", to = req.query[String.self, at: "to"] ?? ""
        let today = CalendarDay(req.now, timeZone: DisplayFormat.timeZone)
        if from.trimmingCharacters(in: .whitespaces).isEmpty, to.trimmingCharacters(in: .whitespaces).isEmpty {
            return .success(ReportPeriod.lastTwelveMonths(endingOn: today))
        }
        return ReportPeriod.parse(from: from, to: to, today: today)
    }

    static func validPeriod(_ req: Request) throws -> ReportPeriod {
        switch period(req) {
        case .success(let period): return period
        case .failure(let problems): throw KefuError.validation(problems)
        }
    }

    static func step(_ req: Request) throws -> ReportStep {
        guard let step = req.parameters.get("step").flatMap(ReportStep.init(rawValue:)) else {
            throw KefuError.notFound
        }
        return step
    }

    @Sendable func page(req: Request) async throws -> Response {
        let t: (String) -> String = { req.t($0) }
        switch Self.period(req) {
        case .failure(let problems):
            let page = ReportsController.Page(
                from: String((req.query[String.self, at: "from"] ?? "").prefix(20)),
                to: String((req.query[String.self, at: "to"] ?? "").prefix(20)),
                errors: problems.messages.mapValues { req.t($0, ["days": String(ReportPeriod.maximumDays)]) },
                charts: [], hasCharts: false)
            return try await req.renderPage(
                "reports/step_times", titleKey: "report.step.title", page, status: .unprocessableEntity)
        case .success(let period):
            let report = try await StepTimesReport.load(period, database: req.db)
            let cards = ReportStep.allCases.map { step in
                ReportsController.ChartCard(
                    id: "step-\(step.rawValue)", title: t("report.step.\(step.rawValue)"),
                    body: report.card(step, t: t),
                    csvPath: SiteURL.stepTimesExport(step.rawValue).path(
                        rawQuery: "from=\(period.from)&to=\(period.to)"))
            }
            let page = ReportsController.Page(
                from: period.from.description, to: period.to.description, errors: [:], charts: cards, hasCharts: true)
            return try await req.renderPage("reports/step_times", titleKey: "report.step.title", page)
        }
    }

    @Sendable func export(req: Request) async throws -> Response {
        let step = try Self.step(req)
        let period = try Self.validPeriod(req)
        let report = try await StepTimesReport.load(period, database: req.db)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"step-\(step.rawValue)-\(period.from)-\(period.to).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: report.csv(step, t: { req.t($0) })))
    }

    /// A page of the steps completed in one month of the period, longest first: what the month's median
    /// and 90th percentile were read from.
    static func monthRows(_ req: Request) async throws -> (
        step: ReportStep, period: ReportPeriod, month: ReportMonth, rows: [StepTimeFigures.Row], total: Int,
        paging: Paging
    ) {
        let step = try Self.step(req)
        let period = try Self.validPeriod(req)
        let paging = try req.paging
        guard let month = req.query[String.self, at: "month"].flatMap(ReportMonth.init), period.months.contains(month)
        else {
            throw KefuError.validation(FieldErrors(["month": "validation.report.month"]))
        }
        let first = CalendarDay(year: month.year, month: month.month, day: 1)!
        let next = month.adding(months: 1)
        let last = CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1)
        let within = ReportPeriod(from: max(first, period.from), to: min(last, period.to))
        let rows = try await StepTimeFigures(database: req.db).rows(step, period: within, page: paging)
        // The total is the month's count from the summary (the figure's own), not a count of the month's rows.
        var total = paging.offset + rows.count
        if let summarized = StepTimeSummaries.step(step) {
            total = try await StepTimeSummaries.count(
                summarized, days: (within.from.daysSinceEpoch, within.to.daysSinceEpoch + 1), on: req.db)
        } else if step == .intentToSigned {
            total = try await StepTimeFigures(database: req.db).rows(step, period: within).count
        }
        return (step, period, month, rows, total, paging)
    }

    @Sendable func records(req: Request) async throws -> Response {
        let (step, period, month, rows, total, paging) = try await Self.monthRows(req)
        let page = ReportsController.RecordsPage(
            title: req.t(
                "report.records.title", ["figure": req.t("report.step.\(step.rawValue)"), "value": month.description]),
            period: "\(period.from) – \(period.to)",
            rows: rows.map {
                ReportsController.RecordsPage.Row(
                    number: $0.number ?? "—", at: DisplayFormat.dateTime($0.endedAt), staffName: $0.staffName ?? "—",
                    link: $0.link, duration: StepTimesReport.hours($0.seconds / 3_600))
            },
            hasRows: !rows.isEmpty,
            pager: ReportsController.recordsPager(req, paging, total: total, path: .stepTimesRecords(step.rawValue)),
            back: SiteURL.stepTimesReport.path(rawQuery: "from=\(period.from)&to=\(period.to)"), hasDuration: true)
        return try await req.renderPage("reports/records", titleKey: "report.step.title", page)
    }
}

/// `/api/v1/reports/step-times` (R1.4): each step's monthly median and 90th percentile, and the steps behind a month.
struct StepTimesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let steps = routes.grouped("reports", "step-times")
        steps.requiring(.viewReports).get(use: report)
        steps.requiring(.viewReports).get("records", ":step", use: records)
    }

    @Sendable func report(req: Request) async throws -> StepTimesReport.DTO {
        try await StepTimesReport.load(StepTimesController.validPeriod(req), database: req.db).dto(t: { req.t($0) })
    }

    struct Item: Content, Equatable {
        var id: Int
        var number: String?
        var startedAt: Date
        var endedAt: Date
        var hours: Double
        var staffName: String?
        var link: String
    }

    @Sendable func records(req: Request) async throws -> PageDTO<Item> {
        let (_, _, _, rows, total, paging) = try await StepTimesController.monthRows(req)
        return PageDTO(
            items: rows.map {
                Item(
                    id: $0.id, number: $0.number, startedAt: $0.startedAt, endedAt: $0.endedAt,
                    hours: max(0, $0.seconds) / 3_600,
                    staffName: $0.staffName, link: $0.link)
            }, request: paging, total: total)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/reports/step-times", tag: "Reports",
            summary:
                "Step times (R1.4): per step, the steps completed in each month of the period with their median and 90th percentile in hours (default period: the twelve months to today)",
            parameters: ReportsAPIController.periodParameters, responses: [200: "ReportStepTimes"]),
        APIOperation(
            method: .GET, path: "/api/v1/reports/step-times/records/{step}", tag: "Reports",
            summary:
                "The steps completed in one month of the period, longest first, a page at a time (page, perPage ≤ 100, 20 by default)",
            parameters: [
                [
                    "name": "step", "in": "path", "required": true,
                    "schema": Schema.enumeration(ReportStep.allCases.map(\.rawValue)),
                ],
                [
                    "name": "month", "in": "query", "required": true,
                    "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"],
                    "description": "A month within the period, e.g. 2026-11",
                ],
            ] + ReportsAPIController.periodParameters + OpenAPIParameters.page,
            responses: [200: "ReportStepRecordPage"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, count = Schema.integer
        return [
            "ReportStepTimes": Schema.object(
                [
                    "from": text, "to": text,
                    "steps": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "step": text, "label": text,
                                "months": [
                                    "type": "array",
                                    "items": Schema.object(
                                        [
                                            "month": text, "count": count, "medianHours": Schema.nullable("number"),
                                            "p90Hours": Schema.nullable("number"),
                                        ], required: ["month", "count"]),
                                ],
                            ], required: ["step", "label", "months"]),
                    ],
                ], required: ["from", "to", "steps"]),
            "ReportStepRecord": Schema.object(
                [
                    "id": count, "number": Schema.nullable("string"),
                    "startedAt": ["type": "string", "format": "date-time"],
                    "endedAt": ["type": "string", "format": "date-time"], "hours": ["type": "number"],
                    "staffName": Schema.nullable("string"), "link": text,
                ], required: ["id", "startedAt", "endedAt", "hours", "link"]),
            "ReportStepRecordPage": Schema.page(of: "ReportStepRecord"),
        ]
    }
}
