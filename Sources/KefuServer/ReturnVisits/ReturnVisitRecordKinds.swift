import Fluent
import KefuDomain
import Vapor

/// A return visit (回访): it belongs to its customer; what was noted is personal.
enum ReturnVisitKind: LoadableRecordKind {
    static let recordType = "return_visit", table = "return_visits"
    static var row: RecordRow? {
        .decoded(
            ReturnVisitStore.Row.self,
            fromElsewhere: [
                "customer_company", "customer_grade", "customer_name", "customer_stage", "done_by_name", "staff_name",
            ])
    }
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("notes", .null)]
    /// The visit's result, recorded once.
    static let tracked = ["state", "channel", "satisfaction", "cooperation", "notes"]
    static let conflictMessageKey = "error.conflict.return_visit"

    /// The specialist the visit is assigned to owns it.
    static func load(_ id: Int, on database: any Database) async throws -> (
        record: ReturnVisitStore.Row, facts: RecordFacts
    )? {
        try await ReturnVisitStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID))
        }
    }
}

extension ReturnVisitKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ReturnVisitsAPIController.VisitDTO? {
        let store = ReturnVisitStore(database: request.db)
        guard let row = try await store.find(id) else { return nil }
        return ReturnVisitsAPIController.dto(row, problems: try await store.problems(id), now: request.now)
    }
}

/// A problem the customer raised at a visit, and the complaint or feedback it opened.
enum ReturnVisitProblemKind: RecordKind {
    static let recordType = "return_visit_problem", table = "return_visit_problems"
    static let isAppendOnly = true
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("text", .marker)]
}

/// The supervisor's visit intervals per grade and the low survey score.
enum ReturnVisitSettingsKind: RecordKind {
    static let recordType = "return_visit_settings", table = "return_visit_settings"
    static let tracked = ["days_a", "days_b", "days_c", "days_d", "ungraded_days", "low_score"]
}

/// A customer's opinion or suggestion about a project or the service, forwarded to a department.
enum FeedbackRecordKind: LoadableRecordKind {
    static let recordType = "feedback", table = "feedback"
    static var row: RecordRow? {
        .decoded(
            FeedbackStore.Row.self,
            fromElsewhere: ["customer_name", "department_name", "project_name", "responded_by_name", "staff_name"])
    }
    static let customerColumn: String? = "customer_id"
    static let numbering: Numbering? = .yearly(prefix: "YJ")
    static let personal: [PersonalColumn] = [.init("content", .marker), .init("response", .markerIfPresent)]
    static let tracked = ["state", "department_id", "request", "due_at", "response"]
    static let trackedValues: [String: TrackedValue] = ["department_id": .department, "due_at": .instant]
    static let conflictMessageKey = "error.conflict.feedback"

    /// R1.3: the specialist responsible owns it; the department it was forwarded to sees it.
    static func load(_ id: Int, on database: any Database) async throws -> (
        record: FeedbackStore.Row, facts: RecordFacts
    )? {
        try await FeedbackStore(database: database).find(id).map {
            (
                $0,
                RecordFacts(
                    responsibleStaffID: $0.staffID, forwardedToDepartmentIDs: $0.departmentID.map { [$0] } ?? [])
            )
        }
    }
}

extension FeedbackRecordKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> FeedbackAPIController.FeedbackDTO? {
        try await FeedbackStore(database: request.db).find(id).map(FeedbackAPIController.FeedbackDTO.init)
    }
}
