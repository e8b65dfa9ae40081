import KefuDomain

/// The contract operations and schemas of the OpenAPI document.
extension ContractsAPIController {
    static let operations: [APIOperation] = {
        let id = OpenAPIParameters.id
        func path(_ name: String) -> JSONValue {
            ["name": .string(name), "in": "path", "required": true, "schema": ["type": "integer"]]
        }
        return [
            APIOperation(
                method: .GET, path: "/api/v1/contracts", tag: "Contracts",
                summary:
                    "Contracts, most recently changed first: yours, the team's (supervisor, leadership), or those forwarded to your department (法务部 liaison)",
                parameters: OpenAPIParameters.page + [
                    OpenAPIParameters.query(
                        "state", "string", ContractState.allCases.map(\.rawValue).joined(separator: " | ")),
                    OpenAPIParameters.query("project", "integer", "One project's contracts"),
                    OpenAPIParameters.query(
                        "specialist", "integer", "One specialist's contracts (supervisor, leadership)"),
                    OpenAPIParameters.query("scope", "string", "mine | team"),
                    OpenAPIParameters.query("overdue", "string", "1: only contracts with an overdue obligation"),
                ], responses: [200: "ContractPage"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts", tag: "Contracts",
                summary:
                    "Draft a contract for a customer: the checklist and clauses come from its type's template; the payment plan must add up to the amount",
                requestSchema: "ContractInput", responses: [201: "Contract"]),
            APIOperation(
                method: .GET, path: "/api/v1/contracts/{id}", tag: "Contracts",
                summary:
                    "One contract: state, what is needed next, checklist, clauses, questions, review, signing, files",
                parameters: [id],
                responses: [200: "Contract"]),
            APIOperation(
                method: .PATCH, path: "/api/v1/contracts/{id}", tag: "Contracts",
                summary:
                    "Change the terms (title, amount, payment plan, parties) until the 法务部 passes them, not while a review is pending; terms the customer confirmed must be confirmed again",
                parameters: [id], requestSchema: "ContractTermsInput", responses: [200: "Contract"]),
            APIOperation(
                method: .PATCH, path: "/api/v1/contracts/{id}/checklist/{itemID}", tag: "Contracts",
                summary:
                    "Mark a document received, missing or rejected (with the reason) while the contract is a draft",
                parameters: [id, path("itemID")], requestSchema: "ContractDocumentMark", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/checklist/{itemID}/files", tag: "Contracts",
                summary:
                    "Upload a scan of a document (PDF, JPG, PNG or DOCX up to 20 MB; the content must match the extension)",
                parameters: [id, path("itemID")], requestSchema: "ContractUpload",
                requestContentType: "multipart/form-data",
                responses: [201: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/clauses/{clauseID}/explanation", tag: "Contracts",
                summary: "Record that a clause was explained to the customer (documents complete first)",
                parameters: [id, path("clauseID")], requestSchema: "ContractExplanation", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/questions", tag: "Contracts",
                summary: "Record a question the customer asked about the contract and the answer given",
                parameters: [id],
                requestSchema: "ContractQuestionInput", responses: [201: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/terms-confirmation", tag: "Contracts",
                summary: "Record the customer's confirmation of the terms, once every clause was explained",
                parameters: [id],
                requestSchema: "ContractConfirmation", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/transitions", tag: "Contracts",
                summary:
                    "Move the contract one state on (documents_complete, terms_explained, in_execution, completed) or cancel it with a reason; a refusal says why",
                parameters: [id], requestSchema: "ContractTransition", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/forwarding", tag: "Contracts",
                summary: "Forward the contract to the 法务部 for legal review", parameters: [id],
                requestSchema: "ContractVersion",
                responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/review", tag: "Contracts",
                summary: "The 法务部 liaison approves the contract or returns it with comments", parameters: [id],
                requestSchema: "ContractReview", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/signing", tag: "Contracts",
                summary: "Record the signing (day, place, signatories); the customer moves to the signed stage",
                parameters: [id],
                requestSchema: "ContractSigning", responses: [200: "Contract"]),
            APIOperation(
                method: .POST, path: "/api/v1/contracts/{id}/signed-files", tag: "Contracts",
                summary: "Upload the signed contract (PDF, JPG, PNG or DOCX up to 20 MB)", parameters: [id],
                requestSchema: "ContractUpload", requestContentType: "multipart/form-data", responses: [201: "Contract"]
            ),
            APIOperation(
                method: .GET, path: "/api/v1/contracts/{id}/files/{fileID}", tag: "Contracts",
                summary: "Download a scan or the signed file (audited)", parameters: [id, path("fileID")],
                responses: [200: nil]),
            APIOperation(
                method: .GET, path: "/api/v1/customers/{id}/contracts", tag: "Contracts",
                summary: "A customer's contracts",
                parameters: [id], responses: [200: "ContractList"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"),
            nullableTime = Schema.nullable("string", format: "date-time")
        let version: JSONValue = ["type": "integer", "description": "The version read; a stale one answers 409"]
        let file = Schema.object(
            [
                "id": Schema.integer, "fileName": text, "byteCount": Schema.integer, "sha256": text,
                "uploadedAt": Schema.dateTime,
                "uploadedBy": nullableText,
            ], required: ["id", "fileName", "byteCount", "sha256", "uploadedAt"])
        let typeCode: JSONValue = [
            "type": "string", "maxLength": 40,
            "description":
                "A type code: a built-in (investment_agreement, lease, franchise, other) or one the supervisor added (GET /contract-templates)",
        ]
        let installment: JSONValue = Schema.object(
            [
                "label": text, "amountWan": ["type": "string", "description": "万元, up to 4 decimals"],
                "dueOn": ["type": ["string", "null"], "format": "date"],
            ], required: ["label", "amountWan"])
        return [
            "ContractListItem": Schema.object(
                [
                    "id": Schema.integer, "number": text, "customerID": Schema.integer, "customerName": text,
                    "projectName": nullableText,
                    "type": typeCode, "title": text, "amountWan": text, "staffName": nullableText,
                    "state": Schema.enumeration(ContractState.allCases.map(\.rawValue)),
                    "reviewStatus": Schema.enumeration(LegalReviewStatus.allCases.map(\.rawValue)),
                    "overdueObligations": Schema.integer, "updatedAt": Schema.dateTime,
                ],
                required: [
                    "id", "number", "customerID", "customerName", "type", "title", "amountWan", "state", "reviewStatus",
                    "overdueObligations", "updatedAt",
                ]),
            "ContractPage": Schema.page(of: "ContractListItem"),
            "ContractList": ["type": "array", "items": Schema.ref("ContractListItem")],
            "Contract": Schema.object(
                [
                    "id": Schema.integer, "number": ["type": "string", "description": "HT-YYYY-000123, never reused"],
                    "customerID": Schema.integer,
                    "customerCode": text, "customerName": text, "projectID": Schema.nullable("integer"),
                    "projectName": nullableText,
                    "projectVersion": [
                        "type": ["integer", "null"],
                        "description": "The version of the project's facts the terms were based on",
                    ],
                    "type": typeCode, "title": text, "amountWan": text,
                    "paymentPlan": ["type": "array", "items": installment], "parties": text,
                    "staffID": Schema.nullable("integer"), "staffName": nullableText,
                    "state": Schema.enumeration(ContractState.allCases.map(\.rawValue)),
                    "stateChangedAt": Schema.dateTime, "cancelReason": nullableText,
                    "nextNeeds": ["type": "array", "items": text], "missingDocumentsText": nullableText,
                    "checklist": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "code": text, "name": text, "isRequired": Schema.boolean,
                                "status": Schema.enumeration(ChecklistStatus.allCases.map(\.rawValue)),
                                "reason": nullableText, "version": Schema.integer,
                                "files": ["type": "array", "items": file],
                            ], required: ["id", "code", "name", "isRequired", "status", "version", "files"]),
                    ],
                    "clauses": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "code": text, "title": text, "explainedAt": nullableTime,
                                "explainedBy": nullableText, "note": nullableText,
                            ], required: ["id", "code", "title"]),
                    ],
                    "questions": [
                        "type": "array",
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "clauseID": Schema.nullable("integer"), "question": text,
                                "answer": nullableText, "askedAt": Schema.dateTime,
                                "recordedBy": nullableText,
                            ], required: ["id", "question", "askedAt"]),
                    ],
                    "termsConfirmedAt": nullableTime, "termsConfirmation": nullableText,
                    "review": Schema.object(
                        [
                            "status": Schema.enumeration(LegalReviewStatus.allCases.map(\.rawValue)),
                            "forwardedAt": nullableTime,
                            "answeredAt": nullableTime, "reviewer": nullableText, "comment": nullableText,
                        ], required: ["status"]),
                    "signing": [
                        "anyOf": [
                            Schema.object(
                                ["signedOn": text, "place": text, "signatories": text],
                                required: ["signedOn", "place", "signatories"]),
                            ["type": "null"],
                        ]
                    ],
                    "signedFiles": ["type": "array", "items": file], "obligations": Schema.array(of: "Obligation"),
                    "createdAt": Schema.dateTime, "updatedAt": Schema.dateTime, "version": Schema.integer,
                ],
                required: [
                    "id", "number", "customerID", "customerCode", "customerName", "type", "title", "amountWan",
                    "paymentPlan", "parties", "state",
                    "stateChangedAt", "nextNeeds", "checklist", "clauses", "questions", "review", "signedFiles",
                    "obligations", "createdAt", "updatedAt", "version",
                ]),
            "ContractInput": Schema.object(
                [
                    "customerID": Schema.integer, "projectID": Schema.nullable("integer"), "type": typeCode,
                    "title": text, "amountWan": ["type": "string", "description": "万元, up to 4 decimals"],
                    "paymentPlan": ["type": ["array", "null"], "items": installment], "parties": nullableText,
                ], required: ["customerID", "type", "title", "amountWan"]),
            "ContractTermsInput": Schema.object(
                [
                    "title": text, "amountWan": ["type": "string", "description": "万元, up to 4 decimals"],
                    "paymentPlan": ["type": ["array", "null"], "items": installment], "parties": nullableText,
                    "version": version,
                ], required: ["title", "amountWan", "version"]),
            "ContractDocumentMark": Schema.object(
                [
                    "status": Schema.enumeration(ChecklistStatus.allCases.map(\.rawValue)),
                    "reason": ["type": ["string", "null"], "description": "Required when rejected"], "version": version,
                ],
                required: ["status", "version"]),
            "ContractUpload": Schema.object(["file": ["type": "string", "format": "binary"]], required: ["file"]),
            "ContractExplanation": Schema.object(["note": nullableText], required: []),
            "ContractQuestionInput": Schema.object(
                ["clauseID": Schema.nullable("integer"), "question": text, "answer": nullableText],
                required: ["question"]),
            "ContractConfirmation": Schema.object(["note": nullableText, "version": version], required: ["version"]),
            "ContractTransition": Schema.object(
                [
                    "to": Schema.enumeration(ContractState.allCases.map(\.rawValue)),
                    "reason": ["type": ["string", "null"], "description": "Required to cancel"], "version": version,
                ],
                required: ["to", "version"]),
            "ContractVersion": Schema.object(["version": version], required: ["version"]),
            "ContractReview": Schema.object(
                [
                    "decision": Schema.enumeration(["approve", "return"]),
                    "comment": ["type": ["string", "null"], "description": "Required to return"], "version": version,
                ],
                required: ["decision", "version"]),
            "ContractSigning": Schema.object(
                [
                    "signedOn": ["type": "string", "format": "date"], "place": text, "signatories": text,
                    "version": version,
                ],
                required: ["signedOn", "place", "signatories", "version"]),
        ]
    }
}
