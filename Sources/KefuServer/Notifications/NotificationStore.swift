import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The bell (S4): notifications for one person, unread first.
struct NotificationStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, event: String, title: String, body: String, link: String?, createdAt: Date, readAt: Date?
        var messageKey: String, messageArgs: String
        enum CodingKeys: String, CodingKey {
            case id, event, title, body, link, createdAt = "created_at", readAt = "read_at"
            case messageKey = "message_key", messageArgs = "message_args"
        }

        /// The title as stored (issue 9 §7): a key and values; a notification written before keeps its title.
        var message: StoredMessage { StoredMessage(messageKey, StoredMessage.arguments(fromJSON: messageArgs)) }
    }

    /// Adds a notification unless this person already has one with the key; true when added.
    func add(
        staffID: Int, event: ReminderEvent, title: String, message: StoredMessage, body: String, link: String?,
        dedupeKey: String, now: Date
    ) async throws -> Bool {
        let rows = try await database.sql().raw(
            """
            INSERT INTO notifications (staff_id, event, title, body, link, dedupe_key, created_at, message_key, message_args)
            VALUES (\(bind: staffID), \(bind: event.rawValue), \(bind: title), \(bind: body), \(bind: link), \(bind: dedupeKey), \(bind: now),
                    \(bind: message.key), \(bind: message.argumentsJSON))
            ON CONFLICT (staff_id, dedupe_key) DO NOTHING RETURNING id
            """
        ).all()
        return !rows.isEmpty
    }

    private struct Given: Decodable { var staffID: Int; var dedupeKey: String }

    /// Which of these keys each person already holds, as "staffID:key" — what a scan need not give again.
    func given(keys: Set<String>) async throws -> Set<String> {
        var given: Set<String> = []
        for chunk in keys.sorted().slices(of: 500) {
            let list = chunk.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
            for row in try await database.sql().raw(
                "SELECT staff_id, dedupe_key FROM notifications WHERE dedupe_key IN (\(list))"
            ).allRows(Given.self) {
                given.insert("\(row.staffID):\(row.dedupeKey)")
            }
        }
        return given
    }

    /// A notification to add: its title as a key and arguments, and in its recipient's language for
    /// whatever reads the table directly.
    struct New: Sendable {
        var staffID: Int, event: ReminderEvent, title: String, message: StoredMessage, body: String, link: String?,
            dedupeKey: String
    }

    /// Adds many at once, skipping each one its person already has (the same key); a statement per
    /// hundred rows keeps within both databases' limits on bound values.
    func addAll(_ notifications: [New], now: Date) async throws {
        let sql = try database.sql()
        for chunk in notifications.slices(of: 100) {
            let values = chunk.map { row -> SQLQueryString in
                "(\(bind: row.staffID), \(bind: row.event.rawValue), \(bind: row.title), \(bind: row.body), \(bind: row.link), \(bind: row.dedupeKey), \(bind: now), \(bind: row.message.key), \(bind: row.message.argumentsJSON))"
            }.joined(separator: ", ")
            try await sql.raw(
                """
                INSERT INTO notifications (staff_id, event, title, body, link, dedupe_key, created_at, message_key, message_args) VALUES \(values)
                ON CONFLICT (staff_id, dedupe_key) DO NOTHING
                """
            ).run()
        }
    }

    /// One of the person's notifications.
    func find(_ id: Int, staffID: Int) async throws -> Row? {
        try await database.sql().raw(
            """
            SELECT id, event, title, body, link, created_at, read_at, message_key, message_args FROM notifications WHERE id = \(bind: id) AND staff_id = \(bind: staffID)
            """
        ).first(decoding: Row.self)
    }

    func unreadCount(staffID: Int) async throws -> Int {
        try await database.sql().raw(
            "SELECT COUNT(*) AS n FROM notifications WHERE staff_id = \(bind: staffID) AND read_at IS NULL"
        )
        .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func page(staffID: Int, paging: Paging) async throws -> (items: [Row], total: Int) {
        let sql = try database.sql()
        let total =
            try await sql.raw("SELECT COUNT(*) AS n FROM notifications WHERE staff_id = \(bind: staffID)").first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            """
            SELECT id, event, title, body, link, created_at, read_at, message_key, message_args FROM notifications WHERE staff_id = \(bind: staffID)
            ORDER BY read_at IS NOT NULL, id DESC LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: Row.self)
        return (items, total)
    }

    /// Marks the person's notifications read: the ones named, or all when `ids` is nil.
    func markRead(staffID: Int, ids: [Int]?, now: Date) async throws -> Int {
        var condition: SQLQueryString = "staff_id = \(bind: staffID) AND read_at IS NULL"
        if let ids { condition = condition + " AND id IN (\(binds: ids.isEmpty ? [0] : ids))" }
        return try await database.sql().raw(
            "UPDATE notifications SET read_at = \(bind: now) WHERE \(condition) RETURNING id"
        ).all().count
    }
}

/// The bell counts a person's unread notifications.
struct NotificationBell: BellCounting {
    func unreadCount(staffID: Int, on database: any Database) async throws -> Int {
        try await NotificationStore(database: database).unreadCount(staffID: staffID)
    }
}
