import Foundation

/// Budget bands of the needs analysis (R2.2 "客户需求与市场分析"), by the top of the customer's budget
/// (the bottom when only that is known), in yuan.
public enum BudgetBand: String, CaseIterable, Sendable {
    case under1m = "under_1m"
    case from1mTo5m = "1m_5m"
    case from5mTo10m = "5m_10m"
    case from10mTo50m = "10m_50m"
    case from50m = "50m_up"
    case unknown

    /// The bands' upper bounds, exclusive, in order; the last band has none.
    public static let upperBounds: [(band: BudgetBand, below: Int64)] = [
        (.under1m, 1_000_000), (.from1mTo5m, 5_000_000), (.from5mTo10m, 10_000_000), (.from10mTo50m, 50_000_000),
    ]

    public static func of(minYuan: Int64?, maxYuan: Int64?) -> BudgetBand {
        guard let amount = maxYuan ?? minYuan else { return .unknown }
        return upperBounds.first { amount < $0.below }?.band ?? .from50m
    }
}

/// One need's count in the period and in the one before.
public struct NeedChange: Equatable, Sendable {
    public var key: String
    public var current: Int
    public var previous: Int

    public init(key: String, current: Int, previous: Int) {
        self.key = key
        self.current = current
        self.previous = previous
    }

    public var change: Int { current - previous }
    /// The change as a share of the previous count; nil when there was none before.
    public var ratio: Double? { previous == 0 ? nil : Double(change) / Double(previous) }
}

public enum NeedsTrend {
    /// Every key of either period, in the given order first and the rest by key.
    public static func changes(current: [String: Int], previous: [String: Int], order: [String]) -> [NeedChange] {
        let others = Set(current.keys).union(previous.keys).subtracting(order).sorted()
        return (order + others).map { NeedChange(key: $0, current: current[$0] ?? 0, previous: previous[$0] ?? 0) }
    }

    /// The needs that grew and fell the most, by how many more or fewer (ties: the larger count, then the key),
    /// at most `limit` each; needs that did not move are not named.
    public static func callouts(_ changes: [NeedChange], limit: Int = 3) -> (
        growing: [NeedChange], falling: [NeedChange]
    ) {
        let growing = changes.filter { $0.change > 0 }.sorted {
            ($1.change, $1.current, $0.key) < ($0.change, $0.current, $1.key)
        }
        let falling = changes.filter { $0.change < 0 }.sorted {
            ($0.change, $1.previous, $0.key) < ($1.change, $0.previous, $1.key)
        }
        return (Array(growing.prefix(limit)), Array(falling.prefix(limit)))
    }
}
