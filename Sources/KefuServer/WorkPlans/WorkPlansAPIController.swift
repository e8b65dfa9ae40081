import Foundation
import KefuDomain
import Vapor

/// `/api/v1/work-plans` (R2.2): plans per period for the team and each specialist, their targets'
/// live progress read from the recorded figures, the lists behind each figure, goals ticked off, and
/// the supervisor's result at the period's end.
struct WorkPlansAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let plans = routes.grouped("work-plans")
        plans.requiring(.viewWorkPlans).get(use: list)
        plans.requiring(.manageWorkPlans).post(use: create)
        plans.requiring(.viewWorkPlans).get(":id", use: show)
        plans.requiring(.viewWorkPlans).get(":id", "figures", ":figure", use: items)
        plans.requiring(.markPlanGoals).post(":id", "goals", ":goalID", use: markGoal)
        plans.requiring(.manageWorkPlans).post(":id", "result", use: recordResult)
    }

    struct PlanDTO: Content {
        struct Progress: Content {
            var figure: String, label: String, target: Double, measured: Double?, percent: Double?, isMet: Bool
        }
        struct Goal: Content { var id: Int; var text: String; var isDone: Bool; var doneAt: Date?; var doneBy: String? }
        var id: Int, title: String, staffID: Int?, staffName: String?, periodKind: String, periodStart: String,
            periodEnd: String
        var progress: [Progress], goals: [Goal], resultNote: String?, resultAt: Date?
        /// Each target's progress as it stood when the result was recorded.
        var resultProgress: [Progress]?
        var version: Int
    }

    static func dto(_ req: Request, _ row: WorkPlanStore.Row) async throws -> PlanDTO {
        let store = WorkPlanStore(database: req.db)
        let words = req.assessmentWords
        let now = req.now, serviceQuality = req.application.serviceQualityFigures
        let progress = try await req.application.figureCache.value(
            "work_plan:\(row.id):\(row.version)", now: now,
            maxAge: TimeInterval(req.kefu.configuration.figureCacheSeconds)
        ) { try await store.progress(row, now: now, serviceQuality: serviceQuality) }
        func view(_ progress: TargetProgress) -> PlanDTO.Progress {
            .init(
                figure: progress.figure.rawValue, label: words.figure(progress.figure.rawValue),
                target: progress.target, measured: progress.measured,
                percent: progress.percent, isMet: progress.isMet)
        }
        return PlanDTO(
            id: row.id, title: row.title, staffID: row.staffID, staffName: row.staffName, periodKind: row.periodKind,
            periodStart: row.periodStart,
            periodEnd: row.periodEnd,
            progress: progress.map(view),
            goals: try await store.goals(row.id).map {
                .init(id: $0.id, text: $0.text, isDone: $0.doneAt != nil, doneAt: $0.doneAt, doneBy: $0.doneByName)
            },
            resultNote: row.resultNote, resultAt: row.resultAt, resultProgress: row.recordedProgress?.map(view),
            version: row.version
        )
    }

    /// The department's plans for the supervisor, all for leadership, one's own for a specialist.
    @Sendable func list(req: Request) async throws -> [PlanDTO] {
        let staff = try req.requireStaff()
        let store = WorkPlanStore(database: req.db)
        let rows: [WorkPlanStore.Row]
        switch AccessPolicy.widestScope(of: staff.role, for: .viewWorkPlans) {
        case .any?: rows = try await store.list(departmentID: nil, staffID: nil)
        case .team?: rows = try await store.list(departmentID: staff.departmentID, staffID: nil)
        default: rows = try await store.list(departmentID: nil, staffID: staff.id)
        }
        var result: [PlanDTO] = []
        for row in rows.prefix(50) { result.append(try await Self.dto(req, row)) }
        return result
    }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let id = try await WorkPlanStore(database: req.db).create(
            try req.content.decode(WorkPlanStore.CreateInput.self), departmentID: staff.departmentID,
            context: req.auditContext)
        guard let row = try await WorkPlanStore(database: req.db).find(id) else { throw KefuError.notFound }
        return try await Self.dto(req, row).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> PlanDTO {
        try await Self.dto(req, try await req.record(WorkPlanKind.self, for: .viewWorkPlans))
    }

    /// The records a figure of the plan counts: the list its progress summarizes.
    @Sendable func items(req: Request) async throws -> [WorkFigureReader.Item] {
        let row = try await req.record(WorkPlanKind.self, for: .viewWorkPlans)
        guard let figure = req.parameters.get("figure").flatMap(WorkFigure.init(rawValue:)), let period = row.period
        else { throw KefuError.notFound }
        let people = try await WorkPlanStore(database: req.db).people(of: row)
        return try await WorkFigureReader(database: req.db, serviceQuality: req.application.serviceQualityFigures)
            .items(figure, staffIDs: people, period: period, now: req.now)
    }

    struct GoalMark: Content { var done: Bool? }

    @Sendable func markGoal(req: Request) async throws -> PlanDTO {
        let row = try await req.record(WorkPlanKind.self, for: .markPlanGoals)
        guard let goalID = req.parameters.get("goalID", as: Int.self) else { throw KefuError.notFound }
        try await WorkPlanStore(database: req.db).markGoal(
            planID: row.id, goalID: goalID, done: try req.content.decode(GoalMark.self).done ?? true,
            context: req.auditContext)
        return try await Self.dto(req, try await WorkPlanStore(database: req.db).find(row.id) ?? row)
    }

    struct ResultInput: Content { var resultNote: String?; var version: Int? }

    @Sendable func recordResult(req: Request) async throws -> PlanDTO {
        let row = try await req.record(WorkPlanKind.self, for: .manageWorkPlans)
        let input = try req.content.decode(ResultInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        try await WorkPlanStore(database: req.db).recordResult(
            row, note: input.resultNote ?? "", version: version,
            serviceQuality: req.application.serviceQualityFigures, context: req.auditContext)
        return try await Self.dto(req, try await WorkPlanStore(database: req.db).find(row.id) ?? row)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/work-plans", tag: "Work plans",
            summary:
                "Plans with live progress: the department's for the supervisor, all for leadership, one's own for a specialist",
            responses: [200: "WorkPlanList"]),
        APIOperation(
            method: .POST, path: "/api/v1/work-plans", tag: "Work plans",
            summary:
                "Set a plan for the department (no staffID) or one specialist: a month, quarter or year, targets on existing figures, goals",
            requestSchema: "WorkPlanInput", responses: [201: "WorkPlan"]),
        APIOperation(
            method: .GET, path: "/api/v1/work-plans/{id}", tag: "Work plans",
            summary: "One plan with each target's live progress",
            parameters: [OpenAPIParameters.id], responses: [200: "WorkPlan"]),
        APIOperation(
            method: .GET, path: "/api/v1/work-plans/{id}/figures/{figure}", tag: "Work plans",
            summary: "The records a figure of the plan counts (the list its progress summarizes)",
            parameters: [
                OpenAPIParameters.id,
                [
                    "name": "figure", "in": "path", "required": true,
                    "schema": Schema.enumeration(WorkFigure.allCases.map(\.rawValue)),
                ],
            ],
            responses: [200: "WorkFigureItemList"]),
        APIOperation(
            method: .POST, path: "/api/v1/work-plans/{id}/goals/{goalID}", tag: "Work plans",
            summary: "Mark a goal done (done=false reopens it)",
            parameters: [
                OpenAPIParameters.id,
                ["name": "goalID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            requestSchema: "WorkPlanGoalMark", responses: [200: "WorkPlan"]),
        APIOperation(
            method: .POST, path: "/api/v1/work-plans/{id}/result", tag: "Work plans",
            summary: "The supervisor's result of the plan at the period's end",
            parameters: [OpenAPIParameters.id], requestSchema: "WorkPlanResult", responses: [200: "WorkPlan"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableNumber = Schema.nullable("number"),
            number: JSONValue = ["type": "number"]
        return [
            "WorkPlanInput": Schema.object(
                [
                    "title": text, "staffID": Schema.nullable("integer"),
                    "periodKind": Schema.enumeration(PlanPeriodKind.allCases.map(\.rawValue)),
                    "periodDay": [
                        "type": "string", "format": "date", "description": "Any day of the month, quarter or year",
                    ],
                    "targets": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            ["figure": Schema.enumeration(WorkFigure.allCases.map(\.rawValue)), "target": number],
                            required: ["figure", "target"]),
                    ],
                    "goals": ["type": ["array", "null"], "items": Schema.string],
                ], required: ["title", "periodKind", "periodDay"]),
            "WorkPlan": Schema.object(
                [
                    "id": Schema.integer, "title": text, "staffID": Schema.nullable("integer"),
                    "staffName": nullableText, "periodKind": text,
                    "periodStart": text, "periodEnd": text,
                    "progress": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "figure": text, "label": text, "target": number, "measured": nullableNumber,
                                "percent": nullableNumber, "isMet": Schema.boolean,
                            ], required: ["figure", "label", "target", "isMet"]),
                    ],
                    "goals": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "text": text, "isDone": Schema.boolean,
                                "doneAt": Schema.nullable("string", format: "date-time"), "doneBy": nullableText,
                            ], required: ["id", "text", "isDone"]),
                    ],
                    "resultNote": nullableText, "resultAt": Schema.nullable("string", format: "date-time"),
                    "resultProgress": [
                        "type": ["array", "null"],
                        "description":
                            "Each target's progress when the result was recorded (from the period's last day on)",
                        "items": Schema.object(
                            [
                                "figure": text, "label": text, "target": number, "measured": nullableNumber,
                                "percent": nullableNumber, "isMet": Schema.boolean,
                            ], required: ["figure", "label", "target", "isMet"]),
                    ],
                    "version": Schema.integer,
                ], required: ["id", "title", "periodKind", "periodStart", "periodEnd", "progress", "goals", "version"]),
            "WorkPlanList": ["type": "array", "items": Schema.ref("WorkPlan")],
            "WorkFigureItemList": [
                "type": "array",
                "items": Schema.object(
                    [
                        "recordType": text, "id": Schema.integer, "at": text, "isOnTime": Schema.nullable("boolean"),
                    ], required: ["recordType", "id", "at"]),
            ],
            "WorkPlanGoalMark": Schema.object(["done": Schema.nullable("boolean")], required: []),
            "WorkPlanResult": Schema.object(
                ["resultNote": text, "version": Schema.integer], required: ["resultNote", "version"]),
        ]
    }
}

extension WorkPlanStore.CreateInput: Content {}
extension WorkFigureReader.Item: Content {}
