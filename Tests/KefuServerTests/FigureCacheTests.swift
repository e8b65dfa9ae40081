import Foundation
import Synchronization
import Testing

@testable import KefuServer

@Suite struct FigureCacheTests {
    final class Counter: Sendable {
        let count = Mutex(0)
        func next() -> Int {
            count.withLock {
                $0 += 1; return $0
            }
        }
    }

    @Test("a key is computed once for everyone asking at the same moment and kept for its time, then read again")
    func computedOnceThenExpires() async throws {
        let cache = FigureCache(), counter = Counter(), start = Date(timeIntervalSince1970: 1_800_000_000)
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await cache.value("plan:1:1", now: start, maxAge: 60) {
                        try await Task.sleep(for: .milliseconds(50)); return counter.next()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 8))
        #expect(
            try await cache.value("plan:1:1", now: start.addingTimeInterval(59), maxAge: 60) { counter.next() } == 1)
        // Its time up, the last value is answered at once while one new computation runs beside it.
        #expect(
            try await cache.value("plan:1:1", now: start.addingTimeInterval(60), maxAge: 60) { counter.next() } == 1)
        #expect(
            try await cache.value("plan:1:1", now: start.addingTimeInterval(61), maxAge: 60) { counter.next() } == 1)
        while await cache.isRefreshing("plan:1:1") { try await Task.sleep(for: .milliseconds(5)) }
        #expect(
            try await cache.value("plan:1:1", now: start.addingTimeInterval(62), maxAge: 60) { counter.next() } == 2)
        // Another version of the record is another key: an edit is seen at once.
        #expect(
            try await cache.value("plan:1:2", now: start.addingTimeInterval(63), maxAge: 60) { counter.next() } == 3)
        // Long unread (ten times its time), a key is not answered stale: the reader waits for a new value.
        #expect(
            try await cache.value("plan:1:2", now: start.addingTimeInterval(63 + 600), maxAge: 60) { counter.next() }
                == 4)
    }

    @Test("a failed computation beside the readers keeps the last value and tries again at the next read")
    func failedRefreshKeepsTheLastValue() async throws {
        struct Failure: Error {}
        let cache = FigureCache(), start = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await cache.value("k", now: start, maxAge: 60) { 1 } == 1)
        #expect(
            try await cache.value("k", now: start.addingTimeInterval(70), maxAge: 60) { () async throws -> Int in
                throw Failure()
            } == 1)
        while await cache.isRefreshing("k") { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await cache.value("k", now: start.addingTimeInterval(71), maxAge: 60) { 2 } == 1)
        while await cache.isRefreshing("k") { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await cache.value("k", now: start.addingTimeInterval(72), maxAge: 60) { 3 } == 2)
    }

    @Test("without a time nothing is kept, and a failed read is not kept either")
    func offAndFailures() async throws {
        let cache = FigureCache(), counter = Counter(), now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try await cache.value("k", now: now, maxAge: 0) { counter.next() } == 1)
        #expect(try await cache.value("k", now: now, maxAge: 0) { counter.next() } == 2)
        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await cache.value("f", now: now, maxAge: 60) { () async throws -> Int in throw Failure() }
        }
        #expect(try await cache.value("f", now: now, maxAge: 60) { counter.next() } == 3)
    }
}
