import Fluent
import KefuDomain
import Vapor

/// A complaint (R3.5): it belongs to its customer; what happened and what they demand are personal.
enum ComplaintKind: LoadableRecordKind {
    static let recordType = "complaint", table = "complaints"
    static var row: RecordRow? {
        .decoded(
            ComplaintStore.Row.self,
            fromElsewhere: [
                "category_name", "contract_number", "customer_company", "customer_name", "project_name", "staff_name",
            ])
    }
    static let customerColumn: String? = "customer_id"
    static let numbering: Numbering? = .yearly(prefix: "TS")
    static let personal: [PersonalColumn] = [
        .init("description", .marker), .init("demands", .marker), .init("reopen_reason", .null),
    ]
    static let tracked = ["state", "customer_accepts", "reopen_reason"]
    static let conflictMessageKey = "error.conflict.complaint"
    /// Photos, letters and documents the customer gave.
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)

    /// R4.4, R1.3: the specialist responsible owns it; every department it was forwarded to sees it.
    static func load(_ id: Int, on database: any Database) async throws -> (
        record: ComplaintStore.Row, facts: RecordFacts
    )? {
        let store = ComplaintStore(database: database)
        guard let row = try await store.find(id) else { return nil }
        return (
            row,
            RecordFacts(
                responsibleStaffID: row.staffID, forwardedToDepartmentIDs: Set(try await store.forwardedDepartments(id))
            )
        )
    }
}

/// A request forwarded to a department: its answer, or why it was sent back.
enum ComplaintForwardKind: RecordKind {
    static let recordType = "complaint_forward", table = "complaint_forwards"
    static var row: RecordRow? {
        .decoded(
            ComplaintStore.Forward.self, fromElsewhere: ["answered_by_name", "department_name", "forwarded_by_name"])
    }
    /// What the department answers with (inspection reports, photos).
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
    static var owner: RecordOwner? { RecordOwner(kind: ComplaintKind.self, column: "complaint_id") }
    static let tracked = ["status", "answer", "chased_at"]
    static let trackedValues: [String: TrackedValue] = ["chased_at": .instant]
    static let conflictMessageKey = "error.conflict.complaint"
}

extension RecordWrite.TimelineSubject {
    /// A request to a department is written on its complaint's timeline.
    static func complaint(_ row: ComplaintStore.Row) -> Self {
        Self(recordType: ComplaintKind.recordType, recordID: row.id, customerID: row.customerID)
    }
}

/// An update given to the customer about their complaint: channel, what was said, when.
enum ComplaintUpdateKind: RecordKind {
    static let recordType = "complaint_update", table = "complaint_updates"
    static var row: RecordRow? { .decoded(ComplaintStore.Update.self, fromElsewhere: ["staff_name"]) }
    static let isAppendOnly = true
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("content", .marker)]
}

/// A span the complaint's clock was paused, waiting for the customer.
enum ComplaintPauseKind: RecordKind {
    static let recordType = "complaint_pause", table = "complaint_pauses"
    static var row: RecordRow? { .decoded(ComplaintStore.Pause.self) }
    static let createdColumn = "started_at"
}

extension ComplaintKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ComplaintsAPIController.ComplaintDTO? {
        let store = ComplaintStore(database: request.db)
        guard let row = try await store.find(id) else { return nil }
        return try await ComplaintsAPIController.dto(
            row, store: store, calendar: try await WorkingCalendarStore(database: request.db).load(), now: request.now,
            detail: true)
    }
}
