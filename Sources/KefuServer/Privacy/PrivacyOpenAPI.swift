import KefuDomain

/// The privacy operations and schemas of the OpenAPI document.
extension PrivacyAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/consents", tag: "Privacy",
            summary: "Consent events, newest first",
            parameters: [OpenAPIParameters.id], responses: [200: "ConsentList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/consents", tag: "Privacy",
            summary: "Record a grant or withdrawal of consent for a purpose",
            parameters: [OpenAPIParameters.id], requestSchema: "Consent", responses: [201: "Consent"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/sharing-requests", tag: "Privacy",
            summary: "Requests to share this customer's data",
            parameters: [OpenAPIParameters.id], responses: [200: "SharingRequestList"]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/sharing-requests", tag: "Privacy",
            summary: "Ask to share named fields with a recipient (needs consent for the purpose)",
            parameters: [OpenAPIParameters.id], requestSchema: "SharingRequest", responses: [201: "SharingRequest"]),
        APIOperation(
            method: .GET, path: "/api/v1/sharing-requests", tag: "Privacy",
            summary: "Pending sharing requests (supervisor)", responses: [200: "SharingRequestList"]),
        APIOperation(
            method: .POST, path: "/api/v1/sharing-requests/{id}/approve", tag: "Privacy",
            summary: "Approve and release exactly the requested fields",
            parameters: [OpenAPIParameters.id], requestSchema: "SharingDecision", responses: [200: "SharingRequest"]),
        APIOperation(
            method: .POST, path: "/api/v1/sharing-requests/{id}/reject", tag: "Privacy",
            summary: "Reject a sharing request",
            parameters: [OpenAPIParameters.id], requestSchema: "SharingDecision", responses: [200: "SharingRequest"]),
        APIOperation(
            method: .GET, path: "/api/v1/sharing-requests/{id}/release", tag: "Privacy",
            summary: "The released file (requester or supervisor; audited)",
            parameters: [OpenAPIParameters.id], responses: [200: nil]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/merge", tag: "Customers",
            summary: "Merge another file of the same customer into this one (supervisor)",
            parameters: [OpenAPIParameters.id], requestSchema: "MergeRequest", responses: [200: "Customer"]),
        APIOperation(
            method: .GET, path: "/api/v1/customers/{id}/data-copy", tag: "Privacy",
            summary: "All data held about the customer (PIPL), JSON or ?format=csv",
            parameters: [OpenAPIParameters.id, OpenAPIParameters.query("format", "string", "json | csv")],
            responses: [200: nil]),
        APIOperation(
            method: .POST, path: "/api/v1/customers/{id}/anonymize", tag: "Privacy",
            summary: "Remove the customer's personal data everywhere (PIPL)",
            parameters: [OpenAPIParameters.id], requestSchema: "AnonymizeRequest", responses: [200: "Customer"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        return [
            "Consent": Schema.object(
                [
                    "id": Schema.nullable("integer"),
                    "purpose": Schema.enumeration(ConsentPurpose.allCases.map(\.rawValue)),
                    "status": Schema.enumeration(ConsentStatus.allCases.map(\.rawValue)),
                    "effectiveAt": Schema.nullable("string", format: "date-time"),
                    "channel": Schema.enumeration(CustomerVocabulary.consentChannels), "evidence": nullableText,
                    "noticeVersion": nullableText,
                    "recordedAt": Schema.nullable("string", format: "date-time"), "actorName": nullableText,
                ], required: ["purpose", "status", "channel"]),
            "ConsentList": Schema.object(["items": Schema.array(of: "Consent")], required: ["items"]),
            "SharingRequest": Schema.object(
                [
                    "id": Schema.nullable("integer"), "customerID": Schema.nullable("integer"), "recipient": text,
                    "purpose": Schema.enumeration(ConsentPurpose.sharing.map(\.rawValue)),
                    "fields": ["type": "array", "items": Schema.enumeration(SharingRules.shareableFields)],
                    "note": nullableText,
                    "status": nullableText, "requestedAt": Schema.nullable("string", format: "date-time"),
                    "decidedAt": Schema.nullable("string", format: "date-time"), "decisionNote": nullableText,
                    "version": Schema.nullable("integer"),
                ], required: ["recipient", "purpose", "fields"]),
            "SharingRequestList": Schema.object(["items": Schema.array(of: "SharingRequest")], required: ["items"]),
            "SharingDecision": Schema.object(["version": Schema.integer, "note": text], required: ["version"]),
            "MergeRequest": Schema.object(
                [
                    "duplicateID": Schema.integer, "version": Schema.integer, "duplicateVersion": Schema.integer,
                    "reason": text,
                ],
                required: ["duplicateID", "version", "duplicateVersion", "reason"]),
            "AnonymizeRequest": Schema.object(["reason": text], required: ["reason"]),
        ]
    }
}
