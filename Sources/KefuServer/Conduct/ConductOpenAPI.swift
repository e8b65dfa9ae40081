import KefuDomain
import Vapor

/// The conduct part's operations and schemas in the one OpenAPI document.
extension ConductAPIController {
    static let operations: [APIOperation] = {
        let id = [OpenAPIParameters.id],
            staff: JSONValue = ["name": "staffID", "in": "query", "schema": ["type": "integer"]]
        let file: JSONValue = ["name": "attachmentID", "in": "path", "required": true, "schema": ["type": "integer"]]
        return [
            APIOperation(
                method: .GET, path: "/api/v1/violations", tag: "Conduct",
                summary: "Violations: one's own, the team's for the supervisor, all for leadership; filter by staffID",
                parameters: [staff],
                responses: [200: "ViolationList"]),
            APIOperation(
                method: .POST, path: "/api/v1/violations", tag: "Conduct",
                summary: "Record a violation of someone of the team (R6.2, R6.4) with linked records as evidence",
                requestSchema: "ViolationInput",
                responses: [201: "Violation"]),
            APIOperation(
                method: .GET, path: "/api/v1/violations/{id}", tag: "Conduct",
                summary: "One violation with its evidence", parameters: id,
                responses: [200: "Violation"]),
            APIOperation(
                method: .POST, path: "/api/v1/violations/{id}/response", tag: "Conduct",
                summary: "The person's response, once, while the outcome is open",
                parameters: id, requestSchema: "ViolationResponseInput", responses: [200: "Violation"]),
            APIOperation(
                method: .POST, path: "/api/v1/violations/{id}/outcome", tag: "Conduct",
                summary: "The supervisor confirms or dismisses the violation",
                parameters: id, requestSchema: "ViolationOutcomeInput", responses: [200: "Violation"]),
            APIOperation(
                method: .POST, path: "/api/v1/violations/{id}/attachments", tag: "Conduct",
                summary: "Attach evidence (PDF, JPG, PNG, DOCX; up to 20 MB)",
                parameters: id, requestSchema: "ConductFileUpload", requestContentType: "multipart/form-data",
                responses: [201: "ConductFile"]),
            APIOperation(
                method: .GET, path: "/api/v1/violations/{id}/attachments/{attachmentID}", tag: "Conduct",
                summary: "Download evidence (audited)",
                parameters: id + [file], responses: [200: nil]),
            APIOperation(
                method: .GET, path: "/api/v1/penalties", tag: "Conduct",
                summary: "Penalties, scoped as violations; filter by staffID", parameters: [staff],
                responses: [200: "PenaltyList"]),
            APIOperation(
                method: .POST, path: "/api/v1/penalties", tag: "Conduct",
                summary:
                    "Impose a penalty citing its cause: a record of any declared kind that concerns the person (R7.2); the person is notified",
                requestSchema: "PenaltyInput", responses: [201: "Penalty"]),
            APIOperation(
                method: .GET, path: "/api/v1/penalties/{id}", tag: "Conduct", summary: "One penalty", parameters: id,
                responses: [200: "Penalty"]),
            APIOperation(
                method: .POST, path: "/api/v1/penalties/{id}/appeal", tag: "Conduct",
                summary: "The person appeals, once, within the configured days", parameters: id,
                requestSchema: "PenaltyAppealInput",
                responses: [200: "Penalty"]),
            APIOperation(
                method: .POST, path: "/api/v1/penalties/{id}/decision", tag: "Conduct",
                summary: "Decide the appeal: upheld or revoked (the supervisor; leadership from the configured level)",
                parameters: id,
                requestSchema: "PenaltyDecisionInput", responses: [200: "Penalty"]),
            APIOperation(
                method: .GET, path: "/api/v1/awards", tag: "Conduct",
                summary: "Awards, scoped as violations; filter by staffID", parameters: [staff],
                responses: [200: "AwardList"]),
            APIOperation(
                method: .POST, path: "/api/v1/awards", tag: "Conduct",
                summary:
                    "Decide an award (monthly from the shortlist, annual, special contribution with its cause), optionally for leadership's approval",
                requestSchema: "AwardInput", responses: [201: "Award"]),
            APIOperation(
                method: .GET, path: "/api/v1/awards/shortlist", tag: "Conduct",
                summary:
                    "The month's ranked shortlist for the excellent-service award with the reasons for each place (default: last month)",
                parameters: [
                    ["name": "month", "in": "query", "schema": ["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"]]
                ],
                responses: [200: "AwardShortlist"]),
            APIOperation(
                method: .GET, path: "/api/v1/awards/{id}", tag: "Conduct", summary: "One award", parameters: id,
                responses: [200: "Award"]),
            APIOperation(
                method: .POST, path: "/api/v1/awards/{id}/approval", tag: "Conduct",
                summary: "Leadership approves or declines an award",
                parameters: id, requestSchema: "AwardApprovalInput", responses: [200: "Award"]),
            APIOperation(
                method: .GET, path: "/api/v1/people/{id}/record", tag: "Conduct",
                summary:
                    "A person's record: attendance, violations, awards, penalties, assessments, plans — the person, their supervisor, leadership",
                parameters: id, responses: [200: "PersonRecord"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableInt = Schema.nullable("integer")
        let date = Schema.dateTime, nullableDate = Schema.nullable("string", format: "date-time")
        let reference = Schema.object(["type": text, "id": Schema.integer], required: ["type", "id"])
        let reason = Schema.object(
            ["key": text, "arguments": ["type": "object", "additionalProperties": text], "text": text],
            required: ["key", "arguments", "text"])
        let cell = Schema.object(["text": text, "link": nullableText], required: ["text"])
        return [
            "RecordReference": reference,
            "ConductFile": Schema.object(
                ["id": Schema.integer, "fileName": text, "byteCount": Schema.integer, "uploadedAt": date],
                required: ["id", "fileName", "byteCount", "uploadedAt"]),
            "ConductFileUpload": Schema.object(["file": ["type": "string", "format": "binary"]], required: ["file"]),
            "Violation": Schema.object(
                [
                    "id": Schema.integer, "number": nullableText, "staffID": Schema.integer, "staffName": text,
                    "type": Schema.enumeration(ViolationType.allCases.map(\.rawValue)),
                    "occurredAt": date, "description": text, "response": nullableText, "respondedAt": nullableDate,
                    "outcome": Schema.enumeration(ViolationOutcome.allCases.map(\.rawValue)),
                    "outcomeNote": nullableText, "decidedAt": nullableDate,
                    "recordedBy": nullableText, "links": ["type": "array", "items": Schema.ref("RecordReference")],
                    "files": Schema.array(of: "ConductFile"), "version": Schema.integer,
                ],
                required: [
                    "id", "staffID", "staffName", "type", "occurredAt", "description", "outcome", "links", "files",
                    "version",
                ]),
            "ViolationList": Schema.array(of: "Violation"),
            "ViolationInput": Schema.object(
                [
                    "staffID": Schema.integer, "type": Schema.enumeration(ViolationType.allCases.map(\.rawValue)),
                    "occurredAt": [
                        "type": "string", "description": "2026-11-28T14:30 (office time) or ISO 8601 with a zone",
                    ], "description": text,
                    "links": [
                        "type": "array", "items": Schema.ref("RecordReference"),
                        "description": "Records of any declared kind (inquiry, complaint, …) or audit_entry",
                    ],
                ], required: ["staffID", "type", "occurredAt", "description"]),
            "ViolationResponseInput": Schema.object(
                ["response": text, "version": Schema.integer], required: ["response", "version"]),
            "ViolationOutcomeInput": Schema.object(
                [
                    "outcome": Schema.enumeration(["confirmed", "dismissed"]), "note": nullableText,
                    "version": Schema.integer,
                ],
                required: ["outcome", "version"]),
            "Penalty": Schema.object(
                [
                    "id": Schema.integer, "staffID": Schema.integer, "staffName": text,
                    "kind": Schema.enumeration(PenaltyKind.allCases.map(\.rawValue)),
                    "cause": Schema.ref("RecordReference"), "amount": nullableInt, "reason": text, "imposedAt": date,
                    "imposedBy": nullableText,
                    "appealUntil": date, "status": Schema.enumeration(PenaltyStatus.allCases.map(\.rawValue)),
                    "appealReason": nullableText,
                    "appealedAt": nullableDate, "decisionNote": nullableText, "decidedBy": nullableText,
                    "decidedAt": nullableDate,
                    "appealDecidedBy": Schema.enumeration(["supervisor", "leadership"]), "version": Schema.integer,
                ],
                required: [
                    "id", "staffID", "staffName", "kind", "cause", "reason", "imposedAt", "appealUntil", "status",
                    "appealDecidedBy", "version",
                ]),
            "PenaltyList": Schema.array(of: "Penalty"),
            "PenaltyInput": Schema.object(
                [
                    "staffID": Schema.integer, "kind": Schema.enumeration(PenaltyKind.allCases.map(\.rawValue)),
                    "causeType": [
                        "type": "string", "description": "A declared record kind: violation, complaint, contract, …",
                    ], "causeID": Schema.integer,
                    "amount": ["type": ["integer", "null"], "description": "Yuan, for a bonus deduction only"],
                    "reason": text,
                ], required: ["staffID", "kind", "causeType", "causeID", "reason"]),
            "PenaltyAppealInput": Schema.object(
                ["reason": text, "version": Schema.integer], required: ["reason", "version"]),
            "PenaltyDecisionInput": Schema.object(
                ["decision": Schema.enumeration(["upheld", "revoked"]), "note": text, "version": Schema.integer],
                required: ["decision", "note", "version"]),
            "Award": Schema.object(
                [
                    "id": Schema.integer, "staffID": Schema.integer, "staffName": text,
                    "kind": Schema.enumeration(AwardKind.allCases.map(\.rawValue)),
                    "period": nullableText, "cause": ["oneOf": [Schema.ref("RecordReference"), ["type": "null"]]],
                    "forms": ["type": "array", "items": Schema.enumeration(AwardForm.allCases.map(\.rawValue))],
                    "bonus": nullableInt, "citation": text,
                    "shortlistPlace": nullableInt, "shortlistReasons": ["type": "array", "items": reason],
                    "status": Schema.enumeration(AwardStatus.allCases.map(\.rawValue)), "decidedBy": nullableText,
                    "decidedAt": date,
                    "approvedBy": nullableText, "approvedAt": nullableDate, "version": Schema.integer,
                ],
                required: [
                    "id", "staffID", "staffName", "kind", "forms", "citation", "shortlistReasons", "status",
                    "decidedAt", "version",
                ]),
            "AwardList": Schema.array(of: "Award"),
            "AwardInput": Schema.object(
                [
                    "staffID": Schema.integer, "kind": Schema.enumeration(AwardKind.allCases.map(\.rawValue)),
                    "period": ["type": ["string", "null"], "description": "2026-11, for a monthly award"],
                    "causeType": nullableText, "causeID": nullableInt,
                    "forms": ["type": "array", "items": Schema.enumeration(AwardForm.allCases.map(\.rawValue))],
                    "bonus": nullableInt, "citation": text,
                    "needsApproval": ["type": ["boolean", "null"]],
                ], required: ["staffID", "kind", "forms", "citation"]),
            "AwardApprovalInput": Schema.object(
                ["approve": Schema.boolean, "version": Schema.integer], required: ["approve", "version"]),
            "AwardShortlist": Schema.object(
                [
                    "month": text,
                    "places": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.integer, "name": text, "place": nullableInt,
                                "score": ["type": "number"], "reasons": ["type": "array", "items": reason],
                            ], required: ["staffID", "name", "score", "reasons"]),
                    ],
                ], required: ["month", "places"]),
            "PersonRecord": Schema.object(
                [
                    "staffID": Schema.integer, "name": text, "department": text, "role": text,
                    "sections": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "key": text, "title": text, "columns": ["type": "array", "items": text],
                                "rows": ["type": "array", "items": ["type": "array", "items": cell]],
                                "note": nullableText,
                            ], required: ["key", "title", "columns", "rows"]),
                    ],
                ], required: ["staffID", "name", "department", "role", "sections"]),
        ]
    }
}
