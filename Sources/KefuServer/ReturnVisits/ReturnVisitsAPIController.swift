import Foundation
import KefuDomain
import Vapor

/// `/api/v1/return-visits` (R4.3 #3): visits due, overdue and done (a specialist's own), one visit with
/// the problems raised and what each opened, the result of a visit; and `/api/v1/return-visit-settings`,
/// the interval per grade and the low survey score, changed by the supervisor with a version check.
struct ReturnVisitsAPIController: RouteCollection {
    struct ProblemDTO: Content {
        var text: String; var route: String; var complaintID: Int?; var complaintNumber: String?; var feedbackID: Int?;
        var feedbackNumber: String?
    }
    struct VisitDTO: Content {
        var id: Int; var customerID: Int; var customerName: String; var customerGrade: String?; var staffID: Int?;
        var staffName: String?
        var reason: String; var surveyID: Int?; var dueAt: Date; var isOverdue: Bool; var state: String;
        var doneAt: Date?; var channel: String?
        var satisfaction: Int?; var cooperation: String?; var notes: String?; var problems: [ProblemDTO]?;
        var version: Int
    }
    struct ProblemInputDTO: Content { var text: String?; var route: String? }
    struct ResultInput: Content {
        var channel: String?; var satisfaction: Int?; var cooperation: String?; var notes: String?;
        var problems: [ProblemInputDTO]?; var version: Int?
    }
    struct SettingsDTO: Content {
        var daysByGrade: [String: Int]; var ungradedDays: Int; var lowScore: Int; var version: Int
    }
    struct SettingsInput: Content {
        var daysByGrade: [String: Int]?; var ungradedDays: Int?; var lowScore: Int?; var version: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        let visits = routes.grouped("return-visits")
        visits.requiring(.viewReturnVisits).get(use: list)
        visits.requiring(.viewReturnVisits).get(":id", use: show)
        visits.requiring(.manageReturnVisits).post(":id", "result", use: record)
        let settings = routes.grouped("return-visit-settings")
        settings.requiring(.viewReturnVisits).get(use: showSettings)
        settings.requiring(.configureReturnVisits).put(use: saveSettings)
    }

    static func dto(_ row: ReturnVisitStore.Row, problems: [ReturnVisitStore.Problem]?, now: Date) -> VisitDTO {
        VisitDTO(
            id: row.id, customerID: row.customerID, customerName: row.customerName, customerGrade: row.customerGrade,
            staffID: row.staffID, staffName: row.staffName,
            reason: row.reason, surveyID: row.surveyID, dueAt: row.dueAt,
            isOverdue: ReturnVisitSchedule.isOverdue(dueAt: row.dueAt, state: row.visitState, now: now),
            state: row.state, doneAt: row.doneAt, channel: row.channel, satisfaction: row.satisfaction,
            cooperation: row.cooperation, notes: row.notes,
            problems: problems?.map {
                ProblemDTO(
                    text: $0.text, route: $0.route, complaintID: $0.complaintID, complaintNumber: $0.complaintNumber,
                    feedbackID: $0.feedbackID, feedbackNumber: $0.feedbackNumber)
            },
            version: row.version)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<VisitDTO> {
        let staff = try req.requireStaff()
        let paging = try req.paging
        var view = ReturnVisitStore.View.due
        if let text = req.query[String.self, at: "view"] {
            guard let chosen = ReturnVisitStore.View(rawValue: text) else {
                throw KefuError.invalidQuery(FieldErrors(["view": "validation.choose_from_list"]))
            }
            view = chosen
        }
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewReturnVisits)
        let (rows, total) = try await ReturnVisitStore(database: req.db).page(
            view: view, staffID: scope == .own ? staff.id : nil, now: req.now, paging: paging)
        return PageDTO(items: rows.map { Self.dto($0, problems: nil, now: req.now) }, request: paging, total: total)
    }

    @Sendable func show(req: Request) async throws -> VisitDTO {
        let row = try await req.record(ReturnVisitKind.self, for: .viewReturnVisits)
        return Self.dto(row, problems: try await ReturnVisitStore(database: req.db).problems(row.id), now: req.now)
    }

    @Sendable func record(req: Request) async throws -> VisitDTO {
        let row = try await req.record(ReturnVisitKind.self, for: .manageReturnVisits)
        let input = try req.content.decode(ResultInput.self)
        let version = try requireFormVersion(input.version)
        let result = try ReturnVisitRules.result(
            channel: input.channel, satisfaction: input.satisfaction.map(String.init), cooperation: input.cooperation,
            notes: input.notes, problems: (input.problems ?? []).map { ProblemInput(text: $0.text, route: $0.route) }
        ).get()
        let store = ReturnVisitStore(database: req.db)
        try await store.record(
            row, result, version: version, context: req.auditContext,
            calendar: try await WorkingCalendarStore(database: req.db).load())
        let fresh = try await store.find(row.id) ?? row
        return Self.dto(fresh, problems: try await store.problems(row.id), now: req.now)
    }

    static func settingsDTO(_ req: Request) async throws -> SettingsDTO {
        let (settings, version) = try await ReturnVisitStore(database: req.db).settings()
        return SettingsDTO(
            daysByGrade: Dictionary(
                uniqueKeysWithValues: ReturnVisitSettings.grades.map { ($0, settings.days(forGrade: $0)) }),
            ungradedDays: settings.ungradedDays, lowScore: settings.lowScore, version: version)
    }

    @Sendable func showSettings(req: Request) async throws -> SettingsDTO { try await Self.settingsDTO(req) }

    @Sendable func saveSettings(req: Request) async throws -> SettingsDTO {
        let input = try req.content.decode(SettingsInput.self)
        let version = try requireFormVersion(input.version)
        var byGrade: [String: String?] = [:]
        for grade in ReturnVisitSettings.grades { byGrade[grade] = input.daysByGrade?[grade].map(String.init) }
        let settings = try ReturnVisitRules.settings(
            daysByGrade: byGrade, ungradedDays: input.ungradedDays.map(String.init),
            lowScore: input.lowScore.map(String.init)
        ).get()
        try await ReturnVisitStore(database: req.db).saveSettings(settings, version: version, context: req.auditContext)
        return try await Self.settingsDTO(req)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/return-visits", tag: "Return visits",
            summary: "Return visits due (by due time), overdue, or done (newest first); a specialist's own",
            parameters: OpenAPIParameters.page + [OpenAPIParameters.query("view", "string", "due | overdue | done")],
            responses: [200: "ReturnVisitPage"]),
        APIOperation(
            method: .GET, path: "/api/v1/return-visits/{id}", tag: "Return visits",
            summary: "A return visit with the problems raised and the complaint or feedback each opened",
            parameters: [OpenAPIParameters.id],
            responses: [200: "ReturnVisit"]),
        APIOperation(
            method: .POST, path: "/api/v1/return-visits/{id}/result", tag: "Return visits",
            summary:
                "Record a visit: satisfaction 1–5, cooperation, notes, problems (each opens a complaint or a feedback)",
            parameters: [OpenAPIParameters.id], requestSchema: "ReturnVisitResultInput", responses: [200: "ReturnVisit"]
        ),
        APIOperation(
            method: .GET, path: "/api/v1/return-visit-settings", tag: "Return visits",
            summary:
                "Days between visits per customer grade and without one; the survey score at or below which a visit is opened",
            responses: [200: "ReturnVisitSettings"]),
        APIOperation(
            method: .PUT, path: "/api/v1/return-visit-settings", tag: "Return visits",
            summary: "Change the visit intervals (7–730 days) and the low score (1–4); version 0 before the first save",
            requestSchema: "ReturnVisitSettingsInput", responses: [200: "ReturnVisitSettings"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableInt = Schema.nullable("integer")
        let grades = Schema.object(
            ["A": Schema.integer, "B": Schema.integer, "C": Schema.integer, "D": Schema.integer],
            required: ["A", "B", "C", "D"])
        return [
            "ReturnVisit": Schema.object(
                [
                    "id": Schema.integer, "customerID": Schema.integer, "customerName": text,
                    "customerGrade": nullableText, "staffID": nullableInt,
                    "staffName": nullableText, "reason": Schema.enumeration(ReturnVisitReason.allCases.map(\.rawValue)),
                    "surveyID": nullableInt,
                    "dueAt": Schema.dateTime, "isOverdue": Schema.boolean,
                    "state": Schema.enumeration(ReturnVisitState.allCases.map(\.rawValue)),
                    "doneAt": Schema.nullable("string", format: "date-time"), "channel": nullableText,
                    "satisfaction": nullableInt,
                    "cooperation": Schema.nullable("string"), "notes": nullableText,
                    "problems": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "text": text, "route": Schema.enumeration(ProblemRoute.allCases.map(\.rawValue)),
                                "complaintID": nullableInt,
                                "complaintNumber": nullableText, "feedbackID": nullableInt,
                                "feedbackNumber": nullableText,
                            ], required: ["text", "route"]),
                    ],
                    "version": Schema.integer,
                ], required: ["id", "customerID", "customerName", "reason", "dueAt", "isOverdue", "state", "version"]),
            "ReturnVisitPage": Schema.page(of: "ReturnVisit"),
            "ReturnVisitResultInput": Schema.object(
                [
                    "channel": Schema.enumeration(ReturnVisitRules.channels), "satisfaction": Schema.integer,
                    "cooperation": Schema.enumeration(CooperationStatus.allCases.map(\.rawValue)), "notes": text,
                    "problems": [
                        "type": "array",
                        "items": Schema.object(
                            ["text": text, "route": Schema.enumeration(ProblemRoute.allCases.map(\.rawValue))],
                            required: ["text", "route"]),
                    ],
                    "version": Schema.integer,
                ], required: ["channel", "satisfaction", "cooperation", "version"]),
            "ReturnVisitSettings": Schema.object(
                [
                    "daysByGrade": grades, "ungradedDays": Schema.integer, "lowScore": Schema.integer,
                    "version": Schema.integer,
                ],
                required: ["daysByGrade", "ungradedDays", "lowScore", "version"]),
            "ReturnVisitSettingsInput": Schema.object(
                [
                    "daysByGrade": grades, "ungradedDays": Schema.integer, "lowScore": Schema.integer,
                    "version": Schema.integer,
                ],
                required: ["daysByGrade", "ungradedDays", "lowScore", "version"]),
        ]
    }
}
