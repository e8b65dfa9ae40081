import KefuDomain

/// The obligation and payment operations and schemas of the OpenAPI document.
extension ObligationsAPIController {
    static let operations: [APIOperation] = {
        let id = OpenAPIParameters.id
        let view = OpenAPIParameters.query(
            "view", "string", "overdue | week (open and due by Sunday, overdue included) | open")
        return [
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/obligations", tag: "Contracts",
                summary: "Add an obligation to a contract (a payment with its amount; not due before the signing day)",
                parameters: [id], requestSchema: "ObligationInput", responses: [201: "Obligation"]),
            APIOperation(
                method: .GET, path: "/api/v1/obligations", tag: "Contracts",
                summary:
                    "Open obligations, earliest due first, a page at a time (page, perPage ≤ 100, 20 by default): yours, or the team's (supervisor, leadership)",
                parameters: OpenAPIParameters.page + [
                    view, OpenAPIParameters.query("scope", "string", "mine | team"),
                    OpenAPIParameters.query("staff", "integer", "One person's"),
                ],
                responses: [200: "ObligationList"]),
            APIOperation(
                method: .POST, path: "/api/v1/obligations/{id}/fulfilment", tag: "Contracts",
                summary: "Mark an obligation fulfilled (payments are marked received by the 财务部)", parameters: [id],
                requestSchema: "ObligationVersion", responses: [200: "Obligation"]),
            APIOperation(
                method: .POST, path: "/api/v1/obligations/{id}/notices", tag: "Contracts",
                summary: "Log a reminder given to the customer about an obligation: channel and what was said",
                parameters: [id],
                requestSchema: "ObligationNotice", responses: [201: "Obligation"]),
            APIOperation(
                method: .GET, path: "/api/v1/payments", tag: "Contracts",
                summary:
                    "Payments due under contracts, a page at a time; a 财务部 liaison sees those of their department only",
                parameters: OpenAPIParameters.page + [view],
                responses: [200: "ObligationList"]),
            APIOperation(
                method: .POST, path: "/api/v1/payments/{id}/receipt", tag: "Contracts",
                summary: "The 财务部 marks a payment received",
                parameters: [id], requestSchema: "ObligationVersion", responses: [200: "Obligation"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        return [
            "Obligation": Schema.object(
                [
                    "id": Schema.integer, "contractID": Schema.integer, "contractNumber": text,
                    "customerID": Schema.integer, "customerName": text,
                    "kind": Schema.enumeration(ObligationKind.allCases.map(\.rawValue)),
                    "party": Schema.enumeration(ObligationParty.allCases.map(\.rawValue)),
                    "title": text, "dueOn": ["type": "string", "format": "date"], "amountWan": nullableText,
                    "remindDaysBefore": Schema.integer,
                    "staffID": Schema.nullable("integer"), "staffName": nullableText, "isOverdue": Schema.boolean,
                    "doneAt": Schema.nullable("string", format: "date-time"), "doneBy": nullableText,
                    "version": Schema.integer,
                ],
                required: [
                    "id", "contractID", "contractNumber", "customerID", "customerName", "kind", "party", "title",
                    "dueOn", "remindDaysBefore",
                    "isOverdue", "version",
                ]),
            "ObligationList": ["type": "array", "items": Schema.ref("Obligation")],
            "ObligationInput": Schema.object(
                [
                    "kind": Schema.enumeration(ObligationKind.allCases.map(\.rawValue)),
                    "party": Schema.enumeration(ObligationParty.allCases.map(\.rawValue)),
                    "title": text, "dueOn": ["type": "string", "format": "date"],
                    "amountWan": ["type": ["string", "null"], "description": "万元; payments only"],
                    "remindDaysBefore": [
                        "type": ["integer", "null"], "minimum": 0, "maximum": 90, "description": "Default 7",
                    ],
                    "staffID": [
                        "type": ["integer", "null"],
                        "description": "Who is responsible; default the contract's specialist",
                    ],
                ], required: ["kind", "party", "title", "dueOn"]),
            "ObligationVersion": Schema.object(["version": Schema.integer], required: ["version"]),
            "ObligationNotice": Schema.object(
                ["channel": Schema.enumeration(FollowUpChannel.allCases.map(\.rawValue)), "content": text],
                required: ["channel", "content"]),
        ]
    }
}
