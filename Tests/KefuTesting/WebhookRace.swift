import Foundation
import KefuDomain
import NIOConcurrencyHelpers
import Vapor

@testable import KefuServer

/// Issue 17 §2: two instances sending the same queue to a slow receiver. Queues `count` deliveries
/// through `first`'s database, runs a sender on each instance at once, and returns how many POSTs
/// each delivery received.
package func postsPerDeliveryWithTwoSenders(
    first: Application, second: Application, count: Int, receiverDelay: Duration, now: Date
) async throws -> [String: Int] {
    let store = WebhookStore(database: first.db)
    let settings = try WebhookValidation.validate(
        WebhookDraft(
            name: "接收端", platform: "json", url: "https://hooks.example.com/kefu", secret: "", events: ["follow_up.due"]
        )
    ).get()
    _ = try await store.create(settings, context: .console(now: now))
    for index in 0..<count {
        let notice = WebhookNotice(
            event: .followUpDue, title: "今日跟进 \(index)", lines: ["回访"], link: nil, linkText: "查看详情", occurredAt: now)
        _ = try await store.enqueue(notice, dedupeKey: "race-\(index)", now: now)
    }
    let posts = NIOLockedValueBox([String: Int]())
    let transport: WebhookSender.Transport = { _, headers, _ in
        let id = headers.first(name: WebhookSender.deliveryHeaderName) ?? "?"
        posts.withLockedValue { $0[id, default: 0] += 1 }
        try await Task.sleep(for: receiverDelay)
        return 200
    }
    let senders = [("a", first), ("b", second)].map { instance, app in
        WebhookSender(
            store: WebhookStore(database: app.db), transport: transport, linkText: "查看详情", instanceID: instance)
    }
    try await withThrowingTaskGroup(of: Int.self) { group in
        for sender in senders {
            // Each instance runs the job twice, as a scheduler whose lease ran out would.
            group.addTask { try await sender.deliverDue(now: now) + sender.deliverDue(now: now) }
        }
        try await group.waitForAll()
    }
    return posts.withLockedValue { $0 }
}
