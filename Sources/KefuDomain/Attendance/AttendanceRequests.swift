import Foundation

/// The state of a leave request or a missed-clock correction: the supervisor approves or rejects it.
public enum AttendanceRequestStatus: String, CaseIterable, Codable, Sendable {
    case pending, approved, rejected
}

/// Leave requests and missed-clock corrections (补卡) as typed (R6.1): every problem at its field.
public enum AttendanceRequestRules {
    /// A leave request: a kind, a first day not after the last, at most 60 days, a reason, and no time
    /// shared with another pending or approved leave of the same person; half a day (morning or
    /// afternoon) is one day.
    public static func validateLeave(
        kind: String, start: String, end: String, part: String = LeavePart.whole.rawValue, reason: String,
        existing: [LeaveSpan]
    ) -> Result<LeaveSpan, FieldErrors> {
        var errors = FieldErrors()
        let leaveKind = LeaveKind(rawValue: kind)
        if leaveKind == nil { errors.add("kind", "validation.choose_from_list") }
        let leavePart = LeavePart(rawValue: part.isEmpty ? LeavePart.whole.rawValue : part)
        if leavePart == nil { errors.add("part", "validation.choose_from_list") }
        let first = CalendarDay(start), last = CalendarDay(end)
        if first == nil { errors.add("startDay", "validation.date") }
        if last == nil { errors.add("endDay", "validation.date") }
        if reason.trimmed.isEmpty {
            errors.add("reason", "validation.required")
        } else if reason.count > 500 {
            errors.add("reason", "validation.too_long")
        }
        if let first, let last {
            if last < first {
                errors.add("endDay", "attendance.error.end_before_start")
            } else if first.days(until: last) >= 60 {
                errors.add("endDay", "attendance.error.leave_too_long")
            } else if let leavePart, leavePart != .whole, first != last {
                errors.add("endDay", "attendance.error.half_day_one_day")
            } else if existing.contains(where: {
                $0.overlaps(LeaveSpan(kind: leaveKind ?? .personal, start: first, end: last, part: leavePart ?? .whole))
            }) {
                errors.add("startDay", "attendance.error.leave_overlaps")
            }
        }
        guard errors.isEmpty, let leaveKind, let leavePart, let first, let last else { return .failure(errors) }
        return .success(LeaveSpan(kind: leaveKind, start: first, end: last, part: leavePart))
    }

    /// A missed-clock correction: the day and time of the clock event that was missed, its direction and
    /// a reason; not a day in the future, asked for within the deadline after the day, and within the
    /// month's allowance (`used`: the person's pending and approved corrections of that month).
    public static func validateCorrection(
        day: String, time: String, direction: String, reason: String, today: CalendarDay, used: Int,
        rules: AttendanceRuleSet
    ) -> Result<(day: CalendarDay, time: DayTime, direction: ClockDirection), FieldErrors> {
        var errors = FieldErrors()
        let parsedDay = CalendarDay(day), parsedTime = DayTime(time)
        let parsedDirection = ClockDirection(rawValue: direction).flatMap { $0 == .any ? nil : $0 }
        if parsedDay == nil { errors.add("day", "validation.date") }
        if parsedTime == nil { errors.add("time", "attendance.error.time") }
        if parsedDirection == nil { errors.add("direction", "validation.choose_from_list") }
        if reason.trimmed.isEmpty {
            errors.add("reason", "validation.required")
        } else if reason.count > 500 {
            errors.add("reason", "validation.too_long")
        }
        if let parsedDay {
            if parsedDay > today {
                errors.add("day", "attendance.error.future_day")
            } else if parsedDay.days(until: today) > rules.correctionDeadlineDays {
                errors.add("day", "attendance.error.correction_deadline")
            } else if used >= rules.correctionsPerMonth {
                errors.add("day", "attendance.error.correction_allowance")
            }
        }
        guard errors.isEmpty, let parsedDay, let parsedTime, let parsedDirection else { return .failure(errors) }
        return .success((parsedDay, parsedTime, parsedDirection))
    }

    /// A supervisor's excuse of a mark: a reason is required.
    public static func validateExcuse(_ reason: String) -> FieldErrors {
        let reason = reason.trimmed
        if reason.isEmpty { return FieldErrors(["reason": "validation.required"]) }
        if reason.count > 500 { return FieldErrors(["reason": "validation.too_long"]) }
        return FieldErrors()
    }
}

/// A person's month in figures: what the monthly sheet and the payroll CSV show, and what the
/// assessment reads (R6.1, R5.3).
public struct AttendanceSummary: Equatable, Sendable, Codable {
    public var workingDays = 0
    public var attendedDays = 0
    public var latenesses = 0
    public var earlyLeaves = 0
    public var missingClocks = 0
    /// Absence in days: whole and half days, latenesses turned into an absence included.
    public var absenceDays = 0.0
    /// Days of leave by kind; half a day counts 0.5.
    public var leaveDays: [LeaveKind: Double] = [:]
    public var deductionDays = 0.0
    public var excused = 0

    public init() {}

    /// Sums the days read by the rules and the stored marks (which carry the supervisor's excuses).
    public init(days: [AttendanceDay], marks: [AttendanceFinding]) {
        for day in days where day.isWorkingDay {
            workingDays += 1
            if let leave = day.leave { leaveDays[leave, default: 0] += (day.leavePart ?? .whole).dayFraction }
            // Half a day off: the other half is attended when the person clocked.
            if day.leavePart != .whole, day.arrival != nil || day.departure != nil { attendedDays += 1 }
        }
        for mark in marks {
            switch mark.kind {
            case .late: latenesses += 1
            case .earlyLeave: earlyLeaves += 1
            case .missingClock: missingClocks += 1
            case .absence: absenceDays += mark.deductionDays > 0 ? 1 : 0
            case .halfDayAbsence: absenceDays += mark.deductionDays > 0 ? 0.5 : 0
            }
            if mark.cause == "attendance.cause.excused" || mark.cause == "attendance.cause.late_excused" {
                excused += 1
            }
            deductionDays += mark.deductionDays
        }
    }

    public var totalLeaveDays: Double { leaveDays.values.reduce(0, +) }

    /// The attendance input of an assessment (0–100): 100 less 10 points per day deducted; nil for a
    /// period without a working day.
    public var score: Double? {
        workingDays == 0 ? nil : max(0, 100 - deductionDays * 10)
    }
}

/// The monthly attendance sheet as CSV for payroll (UTF-8 with BOM via `CSVText.encodeForExcel`).
public enum AttendanceSheetCSV {
    public struct Line: Sendable {
        public var username: String
        public var name: String
        public var summary: AttendanceSummary

        public init(username: String, name: String, summary: AttendanceSummary) {
            self.username = username
            self.name = name
            self.summary = summary
        }
    }

    /// One row per person; `header` holds the localized column titles (13 of them).
    public static func text(header: [String], lines: [Line]) -> String {
        CSVTable.write(
            header: header,
            rows: lines.map { line in
                let s = line.summary
                return [
                    line.username, line.name, String(s.workingDays), String(s.attendedDays), String(s.latenesses),
                    String(s.earlyLeaves),
                    String(s.missingClocks), number(s.absenceDays),
                ]
                    + LeaveKind.allCases.map { number(s.leaveDays[$0] ?? 0) } + [number(s.deductionDays)]
            })
    }

    static func number(_ value: Double) -> String {
        value == value.rounded()
            ? String(Int(value))
            : String(format: "%.2f", value).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }
}
