import Fluent
import KefuDomain
import Vapor

/// A work plan (R2.2): a specialist sees their own, the supervisor the department's, leadership all.
enum WorkPlanKind: LoadableRecordKind {
    static let recordType = "work_plan", table = "work_plans"
    static var row: RecordRow? { .decoded(WorkPlanStore.Row.self, fromElsewhere: ["created_by_name", "staff_name"]) }
    static let tracked = ["result_note"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: WorkPlanStore.Row, facts: RecordFacts
    )? {
        try await WorkPlanStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension WorkPlanKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> WorkPlansAPIController.PlanDTO? {
        try await WorkPlanStore(database: request.db).find(id).asyncMap {
            try await WorkPlansAPIController.dto(request, $0)
        }
    }
}

/// A free-text goal of a plan with its done mark.
enum WorkPlanGoalKind: RecordKind {
    static let recordType = "work_plan_goal", table = "work_plan_goals"
    static var row: RecordRow? { .decoded(WorkPlanStore.Goal.self, fromElsewhere: ["done_by_name"]) }
}
