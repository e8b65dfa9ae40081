import Foundation
import KefuDomain
import Testing

@Suite("Sign-in throttle and session lifetime")
struct AuthRulesTests {
    let now = Date(timeIntervalSince1970: 1_796_000_400)
    let throttle = SignInThrottle(maximumFailures: 10, window: 15 * 60)

    @Test("nine failures in the window are allowed; the tenth locks until the oldest of them leaves the window")
    func lockAfterTen() {
        let failures = (0..<10).map { now.addingTimeInterval(-Double($0) * 60) }
        #expect(throttle.decision(recentFailures: Array(failures.prefix(9)), now: now) == .allowed)
        // Failures at now, now-1min, …, now-9min: the tenth-most-recent (now-9min) leaves at now+6min.
        #expect(throttle.decision(recentFailures: failures, now: now) == .locked(retryAfterSeconds: 6 * 60))
    }

    @Test("failures older than the window do not count")
    func window() {
        let old = (0..<10).map { now.addingTimeInterval(-15 * 60 - Double($0)) }
        #expect(throttle.decision(recentFailures: old, now: now) == .allowed)
        let boundary = (0..<10).map { _ in now.addingTimeInterval(-15 * 60 + 1) }
        #expect(throttle.decision(recentFailures: boundary, now: now) == .locked(retryAfterSeconds: 1))
    }

    @Test("idle and absolute timeouts end a session at their boundary")
    func lifetime() {
        let lifetime = SessionLifetime(idleTimeout: 120 * 60, absoluteTimeout: 12 * 3600)
        let created = now
        #expect(
            !lifetime.isExpired(createdAt: created, lastSeenAt: created, now: created.addingTimeInterval(120 * 60 - 1)))
        #expect(lifetime.isExpired(createdAt: created, lastSeenAt: created, now: created.addingTimeInterval(120 * 60)))
        let active = created.addingTimeInterval(12 * 3600 - 60)
        #expect(lifetime.isExpired(createdAt: created, lastSeenAt: active, now: created.addingTimeInterval(12 * 3600)))
        #expect(!lifetime.needsTouch(lastSeenAt: now, now: now.addingTimeInterval(59)))
        #expect(lifetime.needsTouch(lastSeenAt: now, now: now.addingTimeInterval(60)))
    }

    @Test("the server's own paging is clamped: page ≥ 1, 1 ≤ size ≤ 100")
    func paging() {
        #expect(Paging() == Paging(number: 1, size: 20))
        #expect(Paging(number: -3, size: 5000).size == 100)
        #expect(Paging(number: -3, size: 0).number == 1)
        #expect(Paging(number: 3, size: 20).offset == 40)
        #expect(Paging(number: 1, size: 20).pageCount(total: 0) == 1)
        #expect(Paging(number: 1, size: 20).pageCount(total: 41) == 3)
    }

    @Test("field errors keep the first message per field and throw only when there is one")
    func fieldErrors() throws {
        var errors = FieldErrors()
        try errors.throwIfAny()
        errors.add("mobile", "validation.mobile")
        errors.add("mobile", "validation.required")
        #expect(errors.messages == ["mobile": "validation.mobile"])
        #expect(throws: FieldErrors.self) { try errors.throwIfAny() }
    }
}
