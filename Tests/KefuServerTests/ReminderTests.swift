import Fluent
import Foundation
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Reminders, the bell and webhooks (issue 4 §7).
@Suite("Reminders and webhooks")
struct ReminderTests {
    /// Records what would have been sent, answering with the statuses given in turn.
    final class FakeTarget: Sendable {
        let sent = NIOLockedValueBox<[(URL, HTTPHeaders, Data)]>([])
        let statuses: NIOLockedValueBox<[Int]>
        init(_ statuses: [Int]) { self.statuses = NIOLockedValueBox(statuses) }
        var transport: WebhookSender.Transport {
            { url, headers, body in
                self.sent.withLockedValue { $0.append((url, headers, body)) }
                return self.statuses.withLockedValue { $0.isEmpty ? 200 : $0.removeFirst() }
            }
        }
    }

    @Test("a promised reply reminds its owner once two hours before, and again when overdue; the bell counts them")
    func promisedReplyReminders() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "电费怎么算？", answeredOnTheSpot: false,
                            promisedBy: ISO8601DateFormatter().string(from: testStart.addingTimeInterval(3 * 3600))))
                }
            ) { res async throws in #expect(res.status == .created) }
            let reminders = Reminders(app: t.app)
            // Three hours before: nothing. Exactly two hours before: due soon, once.
            #expect(try await reminders.scan(now: testStart).isEmpty)
            t.clock.advance(by: 3600)
            #expect(try await reminders.scan(now: t.clock.clock.now).map(\.reminder.event) == [.promisedReplyDueSoon])
            _ = try await reminders.scan(now: t.clock.clock.now.addingTimeInterval(60))
            let linaID = try await t.staff("lina").requireID()
            #expect(try await NotificationStore(database: t.app.db).unreadCount(staffID: linaID) == 1)
            t.clock.advance(by: 2 * 3600 + 1)
            #expect(try await reminders.scan(now: t.clock.clock.now).map(\.reminder.event) == [.promisedReplyOverdue])
            #expect(try await NotificationStore(database: t.app.db).unreadCount(staffID: linaID) == 2)
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(.GET, "/notifications", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                let html = res.body.string
                #expect(html.contains("id=\"unread-count\">2<") && html.contains("承诺答复已逾期：ZX-2026-000001"))
            }
            // The bell counts up to a hundred: beyond, it says 99+ (every page reads it with the session).
            for n in 0..<120 {
                try await t.app.db.sql().raw(
                    """
                    INSERT INTO notifications (staff_id, event, title, body, dedupe_key, created_at)
                    VALUES (\(bind: linaID), 'test', 't', 'b', \(bind: "bell-cap-\(n)"), 0)
                    """
                ).run()
            }
            try await t.app.testing().test(.GET, "/notifications", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("id=\"unread-count\">99+<"))
            }
            try await t.app.testing().test(
                .POST, "/api/v1/notifications/read",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(NotificationsAPIController.ReadRequest(ids: nil))
                }
            ) { res async throws in
                #expect(try res.content.decode(NotificationsAPIController.ReadResult.self).unread == 0)
            }
        }
    }

    @Test(
        "webhooks: validated, queued per event, signed, retried with back-off after a failure, logged; a specialist may not configure them"
    )
    func webhooks() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/webhooks",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        NotificationsAPIController.WebhookInput(
                            name: "钉钉群", platform: "dingtalk", url: "http://evil.example/hook", events: []))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("\"url\"") && res.body.string.contains("\"events\""))
            }
            var webhookID = 0
            try await t.app.testing().test(
                .POST, "/api/v1/webhooks",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        NotificationsAPIController.WebhookInput(
                            name: "客服系统对接", platform: "json", url: "https://hooks.example.com/kefu",
                            secret: "s3cret", events: ["follow_up.overdue"], isActive: true))
                }
            ) { res async throws in
                #expect(res.status == .created)
                let body = try res.content.decode(NotificationsAPIController.WebhookDTO.self)
                #expect(body.hasSecret && !res.body.string.contains("s3cret"), "the secret is never shown")
                webhookID = body.id
            }
            let specialist = try await t.token(.specialist)
            try await t.app.testing().test(.GET, "/api/v1/webhooks", beforeRequest: { req in req.bearer(specialist) }) {
                res async throws in
                #expect(res.status == .forbidden)
            }
            // An overdue follow-up is queued for the webhook; a due-today one is not (not subscribed).
            let customer = try await createCustomer(
                t, token: specialist,
                [
                    "name": "李娜", "companyName": "北京传媒有限公司", "mobile": "13912345678", "stage": "intent",
                    "followUpDueAt": "2026-12-20T10:00", "followUpPurpose": "月底回访",
                ])
            _ = try await FollowUpStore(database: t.app.db).plan(
                .init(
                    dueAt: ISO8601DateFormatter().string(from: testStart.addingTimeInterval(600)), channel: "phone",
                    purpose: "回访"),
                customerID: customer.id, context: .console(now: testStart), timeZone: DisplayFormat.timeZone)
            let later = testStart.addingTimeInterval(3600)
            let messages = try await Reminders(app: t.app).scan(now: later)
            #expect(messages.map(\.reminder.event) == [.followUpOverdue])
            let store = WebhookStore(database: t.app.db)
            let target = FakeTarget([503, 200])
            let sender = WebhookSender(
                store: store, transport: target.transport, linkText: "查看详情", instanceID: "test", clock: t.clock.clock)
            #expect(try await sender.deliverDue(now: later) == 1)
            var log = try await store.deliveries(webhookID: webhookID)
            #expect(log.first?.status == "pending" && log.first?.attempts == 1 && log.first?.lastStatusCode == 503)
            #expect(log.first?.nextAttemptAt == later.addingTimeInterval(30))
            // Not yet due again; then delivered.
            #expect(try await sender.deliverDue(now: later.addingTimeInterval(10)) == 0)
            #expect(try await sender.deliverDue(now: later.addingTimeInterval(30)) == 1)
            log = try await store.deliveries(webhookID: webhookID)
            #expect(log.first?.status == "delivered" && log.first?.attempts == 2)
            let (url, headers, body) = try #require(target.sent.withLockedValue { $0.last })
            #expect(url.absoluteString == "https://hooks.example.com/kefu")
            let signature = try #require(headers.first(name: "X-Kefu-Signature"))
            let timestamp = Date(
                timeIntervalSince1970: (later.addingTimeInterval(30).timeIntervalSince1970).rounded(.down))
            let expected = WebhookSender.hmac(
                key: "s3cret", message: WebhookMessages.jsonSigningMessage(timestamp: timestamp, body: body))
            #expect(
                signature
                    == WebhookMessages.jsonSignatureHeader(
                        timestamp: timestamp, hexDigest: expected.map { String(format: "%02x", $0) }.joined()))
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            #expect(
                json?["event"] as? String == "follow_up.overdue" && (json?["title"] as? String)?.contains("李娜") == true)
            // Scanning again queues nothing new.
            _ = try await Reminders(app: t.app).scan(now: later.addingTimeInterval(120))
            #expect(try await store.deliveries(webhookID: webhookID).count == 1)
        }
    }

    @Test(
        "a batch of reminders past one statement's rows: every one on the bell and queued for each webhook that takes its event, once, however often recorded",
        arguments: TestDatabase.available)
    func batchedReminders(on database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let webhooks = WebhookStore(database: t.app.db)
            let url = try #require(URL(string: "https://hooks.example.com/kefu"))
            let subscribed = try await webhooks.create(
                WebhookSettings(
                    name: "订阅", platform: .json, url: url, secret: nil, events: [.obligationOverdue], isActive: true),
                context: .console(now: testStart))
            let otherEvent = try await webhooks.create(
                WebhookSettings(
                    name: "别的事件", platform: .json, url: url, secret: nil, events: [.followUpOverdue], isActive: true),
                context: .console(now: testStart))
            let inactive = try await webhooks.create(
                WebhookSettings(
                    name: "停用", platform: .json, url: url, secret: nil, events: [.obligationOverdue], isActive: false),
                context: .console(now: testStart))
            let lina = try await t.staff("lina").requireID(), wangjing = try await t.staff("wangjing").requireID()
            let messages = (1...250).map { index in
                Reminders.Message(
                    reminder: Reminder(
                        event: .obligationOverdue, recordType: "contract_obligation", recordID: index, staffID: lina,
                        dueAt: testStart,
                        dedupeKey: "obligation.overdue:\(index)"),
                    titleKey: "reminder.title.obligation.overdue", arguments: ["title": "第\(index)期款"],
                    lines: ["HT-2026-\(index)"],
                    path: "/contracts/\(index)", recipients: [lina, wangjing, lina])
            }
            let reminders = Reminders(app: t.app)
            try await reminders.record(messages, now: testStart)
            try await reminders.record(messages, now: testStart.addingTimeInterval(60))
            let sql = try t.app.db.sql()
            func count(_ query: SQLQueryString) async throws -> Int {
                try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(try await count("SELECT COUNT(*) AS n FROM notifications WHERE staff_id = \(bind: lina)") == 250)
            #expect(
                try await count("SELECT COUNT(*) AS n FROM notifications WHERE staff_id = \(bind: wangjing)") == 250)
            #expect(try await count("SELECT COUNT(DISTINCT dedupe_key) AS n FROM notifications") == 250)
            #expect(
                try await count("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = \(bind: subscribed)")
                    == 250)
            #expect(
                try await count(
                    "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id IN (\(bind: otherEvent), \(bind: inactive))"
                ) == 0)
            let first = try #require(
                try await webhooks.deliveries(webhookID: subscribed, limit: 300).first { $0.title.contains("第7期款") })
            #expect(first.lineList == ["HT-2026-7"] && first.status == "pending")
        }
    }

    @Test(
        "a target that keeps failing is given up after the last attempt, and never blocks the request that caused the event"
    )
    func givesUp() async throws {
        try await withApp { t in
            let store = WebhookStore(database: t.app.db)
            let settings = try WebhookValidation.validate(
                WebhookDraft(
                    name: "飞书", platform: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/x",
                    secret: "k", events: ["follow_up.due"])
            ).get()
            let id = try await store.create(settings, context: .console(now: testStart))
            let notice = WebhookNotice(
                event: .followUpDue, title: "今日跟进：张伟", lines: ["回访"], link: nil, linkText: "查看详情", occurredAt: testStart
            )
            _ = try await store.enqueue(notice, dedupeKey: "k1", now: testStart)
            let target = FakeTarget(Array(repeating: 500, count: 10))
            let sender = WebhookSender(
                store: store, transport: target.transport, linkText: "查看详情", instanceID: "test", clock: t.clock.clock)
            var now = testStart
            for _ in 0..<DeliveryRetry.maximumAttempts {
                _ = try await sender.deliverDue(now: now)
                now = now.addingTimeInterval(3 * 3600)
            }
            let log = try await store.deliveries(webhookID: id)
            #expect(log.first?.status == "failed" && log.first?.attempts == DeliveryRetry.maximumAttempts)
            // Feishu signs in the body.
            let body = try #require(target.sent.withLockedValue { $0.first?.2 })
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any]
            #expect(json?["sign"] is String && json?["timestamp"] is String)
        }
    }
}

@Suite("Webhook deliveries claimed one by one (issue 17 §2)")
struct WebhookClaimTests {
    @Test("two senders on one database and a slow receiver: exactly one POST per delivery, each delivered once")
    func exactlyOnce() async throws {
        try await withApp { t in
            let posts = try await postsPerDeliveryWithTwoSenders(
                first: t.app, second: t.app, count: 20, receiverDelay: .milliseconds(30), now: Date())
            #expect(posts.count == 20)
            #expect(posts.values.allSatisfy { $0 == 1 }, "\(posts)")
            let delivered = try await WebhookStore(database: t.app.db).dueDeliveries(
                now: Date().addingTimeInterval(3600))
            #expect(delivered.isEmpty)
        }
    }

    @Test("a live claim keeps the row from a second sender; a lapsed one lets it be sent again")
    func claims() async throws {
        try await withApp { t in
            let store = WebhookStore(database: t.app.db)
            let settings = try WebhookValidation.validate(
                WebhookDraft(
                    name: "接收端", platform: "json", url: "https://hooks.example.com/k", secret: "",
                    events: ["follow_up.due"])
            ).get()
            _ = try await store.create(settings, context: .console(now: testStart))
            let notice = WebhookNotice(
                event: .followUpDue, title: "今日跟进", lines: [], link: nil, linkText: "查看详情", occurredAt: testStart)
            let id = try #require(try await store.enqueue(notice, dedupeKey: "k", now: testStart).first)
            #expect(try await store.claim(id, by: "a", now: testStart, until: testStart.addingTimeInterval(120)))
            #expect(
                try await !store.claim(
                    id, by: "b", now: testStart.addingTimeInterval(60), until: testStart.addingTimeInterval(180)))
            #expect(
                try await store.claim(
                    id, by: "b", now: testStart.addingTimeInterval(121), until: testStart.addingTimeInterval(241)))
            // The first instance's late result no longer counts: b holds the row.
            let delivery = try #require(try await store.delivery(id))
            try await store.recordAttempt(
                delivery, status: 200, error: nil, now: testStart.addingTimeInterval(122), instance: "a")
            #expect(try await store.delivery(id)?.status == "pending")
            try await store.recordAttempt(
                delivery, status: 200, error: nil, now: testStart.addingTimeInterval(123), instance: "b")
            #expect(try await store.delivery(id)?.status == "delivered")
        }
    }
}
