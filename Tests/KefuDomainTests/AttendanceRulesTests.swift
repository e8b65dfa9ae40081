import Foundation
import KefuDomain
import Testing

/// Issue 15 (R6.1): the attendance rules at their boundaries — grace minute, free passes and tiers,
/// half day, a night shift across midnight, holidays and make-up working days — and leave,
/// corrections (补卡) and a time clock's export, on fixed days in November 2026 (China time).
@Suite("Attendance: rules at the boundaries, leave, corrections and time-clock import (R6.1)")
struct AttendanceRulesTests {
    /// National Day 2026 off on Thursday 1 October, Saturday 10 October worked (调休).
    static let calendar = WorkingCalendar(exceptions: [
        CalendarException(day: CalendarDay("2026-10-01")!, kind: .holiday, name: "国庆节"),
        CalendarException(day: CalendarDay("2026-10-10")!, kind: .workday, name: "国庆节补班"),
    ])
    static let office = Shift(WorkingHours.standard)
    static let rules = AttendanceRuleSet.standard

    static func at(_ day: String, _ time: String, plusSeconds: Double = 0) -> Date {
        calendar.instant(CalendarDay(day)!, DayTime(time)!).addingTimeInterval(plusSeconds)
    }

    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    /// The findings of one day with a clock-in and a clock-out.
    func findings(
        _ day: String, in arrival: String, out departure: String, shift: Shift = office, excused: Set<MarkKey> = []
    ) -> [AttendanceFinding] {
        let punches = [
            ClockPunch(at: Self.at(day, arrival), direction: .clockIn),
            ClockPunch(at: Self.at(day, departure), direction: .clockOut),
        ]
        return AttendanceRules.evaluate(
            days: [Self.day(day)], through: Self.day(day), shift: shift, punches: punches, leave: [], excused: excused,
            rules: Self.rules, calendar: Self.calendar
        ).flatMap(\.findings)
    }

    @Test("five minutes late is on time, the sixth minute is a lateness (a free pass first)")
    func graceMinute() {
        #expect(findings("2026-11-02", in: "09:05", out: "18:00").isEmpty)
        let late = findings("2026-11-02", in: "09:06", out: "18:00")
        #expect(
            late == [
                AttendanceFinding(
                    day: Self.day("2026-11-02"), kind: .late, minutes: 6, deductionDays: 0,
                    cause: "attendance.cause.late_free",
                    causeArguments: ["minutes": "6", "grace": "5", "number": "1", "free": "2"])
            ])
        // 09:05:59 is still within the fifth minute.
        let punches = [
            ClockPunch(at: Self.at("2026-11-02", "09:05", plusSeconds: 59), direction: .clockIn),
            ClockPunch(at: Self.at("2026-11-02", "18:00"), direction: .clockOut),
        ]
        #expect(
            AttendanceRules.evaluate(
                days: [Self.day("2026-11-02")], through: Self.day("2026-11-02"), shift: Self.office, punches: punches,
                leave: [],
                rules: Self.rules, calendar: Self.calendar
            ).flatMap(\.findings).isEmpty)
    }

    @Test(
        "two free latenesses a month, then a quarter day each, and every third deducted one an absence; a new month starts afresh"
    )
    func tiers() {
        let days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09", "2026-12-01"]
        let punches = days.flatMap {
            [
                ClockPunch(at: Self.at($0, "09:10"), direction: .clockIn),
                ClockPunch(at: Self.at($0, "18:00"), direction: .clockOut),
            ]
        }
        let result = AttendanceRules.evaluate(
            days: days.map(Self.day), through: Self.day("2026-12-01"), shift: Self.office, punches: punches, leave: [],
            rules: Self.rules, calendar: Self.calendar)
        let marks = result.flatMap(\.findings)
        #expect(marks.map(\.kind) == [.late, .late, .late, .late, .absence, .late, .late])
        #expect(marks.map(\.deductionDays) == [0, 0, 0.25, 0.25, 1, 0.25, 0])
        #expect(marks[4].cause == "attendance.cause.late_makes_absence" && marks[4].causeArguments["every"] == "3")
        let november = AttendanceSummary(days: Array(result.prefix(6)), marks: Array(marks.prefix(6)))
        #expect(
            november.latenesses == 5 && november.absenceDays == 1 && november.deductionDays == 1.75
                && november.score == 82.5)
    }

    @Test("an excused lateness deducts nothing and takes no free pass")
    func excusedLateness() {
        let days = ["2026-11-02", "2026-11-03", "2026-11-04"]
        let punches = days.flatMap {
            [
                ClockPunch(at: Self.at($0, "09:30"), direction: .clockIn),
                ClockPunch(at: Self.at($0, "18:00"), direction: .clockOut),
            ]
        }
        let marks = AttendanceRules.evaluate(
            days: days.map(Self.day), through: Self.day("2026-11-04"), shift: Self.office, punches: punches, leave: [],
            excused: [MarkKey(day: Self.day("2026-11-02"), kind: .late)], rules: Self.rules, calendar: Self.calendar
        )
        .flatMap(\.findings)
        #expect(
            marks.map(\.cause) == [
                "attendance.cause.late_excused", "attendance.cause.late_free", "attendance.cause.late_free",
            ])
        #expect(marks.map(\.deductionDays) == [0, 0, 0])
    }

    @Test(
        "119 minutes late is a lateness, 120 half a day; leaving one minute early is an early leave, two hours early half a day"
    )
    func halfDay() {
        #expect(findings("2026-11-02", in: "10:59", out: "18:00").map(\.kind) == [.late])
        #expect(
            findings("2026-11-02", in: "11:00", out: "18:00").map { "\($0.kind.rawValue) \($0.deductionDays)" } == [
                "half_day_absence 0.5"
            ])
        #expect(
            findings("2026-11-02", in: "09:00", out: "17:59").map {
                "\($0.kind.rawValue) \($0.minutes) \($0.deductionDays)"
            } == ["early_leave 1 0.25"])
        #expect(findings("2026-11-02", in: "09:00", out: "16:00").map(\.kind) == [.halfDayAbsence])
        // Late and early by half a day each is one half-day finding, not two.
        #expect(findings("2026-11-02", in: "11:00", out: "16:00").count == 1)
    }

    @Test("a night shift from 22:00 to 06:00 belongs to the day it starts; its clock-out is the next morning")
    func nightShift() {
        let night = Shift(start: DayTime("22:00")!, end: DayTime("06:00")!)
        #expect(night.crossesMidnight && night.minutes == 480)
        func evaluate(_ punches: [ClockPunch]) -> [AttendanceDay] {
            AttendanceRules.evaluate(
                days: [Self.day("2026-11-02"), Self.day("2026-11-03")], through: Self.day("2026-11-03"), shift: night,
                punches: punches,
                leave: [], rules: Self.rules, calendar: Self.calendar)
        }
        let onTime = evaluate([
            ClockPunch(at: Self.at("2026-11-02", "21:58"), direction: .any),
            ClockPunch(at: Self.at("2026-11-03", "06:01"), direction: .any),
            ClockPunch(at: Self.at("2026-11-03", "22:00"), direction: .any),
            ClockPunch(at: Self.at("2026-11-04", "06:00"), direction: .any),
        ])
        #expect(onTime.flatMap(\.findings).isEmpty)
        #expect(onTime[0].departure == Self.at("2026-11-03", "06:01"))
        let early = evaluate([
            ClockPunch(at: Self.at("2026-11-02", "22:06"), direction: .any),
            ClockPunch(at: Self.at("2026-11-03", "05:30"), direction: .any),
        ])
        #expect(early[0].findings.map { "\($0.kind.rawValue) \($0.minutes)" } == ["late 6", "early_leave 30"])
        // The next night nobody came: an absence of 3 November, not a clock-out taken from 2 November's shift.
        #expect(early[1].findings.map(\.kind) == [.absence])
    }

    @Test(
        "a holiday on a weekday asks for nothing; a make-up Saturday (调休) is a working day; an ordinary Sunday is not")
    func holidayAndMakeUpDay() {
        let days = [Self.day("2026-10-01"), Self.day("2026-10-10"), Self.day("2026-10-11")]
        let result = AttendanceRules.evaluate(
            days: days, through: Self.day("2026-10-11"), shift: Self.office, punches: [], leave: [], rules: Self.rules,
            calendar: Self.calendar)
        #expect(result.map(\.isWorkingDay) == [false, true, false])
        #expect(result.map { $0.findings.map(\.kind) } == [[], [.absence], []])
        #expect(result[1].findings[0].cause == "attendance.cause.no_clock")
    }

    @Test("approved leave covers its days; one clock event is a missing clock; today is not judged before it is over")
    func leaveAndMissingClock() {
        let leave = [LeaveSpan(kind: .sick, start: Self.day("2026-11-02"), end: Self.day("2026-11-03"))]
        let days = ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"].map(Self.day)
        let result = AttendanceRules.evaluate(
            days: days, through: Self.day("2026-11-04"), shift: Self.office,
            punches: [ClockPunch(at: Self.at("2026-11-04", "08:50"), direction: .any)], leave: leave, rules: Self.rules,
            calendar: Self.calendar)
        #expect(result.map { $0.findings.map(\.cause) } == [[], [], ["attendance.cause.no_clock_out"], []])
        #expect(result[0].leave == .sick)
        let summary = AttendanceSummary(days: result, marks: result.flatMap(\.findings))
        #expect(summary.leaveDays[.sick] == 2 && summary.missingClocks == 1 && summary.deductionDays == 0.5)
    }

    @Test("a clock-out before the day's clock-in is no departure")
    func clockOutBeforeClockIn() {
        let start = Self.at("2026-11-02", "09:00"), end = Self.at("2026-11-02", "18:00")
        let punches = [
            ClockPunch(at: Self.at("2026-11-02", "08:00"), direction: .clockOut),
            ClockPunch(at: Self.at("2026-11-02", "08:55"), direction: .clockIn),
        ]
        let read = AttendanceRules.arrivalAndDeparture(punches, shiftStart: start, shiftEnd: end)
        #expect(read.arrival == Self.at("2026-11-02", "08:55") && read.departure == nil)
    }

    @Test("leave overlapping other leave, ending before it starts, or without a reason is refused at its field")
    func leaveValidation() {
        let existing = [LeaveSpan(kind: .annual, start: Self.day("2026-11-09"), end: Self.day("2026-11-11"))]
        func problems(_ start: String, _ end: String, reason: String = "家中有事", kind: String = "personal") -> [String:
            String]
        {
            switch AttendanceRequestRules.validateLeave(
                kind: kind, start: start, end: end, reason: reason, existing: existing)
            {
            case .success: [:]
            case .failure(let errors): errors.messages
            }
        }
        #expect(problems("2026-11-11", "2026-11-12") == ["startDay": "attendance.error.leave_overlaps"])
        #expect(problems("2026-11-05", "2026-11-09") == ["startDay": "attendance.error.leave_overlaps"])
        #expect(problems("2026-11-12", "2026-11-13").isEmpty)
        #expect(problems("2026-11-06", "2026-11-08").isEmpty)
        #expect(problems("2026-11-13", "2026-11-12") == ["endDay": "attendance.error.end_before_start"])
        #expect(
            problems("2026-11-13", "2026-11-13", reason: " ", kind: "holiday") == [
                "reason": "validation.required", "kind": "validation.choose_from_list",
            ])
    }

    @Test(
        "half a day's leave: the morning off expects arrival after the lunch break, the afternoon off departure at its start; no clock is half a day's absence"
    )
    func halfDayLeave() {
        let morning = LeaveSpan(
            kind: .personal, start: Self.day("2026-11-02"), end: Self.day("2026-11-02"), part: .morning)
        let afternoon = LeaveSpan(
            kind: .sick, start: Self.day("2026-11-03"), end: Self.day("2026-11-03"), part: .afternoon)
        func day(_ text: String, _ punches: [(String, ClockDirection)], leave: [LeaveSpan]) -> AttendanceDay {
            AttendanceRules.evaluate(
                days: [Self.day(text)], through: Self.day(text), shift: Self.office,
                punches: punches.map { ClockPunch(at: Self.at(text, $0.0), direction: $0.1) }, leave: leave,
                rules: Self.rules,
                calendar: Self.calendar)[0]
        }
        // The standard day's lunch break is 12:00–13:30: 13:35 is within the grace, 13:36 a lateness; 09:00 would be no lateness either.
        #expect(day("2026-11-02", [("13:35", .clockIn), ("18:00", .clockOut)], leave: [morning]).findings.isEmpty)
        let late = day("2026-11-02", [("13:36", .clockIn), ("18:00", .clockOut)], leave: [morning])
        #expect(
            late.findings.map(\.kind) == [.late] && late.findings[0].minutes == 6 && late.leave == .personal
                && late.leavePart == .morning)
        // The afternoon off: leaving at 12:00 is on time, at 11:59 one minute early.
        #expect(day("2026-11-03", [("08:58", .clockIn), ("12:00", .clockOut)], leave: [afternoon]).findings.isEmpty)
        #expect(
            day("2026-11-03", [("08:58", .clockIn), ("11:59", .clockOut)], leave: [afternoon]).findings.map(\.kind) == [
                .earlyLeave
            ])
        // No clock at all on a half day off: half a day's absence, not a whole one.
        let absent = day("2026-11-02", [], leave: [morning])
        #expect(
            absent.findings == [
                AttendanceFinding(
                    day: Self.day("2026-11-02"), kind: .halfDayAbsence, minutes: 0, deductionDays: 0.5,
                    cause: "attendance.cause.no_clock_half_leave")
            ])
        // The morning and the afternoon of one day off make a whole day: nothing is asked.
        let both = day(
            "2026-11-02", [],
            leave: [
                morning,
                LeaveSpan(kind: .annual, start: Self.day("2026-11-02"), end: Self.day("2026-11-02"), part: .afternoon),
            ])
        #expect(both.findings.isEmpty && both.leavePart == .whole)
        // A night shift has no lunch break: its halves meet at the middle (02:00).
        let night = Shift(start: DayTime("22:00")!, end: DayTime("06:00")!)
        let nightDay = AttendanceRules.evaluate(
            days: [Self.day("2026-11-02")], through: Self.day("2026-11-03"), shift: night,
            punches: [
                ClockPunch(at: Self.at("2026-11-03", "02:00"), direction: .clockIn),
                ClockPunch(at: Self.at("2026-11-03", "06:00"), direction: .clockOut),
            ],
            leave: [morning], rules: Self.rules, calendar: Self.calendar)[0]
        #expect(nightDay.findings.isEmpty)
        // The month's figures: half a day of leave each, both days attended.
        let summary = AttendanceSummary(
            days: [late, day("2026-11-03", [("08:58", .clockIn), ("12:00", .clockOut)], leave: [afternoon])],
            marks: late.findings)
        #expect(
            summary.leaveDays == [.personal: 0.5, .sick: 0.5] && summary.totalLeaveDays == 1
                && summary.attendedDays == 2)
        #expect(
            AttendanceSheetCSV.text(
                header: Array(repeating: "h", count: 13), lines: [.init(username: "lina", name: "李娜", summary: summary)]
            )
            .contains("lina,李娜,2,2,1,0,0,0,0,0.5,0.5,0,0"))
    }

    @Test(
        "half a day is one day; a morning and an afternoon of one day do not overlap, two mornings do, and a whole day overlaps either half"
    )
    func halfDayLeaveValidation() {
        let morning = LeaveSpan(
            kind: .personal, start: Self.day("2026-11-10"), end: Self.day("2026-11-10"), part: .morning)
        func problems(_ start: String, _ end: String, part: String, existing: [LeaveSpan] = []) -> [String: String] {
            switch AttendanceRequestRules.validateLeave(
                kind: "annual", start: start, end: end, part: part, reason: "看病", existing: existing)
            {
            case .success(let span): #expect(span.part.rawValue == (part.isEmpty ? "whole" : part)); return [:]
            case .failure(let errors): return errors.messages
            }
        }
        #expect(
            problems("2026-11-10", "2026-11-11", part: "morning") == ["endDay": "attendance.error.half_day_one_day"])
        #expect(problems("2026-11-10", "2026-11-10", part: "evening") == ["part": "validation.choose_from_list"])
        #expect(problems("2026-11-10", "2026-11-10", part: "afternoon", existing: [morning]).isEmpty)
        #expect(
            problems("2026-11-10", "2026-11-10", part: "morning", existing: [morning]) == [
                "startDay": "attendance.error.leave_overlaps"
            ])
        #expect(
            problems("2026-11-09", "2026-11-10", part: "", existing: [morning]) == [
                "startDay": "attendance.error.leave_overlaps"
            ])
        #expect(problems("2026-11-11", "2026-11-11", part: "morning", existing: [morning]).isEmpty)
    }

    @Test(
        "a correction (补卡) within three days and the month's three is accepted; after the deadline or beyond the allowance refused"
    )
    func corrections() {
        func problems(_ day: String, used: Int, time: String = "09:00", direction: String = "in") -> [String: String] {
            switch AttendanceRequestRules.validateCorrection(
                day: day, time: time, direction: direction, reason: "忘记打卡", today: Self.day("2026-11-12"),
                used: used, rules: Self.rules)
            {
            case .success: [:]
            case .failure(let errors): errors.messages
            }
        }
        #expect(problems("2026-11-09", used: 2).isEmpty)
        #expect(problems("2026-11-08", used: 0) == ["day": "attendance.error.correction_deadline"])
        #expect(problems("2026-11-10", used: 3) == ["day": "attendance.error.correction_allowance"])
        #expect(problems("2026-11-13", used: 0) == ["day": "attendance.error.future_day"])
        #expect(
            problems("2026-11-10", used: 0, time: "25:00", direction: "any") == [
                "time": "attendance.error.time", "direction": "validation.choose_from_list",
            ])
    }

    @Test("rules out of range or a half day within the grace are refused at their field")
    func ruleValidation() {
        var rules = AttendanceRuleSet.standard
        #expect(rules.problems.isEmpty)
        rules.graceMinutes = 90
        rules.lateDeductionDays = 2
        #expect(
            rules.problems.messages == [
                "graceMinutes": "attendance.error.out_of_range", "lateDeductionDays": "attendance.error.out_of_range",
            ])
        rules.graceMinutes = 30
        rules.lateDeductionDays = 0.25
        rules.halfDayMinutes = 30
        #expect(rules.problems.messages == ["halfDayMinutes": "attendance.error.half_day_within_grace"])
    }

    @Test(
        "a time clock's CSV: unknown people, bad times, duplicate rows and a clock-out before the clock-in are reported line by line"
    )
    func importProblems() {
        let text = """
            工号,日期,时间,方向
            wangfang,2026-11-02,08:57,上班
            wangfang,2026-11-02,18:03,下班
            nobody,2026-11-02,08:59,上班
            lina,2026-11-02,25:10,上班
            lina,2026-11-31,09:00,上班
            wangfang,2026-11-02,08:57,上班
            lina,2026-11-03,09:00,上班
            lina,2026-11-03,08:00,下班
            lina,2026-11-04,09:00,午休
            """
        let preview = TimeClockImport.preview(
            text, people: ["wangfang": 7, "lina": 8],
            existing: [ExistingPunch(staffID: 7, at: Self.at("2026-11-02", "18:03"))], calendar: Self.calendar)
        #expect(preview.layout == .kefu)
        #expect(
            preview.problems.map { "\($0.line) \($0.messageKey)" } == [
                "3 attendance.import.duplicate_stored", "4 attendance.import.unknown_person",
                "5 attendance.import.bad_time", "6 attendance.import.bad_time",
                "7 attendance.import.duplicate_line", "9 attendance.import.out_before_in",
                "10 attendance.import.bad_direction",
            ])
        #expect(preview.problems[1].arguments == ["person": "nobody"] && preview.problems[4].arguments == ["line": "2"])
        #expect(preview.lines.map(\.line) == [2, 8])
        #expect(
            preview.lines[0]
                == TimeClockLine(
                    line: 2, staffID: 7, at: Self.at("2026-11-02", "08:57"), direction: .clockIn, address: ""))
    }

    @Test("钉钉考勤's export is read by its header: 工号, 考勤日期 with the weekday, 打卡时间 with seconds, 打卡类型 and 打卡地址")
    func dingTalkLayout() {
        let text = """
            姓名,考勤组,部门,工号,职位,考勤日期,打卡时间,打卡类型,打卡结果,打卡地址
            王芳,客服部,客服部,wangfang,专员,26-11-02 星期一,08:57:31,上班,正常,上海市浦东新区张江路100号
            王芳,客服部,客服部,wangfang,专员,26-11-02 星期一,2026-11-02 18:01,下班,正常,上海市浦东新区张江路100号
            """
        let preview = TimeClockImport.preview(text, people: ["wangfang": 7], calendar: Self.calendar)
        #expect(preview.layout == .dingtalk && preview.problems.isEmpty)
        #expect(
            preview.lines.map(\.at) == [
                Self.at("2026-11-02", "08:57", plusSeconds: 31), Self.at("2026-11-02", "18:01"),
            ])
        #expect(
            preview.lines.map(\.direction) == [.clockIn, .clockOut] && preview.lines[0].address == "上海市浦东新区张江路100号")
        #expect(
            TimeClockImport.preview("a,b\n1,2", people: [:], calendar: Self.calendar).problems == [
                TimeClockProblem(line: 1, messageKey: "attendance.import.header")
            ])
    }

    @Test("the payroll CSV has one row per person with the month's figures")
    func payrollCSV() {
        var summary = AttendanceSummary()
        summary.workingDays = 21
        summary.attendedDays = 19
        summary.latenesses = 3
        summary.absenceDays = 0.5
        summary.leaveDays = [.annual: 2]
        summary.deductionDays = 0.75
        let text = AttendanceSheetCSV.text(
            header: (1...13).map { "c\($0)" }, lines: [.init(username: "wangfang", name: "王芳", summary: summary)])
        #expect(text.split(separator: "\r\n").last == "wangfang,王芳,21,19,3,0,0,0.5,2,0,0,0,0.75")
    }
}
