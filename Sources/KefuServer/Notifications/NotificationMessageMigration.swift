import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Notifications store their title as a message key and its arguments (issue 9 §7). A title written
/// before in either language is recognised by its event's title template (`reminder.title.<event>`
/// with one `{name}`) and converted; one of no known shape keeps its text under
/// `notification.legacy`. The conversion is one UPDATE per template, not per row: the bell holds
/// hundreds of thousands of old notifications.
struct AddNotificationMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw(
            "ALTER TABLE notifications ADD COLUMN message_key TEXT NOT NULL DEFAULT 'notification.legacy'"
        ).run()
        try await sql.raw("ALTER TABLE notifications ADD COLUMN message_args TEXT NOT NULL DEFAULT '{}'").run()
        // The migration list is built without the app: the titles are read where the app reads them.
        let localizer = try Localizer.load(from: DirectoryConfiguration.detect().resourcesDirectory + "Localization")
        try await Self.convertLegacyTitles(localizer: localizer, on: database)
    }

    static func convertLegacyTitles(localizer: Localizer, on database: any Database) async throws {
        let sql = try database.sql()
        for (_, table) in localizer.tables.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for (key, template) in table.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: ".", maxSplits: 2)
                guard parts.count == 3, parts[0] == "reminder", parts[1] == "title" else { continue }
                guard let open = template.firstIndex(of: "{"), let close = template.firstIndex(of: "}"),
                    template[template.index(after: close)...].firstIndex(of: "{") == nil
                else { continue }
                let prefix = String(template[..<open]), suffix = String(template[template.index(after: close)...])
                let name = String(template[template.index(after: open)..<close])
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    continue
                }
                let event = String(parts[2])
                // The value between the template's fixed parts, as a JSON string (quotes and backslashes
                // escaped), in SQL both databases read alike.
                let value: SQLQueryString =
                    "SUBSTR(title, \(unsafeRaw: String(prefix.count + 1)), LENGTH(title) - \(unsafeRaw: String(prefix.count + suffix.count)))"
                let json: SQLQueryString =
                    "'{\"\(unsafeRaw: name)\":\"' || REPLACE(REPLACE(\(value), '\\', '\\\\'), '\"', '\\\"') || '\"}'"
                try await sql.raw(
                    """
                    UPDATE notifications SET message_key = \(bind: key), message_args = \(json)
                    WHERE message_key = \(bind: StoredMessage.legacyNotification) AND event = \(bind: event)
                      AND LENGTH(title) > \(unsafeRaw: String(prefix.count + suffix.count))
                      AND SUBSTR(title, 1, \(unsafeRaw: String(prefix.count))) = \(bind: prefix)
                      AND SUBSTR(title, LENGTH(title) - \(unsafeRaw: String(suffix.count - 1))) = \(bind: suffix)
                    """
                ).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("notifications").deleteField("message_args").deleteField("message_key").update()
    }
}

/// Webhook deliveries keep their title's message key and arguments (issue 9 §7), sent to the JSON
/// receiver next to the text. Deliveries queued before have none (NULL): they are sent as they were.
struct AddWebhookDeliveryMessages: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("ALTER TABLE webhook_deliveries ADD COLUMN message_key TEXT").run()
        try await sql.raw("ALTER TABLE webhook_deliveries ADD COLUMN message_args TEXT NOT NULL DEFAULT '{}'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").deleteField("message_args").deleteField("message_key").update()
    }
}
