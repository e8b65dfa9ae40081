import Fluent
import KefuDomain
import Vapor

/// An assessment cycle of a department (R5.3): the supervisor of that department keeps it,
/// leadership signs it off.
enum AssessmentCycleKind: LoadableRecordKind {
    static let recordType = "assessment_cycle", table = "assessment_cycles"
    static var row: RecordRow? {
        .decoded(AssessmentStore.CycleRow.self, fromElsewhere: ["created_by_name", "signed_off_by_name"])
    }
    static let tracked = ["state"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AssessmentStore.CycleRow, facts: RecordFacts
    )? {
        try await AssessmentStore(database: database).cycle(id).map { ($0, RecordFacts(departmentID: $0.departmentID)) }
    }
}

extension AssessmentCycleKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> AssessmentCycleDTO? {
        try await AssessmentsAPIController.cycleDTO(request, id)
    }
}

/// One person's assessment in a cycle: the person sees their own, the supervisor the team's.
enum AssessmentKind: LoadableRecordKind {
    static let recordType = "assessment", table = "assessments"
    static var row: RecordRow? {
        .decoded(
            AssessmentStore.AssessmentRow.self,
            fromElsewhere: ["answered_by_name", "cycle_name", "cycle_state", "evaluated_by_name", "staff_name"])
    }
    static let tracked = [
        "state", "self_score", "self_summary", "skills_rating", "teamwork_rating", "supervisor_comment", "total",
        "grade", "response_comment", "is_appeal", "appeal_answer",
    ]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AssessmentStore.AssessmentRow, facts: RecordFacts
    )? {
        try await AssessmentStore(database: database).assessment(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension AssessmentKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> AssessmentDTO? {
        try await AssessmentsAPIController.assessmentDTO(request, id)
    }
}

/// A decision that followed an assessment (bonus, promotion, improvement plan …), with its basis.
enum AssessmentDecisionKind: RecordKind {
    static let recordType = "assessment_decision", table = "assessment_decisions"
    static let isAppendOnly = true, createdColumn = "decided_at"
}
