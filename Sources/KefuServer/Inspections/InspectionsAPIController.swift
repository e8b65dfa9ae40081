import Foundation
import KefuDomain
import Vapor

/// `/api/v1/inspections` (R2.2, R6.5): the checklist, sampling a period's communication records per
/// person, scoring, the specialist's acknowledgement or dispute, the supervisor's answer.
struct InspectionsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let inspections = routes.grouped("inspections")
        inspections.requiring(.viewInspections).get(use: list)
        inspections.requiring(.manageInspections).post("sample", use: sample)
        inspections.requiring(.manageInspections).get("settings", use: settings)
        inspections.requiring(.manageInspections).post("settings", use: saveSettings)
        inspections.requiring(.viewInspections).get(":id", use: show)
        inspections.requiring(.manageInspections).post(":id", "score", use: score)
        inspections.requiring(.respondToInspection).post(":id", "acknowledge", use: acknowledge)
        inspections.requiring(.respondToInspection).post(":id", "dispute", use: dispute)
        inspections.requiring(.manageInspections).post(":id", "answer", use: answer)
    }

    struct InspectionDTO: Content {
        struct Item: Content { var code: String; var name: String; var weight: Int; var score: Double? }
        struct Record: Content {
            var type: String; var id: Int; var at: Date?; var channel: String?; var durationMinutes: Int?;
            var summary: String?; var content: String?
        }
        var id: Int, staffID: Int, staffName: String?, periodStart: String, periodEnd: String, rule: String,
            seed: Int64, status: String
        var record: Record, phrasesFound: [String], items: [Item], score: Double?, comment: String?, scoredBy: String?,
            scoredAt: Date?
        var disputeReason: String?, answer: String?, version: Int
    }

    static func dto(_ row: InspectionStore.Row) -> InspectionDTO {
        let scores = row.itemScores
        return InspectionDTO(
            id: row.id, staffID: row.staffID, staffName: row.staffName, periodStart: row.periodStart,
            periodEnd: row.periodEnd, rule: row.sampleRule,
            seed: row.seed, status: row.status,
            record: .init(
                type: row.recordType, id: row.recordID, at: row.recordAt, channel: row.recordChannel,
                durationMinutes: row.recordDuration,
                summary: row.recordSummary, content: row.recordContent),
            phrasesFound: row.avoidedPhrases,
            items: row.checklistItems.map {
                .init(code: $0.code, name: $0.name, weight: $0.weight, score: scores[$0.code])
            },
            score: row.score, comment: row.comment, scoredBy: row.scoredByName, scoredAt: row.scoredAt,
            disputeReason: row.disputeReason,
            answer: row.answer, version: row.version
        )
    }

    /// The filter a caller may use: the supervisor the team's, leadership all, a specialist only their own.
    static func filter(_ req: Request, staffID: Int?, status: String?, periodStart: String?) throws
        -> InspectionStore.Filter
    {
        let staff = try req.requireStaff()
        let status = status.flatMap { InspectionStore.Status(rawValue: $0)?.rawValue }
        switch AccessPolicy.widestScope(of: staff.role, for: .viewInspections) {
        case .any?: return .init(departmentID: nil, staffID: staffID, status: status, periodStart: periodStart)
        case .team?:
            return .init(departmentID: staff.departmentID, staffID: staffID, status: status, periodStart: periodStart)
        default: return .init(departmentID: nil, staffID: staff.id, status: status, periodStart: periodStart)
        }
    }

    struct ListQuery: Content { var staffID: Int?; var status: String?; var periodStart: String? }

    @Sendable func list(req: Request) async throws -> [InspectionDTO] {
        let query = try req.query.decode(ListQuery.self)
        return try await InspectionStore(database: req.db).list(
            try Self.filter(req, staffID: query.staffID, status: query.status, periodStart: query.periodStart)
        )
        .map(Self.dto)
    }

    @Sendable func sample(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let ids = try await InspectionStore(database: req.db).sample(
            try req.content.decode(InspectionStore.SampleInput.self), departmentID: staff.departmentID,
            context: req.auditContext)
        var result: [InspectionDTO] = []
        for id in ids {
            if let row = try await InspectionStore(database: req.db).find(id) { result.append(Self.dto(row)) }
        }
        return try await result.encodeResponse(status: .created, for: req)
    }

    struct SettingsDTO: Content { var checklist: [ChecklistItem]; var phrases: [String]; var version: Int }

    @Sendable func settings(req: Request) async throws -> SettingsDTO {
        let settings = try await InspectionStore(database: req.db).settings(
            departmentID: try req.requireStaff().departmentID)
        return SettingsDTO(checklist: settings.checklist, phrases: settings.phrases, version: settings.version)
    }

    struct SettingsInput: Content { var checklist: [ChecklistItem]?; var phrases: [String]?; var version: Int? }

    @Sendable func saveSettings(req: Request) async throws -> SettingsDTO {
        let staff = try req.requireStaff()
        let input = try req.content.decode(SettingsInput.self)
        guard let version = input.version else { throw FieldErrors(["version": "validation.required"]) }
        try await InspectionStore(database: req.db).saveSettings(
            departmentID: staff.departmentID, checklist: input.checklist ?? [], phrases: input.phrases,
            version: version, context: req.auditContext)
        return try await settings(req: req)
    }

    @Sendable func show(req: Request) async throws -> InspectionDTO {
        Self.dto(try await req.record(InspectionKind.self, for: .viewInspections))
    }

    struct ScoreInput: Content { var scores: [String: Double]?; var comment: String?; var version: Int? }
    struct ReasonInput: Content { var reason: String?; var version: Int? }
    struct AnswerInput: Content { var answer: String?; var scores: [String: Double]?; var version: Int? }

    static func version(_ version: Int?) throws -> Int {
        guard let version else { throw FieldErrors(["version": "validation.required"]) }
        return version
    }

    private func reloaded(_ req: Request, _ id: Int) async throws -> InspectionDTO {
        guard let row = try await InspectionStore(database: req.db).find(id) else { throw KefuError.notFound }
        return Self.dto(row)
    }

    @Sendable func score(req: Request) async throws -> InspectionDTO {
        let row = try await req.record(InspectionKind.self, for: .manageInspections)
        let input = try req.content.decode(ScoreInput.self)
        try await InspectionStore(database: req.db).score(
            row, scores: input.scores ?? [:], comment: input.comment ?? "", version: try Self.version(input.version),
            context: req.auditContext)
        return try await reloaded(req, row.id)
    }

    @Sendable func acknowledge(req: Request) async throws -> InspectionDTO {
        let row = try await req.record(InspectionKind.self, for: .respondToInspection)
        let input = try req.content.decode(ReasonInput.self)
        try await InspectionStore(database: req.db).acknowledge(
            row, version: try Self.version(input.version), context: req.auditContext)
        return try await reloaded(req, row.id)
    }

    @Sendable func dispute(req: Request) async throws -> InspectionDTO {
        let row = try await req.record(InspectionKind.self, for: .respondToInspection)
        let input = try req.content.decode(ReasonInput.self)
        try await InspectionStore(database: req.db).dispute(
            row, reason: input.reason ?? "", version: try Self.version(input.version), context: req.auditContext)
        return try await reloaded(req, row.id)
    }

    @Sendable func answer(req: Request) async throws -> InspectionDTO {
        let row = try await req.record(InspectionKind.self, for: .manageInspections)
        let input = try req.content.decode(AnswerInput.self)
        try await InspectionStore(database: req.db).answer(
            row, answer: input.answer ?? "", scores: input.scores, version: try Self.version(input.version),
            context: req.auditContext)
        return try await reloaded(req, row.id)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/inspections", tag: "Quality inspection",
            summary:
                "Inspections: the team's for the supervisor, all for leadership, one's own for a specialist; filter by staffID, status, periodStart",
            responses: [200: "InspectionList"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/sample", tag: "Quality inspection",
            summary:
                "Sample N records per specialist of the team in a period, reproducibly with a seed (rule: random or long_calls — communication records; inquiries; complaints — complaint updates; low_scores — the inquiries and complaint updates behind a survey scored 2 or less)",
            requestSchema: "InspectionSampleInput", responses: [201: "InspectionList"]),
        APIOperation(
            method: .GET, path: "/api/v1/inspections/settings", tag: "Quality inspection",
            summary: "The department's checklist and phrases to avoid",
            responses: [200: "InspectionSettings"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/settings", tag: "Quality inspection",
            summary: "Save the checklist (weights adding up to 100) and the phrases to avoid",
            requestSchema: "InspectionSettingsInput",
            responses: [200: "InspectionSettings"]),
        APIOperation(
            method: .GET, path: "/api/v1/inspections/{id}", tag: "Quality inspection",
            summary: "One inspection with the record inspected",
            parameters: [OpenAPIParameters.id], responses: [200: "Inspection"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/{id}/score", tag: "Quality inspection",
            summary: "Score each checklist item 0–100 and comment",
            parameters: [OpenAPIParameters.id], requestSchema: "InspectionScoreInput", responses: [200: "Inspection"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/{id}/acknowledge", tag: "Quality inspection",
            summary: "The specialist acknowledges the result",
            parameters: [OpenAPIParameters.id], requestSchema: "InspectionReasonInput", responses: [200: "Inspection"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/{id}/dispute", tag: "Quality inspection",
            summary: "The specialist disputes the result with a reason",
            parameters: [OpenAPIParameters.id], requestSchema: "InspectionReasonInput", responses: [200: "Inspection"]),
        APIOperation(
            method: .POST, path: "/api/v1/inspections/{id}/answer", tag: "Quality inspection",
            summary: "The supervisor answers a dispute, optionally correcting the scores",
            parameters: [OpenAPIParameters.id],
            requestSchema: "InspectionAnswerInput", responses: [200: "Inspection"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableNumber = Schema.nullable("number")
        let scores: JSONValue = [
            "type": "object", "additionalProperties": ["type": "number", "minimum": 0, "maximum": 100],
        ]
        let item = Schema.object(
            ["code": text, "name": text, "weight": Schema.integer], required: ["code", "name", "weight"])
        return [
            "Inspection": Schema.object(
                [
                    "id": Schema.integer, "staffID": Schema.integer, "staffName": nullableText, "periodStart": text,
                    "periodEnd": text, "rule": text,
                    "seed": Schema.integer,
                    "status": Schema.enumeration(InspectionStore.Status.allCases.map(\.rawValue)),
                    "record": Schema.object(
                        [
                            "type": Schema.enumeration(InspectionStore.RecordType.allCases.map(\.rawValue)),
                            "id": Schema.integer, "at": Schema.nullable("string", format: "date-time"),
                            "channel": nullableText,
                            "durationMinutes": Schema.nullable("integer"), "summary": nullableText,
                            "content": nullableText,
                        ],
                        required: ["type", "id"]),
                    "phrasesFound": [
                        "type": "array", "items": text,
                        "description": "Phrases to avoid marked in the record when it was saved",
                    ],
                    "items": [
                        "type": "array",
                        "items": Schema.object(
                            ["code": text, "name": text, "weight": Schema.integer, "score": nullableNumber],
                            required: ["code", "name", "weight"]),
                    ],
                    "score": nullableNumber, "comment": nullableText, "scoredBy": nullableText,
                    "scoredAt": Schema.nullable("string", format: "date-time"),
                    "disputeReason": nullableText, "answer": nullableText, "version": Schema.integer,
                ],
                required: [
                    "id", "staffID", "periodStart", "periodEnd", "rule", "seed", "status", "record", "phrasesFound",
                    "items", "version",
                ]),
            "InspectionList": ["type": "array", "items": Schema.ref("Inspection")],
            "InspectionSampleInput": Schema.object(
                [
                    "periodStart": ["type": "string", "format": "date"],
                    "periodEnd": ["type": "string", "format": "date"],
                    "perPerson": ["type": "integer", "minimum": 1, "maximum": 50], "seed": Schema.nullable("integer"),
                    "rule": Schema.enumeration(InspectionStore.Rule.allCases.map(\.rawValue)),
                ], required: ["periodStart", "periodEnd", "perPerson"]),
            "InspectionSettings": Schema.object(
                [
                    "checklist": ["type": "array", "items": item], "phrases": ["type": "array", "items": text],
                    "version": Schema.integer,
                ], required: ["checklist", "phrases", "version"]),
            "InspectionSettingsInput": Schema.object(
                [
                    "checklist": ["type": "array", "items": item],
                    "phrases": ["type": ["array", "null"], "items": text],
                    "version": Schema.integer,
                ], required: ["checklist", "version"]),
            "InspectionScoreInput": Schema.object(
                ["scores": scores, "comment": nullableText, "version": Schema.integer], required: ["scores", "version"]),
            "InspectionReasonInput": Schema.object(
                ["reason": nullableText, "version": Schema.integer], required: ["version"]),
            "InspectionAnswerInput": Schema.object(
                ["answer": text, "scores": scores, "version": Schema.integer], required: ["answer", "version"]),
        ]
    }
}

extension InspectionStore.SampleInput: Content {}
extension ChecklistItem: Content {}
