import Fluent
import KefuDomain

/// A department's annual training plan (R5.1): its supervisor keeps it, leadership approves it.
enum TrainingPlanKind: LoadableRecordKind {
    static let recordType = "training_plan", table = "training_plans"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: TrainingStore.PlanRow, facts: RecordFacts
    )? {
        try await TrainingStore(database: database).plan(id).map { ($0, RecordFacts(departmentID: $0.departmentID)) }
    }
}

/// A session of a plan (R5.2) with its materials. Who may see one depends on who asks — a specialist
/// only a session they are enrolled in — so routes load it through `Request.trainingSession(for:)`.
enum TrainingSessionKind: RecordKind {
    static let recordType = "training_session", table = "training_sessions"
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
}

/// A trainee's enrolment: attendance, test scores before and after, their rating, the outstanding mark.
enum TrainingEnrolmentKind: RecordKind {
    static let recordType = "training_enrolment", table = "training_enrolments"
}
