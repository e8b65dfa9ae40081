import Vapor

/// A webhook of the department's group chat (S5): the administrator keeps it. Its changes go through
/// the one write path; the URL and the secret carry the chat's access token, so neither is kept in the
/// change history.
enum WebhookKind: RecordKind {
    static let recordType = "webhook", table = "webhooks"
    static var row: RecordRow? { .decoded(WebhookStore.Row.self) }
    static let tracked = ["name", "platform", "events", "is_active"]
    static let conflictMessageKey = "error.conflict.webhook"
}

extension WebhookKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> NotificationsAPIController.WebhookDTO? {
        try await WebhookStore(database: request.db).find(id).map(NotificationsAPIController.WebhookDTO.init)
    }
}
