import Fluent
import KefuDomain
import Vapor

/// A department's annual training plan (R5.1): its supervisor keeps it, leadership approves it.
enum TrainingPlanKind: LoadableRecordKind {
    static let recordType = "training_plan", table = "training_plans"
    static var row: RecordRow? {
        .decoded(TrainingStore.PlanRow.self, fromElsewhere: ["created_by_name", "decided_by_name"])
    }
    static let tracked = [
        "year", "title", "goals", "areas", "methods", "hours", "budget_yuan", "state", "decision_note",
    ]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: TrainingStore.PlanRow, facts: RecordFacts
    )? {
        try await TrainingStore(database: database).plan(id).map { ($0, RecordFacts(departmentID: $0.departmentID)) }
    }
}

extension TrainingPlanKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> TrainingPlanDTO? {
        try await TrainingAPIController.planDTO(request, id)
    }
}

/// A session of a plan (R5.2) with its materials. Who may see one depends on who asks — a specialist
/// only a session they are enrolled in — so routes load it through `Request.trainingSession(for:)`.
enum TrainingSessionKind: RecordKind {
    static let recordType = "training_session", table = "training_sessions"
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
    static let tracked = ["state", "held_on", "supervisor_note"]
}

extension TrainingSessionKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> TrainingSessionDTO? {
        try await TrainingAPIController.sessionDTO(request, id)
    }
}

/// A trainee's enrolment: attendance, test scores before and after, their rating, the outstanding mark.
enum TrainingEnrolmentKind: RecordKind {
    static let recordType = "training_enrolment", table = "training_enrolments"
    static let tracked = ["attended", "score_before", "score_after", "is_outstanding", "rating", "rating_comment"]
}

extension TrainingEnrolmentKind: ConflictAnswering {
    /// The enrolment as the caller may read it: a specialist only their own.
    static func current(_ id: Int, for request: Request) async throws -> TrainingEnrolmentDTO? {
        let staff = try request.requireStaff()
        return try await TrainingStore(database: request.db).enrolment(id).flatMap {
            request.seesOnlyOwnTraining && $0.staffID != staff.id ? nil : TrainingEnrolmentDTO($0)
        }
    }
}
