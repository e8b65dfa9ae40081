import Fluent
import KefuDomain

/// An attendance mark (R6.1): a lateness, early leave, absence or missing clock the rules found for a
/// person and day, with its cause; numbered so a penalty (R7.2) can cite it. The person, their
/// supervisor and leadership see it.
enum AttendanceMarkRecordKind: LoadableRecordKind {
    static let recordType = "attendance_mark", table = "attendance_marks"
    static let numbering: Numbering? = .yearly(prefix: "KQ")

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.MarkRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).mark(id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

/// A leave request, approved or rejected by the supervisor.
enum LeaveRequestKind: LoadableRecordKind {
    static let recordType = "leave_request", table = "leave_requests"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.RequestRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).request(.leave, id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

/// A missed-clock correction (补卡), approved or rejected by the supervisor.
enum ClockCorrectionKind: LoadableRecordKind {
    static let recordType = "clock_correction", table = "clock_corrections"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: AttendanceStore.RequestRow, facts: RecordFacts
    )? {
        try await AttendanceStore(database: database).request(.correction, id).map {
            ($0, RecordFacts(responsibleStaffID: $0.staffID, departmentID: $0.departmentID))
        }
    }
}

/// A clock event: from the app, a time clock's export, or an approved correction.
enum ClockRecordKind: RecordKind {
    static let recordType = "clock_record", table = "clock_records"
}
