import Foundation
import KefuDomain
import Vapor

/// Keeps computed figures for a short while (issue 14 "Speed"). A department plan's live progress reads
/// a quarter of the inquiries, follow-ups, complaints and surveys of 200 people — about a second at a
/// million customers — and a supervisor's page asks for it on every visit; eight people opening it at
/// once made eight such reads. Each key is computed once for everyone asking at the same moment and
/// kept for `KEFU_FIGURE_CACHE_SECONDS` (60 by default; 0, as in tests, computes every time). A key
/// carries the record's version, so an edit of the plan is seen at once; new records count within the
/// minute.
actor FigureCache {
    private var entries: [String: (computedAt: Date, task: Task<any Sendable, any Error>)] = [:]

    func value<Value: Sendable>(_ key: String, now: Date, maxAge: TimeInterval,
                                compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        guard maxAge > 0 else { return try await compute() }
        if let entry = entries[key], now.timeIntervalSince(entry.computedAt) < maxAge, let value = try await entry.task.value as? Value {
            return value
        }
        // Old entries go with the next miss: the cache holds at most what was asked in the last minute.
        entries = entries.filter { now.timeIntervalSince($0.value.computedAt) < maxAge }
        let task = Task<any Sendable, any Error> { try await compute() }
        entries[key] = (now, task)
        do {
            guard let value = try await task.value as? Value else { throw Abort(.internalServerError) }
            return value
        } catch {
            entries[key] = nil   // a failed read is not kept: the next request tries again
            throw error
        }
    }
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
