import SQLKit

// Rows are read into `Decodable` row types whose properties are the columns in camelCase (`due_at` is `dueAt`,
// `staff_id` is `staffID`), rather than filled column by column: one call per row, and a column renamed in
// the SQL fails the row's decoding instead of leaving a field stale. The key conversion costs a little per
// field, so the hottest lists (the customer list, search, the workbench, the ranking, the sign-in lookup) keep
// their hand-written reads.

extension SQLRowDecoder {
    /// Property names to column names. SQLKit's own `.convertFromSnakeCase` keeps the case of a trailing
    /// acronym (`staffID` asks for `staff_iD`), so Kefu converts itself: `staffID` → `staff_id`,
    /// `dueAt` → `due_at`, `mobileLast4` → `mobile_last4`.
    static let snakeCaseColumns = SQLRowDecoder(
        keyDecodingStrategy: .custom({ keys in
            ColumnKey(stringValue: SQLRowDecoder.column(for: keys.last?.stringValue ?? ""))
        }))

    /// The snake_case column of a camelCase property: an underscore before a capital that follows a small
    /// letter or digit, or that starts a word after an acronym (`URLPath` → `url_path`); all in small letters.
    static func column(for property: String) -> String {
        let bytes = Array(property.utf8)
        var column: [UInt8] = []
        column.reserveCapacity(bytes.count + 4)
        func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
        func isLowerOrDigit(_ byte: UInt8) -> Bool { (byte >= 97 && byte <= 122) || (byte >= 48 && byte <= 57) }
        for (index, byte) in bytes.enumerated() {
            guard isUpper(byte) else {
                column.append(byte)
                continue
            }
            if index > 0 {
                let previous = bytes[index - 1]
                let startsWord =
                    isLowerOrDigit(previous)
                    || (isUpper(previous) && index + 1 < bytes.count && isLowerOrDigit(bytes[index + 1]))
                if startsWord { column.append(UInt8(ascii: "_")) }
            }
            column.append(byte + 32)
        }
        return String(decoding: column, as: UTF8.self)
    }

    struct ColumnKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension SQLRow {
    /// The row as a `Decodable` row type, its columns' snake_case names converted to the properties' camelCase.
    func decodeRow<Row: Decodable>(_ type: Row.Type = Row.self) throws -> Row {
        try decode(model: Row.self, with: .snakeCaseColumns)
    }
}

extension SQLQueryFetcher {
    /// Every row, each as a `Decodable` row type (see ``SQLRow/decodeRow(_:)``).
    func allRows<Row: Decodable>(_ type: Row.Type) async throws -> [Row] {
        try await all(decoding: Row.self, with: .snakeCaseColumns)
    }

    /// The first row, if any, as a `Decodable` row type (see ``SQLRow/decodeRow(_:)``).
    func firstRow<Row: Decodable>(_ type: Row.Type) async throws -> Row? {
        try await first(decoding: Row.self, with: .snakeCaseColumns)
    }
}
