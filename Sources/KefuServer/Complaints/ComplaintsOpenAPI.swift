import KefuDomain

/// The complaint operations and schemas of the OpenAPI document.
extension ComplaintsAPIController {
    static let operations: [APIOperation] = {
        let id = OpenAPIParameters.id
        return [
            APIOperation(
                method: .GET, path: "/api/v1/complaints", tag: "Complaints",
                summary:
                    "Complaints newest first with the working time left (a specialist's own; a liaison's those forwarded to their department)",
                parameters: OpenAPIParameters.page + [
                    OpenAPIParameters.query(
                        "state", "string", ComplaintState.allCases.map(\.rawValue).joined(separator: " | ")),
                    OpenAPIParameters.query("severity", "string", "normal | major | urgent"),
                ],
                responses: [200: "ComplaintPage"]),
            APIOperation(
                method: .POST, path: "/api/v1/complaints", tag: "Complaints",
                summary: "Record a complaint (TS-YYYY-NNNNNN) from any channel",
                requestSchema: "ComplaintInput", responses: [201: "Complaint"]),
            APIOperation(
                method: .GET, path: "/api/v1/complaints/{id}", tag: "Complaints",
                summary:
                    "A complaint with its deadlines on the working calendar, forwarded requests and updates given to the customer",
                parameters: [id], responses: [200: "Complaint"]),
            APIOperation(
                method: .POST, path: "/api/v1/complaints/{id}/forwards", tag: "Complaints",
                summary: "Forward to a department with a request and its own due date (in the future)",
                parameters: [id],
                requestSchema: "ComplaintForwardInput", responses: [201: "Complaint"]),
            APIOperation(
                method: .POST, path: "/api/v1/complaints/{id}/updates", tag: "Complaints",
                summary: "Record what the customer was told: progress, or the outcome and whether they accept it",
                parameters: [id],
                requestSchema: "ComplaintUpdateInput", responses: [201: "Complaint"]),
            APIOperation(
                method: .POST, path: "/api/v1/complaints/{id}/steps", tag: "Complaints",
                summary:
                    "start | wait_for_customer (clock paused; reason) | resume | close (outcome told and accepted) | reopen (reason)",
                parameters: [id], requestSchema: "ComplaintStepInput", responses: [200: "Complaint"]),
            APIOperation(
                method: .GET, path: "/api/v1/complaint-forwards", tag: "Complaints",
                summary: "A liaison's inbox: the requests forwarded to their department, open ones first by due time",
                responses: [200: "ComplaintInbox"]),
            APIOperation(
                method: .POST, path: "/api/v1/complaint-forwards/{id}/answer", tag: "Complaints",
                summary: "The department's answer, or the request sent back (sendBack: true) with a reason",
                parameters: [id],
                requestSchema: "ComplaintAnswerInput", responses: [200: "ComplaintAnswerResult"]),
            APIOperation(
                method: .GET, path: "/api/v1/complaint-forwards/{id}/contact", tag: "Complaints",
                summary: "The customer's contact details, when the open request needs them (audited)", parameters: [id],
                responses: [200: "ComplaintContact"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), time = Schema.dateTime,
            nullableTime = Schema.nullable("string", format: "date-time")
        let forward = Schema.object(
            [
                "id": Schema.integer, "departmentID": Schema.integer, "departmentName": text, "request": text,
                "dueAt": time, "needsContact": Schema.boolean,
                "status": Schema.enumeration(["open", "answered", "returned"]), "answer": nullableText,
                "answeredAt": nullableTime, "answeredBy": nullableText,
                "version": Schema.integer,
            ],
            required: ["id", "departmentID", "departmentName", "request", "dueAt", "needsContact", "status", "version"])
        return [
            "Complaint": Schema.object(
                [
                    "id": Schema.integer, "number": text, "customerID": Schema.integer, "customerName": text,
                    "channel": Schema.enumeration(ComplaintChannel.allCases.map(\.rawValue)), "receivedAt": time,
                    "description": text, "demands": text,
                    "category": text, "categoryName": nullableText,
                    "severity": Schema.enumeration(ComplaintSeverity.allCases.map(\.rawValue)),
                    "projectID": Schema.nullable("integer"), "contractID": Schema.nullable("integer"),
                    "acknowledged": Schema.boolean, "apologised": Schema.boolean,
                    "staffID": Schema.nullable("integer"), "staffName": nullableText,
                    "state": Schema.enumeration(ComplaintState.allCases.map(\.rawValue)),
                    "firstRespondedAt": nullableTime, "lastToldAt": nullableTime, "outcomeToldAt": nullableTime,
                    "customerAccepts": Schema.nullable("boolean"),
                    "resolvedAt": nullableTime, "closedAt": nullableTime, "reopenCount": Schema.integer,
                    "nextDueAt": nullableTime,
                    "escalationLevel": Schema.integer, "remainingWorkingMinutes": Schema.nullable("integer"),
                    "isSilent": Schema.boolean,
                    "deadlines": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "target": Schema.enumeration(ComplaintTarget.allCases.map(\.rawValue)),
                                "dueAt": nullableTime,
                                "remainingWorkingMinutes": Schema.integer, "isBreached": Schema.boolean,
                            ], required: ["target", "remainingWorkingMinutes", "isBreached"]),
                    ],
                    "forwards": ["type": ["array", "null"], "items": forward],
                    "updates": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "kind": Schema.enumeration(["progress", "outcome"]),
                                "channel": text, "content": text,
                                "customerAccepts": Schema.nullable("boolean"), "toldAt": time,
                                "staffName": nullableText,
                            ], required: ["id", "kind", "channel", "content", "toldAt"]),
                    ],
                    "version": Schema.integer,
                ],
                required: [
                    "id", "number", "customerID", "customerName", "channel", "receivedAt", "description", "demands",
                    "category", "severity",
                    "acknowledged", "apologised", "state", "reopenCount", "escalationLevel", "isSilent", "deadlines",
                    "version",
                ]),
            "ComplaintPage": Schema.page(of: "Complaint"),
            "ComplaintInput": Schema.object(
                [
                    "customerID": Schema.integer,
                    "channel": Schema.enumeration(ComplaintChannel.allCases.map(\.rawValue)),
                    "receivedAt": [
                        "type": ["string", "null"], "description": "Default now; China time without a zone",
                    ],
                    "description": text, "demands": text,
                    "category": ["type": "string", "description": "A configured category's code"],
                    "severity": Schema.enumeration(ComplaintSeverity.allCases.map(\.rawValue)),
                    "projectID": Schema.nullable("integer"),
                    "contractID": Schema.nullable("integer"), "acknowledged": Schema.boolean,
                    "apologised": Schema.boolean, "staffID": Schema.nullable("integer"),
                ], required: ["customerID", "channel", "description", "category", "severity"]),
            "ComplaintForwardInput": Schema.object(
                [
                    "departmentID": Schema.integer, "request": text,
                    "dueAt": ["type": "string", "description": "After now; China time without a zone"],
                    "needsContact": Schema.boolean, "version": Schema.integer,
                ], required: ["departmentID", "request", "dueAt", "version"]),
            "ComplaintUpdateInput": Schema.object(
                [
                    "kind": Schema.enumeration(["progress", "outcome"]),
                    "channel": Schema.enumeration(FollowUpChannel.allCases.map(\.rawValue)), "content": text,
                    "customerAccepts": ["type": ["boolean", "null"], "description": "Required for an outcome"],
                    "toldAt": nullableText, "version": Schema.integer,
                ], required: ["channel", "content", "version"]),
            "ComplaintStepInput": Schema.object(
                [
                    "step": Schema.enumeration(["start", "wait_for_customer", "resume", "close", "reopen"]),
                    "reason": text, "version": Schema.integer,
                ], required: ["step", "version"]),
            "ComplaintInbox": [
                "type": "array",
                "items": Schema.object(
                    [
                        "forwardID": Schema.integer, "complaintID": Schema.integer, "number": text, "severity": text,
                        "request": text, "dueAt": time, "status": text,
                    ], required: ["forwardID", "complaintID", "number", "severity", "request", "dueAt", "status"]),
            ],
            "ComplaintAnswerInput": Schema.object(
                ["answer": text, "sendBack": Schema.boolean, "version": Schema.integer],
                required: ["answer", "version"]),
            "ComplaintAnswerResult": Schema.object(["forward": forward], required: ["forward"]),
            "ComplaintContact": Schema.object(
                ["customerName": text, "mobile": nullableText, "landline": nullableText, "email": nullableText],
                required: ["customerName"]),
        ]
    }
}
