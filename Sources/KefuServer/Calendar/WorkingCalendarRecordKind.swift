import Vapor

/// The one working calendar's hours and weekdays (S4): the administrator keeps them, every deadline
/// is counted on them. A single row (id 1); its changes go through the one write path.
enum WorkingCalendarKind: RecordKind {
    static let recordType = "working_calendar", table = "working_calendar_settings"
    static var row: RecordRow? { .decoded(WorkingCalendarStore.Settings.self) }
    static let tracked = ["day_start", "lunch_start", "lunch_end", "day_end", "weekdays"]
    static let conflictMessageKey = "error.conflict.calendar"
}

extension WorkingCalendarKind: ConflictAnswering {
    /// The calendar as its API shows it (it has no id: there is one).
    static func current(_ id: Int, for request: Request) async throws -> WorkingCalendarAPIController.CalendarDTO? {
        try await WorkingCalendarAPIController.dto(request, year: try? WorkingCalendarAPIController.year(request))
    }
}
