import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// S4, R3.4: the scheduler reminds the person responsible for each open obligation N days before it
/// is due and once it is overdue, through the bell and the webhooks (``Reminders/record(_:now:)``),
/// once per person, event and due day.
enum ObligationReminderJob {
    static let scan = ScheduledJob(name: "obligations.scan", interval: 300) { app, now in
        try await scan(app: app, now: now)
    }

    private struct Candidate: Decodable {
        var id: Int, staff_id: Int?, contract_staff_id: Int?, due_on: String, remind_days_before: Int, title: String, amount_yuan: Int64?
        var contract_id: Int, contract_number: String, customer_name: String
    }

    /// Reads the open obligations due within the longest reminder lead (overdue ones included, the
    /// partial index on open obligations by due day serves it) and records the reminders due today.
    @discardableResult
    static func scan(app: Application, now: Date) async throws -> [Reminders.Message] {
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let rows = try await app.db.sql().raw("""
            SELECT contract_obligations.id, contract_obligations.staff_id, contracts.staff_id AS contract_staff_id, contract_obligations.due_on,
                   contract_obligations.remind_days_before, contract_obligations.title, contract_obligations.amount_yuan,
                   contract_obligations.contract_id, contracts.number AS contract_number, customers.name AS customer_name
            FROM contract_obligations JOIN contracts ON contracts.id = contract_obligations.contract_id
            JOIN customers ON customers.id = contract_obligations.customer_id
            WHERE contract_obligations.done_at IS NULL AND contract_obligations.due_on <= \(bind: ObligationReminderRules.horizon(today: today).description)
              AND contracts.state IN ('signed', 'in_execution')
            """).all(decoding: Candidate.self)
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        let candidates = rows.compactMap { row in
            CalendarDay(row.due_on).map { ObligationCandidate(id: row.id, staffID: row.staff_id ?? row.contract_staff_id, dueOn: $0, remindDaysBefore: row.remind_days_before) }
        }
        let messages = ObligationReminderRules.reminders(candidates, today: today).compactMap { reminder -> Reminders.Message? in
            guard let row = byID[reminder.recordID], let staffID = reminder.staffID else { return nil }
            // Group robots and the bell read the department's language.
            let amount = row.amount_yuan.map { app.kefu.localizer.text("contract.amount_wan", .zhHans, ["amount": Yuan($0).wanText]) }
            return Reminders.Message(
                reminder: reminder, titleKey: "reminder.title.\(reminder.event.rawValue)", arguments: ["title": row.title],
                lines: [row.contract_number, row.customer_name, amount, "⏰ " + row.due_on].compactMap { $0 },
                path: "/contracts/\(row.contract_id)", recipients: [staffID])
        }
        try await Reminders(app: app).record(messages, now: now)
        return messages
    }
}
