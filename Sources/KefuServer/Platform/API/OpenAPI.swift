import Vapor

/// One operation of the JSON API as the OpenAPI document describes it. Each API controller lists its
/// operations beside its routes; a test fails when a route under `/api/v1` has no operation here.
struct APIOperation: Sendable {
    var method: HTTPMethod
    /// The OpenAPI path, with `{name}` parameters: `/api/v1/staff/{id}`.
    var path: String
    var tag: String
    var summary: String
    var isPublic: Bool = false
    var parameters: [JSONValue] = []
    var requestSchema: String?
    var requestContentType = "application/json"
    /// Status code → schema component name (nil: no body).
    var responses: [Int: String?] = [200: nil]

    /// The Vapor route path for the same operation (`:id` for `{id}`), for matching routes.
    var routePath: String {
        "/"
            + path.split(separator: "/").map { part in
                part.hasPrefix("{") ? ":" + part.dropFirst().dropLast() : String(part)
            }.joined(separator: "/")
    }
}

enum OpenAPIParameters {
    static let id: JSONValue = ["name": "id", "in": "path", "required": true, "schema": ["type": "integer"]]
    static let page: [JSONValue] = [
        [
            "name": "page", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 100_000],
            "description": "1-based page number; outside 1–100000 the answer is 400 invalid_query",
        ],
        ["name": "perPage", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 100]],
    ]

    static func query(_ name: String, _ type: String = "string", _ description: String = "") -> JSONValue {
        ["name": .string(name), "in": "query", "schema": ["type": .string(type)], "description": .string(description)]
    }
}

/// Builds the OpenAPI 3.1 document from the operations and schemas every part contributes.
struct OpenAPIDocumentBuilder {
    var operations: [APIOperation]
    var schemas: [String: JSONValue]

    static let errorResponses: [Int: String] = [
        400: "Malformed request", 401: "Not signed in or invalid token", 403: "Not allowed", 404: "Not found",
        409: "Edited by someone else", 413: "Body too large", 422: "Invalid fields", 429: "Too many attempts",
    ]

    func build() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for operation in operations {
            var entry = paths[operation.path]?.objectValue ?? [:]
            entry[operation.method.rawValue.lowercased()] = describe(operation)
            paths[operation.path] = .object(entry)
        }
        var allSchemas = schemas
        let errorDetail: JSONValue = [
            "type": "object", "required": ["code", "message", "fields"],
            "properties": [
                "code": ["type": "string", "description": "Stable machine-readable code"],
                "message": ["type": "string", "description": "Message in the caller's language"],
                "fields": [
                    "type": "object", "additionalProperties": ["type": "string"],
                    "description": "Field → message",
                ],
            ],
        ]
        allSchemas["Error"] = ["type": "object", "required": ["error"], "properties": ["error": errorDetail]]
        // The one conflict shape (S6): the error, and the record as it is now when the caller may read it.
        allSchemas["Conflict"] = [
            "type": "object", "required": ["error"],
            "properties": [
                "error": errorDetail,
                "current": [
                    "type": "object",
                    "description":
                        "The record as it is now, in the shape its GET answers (absent when a conflict is not about one record's version, e.g. possible_duplicate)",
                ],
            ],
        ]
        allSchemas["PageInfo"] = [
            "type": "object", "required": ["number", "size", "totalItems", "totalPages"],
            "properties": [
                "number": ["type": "integer"], "size": ["type": "integer"],
                "totalItems": ["type": "integer"], "totalPages": ["type": "integer"],
                "totalIsCapped": [
                    "type": "boolean",
                    "description": "More matches exist than totalItems (long lists count up to a cap)",
                ],
            ],
        ]
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Kefu API",
                "version": "1.0.0",
                "description":
                    "客服部管理系统 JSON API. Authenticate with a personal token: `Authorization: Bearer kefu_…` (create one on your profile page or with POST /api/v1/auth/tokens). Lists are paged with `page` and `perPage` and answer `{items, page}`. Errors answer `{error: {code, message, fields}}`. Updates carry the record's `version`; a stale version answers 409.",
            ],
            "servers": [["url": "/"]],
            "security": [["bearerToken": []]],
            "paths": .object(paths),
            "components": [
                "securitySchemes": ["bearerToken": ["type": "http", "scheme": "bearer"]],
                "schemas": .object(allSchemas),
                "responses": [
                    "Conflict": [
                        "description":
                            "Edited by someone else: nothing was changed; `current` is the record as saved now, to show and to send again on its version",
                        "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Conflict"]]],
                    ]
                ],
            ],
        ]
    }

    private func describe(_ operation: APIOperation) -> JSONValue {
        var responses: [String: JSONValue] = [:]
        for (status, schema) in operation.responses {
            var response: [String: JSONValue] = ["description": status == 204 ? "No content" : "Success"]
            if let schema {
                response["content"] = [
                    "application/json": ["schema": ["$ref": .string("#/components/schemas/\(schema)")]]
                ]
            }
            responses[String(status)] = .object(response)
        }
        for (status, description) in Self.errorResponses {
            if operation.isPublic, status == 403 { continue }
            if status == 409 {
                responses["409"] = ["$ref": "#/components/responses/Conflict"]
                continue
            }
            responses[String(status)] = [
                "description": .string(description),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        let operationID =
            operation.method.rawValue.lowercased()
            + operation.path
            .split(separator: "/").dropFirst(2)
            .map {
                $0.hasPrefix("{")
                    ? "By" + $0.dropFirst().dropLast().capitalized
                    : $0.split(separator: "-").map(\.capitalized).joined()
            }
            .joined()
        var entry: [String: JSONValue] = [
            "tags": [.string(operation.tag)],
            "summary": .string(operation.summary),
            "operationId": .string(operationID),
            "responses": .object(responses),
        ]
        if !operation.parameters.isEmpty { entry["parameters"] = .array(operation.parameters) }
        if let schema = operation.requestSchema {
            entry["requestBody"] = [
                "required": true,
                "content": .object([
                    operation.requestContentType: ["schema": ["$ref": .string("#/components/schemas/\(schema)")]]
                ]),
            ]
        }
        if operation.isPublic { entry["security"] = [] }
        return .object(entry)
    }
}

/// JSON Schema shorthands for the components.
enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) })]
    }
    static let string: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static func nullable(_ type: String, format: String? = nil) -> JSONValue {
        var value: [String: JSONValue] = ["type": [.string(type), "null"]]
        if let format { value["format"] = .string(format) }
        return .object(value)
    }
    static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static func array(of name: String) -> JSONValue { ["type": "array", "items": ref(name)] }
    /// The page shape: `{items: [...], page: PageInfo}`.
    static func page(of name: String) -> JSONValue {
        object(["items": array(of: name), "page": ref("PageInfo")], required: ["items", "page"])
    }
}
