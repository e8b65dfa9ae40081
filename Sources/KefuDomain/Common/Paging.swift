/// The paging convention used by every list, page and API alike: 1-based page numbers and a bounded
/// page size, so no request can ask for an unbounded list — nor for an offset that does not fit in
/// an integer (issue 17: `page=Int.max` trapped in the multiplication and stopped the server).
public struct Paging: Equatable, Sendable {
    public static let defaultSize = 20
    public static let maximumSize = 100
    /// The last page a client may ask for: with the largest page size, ten million records deep —
    /// beyond any list the department keeps, and far below where `offset` could overflow.
    public static let maximumNumber = 100_000

    public let number: Int
    public let size: Int

    /// For the server's own lists: clamps into the valid range.
    public init(number: Int = 1, size: Int = defaultSize) {
        self.number = min(Self.maximumNumber, max(1, number))
        self.size = min(Self.maximumSize, max(1, size))
    }

    /// What a client sent, as text: absent means the default, anything else must be a whole number in
    /// range. Refused rather than guessed, so a client learns its request was not what it meant.
    /// The keys of the problems are the query's names ("page", "perPage").
    public static func parse(number: String?, size: String?, sizeName: String = "perPage") -> Result<
        Paging, FieldErrors
    > {
        var errors = FieldErrors()
        let parsedNumber = parseWhole(
            number, in: 1...maximumNumber, field: "page", problem: "validation.paging.page", &errors)
        let parsedSize = parseWhole(
            size, in: 1...maximumSize, field: sizeName, problem: "validation.paging.size", &errors)
        guard errors.isEmpty else { return .failure(errors) }
        return .success(Paging(number: parsedNumber ?? 1, size: parsedSize ?? defaultSize))
    }

    /// At most `maximumNumber × maximumSize`, so it cannot overflow.
    public var offset: Int { (number - 1) * size }

    /// The number of pages needed for `total` items (at least one, so an empty list has a page).
    public func pageCount(total: Int) -> Int {
        max(1, total / size + (total % size == 0 ? 0 : 1))
    }

    /// A decimal whole number within `range`; nil when absent or empty. Twenty digits, a sign, a
    /// fraction or letters are problems, not the default.
    private static func parseWhole(
        _ text: String?, in range: ClosedRange<Int>, field: String, problem: String, _ errors: inout FieldErrors
    ) -> Int? {
        guard let text = text?.trimmed, !text.isEmpty else { return nil }
        guard text.utf8.count <= 9, text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text),
            range.contains(value)
        else {
            errors.add(field, problem)
            return nil
        }
        return value
    }
}
