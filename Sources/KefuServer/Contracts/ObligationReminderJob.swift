import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// S4, R3.4: the scheduler reminds the contract's specialist and the obligation's responsible person
/// (when someone else) N days before it is due — N set per obligation — and once it is overdue, through
/// the bell and the webhooks (``Reminders/record(_:now:)``), once per person, event and due day.
enum ObligationReminderJob {
    static let scan = ScheduledJob(name: "obligations.scan", interval: 300) { app, now in
        try await scan(app: app, now: now)
    }

    /// An overdue obligation is reminded within this many days of its due day (as the other
    /// reminders look back 30 days): a scheduler switched off for months does not flood the bell.
    static let overdueLookBackDays = 30

    private struct Candidate: Decodable {
        var id: Int, staff_id: Int?, contract_staff_id: Int?, due_on: String, remind_days_before: Int, title: String,
            amount_yuan: Int64?
        var contract_id: Int, contract_number: String, customer_name: String
    }

    /// Reads only the obligations with a reminder still to give today — the due-soon window opened
    /// and not yet reminded, or overdue and not yet reminded (two partial indexes answer) — records
    /// the reminders the rules give, and marks them given, so a scan costs what is new.
    @discardableResult
    static func scan(app: Application, now: Date) async throws -> [Reminders.Message] {
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let sql = try app.db.sql()
        let select: SQLQueryString = """
            SELECT contract_obligations.id, contract_obligations.staff_id, contracts.staff_id AS contract_staff_id, contract_obligations.due_on,
                   contract_obligations.remind_days_before, contract_obligations.title, contract_obligations.amount_yuan,
                   contract_obligations.contract_id, contracts.number AS contract_number, customers.name AS customer_name
            FROM contract_obligations CROSS JOIN contracts JOIN customers ON customers.id = contract_obligations.customer_id
            """
        // The obligations drive the join (CROSS JOIN fixes SQLite's order; PostgreSQL plans it as any
        // join): starting from the signed contracts instead read every open obligation of 52,000
        // contracts to find a day's 2,400 (0.24 s warm, most of a second cold).
        let signed: SQLQueryString =
            "contracts.id = contract_obligations.contract_id AND contracts.state IN ('signed', 'in_execution')"
        let dueSoon = try await sql.raw(
            """
            \(select) WHERE contract_obligations.done_at IS NULL AND contract_obligations.due_soon_reminded_on IS NULL
              AND contract_obligations.remind_on <= \(bind: today.description) AND contract_obligations.due_on >= \(bind: today.description) AND \(signed)
            """
        ).all(decoding: Candidate.self)
        let overdue = try await sql.raw(
            """
            \(select) WHERE contract_obligations.done_at IS NULL AND contract_obligations.overdue_reminded_on IS NULL
              AND contract_obligations.due_on < \(bind: today.description)
              AND contract_obligations.due_on >= \(bind: today.adding(days: -overdueLookBackDays).description) AND \(signed)
            """
        ).all(decoding: Candidate.self)
        let rows = dueSoon + overdue
        let byID = Dictionary(rows.map { ($0.id, $0) }) { first, _ in first }
        let candidates = rows.compactMap { row in
            CalendarDay(row.due_on).map {
                ObligationCandidate(
                    id: row.id, staffID: row.contract_staff_id ?? row.staff_id, dueOn: $0,
                    remindDaysBefore: row.remind_days_before)
            }
        }
        let reminders = ObligationReminderRules.reminders(candidates, today: today)
        let messages = reminders.compactMap { reminder -> Reminders.Message? in
            guard let row = byID[reminder.recordID] else { return nil }
            // The specialist follows the whole contract; the responsible person does the duty. Both
            // are told, one notification each even when they are the same person.
            let recipients = [row.contract_staff_id, row.staff_id].compactMap { $0 }
            guard !recipients.isEmpty else { return nil }
            // Group robots and the bell read the department's language.
            let amount = row.amount_yuan.map {
                app.kefu.localizer.text("contract.amount_wan", .zhHans, ["amount": Yuan($0).wanText])
            }
            return Reminders.Message(
                reminder: reminder, titleKey: "reminder.title.\(reminder.event.rawValue)",
                arguments: ["title": row.title],
                lines: [row.contract_number, row.customer_name, amount, "⏰ " + row.due_on].compactMap { $0 },
                path: SiteURL.contract(row.contract_id).path, recipients: Array(Set(recipients)).sorted())
        }
        try await Reminders(app: app).record(messages, now: now)
        // The marks in one transaction: a commit per chunk of 500 cost a disk flush each.
        try await app.db.writeTransaction { tx in
            let sql = try tx.sql()
            for (event, column) in [
                (ReminderEvent.obligationDueSoon, "due_soon_reminded_on"), (.obligationOverdue, "overdue_reminded_on"),
            ] {
                let ids = reminders.filter { $0.event == event }.map(\.recordID)
                for chunk in ids.slices(of: 500) {
                    try await sql.raw(
                        """
                        UPDATE contract_obligations SET \(unsafeRaw: column) = \(bind: today.description) WHERE id IN (\(binds: chunk))
                        """
                    ).run()
                }
            }
        }
        return messages
    }
}
