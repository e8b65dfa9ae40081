import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Webhook targets (S4): WeCom, DingTalk and Feishu group robots, or plain JSON; and their
/// delivery log. The secret is kept to sign; pages and the API show only whether one is set.
struct WebhookStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, name: String, platform: String, url: String, secret: String?, events: String, isActive: Bool
        var createdAt: Date, updatedAt: Date, version: Int
        enum CodingKeys: String, CodingKey {
            case id, name, platform, url, secret, events, version
            case isActive = "is_active", createdAt = "created_at", updatedAt = "updated_at"
        }
        var eventList: [ReminderEvent] {
            events.split(separator: ",").compactMap { ReminderEvent(rawValue: String($0)) }
        }
        var settings: WebhookSettings? {
            guard let platform = WebhookPlatform(rawValue: platform), let url = URL(string: url) else { return nil }
            return WebhookSettings(
                name: name, platform: platform, url: url, secret: secret, events: eventList, isActive: isActive)
        }
    }

    private static let columns: SQLQueryString =
        "id, name, platform, url, secret, events, is_active, created_at, updated_at, version"

    func all() async throws -> [Row] {
        try await database.sql().raw("SELECT \(Self.columns) FROM webhooks ORDER BY name, id").all(decoding: Row.self)
    }

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("SELECT \(Self.columns) FROM webhooks WHERE id = \(bind: id)").first(
            decoding: Row.self)
    }

    private static func events(_ settings: WebhookSettings) -> String {
        "," + settings.events.map(\.rawValue).joined(separator: ",") + ","
    }

    func create(_ settings: WebhookSettings, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO webhooks (name, platform, url, secret, events, is_active, created_at, updated_at, version)
                    VALUES (\(bind: settings.name), \(bind: settings.platform.rawValue), \(bind: settings.url.absoluteString), \(bind: settings.secret),
                            \(bind: Self.events(settings)), \(bind: settings.isActive), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "webhook.created", recordType: "webhook", recordID: String(id),
                fields: ["name", "platform", "url", "events"],
                message: AuditMessage.name(settings.name), context: context, on: tx)
            return id
        }
    }

    /// Saves a change from `version`; a blank secret keeps the stored one (the form never shows it).
    func update(_ id: Int, with settings: WebhookSettings, keepSecret: Bool, version: Int, context: AuditContext)
        async throws
    {
        try await database.writeTransaction { tx in
            let secret: SQLQueryString = keepSecret ? "secret" : "\(bind: settings.secret)"
            try await RecordWrites.change(
                WebhookKind.self, id: id, version: version,
                RecordWrite(
                    set: """
                        name = \(bind: settings.name), platform = \(bind: settings.platform.rawValue), url = \(bind: settings.url.absoluteString),
                        secret = \(secret), events = \(bind: Self.events(settings)), is_active = \(bind: settings.isActive)
                        """,
                    audit: .init(
                        action: "webhook.changed", fields: ["name", "platform", "url", "events", "isActive"],
                        message: AuditMessage.name(settings.name))), context: context, on: tx)
        }
    }

    /// Queues a notice for every active webhook subscribed to its event, once per dedupe key.
    func enqueue(_ notice: WebhookNotice, dedupeKey: String, now: Date, onlyWebhook: Int? = nil) async throws -> [Int] {
        var condition: SQLQueryString =
            "is_active = \(bind: true) AND events LIKE \(bind: "%," + notice.event.rawValue + ",%")"
        if let onlyWebhook { condition = "id = \(bind: onlyWebhook)" }
        let lines = String(decoding: try JSONEncoder().encode(notice.lines), as: UTF8.self)
        return try await database.sql().raw(
            """
            INSERT INTO webhook_deliveries (webhook_id, event, dedupe_key, title, lines, link, status, attempts, next_attempt_at, created_at,
                    message_key, message_args)
            SELECT id, \(bind: notice.event.rawValue), \(bind: dedupeKey), \(bind: notice.title), \(bind: lines), \(bind: notice.link), 'pending', 0,
                   \(bind: now), \(bind: now), \(bind: notice.messageKey), \(bind: notice.messageArgsJSON)
            FROM webhooks WHERE \(condition)
            ON CONFLICT (webhook_id, dedupe_key) DO NOTHING RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
    }

    /// Queues many notices at once: the active webhooks are read once, and each notice is queued for
    /// those that take its event, skipping a delivery already queued with the key.
    func enqueueAll(_ notices: [(WebhookNotice, dedupeKey: String)], now: Date) async throws {
        let sql = try database.sql()
        struct Webhook: Decodable { var id: Int; var events: String }
        let webhooks = try await sql.raw("SELECT id, events FROM webhooks WHERE is_active = \(bind: true)")
            .allRows(Webhook.self)
        guard !webhooks.isEmpty else { return }
        var rows: [SQLQueryString] = []
        for (notice, dedupeKey) in notices {
            let lines = String(decoding: try JSONEncoder().encode(notice.lines), as: UTF8.self)
            for webhook in webhooks where webhook.events.contains("," + notice.event.rawValue + ",") {
                rows.append(
                    """
                    (\(bind: webhook.id), \(bind: notice.event.rawValue), \(bind: dedupeKey), \(bind: notice.title), \(bind: lines), \(bind: notice.link), 'pending', 0, \(bind: now), \(bind: now), \(bind: notice.messageKey), \(bind: notice.messageArgsJSON))
                    """)
            }
        }
        for chunk in rows.slices(of: 100) {
            try await sql.raw(
                """
                INSERT INTO webhook_deliveries (webhook_id, event, dedupe_key, title, lines, link, status, attempts, next_attempt_at, created_at,
                        message_key, message_args)
                VALUES \(chunk.joined(separator: ", ")) ON CONFLICT (webhook_id, dedupe_key) DO NOTHING
                """
            ).run()
        }
    }

    struct Delivery: Decodable, Sendable {
        var id: Int, webhookID: Int, event: String, title: String, lines: String, link: String?, status: String,
            attempts: Int
        var nextAttemptAt: Date?, lastStatusCode: Int?, lastError: String?, createdAt: Date, deliveredAt: Date?
        /// The title as a message key and its arguments' JSON (issue 9 §7); nil when queued before.
        var messageKey: String?, messageArgs: String
        enum CodingKeys: String, CodingKey {
            case id, event, title, lines, link, status, attempts
            case messageKey = "message_key", messageArgs = "message_args"
            case webhookID = "webhook_id", nextAttemptAt = "next_attempt_at", lastStatusCode = "last_status_code",
                lastError = "last_error"
            case createdAt = "created_at", deliveredAt = "delivered_at"
        }
        var lineList: [String] { (try? JSONDecoder().decode([String].self, from: Data(lines.utf8))) ?? [] }
    }

    private static let deliveryColumns: SQLQueryString = """
        id, webhook_id, event, title, lines, link, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at,
        message_key, message_args
        """

    func dueDeliveries(now: Date, limit: Int = 50) async throws -> [Delivery] {
        try await database.sql().raw(
            """
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
            ORDER BY next_attempt_at LIMIT \(bind: limit)
            """
        ).all(decoding: Delivery.self)
    }

    func delivery(_ id: Int) async throws -> Delivery? {
        try await database.sql().raw("SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE id = \(bind: id)")
            .first(decoding: Delivery.self)
    }

    func deliveries(webhookID: Int, limit: Int = 50) async throws -> [Delivery] {
        try await database.sql().raw(
            """
            SELECT \(Self.deliveryColumns) FROM webhook_deliveries WHERE webhook_id = \(bind: webhookID) ORDER BY id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Delivery.self)
    }

    /// Takes one due delivery for `instance` until `until`, so that no other instance sends it
    /// meanwhile. False when it is not due, already sent, or held by another instance's live claim:
    /// the conditional UPDATE is the lock, on SQLite and PostgreSQL alike.
    func claim(_ id: Int, by instance: String, now: Date, until: Date) async throws -> Bool {
        try await database.sql().raw(
            """
            UPDATE webhook_deliveries SET claimed_by = \(bind: instance), claimed_until = \(bind: until)
            WHERE id = \(bind: id) AND status = 'pending' AND next_attempt_at <= \(bind: now)
              AND (claimed_until IS NULL OR claimed_until < \(bind: now))
            RETURNING id
            """
        ).first() != nil
    }

    /// Records one attempt made under `instance`'s claim: delivered, retried later with back-off, or
    /// failed for good; the claim is released.
    func recordAttempt(
        _ delivery: Delivery, status: Int?, error: String?, now: Date, instance: String, mayRetry: Bool = true
    ) async throws {
        let attempts = delivery.attempts + 1
        if let status, (200..<300).contains(status) {
            try await database.sql().raw(
                """
                UPDATE webhook_deliveries SET status = 'delivered', attempts = \(bind: attempts), last_status_code = \(bind: status),
                    last_error = NULL, delivered_at = \(bind: now), next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL
                WHERE id = \(bind: delivery.id) AND claimed_by = \(bind: instance)
                """
            ).run()
            return
        }
        let retryAt =
            mayRetry && DeliveryRetry.shouldRetry(status: status)
            ? DeliveryRetry.delay(afterFailedAttempts: attempts).map { now.addingTimeInterval($0) } : nil
        try await database.sql().raw(
            """
            UPDATE webhook_deliveries SET status = \(bind: retryAt == nil ? "failed" : "pending"), attempts = \(bind: attempts),
                last_status_code = \(bind: status), last_error = \(bind: error.map { String($0.prefix(500)) }), next_attempt_at = \(bind: retryAt),
                claimed_by = NULL, claimed_until = NULL
            WHERE id = \(bind: delivery.id) AND claimed_by = \(bind: instance)
            """
        ).run()
    }
}
