import Fluent
import KefuDomain
import Vapor

/// Investment projects (R3.2): the catalog belongs to no customer and holds no personal data.
enum ProjectKind: LoadableRecordKind {
    static let recordType = "project", table = "projects"
    static var row: RecordRow? { .decoded(ProjectStore.Row.self) }
    static let tracked = ["code", "name", "type", "status", "city", "investment_min_yuan", "investment_max_yuan"]
    static let conflictMessageKey = "error.conflict.project"

    static func load(_ id: Int, on database: any Database) async throws -> (record: ProjectRecord, facts: RecordFacts)?
    {
        try await ProjectStore(database: database).find(id).map { ($0, RecordFacts()) }
    }
}

/// A project recommended to a customer (R3.2): the reaction stays for the project's figures, the
/// free text that may name the person does not.
enum RecommendationKind: RecordKind {
    static let recordType = "recommendation", table = "recommendations"
    static var row: RecordRow? {
        .decoded(RecommendationStore.Row.self, fromElsewhere: ["project_code", "project_name", "staff_name"])
    }
    static let createdColumn = "recommended_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("material", .empty), .init("reaction_reason", .markerIfPresent)]
}

extension ProjectKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ProjectDTO? {
        let store = ProjectStore(database: request.db)
        guard let record = try await store.find(id) else { return nil }
        return ProjectDTO(record, statistics: try await store.statistics(of: id))
    }
}
