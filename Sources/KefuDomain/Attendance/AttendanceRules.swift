import Foundation

/// A person's shift (R6.1): when their working day starts and ends. A night shift ends on the next
/// day (22:00–06:00); the day it belongs to is the day it starts. Without a shift of their own a
/// person works the working calendar's hours.
public struct Shift: Hashable, Sendable, Codable {
    public var start: DayTime
    public var end: DayTime

    public init(start: DayTime, end: DayTime) {
        self.start = start
        self.end = end
    }

    /// The calendar's working day, from its start to its end (the lunch break is not a clock event).
    public init(_ hours: WorkingHours) {
        self.init(start: hours.start, end: hours.end)
    }

    public var crossesMidnight: Bool { end <= start }

    /// The length of the shift in minutes.
    public var minutes: Int { crossesMidnight ? end.minutes + 24 * 60 - start.minutes : end.minutes - start.minutes }
}

/// The department's attendance rules (R6.1, R7.2), configurable by the supervisor or the administrator.
///
/// Defaults: 5 grace minutes; the first two latenesses of a month are free passes, each later one
/// deducts a quarter day and every third deducted one counts as a day's absence; arriving (or leaving)
/// two hours or more off the shift is half a day's absence; a clock-in counts from two hours before the
/// shift, a clock-out until four hours after it; three missed-clock corrections (补卡) a month, each
/// asked for within three days.
public struct AttendanceRuleSet: Codable, Equatable, Sendable {
    /// Minutes after the shift's start that still count as on time.
    public var graceMinutes: Int
    /// Latenesses a month that are recorded but deduct nothing.
    public var freeLatenessesPerMonth: Int
    /// Days deducted for each lateness or early leave beyond the free passes (0.25: a quarter day).
    public var lateDeductionDays: Double
    /// Every this many deducted latenesses, the last counts as a whole day's absence; 0: never.
    public var latenessesPerAbsence: Int
    /// Minutes late or early from which the day counts as half a day's absence.
    public var halfDayMinutes: Int
    /// How long before the shift's start a clock-in counts for the day.
    public var clockInWindowMinutes: Int
    /// How long after the shift's end a clock-out counts for the day.
    public var clockOutWindowMinutes: Int
    /// Missed-clock corrections (补卡) a person may ask for per month.
    public var correctionsPerMonth: Int
    /// Days after the missed day within which a correction may be asked for.
    public var correctionDeadlineDays: Int

    public static let standard = AttendanceRuleSet(
        graceMinutes: 5, freeLatenessesPerMonth: 2, lateDeductionDays: 0.25, latenessesPerAbsence: 3,
        halfDayMinutes: 120,
        clockInWindowMinutes: 120, clockOutWindowMinutes: 240, correctionsPerMonth: 3, correctionDeadlineDays: 3
    )

    public init(
        graceMinutes: Int, freeLatenessesPerMonth: Int, lateDeductionDays: Double, latenessesPerAbsence: Int,
        halfDayMinutes: Int,
        clockInWindowMinutes: Int, clockOutWindowMinutes: Int, correctionsPerMonth: Int, correctionDeadlineDays: Int
    ) {
        self.graceMinutes = graceMinutes
        self.freeLatenessesPerMonth = freeLatenessesPerMonth
        self.lateDeductionDays = lateDeductionDays
        self.latenessesPerAbsence = latenessesPerAbsence
        self.halfDayMinutes = halfDayMinutes
        self.clockInWindowMinutes = clockInWindowMinutes
        self.clockOutWindowMinutes = clockOutWindowMinutes
        self.correctionsPerMonth = correctionsPerMonth
        self.correctionDeadlineDays = correctionDeadlineDays
    }

    /// Every problem at its field: counts and minutes within sensible bounds, the half-day threshold
    /// beyond the grace.
    public var problems: FieldErrors {
        var errors = FieldErrors()
        func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) {
            if !range.contains(value) { errors.add(field, "attendance.error.out_of_range") }
        }
        check("graceMinutes", graceMinutes, 0...60)
        check("freeLatenessesPerMonth", freeLatenessesPerMonth, 0...31)
        check("latenessesPerAbsence", latenessesPerAbsence, 0...31)
        check("halfDayMinutes", halfDayMinutes, 1...720)
        check("clockInWindowMinutes", clockInWindowMinutes, 0...720)
        check("clockOutWindowMinutes", clockOutWindowMinutes, 0...720)
        check("correctionsPerMonth", correctionsPerMonth, 0...31)
        check("correctionDeadlineDays", correctionDeadlineDays, 0...31)
        if !(lateDeductionDays >= 0 && lateDeductionDays <= 1) {
            errors.add("lateDeductionDays", "attendance.error.out_of_range")
        }
        if errors.messages["halfDayMinutes"] == nil, halfDayMinutes <= graceMinutes {
            errors.add("halfDayMinutes", "attendance.error.half_day_within_grace")
        }
        return errors
    }
}

/// Which way a clock event goes; `any` for a time clock that does not say.
public enum ClockDirection: String, CaseIterable, Codable, Sendable {
    case clockIn = "in", clockOut = "out", any
}

/// One clock event: from the app, a time clock's export, or an approved correction.
public struct ClockPunch: Hashable, Sendable, Codable {
    public var at: Date
    public var direction: ClockDirection

    public init(at: Date, direction: ClockDirection) {
        self.at = at
        self.direction = direction
    }
}

/// The kinds of leave (R6.1).
public enum LeaveKind: String, CaseIterable, Codable, Sendable {
    case annual, sick, personal, compensatory
}

/// How much of each day a leave takes (R6.1): whole days, or the morning or the afternoon of one day.
/// The halves meet at the lunch break of the calendar's hours (at the middle of any other shift).
public enum LeavePart: String, CaseIterable, Codable, Sendable {
    case whole, morning, afternoon

    /// The share of a working day the leave takes.
    public var dayFraction: Double { self == .whole ? 1 : 0.5 }
}

/// What an attendance mark says happened.
public enum AttendanceMarkKind: String, CaseIterable, Codable, Sendable {
    case late, earlyLeave = "early_leave", halfDayAbsence = "half_day_absence", absence, missingClock = "missing_clock"
}

/// A result of the rules for one person and day, with its cause in words (a message key and its
/// arguments), so a penalty can cite it and a person can see why (R6.1, R7.2).
public struct AttendanceFinding: Hashable, Sendable, Codable {
    public var day: CalendarDay
    public var kind: AttendanceMarkKind
    /// Minutes late or early; 0 for an absence or a missing clock.
    public var minutes: Int
    public var deductionDays: Double
    public var cause: String
    public var causeArguments: [String: String]

    public init(
        day: CalendarDay, kind: AttendanceMarkKind, minutes: Int, deductionDays: Double, cause: String,
        causeArguments: [String: String] = [:]
    ) {
        self.day = day
        self.kind = kind
        self.minutes = minutes
        self.deductionDays = deductionDays
        self.cause = cause
        self.causeArguments = causeArguments
    }
}

/// One day of a person's attendance as the rules read it.
public struct AttendanceDay: Equatable, Sendable {
    public var day: CalendarDay
    public var isWorkingDay: Bool
    public var shift: Shift
    public var arrival: Date?
    public var departure: Date?
    public var leave: LeaveKind?
    /// How much of the day the leave takes; nil without leave.
    public var leavePart: LeavePart?
    public var findings: [AttendanceFinding]
}

/// A leave on whole days or half a day, as approved.
public struct LeaveSpan: Hashable, Sendable, Codable {
    public var kind: LeaveKind
    public var start: CalendarDay
    public var end: CalendarDay
    /// A half day is one day (`start == end`).
    public var part: LeavePart

    public init(kind: LeaveKind, start: CalendarDay, end: CalendarDay, part: LeavePart = .whole) {
        self.kind = kind
        self.start = start
        self.end = end
        self.part = part
    }

    public func contains(_ day: CalendarDay) -> Bool { start <= day && day <= end }

    /// Whether the two leaves share time: days in common, unless they are the morning and the afternoon of one day.
    public func overlaps(_ other: LeaveSpan) -> Bool {
        guard start <= other.end && other.start <= end else { return false }
        return part == .whole || other.part == .whole || part == other.part
    }
}

/// The attendance rules as one pure function (R6.1): days, clock events, approved leave and the
/// marks the supervisor excused in; findings with their causes out.
public enum AttendanceRules {
    /// The stretch of time whose clock events count for `day`: from the clock-in window before the
    /// shift's start to the clock-out window after its end (the next morning for a night shift).
    public static func window(of day: CalendarDay, shift: Shift, rules: AttendanceRuleSet, calendar: WorkingCalendar)
        -> (start: Date, end: Date)
    {
        let start = calendar.instant(day, shift.start)
        let end = start.addingTimeInterval(Double(shift.minutes * 60))
        return (
            start.addingTimeInterval(Double(-rules.clockInWindowMinutes * 60)),
            end.addingTimeInterval(Double(rules.clockOutWindowMinutes * 60))
        )
    }

    /// The day's arrival and departure from its clock events: the earliest clock-in (or undirected
    /// event) and the latest clock-out (or undirected event) after it. A single undirected event is an
    /// arrival when it falls in the shift's first half, otherwise a departure.
    public static func arrivalAndDeparture(_ punches: [ClockPunch], shiftStart: Date, shiftEnd: Date) -> (
        arrival: Date?, departure: Date?
    ) {
        let sorted = punches.sorted { $0.at < $1.at }
        guard sorted.count > 1 else {
            guard let only = sorted.first else { return (nil, nil) }
            let middle = shiftStart.addingTimeInterval(shiftEnd.timeIntervalSince(shiftStart) / 2)
            let isArrival = only.direction == .clockIn || (only.direction == .any && only.at < middle)
            return isArrival ? (only.at, nil) : (nil, only.at)
        }
        let arrivalIndex = sorted.firstIndex { $0.direction != .clockOut }
        let departureIndex = sorted.lastIndex { $0.direction != .clockIn }
        guard let departureIndex, arrivalIndex.map({ departureIndex > $0 }) ?? true else {
            return (arrivalIndex.map { sorted[$0].at }, nil)
        }
        return (arrivalIndex.map { sorted[$0].at }, sorted[departureIndex].at)
    }

    /// Each day of `days` for one person, in order. `excused` names the (day, kind) marks the
    /// supervisor excused: they are kept with no deduction and take no free pass nor tier place.
    /// Days after `through` (today and later: not over yet) are read but give no findings, and so are
    /// days before `since` (before the person's attendance was first kept).
    public static func evaluate(
        days: [CalendarDay], through: CalendarDay, since: CalendarDay? = nil, shift: Shift, punches: [ClockPunch],
        leave: [LeaveSpan],
        excused: Set<MarkKey> = [], rules: AttendanceRuleSet, calendar: WorkingCalendar
    ) -> [AttendanceDay] {
        var latenessesThisMonth = 0, deductedLatenesses = 0
        var month = days.first.map { ($0.year, $0.month) }
        return days.map { day in
            if (day.year, day.month) != month! {
                month = (day.year, day.month)
                latenessesThisMonth = 0
                deductedLatenesses = 0
            }
            let isWorkingDay = calendar.isWorkingDay(day)
            let (from, to) = window(of: day, shift: shift, rules: rules, calendar: calendar)
            let shiftStart = calendar.instant(day, shift.start)
            let shiftEnd = shiftStart.addingTimeInterval(Double(shift.minutes * 60))
            let (arrival, departure) = arrivalAndDeparture(
                punches.filter { $0.at >= from && $0.at <= to }, shiftStart: shiftStart, shiftEnd: shiftEnd)
            let (onLeave, part) = leaveOf(day, leave)
            var result = AttendanceDay(
                day: day, isWorkingDay: isWorkingDay, shift: shift, arrival: arrival, departure: departure,
                leave: onLeave,
                leavePart: part, findings: [])
            guard isWorkingDay, part != .whole, day <= through, since.map({ $0 <= day }) ?? true else { return result }
            // Half a day's leave: the morning off moves the expected arrival to the afternoon's start,
            // the afternoon off the expected departure to the morning's end.
            let (morningEnd, afternoonStart) = halves(
                of: day, shift: shift, start: shiftStart, end: shiftEnd, calendar: calendar)
            let expectedStart = part == .morning ? afternoonStart : shiftStart
            let expectedEnd = part == .afternoon ? morningEnd : shiftEnd
            var findings: [AttendanceFinding] = []
            switch (arrival, departure) {
            case (nil, nil) where part != nil:
                findings.append(
                    AttendanceFinding(
                        day: day, kind: .halfDayAbsence, minutes: 0, deductionDays: 0.5,
                        cause: "attendance.cause.no_clock_half_leave"))
            case (nil, nil):
                findings.append(
                    AttendanceFinding(
                        day: day, kind: .absence, minutes: 0, deductionDays: 1, cause: "attendance.cause.no_clock"))
            case (nil, _?), (_?, nil):
                findings.append(
                    AttendanceFinding(
                        day: day, kind: .missingClock, minutes: 0, deductionDays: 0.5,
                        cause: arrival == nil ? "attendance.cause.no_clock_in" : "attendance.cause.no_clock_out"))
            default: break
            }
            if let arrival {
                let late = Int((arrival.timeIntervalSince(expectedStart) / 60).rounded(.down))
                if late >= rules.halfDayMinutes {
                    findings.append(
                        AttendanceFinding(
                            day: day, kind: .halfDayAbsence, minutes: late, deductionDays: 0.5,
                            cause: "attendance.cause.late_half_day",
                            causeArguments: ["minutes": String(late), "threshold": String(rules.halfDayMinutes)]))
                } else if late > rules.graceMinutes {
                    let key = MarkKey(day: day, kind: .late)
                    if excused.contains(key) {
                        findings.append(
                            AttendanceFinding(
                                day: day, kind: .late, minutes: late, deductionDays: 0,
                                cause: "attendance.cause.late_excused",
                                causeArguments: ["minutes": String(late)]))
                    } else {
                        latenessesThisMonth += 1
                        findings.append(
                            lateness(
                                day: day, minutes: late, number: latenessesThisMonth, deducted: &deductedLatenesses,
                                rules: rules))
                    }
                }
            }
            if let departure {
                let early = Int((expectedEnd.timeIntervalSince(departure) / 60).rounded(.up))
                if early >= rules.halfDayMinutes {
                    findings.append(
                        AttendanceFinding(
                            day: day, kind: .halfDayAbsence, minutes: early, deductionDays: 0.5,
                            cause: "attendance.cause.early_half_day",
                            causeArguments: ["minutes": String(early), "threshold": String(rules.halfDayMinutes)]))
                } else if early > 0 {
                    findings.append(
                        AttendanceFinding(
                            day: day, kind: .earlyLeave, minutes: early, deductionDays: rules.lateDeductionDays,
                            cause: "attendance.cause.early", causeArguments: ["minutes": String(early)]))
                }
            }
            // Two half-day findings of one day (late and early) are one absence, counted once.
            var seen = Set<AttendanceMarkKind>()
            result.findings = findings.filter { seen.insert($0.kind).inserted }.map { finding in
                var finding = finding
                if excused.contains(MarkKey(day: day, kind: finding.kind)) {
                    finding.deductionDays = 0
                    if !finding.cause.hasSuffix("_excused") {
                        finding.causeArguments["was"] = finding.cause; finding.cause = "attendance.cause.excused"
                    }
                }
                return finding
            }
            return result
        }
    }

    /// The leave of a day: its kind and how much of the day it takes; a morning and an afternoon of
    /// leave on one day make a whole day.
    static func leaveOf(_ day: CalendarDay, _ leave: [LeaveSpan]) -> (LeaveKind?, LeavePart?) {
        let spans = leave.filter { $0.contains(day) }
        guard let first = spans.first else { return (nil, nil) }
        if spans.contains(where: { $0.part == .whole }) || Set(spans.map(\.part)).count > 1 {
            return ((spans.first { $0.part == .whole } ?? first).kind, .whole)
        }
        return (first.kind, first.part)
    }

    /// Where the morning ends and the afternoon starts: at the lunch break when the shift is the
    /// calendar's working day, otherwise both at the middle of the shift.
    static func halves(of day: CalendarDay, shift: Shift, start: Date, end: Date, calendar: WorkingCalendar) -> (
        morningEnd: Date, afternoonStart: Date
    ) {
        if shift == Shift(calendar.hours) {
            return (calendar.instant(day, calendar.hours.lunchStart), calendar.instant(day, calendar.hours.lunchEnd))
        }
        let middle = start.addingTimeInterval(end.timeIntervalSince(start) / 2)
        return (middle, middle)
    }

    /// The tiers of lateness: free passes first, then a deduction each, and every n-th deducted one an absence.
    static func lateness(day: CalendarDay, minutes: Int, number: Int, deducted: inout Int, rules: AttendanceRuleSet)
        -> AttendanceFinding
    {
        let arguments = ["minutes": String(minutes), "grace": String(rules.graceMinutes), "number": String(number)]
        if number <= rules.freeLatenessesPerMonth {
            return AttendanceFinding(
                day: day, kind: .late, minutes: minutes, deductionDays: 0, cause: "attendance.cause.late_free",
                causeArguments: arguments.merging(["free": String(rules.freeLatenessesPerMonth)]) { $1 })
        }
        deducted += 1
        if rules.latenessesPerAbsence > 0, deducted % rules.latenessesPerAbsence == 0 {
            return AttendanceFinding(
                day: day, kind: .absence, minutes: minutes, deductionDays: 1,
                cause: "attendance.cause.late_makes_absence",
                causeArguments: arguments.merging(["every": String(rules.latenessesPerAbsence)]) { $1 })
        }
        return AttendanceFinding(
            day: day, kind: .late, minutes: minutes, deductionDays: rules.lateDeductionDays,
            cause: "attendance.cause.late",
            causeArguments: arguments)
    }

    /// Every day of a month, in order.
    public static func days(ofMonth year: Int, _ month: Int) -> [CalendarDay] {
        (1...LocalDateTime.daysInMonth(month, year: year)).compactMap { CalendarDay(year: year, month: month, day: $0) }
    }
}

/// A mark's identity within a person's attendance: the day and what happened.
public struct MarkKey: Hashable, Sendable {
    public var day: CalendarDay
    public var kind: AttendanceMarkKind

    public init(day: CalendarDay, kind: AttendanceMarkKind) {
        self.day = day
        self.kind = kind
    }
}
