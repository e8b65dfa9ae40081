import Foundation
import KefuDomain
import Vapor

/// Keeps computed figures for a short while (issue 14 "Speed"). A department plan's live progress reads
/// a quarter of the inquiries, follow-ups, complaints and surveys of 200 people — about a second at a
/// million customers — and a supervisor's page asks for it on every visit; eight people opening it at
/// once made eight such reads. Each key is computed once for everyone asking at the same moment and
/// kept for `KEFU_FIGURE_CACHE_SECONDS` (60 by default; 0, as in tests, computes every time). A key
/// carries the record's version, so an edit of the plan is seen at once.
///
/// Once its time is up, a key's last value is still answered while one new computation runs beside it
/// (up to ``staleFactor`` times the time; after that, or after a failure, the reader waits for a new
/// value): otherwise every minute the supervisors' workbenches all waited a second for the refill (p95
/// 773 ms against 47 ms). New records so count within the minute plus one computation.
actor FigureCache {
    static let staleFactor = 10.0

    private var entries: [String: (computedAt: Date, task: Task<any Sendable, any Error>)] = [:]
    private var refreshing: Set<String> = []

    func value<Value: Sendable>(
        _ key: String, now: Date, maxAge: TimeInterval,
        compute: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard maxAge > 0 else { return try await compute() }
        if let entry = entries[key] {
            let age = now.timeIntervalSince(entry.computedAt)
            if age >= maxAge, age < maxAge * Self.staleFactor, !refreshing.contains(key) {
                refresh(key, startedAt: now, compute: compute)
            }
            if age < maxAge * Self.staleFactor, let value = try await entry.task.value as? Value {
                return value
            }
        }
        // Old entries go with the next miss: the cache holds at most what was asked lately.
        entries = entries.filter { now.timeIntervalSince($0.value.computedAt) < maxAge * Self.staleFactor }
        let task = Task<any Sendable, any Error> { try await compute() }
        entries[key] = (now, task)
        do {
            guard let value = try await task.value as? Value else { throw Abort(.internalServerError) }
            return value
        } catch {
            entries[key] = nil  // a failed read is not kept: the next request tries again
            throw error
        }
    }

    /// Computes a key again beside the readers of its last value; the new value replaces it when it is there.
    private func refresh<Value: Sendable>(
        _ key: String, startedAt: Date, compute: @escaping @Sendable () async throws -> Value
    ) {
        refreshing.insert(key)
        Task {
            let task = Task<any Sendable, any Error> { try await compute() }
            let succeeded = (try? await task.value) != nil
            self.finishRefresh(key, with: succeeded ? (startedAt, task) : nil)
        }
    }

    private func finishRefresh(_ key: String, with entry: (computedAt: Date, task: Task<any Sendable, any Error>)?) {
        refreshing.remove(key)
        if let entry { entries[key] = entry }
    }

    /// Whether a key is being computed again (for tests).
    func isRefreshing(_ key: String) -> Bool { refreshing.contains(key) }
}

extension Application {
    private struct FigureCacheKey: StorageKey { typealias Value = FigureCache }

    /// Created with the application; shared by its requests.
    var figureCache: FigureCache {
        if let cache = storage[FigureCacheKey.self] { return cache }
        let cache = FigureCache()
        storage[FigureCacheKey.self] = cache
        return cache
    }
}
