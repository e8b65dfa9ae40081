import Foundation
import NIOConcurrencyHelpers

/// Where the application reads the time. Handlers never call `Date()`: tests replace the clock and
/// get exact timestamps, overdue boundaries and session expiry.
public struct Clock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public var now: Date { read() }

    public static let system = Clock { Date() }
}

/// A clock that stands still until a test moves it.
public final class ManualClock: Sendable {
    private let current: NIOLockedValueBox<Date>

    public init(_ start: Date) { current = NIOLockedValueBox(start) }

    public var clock: Clock { Clock { self.current.withLockedValue { $0 } } }

    public func advance(by seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) { current.withLockedValue { $0 = date } }
}
