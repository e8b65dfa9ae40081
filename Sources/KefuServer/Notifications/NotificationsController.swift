import Foundation
import KefuDomain
import Vapor

/// The bell's page (通知) and the webhook settings pages (消息推送): targets, test-send, delivery log.
struct NotificationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewNotifications).get(.notifications, use: list)
        routes.requiring(.viewNotifications).post(.notificationsRead, use: markRead)
        routes.requiring(.manageWebhooks).get(.webhooks, use: webhookList)
        routes.requiring(.manageWebhooks).get(.newWebhook, use: newWebhook)
        routes.requiring(.manageWebhooks).post(.webhooks, use: createWebhook)
        routes.requiring(.manageWebhooks).get(.webhook, use: editWebhook)
        routes.requiring(.manageWebhooks).post(.webhook, use: updateWebhook)
        routes.requiring(.manageWebhooks).post(.webhookTest, use: testWebhook)
    }

    struct ListPage: Encodable {
        struct Item: Encodable {
            var id: Int; var title: String; var body: String; var link: String; var createdAt: String;
            var isUnread: Bool
        }
        var items: [Item]
        var hasItems: Bool
        var pager: Pager
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staffID = try req.requireStaff().id
        let paging = try req.paging
        let (rows, total) = try await NotificationStore(database: req.db).page(staffID: staffID, paging: paging)
        let words = req.words
        let page = ListPage(
            items: rows.map {
                .init(
                    id: $0.id, title: words.notificationTitle($0),
                    body: words.notificationBody($0.body), link: $0.link ?? SiteURL.dashboard.path,
                    createdAt: DisplayFormat.dateTime($0.createdAt), isUnread: $0.readAt == nil)
            },
            hasItems: !rows.isEmpty, pager: Pager(request: paging, total: total, path: .notifications, query: [:]))
        return try await req.renderPage("notifications/index", titleKey: "notifications.title", page)
    }

    struct ReadForm: Content { var id: Int? }

    /// Marks one notification read and opens its record, or all read (no id).
    @Sendable func markRead(req: Request) async throws -> Response {
        let staffID = try req.requireStaff().id
        let form = try req.content.decode(ReadForm.self)
        let store = NotificationStore(database: req.db)
        _ = try await store.markRead(staffID: staffID, ids: form.id.map { [$0] }, now: req.now)
        if let id = form.id, let link = try await store.find(id, staffID: staffID)?.link, SiteURL.isSafeRedirect(link) {
            return req.redirect(to: link)
        }
        return req.redirect(to: SiteURL.notifications.path, flash: FlashMessage(.success, "flash.notifications_read"))
    }

    struct WebhookListPage: Encodable {
        struct Item: Encodable {
            var id: Int; var name: String; var platformKey: String; var url: String; var events: String;
            var isActive: Bool
        }
        var items: [Item]
        var hasItems: Bool
    }

    @Sendable func webhookList(req: Request) async throws -> Response {
        let rows = try await WebhookStore(database: req.db).all()
        let page = WebhookListPage(
            items: rows.map { row in
                .init(
                    id: row.id, name: row.name, platformKey: "webhook.platform.\(row.platform)",
                    url: Self.shortURL(row.url),
                    events: req.words.list(row.eventList.map { req.t("reminder.event.\($0.rawValue)") }),
                    isActive: row.isActive)
            }, hasItems: !rows.isEmpty)
        return try await req.renderPage("notifications/webhooks", titleKey: "webhooks.title", page)
    }

    /// The address without its query (robot keys and tokens live there).
    static func shortURL(_ url: String) -> String {
        String(url.split(separator: "?").first ?? "") + (url.contains("?") ? "?…" : "")
    }

    struct FormPage: Encodable {
        struct Attempt: Encodable {
            var createdAt: String; var eventKey: String; var title: String; var statusKey: String; var attempts: Int;
            var detail: String
        }
        var isNew: Bool
        var id: Int?
        var version: Int
        var name: String
        var url: String
        var hasSecret: Bool
        var isActive: Bool
        var platforms: [ChoiceOption]
        var events: [ChoiceOption]
        var errors: [String: String] = [:]
        var formErrorKey: String?
        var attempts: [Attempt] = []
        /// What changed meanwhile, when the form was sent on a stale version.
        var conflict: ConflictView? = nil
        var hasAttempts = false
        var testResult: Attempt?
    }

    private func formPage(_ req: Request, draft: WebhookDraft, row: WebhookStore.Row?) async throws -> FormPage {
        var page = FormPage(
            isNew: row == nil, id: row?.id, version: row?.version ?? 0, name: draft.name, url: draft.url,
            hasSecret: !(row?.secret ?? "").isEmpty,
            isActive: draft.isActive,
            platforms: ChoiceOption.list(
                WebhookPlatform.allCases.map(\.rawValue), labelPrefix: "webhook.platform", selected: draft.platform),
            events: ReminderEvent.allCases.filter { $0 != .test }.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "reminder.event.\($0.rawValue)",
                    isSelected: draft.events.contains($0.rawValue))
            }
        )
        if let row {
            page.attempts = try await WebhookStore(database: req.db).deliveries(webhookID: row.id, limit: 30).map {
                Self.attempt($0) { req.t($0) }
            }
            page.hasAttempts = !page.attempts.isEmpty
        }
        return page
    }

    static func attempt(_ delivery: WebhookStore.Delivery, localize: (String) -> String) -> FormPage.Attempt {
        let failure = WebhookFailure.messageKey(forStored: delivery.lastError).map(localize)
        let detail = [
            delivery.lastStatusCode.map { "HTTP \($0)" }, failure,
            delivery.nextAttemptAt.map { "→ " + DisplayFormat.dateTime($0) },
        ]
        .compactMap { $0 }.joined(separator: " · ")
        return .init(
            createdAt: DisplayFormat.dateTime(delivery.createdAt), eventKey: "reminder.event.\(delivery.event)",
            title: delivery.title,
            statusKey: "webhook.delivery.\(delivery.status)", attempts: delivery.attempts, detail: detail)
    }

    struct Form: Content {
        var name: String?; var platform: String?; var url: String?; var secret: String?; var events: [String]?;
        var isActive: String?; var version: Int?
        var draft: WebhookDraft {
            WebhookDraft(
                name: name ?? "", platform: platform ?? "", url: url ?? "", secret: secret ?? "", events: events ?? [],
                isActive: isActive == "on")
        }
    }

    @Sendable func newWebhook(req: Request) async throws -> Response {
        let page = try await formPage(
            req,
            draft: WebhookDraft(
                platform: WebhookPlatform.wecom.rawValue,
                events: ReminderEvent.allCases.filter { $0 != .test }.map(\.rawValue)), row: nil)
        return try await req.renderPage("notifications/webhook_form", titleKey: "webhooks.title", page)
    }

    @Sendable func createWebhook(req: Request) async throws -> Response {
        let draft = try req.content.decode(Form.self).draft
        switch WebhookValidation.validate(draft) {
        case .success(let settings):
            let id = try await WebhookStore(database: req.db).create(settings, context: req.auditContext)
            return req.redirect(to: SiteURL.webhook(id).path, flash: FlashMessage(.success, "flash.saved"))
        case .failure(let errors):
            var page = try await formPage(req, draft: draft, row: nil)
            page.errors = errors.messages
            return try await req.renderPage(
                "notifications/webhook_form", titleKey: "webhooks.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func editWebhook(req: Request) async throws -> Response {
        let row = try await NotificationsAPIController.webhook(req)
        let draft = WebhookDraft(
            name: row.name, platform: row.platform, url: row.url, secret: "", events: row.eventList.map(\.rawValue),
            isActive: row.isActive)
        return try await req.renderPage(
            "notifications/webhook_form", titleKey: "webhooks.title", try await formPage(req, draft: draft, row: row))
    }

    @Sendable func updateWebhook(req: Request) async throws -> Response {
        let row = try await NotificationsAPIController.webhook(req)
        let form = try req.content.decode(Form.self)
        var draft = form.draft
        // The secret is never shown; left blank it stays as it is.
        let keepSecret = draft.secret.trimmed.isEmpty
        if keepSecret { draft.secret = row.secret ?? "" }
        switch WebhookValidation.validate(draft) {
        case .success(let settings):
            do {
                try await WebhookStore(database: req.db).update(
                    row.id, with: settings, keepSecret: keepSecret, version: try requireFormVersion(form.version),
                    context: req.auditContext)
                return req.redirect(to: SiteURL.webhook(row.id).path, flash: FlashMessage(.success, "flash.saved"))
            } catch let conflict as RecordConflict {
                let row = try await WebhookStore(database: req.db).find(row.id) ?? row
                var page = try await formPage(
                    req,
                    draft: WebhookDraft(
                        name: row.name, platform: row.platform, url: row.url, events: row.eventList.map(\.rawValue),
                        isActive: row.isActive), row: row)
                page.formErrorKey = conflict.messageKey
                // The form shows the saved values; what was typed is not listed (it may carry the secret).
                page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
                return try await req.renderPage(
                    "notifications/webhook_form", titleKey: "webhooks.title", page, status: .conflict)
            }
        case .failure(let errors):
            draft.secret = ""
            var page = try await formPage(req, draft: draft, row: row)
            page.errors = errors.messages
            page.version = form.version ?? row.version
            return try await req.renderPage(
                "notifications/webhook_form", titleKey: "webhooks.title", page, status: .unprocessableEntity)
        }
    }

    @Sendable func testWebhook(req: Request) async throws -> Response {
        let row = try await NotificationsAPIController.webhook(req)
        let delivery = try await req.sendTestMessage(to: row)
        let draft = WebhookDraft(
            name: row.name, platform: row.platform, url: row.url, events: row.eventList.map(\.rawValue),
            isActive: row.isActive)
        var page = try await formPage(req, draft: draft, row: row)
        page.testResult = Self.attempt(delivery) { req.t($0) }
        return try await req.renderPage("notifications/webhook_form", titleKey: "webhooks.title", page)
    }
}
