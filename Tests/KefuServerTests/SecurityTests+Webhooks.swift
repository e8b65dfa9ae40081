import Fluent
import Foundation
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 11 #7: webhooks reach public destinations only.
extension SecurityTests {
    // MARK: - #7 webhook destinations

    static let refusedWebhookURLs = [
        "https://169.254.169.254/latest/meta-data", "https://127.0.0.1/hook", "https://10.1.2.3/hook",
        "https://172.16.5.4/hook",
        "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://0.0.0.0/hook", "https://[::1]/hook",
        "https://[::]/hook",
        "https://[fe80::1]/hook", "https://[fd00::1]/hook", "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:a9fe:a9fe]/hook",
        "https://2852039166/hook", "https://0xa9fea9fe/hook", "https://0251.0376.0251.0376/hook",
        "https://0177.0.0.1/hook",
        "https://127.1/hook", "https://0x7f.0.0.1/hook", "https://localhost/hook", "https://kefu.localhost/hook",
        "https://redis/hook",
        "https://db.internal/hook", "https://printer.local/hook", "https://hooks.example.com:6379/hook",
        "https://hooks.example.com:22/",
        "http://hooks.example.com/hook", "https://user:pw@hooks.example.com/hook",
    ]

    @Test(
        "#7 a webhook to a non-public destination or an odd port is refused when saved, and nothing is stored",
        arguments: refusedWebhookURLs)
    func refusedWebhook(url: String) async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/webhooks",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        NotificationsAPIController.WebhookInput(
                            name: "内网", platform: "json", url: url, events: ["follow_up.overdue"], isActive: true))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity, "saved \(url)")
                #expect(res.body.string.contains("\"url\""))
            }
            #expect(try await WebhookStore(database: t.app.db).all().isEmpty)
            #expect(try await t.auditEntries("webhook.created").isEmpty)
        }
    }

    @Test("#7 chat platforms need HTTPS on their own host and port")
    func platformHostsNeedHTTPS() {
        for (platform, url) in [
            ("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),
            ("dingtalk", "https://oapi.dingtalk.com:8443/robot/send"),
            ("feishu", "https://open.feishu.cn.evil.example/open-apis/bot/v2/hook/x"),
            ("dingtalk", "https://127.0.0.1/robot/send"),
        ] {
            #expect(throws: FieldErrors.self, "\(url)") {
                try WebhookValidation.validate(
                    WebhookDraft(name: "群", platform: platform, url: url, events: ["follow_up.due"])
                ).get()
            }
        }
    }

    /// A transport that records where it would have connected.
    final class Resolved: Sendable {
        let names: NIOLockedValueBox<[String]> = .init([])
    }

    @Test(
        "#7 at send time, a name that resolves to a private address is refused, and the log says so without socket detail"
    )
    func resolvedToPrivate() async throws {
        try await withApp { t in
            let asked = Resolved()
            let resolver = HostResolver { host in
                asked.names.withLockedValue { $0.append(host) }
                return host == "rebind.example.com"
                    ? [IPAddress("114.114.114.114")!, IPAddress("10.0.0.7")!] : [IPAddress("::1")!]
            }
            let transport = WebhookSender.safeTransport(
                eventLoopGroup: t.app.eventLoopGroup, resolver: resolver, timeout: .seconds(1))
            for url in [
                "https://rebind.example.com/hook", "https://loopback.example.com/hook", "https://[::1]/hook",
                "https://2852039166/",
            ] {
                await #expect(throws: WebhookFailure.refusedDestination, "\(url)") {
                    _ = try await transport(URL(string: url)!, [:], Data("{}".utf8))
                }
            }
            #expect(asked.names.withLockedValue { $0 } == ["rebind.example.com", "loopback.example.com"])

            // A target stored by an older version that allowed it: the test-send refuses it, shows why in
            // words, and does not try again.
            let store = WebhookStore(database: t.app.db)
            let settings = WebhookSettings(
                name: "旧的本机接收", platform: .json, url: URL(string: "https://127.0.0.1:6379/x")!, secret: nil,
                events: [.followUpDue], isActive: true)
            let id = try await store.create(settings, context: .console(now: testStart))
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/webhooks/\(id)/test", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(res.status == .ok, "\(res.body.string)")
                let body = res.body.string
                #expect(body.contains("目标地址不在公网上"))
                #expect(!body.contains("6379") && !body.lowercased().contains("refused") && !body.contains("errno"))
                let delivery = try res.content.decode(NotificationsAPIController.DeliveryDTO.self)
                #expect(delivery.status == "failed" && delivery.nextAttemptAt == nil)
            }
        }
    }

    @Test("#7 a redirect is not followed: it is recorded as a failure in words")
    func redirectNotFollowed() async throws {
        try await withApp { t in
            let store = WebhookStore(database: t.app.db)
            let settings = try WebhookValidation.validate(
                WebhookDraft(
                    name: "JSON", platform: "json", url: "https://hooks.example.com/kefu", events: ["follow_up.due"])
            ).get()
            let id = try await store.create(settings, context: .console(now: testStart))
            let notice = WebhookNotice(
                event: .followUpDue, title: "今日跟进", lines: ["回访"], link: nil, linkText: "查看详情", occurredAt: testStart)
            _ = try await store.enqueue(notice, dedupeKey: "r1", now: testStart)
            let sender = WebhookSender(
                store: store, transport: { _, _, _ in 307 }, linkText: "查看详情", instanceID: "test", clock: t.clock.clock)
            #expect(try await sender.deliverDue(now: testStart) == 1)
            let log = try await store.deliveries(webhookID: id)
            #expect(log.first?.status == "failed" && log.first?.lastError == WebhookFailure.redirected.rawValue)
            #expect(
                WebhookFailure.messageKey(forStored: "connect(descriptor:addr:size:): Connection refused (errno: 111)")
                    == WebhookFailure.unreachable.rawValue)
        }
    }
}
