import Fluent
import Foundation
import SQLKit

/// Notes on the bell for the person a penalty or award concerns (R7.2: the person is notified), and
/// for whoever must decide an appeal. Not scheduled reminders — no webhook; stored in the default
/// language and as its key and arguments, shown in the reader's (issue 9 §7).
struct ConductNotices: Sendable {
    let localizer: Localizer

    func add(
        to staffID: Int, event: String, arguments: [String: String], body: String, link: String, context: AuditContext,
        on database: any Database
    ) async throws {
        let message = StoredMessage("reminder.title.\(event)", arguments.mapValues { .value($0) })
        let title = localizer.text(message.key, .zhHans, arguments)
        try await database.sql().raw(
            """
            INSERT INTO notifications (staff_id, event, title, body, link, dedupe_key, created_at, message_key, message_args)
            VALUES (\(bind: staffID), \(bind: event), \(bind: title), \(bind: String(body.prefix(500))), \(bind: link),
                    \(bind: "\(event):\(UUID().uuidString)"), \(bind: context.now), \(bind: message.key), \(bind: message.argumentsJSON))
            """
        ).run()
    }

    /// The active people of a role (leadership, the department's supervisor) who decide or approve.
    static func people(role: String, departmentID: Int?, on database: any Database) async throws -> [Int] {
        var condition: SQLQueryString = "role = \(bind: role) AND is_active = \(bind: true)"
        if let departmentID { condition = condition + " AND department_id = \(bind: departmentID)" }
        return try await database.sql().raw("SELECT id FROM staff WHERE \(condition) ORDER BY id").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
    }
}
