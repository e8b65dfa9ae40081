import Foundation
import KefuDomain
import Vapor

/// `/api/v1/reports/monthly` (issue 16 §6): the department's monthly reports — a draft's sections and live
/// figures, the issued copy's frozen figures. The supervisor writes and issues; leadership reads.
struct MonthlyReportsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped("reports", "monthly")
        reports.requiring(.viewReports).get(use: list)
        reports.requiring(.writeMonthlyReports).post(use: create)
        reports.requiring(.viewReports).get(":id", use: show)
        reports.requiring(.writeMonthlyReports).patch(":id", use: save)
        reports.requiring(.writeMonthlyReports).post(":id", "issue", use: issue)
    }

    struct DTO: Content, Equatable {
        var id: Int, number: String, departmentID: Int, departmentName: String, month: String, from: String, to: String
        var state: String, summary: String, problems: String, nextPlan: String
        var createdBy: String?, createdAt: Date, updatedAt: Date, issuedAt: Date?, issuedBy: String?, version: Int
        /// When the figures were read: the issue time of an issued report, now for a draft.
        var figuresAsOf: Date
        var charts: [MonthlyReportFigures.Chart]
    }

    struct ListItem: Content {
        var id: Int, number: String, departmentName: String, month: String, state: String, issuedAt: Date?,
            issuedBy: String?, version: Int
    }

    /// The report with its figures in the reader's language.
    static func dto(_ req: Request, _ row: MonthlyReportStore.Row) async throws -> DTO {
        let figures = try await MonthlyReportStore(database: req.db).figures(row, now: req.now).expanded(
            req.words.expandingTerms)
        return DTO(
            id: row.id, number: row.number, departmentID: row.departmentID, departmentName: row.departmentName,
            month: row.month,
            from: figures.from, to: figures.to, state: row.state, summary: row.summary, problems: row.problems,
            nextPlan: row.nextPlan,
            createdBy: row.createdByName, createdAt: row.createdAt, updatedAt: row.updatedAt, issuedAt: row.issuedAt,
            issuedBy: row.issuedByName,
            version: row.version, figuresAsOf: row.issuedAt ?? req.now, charts: figures.charts)
    }

    /// The reports the caller reads: the supervisor's own department's, every department's for leadership.
    static func rows(_ req: Request) async throws -> [MonthlyReportStore.Row] {
        let staff = try req.requireStaff()
        let own = AccessPolicy.allows(staff.role, .writeMonthlyReports)
        return try await MonthlyReportStore(database: req.db).list(departmentID: own ? staff.departmentID : nil)
    }

    @Sendable func list(req: Request) async throws -> [ListItem] {
        try await Self.rows(req).map {
            ListItem(
                id: $0.id, number: $0.number, departmentName: $0.departmentName, month: $0.month, state: $0.state,
                issuedAt: $0.issuedAt,
                issuedBy: $0.issuedByName, version: $0.version)
        }
    }

    struct CreateInput: Content { var month: String? }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let input = try req.content.decode(CreateInput.self)
        let id = try await MonthlyReportStore(database: req.db).create(
            month: input.month, departmentID: staff.departmentID, context: req.auditContext)
        return try await fresh(req, id).encodeResponse(status: .created, for: req)
    }

    private func fresh(_ req: Request, _ id: Int) async throws -> DTO {
        guard let row = try await MonthlyReportStore(database: req.db).find(id) else { throw KefuError.notFound }
        return try await Self.dto(req, row)
    }

    @Sendable func show(req: Request) async throws -> DTO {
        try await Self.dto(req, try await req.record(MonthlyReportKind.self, for: .viewReports))
    }

    struct SaveInput: Content { var summary: String?; var problems: String?; var nextPlan: String?; var version: Int? }

    /// Saves the sections sent; a section left out keeps its text.
    @Sendable func save(req: Request) async throws -> DTO {
        let row = try await req.record(MonthlyReportKind.self, for: .writeMonthlyReports)
        let input = try req.content.decode(SaveInput.self)
        let sections = MonthlyReportSections(
            summary: input.summary ?? row.summary, problems: input.problems ?? row.problems,
            nextPlan: input.nextPlan ?? row.nextPlan)
        try await MonthlyReportStore(database: req.db).save(
            row, sections, version: input.version, context: req.auditContext)
        return try await fresh(req, row.id)
    }

    struct VersionInput: Content { var version: Int? }

    @Sendable func issue(req: Request) async throws -> DTO {
        let row = try await req.record(MonthlyReportKind.self, for: .writeMonthlyReports)
        let input = try req.content.decode(VersionInput.self)
        let figures = try await MonthlyReportFigures.build(row.reportMonth, now: req.now, database: req.db)
        try await MonthlyReportStore(database: req.db).issue(
            row, version: input.version, figures: figures, context: req.auditContext)
        return try await fresh(req, row.id)
    }

    static let operations: [APIOperation] = {
        let id = OpenAPIParameters.id
        return [
            APIOperation(
                method: .GET, path: "/api/v1/reports/monthly", tag: "Reports",
                summary:
                    "Monthly reports, the latest month first: the supervisor's department's, every department's for leadership",
                responses: [200: "MonthlyReportList"]),
            APIOperation(
                method: .POST, path: "/api/v1/reports/monthly", tag: "Reports",
                summary:
                    "Start the draft of a month's report (YB-YYYY-NNNNNN); one per department and month, not for a month still to come",
                requestSchema: "MonthlyReportCreateInput", responses: [201: "MonthlyReport"]),
            APIOperation(
                method: .GET, path: "/api/v1/reports/monthly/{id}", tag: "Reports",
                summary:
                    "A monthly report: the supervisor's sections and the month's charts — read now for a draft, as they were at issue time once issued",
                parameters: [id], responses: [200: "MonthlyReport"]),
            APIOperation(
                method: .PATCH, path: "/api/v1/reports/monthly/{id}", tag: "Reports",
                summary:
                    "Save a draft's sections with the version read (409 when it changed meanwhile; an issued report is refused, 422)",
                parameters: [id], requestSchema: "MonthlyReportSectionsInput", responses: [200: "MonthlyReport"]),
            APIOperation(
                method: .POST, path: "/api/v1/reports/monthly/{id}/issue", tag: "Reports",
                summary:
                    "Issue a draft of a month that is over with every section written: its figures are frozen as they are now and it can no longer change",
                parameters: [id], requestSchema: "MonthlyReportVersionInput", responses: [200: "MonthlyReport"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, count = Schema.integer, nullableText = Schema.nullable("string"),
            nullableTime = Schema.nullable("string", format: "date-time")
        let state = Schema.enumeration(MonthlyReportState.allCases.map(\.rawValue))
        let chart = Schema.object(
            [
                "id": text, "title": text,
                "kind": Schema.enumeration(["bar", "stacked-bar", "line", "funnel", "donut"]),
                "format": Schema.enumeration(["count", "amount", "share"]),
                "categories": ["type": "array", "items": text],
                "series": [
                    "type": "array",
                    "items": Schema.object(
                        [
                            "name": text, "values": ["type": "array", "items": Schema.nullable("number")],
                            "links": ["type": "array", "items": Schema.nullable("string")],
                        ], required: ["name", "values", "links"]),
                ],
                "header": ["type": "array", "items": text],
                "rows": [
                    "type": "array",
                    "items": Schema.object(
                        [
                            "label": text, "values": ["type": "array", "items": text], "link": nullableText,
                        ], required: ["label", "values"]),
                ],
            ], required: ["id", "title", "kind", "format", "categories", "series", "header", "rows"])
        return [
            "MonthlyReport": Schema.object(
                [
                    "id": count, "number": text, "departmentID": count, "departmentName": text, "month": text,
                    "from": text, "to": text, "state": state,
                    "summary": text, "problems": text, "nextPlan": text, "createdBy": nullableText,
                    "createdAt": Schema.dateTime, "updatedAt": Schema.dateTime,
                    "issuedAt": nullableTime, "issuedBy": nullableText, "version": count,
                    "figuresAsOf": Schema.dateTime,
                    "charts": ["type": "array", "items": chart],
                ],
                required: [
                    "id", "number", "departmentID", "departmentName", "month", "from", "to", "state", "summary",
                    "problems", "nextPlan",
                    "createdAt", "updatedAt", "version", "figuresAsOf", "charts",
                ]),
            "MonthlyReportList": [
                "type": "array",
                "items": Schema.object(
                    [
                        "id": count, "number": text, "departmentName": text, "month": text, "state": state,
                        "issuedAt": nullableTime, "issuedBy": nullableText,
                        "version": count,
                    ], required: ["id", "number", "departmentName", "month", "state", "version"]),
            ],
            "MonthlyReportCreateInput": Schema.object(
                ["month": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"]], required: ["month"]),
            "MonthlyReportSectionsInput": Schema.object(
                [
                    "summary": ["type": "string", "maxLength": .number(Double(MonthlyReportRules.maximumLength))],
                    "problems": ["type": "string", "maxLength": .number(Double(MonthlyReportRules.maximumLength))],
                    "nextPlan": ["type": "string", "maxLength": .number(Double(MonthlyReportRules.maximumLength))],
                    "version": count,
                ], required: ["version"]),
            "MonthlyReportVersionInput": Schema.object(["version": count], required: ["version"]),
        ]
    }
}
