import KefuDomain

/// The notification and webhook operations and schemas of the OpenAPI document.
extension NotificationsAPIController {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/notifications", tag: "Notifications",
            summary: "Your notifications, unread first",
            parameters: OpenAPIParameters.page, responses: [200: "NotificationPage"]),
        APIOperation(
            method: .GET, path: "/api/v1/notifications/unread-count", tag: "Notifications",
            summary: "How many are unread (the bell)",
            responses: [200: "UnreadCount"]),
        APIOperation(
            method: .POST, path: "/api/v1/notifications/read", tag: "Notifications",
            summary: "Mark the named notifications read, or all without ids",
            requestSchema: "NotificationRead", responses: [200: "NotificationReadResult"]),
        APIOperation(
            method: .GET, path: "/api/v1/webhooks", tag: "Webhooks",
            summary: "Webhook targets (WeCom, DingTalk, Feishu group robots, or JSON)",
            responses: [200: "WebhookList"]),
        APIOperation(
            method: .POST, path: "/api/v1/webhooks", tag: "Webhooks", summary: "Add a webhook target",
            requestSchema: "WebhookInput", responses: [201: "Webhook"]),
        APIOperation(
            method: .GET, path: "/api/v1/webhooks/{id}", tag: "Webhooks", summary: "One webhook target",
            parameters: [OpenAPIParameters.id], responses: [200: "Webhook"]),
        APIOperation(
            method: .PATCH, path: "/api/v1/webhooks/{id}", tag: "Webhooks",
            summary: "Change a webhook target (version required; absent secret keeps the stored one)",
            parameters: [OpenAPIParameters.id], requestSchema: "WebhookInput", responses: [200: "Webhook"]),
        APIOperation(
            method: .POST, path: "/api/v1/webhooks/{id}/test", tag: "Webhooks",
            summary: "Send a test message now and return the logged attempt",
            parameters: [OpenAPIParameters.id], responses: [200: "WebhookDelivery"]),
        APIOperation(
            method: .GET, path: "/api/v1/webhooks/{id}/deliveries", tag: "Webhooks",
            summary: "The delivery log, newest first",
            parameters: [OpenAPIParameters.id], responses: [200: "WebhookDeliveryList"]),
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string"),
            events = ReminderEvent.allCases.map(\.rawValue)
        return [
            "Notification": Schema.object(
                [
                    "id": Schema.integer, "event": Schema.enumeration(events), "title": text, "body": text,
                    "link": nullableText,
                    "createdAt": Schema.dateTime, "readAt": Schema.nullable("string", format: "date-time"),
                    "messageKey": [
                        "type": "string",
                        "description":
                            "The title's localization key (notification.legacy: a title written before keys)",
                    ],
                    "messageArgs": [
                        "type": "object", "description": "The title's arguments, values shown as they are",
                    ],
                ], required: ["id", "event", "title", "body", "createdAt", "messageKey", "messageArgs"]),
            "NotificationPage": Schema.page(of: "Notification"),
            "UnreadCount": Schema.object(["unread": Schema.integer], required: ["unread"]),
            "NotificationRead": [
                "type": "object", "properties": ["ids": ["type": ["array", "null"], "items": Schema.integer]],
            ],
            "NotificationReadResult": Schema.object(
                ["marked": Schema.integer, "unread": Schema.integer], required: ["marked", "unread"]),
            "Webhook": Schema.object(
                [
                    "id": Schema.integer, "name": text,
                    "platform": Schema.enumeration(WebhookPlatform.allCases.map(\.rawValue)), "url": text,
                    "hasSecret": Schema.boolean, "events": ["type": "array", "items": Schema.enumeration(events)],
                    "isActive": Schema.boolean,
                    "version": Schema.integer, "updatedAt": Schema.dateTime,
                ],
                required: ["id", "name", "platform", "url", "hasSecret", "events", "isActive", "version", "updatedAt"]),
            "WebhookList": ["type": "array", "items": Schema.ref("Webhook")],
            "WebhookInput": [
                "type": "object",
                "properties": [
                    "name": nullableText,
                    "platform": [
                        "anyOf": [Schema.enumeration(WebhookPlatform.allCases.map(\.rawValue)), ["type": "null"]]
                    ],
                    "url": nullableText, "secret": nullableText, "events": ["type": ["array", "null"], "items": text],
                    "isActive": Schema.nullable("boolean"),
                    "version": Schema.nullable("integer"),
                ],
            ],
            "WebhookDelivery": Schema.object(
                [
                    "id": Schema.integer, "event": text, "title": text,
                    "status": Schema.enumeration(["pending", "delivered", "failed"]), "attempts": Schema.integer,
                    "nextAttemptAt": Schema.nullable("string", format: "date-time"),
                    "lastStatusCode": Schema.nullable("integer"), "lastError": nullableText,
                    "createdAt": Schema.dateTime, "deliveredAt": Schema.nullable("string", format: "date-time"),
                ], required: ["id", "event", "title", "status", "attempts", "createdAt"]),
            "WebhookDeliveryList": ["type": "array", "items": Schema.ref("WebhookDelivery")],
        ]
    }
}
