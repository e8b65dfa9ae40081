import Fluent
import KefuDomain
import Vapor

/// A violation of work discipline (R6.2, R6.4): the person it concerns sees it and responds; the
/// supervisor the team's; leadership all. Its evidence files attach to it.
enum ViolationRecordKind: LoadableRecordKind {
    static let recordType = "violation", table = "violations"
    static var row: RecordRow? { .decoded(ViolationStore.Row.self, fromElsewhere: ["recorded_by_name", "staff_name"]) }
    /// Numbered like every other kind a penalty cites (`WJ-2026-000003`), so a penalty names its cause.
    static let numbering: Numbering? = .yearly(prefix: "WJ")
    /// Screenshots, statements, scans of the evidence.
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
    static let tracked = ["outcome", "outcome_note", "response"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: ViolationStore.Row, facts: RecordFacts
    )? {
        try await ViolationStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension ViolationRecordKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ConductAPIController.ViolationDTO? {
        try await ViolationStore(database: request.db).find(id).asyncMap {
            try await ConductAPIController.violationDTO(request, $0)
        }
    }
}

/// A record linked to a violation as evidence (an overdue promised reply, a complaint, audit entries).
enum ViolationLinkRecordKind: RecordKind {
    static let recordType = "violation_link", table = "violation_links"
    static let isAppendOnly = true
    static var owner: RecordOwner? { RecordOwner(kind: ViolationRecordKind.self, column: "violation_id") }
}

/// A penalty (R7.2), citing its cause: the person penalized sees it and may appeal.
enum PenaltyRecordKind: LoadableRecordKind {
    static let recordType = "penalty", table = "penalties"
    static var row: RecordRow? {
        .decoded(PenaltyStore.Row.self, fromElsewhere: ["decided_by_name", "imposed_by_name", "staff_name"])
    }
    static let tracked = ["status", "appeal_reason", "decision_note"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: PenaltyStore.Row, facts: RecordFacts
    )? {
        try await PenaltyStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension PenaltyRecordKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ConductAPIController.PenaltyDTO? {
        try await PenaltyStore(database: request.db).find(id).map { ConductAPIController.penaltyDTO(request, $0) }
    }
}

/// An award (R7.1): monthly from the shortlist, annual from the assessment, or for a special contribution.
enum AwardRecordKind: LoadableRecordKind {
    static let recordType = "award", table = "awards"
    static var row: RecordRow? {
        .decoded(AwardStore.Row.self, fromElsewhere: ["approved_by_name", "decided_by_name", "staff_name"])
    }
    static let tracked = ["status"]

    static func load(_ id: Int, on database: any Database) async throws -> (record: AwardStore.Row, facts: RecordFacts)?
    {
        try await AwardStore(database: database).find(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension AwardRecordKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ConductAPIController.AwardDTO? {
        try await AwardStore(database: request.db).find(id).map { ConductAPIController.awardDTO(request, $0) }
    }
}
