import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// R3.5, S4: the scheduler's scan of open complaints — each one's deadlines on the working calendar,
/// the notices its escalation ladder asks for (the specialist warned at 75 %, the supervisor at the
/// breach, leadership beyond; urgent and major complaints to the supervisor at once), sent through
/// the bell and the webhooks once each (the ladder's dedupe key), never outside working time.
enum ComplaintEscalation {
    static let scan = ScheduledJob(name: "complaints.escalation", interval: 60) { app, now in
        try await scan(app: app, now: now)
    }

    static func clockFacts(_ row: ComplaintStore.Row, pauses: [TimeSpan]) -> ComplaintClockFacts {
        ComplaintClockFacts(
            receivedAt: row.receivedAt, severity: row.complaintSeverity, state: row.complaintState,
            firstRespondedAt: row.firstRespondedAt,
            lastToldAt: row.lastToldAt, resolvedAt: row.resolvedAt, pauses: pauses)
    }

    private struct Candidate: Decodable {
        var id: Int, number: String, severity: String, state: String, received_at: Date, first_responded_at: Date?,
            last_told_at: Date?
        var resolved_at: Date?, staff_id: Int?, customer_name: String, escalation_level: Int
    }

    /// Who holds a role of the ladder: the complaint's specialist, the active supervisor, leadership.
    private static func recipients(
        _ role: EscalationRole, named: Int?, specialist: Int?, supervisors: [Int], leaders: [Int]
    ) -> [Int] {
        if let named { return [named] }
        switch role {
        case .specialist: return specialist.map { [$0] } ?? supervisors
        case .supervisor: return supervisors
        case .leadership: return leaders
        }
    }

    @discardableResult
    static func scan(app: Application, now: Date) async throws -> [Reminders.Message] {
        let calendar = try await WorkingCalendarStore(database: app.db).load()
        // Outside working time nothing goes out (R3.5); the same keys are given at the next working minute.
        guard calendar.isWorkingTime(now) else { return [] }
        let sql = try app.db.sql()
        let rows = try await sql.raw(
            """
            SELECT complaints.id, complaints.number, complaints.severity, complaints.state, complaints.received_at, complaints.first_responded_at,
                   complaints.last_told_at, complaints.resolved_at, complaints.staff_id, customers.name AS customer_name, complaints.escalation_level
            FROM complaints JOIN customers ON customers.id = complaints.customer_id
            WHERE complaints.state <> 'closed'
            """
        ).all(decoding: Candidate.self)
        guard !rows.isEmpty else { return [] }
        let pauses = ComplaintStore.Pause.byComplaint(
            try await sql.raw(
                """
                SELECT complaint_pauses.complaint_id, complaint_pauses.started_at, complaint_pauses.ended_at FROM complaint_pauses
                JOIN complaints ON complaints.id = complaint_pauses.complaint_id WHERE complaints.state <> 'closed'
                """
            ).allRows(ComplaintStore.Pause.self))
        let limits = try await ComplaintStore(database: app.db).limits()
        let ladder = try await ComplaintSettingsStore(database: app.db).ladder().levels
        struct Person: Decodable { var id: Int; var role: String }
        let people = try await sql.raw(
            "SELECT id, role FROM staff WHERE is_active = \(bind: true) AND role IN ('supervisor', 'leadership')"
        ).allRows(Person.self)
        let supervisors = people.filter { $0.role == "supervisor" }.map(\.id)
        let leaders = people.filter { $0.role != "supervisor" }.map(\.id)
        var messages: [Reminders.Message] = []
        var changedLevels: [Int: [Int]] = [:]
        for row in rows {
            let severity = ComplaintSeverity(rawValue: row.severity) ?? .normal
            let facts = ComplaintClockFacts(
                receivedAt: row.received_at, severity: severity,
                state: ComplaintState(rawValue: row.state) ?? .received,
                firstRespondedAt: row.first_responded_at, lastToldAt: row.last_told_at, resolvedAt: row.resolved_at,
                pauses: pauses[row.id] ?? [])
            let deadlines = ComplaintClock.openDeadlines(
                facts, limits: limits[severity] ?? .defaults(severity), calendar: calendar, now: now)
            let level = EscalationLadder.level(deadlines: deadlines, ladder: ladder)
            if level != row.escalation_level { changedLevels[level, default: []].append(row.id) }
            for notice in EscalationLadder.notices(
                complaintID: row.id, severity: severity, deadlines: deadlines, ladder: ladder,
                calendar: calendar, now: now)
            {
                let event: ReminderEvent =
                    notice.target == nil
                    ? .complaintReceived : notice.isBreach ? .complaintEscalated : .complaintWarning
                let to = recipients(
                    notice.role, named: notice.staffID, specialist: row.staff_id, supervisors: supervisors,
                    leaders: leaders)
                guard !to.isEmpty else { continue }
                let due = deadlines.first { $0.target == notice.target }?.dueAt
                messages.append(
                    Reminders.Message(
                        reminder: Reminder(
                            event: event, recordType: ComplaintKind.recordType, recordID: row.id, staffID: to.first,
                            dueAt: due ?? now, dedupeKey: notice.dedupeKey),
                        titleKey: "reminder.title.\(event.rawValue)", arguments: ["number": row.number],
                        lines: [
                            row.number, row.customer_name,
                            notice.target.map { app.kefu.localizer.text("complaint.target.\($0.rawValue)", .zhHans) },
                            due.map { "⏰ " + DisplayFormat.dateTime($0) },
                        ].compactMap { $0 },
                        path: SiteURL.complaint(row.id).path, recipients: to))
            }
        }
        try await Reminders(app: app).record(messages, now: now)
        // Only the levels that moved, a statement per level: an UPDATE per open complaint was most of
        // the scan's time with thousands open.
        for (level, ids) in changedLevels {
            for chunk in ids.slices(of: 500) {
                let list = chunk.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
                try await sql.raw("UPDATE complaints SET escalation_level = \(bind: level) WHERE id IN (\(list))").run()
            }
        }
        return messages
    }
}
