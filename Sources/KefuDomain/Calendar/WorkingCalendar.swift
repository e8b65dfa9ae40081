import Foundation

/// A time of day in minutes after midnight (`09:00` is 540), as the working-hours settings keep it.
public struct DayTime: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var minutes: Int

    public init?(minutes: Int) {
        guard (0...1440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    public init?(hour: Int, minute: Int = 0) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        self.minutes = hour * 60 + minute
    }

    /// Reads `HH:MM` (as an HTML time input sends it); nil for anything else.
    public init?(_ text: String) {
        let parts = text.trimmed.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public static func < (lhs: DayTime, rhs: DayTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = DayTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected HH:MM"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The hours of a working day: a morning and an afternoon with the lunch break between them
/// (default 09:00–12:00 and 13:30–18:00, seven and a half working hours).
public struct WorkingHours: Hashable, Sendable, Codable {
    public var start: DayTime
    public var lunchStart: DayTime
    public var lunchEnd: DayTime
    public var end: DayTime

    public static let standard = WorkingHours(
        start: DayTime(hour: 9)!, lunchStart: DayTime(hour: 12)!, lunchEnd: DayTime(hour: 13, minute: 30)!,
        end: DayTime(hour: 18)!
    )

    public init(start: DayTime, lunchStart: DayTime, lunchEnd: DayTime, end: DayTime) {
        self.start = start
        self.lunchStart = lunchStart
        self.lunchEnd = lunchEnd
        self.end = end
    }

    /// The problems with these hours, by field: the four times must follow each other (a lunch
    /// break of zero length is allowed: start < lunch start ≤ lunch end < end).
    public var problems: FieldErrors {
        var errors = FieldErrors()
        if !(start < lunchStart) { errors.add("lunch_start", "calendar.hours.order") }
        if !(lunchStart <= lunchEnd) { errors.add("lunch_end", "calendar.hours.order") }
        if !(lunchEnd < end) { errors.add("end", "calendar.hours.order") }
        return errors
    }

    /// The working periods of a day in minutes after midnight, the empty ones left out.
    var periods: [(start: Int, end: Int)] {
        [(start.minutes, lunchStart.minutes), (lunchEnd.minutes, end.minutes)].filter { $0.start < $0.end }
    }

    /// Working seconds in one working day.
    public var secondsPerDay: Int { periods.reduce(0) { $0 + ($1.end - $1.start) * 60 } }
}

/// What a dated entry of the calendar says about its day.
public enum CalendarDayKind: String, CaseIterable, Codable, Sendable {
    /// A public holiday (or a bridging day off): not worked even when it falls on a weekday.
    case holiday
    /// A make-up working day (调休补班): worked even when it falls on a weekend.
    case workday
}

/// One dated entry: a public holiday or a make-up working day, with its name (元旦, 春节补班).
public struct CalendarException: Hashable, Sendable, Codable {
    public var day: CalendarDay
    public var kind: CalendarDayKind
    public var name: String

    public init(day: CalendarDay, kind: CalendarDayKind, name: String = "") {
        self.day = day
        self.kind = kind
        self.name = name
    }
}

/// A stretch of time (a pause of the clock while waiting for the customer): `end` nil while it lasts.
public struct TimeSpan: Hashable, Sendable, Codable {
    public var start: Date
    public var end: Date?

    public init(start: Date, end: Date?) {
        self.start = start
        self.end = end
    }
}

/// The one working calendar of Kefu (R3.5, issue 13): which days are worked, the hours of a working
/// day with the lunch break, public holidays and make-up working days (调休: a Saturday that is a
/// working day counts as one), all read in China time (UTC+8, no daylight saving).
///
/// Time limits of complaints, reminders and attendance count in its working time. Every function is
/// pure: the caller passes the instants, the calendar never reads a clock.
///
/// A day is a working day when it is a make-up working day, or a usual working weekday that is not
/// a holiday. Within a working day the working time is `[start, lunchStart) ∪ [lunchEnd, end)`.
public struct WorkingCalendar: Hashable, Sendable {
    public var hours: WorkingHours
    /// The usual working weekdays, ISO numbered (1 Monday … 7 Sunday).
    public var weekdays: Set<Int>
    public private(set) var exceptions: [CalendarDay: CalendarException]
    /// Seconds east of UTC of the calendar's wall clock: China time.
    public var utcOffset: Int

    public static let chinaOffset = 8 * 3600

    public init(
        hours: WorkingHours = .standard, weekdays: Set<Int> = [1, 2, 3, 4, 5], exceptions: [CalendarException] = [],
        utcOffset: Int = WorkingCalendar.chinaOffset
    ) {
        self.hours = hours
        self.weekdays = weekdays.filter { (1...7).contains($0) }
        self.exceptions = Dictionary(exceptions.map { ($0.day, $0) }) { _, last in last }
        self.utcOffset = utcOffset
    }

    /// The dated entries in day order.
    public var sortedExceptions: [CalendarException] { exceptions.values.sorted { $0.day < $1.day } }

    public mutating func set(_ exception: CalendarException) { exceptions[exception.day] = exception }
    public mutating func remove(_ day: CalendarDay) { exceptions[day] = nil }

    // MARK: Days

    /// ISO weekday of a day: 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public static func weekday(of day: CalendarDay) -> Int {
        let days = day.daysSinceEpoch
        return ((days % 7) + 7 + 3) % 7 + 1
    }

    public func isWorkingDay(_ day: CalendarDay) -> Bool {
        switch exceptions[day]?.kind {
        case .workday: true
        case .holiday: false
        case nil: weekdays.contains(Self.weekday(of: day))
        }
    }

    /// The day an instant falls on in China time.
    public func day(of instant: Date) -> CalendarDay {
        CalendarDay(daysSinceEpoch: Int(((instant.timeIntervalSince1970 + Double(utcOffset)) / 86_400).rounded(.down)))
    }

    /// The instant a wall-clock time of a day names.
    public func instant(_ day: CalendarDay, _ time: DayTime) -> Date {
        Date(timeIntervalSince1970: Double(day.daysSinceEpoch * 86_400 + time.minutes * 60 - utcOffset))
    }

    /// The working periods of a day as instants; empty on a day off.
    public func workingPeriods(on day: CalendarDay) -> [(start: Date, end: Date)] {
        guard isWorkingDay(day) else { return [] }
        let base = Double(day.daysSinceEpoch * 86_400 - utcOffset)
        return hours.periods.map {
            (
                Date(timeIntervalSince1970: base + Double($0.start * 60)),
                Date(timeIntervalSince1970: base + Double($0.end * 60))
            )
        }
    }

    /// Whether an instant is within working time (a period's start is in, its end is out).
    public func isWorkingTime(_ instant: Date) -> Bool {
        workingPeriods(on: day(of: instant)).contains { $0.start <= instant && instant < $0.end }
    }

    /// The instant itself when it is working time, otherwise the start of the next working period —
    /// when a warning held back outside working hours may go out. Nil only for a calendar with no
    /// working day at all within a year ahead.
    public func nextWorkingInstant(atOrAfter instant: Date) -> Date? {
        var day = day(of: instant)
        for _ in 0..<Self.searchDays {
            for period in workingPeriods(on: day) where instant < period.end {
                return max(instant, period.start)
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// How far ahead the arithmetic looks for working days before giving up (a calendar with no
    /// working day at all): ten years.
    static let searchDays = 3660

    // MARK: Arithmetic

    /// Working seconds between two instants (zero when `to` is not after `from`).
    public func workingSeconds(from: Date, to: Date) -> TimeInterval {
        guard from < to else { return 0 }
        let firstDay = day(of: from), lastDay = day(of: to)
        var total: TimeInterval = 0
        var day = firstDay
        // Whole days in the middle count a full day each without building their periods twice.
        while day <= lastDay {
            if day != firstDay, day != lastDay {
                if isWorkingDay(day) { total += Double(hours.secondsPerDay) }
            } else {
                for period in workingPeriods(on: day) {
                    let start = max(period.start, from), end = min(period.end, to)
                    if start < end { total += end.timeIntervalSince(start) }
                }
            }
            day = day.adding(days: 1)
        }
        return total
    }

    /// Working seconds between two instants, not counting the paused spans (merged where they
    /// overlap; a pause still running lasts until `to`).
    public func workingSeconds(from: Date, to: Date, pausedDuring pauses: [TimeSpan]) -> TimeInterval {
        var total = workingSeconds(from: from, to: to)
        for pause in Self.merged(pauses, until: to) {
            total -= workingSeconds(from: max(pause.start, from), to: min(pause.end, to))
        }
        return max(0, total)
    }

    /// The instant when `seconds` of working time have passed after `start`. A start outside working
    /// time counts from the next working period; zero seconds answers the start itself. Nil only
    /// for a calendar without working days.
    public func adding(workingSeconds seconds: TimeInterval, to start: Date) -> Date? {
        guard seconds > 0 else { return start }
        var remaining = seconds
        var day = day(of: start)
        for _ in 0..<Self.searchDays {
            for period in workingPeriods(on: day) where start < period.end {
                let from = max(start, period.start)
                let available = period.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// `hours` working hours after `start`.
    public func adding(workingHours hours: Double, to start: Date) -> Date? {
        adding(workingSeconds: hours * 3600, to: start)
    }

    /// The deadline `seconds` of working time after `start` when the clock stops during the
    /// paused spans: nil while a pause is still running (the clock is stopped, there is no
    /// deadline) or for a calendar without working days. Pauses before `start` do not count.
    public func deadline(after seconds: TimeInterval, from start: Date, pausedDuring pauses: [TimeSpan]) -> Date? {
        if pauses.contains(where: { $0.end == nil }) { return nil }
        var cursor = start
        var remaining = seconds
        for pause in Self.merged(pauses, until: .distantFuture) where pause.end > cursor {
            if pause.start > cursor {
                guard let candidate = adding(workingSeconds: remaining, to: cursor) else { return nil }
                if candidate <= pause.start { return candidate }
                remaining -= workingSeconds(from: cursor, to: pause.start)
            }
            cursor = pause.end
        }
        return adding(workingSeconds: remaining, to: cursor)
    }

    /// Closed, sorted, non-overlapping spans; running ones end at `until`.
    static func merged(_ pauses: [TimeSpan], until: Date) -> [(start: Date, end: Date)] {
        let closed = pauses.map { (start: $0.start, end: $0.end ?? max(until, $0.start)) }
            .filter { $0.start < $0.end }
            .sorted { $0.start < $1.start }
        var result: [(start: Date, end: Date)] = []
        for span in closed {
            if let last = result.last, span.start <= last.end {
                result[result.count - 1].end = max(last.end, span.end)
            } else {
                result.append(span)
            }
        }
        return result
    }
}
