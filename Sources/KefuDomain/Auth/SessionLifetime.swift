import Foundation

/// How long a signed-in session lives: it ends after `idleTimeout` without a request and, whatever
/// the activity, `absoluteTimeout` after sign-in.
public struct SessionLifetime: Equatable, Sendable {
    public var idleTimeout: TimeInterval
    public var absoluteTimeout: TimeInterval

    public init(idleTimeout: TimeInterval, absoluteTimeout: TimeInterval) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
    }

    public func isExpired(createdAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= idleTimeout || now.timeIntervalSince(createdAt) >= absoluteTimeout
    }

    /// Recording every request's time would turn each page view into a write; a minute's precision is
    /// plenty for an idle timeout counted in tens of minutes.
    public func needsTouch(lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= 60
    }
}
