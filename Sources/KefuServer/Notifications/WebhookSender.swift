import Foundation
import KefuDomain
import NIOCore
import Vapor

/// Posts queued deliveries to their targets (S4), signing where the platform signs. Runs from the
/// scheduler, never inside the request that caused the event, so a failing target blocks nobody.
struct WebhookSender {
    /// Sends one request and returns the HTTP status; throws for a transport failure. Tests pass
    /// their own to see what would be sent.
    typealias Transport = @Sendable (_ url: URL, _ headers: HTTPHeaders, _ body: Data) async throws -> Int

    /// The transport of a running application: HTTPS to public destinations only (``safeTransport``).
    static func httpTransport(_ app: Application, timeout: TimeAmount = .seconds(10)) -> Transport {
        safeTransport(
            eventLoopGroup: app.eventLoopGroup, resolver: .system(threadPool: app.threadPool), timeout: timeout)
    }

    /// How long a claim on one delivery lasts: well beyond one send's timeout, so a claim never
    /// lapses while its send is still waiting for the target.
    static let claimSeconds: TimeInterval = 120

    let store: WebhookStore
    let transport: Transport
    let linkText: String
    /// Who claims the deliveries this sender sends: the instance's scheduler id.
    var instanceID: String
    /// The time claims are measured in; a run can outlast the `now` it started with.
    var clock: Clock = .system

    /// Sends every delivery due at `now` that no other instance holds; returns how many this sender
    /// attempted.
    @discardableResult
    func deliverDue(now: Date) async throws -> Int {
        let due = try await store.dueDeliveries(now: now)
        var hooks: [Int: WebhookStore.Row] = [:]
        var attempted = 0
        for delivery in due {
            if hooks[delivery.webhookID] == nil { hooks[delivery.webhookID] = try await store.find(delivery.webhookID) }
            if try await attempt(delivery, webhook: hooks[delivery.webhookID], now: now) { attempted += 1 }
        }
        return attempted
    }

    /// One attempt of one delivery, recorded in the log — after claiming it, so that of several
    /// instances exactly one sends it. False when another instance has it (or it is no longer due).
    /// The delivery's id travels in `X-Kefu-Delivery` so that a receiver can drop a repeat.
    @discardableResult
    func attempt(_ delivery: WebhookStore.Delivery, webhook: WebhookStore.Row?, now: Date) async throws -> Bool {
        let claimedAt = max(now, clock.now)
        guard
            try await store.claim(
                delivery.id, by: instanceID, now: claimedAt, until: claimedAt.addingTimeInterval(Self.claimSeconds))
        else {
            return false
        }
        guard let webhook, let settings = webhook.settings, let event = ReminderEvent(rawValue: delivery.event) else {
            try await store.recordAttempt(
                delivery, status: 400, error: WebhookFailure.invalid.rawValue, now: now, instance: instanceID)
            return true
        }
        let notice = WebhookNotice(
            event: event, title: delivery.title, lines: delivery.lineList, link: delivery.link, linkText: linkText,
            occurredAt: delivery.createdAt, messageKey: delivery.messageKey,
            messageArgs: WebhookNotice.messageArgs(fromJSON: delivery.messageArgs))
        do {
            var (url, headers, body) = try Self.request(for: notice, settings: settings, now: now)
            headers.replaceOrAdd(name: Self.deliveryHeaderName, value: String(delivery.id))
            let status = try await transport(url, headers, body)
            let failure: WebhookFailure? =
                switch status {
                case 200..<300: nil
                case 300..<400: .redirected
                default: .rejected
                }
            try await store.recordAttempt(
                delivery, status: status, error: failure?.rawValue, now: now, instance: instanceID)
        } catch let failure as WebhookFailure {
            // A refused destination stays refused: trying again later only probes it again.
            try await store.recordAttempt(
                delivery, status: nil, error: failure.rawValue, now: now, instance: instanceID,
                mayRetry: failure != .refusedDestination)
        } catch {
            try await store.recordAttempt(
                delivery, status: nil, error: WebhookFailure.unreachable.rawValue, now: now, instance: instanceID)
        }
        return true
    }

    static let deliveryHeaderName = "X-Kefu-Delivery"

    /// The URL, headers and body for a notice on a platform, signed with the secret when one is set.
    static func request(for notice: WebhookNotice, settings: WebhookSettings, now: Date) throws -> (
        URL, HTTPHeaders, Data
    ) {
        var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8", "User-Agent": "Kefu"]
        guard let secret = settings.secret, !secret.isEmpty else {
            return (
                WebhookMessages.url(settings.url, platform: settings.platform, signature: nil), headers,
                try WebhookMessages.body(notice, platform: settings.platform, signature: nil)
            )
        }
        if settings.platform == .json {
            let body = try WebhookMessages.body(notice, platform: .json, signature: nil)
            let digest = hmac(key: secret, message: WebhookMessages.jsonSigningMessage(timestamp: now, body: body))
            headers.replaceOrAdd(
                name: WebhookMessages.jsonSignatureHeaderName,
                value: WebhookMessages.jsonSignatureHeader(
                    timestamp: now, hexDigest: digest.map { String(format: "%02x", $0) }.joined()))
            return (settings.url, headers, body)
        }
        let signature = WebhookMessages.signingInput(platform: settings.platform, secret: secret, timestamp: now).map {
            WebhookSignature(timestamp: now, value: Data(hmac(key: $0.key, message: $0.message)).base64EncodedString())
        }
        return (
            WebhookMessages.url(settings.url, platform: settings.platform, signature: signature), headers,
            try WebhookMessages.body(notice, platform: settings.platform, signature: signature)
        )
    }

    static func hmac(key: String, message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(key.utf8))))
    }
}
