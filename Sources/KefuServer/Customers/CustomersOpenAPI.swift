import KefuDomain

/// The customer operations and schemas of the OpenAPI document.
extension CustomersAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/customers", tag: "Customers",
            summary: "List and search customers (contact details masked unless yours)",
            parameters: OpenAPIParameters.page + [
                OpenAPIParameters.query(
                    "q", "string", "Code, name, company fragment, mobile or its last four digits, e-mail"),
                OpenAPIParameters.query("stage"), OpenAPIParameters.query("grade"),
                OpenAPIParameters.query("specialist", "integer", "Responsible staff id"),
                OpenAPIParameters.query("industry"), OpenAPIParameters.query("region", "string", "Province or city"),
                OpenAPIParameters.query("source"),
                OpenAPIParameters.query("notUpdatedDays", "integer", "Not updated for this many days"),
                OpenAPIParameters.query(
                    "sort", "string",
                    "updated | updated_asc | created | code | code_desc | name | name_desc; default updated, or created (newest first) when q is given"
                ),
                OpenAPIParameters.query(
                    "withoutFollowUp", "string", "1: intent or negotiating files without an open follow-up"),
                OpenAPIParameters.query("notContactedDays", "integer", "No communication recorded for this many days"),
            ], responses: [200: "CustomerSummaryPage"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers", tag: "Customers",
            summary: "Create a customer file (409 possible_duplicate without duplicateReason)",
            requestSchema: "CustomerInput", responses: [201: "Customer"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/duplicates", tag: "Customers",
            summary:
                "Existing files with this whole mobile, credit code or company, and whose they are (audited; 429 after 60 checks an hour)",
            parameters: [
                OpenAPIParameters.query("mobile"), OpenAPIParameters.query("creditCode"),
                OpenAPIParameters.query("companyName"),
            ],
            responses: [200: "DuplicateMatchList"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/export", tag: "Customers",
            summary: "The filtered list as CSV (UTF-8 with BOM; masked unless the exporter may see contacts; audited)",
            parameters: [
                OpenAPIParameters.query("q"), OpenAPIParameters.query("stage"), OpenAPIParameters.query("grade"),
                OpenAPIParameters.query("specialist", "integer"), OpenAPIParameters.query("industry"),
                OpenAPIParameters.query("region"), OpenAPIParameters.query("source"),
                OpenAPIParameters.query("notUpdatedDays", "integer"),
            ],
            responses: [200: nil]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/reassign", tag: "Customers",
            summary:
                "Give customers to another specialist with a reason (supervisor); the receiver is notified on the bell",
            requestSchema: "ReassignRequest", responses: [200: "ReassignResult"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}", tag: "Customers", summary: "One customer file",
            parameters: [OpenAPIParameters.id], responses: [200: "Customer"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/customers/{id}", tag: "Customers",
            summary: "Change a customer file (version required; 409 with the current file on conflict)",
            parameters: [OpenAPIParameters.id], requestSchema: "CustomerInput", responses: [200: "Customer"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/reveal", tag: "Customers",
            summary: "See contact details unmasked, giving a reason (audited)",
            parameters: [OpenAPIParameters.id], requestSchema: "RevealRequest", responses: [200: "Customer"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/timeline", tag: "Customers",
            summary: "Everything that happened with the customer, newest first",
            parameters: [OpenAPIParameters.id] + OpenAPIParameters.page + [
                OpenAPIParameters.query(
                    "kind", "string",
                    "Only one group: " + Timeline.Group.allCases.map(\.rawValue).joined(separator: " | "))
            ], responses: [200: "TimelinePage"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/changes", tag: "Customers",
            summary: "Change history: who, when, field, old → new",
            parameters: [OpenAPIParameters.id] + OpenAPIParameters.page, responses: [200: "CustomerChangePage"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/communications", tag: "Customers",
            summary: "Communication records",
            parameters: [OpenAPIParameters.id] + OpenAPIParameters.page, responses: [200: "CommunicationRecordPage"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/communications", tag: "Customers",
            summary: "Record a call, e-mail, chat or visit",
            parameters: [OpenAPIParameters.id], requestSchema: "CommunicationRecord",
            responses: [201: "CommunicationRecord"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/overview", tag: "Customers",
            summary:
                "The customer 360 at a glance: open follow-ups, promised replies, recent recommendations (each absent where the caller may not see it)",
            parameters: [OpenAPIParameters.id], responses: [200: "CustomerOverview"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/saved-filters", tag: "Customers",
            summary:
                "The caller's filters of the customer list: 我的意向客户, 意向无跟进, 30 天未联系, then their own (each a list query string)",
            responses: [200: "SavedFilterList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/saved-filters", tag: "Customers",
            summary: "Save the list's filter under a name (the same name replaces it; at most 30)",
            requestSchema: "SavedFilterInput", responses: [201: "SavedFilter"]),
        APIOperation(
            method: .DELETE, path: "/api/v1/customers/saved-filters/{filterID}", tag: "Customers",
            summary: "Delete one of the caller's filters",
            parameters: [["name": "filterID", "in": "path", "required": true, "schema": ["type": "integer"]]],
            responses: [204: nil]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        let customerProperties: [String: JSONValue] = [
            "id": Schema.integer, "code": text, "kind": Schema.enumeration(CustomerKind.allCases.map(\.rawValue)),
            "name": text,
            "companyName": nullableText, "creditCode": nullableText, "mobile": nullableText, "landline": nullableText,
            "email": nullableText, "wechatID": nullableText, "province": nullableText, "city": nullableText,
            "address": nullableText,
            "businessScope": nullableText,
            "industries": ["type": "array", "items": Schema.enumeration(CustomerVocabulary.industries)],
            "budgetMinWan": Schema.nullable("number"), "budgetMaxWan": Schema.nullable("number"),
            "preferredRegions": nullableText,
            "timing": Schema.enumeration(InvestmentTiming.allCases.map(\.rawValue)),
            "source": Schema.enumeration(SourceChannel.allCases.map(\.rawValue)),
            "category": nullableText, "grade": nullableText,
            "stage": Schema.enumeration(CustomerStage.allCases.map(\.rawValue)),
            "lostReason": nullableText, "responsibleStaffID": Schema.nullable("integer"),
            "tags": ["type": "array", "items": text],
            "remarks": nullableText, "consentAt": Schema.nullable("string", format: "date-time"),
            "consentChannel": nullableText,
            "consentNoticeVersion": nullableText, "createdAt": Schema.dateTime, "updatedAt": Schema.dateTime,
            "version": Schema.integer,
            "contactVisibility": Schema.enumeration(["full", "masked"]),
        ]
        var inputProperties: [String: JSONValue] = [:]
        for name in [
            "kind", "name", "companyName", "creditCode", "mobile", "landline", "email", "wechatID", "province", "city",
            "address",
            "businessScope", "budgetMinWan", "budgetMaxWan", "preferredRegions", "timing", "source", "category",
            "grade", "stage",
            "lostReason", "tags", "remarks", "consentChannel", "consentNoticeVersion", "duplicateReason",
            "followUpDueAt", "followUpChannel", "followUpPurpose",
        ] {
            inputProperties[name] = text
        }
        inputProperties["industries"] = ["type": "array", "items": text]
        inputProperties["version"] = Schema.integer
        inputProperties["responsibleStaffID"] = Schema.integer
        let communication = Schema.object(
            [
                "id": Schema.nullable("integer"), "customerID": Schema.nullable("integer"),
                "staffID": Schema.nullable("integer"),
                "channel": Schema.enumeration(CommunicationChannel.allCases.map(\.rawValue)),
                "direction": Schema.enumeration(["inbound", "outbound"]),
                "occurredAt": Schema.nullable("string", format: "date-time"),
                "durationMinutes": Schema.nullable("integer"),
                "summary": text, "content": nullableText, "nextStep": nullableText,
            ], required: ["channel", "direction", "summary"])
        return [
            "Customer": Schema.object(
                customerProperties,
                required: [
                    "id", "code", "kind", "name", "industries", "timing", "source", "stage", "tags", "version",
                    "contactVisibility",
                ]),
            "CustomerInput": ["type": "object", "properties": .object(inputProperties)],
            "CustomerSummary": Schema.object(
                [
                    "id": Schema.integer, "code": text, "name": text, "companyName": nullableText,
                    "mobile": nullableText, "email": nullableText,
                    "region": nullableText, "stage": text, "grade": nullableText,
                    "responsibleStaffID": Schema.nullable("integer"),
                    "responsibleName": nullableText, "updatedAt": Schema.dateTime, "contactVisibility": text,
                ], required: ["id", "code", "name", "stage", "updatedAt", "contactVisibility"]),
            "CustomerSummaryPage": Schema.page(of: "CustomerSummary"),
            "DuplicateMatch": Schema.object(
                [
                    "id": Schema.integer, "code": text, "name": text, "companyName": nullableText,
                    "reason": Schema.enumeration(["mobile", "creditCode", "companyName"]),
                    "responsibleName": nullableText,
                ], required: ["id", "code", "name", "reason"]),
            "DuplicateMatchList": ["type": "array", "items": Schema.ref("DuplicateMatch")],
            "ReassignRequest": Schema.object(
                [
                    "customerIDs": ["type": "array", "items": Schema.integer], "toStaffID": Schema.integer,
                    "reason": text,
                    "filter": [
                        "type": "string",
                        "description":
                            "Instead of customerIDs: every file matching this list query string (at most 5,000)",
                    ],
                ], required: ["toStaffID", "reason"]),
            "ReassignResult": Schema.object(["moved": Schema.integer], required: ["moved"]),
            "RevealRequest": Schema.object(["reason": text], required: ["reason"]),
            "TimelineEntry": Schema.object(
                [
                    "id": Schema.integer, "occurredAt": Schema.dateTime, "kind": text, "recordType": text,
                    "recordID": Schema.nullable("integer"), "actorName": text,
                    "summary": ["type": "string", "description": "The stored message in the reader's language"],
                    "messageKey": [
                        "type": "string",
                        "description": "The localization key stored (timeline.legacy: text written before keys)",
                    ],
                    "messageArgs": [
                        "type": "object",
                        "description":
                            "Its arguments: a string is a value shown as is ('text' is what someone typed); {\"term\": key} a term and {\"terms\": [keys]} a list of terms, localized",
                    ],
                ],
                required: [
                    "id", "occurredAt", "kind", "recordType", "actorName", "summary", "messageKey", "messageArgs",
                ]),
            "TimelinePage": Schema.page(of: "TimelineEntry"),
            "CustomerChange": Schema.object(
                [
                    "id": Schema.integer, "changedAt": Schema.dateTime, "actorName": text, "field": text,
                    "oldValue": text, "newValue": text,
                ], required: ["id", "changedAt", "actorName", "field", "oldValue", "newValue"]),
            "CustomerChangePage": Schema.page(of: "CustomerChange"),
            "CommunicationRecord": communication,
            "CommunicationRecordPage": Schema.page(of: "CommunicationRecord"),
            "SavedFilter": Schema.object(
                ["id": Schema.nullable("integer"), "name": text, "query": text, "isBuiltIn": Schema.boolean],
                required: ["name", "query", "isBuiltIn"]),
            "SavedFilterList": Schema.array(of: "SavedFilter"),
            "SavedFilterInput": Schema.object(["name": text, "query": text], required: ["name", "query"]),
            "CustomerOverview": Schema.object(
                [
                    "customerID": Schema.integer,
                    "openFollowUps": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "dueAt": Schema.dateTime, "channel": text, "purpose": text,
                                "staffName": nullableText, "isOverdue": Schema.boolean,
                            ], required: ["id", "dueAt", "channel", "purpose", "isOverdue"]),
                    ],
                    "openFollowUpCount": Schema.nullable("integer"),
                    "promisedReplies": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "number": nullableText, "question": text,
                                "promisedBy": Schema.nullable("string", format: "date-time"),
                                "staffName": nullableText, "isOverdue": Schema.boolean,
                            ], required: ["id", "question", "isOverdue"]),
                    ],
                    "recommendations": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "projectID": Schema.integer, "projectCode": text,
                                "projectName": text, "recommendedAt": Schema.dateTime,
                                "reaction": nullableText, "reactionReason": nullableText,
                            ], required: ["id", "projectID", "projectCode", "projectName", "recommendedAt"]),
                    ],
                ], required: ["customerID"]),
        ]
    }
}
