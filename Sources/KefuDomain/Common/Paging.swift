/// The paging convention used by every list, page and API alike: 1-based page numbers and a bounded
/// page size, so no request can ask for an unbounded list.
public struct Paging: Equatable, Sendable {
    public static let defaultSize = 20
    public static let maximumSize = 100

    public let number: Int
    public let size: Int

    /// Clamps whatever the client sent into a valid request.
    public init(number: Int?, size: Int?) {
        self.number = max(1, number ?? 1)
        self.size = min(Self.maximumSize, max(1, size ?? Self.defaultSize))
    }

    public var offset: Int { (number - 1) * size }

    /// The number of pages needed for `total` items (at least one, so an empty list has a page).
    public func pageCount(total: Int) -> Int {
        max(1, (total + size - 1) / size)
    }
}
