import Vapor

/// Serves the one OpenAPI document of the JSON API (S3), and a readable page of it.
struct OpenAPIController: RouteCollection {
    /// Every part's operations and schemas, gathered by the app's wiring (`App/APIDocumentation.swift`):
    /// Platform serves the document without naming the parts.
    let document: OpenAPIDocumentBuilder

    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/openapi.json", tag: "Meta", summary: "This document", isPublic: true,
            responses: [200: nil])
    ]

    struct DocsPage: Encodable {
        struct Operation: Encodable { var method: String; var path: String; var summary: String; var isPublic: Bool }
        struct Group: Encodable { var tag: String; var operations: [Operation] }
        var groups: [Group]
    }

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.open()
        open.get("api", "v1", "openapi.json", use: json)
        open.get("api", "docs", use: page)
    }

    @Sendable func json(req: Request) async throws -> Response {
        let response = Response(status: .ok)
        try response.content.encode(document.build(), as: .json)
        return response
    }

    @Sendable func page(req: Request) async throws -> Response {
        let operations = document.operations
        let tags = operations.reduce(into: [String]()) { tags, operation in
            if !tags.contains(operation.tag) { tags.append(operation.tag) }
        }
        let page = DocsPage(
            groups: tags.map { tag in
                .init(
                    tag: req.words.label("api.tag", tag),
                    operations: operations.filter { $0.tag == tag }.map {
                        .init(method: $0.method.rawValue, path: $0.path, summary: $0.summary, isPublic: $0.isPublic)
                    })
            })
        return try await req.renderPage("api/docs", titleKey: "api.title", page)
    }
}
