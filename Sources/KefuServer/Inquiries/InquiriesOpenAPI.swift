import KefuDomain

/// The inquiry operations and schemas of the OpenAPI document.
extension InquiriesAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/inquiries", tag: "Inquiries",
            summary:
                "Inquiries: yours (or the team's for the supervisor and leadership); status=waiting is the public-form queue",
            parameters: OpenAPIParameters.page + [
                OpenAPIParameters.query("status", "string", "waiting | open | promised | closed"),
                OpenAPIParameters.query("scope", "string", "mine | team"),
                OpenAPIParameters.query("staff", "integer", "One person's inquiries (supervisor and leadership)"),
                OpenAPIParameters.query("due", "string", "1: promised replies due within two hours or overdue"),
            ],
            responses: [200: "InquiryPage"]),
        APIOperation(
            method: .POST, path: "/api/v1/inquiries", tag: "Inquiries",
            summary:
                "Record an inquiry: answered on the spot (closed) or a promised reply with its deadline; an existing customer or a new one (409 possible_duplicate without customer.duplicateReason)",
            requestSchema: "InquiryInput", responses: [201: "Inquiry"]),
        APIOperation(
            method: .GET, path: "/api/v1/inquiries/figures", tag: "Inquiries",
            summary: "Average response time and reply punctuality",
            parameters: [
                OpenAPIParameters.query("days", "integer", "1–365, default 30"),
                OpenAPIParameters.query("scope", "string", "mine | team"),
            ],
            responses: [200: "InquiryFigures"]),
        APIOperation(
            method: .GET, path: "/api/v1/inquiries/{id}", tag: "Inquiries", summary: "One inquiry",
            parameters: [OpenAPIParameters.id],
            responses: [200: "Inquiry"]),
        APIOperation(
            method: .POST, path: "/api/v1/inquiries/{id}/reply", tag: "Inquiries",
            summary:
                "Close an open inquiry or promised reply with the reply given (409 with the current inquiry when the version sent is stale)",
            parameters: [OpenAPIParameters.id], requestSchema: "InquiryReply", responses: [200: "Inquiry"]),
        APIOperation(
            method: .POST, path: "/api/v1/inquiries/{id}/assign", tag: "Inquiries",
            summary:
                "Give a queued public-form inquiry to a specialist (supervisor); it is filed on the customer with that mobile, or a new file",
            parameters: [OpenAPIParameters.id], requestSchema: "InquiryAssignment", responses: [200: "Inquiry"]),
        APIOperation(
            method: .POST, path: "/api/v1/public/inquiries", tag: "Inquiries",
            summary: "The public inquiry form as JSON (no sign-in; consent required; a few per address in ten minutes)",
            isPublic: true, requestSchema: "PublicInquiry", responses: [201: "InquiryReceipt"]),
        APIOperation(
            method: .POST, path: "/api/v1/inquiries/{id}/claim", tag: "Inquiries",
            summary: "Take a waiting web inquiry as your own, first come; 409 when someone claimed it first",
            parameters: [OpenAPIParameters.id], responses: [200: "Inquiry"]),
        APIOperation(
            method: .GET, path: "/api/v1/inquiries/load", tag: "Inquiries",
            summary: "Each person's open inquiries and promised replies (supervisor)",
            responses: [200: "InquiryLoadList"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"),
            nullableTime = Schema.nullable("string", format: "date-time")
        return [
            "Inquiry": Schema.object(
                [
                    "id": Schema.integer, "number": nullableText, "customerID": Schema.nullable("integer"),
                    "customerCode": nullableText,
                    "customerName": nullableText,
                    "channel": Schema.enumeration(InquiryChannel.allCases.map(\.rawValue)),
                    "receivedAt": Schema.dateTime,
                    "question": text, "needs": nullableText, "answer": nullableText, "firstAnsweredAt": nullableTime,
                    "status": Schema.enumeration(InquiryStore.Status.allCases.map(\.rawValue)),
                    "promisedBy": nullableTime,
                    "promiseState": [
                        "anyOf": [
                            Schema.enumeration(["open", "due_soon", "overdue", "replied_on_time", "replied_late"]),
                            ["type": "null"],
                        ]
                    ],
                    "repliedAt": nullableTime, "reply": nullableText, "staffID": Schema.nullable("integer"),
                    "staffName": nullableText,
                    "visitorName": nullableText, "visitorMobile": nullableText, "visitorCompany": nullableText,
                    "visitorIntent": nullableText, "version": Schema.integer,
                ], required: ["id", "channel", "receivedAt", "question", "status", "version"]),
            "InquiryPage": Schema.page(of: "Inquiry"),
            "InquiryInput": [
                "type": "object",
                "properties": [
                    "customerID": Schema.nullable("integer"),
                    "customer": [
                        "anyOf": [
                            Schema.object(
                                [
                                    "name": nullableText, "mobile": nullableText, "companyName": nullableText,
                                    "duplicateReason": nullableText,
                                    "consentChannel": nullableText, "industry": nullableText,
                                    "budgetMinWan": nullableText,
                                    "budgetMaxWan": nullableText, "province": nullableText, "city": nullableText,
                                    "timing": nullableText,
                                ], required: []),
                            ["type": "null"],
                        ]
                    ],
                    "channel": Schema.enumeration(InquiryChannel.allCases.map(\.rawValue)),
                    "receivedAt": [
                        "type": ["string", "null"],
                        "description": "ISO 8601 or yyyy-MM-dd HH:mm (China time); default now",
                    ],
                    "question": text, "needs": nullableText, "answer": nullableText,
                    "answeredOnTheSpot": Schema.nullable("boolean"),
                    "promisedBy": [
                        "type": ["string", "null"],
                        "description": "The deadline told to the customer, when not answered on the spot",
                    ],
                    "nextStep": [
                        "type": ["string", "null"],
                        "description": "The agreed next step: planned as the customer's follow-up, with nextStepDueAt",
                    ],
                    "nextStepDueAt": [
                        "type": ["string", "null"],
                        "description": "When the next step is due (ISO 8601 or yyyy-MM-ddTHH:mm, China time)",
                    ],
                    "nextStepChannel": Schema.nullable("string"),
                ], "required": ["channel", "question"],
            ],
            "InquiryReply": Schema.object(
                ["reply": text, "version": ["type": "integer", "description": "The version read; 409 when stale"]],
                required: ["reply"]),
            "InquiryLoad": Schema.object(
                ["staffID": Schema.integer, "staffName": text, "open": Schema.integer, "promised": Schema.integer],
                required: ["staffID", "staffName", "open", "promised"]),
            "InquiryLoadList": Schema.array(of: "InquiryLoad"),
            "InquiryAssignment": Schema.object(["staffID": Schema.integer], required: ["staffID"]),
            "InquiryFigures": Schema.object(
                [
                    "since": Schema.dateTime, "answered": Schema.integer,
                    "averageResponseMinutes": Schema.nullable("integer"),
                    "promisedReplied": Schema.integer, "promisedOnTime": Schema.integer,
                    "punctualityRate": Schema.nullable("number"),
                ], required: ["since", "answered", "promisedReplied", "promisedOnTime"]),
            "PublicInquiry": Schema.object(
                [
                    "name": text, "mobile": text, "company": nullableText,
                    "intent": ["anyOf": [Schema.enumeration(CustomerVocabulary.industries), ["type": "null"]]],
                    "question": text,
                    "consent": [
                        "type": "string", "description": "\"true\" or \"on\": the visitor agrees to the privacy notice",
                    ],
                    "website": ["type": ["string", "null"], "description": "Leave empty"],
                ], required: ["name", "mobile", "question", "consent"]),
            "InquiryReceipt": Schema.object(["number": text], required: ["number"]),
        ]
    }
}
