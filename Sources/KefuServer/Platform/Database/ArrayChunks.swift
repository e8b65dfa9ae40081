extension Array {
    /// The array in consecutive slices of at most `size` elements: one multi-row statement each,
    /// within both databases' limits on bound values.
    func slices(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
