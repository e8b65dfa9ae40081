import Foundation

/// Slows down password guessing: after `maximumFailures` failed sign-ins within `window`, further
/// attempts are refused until the oldest of those failures leaves the window.
///
/// The same rule is applied per account and per client address, each with its own limit, and the
/// failures are counted in the database so the limit holds across app instances.
public struct SignInThrottle: Equatable, Sendable {
    public enum Decision: Equatable, Sendable {
        case allowed
        /// Refused; the caller may try again after this many seconds (rounded up, at least 1).
        case locked(retryAfterSeconds: Int)
    }

    public var maximumFailures: Int
    public var window: TimeInterval

    public init(maximumFailures: Int, window: TimeInterval) {
        self.maximumFailures = maximumFailures
        self.window = window
    }

    /// 10 failures in 15 minutes lock an account.
    public static let perAccount = SignInThrottle(maximumFailures: 10, window: 15 * 60)
    /// An address shared by a whole office gets more room before it is stopped.
    public static let perAddress = SignInThrottle(maximumFailures: 30, window: 15 * 60)

    /// The start of the window that counts at `now`.
    public func windowStart(at now: Date) -> Date { now.addingTimeInterval(-window) }

    /// Decides from the most recent failures (any order; only those inside the window count).
    public func decision(recentFailures: [Date], now: Date) -> Decision {
        let inWindow = recentFailures.filter { $0 > windowStart(at: now) && $0 <= now }.sorted(by: >)
        guard inWindow.count >= maximumFailures else { return .allowed }
        // The lock lifts when fewer than `maximumFailures` remain in the window, i.e. when the
        // maximumFailures-th most recent failure ages out.
        let unlockAt = inWindow[maximumFailures - 1].addingTimeInterval(window)
        let seconds = unlockAt.timeIntervalSince(now)
        return .locked(retryAfterSeconds: max(1, Int(seconds.rounded(.up))))
    }
}
