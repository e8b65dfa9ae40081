import KefuDomain

/// The assessment operations and schemas of the OpenAPI document (R5.3).
extension AssessmentsAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/assessment-cycles", tag: "Assessment",
            summary:
                "Cycles: the supervisor's department's, all for leadership; a specialist's own cycles with only their own assessment",
            responses: [200: "AssessmentCycleList"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessment-cycles", tag: "Assessment",
            summary:
                "Open a cycle for the team (supervisor): period, weights adding up to 100, grade thresholds, targets on existing figures",
            requestSchema: "AssessmentCycleInput", responses: [201: "AssessmentCycle"]),
        APIOperation(
            method: .GET, path: "/api/v1/assessment-cycles/{id}", tag: "Assessment",
            summary: "One cycle with its people",
            parameters: [OpenAPIParameters.id], responses: [200: "AssessmentCycle"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessment-cycles/{id}/recomputation", tag: "Assessment",
            summary: "Recompute results not yet answered from the figures as they stand (supervisor)",
            parameters: [OpenAPIParameters.id], requestSchema: "VersionOnly", responses: [200: "AssessmentCycle"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessment-cycles/{id}/sign-off", tag: "Assessment",
            summary: "Leadership signs the cycle off: every result in, no open appeal; nothing changes afterwards",
            parameters: [OpenAPIParameters.id], requestSchema: "VersionOnly", responses: [200: "AssessmentCycle"]),
        APIOperation(
            method: .GET, path: "/api/v1/assessment-cycles/{id}/decisions.csv", tag: "Assessment",
            summary: "The decisions of a signed-off cycle as CSV for payroll (UTF-8 with BOM; audited)",
            parameters: [OpenAPIParameters.id], responses: [200: nil]),
        APIOperation(
            method: .GET, path: "/api/v1/assessments", tag: "Assessment",
            summary: "The caller's own assessments, newest first",
            responses: [200: "AssessmentList"]),
        APIOperation(
            method: .GET, path: "/api/v1/assessments/{id}", tag: "Assessment",
            summary: "One assessment with its score, grade and the whole calculation line by line",
            parameters: [OpenAPIParameters.id], responses: [200: "Assessment"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/self-evaluation", tag: "Assessment",
            summary: "The person's self-evaluation (0–100) before the supervisor's", parameters: [OpenAPIParameters.id],
            requestSchema: "SelfEvaluation", responses: [200: "Assessment"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/supervisor-evaluation", tag: "Assessment",
            summary: "The supervisor's ratings (0–100) and comment; the score is computed and shown to the person",
            parameters: [OpenAPIParameters.id], requestSchema: "SupervisorEvaluation", responses: [200: "Assessment"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/response", tag: "Assessment",
            summary: "The person accepts the result with a comment, or appeals with a reason",
            parameters: [OpenAPIParameters.id],
            requestSchema: "AssessmentResponse", responses: [200: "Assessment"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/appeal-answer", tag: "Assessment",
            summary: "The supervisor answers an appeal, optionally with revised ratings (recomputed)",
            parameters: [OpenAPIParameters.id],
            requestSchema: "AppealAnswer", responses: [200: "Assessment"]),
        APIOperation(
            method: .POST, path: "/api/v1/assessments/{id}/decisions", tag: "Assessment",
            summary:
                "Record what follows from the result, with its basis (bonus, promotion, certificate, improvement plan, bonus deduction, reassignment)",
            parameters: [OpenAPIParameters.id], requestSchema: "AssessmentDecisionInput", responses: [201: "Assessment"]
        ),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableNumber = Schema.nullable("number")
        let nullableTime = Schema.nullable("string", format: "date-time"), number: JSONValue = ["type": "number"]
        return [
            "AssessmentCycleInput": Schema.object(
                [
                    "name": text, "periodStart": ["type": "string", "format": "date"],
                    "periodEnd": ["type": "string", "format": "date"],
                    "weights": [
                        "type": ["object", "null"], "additionalProperties": ["type": "integer"],
                        "description": .string(
                            "Dimension → whole percent, adding up to 100: "
                                + AssessmentDimension.allCases.map(\.rawValue).joined(separator: ", ")),
                    ],
                    "thresholds": [
                        "anyOf": [
                            Schema.object(
                                ["excellent": nullableNumber, "good": nullableNumber, "pass": nullableNumber],
                                required: []), ["type": "null"],
                        ]
                    ],
                    "targets": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "figure": Schema.enumeration(WorkFigure.allCases.map(\.rawValue)), "target": number,
                            ], required: ["figure", "target"]),
                    ],
                    "staffIDs": ["type": ["array", "null"], "items": Schema.integer],
                ], required: ["name", "periodStart", "periodEnd"]),
            "AssessmentCycle": Schema.object(
                [
                    "id": Schema.integer, "name": text, "periodStart": text, "periodEnd": text,
                    "state": Schema.enumeration(AssessmentCycleState.allCases.map(\.rawValue)), "stateLabel": text,
                    "weights": ["type": "object", "additionalProperties": ["type": "integer"]],
                    "thresholds": Schema.object(
                        ["excellent": number, "good": number, "pass": number], required: ["excellent", "good", "pass"]),
                    "targets": [
                        "type": "array",
                        "items": Schema.object(
                            ["figure": text, "label": text, "target": number], required: ["figure", "label", "target"]),
                    ],
                    "createdBy": nullableText, "signedOffAt": nullableTime, "signedOffBy": nullableText,
                    "assessments": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "staffID": Schema.integer, "staffName": text, "state": text,
                                "stateLabel": text, "total": nullableNumber,
                                "grade": nullableText, "gradeLabel": text,
                            ], required: ["id", "staffID", "staffName", "state", "stateLabel", "gradeLabel"]),
                    ],
                    "version": Schema.integer,
                ],
                required: [
                    "id", "name", "periodStart", "periodEnd", "state", "weights", "thresholds", "targets",
                    "assessments", "version",
                ]),
            "AssessmentCycleList": ["type": "array", "items": Schema.ref("AssessmentCycle")],
            "Assessment": Schema.object(
                [
                    "id": Schema.integer, "cycleID": Schema.integer, "cycleName": text, "cycleState": text,
                    "staffID": Schema.integer, "staffName": text,
                    "state": Schema.enumeration(AssessmentState.allCases.map(\.rawValue)), "stateLabel": text,
                    "selfScore": nullableNumber,
                    "selfSummary": nullableText, "skillsRating": nullableNumber, "teamworkRating": nullableNumber,
                    "supervisorComment": nullableText,
                    "evaluatedBy": nullableText, "evaluatedAt": nullableTime, "total": nullableNumber,
                    "grade": nullableText, "gradeLabel": text,
                    "dimensions": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "dimension": text, "label": text, "score": nullableNumber, "weight": Schema.integer,
                                "effectiveWeight": number, "contribution": number,
                            ], required: ["dimension", "label", "weight", "effectiveWeight", "contribution"]),
                    ],
                    "calculation": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "key": text,
                                "arguments": ["type": "object", "additionalProperties": ["type": "string"]],
                                "text": text,
                            ], required: ["key", "arguments", "text"]),
                    ],
                    "proposals": [
                        "type": "array", "items": Schema.enumeration(ConsequenceKind.allCases.map(\.rawValue)),
                    ],
                    "responseComment": nullableText, "isAppeal": Schema.boolean, "respondedAt": nullableTime,
                    "appealAnswer": nullableText,
                    "answeredAt": nullableTime,
                    "decisions": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "kind": text, "kindLabel": text,
                                "amountYuan": Schema.nullable("integer"), "basis": text,
                                "decidedBy": nullableText, "decidedAt": Schema.dateTime,
                            ], required: ["id", "kind", "kindLabel", "basis", "decidedAt"]),
                    ],
                    "version": Schema.integer,
                ],
                required: [
                    "id", "cycleID", "staffID", "staffName", "state", "dimensions", "calculation", "decisions",
                    "isAppeal", "version",
                ]),
            "AssessmentList": ["type": "array", "items": Schema.ref("Assessment")],
            "VersionOnly": Schema.object(["version": Schema.integer], required: ["version"]),
            "SelfEvaluation": Schema.object(
                ["score": number, "summary": nullableText, "version": Schema.integer], required: ["score", "version"]),
            "SupervisorEvaluation": Schema.object(
                [
                    "skillsRating": number, "teamworkRating": number, "comment": nullableText,
                    "version": Schema.integer,
                ], required: ["skillsRating", "teamworkRating", "version"]),
            "AssessmentResponse": Schema.object(
                ["appeal": Schema.nullable("boolean"), "comment": nullableText, "version": Schema.integer],
                required: ["version"]),
            "AppealAnswer": Schema.object(
                [
                    "answer": text, "skillsRating": nullableNumber, "teamworkRating": nullableNumber,
                    "version": Schema.integer,
                ],
                required: ["answer", "version"]),
            "AssessmentDecisionInput": Schema.object(
                [
                    "kind": Schema.enumeration(ConsequenceKind.allCases.map(\.rawValue)),
                    "amountYuan": Schema.nullable("integer"), "basis": text,
                ], required: ["kind", "basis"]),
        ]
    }
}
