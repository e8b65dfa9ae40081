/// One record of a CSV file, with the physical line it starts on so a dry run can say where a bad
/// row is in the file the user opened in Excel.
public struct CSVRow: Sendable, Equatable {
    /// 1-based physical line where the record starts; the header is line 1 when it opens the file.
    /// A quoted cell spanning lines moves the next record's line on accordingly.
    public var line: Int
    /// The cells, as many as the header has, plus the extra ones below.
    public var fields: [String]
    /// Non-empty cells beyond the header's width (trailing empty cells are dropped): the importer
    /// reports these rather than silently losing data typed into an unnamed column.
    public var extraFieldCount: Int

    public init(line: Int, fields: [String], extraFieldCount: Int = 0) {
        self.line = line
        self.fields = fields
        self.extraFieldCount = extraFieldCount
    }
}

/// A CSV file as a header and rows (RFC 4180, read leniently the way Excel writes it).
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [CSVRow]

    public init(header: [String], rows: [CSVRow]) {
        self.header = header
        self.rows = rows
    }

    /// Reads comma-separated text, or tab-separated when the header line has tabs and no commas
    /// (what "copy from Excel, save as text" gives). Quoted cells may hold commas, `""` and line
    /// breaks; CRLF, LF and CR all end a record. Blank lines and rows whose cells are all empty (Excel
    /// writes `,,,` for formatted but empty rows) are skipped. Header cells are trimmed of spaces and a
    /// stray BOM. Short rows are padded with empty cells. Field length counts Unicode scalars, as
    /// PostgreSQL's `varchar(n)` does.
    public static func parse(
        _ text: String, maximumRows: Int = 200_000, maximumFieldLength: Int = 10_000
    ) throws(CSVError) -> CSVTable {
        let bytes = Array(text.utf8)
        var reader = CSVReader(
            bytes: bytes, separator: separator(forHeaderOf: bytes), maximumFieldLength: maximumFieldLength
        )
        guard let first = try reader.nextRecord() else { throw .empty }
        let header = first.fields.map(trimmedHeaderCell)
        var rows: [CSVRow] = []
        while let record = try reader.nextRecord() {
            guard rows.count < maximumRows else { throw .tooManyRows(limit: maximumRows) }
            var fields = record.fields
            let lastFilled = fields.lastIndex { !$0.isEmpty } ?? -1
            let width = max(header.count, lastFilled + 1)
            if fields.count > width { fields.removeLast(fields.count - width) }
            if fields.count < width { fields += Array(repeating: "", count: width - fields.count) }
            rows.append(CSVRow(line: record.line, fields: fields, extraFieldCount: width - header.count))
        }
        return CSVTable(header: header, rows: rows)
    }

    /// CSV for Excel: CRLF line endings, cells quoted when they hold a comma, quote or line break,
    /// and every cell passed through `neutralizeFormula`. Encode with `CSVText.encodeForExcel`.
    public static func write(header: [String], rows: [[String]]) -> String {
        var text = ""
        for record in [header] + rows {
            text += record.map { quotedIfNeeded(neutralizeFormula($0)) }.joined(separator: ",")
            text += "\r\n"
        }
        return text
    }

    /// Guards against CSV injection (OWASP): a cell starting with `=`, `+`, `-`, `@`, tab or carriage
    /// return is prefixed with `'` so Excel shows it as text instead of running it as a formula.
    /// Harmless values such as `-5` or `+86 138 1234 5678` are prefixed too; OWASP accepts that cost,
    /// and Excel hides the quote in the cell.
    public static func neutralizeFormula(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    static func quotedIfNeeded(_ cell: String) -> String {
        guard cell.utf8.contains(where: { $0 == .comma || $0 == .quote || $0 == .cr || $0 == .lf }) else { return cell }
        return "\"" + cell.replacing("\"", with: "\"\"") + "\""
    }

    static func trimmedHeaderCell(_ cell: String) -> String {
        let isPadding: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace || $0 == "\u{FEFF}" }
        let scalars = cell.unicodeScalars
        guard let start = scalars.firstIndex(where: { !isPadding($0) }),
            let end = scalars.lastIndex(where: { !isPadding($0) })
        else { return "" }
        return String(scalars[start...end])
    }

    /// Tab when the first non-blank line holds tabs and no commas outside quotes, else comma.
    static func separator(forHeaderOf bytes: [UInt8]) -> UInt8 {
        var inQuotes = false
        var commas = 0
        var tabs = 0
        var sawContent = false
        for byte in bytes {
            if byte == .quote { inQuotes.toggle() }
            if inQuotes { sawContent = true; continue }
            switch byte {
            case .lf, .cr:
                if sawContent { return tabs > 0 && commas == 0 ? .tab : .comma }
                continue
            case .comma: commas += 1
            case .tab: tabs += 1
            default: break
            }
            sawContent = true
        }
        return tabs > 0 && commas == 0 ? .tab : .comma
    }
}

/// Which customer field each CSV column fills, so users can import their own spreadsheets without
/// renaming columns first.
public struct ColumnMapping: Sendable, Equatable {
    /// 0-based column index → target field name. Columns not imported are absent.
    public var fieldForColumn: [Int: String]

    public init(fieldForColumn: [Int: String] = [:]) {
        self.fieldForColumn = fieldForColumn
    }

    /// Matches header cells against each field's accepted spellings (the field's own name is always
    /// accepted too), ignoring case, spaces, full-width forms and a required-column `*`. A column
    /// fills at most one field and a field takes at most one column: the leftmost matching column wins,
    /// and a column that several fields accept goes to the field listing that spelling earliest
    /// (ties by field name), so the guess never depends on dictionary order.
    public static func guess(header: [String], fields: [String: [String]]) -> ColumnMapping {
        var candidates: [String: [(field: String, rank: Int)]] = [:]
        for (field, spellings) in fields {
            for (rank, spelling) in (spellings + [field]).enumerated() {
                let key = matchKey(spelling)
                guard !key.isEmpty else { continue }
                if let existing = candidates[key]?.firstIndex(where: { $0.field == field }) {
                    candidates[key]![existing].rank = min(candidates[key]![existing].rank, rank)
                } else {
                    candidates[key, default: []].append((field, rank))
                }
            }
        }
        var mapping = ColumnMapping()
        var taken: Set<String> = []
        for (column, cell) in header.enumerated() {
            let choice = (candidates[matchKey(cell)] ?? [])
                .filter { !taken.contains($0.field) }
                .min { ($0.rank, $0.field) < ($1.rank, $1.field) }
            if let choice {
                mapping.fieldForColumn[column] = choice.field
                taken.insert(choice.field)
            }
        }
        return mapping
    }

    /// The column a field is read from, if any.
    public func column(of field: String) -> Int? {
        fieldForColumn.first { $0.value == field }?.key
    }

    /// The mapped cells of a row by field name.
    public func values(in row: CSVRow) -> [String: String] {
        var values: [String: String] = [:]
        for (column, field) in fieldForColumn where column < row.fields.count {
            values[field] = row.fields[column]
        }
        return values
    }

    /// 客户 姓名 / ＭＯＢＩＬＥ / *Name → 客户姓名 / mobile / name.
    static func matchKey(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            var folded = scalar
            if (0xFF01...0xFF5E).contains(scalar.value), let halfWidth = Unicode.Scalar(scalar.value - 0xFEE0) {
                folded = halfWidth
            }
            if folded.properties.isWhitespace || folded == "\u{FEFF}" || folded == "*" { continue }
            scalars.append(folded)
        }
        return String(scalars).lowercased()
    }
}

/// Splits UTF-8 bytes into records. Works on bytes because every byte CSV gives meaning to is ASCII,
/// and ASCII bytes never occur inside a multi-byte UTF-8 sequence.
struct CSVReader {
    let bytes: [UInt8]
    let separator: UInt8
    let maximumFieldLength: Int
    var position = 0
    var line = 1

    init(bytes: [UInt8], separator: UInt8, maximumFieldLength: Int) {
        self.bytes = bytes
        self.separator = separator
        self.maximumFieldLength = maximumFieldLength
    }

    /// The next record with at least one non-empty cell, or nil at the end of the text.
    mutating func nextRecord() throws(CSVError) -> (line: Int, fields: [String])? {
        while position < bytes.count {
            let record = try readRecord()
            if record.fields.contains(where: { !$0.isEmpty }) { return record }
        }
        return nil
    }

    /// Reads up to and including the line break that ends the record.
    private mutating func readRecord() throws(CSVError) -> (line: Int, fields: [String]) {
        let recordLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var fieldLength = 0
        var atFieldStart = true
        var inQuotes = false
        var quoteLine = line

        func append(_ byte: UInt8) throws(CSVError) {
            field.append(byte)
            if byte & 0xC0 != 0x80 { fieldLength += 1 }
            if fieldLength > maximumFieldLength { throw .fieldTooLong(line: recordLine, column: fields.count + 1) }
        }
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldLength = 0
            atFieldStart = true
        }

        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if inQuotes {
                switch byte {
                case .quote where position < bytes.count && bytes[position] == .quote:
                    position += 1
                    try append(.quote)
                case .quote:
                    inQuotes = false
                case .cr:
                    try append(.cr)
                    if position < bytes.count && bytes[position] == .lf {
                        position += 1
                        try append(.lf)
                    }
                    line += 1
                case .lf:
                    try append(.lf)
                    line += 1
                default:
                    try append(byte)
                }
                continue
            }
            switch byte {
            case .quote where atFieldStart:
                inQuotes = true
                quoteLine = line
                atFieldStart = false
            case separator:
                endField()
            case .cr, .lf:
                if byte == .cr && position < bytes.count && bytes[position] == .lf { position += 1 }
                line += 1
                endField()
                return (recordLine, fields)
            default:
                try append(byte)
                atFieldStart = false
            }
        }
        if inQuotes { throw .unterminatedQuote(line: quoteLine) }
        endField()
        return (recordLine, fields)
    }
}

extension UInt8 {
    fileprivate static let tab = UInt8(ascii: "\t")
    fileprivate static let lf = UInt8(ascii: "\n")
    fileprivate static let cr = UInt8(ascii: "\r")
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let comma = UInt8(ascii: ",")
}
