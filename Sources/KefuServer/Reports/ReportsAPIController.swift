import Foundation
import KefuDomain
import Vapor

/// `/api/v1/reports` (issue 16 §7): the figures behind the dashboard's charts, for the company's own BI tools,
/// and the records behind each figure.
struct ReportsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let reports = routes.grouped("reports")
        reports.requiring(.viewDashboardFigures).get("dashboard", use: dashboard)
        reports.requiring(.viewDashboardFigures).get("records", ":figure", use: records)
    }

    @Sendable func dashboard(req: Request) async throws -> SupervisorDashboard.DTO {
        let period = try ReportsController.validPeriod(req)
        let filter = try await ReportsController.validFilter(req)
        let t: (String) -> String = { req.t($0) }
        return try await ReportsController.board(req, period, filter).dto(t: t)
    }

    @Sendable func records(req: Request) async throws -> PageDTO<DashboardFigures.Item> {
        guard let figure = req.parameters.get("figure").flatMap(DashboardFigures.Figure.init(rawValue:)) else {
            throw KefuError.notFound
        }
        guard let key = req.query[String.self, at: "key"], !key.isEmpty, key.count <= 64 else {
            throw KefuError.validation(FieldErrors(["key": "validation.required"]))
        }
        let period = try ReportsController.validPeriod(req)
        let filter = try await ReportsController.validFilter(req)
        let paging = try req.paging
        let (items, total) = try await DashboardFigures(database: req.db, filter: filter).items(
            figure, key: key, span: period.instants(in: DisplayFormat.timeZone), now: req.now, page: paging)
        return PageDTO(items: items, request: paging, total: total)
    }

    static let periodParameters: [JSONValue] = [
        [
            "name": "from", "in": "query", "schema": ["type": "string", "format": "date"],
            "description": "First day (default: 29 days before `to`); reversed or longer than two years is 422",
        ],
        [
            "name": "to", "in": "query", "schema": ["type": "string", "format": "date"],
            "description": "Last day, included (default: today)",
        ],
    ]

    /// The dashboard's filters beside the period (issue 16 §2); an unknown value is 422 at its name.
    static let filterParameters: [JSONValue] = [
        [
            "name": "staff", "in": "query", "schema": Schema.string,
            "description":
                "A person's id, or 'all' for the team (the default; a specialist gets their own figures and is refused another's or the team's, 403)",
        ],
        [
            "name": "channel", "in": "query", "schema": Schema.enumeration(InquiryChannel.allCases.map(\.rawValue)),
            "description": "Inquiries of one channel",
        ],
        ["name": "project", "in": "query", "schema": Schema.integer, "description": "Complaints about one project"],
    ]

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/reports/dashboard", tag: "Reports",
            summary:
                "The supervisor's dashboard figures for a period: customers by stage (now), inquiries by channel, follow-ups on time and late per person, complaints by category; the counts compared with the previous period and the same days last year, inquiries by weekday (Monday first) and hour, each person's mean time to first answer, promised replies on time and late per person; complaints by severity with those resolved within the time limit, by the department forwarded to; each person's overdue follow-ups and promised replies now (R6.3); each specialist's plan in force in the period (the latest-starting) with every target's progress now, as the plan's page reads it; per month, the live files that came and how many are at intent, talks or signing (or beyond) now, and the satisfaction surveys answered with their average score",
            parameters: periodParameters + filterParameters, responses: [200: "ReportDashboard"]),
        APIOperation(
            method: .GET, path: "/api/v1/reports/records/{figure}", tag: "Reports",
            summary:
                "The records behind one value of a figure (key: a channel, a person's id or 'none', a complaint category or severity, a department's id, a weekday 0–6 from Monday, an hour 0–23, a month '2026-03' for surveys, a month and a stage reached '2026-03:intent' or '2026-03:all' for customers, or 'all'), newest first, a page at a time (page, perPage ≤ 100, 20 by default); totalItems is the figure's own value",
            parameters: [
                [
                    "name": "figure", "in": "path", "required": true,
                    "schema": Schema.enumeration(DashboardFigures.Figure.allCases.map(\.rawValue)),
                ],
                ["name": "key", "in": "query", "required": true, "schema": ["type": "string", "maxLength": 64]],
            ] + periodParameters + filterParameters + OpenAPIParameters.page,
            responses: [200: "ReportRecordPage"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, count = Schema.integer
        return [
            "ReportDashboard": Schema.object(
                [
                    "from": text, "to": text,
                    "funnel": [
                        "type": "array",
                        "items": Schema.object(
                            ["stage": text, "label": text, "count": count], required: ["stage", "label", "count"]),
                    ],
                    "inquiriesByChannel": [
                        "type": "array",
                        "items": Schema.object(
                            ["channel": text, "label": text, "count": count],
                            required: ["channel", "label", "count"]),
                    ],
                    "followUps": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.nullable("integer"), "staffName": Schema.nullable("string"),
                                "onTime": count, "late": count,
                            ], required: ["onTime", "late"]),
                    ],
                    "complaintsByCategory": [
                        "type": "array",
                        "items": Schema.object(
                            ["category": text, "label": text, "count": count],
                            required: ["category", "label", "count"]),
                    ],
                    "comparison": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "from": text, "to": text, "inquiries": count, "complaints": count,
                                "followUpsDue": count,
                            ], required: ["from", "to", "inquiries", "complaints", "followUpsDue"]),
                    ],
                    "inquiriesByWeekday": ["type": "array", "items": count],
                    "inquiriesByHour": ["type": "array", "items": count],
                    "responseTimes": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.nullable("integer"), "staffName": Schema.nullable("string"),
                                "answered": count, "averageMinutes": ["type": "number"],
                            ], required: ["answered", "averageMinutes"]),
                    ],
                    "promisedReplies": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.nullable("integer"), "staffName": Schema.nullable("string"),
                                "onTime": count, "late": count,
                            ], required: ["onTime", "late"]),
                    ],
                    "complaintsBySeverity": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "severity": text, "label": text, "count": count, "resolved": count,
                                "resolvedInTime": count,
                            ], required: ["severity", "label", "count", "resolved", "resolvedInTime"]),
                    ],
                    "complaintsByDepartment": [
                        "type": "array",
                        "items": Schema.object(
                            ["departmentID": count, "departmentName": text, "count": count],
                            required: ["departmentID", "departmentName", "count"]),
                    ],
                    "overdue": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.nullable("integer"), "staffName": Schema.nullable("string"),
                                "followUps": count, "promisedReplies": count,
                            ], required: ["followUps", "promisedReplies"]),
                    ],
                    "plans": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "planID": count, "staffID": count, "staffName": Schema.nullable("string"),
                                "title": text, "periodStart": text, "periodEnd": text,
                                "targets": [
                                    "type": "array",
                                    "items": Schema.object(
                                        [
                                            "figure": text, "label": text, "target": ["type": "number"],
                                            "measured": Schema.nullable("number"), "percent": Schema.nullable("number"),
                                            "isMet": ["type": "boolean"],
                                        ], required: ["figure", "label", "target", "isMet"]),
                                ],
                            ], required: ["planID", "staffID", "title", "periodStart", "periodEnd", "targets"]),
                    ],
                    "conversion": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "month": text, "newFiles": count, "reachedIntent": count, "reachedNegotiating": count,
                                "reachedSigned": count,
                            ],
                            required: ["month", "newFiles", "reachedIntent", "reachedNegotiating", "reachedSigned"]),
                    ],
                    "satisfaction": [
                        "type": "array",
                        "items": Schema.object(
                            ["month": text, "surveysAnswered": count, "averageScore": Schema.nullable("number")],
                            required: ["month", "surveysAnswered"]),
                    ],
                ],
                required: [
                    "from", "to", "funnel", "inquiriesByChannel", "followUps", "complaintsByCategory", "comparison",
                    "inquiriesByWeekday",
                    "inquiriesByHour", "responseTimes", "promisedReplies", "complaintsBySeverity",
                    "complaintsByDepartment", "overdue", "plans", "conversion", "satisfaction",
                ]),
            "ReportRecord": Schema.object(
                [
                    "recordType": text, "id": count, "number": Schema.nullable("string"),
                    "at": Schema.nullable("string", format: "date-time"),
                    "staffName": Schema.nullable("string"), "link": text,
                ], required: ["recordType", "id", "at", "link"]),
            "ReportRecordPage": Schema.page(of: "ReportRecord"),
        ]
    }
}
