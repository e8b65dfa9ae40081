import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// A webhook's JSON receiver gets the title's message key and arguments next to its text (issue 9 §7).
/// Named so that `.ci/run`'s PostgreSQL filter (`StoredMessageTests`) takes it.
@Suite("Webhook notices carry their message key")
struct WebhookStoredMessageTests {
    struct Sent: Decodable {
        var event: String
        var title: String
        var messageKey: String?
        var messageArgs: [String: String]
    }

    @Test(
        "a reminder posted to a JSON receiver carries the title's key and arguments next to the text; one queued before keys carries none",
        arguments: TestDatabase.available)
    func reminderCarriesItsKey(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let store = WebhookStore(database: t.app.db)
            let settings = try WebhookValidation.validate(
                WebhookDraft(
                    name: "客服系统对接", platform: "json", url: "https://hooks.example.com/kefu",
                    events: ["follow_up.overdue"])
            ).get()
            let webhookID = try await store.create(settings, context: .console(now: testStart))
            let specialist = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: specialist, ["name": "李娜", "companyName": "北京传媒有限公司", "mobile": "13912345678"])
            _ = try await FollowUpStore(database: t.app.db).plan(
                .init(
                    dueAt: ISO8601DateFormatter().string(from: testStart.addingTimeInterval(600)), channel: "phone",
                    purpose: "回访"),
                customerID: customer.id, context: .console(now: testStart), timeZone: DisplayFormat.timeZone)
            let later = testStart.addingTimeInterval(3600)
            _ = try await Reminders(app: t.app).scan(now: later)
            // A delivery queued before titles were stored as keys: the columns' defaults.
            try await t.app.db.sql().raw(
                """
                INSERT INTO webhook_deliveries (webhook_id, event, dedupe_key, title, lines, link, status, attempts, next_attempt_at, created_at)
                VALUES (\(bind: webhookID), 'follow_up.overdue', 'old-1', '跟进已逾期：旧客户', '[]', NULL, 'pending', 0, \(bind: later), \(bind: testStart))
                """
            ).run()

            let target = ReminderTests.FakeTarget([])
            let sender = WebhookSender(
                store: store, transport: target.transport, linkText: "查看详情", instanceID: "test", clock: t.clock.clock)
            #expect(try await sender.deliverDue(now: later) == 2)
            let sent = try target.sent.withLockedValue { $0 }.map {
                try JSONDecoder().decode(Sent.self, from: $0.2)
            }
            let reminder = try #require(sent.first { $0.messageKey != nil })
            #expect(reminder.messageKey == "reminder.title.follow_up.overdue")
            #expect(reminder.messageArgs == ["customer": "李娜"] && reminder.title.contains("李娜"))
            let old = try #require(sent.first { $0.messageKey == nil })
            #expect(old.title == "跟进已逾期：旧客户" && old.messageArgs.isEmpty)
        }
    }
}
