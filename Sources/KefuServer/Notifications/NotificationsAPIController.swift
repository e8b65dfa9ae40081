import Foundation
import KefuDomain
import Vapor

/// `/api/v1/notifications` (one's own bell) and `/api/v1/webhooks` (targets, test-send, delivery log).
struct NotificationsAPIController: RouteCollection {
    struct NotificationDTO: Content {
        var id: Int; var event: String; var title: String; var body: String; var link: String?; var createdAt: Date;
        var readAt: Date?
        /// What is stored (issue 9 §7): `title` is this message in the reader's language.
        var messageKey: String; var messageArgs: [String: StoredArgument]
    }
    struct ReadRequest: Content { var ids: [Int]? }
    struct ReadResult: Content { var marked: Int; var unread: Int }
    struct UnreadDTO: Content { var unread: Int }
    struct WebhookDTO: Content {
        var id: Int; var name: String; var platform: String; var url: String; var hasSecret: Bool; var events: [String];
        var isActive: Bool
        var version: Int; var updatedAt: Date
        init(_ row: WebhookStore.Row) {
            id = row.id; name = row.name; platform = row.platform; url = row.url;
            hasSecret = !(row.secret ?? "").isEmpty
            events = row.eventList.map(\.rawValue); isActive = row.isActive; version = row.version;
            updatedAt = row.updatedAt
        }
    }
    struct WebhookInput: Content {
        var name: String?; var platform: String?; var url: String?; var secret: String?; var events: [String]?;
        var isActive: Bool?; var version: Int?
    }
    struct DeliveryDTO: Content {
        var id: Int; var event: String; var title: String; var status: String; var attempts: Int;
        var nextAttemptAt: Date?
        var lastStatusCode: Int?; var lastError: String?; var createdAt: Date; var deliveredAt: Date?
        /// `lastError` in words, from the stored key (``WebhookFailure``), never the transport's detail.
        init(_ row: WebhookStore.Delivery, localize: (String) -> String) {
            id = row.id; event = row.event; title = row.title; status = row.status; attempts = row.attempts;
            nextAttemptAt = row.nextAttemptAt
            lastStatusCode = row.lastStatusCode;
            lastError = WebhookFailure.messageKey(forStored: row.lastError).map(localize)
            createdAt = row.createdAt; deliveredAt = row.deliveredAt
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let notifications = routes.grouped("notifications").requiring(.viewNotifications)
        notifications.get(use: list)
        notifications.get("unread-count", use: unread)
        notifications.post("read", use: markRead)
        let webhooks = routes.grouped("webhooks").requiring(.manageWebhooks)
        webhooks.get(use: webhookList)
        webhooks.post(use: createWebhook)
        webhooks.get(":id", use: showWebhook)
        webhooks.patch(":id", use: updateWebhook)
        webhooks.post(":id", "test", use: testWebhook)
        webhooks.get(":id", "deliveries", use: deliveries)
    }

    @Sendable func list(req: Request) async throws -> PageDTO<NotificationDTO> {
        let staffID = try req.requireStaff().id
        let paging = try req.paging
        let (rows, total) = try await NotificationStore(database: req.db).page(staffID: staffID, paging: paging)
        let words = req.words
        return PageDTO(
            items: rows.map {
                NotificationDTO(
                    id: $0.id, event: $0.event, title: words.notificationTitle($0),
                    body: words.notificationBody($0.body),
                    link: $0.link, createdAt: $0.createdAt, readAt: $0.readAt, messageKey: $0.messageKey,
                    messageArgs: $0.message.arguments)
            },
            request: paging, total: total)
    }

    @Sendable func unread(req: Request) async throws -> UnreadDTO {
        UnreadDTO(unread: try await NotificationStore(database: req.db).unreadCount(staffID: try req.requireStaff().id))
    }

    @Sendable func markRead(req: Request) async throws -> ReadResult {
        let staffID = try req.requireStaff().id
        let input = try req.content.decode(ReadRequest.self)
        let store = NotificationStore(database: req.db)
        let marked = try await store.markRead(
            staffID: staffID, ids: input.ids.map { Array($0.prefix(1000)) }, now: req.now)
        return ReadResult(marked: marked, unread: try await store.unreadCount(staffID: staffID))
    }

    @Sendable func webhookList(req: Request) async throws -> [WebhookDTO] {
        try await WebhookStore(database: req.db).all().map(WebhookDTO.init)
    }

    static func draft(_ input: WebhookInput, over row: WebhookStore.Row? = nil) -> WebhookDraft {
        WebhookDraft(
            name: input.name ?? row?.name ?? "", platform: input.platform ?? row?.platform ?? "",
            url: input.url ?? row?.url ?? "",
            secret: input.secret ?? row?.secret ?? "", events: input.events ?? row?.eventList.map(\.rawValue) ?? [],
            isActive: input.isActive ?? row?.isActive ?? true)
    }

    @Sendable func createWebhook(req: Request) async throws -> Response {
        let settings = try WebhookValidation.validate(Self.draft(try req.content.decode(WebhookInput.self))).get()
        let store = WebhookStore(database: req.db)
        let id = try await store.create(settings, context: req.auditContext)
        guard let row = try await store.find(id) else { throw KefuError.notFound }
        return try await WebhookDTO(row).encodeResponse(status: .created, for: req)
    }

    static func webhook(_ req: Request) async throws -> WebhookStore.Row {
        guard let id = req.parameters.get("id", as: Int.self),
            let row = try await WebhookStore(database: req.db).find(id)
        else { throw KefuError.notFound }
        return row
    }

    @Sendable func showWebhook(req: Request) async throws -> WebhookDTO { WebhookDTO(try await Self.webhook(req)) }

    @Sendable func updateWebhook(req: Request) async throws -> WebhookDTO {
        let row = try await Self.webhook(req)
        let input = try req.content.decode(WebhookInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let settings = try WebhookValidation.validate(Self.draft(input, over: row)).get()
        let store = WebhookStore(database: req.db)
        try await store.update(
            row.id, with: settings, keepSecret: input.secret == nil, version: version, context: req.auditContext)
        guard let saved = try await store.find(row.id) else { throw KefuError.notFound }
        return WebhookDTO(saved)
    }

    @Sendable func testWebhook(req: Request) async throws -> DeliveryDTO {
        let row = try await Self.webhook(req)
        return DeliveryDTO(try await req.sendTestMessage(to: row)) { req.t($0) }
    }

    @Sendable func deliveries(req: Request) async throws -> [DeliveryDTO] {
        let row = try await Self.webhook(req)
        return try await WebhookStore(database: req.db).deliveries(webhookID: row.id).map {
            DeliveryDTO($0) { req.t($0) }
        }
    }
}

extension Request {
    /// Sends a test message to one webhook now (a short timeout: it is the one request that waits on
    /// a target) and returns the logged attempt.
    func sendTestMessage(to row: WebhookStore.Row) async throws -> WebhookStore.Delivery {
        let store = WebhookStore(database: db)
        let notice = WebhookNotice(
            event: .test, title: t("webhook.test_title"), lines: [t("webhook.test_line", ["name": row.name])],
            link: kefu.configuration.baseURL, linkText: t("webhook.link_text"), occurredAt: now,
            messageKey: "webhook.test_title")
        guard
            let id = try await store.enqueue(
                notice, dedupeKey: "test:\(UUID().uuidString)", now: now, onlyWebhook: row.id
            ).first,
            let delivery = try await store.delivery(id)
        else { throw KefuError.notFound }
        let sender = WebhookSender(
            store: store, transport: WebhookSender.httpTransport(application, timeout: .seconds(5)),
            linkText: t("webhook.link_text"),
            instanceID: application.scheduler.instanceID, clock: kefu.clock)
        try await sender.attempt(delivery, webhook: row, now: now)
        try await AuditLog.record(
            "webhook.tested", recordType: "webhook", recordID: String(row.id), context: auditContext, on: db)
        return try await store.delivery(id) ?? delivery
    }
}
