#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The character encodings a customer file arrives in or leaves as.
///
/// Excel in China saves "CSV" as GB18030/GBK unless the user picks "CSV UTF-8", which adds a BOM;
/// other tools write plain UTF-8. The raw values are what a form or command-line option names.
public enum CSVEncoding: String, Sendable, CaseIterable {
    case utf8
    case utf8BOM = "utf8-bom"
    case gb18030
}

/// Why a CSV file could not be read or written. Each case names the physical line (1-based, the
/// header is line 1) where the user can find the problem, when there is one.
public enum CSVError: Error, Equatable, Sendable {
    /// The bytes are neither UTF-8 nor GB18030; `byteOffset` is the first byte that fits neither.
    case undecodable(byteOffset: Int)
    /// The text holds a character the target encoding cannot represent (offset in the UTF-8 text).
    case unencodable(byteOffset: Int)
    /// The C library on this machine has no converter for the encoding.
    case encodingUnavailable(CSVEncoding)
    /// A quoted field opened on `line` never closes: usually a stray `"` in a cell.
    case unterminatedQuote(line: Int)
    /// More data rows than one import may hold.
    case tooManyRows(limit: Int)
    /// A cell longer than any customer field may be; `column` is 1-based.
    case fieldTooLong(line: Int, column: Int)
    /// No header row: the file is empty or holds only blank lines.
    case empty

    /// The localization key of the message shown to the user (`Resources/Localization/*.json`).
    public var messageKey: String {
        switch self {
        case .undecodable: "csv.error.undecodable"
        case .unencodable: "csv.error.unencodable"
        case .encodingUnavailable: "csv.error.encoding_unavailable"
        case .unterminatedQuote: "csv.error.unterminated_quote"
        case .tooManyRows: "csv.error.too_many_rows"
        case .fieldTooLong: "csv.error.field_too_long"
        case .empty: "csv.error.empty"
        }
    }

    /// The physical line the error points at, for the dry-run report.
    public var line: Int? {
        switch self {
        case .unterminatedQuote(let line), .fieldTooLong(let line, _): line
        default: nil
        }
    }

    /// The 1-based column the error points at, when it points at a single cell.
    public var column: Int? {
        if case .fieldTooLong(_, let column) = self { return column }
        return nil
    }
}

/// Turning the bytes of an uploaded file into text, and text into bytes Excel opens correctly.
///
/// GB18030 goes through the C library's iconv because Foundation's `String(data:encoding:)` has no
/// GB18030 on Linux; GB18030 is a superset of GBK and GB2312, so one converter reads all three.
public enum CSVText {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The text of a file and the encoding it was read as. With no `encoding`, a UTF-8 BOM means
    /// UTF-8 with BOM, valid UTF-8 means UTF-8, and anything else is read as GB18030 — Chinese text
    /// in GBK is almost never valid UTF-8, so the guess is safe.
    public static func decode(
        _ bytes: [UInt8], as encoding: CSVEncoding? = nil
    ) throws(CSVError) -> (text: String, encoding: CSVEncoding) {
        let hasBOM = bytes.starts(with: byteOrderMark)
        let resolved = encoding ?? (hasBOM ? .utf8BOM : (firstInvalidUTF8Offset(bytes[...]) == nil ? .utf8 : .gb18030))
        switch resolved {
        case .utf8, .utf8BOM:
            let body = hasBOM ? bytes[byteOrderMark.count...] : bytes[...]
            if let offset = firstInvalidUTF8Offset(body) {
                throw .undecodable(byteOffset: offset + (hasBOM ? byteOrderMark.count : 0))
            }
            return (String(decoding: body, as: UTF8.self), resolved)
        case .gb18030:
            let utf8 = try convert(bytes, from: "GB18030", to: "UTF-8", encoding: .gb18030, decoding: true)
            var text = String(decoding: utf8, as: UTF8.self)
            if text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
            return (text, .gb18030)
        }
    }

    /// UTF-8 with a BOM: without the BOM, Excel on Windows reads UTF-8 as the local code page and
    /// shows Chinese as mojibake.
    public static func encodeForExcel(_ text: String) -> [UInt8] {
        byteOrderMark + Array(text.utf8)
    }

    /// GB18030 bytes, for Excel versions that ignore the BOM (and for building test fixtures).
    public static func encodeGB18030(_ text: String) throws(CSVError) -> [UInt8] {
        try convert(Array(text.utf8), from: "UTF-8", to: "GB18030", encoding: .gb18030, decoding: false)
    }

    /// The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or nil.
    static func firstInvalidUTF8Offset(_ bytes: ArraySlice<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// One iconv conversion over the whole input. Offsets in errors count bytes of the input.
    private static func convert(
        _ input: [UInt8], from source: String, to target: String, encoding: CSVEncoding, decoding: Bool
    ) throws(CSVError) -> [UInt8] {
        guard !input.isEmpty else { return [] }
        guard let converter = iconv_open(target, source), Int(bitPattern: converter) != -1 else {
            throw .encodingUnavailable(encoding)
        }
        defer { iconv_close(converter) }

        var input = input
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 2 + 16)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let failedAt: Int? = input.withUnsafeMutableBufferPointer { inputBuffer -> Int? in
            var inputPointer = UnsafeMutableRawPointer(inputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inputLeft = inputBuffer.count
            while true {
                let flushing = inputLeft == 0
                let (result, failure, produced) = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    var outputPointer = UnsafeMutableRawPointer(chunkBuffer.baseAddress)?.assumingMemoryBound(
                        to: CChar.self)
                    var outputLeft = chunkBuffer.count
                    // After the input, one call with no input writes any shift state back to the initial one.
                    let result =
                        flushing
                        ? iconv(converter, nil, nil, &outputPointer, &outputLeft)
                        : iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
                    return (result, errno, chunkBuffer.count - outputLeft)
                }
                output.append(contentsOf: chunk[0..<produced])
                if result == -1 {
                    if failure == E2BIG { continue }
                    return inputBuffer.count - inputLeft
                }
                if flushing { return nil }
            }
        }
        if let failedAt {
            throw decoding ? .undecodable(byteOffset: failedAt) : .unencodable(byteOffset: failedAt)
        }
        return output
    }
}
