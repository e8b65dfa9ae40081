import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The scheduler's reminders (S4): due and overdue promised replies and follow-ups, and public
/// inquiries nobody has taken, become notifications for the people concerned and queued webhook
/// deliveries; a second job sends the deliveries.
enum ReminderJobs {
    static let scan = ScheduledJob(name: "reminders.scan", interval: 60) { app, now in
        try await Reminders(app: app).scan(now: now)
    }

    static let deliver = ScheduledJob(name: "webhooks.deliver", interval: 30) { app, now in
        try await WebhookSender(
            store: WebhookStore(database: app.db), transport: WebhookSender.httpTransport(app),
            linkText: app.kefu.localizer.text("webhook.link_text", .zhHans), instanceID: app.scheduler.instanceID,
            clock: app.kefu.clock
        ).deliverDue(now: now)
    }
}

/// Finds due reminders and records them; each reaches each person once (a unique key).
struct Reminders {
    let app: Application
    var database: any Database { app.db }

    private struct InquiryCandidate: Decodable {
        var id: Int, number: String?, staff_id: Int?, promised_by: Date?, received_at: Date, question: String
        var customer_name: String?, visitor_name: String?, staff_name: String?
    }

    private struct FollowUpCandidate: Decodable {
        var id: Int, customer_id: Int, staff_id: Int?, due_at: Date, purpose: String, customer_name: String,
            staff_name: String?
    }

    /// What one reminder says, before it is put in a language.
    struct Message: Sendable {
        var reminder: Reminder
        var titleKey: String
        var arguments: [String: String]
        var lines: [String]
        var path: String
        var recipients: [Int]
    }

    @discardableResult
    func scan(now: Date) async throws -> [Message] {
        let sql = try database.sql()
        let oldest = now.addingTimeInterval(-30 * 86400)
        // Promised replies and waiting web inquiries: only those with a reminder still to give (the
        // marks below) — due soon from two hours before the deadline, overdue after it (30 days back),
        // waiting once 30 minutes have passed.
        let promisedSelect: SQLQueryString = """
            SELECT inquiries.id, inquiries.number, inquiries.staff_id, inquiries.promised_by, inquiries.received_at, inquiries.question,
                   customers.name AS customer_name, inquiries.visitor_name, staff.display_name AS staff_name
            FROM inquiries LEFT JOIN customers ON customers.id = inquiries.customer_id LEFT JOIN staff ON staff.id = inquiries.staff_id
            """
        let promised =
            try await sql.raw(
                """
                \(promisedSelect) WHERE inquiries.status = 'promised' AND inquiries.due_soon_reminded_at IS NULL
                  AND inquiries.promised_by >= \(bind: now) AND inquiries.promised_by <= \(bind: now.addingTimeInterval(PromisedReplyRule.reminderLead))
                """
            ).all(decoding: InquiryCandidate.self)
            + sql.raw(
                """
                \(promisedSelect) WHERE inquiries.status = 'promised' AND inquiries.overdue_reminded_at IS NULL
                  AND inquiries.promised_by < \(bind: now) AND inquiries.promised_by > \(bind: oldest)
                """
            ).all(decoding: InquiryCandidate.self)
        let waiting = try await sql.raw(
            """
            SELECT inquiries.id, inquiries.number, inquiries.staff_id, inquiries.promised_by, inquiries.received_at, inquiries.question,
                   NULL AS customer_name, inquiries.visitor_name, NULL AS staff_name
            FROM inquiries WHERE inquiries.status = 'waiting' AND inquiries.waiting_reminded_at IS NULL AND inquiries.received_at > \(bind: oldest)
              AND inquiries.received_at <= \(bind: now.addingTimeInterval(-ReminderRules.webInquiryWaitingLimit))
            """
        ).all(decoding: InquiryCandidate.self)
        // Follow-ups: only those with a reminder still to give (the marks below), so a scan with
        // nothing new reads nothing. Due: planned from now up to the moment the rule's 09:00 reaches;
        // overdue: planned in the last 30 days and passed.
        let followUpSelect: SQLQueryString = """
            SELECT follow_ups.id, follow_ups.customer_id, follow_ups.staff_id, follow_ups.due_at, follow_ups.purpose,
                   customers.name AS customer_name, staff.display_name AS staff_name
            FROM follow_ups JOIN customers ON customers.id = follow_ups.customer_id LEFT JOIN staff ON staff.id = follow_ups.staff_id
            """
        let dueHorizon = ReminderRules.followUpDueHorizon(now: now, timeZone: DisplayFormat.timeZone)
        let followUps =
            try await sql.raw(
                """
                \(followUpSelect) WHERE follow_ups.completed_at IS NULL AND follow_ups.due_reminded_at IS NULL
                  AND follow_ups.due_at >= \(bind: now) AND follow_ups.due_at <= \(bind: dueHorizon)
                """
            ).all(decoding: FollowUpCandidate.self)
            + sql.raw(
                """
                \(followUpSelect) WHERE follow_ups.completed_at IS NULL AND follow_ups.overdue_reminded_at IS NULL
                  AND follow_ups.due_at < \(bind: now) AND follow_ups.due_at > \(bind: oldest)
                """
            ).all(decoding: FollowUpCandidate.self)
        let supervisors = try await sql.raw(
            "SELECT id FROM staff WHERE role = 'supervisor' AND is_active = \(bind: true)"
        ).all()
            .map { try $0.decode(column: "id", as: Int.self) }

        var messages: [Message] = []
        let promisedByID = Dictionary(promised.map { ($0.id, $0) }) { first, _ in first }
        for reminder in ReminderRules.promisedReplies(
            promised.map {
                ReminderCandidate(
                    recordType: "inquiry", recordID: $0.id, staffID: $0.staff_id, dueAt: $0.promised_by ?? now)
            }, now: now)
        {
            guard let row = promisedByID[reminder.recordID] else { continue }
            messages.append(
                Message(
                    reminder: reminder, titleKey: "reminder.title.\(reminder.event.rawValue)",
                    arguments: ["number": row.number ?? ""],
                    lines: [
                        row.customer_name ?? row.visitor_name ?? "", row.question,
                        DisplayFormat.dateTime(reminder.dueAt), row.staff_name ?? "",
                    ].filter { !$0.isEmpty },
                    path: SiteURL.inquiry(row.id).path, recipients: row.staff_id.map { [$0] } ?? supervisors))
        }
        let waitingByID = Dictionary(uniqueKeysWithValues: waiting.map { ($0.id, $0) })
        for reminder in ReminderRules.webInquiries(
            waiting.map {
                ReminderCandidate(recordType: "inquiry", recordID: $0.id, dueAt: $0.received_at)
            }, now: now)
        {
            guard let row = waitingByID[reminder.recordID] else { continue }
            messages.append(
                Message(
                    reminder: reminder, titleKey: "reminder.title.\(reminder.event.rawValue)",
                    arguments: ["number": row.number ?? ""],
                    lines: [row.visitor_name ?? "", row.question, DisplayFormat.dateTime(row.received_at)].filter {
                        !$0.isEmpty
                    },
                    path: SiteURL.inquiry(row.id).path, recipients: supervisors))
        }
        let followUpByID = Dictionary(followUps.map { ($0.id, $0) }) { first, _ in first }
        for reminder in ReminderRules.followUps(
            followUps.map {
                ReminderCandidate(recordType: "follow_up", recordID: $0.id, staffID: $0.staff_id, dueAt: $0.due_at)
            }, now: now, timeZone: DisplayFormat.timeZone)
        {
            guard let row = followUpByID[reminder.recordID] else { continue }
            messages.append(
                Message(
                    reminder: reminder, titleKey: "reminder.title.\(reminder.event.rawValue)",
                    arguments: ["customer": row.customer_name],
                    lines: [row.purpose, DisplayFormat.dateTime(row.due_at), row.staff_name ?? ""].filter {
                        !$0.isEmpty
                    },
                    path: SiteURL.customerFollowUps(row.customer_id).path,
                    recipients: row.staff_id.map { [$0] } ?? supervisors))
        }
        try await record(messages, now: now)
        let given = messages.map(\.reminder)
        try await mark(
            given, table: "follow_ups", open: "completed_at IS NULL", time: "due_at",
            columns: [.followUpDue: "due_reminded_at", .followUpOverdue: "overdue_reminded_at"], now: now)
        try await mark(
            given, table: "inquiries", open: "status = 'promised'", time: "promised_by",
            columns: [.promisedReplyDueSoon: "due_soon_reminded_at", .promisedReplyOverdue: "overdue_reminded_at"],
            now: now)
        try await mark(
            given, table: "inquiries", open: "status = 'waiting'", time: "received_at",
            columns: [.webInquiryWaiting: "waiting_reminded_at"], now: now)
        return messages
    }

    /// Marks the records reminded, once the reminders are recorded (a failure before leaves them
    /// unmarked, to be given by the next scan; the notifications' keys keep that from giving twice).
    /// A mark holds only while the row still has the time it was reminded for (within a millisecond:
    /// PostgreSQL keeps microseconds), so a follow-up rescheduled between the read and the mark stays
    /// unmarked and its new time is reminded.
    private func mark(
        _ reminders: [Reminder], table: String, open: String, time: String, columns: [ReminderEvent: String], now: Date
    ) async throws {
        for (event, column) in columns.sorted(by: { $0.value < $1.value }) {
            let given = reminders.filter { $0.event == event }
            guard !given.isEmpty else { continue }
            try await database.writeTransaction { tx in
                let sql = try tx.sql()
                for chunk in given.slices(of: 200) {
                    var rows: SQLQueryString = ""
                    for (index, reminder) in chunk.enumerated() {
                        rows =
                            rows + (index == 0 ? "" : " OR ") + """
                                (id = \(bind: reminder.recordID) AND \(unsafeRaw: time) > \(bind: reminder.dueAt.addingTimeInterval(-0.001)) \
                                AND \(unsafeRaw: time) < \(bind: reminder.dueAt.addingTimeInterval(0.001)))
                                """
                    }
                    try await sql.raw(
                        """
                        UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: now) WHERE \(unsafeRaw: open) AND (\(rows))
                        """
                    ).run()
                }
            }
        }
    }

    /// Writes the notifications (in each recipient's language) and queues the webhook deliveries.
    func record(_ messages: [Message], now: Date) async throws {
        guard let (notifications, notices) = try await prepare(messages, now: now, on: database) else { return }
        try await database.writeTransaction { tx in
            try await NotificationStore(database: tx).addAll(notifications, now: now)
            try await WebhookStore(database: tx).enqueueAll(notices, now: now)
        }
    }

    /// The same inside the caller's transaction `tx` (its reads and writes on `tx`).
    func record(_ messages: [Message], now: Date, on tx: any Database) async throws {
        guard let (notifications, notices) = try await prepare(messages, now: now, on: tx) else { return }
        try await NotificationStore(database: tx).addAll(notifications, now: now)
        try await WebhookStore(database: tx).enqueueAll(notices, now: now)
    }

    /// The notifications and webhook notices still to write; nil when there are none.
    private func prepare(_ messages: [Message], now: Date, on database: any Database) async throws
        -> (notifications: [NotificationStore.New], notices: [(WebhookNotice, dedupeKey: String)])?
    {
        guard !messages.isEmpty else { return nil }
        struct StaffLanguage: Decodable { var id: Int; var language: String }
        let localizer = app.kefu.localizer
        let staffIDs = Set(messages.flatMap(\.recipients))
        let languages =
            staffIDs.isEmpty
            ? [:]
            : try await database.sql().raw(
                """
                SELECT id, language FROM staff WHERE id IN (\(binds: staffIDs.sorted()))
                """
            ).allRows(StaffLanguage.self).reduce(into: [Int: Language]()) { result, row in
                result[row.id] = Language(rawValue: row.language) ?? .zhHans
            }
        let base = app.kefu.configuration.baseURL
        // One transaction and a few multi-row statements for the whole batch: on SQLite with
        // synchronous=FULL a day's obligation reminders (thousands at 100,000 contracts) took seconds
        // as a commit per insert, and still most of a second as two statements per message.
        // What each person was already given is left out before anything is rendered: the keys
        // still drop duplicates, but a scan that finds only old reminders writes nothing.
        let given = try await NotificationStore(database: database).given(keys: Set(messages.map(\.reminder.dedupeKey)))
        var notifications: [NotificationStore.New] = []
        var notices: [(WebhookNotice, dedupeKey: String)] = []
        for message in messages {
            let recipients = Set(message.recipients).filter { !given.contains("\($0):\(message.reminder.dedupeKey)") }
            // Given to everyone it was for; a message for nobody still reaches the group robots.
            guard !recipients.isEmpty || message.recipients.isEmpty else { continue }
            for staffID in recipients.sorted() {
                let language = languages[staffID] ?? .zhHans
                notifications.append(
                    NotificationStore.New(
                        staffID: staffID, event: message.reminder.event,
                        title: localizer.text(message.titleKey, language, message.arguments),
                        message: StoredMessage(message.titleKey, message.arguments.mapValues { .value($0) }),
                        body: message.lines.joined(separator: " · "), link: message.path,
                        dedupeKey: message.reminder.dedupeKey))
            }
            // Group robots speak the department's language.
            notices.append(
                (
                    WebhookNotice(
                        event: message.reminder.event,
                        title: localizer.text(message.titleKey, .zhHans, message.arguments),
                        lines: message.lines, link: base.map { $0 + message.path },
                        linkText: localizer.text("webhook.link_text", .zhHans),
                        occurredAt: now, messageKey: message.titleKey, messageArgs: message.arguments),
                    message.reminder.dedupeKey
                ))
        }
        guard !notifications.isEmpty || !notices.isEmpty else { return nil }
        return (notifications, notices)
    }
}
