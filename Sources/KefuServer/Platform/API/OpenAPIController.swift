import Vapor

/// Serves the one OpenAPI document of the JSON API (S3), and a readable page of it.
struct OpenAPIController: RouteCollection {
    /// Every part's operations and schemas; a part adds its controller here.
    static var document: OpenAPIDocumentBuilder {
        OpenAPIDocumentBuilder(
            operations: AuthAPIController.operations + StaffAPIController.operations + DepartmentsController.operations
                + AuditController.operations + CustomersAPIController.operations + PrivacyAPIController.operations
                + CustomerImportAPIController.operations + ProjectsAPIController.operations + RecommendationsAPIController.operations
                + InquiriesAPIController.operations
                + FollowUpsAPIController.operations + NotificationsAPIController.operations + ContractsAPIController.operations
                + ObligationsAPIController.operations + ProceduresAPIController.operations + operations,
            schemas: AuthAPIController.schemas.merging(StaffAPIController.schemas) { $1 }
                .merging(DepartmentsController.schemas) { $1 }.merging(AuditController.schemas) { $1 }
                .merging(CustomersAPIController.schemas) { $1 }.merging(PrivacyAPIController.schemas) { $1 }
                .merging(CustomerImportAPIController.schemas) { $1 }.merging(ProjectsAPIController.schemas) { $1 }.merging(InquiriesAPIController.schemas) { $1 }
                .merging(RecommendationsAPIController.schemas) { $1 }.merging(FollowUpsAPIController.schemas) { $1 }
                .merging(NotificationsAPIController.schemas) { $1 }.merging(ContractsAPIController.schemas) { $1 }
                .merging(ObligationsAPIController.schemas) { $1 }.merging(ProceduresAPIController.schemas) { $1 }
        )
    }

    static let operations: [APIOperation] = [
        APIOperation(method: .GET, path: "/api/v1/openapi.json", tag: "Meta", summary: "This document", isPublic: true, responses: [200: nil]),
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
        try response.content.encode(Self.document.build(), as: .json)
        return response
    }

    @Sendable func page(req: Request) async throws -> Response {
        let operations = Self.document.operations
        let tags = operations.reduce(into: [String]()) { tags, operation in
            if !tags.contains(operation.tag) { tags.append(operation.tag) }
        }
        let page = DocsPage(groups: tags.map { tag in
            .init(tag: tag, operations: operations.filter { $0.tag == tag }.map {
                .init(method: $0.method.rawValue, path: $0.path, summary: $0.summary, isPublic: $0.isPublic)
            })
        })
        return try await req.renderPage("api/docs", titleKey: "api.title", page)
    }
}
