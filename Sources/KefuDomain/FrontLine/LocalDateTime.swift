import Foundation

/// Reads the date-times people and browsers send: an HTML `datetime-local` value
/// (`2026-11-30T09:30`, read in the office's time zone), the same with a space or seconds, and full
/// ISO 8601 with a zone (`2026-11-29T10:00:00Z`, `2026-11-29T18:00:00+08:00`) as API clients send.
///
/// Parsed by hand rather than with `DateFormatter`: formatters are not safe to share between
/// request threads, and creating one per call costs more than the whole parse.
public enum LocalDateTime {
    /// The instant the text names, or nil when it is not one of the accepted forms or not a real date
    /// (30 February, 24:00). Text without a zone is read in `timeZone`.
    public static func parse(_ text: String, timeZone: TimeZone) -> Date? {
        var scanner = DigitScanner(Array(text.trimmed.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), scanner.skip("T") || scanner.skip("t") || scanner.skip(" "),
            let hour = scanner.number(digits: 2), scanner.skip(":"),
            let minute = scanner.number(digits: 2)
        else { return nil }
        var second = 0
        var fraction = 0.0
        if scanner.skip(":") {
            guard let value = scanner.number(digits: 2) else { return nil }
            second = value
            if scanner.skip(".") || scanner.skip(",") {
                guard let value = scanner.fraction() else { return nil }
                fraction = value
            }
        }
        guard (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        let wallClock =
            Double(daysSinceEpoch(year: year, month: month, day: day)) * 86_400
            + Double(hour * 3600 + minute * 60 + second) + fraction

        if scanner.isAtEnd { return localInstant(wallClock: wallClock, timeZone: timeZone) }
        guard let offset = scanner.zoneOffset(), scanner.isAtEnd else { return nil }
        return Date(timeIntervalSince1970: wallClock - Double(offset))
    }

    /// A form field's date-time: nil when empty (the caller decides whether it is required), and a
    /// "validation.datetime" problem when the text is not a date-time.
    static func parse(_ field: String, _ text: String, timeZone: TimeZone, _ errors: inout FieldErrors) -> Date? {
        guard !text.trimmed.isEmpty else { return nil }
        guard let date = parse(text, timeZone: timeZone) else {
            errors.add(field, "validation.datetime")
            return nil
        }
        return date
    }

    /// The instant a wall-clock time names in a zone. The zone's offset is looked up twice so that a
    /// zone with daylight saving gets the offset in force at that time, not at the guess.
    static func localInstant(wallClock: TimeInterval, timeZone: TimeZone) -> Date {
        let firstGuess = Date(
            timeIntervalSince1970: wallClock
                - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wallClock))))
        let offset = timeZone.secondsFromGMT(for: firstGuess)
        return Date(timeIntervalSince1970: wallClock - Double(offset))
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width ASCII fields from the bytes of a date-time text.
private struct DigitScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(character.value) else { return false }
        position += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + digits] {
            guard (48...57).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        position += digits
        return value
    }

    /// Fractional seconds after the separator: at least one digit.
    mutating func fraction() -> Double? {
        var value = 0.0, scale = 0.1, count = 0
        while position < bytes.count, (48...57).contains(bytes[position]) {
            value += Double(bytes[position] - 48) * scale
            scale /= 10
            count += 1
            position += 1
        }
        return count > 0 ? value : nil
    }

    /// `Z`, `±HH:MM`, `±HHMM` or `±HH`, in seconds east of UTC.
    mutating func zoneOffset() -> Int? {
        if skip("Z") || skip("z") { return 0 }
        let sign: Int
        if skip("+") { sign = 1 } else if skip("-") { sign = -1 } else { return nil }
        guard let hours = number(digits: 2), hours <= 18 else { return nil }
        var minutes = 0
        if !isAtEnd {
            _ = skip(":")
            guard let value = number(digits: 2), value < 60 else { return nil }
            minutes = value
        }
        return sign * (hours * 3600 + minutes * 60)
    }
}
