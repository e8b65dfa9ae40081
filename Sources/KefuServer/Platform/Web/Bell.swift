import Fluent
import Vapor

/// The count on the layout's bell. The layout is Platform's; what is counted is the notifications
/// part's — so Platform asks through this, and the app's wiring says who answers.
protocol BellCounting: Sendable {
    func unreadCount(staffID: Int, on database: any Database) async throws -> Int
}

extension Application {
    private struct BellKey: StorageKey { typealias Value = any BellCounting }

    /// Set once in `configure`.
    var bell: any BellCounting {
        get {
            guard let bell = storage[BellKey.self] else { fatalError("the bell is used before configure(_:) set it") }
            return bell
        }
        set { storage[BellKey.self] = newValue }
    }
}
