import Fluent
import KefuDomain
import Vapor

/// A quality inspection of one record (R2.2, R6.5): the specialist it concerns sees it, the
/// supervisor the team's, leadership all.
enum InspectionKind: LoadableRecordKind {
    static let recordType = "inspection", table = "inspections"
    static var row: RecordRow? {
        .decoded(
            InspectionStore.Row.self,
            fromElsewhere: [
                "customer_id", "phrases_found", "record_at", "record_channel", "record_content", "record_duration",
                "record_summary", "scored_by_name", "staff_name",
            ])
    }
    static let tracked = ["status", "score", "comment", "dispute_reason", "answer"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: InspectionStore.Row, facts: RecordFacts
    )? {
        try await InspectionStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension InspectionKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> InspectionsAPIController.InspectionDTO? {
        try await InspectionStore(database: request.db).find(id).map(InspectionsAPIController.dto)
    }
}

/// The department's inspection checklist and phrases to avoid.
enum InspectionSettingsKind: RecordKind {
    static let recordType = "inspection_settings", table = "inspection_settings"
    static let tracked = ["checklist", "phrases"]
}

/// The phrases to avoid marked in a communication record (part of it: they go with it).
enum CommunicationPhraseMarkKind: RecordKind {
    static let recordType = "communication_phrase_mark", table = "communication_phrase_marks"
    static let isAppendOnly = true
    static var owner: RecordOwner? { RecordOwner(kind: CommunicationKind.self, column: "communication_record_id") }
}
