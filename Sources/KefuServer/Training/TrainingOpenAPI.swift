import KefuDomain

/// The training operations and schemas of the OpenAPI document (R5.1, R5.2).
extension TrainingAPIController {
    private static let plan = "/api/v1/training/plans/{id}", session = "/api/v1/training/sessions/{id}"

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/training/plans", tag: "Training",
            summary:
                "Annual training plans: the department's for the supervisor, all for leadership (none for a specialist)",
            responses: [200: "TrainingPlanList"]),
        APIOperation(
            method: .POST, path: "/api/v1/training/plans", tag: "Training",
            summary: "Make an annual plan (supervisor): goals, content areas, methods, hours and budget not negative",
            requestSchema: "TrainingPlanInput",
            responses: [201: "TrainingPlan"]),
        APIOperation(
            method: .GET, path: plan, tag: "Training",
            summary:
                "One plan with its sessions (each with its figures: enrolled, attended, ratings, after-test scores), totals and plan versus done; a session's enrolments are on its own paged list",
            parameters: [OpenAPIParameters.id], responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .PUT, path: plan, tag: "Training",
            summary: "Change a draft or returned plan (an approved one must be reopened first)",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingPlanInput", responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .POST, path: plan + "/submission", tag: "Training",
            summary: "Submit the plan to leadership for approval",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingPlanStep", responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .POST, path: plan + "/approval", tag: "Training", summary: "Approve a submitted plan (leadership)",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingPlanStep", responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .POST, path: plan + "/return", tag: "Training",
            summary: "Return a submitted plan with a note (leadership)",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingPlanStep", responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .POST, path: plan + "/reopening", tag: "Training",
            summary: "Reopen an approved plan to change it; it must then be approved again",
            parameters: [OpenAPIParameters.id],
            requestSchema: "TrainingPlanStep", responses: [200: "TrainingPlan"]),
        APIOperation(
            method: .POST, path: plan + "/sessions", tag: "Training",
            summary:
                "Schedule a session in a draft or returned plan: a day of the plan's year, within its hours and budget",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingSessionInput",
            responses: [201: "TrainingSession"]),
        APIOperation(
            method: .GET, path: "/api/v1/training/sessions", tag: "Training",
            summary:
                "Sessions: a specialist's own (with only their own enrolment), the recent plans' for the supervisor and leadership",
            responses: [200: "TrainingSessionList"]),
        APIOperation(
            method: .GET, path: session, tag: "Training", summary: "One session with the enrolments the caller may see",
            parameters: [OpenAPIParameters.id], responses: [200: "TrainingSession"]),
        APIOperation(
            method: .GET, path: session + "/enrolments", tag: "Training",
            summary:
                "A page of a session's enrolments in the order of the trainees' names (a specialist: only their own)",
            parameters: [OpenAPIParameters.id] + OpenAPIParameters.page, responses: [200: "TrainingEnrolmentPage"]),
        APIOperation(
            method: .POST, path: session + "/outcome", tag: "Training",
            summary:
                "Record that a session of an approved plan was held (day, not in the future) or cancelled, with the supervisor's note",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingSessionOutcome",
            responses: [200: "TrainingSession"]),
        APIOperation(
            method: .POST, path: session + "/enrolments", tag: "Training",
            summary: "Enrol a specialist of the team, once",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingEnrol", responses: [201: "TrainingSession"]),
        APIOperation(
            method: .PUT, path: session + "/enrolments/{enrolmentID}", tag: "Training",
            summary:
                "Record a trainee's attendance and test scores before and after (0–100); the outstanding mark follows",
            parameters: [
                OpenAPIParameters.id,
                ["name": "enrolmentID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            requestSchema: "TrainingEnrolmentRecord", responses: [200: "TrainingSession"]),
        APIOperation(
            method: .POST, path: session + "/rating", tag: "Training",
            summary: "The trainee rates a session they attended (1–5), once",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingRating", responses: [200: "TrainingSession"]),
        APIOperation(
            method: .GET, path: session + "/effect", tag: "Training",
            summary:
                "The change in the trainees' own figures 30 and 90 days after the session (a specialist: their own)",
            parameters: [OpenAPIParameters.id], responses: [200: "TrainingEffect"]),
        APIOperation(
            method: .GET, path: "/api/v1/training/outstanding-trainees", tag: "Training",
            summary: "Trainees marked outstanding in sessions held in a year (for awards)",
            parameters: [OpenAPIParameters.query("year", "integer", "The year; the current one when absent")],
            responses: [200: "OutstandingTraineeList"]),
        APIOperation(
            method: .POST, path: session + "/materials", tag: "Training",
            summary: "Add a material (PDF, JPG, PNG, DOCX; up to 20 MB)",
            parameters: [OpenAPIParameters.id], requestSchema: "TrainingMaterialUpload",
            requestContentType: "multipart/form-data",
            responses: [201: "TrainingMaterial"]),
        APIOperation(
            method: .GET, path: session + "/materials", tag: "Training", summary: "A session's materials",
            parameters: [OpenAPIParameters.id], responses: [200: "TrainingMaterialList"]),
        APIOperation(
            method: .GET, path: session + "/materials/{attachmentID}", tag: "Training",
            summary: "Download a material (audited)",
            parameters: [
                OpenAPIParameters.id,
                ["name": "attachmentID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            responses: [200: nil]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, number: JSONValue = ["type": "number"], nullableNumber = Schema.nullable("number"),
            nullableText = Schema.nullable("string")
        let areas = Schema.enumeration(TrainingContentArea.allCases.map(\.rawValue)),
            methods = Schema.enumeration(TrainingMethod.allCases.map(\.rawValue))
        let enrolment = Schema.object(
            [
                "id": Schema.integer, "staffID": Schema.integer, "staffName": text,
                "attended": Schema.nullable("boolean"), "scoreBefore": nullableNumber,
                "scoreAfter": nullableNumber, "scoreGain": nullableNumber, "rating": Schema.nullable("integer"),
                "ratingComment": nullableText,
                "isOutstanding": Schema.boolean, "version": Schema.integer,
            ], required: ["id", "staffID", "staffName", "isOutstanding", "version"])
        return [
            "TrainingPlanInput": Schema.object(
                [
                    "year": Schema.integer, "title": text, "goals": text, "areas": ["type": "array", "items": areas],
                    "methods": ["type": "array", "items": methods],
                    "hours": ["type": "number", "minimum": 0], "budgetYuan": ["type": "integer", "minimum": 0],
                    "version": ["type": "integer", "description": "The version read; required when changing a plan"],
                ], required: ["year", "title", "goals", "areas", "methods", "hours", "budgetYuan"]),
            "TrainingPlanStep": Schema.object(
                ["note": nullableText, "version": Schema.integer], required: ["version"]),
            "TrainingSessionInput": Schema.object(
                [
                    "title": text, "trainer": text, "area": areas, "method": methods,
                    "scheduledOn": ["type": "string", "format": "date"],
                    "hours": number, "costYuan": ["type": "integer", "minimum": 0], "location": nullableText,
                    "aimedFigures": [
                        "type": "array", "items": Schema.enumeration(TrainingAimedFigure.all.map(\.rawValue)),
                    ],
                ], required: ["title", "trainer", "area", "method", "scheduledOn", "hours", "costYuan"]),
            "TrainingSessionOutcome": Schema.object(
                [
                    "state": Schema.enumeration(["held", "cancelled"]), "heldOn": ["type": "string", "format": "date"],
                    "supervisorNote": nullableText,
                    "version": Schema.integer,
                ], required: ["state", "version"]),
            "TrainingEnrol": Schema.object(["staffID": Schema.integer], required: ["staffID"]),
            "TrainingEnrolmentRecord": Schema.object(
                [
                    "attended": Schema.nullable("boolean"), "scoreBefore": nullableNumber, "scoreAfter": nullableNumber,
                    "version": Schema.integer,
                ], required: ["version"]),
            "TrainingRating": Schema.object(
                ["rating": ["type": "integer", "minimum": 1, "maximum": 5], "comment": nullableText],
                required: ["rating"]),
            "TrainingEnrolment": enrolment,
            "TrainingSession": Schema.object(
                [
                    "id": Schema.integer, "planID": Schema.integer, "planTitle": text, "planYear": Schema.integer,
                    "title": text, "trainer": text,
                    "area": areas, "areaLabel": text, "method": methods, "methodLabel": text, "scheduledOn": text,
                    "hours": number, "costYuan": Schema.integer,
                    "location": nullableText, "aimedFigures": ["type": "array", "items": text],
                    "state": Schema.enumeration(TrainingSessionState.allCases.map(\.rawValue)),
                    "stateLabel": text, "heldOn": nullableText, "supervisorNote": nullableText,
                    "enrolments": Schema.array(of: "TrainingEnrolment"),
                    "version": Schema.integer,
                ],
                required: [
                    "id", "planID", "title", "trainer", "area", "method", "scheduledOn", "hours", "costYuan", "state",
                    "enrolments", "version",
                ]),
            "TrainingSessionList": Schema.array(of: "TrainingSession"),
            "TrainingEnrolmentPage": Schema.page(of: "TrainingEnrolment"),
            "TrainingPlanSession": Schema.object(
                [
                    "id": Schema.integer, "title": text, "trainer": text, "area": areas, "areaLabel": text,
                    "method": methods, "methodLabel": text, "scheduledOn": text, "hours": number,
                    "costYuan": Schema.integer, "location": nullableText,
                    "aimedFigures": ["type": "array", "items": text],
                    "state": Schema.enumeration(TrainingSessionState.allCases.map(\.rawValue)),
                    "stateLabel": text, "heldOn": nullableText,
                    "figures": Schema.object(
                        [
                            "enrolled": Schema.integer, "attended": Schema.integer, "rated": Schema.integer,
                            "averageRating": nullableNumber, "scored": Schema.integer,
                            "averageScoreAfter": nullableNumber,
                        ], required: ["enrolled", "attended", "rated", "scored"]),
                    "version": Schema.integer,
                ],
                required: [
                    "id", "title", "trainer", "area", "method", "scheduledOn", "hours", "costYuan", "state", "figures",
                    "version",
                ]),
            "TrainingPlan": Schema.object(
                [
                    "id": Schema.integer, "year": Schema.integer, "title": text, "goals": text,
                    "areas": ["type": "array", "items": areas],
                    "areaLabels": ["type": "array", "items": text], "methods": ["type": "array", "items": methods],
                    "methodLabels": ["type": "array", "items": text],
                    "hours": number, "budgetYuan": Schema.integer,
                    "state": Schema.enumeration(TrainingPlanState.allCases.map(\.rawValue)), "stateLabel": text,
                    "submittedAt": Schema.nullable("string", format: "date-time"),
                    "decidedAt": Schema.nullable("string", format: "date-time"),
                    "decidedBy": nullableText, "decisionNote": nullableText, "createdBy": nullableText,
                    "totals": Schema.object(
                        ["sessions": Schema.integer, "hours": number, "costYuan": Schema.integer],
                        required: ["sessions", "hours", "costYuan"]),
                    "progress": Schema.object(
                        [
                            "due": Schema.integer, "held": Schema.integer, "heldOnTime": Schema.integer,
                            "cancelled": Schema.integer, "quantityPercent": nullableNumber,
                            "onTimePercent": nullableNumber, "hoursDone": number, "costDone": Schema.integer,
                            "attendancePercent": nullableNumber,
                            "averageRating": nullableNumber, "averageScoreAfter": nullableNumber,
                        ], required: ["due", "held", "heldOnTime", "cancelled", "hoursDone", "costDone"]),
                    "sessions": Schema.array(of: "TrainingPlanSession"), "version": Schema.integer,
                ],
                required: [
                    "id", "year", "title", "goals", "areas", "methods", "hours", "budgetYuan", "state", "totals",
                    "progress", "sessions", "version",
                ]),
            "TrainingPlanList": Schema.array(of: "TrainingPlan"),
            "TrainingEffect": Schema.object(
                [
                    "sessionID": Schema.integer, "title": text, "heldOn": nullableText,
                    "trainees": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "staffID": Schema.integer, "staffName": text, "scoreBefore": nullableNumber,
                                "scoreAfter": nullableNumber, "scoreGain": nullableNumber,
                                "rating": Schema.nullable("integer"), "isOutstanding": Schema.boolean,
                                "spans": [
                                    "type": "array",
                                    "items": Schema.object(
                                        [
                                            "days": Schema.integer, "beforeStart": text, "beforeEnd": text,
                                            "afterStart": text, "afterEnd": text, "isComplete": Schema.boolean,
                                            "changes": [
                                                "type": "array",
                                                "items": Schema.object(
                                                    [
                                                        "figure": text, "label": text, "before": nullableNumber,
                                                        "after": nullableNumber, "delta": nullableNumber,
                                                    ], required: ["figure", "label"]),
                                            ],
                                        ],
                                        required: [
                                            "days", "beforeStart", "beforeEnd", "afterStart", "afterEnd", "isComplete",
                                            "changes",
                                        ]),
                                ],
                            ], required: ["staffID", "staffName", "isOutstanding", "spans"]),
                    ],
                ], required: ["sessionID", "title", "trainees"]),
            "OutstandingTraineeList": [
                "type": "array",
                "items": Schema.object(
                    [
                        "staffID": Schema.integer, "staffName": text, "sessionID": Schema.integer, "sessionTitle": text,
                        "heldOn": text, "scoreBefore": nullableNumber,
                        "scoreAfter": number,
                    ], required: ["staffID", "staffName", "sessionID", "sessionTitle", "heldOn", "scoreAfter"]),
            ],
            "TrainingMaterialUpload": Schema.object(
                ["file": ["type": "string", "format": "binary"]], required: ["file"]),
            "TrainingMaterial": Schema.object(
                [
                    "id": Schema.integer, "fileName": text, "contentType": text, "byteCount": Schema.integer,
                    "uploadedAt": Schema.dateTime,
                    "uploadedBy": nullableText,
                ], required: ["id", "fileName", "contentType", "byteCount", "uploadedAt"]),
            "TrainingMaterialList": Schema.array(of: "TrainingMaterial"),
        ]
    }
}
