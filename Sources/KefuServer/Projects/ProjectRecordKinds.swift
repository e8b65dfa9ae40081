import Fluent
import KefuDomain

/// Investment projects (R3.2): the catalog belongs to no customer and holds no personal data.
enum ProjectKind: LoadableRecordKind {
    static let recordType = "project", table = "projects"

    static func load(_ id: Int, on database: any Database) async throws -> (record: ProjectRecord, facts: RecordFacts)?
    {
        try await ProjectStore(database: database).find(id).map { ($0, RecordFacts()) }
    }
}

/// A project recommended to a customer (R3.2): the reaction stays for the project's figures, the
/// free text that may name the person does not.
enum RecommendationKind: RecordKind {
    static let recordType = "recommendation", table = "recommendations"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("material", .empty), .init("reaction_reason", .markerIfPresent)]
}
