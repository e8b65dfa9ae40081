import Foundation
import KefuDomain
import Vapor

/// `/api/v1/feedback` (issue 13 §6, R1.3): customers' opinions and suggestions about projects and the
/// service — recorded, forwarded to the responsible department with a due date, chased, answered by
/// the department's liaison (who sees only what was forwarded to their department), closed.
struct FeedbackAPIController: RouteCollection {
    struct FeedbackDTO: Content {
        var id: Int; var number: String; var customerID: Int; var customerName: String; var kind: String;
        var topic: String; var projectID: Int?
        var projectName: String?; var content: String; var staffID: Int?; var staffName: String?;
        var returnVisitID: Int?; var state: String
        var departmentID: Int?; var departmentName: String?; var request: String?; var dueAt: Date?;
        var forwardedAt: Date?; var chasedAt: Date?
        var response: String?; var respondedAt: Date?; var respondedBy: String?; var closedAt: Date?;
        var createdAt: Date; var version: Int

        init(_ r: FeedbackStore.Row) {
            id = r.id; number = r.number; customerID = r.customerID; customerName = r.customerName; kind = r.kind;
            topic = r.topic; projectID = r.projectID
            projectName = r.projectName; content = r.content; staffID = r.staffID; staffName = r.staffName;
            returnVisitID = r.returnVisitID; state = r.state
            departmentID = r.departmentID; departmentName = r.departmentName; request = r.request; dueAt = r.dueAt;
            forwardedAt = r.forwardedAt
            chasedAt = r.chasedAt; response = r.response; respondedAt = r.respondedAt; respondedBy = r.respondedByName;
            closedAt = r.closedAt
            createdAt = r.createdAt; version = r.version
        }
    }
    struct VersionInput: Content { var version: Int? }

    func boot(routes: any RoutesBuilder) throws {
        let feedback = routes.grouped("feedback")
        feedback.requiring(.viewFeedback).get(use: list)
        feedback.requiring(.recordFeedback).post(use: create)
        feedback.requiring(.viewFeedback).get(":id", use: show)
        let manage = feedback.requiring(.manageFeedback)
        manage.post(":id", "forward", use: forward)
        manage.post(":id", "chase", use: chase)
        manage.post(":id", "close", use: close)
        feedback.requiring(.answerFeedback).post(":id", "answer", use: answer)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<FeedbackDTO> {
        let paging = try req.paging
        var errors = FieldErrors()
        let state = req.query[String.self, at: "state"].flatMap { text in
            FeedbackState(rawValue: text)
                ?? {
                    errors.add("state", "validation.choose_from_list"); return nil
                }()
        }
        if !errors.isEmpty { throw KefuError.invalidQuery(errors) }
        let (rows, total) = try await FeedbackStore(database: req.db).page(
            try FeedbackController.filter(req, state: state, projectID: req.query[Int.self, at: "project"]),
            paging: paging)
        return PageDTO(items: rows.map(FeedbackDTO.init), request: paging, total: total)
    }

    private func fresh(_ req: Request, _ id: Int) async throws -> FeedbackDTO {
        guard let row = try await FeedbackStore(database: req.db).find(id) else { throw KefuError.notFound }
        return FeedbackDTO(row)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(FeedbackStore.Input.self)
        let id = try await FeedbackStore(database: req.db).create(
            .init(
                customerID: input.customerID, kind: input.kind, topic: input.topic, projectID: input.projectID,
                content: input.content, staffID: nil), context: req.auditContext)
        return try await fresh(req, id).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> FeedbackDTO {
        FeedbackDTO(try await req.record(FeedbackRecordKind.self, for: .viewFeedback))
    }

    @Sendable func forward(req: Request) async throws -> FeedbackDTO {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        try await FeedbackStore(database: req.db).forward(
            row, try req.content.decode(FeedbackStore.ForwardInput.self), context: req.auditContext)
        try await FeedbackController.tellDepartment(req, row.id, event: .feedbackForwarded)
        return try await fresh(req, row.id)
    }

    @Sendable func chase(req: Request) async throws -> FeedbackDTO {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        try await FeedbackStore(database: req.db).chase(
            row, version: try req.content.decode(VersionInput.self).version, context: req.auditContext)
        try await FeedbackController.tellDepartment(req, row.id, event: .feedbackChased)
        return try await fresh(req, row.id)
    }

    @Sendable func close(req: Request) async throws -> FeedbackDTO {
        let row = try await req.record(FeedbackRecordKind.self, for: .manageFeedback)
        try await FeedbackStore(database: req.db).close(
            row, version: try req.content.decode(VersionInput.self).version, context: req.auditContext)
        return try await fresh(req, row.id)
    }

    @Sendable func answer(req: Request) async throws -> FeedbackDTO {
        let row = try await req.record(FeedbackRecordKind.self, for: .answerFeedback)
        try await FeedbackStore(database: req.db).answer(
            row, try req.content.decode(FeedbackStore.AnswerInput.self), context: req.auditContext)
        return try await fresh(req, row.id)
    }

    static let operations: [APIOperation] = {
        let id = OpenAPIParameters.id
        return [
            APIOperation(
                method: .GET, path: "/api/v1/feedback", tag: "Feedback",
                summary:
                    "Feedback and suggestions newest first (a specialist's own; a liaison's those forwarded to their department)",
                parameters: OpenAPIParameters.page + [
                    OpenAPIParameters.query(
                        "state", "string", FeedbackState.allCases.map(\.rawValue).joined(separator: " | ")),
                    OpenAPIParameters.query("project", "integer", "only feedback about this project"),
                ],
                responses: [200: "FeedbackPage"]),
            APIOperation(
                method: .POST, path: "/api/v1/feedback", tag: "Feedback",
                summary: "Record a customer's opinion or suggestion (YJ-YYYY-NNNNNN)",
                requestSchema: "FeedbackInput", responses: [201: "Feedback"]),
            APIOperation(
                method: .GET, path: "/api/v1/feedback/{id}", tag: "Feedback",
                summary: "A feedback with its forwarding and the department's answer",
                parameters: [id], responses: [200: "Feedback"]),
            APIOperation(
                method: .POST, path: "/api/v1/feedback/{id}/forward", tag: "Feedback",
                summary: "Forward to the responsible department with a request and a due date in the future",
                parameters: [id],
                requestSchema: "FeedbackForwardInput", responses: [200: "Feedback"]),
            APIOperation(
                method: .POST, path: "/api/v1/feedback/{id}/chase", tag: "Feedback",
                summary: "Chase the department that has not answered yet (its liaisons are told)", parameters: [id],
                requestSchema: "FeedbackVersionInput", responses: [200: "Feedback"]),
            APIOperation(
                method: .POST, path: "/api/v1/feedback/{id}/close", tag: "Feedback",
                summary: "Close once answered (or when no department was needed)",
                parameters: [id], requestSchema: "FeedbackVersionInput", responses: [200: "Feedback"]),
            APIOperation(
                method: .POST, path: "/api/v1/feedback/{id}/answer", tag: "Feedback",
                summary: "The department's answer to a feedback forwarded to it (liaisons of that department only)",
                parameters: [id],
                requestSchema: "FeedbackAnswerInput", responses: [200: "Feedback"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableInt = Schema.nullable("integer")
        let nullableTime = Schema.nullable("string", format: "date-time")
        return [
            "Feedback": Schema.object(
                [
                    "id": Schema.integer, "number": text, "customerID": Schema.integer, "customerName": text,
                    "kind": Schema.enumeration(FeedbackKind.allCases.map(\.rawValue)),
                    "topic": Schema.enumeration(FeedbackTopic.allCases.map(\.rawValue)),
                    "projectID": nullableInt, "projectName": nullableText, "content": text, "staffID": nullableInt,
                    "staffName": nullableText,
                    "returnVisitID": nullableInt, "state": Schema.enumeration(FeedbackState.allCases.map(\.rawValue)),
                    "departmentID": nullableInt,
                    "departmentName": nullableText, "request": nullableText, "dueAt": nullableTime,
                    "forwardedAt": nullableTime, "chasedAt": nullableTime,
                    "response": nullableText, "respondedAt": nullableTime, "respondedBy": nullableText,
                    "closedAt": nullableTime, "createdAt": Schema.dateTime,
                    "version": Schema.integer,
                ],
                required: [
                    "id", "number", "customerID", "customerName", "kind", "topic", "content", "state", "createdAt",
                    "version",
                ]),
            "FeedbackPage": Schema.page(of: "Feedback"),
            "FeedbackInput": Schema.object(
                [
                    "customerID": Schema.integer, "kind": Schema.enumeration(FeedbackKind.allCases.map(\.rawValue)),
                    "topic": Schema.enumeration(FeedbackTopic.allCases.map(\.rawValue)), "projectID": nullableInt,
                    "content": text,
                ], required: ["customerID", "kind", "topic", "content"]),
            "FeedbackForwardInput": Schema.object(
                ["departmentID": Schema.integer, "request": text, "dueAt": text, "version": Schema.integer],
                required: ["departmentID", "request", "dueAt", "version"]),
            "FeedbackVersionInput": Schema.object(["version": Schema.integer], required: ["version"]),
            "FeedbackAnswerInput": Schema.object(
                ["response": text, "version": Schema.integer], required: ["response", "version"]),
        ]
    }
}
