import SQLKit

// Rows are read into `Decodable` row types whose properties are the columns in camelCase (`due_at` is `dueAt`,
// `staff_id` is `staffID`), rather than filled column by column: one call per row, and a column renamed in
// the SQL fails the row's decoding instead of leaving a field stale. The key conversion costs a little per
// field, so the hottest lists (the customer list, search, the workbench, the ranking, the sign-in lookup) keep
// their hand-written reads.

extension SQLRow {
    /// The row as a `Decodable` row type, its columns' snake_case names converted to the properties' camelCase.
    func decodeRow<Row: Decodable>(_ type: Row.Type = Row.self) throws -> Row {
        try decode(model: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}

extension SQLQueryFetcher {
    /// Every row, each as a `Decodable` row type (see ``SQLRow/decodeRow(_:)``).
    func allRows<Row: Decodable>(_ type: Row.Type) async throws -> [Row] {
        try await all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    /// The first row, if any, as a `Decodable` row type (see ``SQLRow/decodeRow(_:)``).
    func firstRow<Row: Decodable>(_ type: Row.Type) async throws -> Row? {
        try await first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
    }
}
