import Fluent
import KefuDomain
import Vapor

/// An attendance mark (R6.1): a lateness, early leave, absence or missing clock the rules found for a
/// person and day, with its cause; numbered so a penalty (R7.2) can cite it. The person, their
/// supervisor and leadership see it.
enum AttendanceMarkRecordKind: LoadableRecordKind {
    static let recordType = "attendance_mark", table = "attendance_marks"
    static var row: RecordRow? { .decoded(AttendanceStore.MarkRow.self, fromElsewhere: ["excused_by_name"]) }
    static let numbering: Numbering? = .yearly(prefix: "KQ")
    static let tracked = ["excused_reason"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.MarkRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).mark(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension AttendanceMarkRecordKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> AttendanceAPIController.MarkDTO? {
        guard let row = try await AttendanceStore(database: request.db).mark(id), let finding = row.finding else {
            return nil
        }
        return AttendanceAPIController.markDTO(finding, stored: row, staffID: row.staffID, words: request.words)
    }
}

/// A leave request, approved or rejected by the supervisor.
enum LeaveRequestKind: LoadableRecordKind {
    static let recordType = "leave_request", table = "leave_requests"
    static var row: RecordRow? {
        .decoded(
            AttendanceStore.RequestRow.self,
            fromElsewhere: ["day", "decided_by_name", "direction", "staff_name", "time"])
    }
    static let tracked = ["status", "decision_note"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.RequestRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).request(.leave, id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension LeaveRequestKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> AttendanceAPIController.RequestDTO? {
        try await AttendanceStore(database: request.db).request(.leave, id).map {
            AttendanceAPIController.RequestDTO($0, .leave)
        }
    }
}

/// A missed-clock correction (补卡), approved or rejected by the supervisor.
enum ClockCorrectionKind: LoadableRecordKind {
    static let recordType = "clock_correction", table = "clock_corrections"
    static var row: RecordRow? {
        .decoded(
            AttendanceStore.RequestRow.self,
            fromElsewhere: ["decided_by_name", "end_day", "kind", "part", "staff_name", "start_day"])
    }
    static let tracked = ["status", "decision_note"]

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.RequestRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).request(.correction, id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

extension ClockCorrectionKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> AttendanceAPIController.RequestDTO? {
        try await AttendanceStore(database: request.db).request(.correction, id).map {
            AttendanceAPIController.RequestDTO($0, .correction)
        }
    }
}

/// A clock event: from the app, a time clock's export, or an approved correction.
enum ClockRecordKind: RecordKind {
    static let recordType = "clock_record", table = "clock_records"
}

/// The company's attendance rules (R6.1): one row (id 1) the administrator keeps, stored as JSON.
enum AttendanceSettingsKind: RecordKind {
    static let recordType = "attendance_settings", table = "attendance_settings"
    static let tracked = ["rules"]
}

extension AttendanceSettingsKind: ConflictAnswering {
    /// The rules as the API shows them (they have no id: there is one set).
    static func current(_ id: Int, for request: Request) async throws -> AttendanceAPIController.RulesDTO? {
        let (rules, version) = try await AttendanceStore(database: request.db).rules()
        return AttendanceAPIController.RulesDTO(rules: rules, version: version)
    }
}
