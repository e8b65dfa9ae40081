import Foundation
import KefuDomain
import Vapor

/// Attendance's periodic work: every hour the month's marks are brought in line with the clock events,
/// so the team's sheet reads finished days without judging them on each request.
enum AttendanceJobs {
    static let settle = ScheduledJob(name: "attendance.settle", interval: 3600) { app, now in
        let calendar = try await WorkingCalendarStore(database: app.db).load()
        try await AttendanceStore(database: app.db).settleAll(calendar: calendar, context: .console(now: now))
    }
}
