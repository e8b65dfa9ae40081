import KefuDomain

/// The project, recommendation and follow-up operations and schemas of the OpenAPI document.
extension ProjectsAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/projects", tag: "Projects",
            summary: "The investment-project catalog with recommendation figures",
            parameters: [
                OpenAPIParameters.query("q", "string", "Code, name, province or city"),
                OpenAPIParameters.query("status"),
                OpenAPIParameters.query("type"), OpenAPIParameters.query("industry"),
            ],
            responses: [200: "ProjectList"]),
        APIOperation(
            method: .POST, path: "/api/v1/projects", tag: "Projects",
            summary: "Add a project (supervisor); its facts become version 1",
            requestSchema: "ProjectInput", responses: [201: "Project"]),
        APIOperation(
            method: .GET, path: "/api/v1/projects/{id}", tag: "Projects", summary: "One project",
            parameters: [OpenAPIParameters.id], responses: [200: "Project"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/projects/{id}", tag: "Projects",
            summary:
                "Change a project's facts (version required; each change is a new version; 409 with the current project on conflict)",
            parameters: [OpenAPIParameters.id], requestSchema: "ProjectInput", responses: [200: "Project"]),
        APIOperation(
            method: .GET, path: "/api/v1/projects/{id}/versions", tag: "Projects",
            summary: "Every version of the facts, newest first: what a customer was told on a date",
            parameters: [OpenAPIParameters.id], responses: [200: "ProjectVersionList"]),
        APIOperation(
            method: .GET, path: "/api/v1/projects/{id}/cases", tag: "Projects", summary: "Supporting cases",
            parameters: [OpenAPIParameters.id], responses: [200: "ProjectCaseList"]),
        APIOperation(
            method: .POST, path: "/api/v1/projects/{id}/cases", tag: "Projects",
            summary: "Add a supporting case (supervisor)",
            parameters: [OpenAPIParameters.id], requestSchema: "ProjectCase", responses: [201: "ProjectCase"]),
        APIOperation(
            method: .GET, path: "/api/v1/projects/{id}/files", tag: "Projects", summary: "Brochures and files",
            parameters: [OpenAPIParameters.id], responses: [200: "ProjectFileList"]),
        APIOperation(
            method: .POST, path: "/api/v1/projects/{id}/files", tag: "Projects",
            summary:
                "Upload a brochure (multipart/form-data, field `file`; PDF, JPEG, PNG, DOCX, PPTX, XLSX up to 20 MB, content checked)",
            parameters: [OpenAPIParameters.id], requestSchema: "ProjectFileUpload",
            requestContentType: "multipart/form-data", responses: [201: "ProjectFile"]),
        APIOperation(
            method: .GET, path: "/api/v1/projects/{id}/files/{fileID}", tag: "Projects",
            summary: "Download a file (to those who may read the catalog)",
            parameters: [
                OpenAPIParameters.id,
                ["name": "fileID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ], responses: [200: nil]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"), nullableNumber = Schema.nullable("number")
        let industries: JSONValue = ["type": "array", "items": Schema.enumeration(CustomerVocabulary.industries)]
        let factProperties: [String: JSONValue] = [
            "code": text, "name": text, "type": Schema.enumeration(ProjectType.allCases.map(\.rawValue)),
            "industries": industries,
            "province": nullableText, "city": nullableText, "address": nullableText, "areaSquareMeters": nullableNumber,
            "investmentMinWan": nullableNumber, "investmentMaxWan": nullableNumber,
            "annualReturnPercent": nullableNumber,
            "paybackYears": nullableNumber, "incentives": nullableText, "highlights": nullableText,
            "status": Schema.enumeration(ProjectStatus.allCases.map(\.rawValue)), "responsibleDepartment": nullableText,
        ]
        var projectProperties = factProperties
        projectProperties["id"] = Schema.integer
        projectProperties["version"] = Schema.integer
        projectProperties["createdAt"] = Schema.dateTime
        projectProperties["updatedAt"] = Schema.dateTime
        projectProperties["recommended"] = Schema.integer
        projectProperties["interestRate"] = nullableNumber
        projectProperties["rejectionReasons"] = [
            "anyOf": [
                [
                    "type": "array",
                    "items": Schema.object(["reason": text, "count": Schema.integer], required: ["reason", "count"]),
                ],
                ["type": "null"],
            ], "description": "On one project, not in lists",
        ]
        var inputProperties: [String: JSONValue] = [:]
        for name in [
            "code", "name", "type", "province", "city", "address", "areaSquareMeters", "investmentMinWan",
            "investmentMaxWan",
            "annualReturnPercent", "paybackYears", "incentives", "highlights", "status", "responsibleDepartment",
        ] {
            inputProperties[name] = text
        }
        inputProperties["industries"] = ["type": "array", "items": text]
        inputProperties["version"] = Schema.integer
        let project = Schema.object(
            projectProperties,
            required: [
                "id", "code", "name", "type", "industries", "status", "version", "createdAt", "updatedAt",
                "recommended",
            ])
        return [
            "Project": project,
            "ProjectList": ["type": "array", "items": Schema.ref("Project")],
            "ProjectInput": [
                "type": "object", "properties": .object(inputProperties),
                "description":
                    "Amounts in 万元 and numbers as text, as a form sends them; on PATCH absent fields keep their value",
            ],
            "ProjectFacts": Schema.object(factProperties, required: ["code", "name", "type", "industries", "status"]),
            "ProjectVersion": Schema.object(
                [
                    "version": Schema.integer, "changedAt": Schema.dateTime, "actorName": text,
                    "changes": [
                        "type": "array",
                        "items": Schema.object(
                            ["field": text, "oldValue": text, "newValue": text],
                            required: ["field", "oldValue", "newValue"]),
                    ],
                    "facts": ["anyOf": [Schema.ref("ProjectFacts"), ["type": "null"]]],
                ], required: ["version", "changedAt", "actorName", "changes"]),
            "ProjectVersionList": ["type": "array", "items": Schema.ref("ProjectVersion")],
            "ProjectCase": Schema.object(
                ["id": Schema.nullable("integer"), "title": text, "summary": text, "figures": nullableText],
                required: ["title", "summary"]),
            "ProjectCaseList": ["type": "array", "items": Schema.ref("ProjectCase")],
            "ProjectFile": Schema.object(
                ["id": Schema.integer, "fileName": text, "byteCount": Schema.integer, "uploadedAt": Schema.dateTime],
                required: ["id", "fileName", "byteCount", "uploadedAt"]),
            "ProjectFileList": ["type": "array", "items": Schema.ref("ProjectFile")],
            "ProjectFileUpload": Schema.object(["file": ["type": "string", "format": "binary"]], required: ["file"]),
        ]
    }
}

extension RecommendationsAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/recommendations/ranking", tag: "Recommendations",
            summary: "Open projects ranked for the customer, each score in parts with the reason in words",
            parameters: [
                OpenAPIParameters.id,
                OpenAPIParameters.query("limit", "integer", "How many of the best (1–200, default 20)"),
            ],
            responses: [200: "RankedProjectList"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/recommendations", tag: "Recommendations",
            summary: "What was recommended and how the customer reacted",
            parameters: [OpenAPIParameters.id], responses: [200: "RecommendationList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/recommendations", tag: "Recommendations",
            summary: "Record a recommendation (the project's current version and score are kept with it)",
            parameters: [OpenAPIParameters.id], requestSchema: "RecommendationInput", responses: [201: "Recommendation"]
        ),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/recommendations/{recommendationID}/reaction",
            tag: "Recommendations",
            summary: "Record the customer's reaction (a rejection needs its reason)",
            parameters: [
                OpenAPIParameters.id,
                ["name": "recommendationID", "in": "path", "required": true, "schema": ["type": "integer"]],
            ],
            requestSchema: "ReactionInput", responses: [200: "Recommendation"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string
        let part = Schema.object(
            ["kind": text, "points": Schema.integer, "explanation": text], required: ["kind", "points", "explanation"])
        return [
            "ScorePart": part,
            "RankedProject": Schema.object(
                [
                    "projectID": Schema.integer, "code": text, "name": text, "type": text, "score": Schema.integer,
                    "parts": ["type": "array", "items": Schema.ref("ScorePart")],
                ], required: ["projectID", "code", "name", "type", "score", "parts"]),
            "RankedProjectList": ["type": "array", "items": Schema.ref("RankedProject")],
            "Recommendation": Schema.object(
                [
                    "id": Schema.integer, "projectID": Schema.integer, "projectCode": text, "projectName": text,
                    "projectVersion": Schema.integer,
                    "staffName": Schema.nullable("string"), "recommendedAt": Schema.dateTime,
                    "presentation": Schema.enumeration(RecommendationPresentation.allCases.map(\.rawValue)),
                    "material": text, "score": Schema.integer,
                    "parts": ["type": "array", "items": Schema.ref("ScorePart")],
                    "reaction": ["anyOf": [Schema.enumeration(Reaction.allCases.map(\.rawValue)), ["type": "null"]]],
                    "reactionReason": Schema.nullable("string"),
                    "reactionAt": Schema.nullable("string", format: "date-time"),
                ],
                required: [
                    "id", "projectID", "projectCode", "projectName", "projectVersion", "recommendedAt", "presentation",
                    "material", "score", "parts",
                ]),
            "RecommendationList": ["type": "array", "items": Schema.ref("Recommendation")],
            "RecommendationInput": Schema.object(
                [
                    "projectID": Schema.integer,
                    "presentation": Schema.enumeration(RecommendationPresentation.allCases.map(\.rawValue)),
                    "material": Schema.nullable("string"),
                ], required: ["projectID", "presentation"]),
            "ReactionInput": Schema.object(
                [
                    "reaction": Schema.enumeration(Reaction.allCases.map(\.rawValue)),
                    "reason": Schema.nullable("string"),
                ],
                required: ["reaction"]),
        ]
    }
}

extension FollowUpsAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/follow-ups", tag: "Follow-ups",
            summary:
                "Open follow-ups: overdue (default), this week, or all open; yours, or the team's for the supervisor and leadership",
            parameters: [
                OpenAPIParameters.query("view", "string", "overdue | week | open"),
                OpenAPIParameters.query("scope", "string", "mine | team"),
                OpenAPIParameters.query(
                    "week", "integer", "With view=week: weeks from this one (-1 last week, 1 next week)"),
                OpenAPIParameters.query("staff", "integer", "One person's list (supervisor and leadership)"),
            ]
                + OpenAPIParameters.page,
            responses: [200: "FollowUpPage"]),
        APIOperation(
            method: .POST, path: "/api/v1/follow-ups/{followUpID}/complete", tag: "Follow-ups",
            summary:
                "Complete a follow-up; the last open one of a customer with intent or in negotiation needs `next` planned",
            parameters: [["name": "followUpID", "in": "path", "required": true, "schema": ["type": "integer"]]],
            requestSchema: "FollowUpCompletion", responses: [200: "FollowUp"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/follow-ups", tag: "Follow-ups",
            summary: "A customer's follow-ups, open first",
            parameters: [OpenAPIParameters.id], responses: [200: "FollowUpList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/follow-ups", tag: "Follow-ups",
            summary: "Plan a follow-up (due in the future)",
            parameters: [OpenAPIParameters.id], requestSchema: "FollowUpPlan", responses: [201: "FollowUp"]),
        APIOperation(
            method: .POST, path: "/api/v1/follow-ups/{followUpID}/reschedule", tag: "Follow-ups",
            summary:
                "Move an open follow-up to another time (not in the past), giving the reason (on the timeline and in the audit log)",
            parameters: [["name": "followUpID", "in": "path", "required": true, "schema": ["type": "integer"]]],
            requestSchema: "FollowUpReschedule", responses: [200: "FollowUp"]),
        APIOperation(
            method: .POST, path: "/api/v1/follow-ups/complete", tag: "Follow-ups",
            summary:
                "Complete several follow-ups with one outcome; those the follow-up rule keeps open are listed in `refused` with the reason",
            requestSchema: "FollowUpBulkCompletion", responses: [200: "FollowUpBulkResult"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string
        let plan = Schema.object(
            [
                "dueAt": ["type": "string", "description": "ISO 8601, or yyyy-MM-ddTHH:mm in China time"],
                "channel": Schema.enumeration(FollowUpChannel.allCases.map(\.rawValue)), "purpose": text,
            ], required: ["dueAt", "channel", "purpose"])
        let versionRead: JSONValue = [
            "type": "integer", "description": "The version read; 409 with the current follow-up when stale",
        ]
        return [
            "FollowUp": Schema.object(
                [
                    "id": Schema.integer, "customerID": Schema.integer, "customerCode": text, "customerName": text,
                    "staffID": Schema.nullable("integer"),
                    "staffName": Schema.nullable("string"), "dueAt": Schema.dateTime, "channel": text, "purpose": text,
                    "isOverdue": Schema.boolean,
                    "completedAt": Schema.nullable("string", format: "date-time"), "outcome": Schema.nullable("string"),
                    "version": Schema.integer,
                ],
                required: [
                    "id", "customerID", "customerCode", "customerName", "dueAt", "channel", "purpose", "isOverdue",
                    "version",
                ]),
            "FollowUpList": ["type": "array", "items": Schema.ref("FollowUp")],
            "FollowUpPage": Schema.page(of: "FollowUp"),
            "FollowUpPlan": plan,
            "FollowUpCompletion": Schema.object(
                [
                    "outcome": text, "next": ["anyOf": [Schema.ref("FollowUpPlan"), ["type": "null"]]],
                    "version": versionRead,
                ], required: ["outcome"]),
            "FollowUpReschedule": Schema.object(
                [
                    "dueAt": ["type": "string", "description": "ISO 8601, or yyyy-MM-ddTHH:mm in China time"],
                    "reason": text, "version": versionRead,
                ], required: ["dueAt", "reason"]),
            "FollowUpBulkCompletion": Schema.object(
                ["ids": ["type": "array", "items": Schema.integer], "outcome": text], required: ["ids", "outcome"]),
            "FollowUpBulkResult": Schema.object(
                [
                    "completed": ["type": "array", "items": Schema.integer],
                    "refused": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "customerID": Schema.nullable("integer"),
                                "customerName": Schema.nullable("string"), "reason": text,
                            ], required: ["id", "reason"]),
                    ],
                ], required: ["completed", "refused"]),
        ]
    }
}
