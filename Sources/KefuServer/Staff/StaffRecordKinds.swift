import Fluent
import Vapor

/// A staff account (S1): the administrator and the supervisor of its team keep it. Its changes go
/// through the one write path like every record's, so a stale save is the one conflict (S6).
enum StaffKind: RecordKind {
    static let recordType = "staff", table = "staff"
    static var row: RecordRow? { .model(StaffModel.self) }
    /// What a person edits on the account; the password hash is never kept in the change history.
    static let tracked = ["display_name", "department_id", "role", "language", "is_active"]
    static let trackedValues: [String: TrackedValue] = ["department_id": .department]
    static let conflictMessageKey = "error.conflict.staff"
}

extension StaffKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> StaffDTO? {
        try await StaffStore(database: request.db).find(id).map(StaffDTO.init)
    }
}

/// A department (S1): the administrator names it; customer matters are forwarded to it.
enum DepartmentKind: RecordKind {
    static let recordType = "department", table = "departments"
    static var row: RecordRow? { .model(DepartmentModel.self) }
    static let tracked = ["name"]
}

extension DepartmentKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> DepartmentDTO? {
        try await DepartmentModel.find(id, on: request.db).map(DepartmentDTO.init)
    }
}
