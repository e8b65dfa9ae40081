import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A severity's time limits (three rows, one per severity).
enum ComplaintTimeLimitKind: RecordKind {
    static let recordType = "complaint_time_limits", table = "complaint_time_limits"
    static let tracked = ["first_response_hours", "update_hours", "resolution_hours"]
    static let conflictMessageKey = "error.conflict.complaint_limits"
}

/// `/api/v1/complaint-time-limits`: the first-response, update and resolution limits per severity in
/// working hours (R3.5; defaults urgent 2/4/24, major 4/8/72, normal 8/24/120), read by everyone who
/// handles complaints and changed by the supervisor with a version check. Open complaints' deadlines
/// follow at the next scan and on their next change.
struct ComplaintTimeLimitsAPIController: RouteCollection {
    struct LimitDTO: Content {
        var severity: String; var firstResponseHours: Double; var updateHours: Double; var resolutionHours: Double;
        var version: Int
    }
    struct LimitInput: Content {
        var firstResponseHours: Double?; var updateHours: Double?; var resolutionHours: Double?; var version: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        let limits = routes.grouped("complaint-time-limits")
        limits.requiring(.viewComplaints).get(use: list)
        limits.requiring(.configureComplaints).put(":severity", use: update)
    }

    static func all(_ db: any Database) async throws -> [LimitDTO] {
        try await db.sql().raw(
            """
            SELECT severity, first_response_hours, update_hours, resolution_hours, version FROM complaint_time_limits ORDER BY severity
            """
        ).allRows(LimitDTO.self)
    }

    @Sendable func list(req: Request) async throws -> [LimitDTO] { try await Self.all(req.db) }

    @Sendable func update(req: Request) async throws -> LimitDTO {
        guard let severity = ComplaintSeverity(rawValue: req.parameters.get("severity") ?? "") else {
            throw KefuError.notFound
        }
        let input = try req.content.decode(LimitInput.self)
        let version = try requireFormVersion(input.version)
        let limits = ComplaintTimeLimits(
            firstResponseHours: input.firstResponseHours ?? 0, updateHours: input.updateHours ?? 0,
            resolutionHours: input.resolutionHours ?? 0)
        var errors = limits.problems
        if limits.firstResponseHours > limits.resolutionHours {
            errors.add("first_response_hours", "complaint.limits.order")
        }
        try errors.throwIfAny()
        let context = req.auditContext
        try await req.db.writeTransaction { tx in
            guard
                let id = try await tx.sql().raw(
                    "SELECT id FROM complaint_time_limits WHERE severity = \(bind: severity.rawValue)"
                ).first()?.decode(column: "id", as: Int.self)
            else { throw KefuError.notFound }
            try await RecordWrites.change(
                ComplaintTimeLimitKind.self, id: id, version: version,
                RecordWrite(
                    set: """
                        first_response_hours = \(bind: limits.firstResponseHours), update_hours = \(bind: limits.updateHours),
                        resolution_hours = \(bind: limits.resolutionHours)
                        """,
                    audit: .init(
                        action: "complaint.limits_changed",
                        fields: ["first_response_hours", "update_hours", "resolution_hours"],
                        message: AuditMessage.complaintLimits(
                            first: "\(limits.firstResponseHours)", update: "\(limits.updateHours)",
                            resolution: "\(limits.resolutionHours)"))),
                context: context, on: tx)
        }
        return try await Self.all(req.db).first { $0.severity == severity.rawValue }!
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/complaint-time-limits", tag: "Complaints",
            summary: "Time limits per severity in working hours",
            responses: [200: "ComplaintTimeLimitList"]),
        APIOperation(
            method: .PUT, path: "/api/v1/complaint-time-limits/{severity}", tag: "Complaints",
            summary: "Change a severity's time limits (supervisor; version checked)",
            parameters: [
                [
                    "name": "severity", "in": "path", "required": true,
                    "schema": Schema.enumeration(ComplaintSeverity.allCases.map(\.rawValue)),
                ]
            ],
            requestSchema: "ComplaintTimeLimitInput", responses: [200: "ComplaintTimeLimit"]),
    ]

    static var schemas: [String: JSONValue] {
        let hours: JSONValue = ["type": "number", "exclusiveMinimum": 0, "maximum": 2000]
        return [
            "ComplaintTimeLimit": Schema.object(
                [
                    "severity": Schema.enumeration(ComplaintSeverity.allCases.map(\.rawValue)),
                    "firstResponseHours": hours,
                    "updateHours": hours, "resolutionHours": hours, "version": Schema.integer,
                ],
                required: ["severity", "firstResponseHours", "updateHours", "resolutionHours", "version"]),
            "ComplaintTimeLimitList": Schema.array(of: "ComplaintTimeLimit"),
            "ComplaintTimeLimitInput": Schema.object(
                [
                    "firstResponseHours": hours, "updateHours": hours, "resolutionHours": hours,
                    "version": Schema.integer,
                ],
                required: ["firstResponseHours", "updateHours", "resolutionHours", "version"]),
        ]
    }
}
