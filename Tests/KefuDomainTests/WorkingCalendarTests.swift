import Foundation
import KefuDomain
import Testing

/// Issue 13 (R3.5): the one working calendar — working days and hours with the lunch break, public
/// holidays, make-up working days (调休), hour boundaries and the paused clock, on fixed dates in
/// China time.
@Suite("Working calendar: working hours, holidays, 调休, pauses (R3.5)")
struct WorkingCalendarTests {
    static let china = TimeZone(secondsFromGMT: 8 * 3600)!

    /// National Day 2026 as these tests fix it: 1–7 October off, Sunday 20 September and Saturday
    /// 10 October worked.
    static let calendar: WorkingCalendar = {
        var entries = (1...7).map {
            CalendarException(day: CalendarDay(year: 2026, month: 10, day: $0)!, kind: .holiday, name: "国庆节")
        }
        entries.append(CalendarException(day: CalendarDay("2026-09-20")!, kind: .workday, name: "国庆节补班"))
        entries.append(CalendarException(day: CalendarDay("2026-10-10")!, kind: .workday, name: "国庆节补班"))
        return WorkingCalendar(exceptions: entries)
    }()

    static func at(_ text: String) -> Date { LocalDateTime.parse(text, timeZone: china)! }

    func plus(_ hours: Double, _ start: String) -> Date? {
        Self.calendar.adding(workingHours: hours, to: Self.at(start))
    }

    func hours(_ from: String, _ to: String) -> Double {
        Self.calendar.workingSeconds(from: Self.at(from), to: Self.at(to)) / 3600
    }

    // MARK: Days

    @Test("weekdays are ISO numbered and read in China time")
    func weekdays() {
        #expect(WorkingCalendar.weekday(of: CalendarDay("2026-10-01")!) == 4)
        #expect(WorkingCalendar.weekday(of: CalendarDay("2026-11-29")!) == 7)
        #expect(WorkingCalendar.weekday(of: CalendarDay("2026-11-30")!) == 1)
        // 2026-11-29 16:30 UTC is already Monday 00:30 in China.
        #expect(Self.calendar.day(of: Date(timeIntervalSince1970: 1_795_969_800)) == CalendarDay("2026-11-30")!)
    }

    @Test("a holiday on a weekday is off, a make-up Saturday or Sunday is worked, plain weekends are off")
    func workingDays() {
        let calendar = Self.calendar
        #expect(calendar.isWorkingDay(CalendarDay("2026-09-30")!))
        #expect(!calendar.isWorkingDay(CalendarDay("2026-10-01")!))
        #expect(!calendar.isWorkingDay(CalendarDay("2026-10-05")!))  // Monday in the holiday
        #expect(calendar.isWorkingDay(CalendarDay("2026-10-10")!))  // Saturday 调休
        #expect(calendar.isWorkingDay(CalendarDay("2026-09-20")!))  // Sunday 调休
        #expect(!calendar.isWorkingDay(CalendarDay("2026-10-11")!))
        #expect(!calendar.isWorkingDay(CalendarDay("2026-11-28")!))
        #expect(calendar.isWorkingDay(CalendarDay("2026-11-30")!))
    }

    @Test("working time: the morning and afternoon, with the period's start in and its end out")
    func workingTime() {
        let calendar = Self.calendar
        #expect(!calendar.isWorkingTime(Self.at("2026-11-30 08:59")))
        #expect(calendar.isWorkingTime(Self.at("2026-11-30 09:00")))
        #expect(calendar.isWorkingTime(Self.at("2026-11-30 11:59")))
        #expect(!calendar.isWorkingTime(Self.at("2026-11-30 12:00")))
        #expect(!calendar.isWorkingTime(Self.at("2026-11-30 13:29")))
        #expect(calendar.isWorkingTime(Self.at("2026-11-30 13:30")))
        #expect(!calendar.isWorkingTime(Self.at("2026-11-30 18:00")))
        #expect(!calendar.isWorkingTime(Self.at("2026-10-02 10:00")))
        #expect(calendar.isWorkingTime(Self.at("2026-10-10 10:00")))
        // 2026-11-30T01:30Z = 09:30 in China
        #expect(calendar.isWorkingTime(Date(timeIntervalSince1970: 1_796_002_200)))
    }

    @Test("the next working instant: itself in working time, else the next period's start")
    func nextWorkingInstant() {
        let calendar = Self.calendar
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-11-30 10:15")) == Self.at("2026-11-30 10:15"))
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-11-30 12:10")) == Self.at("2026-11-30 13:30"))
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-11-30 18:00")) == Self.at("2026-12-01 09:00"))
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-11-28 20:00")) == Self.at("2026-11-30 09:00"))
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-09-30 19:00")) == Self.at("2026-10-08 09:00"))
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-10-09 18:30")) == Self.at("2026-10-10 09:00"))
    }

    // MARK: Adding working hours

    @Test("adding within a morning, across lunch, from lunch and from before the day starts")
    func addingWithinADay() {
        #expect(plus(2, "2026-11-30 09:00") == Self.at("2026-11-30 11:00"))
        #expect(plus(2, "2026-11-30 11:00") == Self.at("2026-11-30 14:30"))
        #expect(plus(1, "2026-11-30 12:15") == Self.at("2026-11-30 14:30"))
        #expect(plus(1, "2026-11-30 07:00") == Self.at("2026-11-30 10:00"))
        #expect(plus(0.5, "2026-11-30 11:45") == Self.at("2026-11-30 13:45"))
        #expect(plus(0, "2026-11-30 20:00") == Self.at("2026-11-30 20:00"))
    }

    @Test("the end of the day: exactly at 18:00 stays on the day, a minute more goes to the next morning")
    func dayBoundary() {
        #expect(plus(1, "2026-11-30 17:00") == Self.at("2026-11-30 18:00"))
        #expect(plus(2, "2026-11-30 17:00") == Self.at("2026-12-01 10:00"))
        #expect(plus(0.5, "2026-11-30 18:00") == Self.at("2026-12-01 09:30"))
        #expect(plus(7.5, "2026-11-30 09:00") == Self.at("2026-11-30 18:00"))
        #expect(plus(7.75, "2026-11-30 09:00") == Self.at("2026-12-01 09:15"))
    }

    @Test("weekends are skipped: Friday afternoon plus two hours is Monday morning")
    func acrossWeekend() {
        #expect(plus(2, "2026-11-27 17:00") == Self.at("2026-11-30 10:00"))
        #expect(plus(2, "2026-11-28 10:00") == Self.at("2026-11-30 11:00"))
    }

    @Test("a public holiday is skipped, and a make-up Saturday or Sunday counts")
    func acrossHolidayAndMakeUpDays() {
        #expect(plus(2, "2026-09-30 17:00") == Self.at("2026-10-08 10:00"))
        #expect(plus(2, "2026-10-09 17:00") == Self.at("2026-10-10 10:00"))
        #expect(plus(2, "2026-09-18 17:00") == Self.at("2026-09-20 10:00"))
        // Without the 调休 entries the same Saturday is off.
        var plain = Self.calendar
        plain.remove(CalendarDay("2026-10-10")!)
        #expect(plain.adding(workingHours: 2, to: Self.at("2026-10-09 17:00")) == Self.at("2026-10-12 10:00"))
    }

    @Test(
        "the default targets land where a person counting on the wall calendar expects",
        arguments: [
            (2.0, "2026-11-30 09:00", "2026-11-30 11:00"),
            (4.0, "2026-11-30 16:00", "2026-12-01 11:00"),
            (8.0, "2026-11-30 09:00", "2026-12-01 09:30"),
            (24.0, "2026-11-30 09:00", "2026-12-03 10:30"),
            (72.0, "2026-11-30 09:00", "2026-12-11 15:00"),
            (120.0, "2026-09-28 09:00", "2026-10-23 18:00"),
        ])
    func targets(hours: Double, start: String, expected: String) {
        #expect(plus(hours, start) == Self.at(expected))
    }

    @Test("a calendar with no working day answers no deadline rather than looping")
    func noWorkingDays() {
        let calendar = WorkingCalendar(weekdays: [])
        #expect(calendar.adding(workingHours: 1, to: Self.at("2026-11-30 09:00")) == nil)
        #expect(calendar.nextWorkingInstant(atOrAfter: Self.at("2026-11-30 09:00")) == nil)
        #expect(calendar.workingSeconds(from: Self.at("2026-11-30 09:00"), to: Self.at("2026-12-30 09:00")) == 0)
    }

    // MARK: Elapsed working time

    @Test("elapsed working time skips nights, lunch, weekends and holidays, and counts 调休")
    func elapsed() {
        #expect(hours("2026-11-30 09:00", "2026-11-30 18:00") == 7.5)
        #expect(hours("2026-11-30 12:05", "2026-11-30 13:25") == 0)
        #expect(hours("2026-11-27 17:00", "2026-11-30 10:00") == 2)
        #expect(hours("2026-09-30 17:00", "2026-10-08 10:00") == 2)
        #expect(hours("2026-10-09 17:00", "2026-10-10 10:00") == 2)
        #expect(hours("2026-11-30 09:00", "2026-12-07 09:00") == 37.5)
        #expect(hours("2026-11-30 10:00", "2026-11-30 09:00") == 0)
    }

    @Test(
        "adding and then measuring gives back the hours added, from any start",
        arguments: [0.25, 1, 2, 4, 7.5, 8, 24, 72, 120])
    func roundTrip(hours: Double) throws {
        var start = Self.at("2026-09-17 06:10")
        while start < Self.at("2026-10-13 00:00") {
            let end = try #require(Self.calendar.adding(workingHours: hours, to: start))
            #expect(abs(Self.calendar.workingSeconds(from: start, to: end) - hours * 3600) < 0.001)
            start = start.addingTimeInterval(97 * 60)
        }
    }

    // MARK: Pauses

    @Test("a pause stops the clock: the deadline moves by the working time paused")
    func deadlineWithPause() {
        let pause = TimeSpan(start: Self.at("2026-11-30 10:00"), end: Self.at("2026-12-01 10:00"))
        let deadline = Self.calendar.deadline(after: 4 * 3600, from: Self.at("2026-11-30 09:00"), pausedDuring: [pause])
        #expect(deadline == Self.at("2026-12-01 14:30"))
        // A pause entirely outside working time changes nothing.
        let night = TimeSpan(start: Self.at("2026-11-30 18:30"), end: Self.at("2026-12-01 08:30"))
        #expect(
            Self.calendar.deadline(after: 8 * 3600, from: Self.at("2026-11-30 09:00"), pausedDuring: [night])
                == Self.at("2026-12-01 09:30"))
        // A pause after the deadline would have passed changes nothing either.
        let late = TimeSpan(start: Self.at("2026-12-02 09:00"), end: Self.at("2026-12-03 09:00"))
        #expect(
            Self.calendar.deadline(after: 2 * 3600, from: Self.at("2026-11-30 09:00"), pausedDuring: [late])
                == Self.at("2026-11-30 11:00"))
    }

    @Test("while the customer is being waited for there is no deadline, and elapsed time stops at the pause")
    func openPause() {
        let waiting = TimeSpan(start: Self.at("2026-11-30 11:00"), end: nil)
        #expect(
            Self.calendar.deadline(after: 4 * 3600, from: Self.at("2026-11-30 09:00"), pausedDuring: [waiting]) == nil)
        let elapsed = Self.calendar.workingSeconds(
            from: Self.at("2026-11-30 09:00"), to: Self.at("2026-12-02 16:00"), pausedDuring: [waiting])
        #expect(elapsed == 2 * 3600)
    }

    @Test("overlapping pauses are counted once, and the paused time survives a change of severity")
    func overlappingPausesAndSeverityChange() {
        let start = Self.at("2026-11-30 09:00")
        let pauses = [
            TimeSpan(start: Self.at("2026-11-30 10:00"), end: Self.at("2026-11-30 11:00")),
            TimeSpan(start: Self.at("2026-11-30 10:30"), end: Self.at("2026-11-30 14:30")),
        ]
        // Paused 10:00–14:30: 3 working hours (10–12, 13:30–14:30).
        #expect(
            Self.calendar.workingSeconds(from: start, to: Self.at("2026-11-30 18:00"), pausedDuring: pauses) == 4.5
                * 3600)
        // Normal (8 h) then major (4 h): both deadlines are pushed by the same 3 paused hours.
        #expect(
            Self.calendar.deadline(after: 8 * 3600, from: start, pausedDuring: pauses) == Self.at("2026-12-01 14:00"))
        #expect(
            Self.calendar.deadline(after: 4 * 3600, from: start, pausedDuring: pauses) == Self.at("2026-11-30 17:30"))
        #expect(Self.calendar.deadline(after: 4 * 3600, from: start, pausedDuring: []) == Self.at("2026-11-30 14:30"))
    }

    @Test("a pause that began before the clock started is counted only from the start")
    func pauseBeforeStart() {
        let pause = TimeSpan(start: Self.at("2026-11-30 08:00"), end: Self.at("2026-11-30 10:00"))
        #expect(
            Self.calendar.deadline(after: 1 * 3600, from: Self.at("2026-11-30 09:30"), pausedDuring: [pause])
                == Self.at("2026-11-30 11:00"))
        #expect(
            Self.calendar.workingSeconds(
                from: Self.at("2026-11-30 09:30"), to: Self.at("2026-11-30 11:00"), pausedDuring: [pause]) == 3600)
    }

    // MARK: Settings

    @Test("working hours must follow each other; a zero lunch break is allowed")
    func hoursValidation() {
        #expect(WorkingHours.standard.problems.isEmpty)
        #expect(WorkingHours.standard.secondsPerDay == 27_000)
        let noLunch = WorkingHours(
            start: DayTime("08:30")!, lunchStart: DayTime("12:00")!, lunchEnd: DayTime("12:00")!, end: DayTime("17:30")!
        )
        #expect(noLunch.problems.isEmpty)
        #expect(noLunch.secondsPerDay == 9 * 3600)
        let backwards = WorkingHours(
            start: DayTime("09:00")!, lunchStart: DayTime("13:00")!, lunchEnd: DayTime("12:00")!, end: DayTime("18:00")!
        )
        #expect(backwards.problems.messages.keys.contains("lunch_end"))
        #expect(DayTime("24:30") == nil)
        #expect(DayTime("9:05")?.minutes == 545)
        #expect(DayTime("abc") == nil)
    }

    // MARK: Import

    @Test("a CSV of the official schedule, in English or Chinese words")
    func csvImport() throws {
        let text = "日期,类型,名称\n2026-10-01,休,国庆节\n20261010,班,国庆节补班\n2026-10-02,holiday,\n"
        let entries = try CalendarImport.parseCSV(text).get()
        #expect(
            entries == [
                CalendarException(day: CalendarDay("2026-10-01")!, kind: .holiday, name: "国庆节"),
                CalendarException(day: CalendarDay("2026-10-10")!, kind: .workday, name: "国庆节补班"),
                CalendarException(day: CalendarDay("2026-10-02")!, kind: .holiday, name: ""),
            ])
    }

    @Test("a CSV with a bad line names the line and imports nothing")
    func csvImportRefused() {
        guard
            case .failure(let problems) = CalendarImport.parseCSV(
                "date,kind,name\n2026-10-01,holiday,x\n2026-02-30,holiday,y\n2026-10-03,maybe,z\n")
        else {
            Issue.record("expected a refusal")
            return
        }
        #expect(
            problems.problems == [
                .init(line: 3, messageKey: "calendar.import.date"), .init(line: 4, messageKey: "calendar.import.kind"),
            ])
        guard case .failure(let header) = CalendarImport.parseCSV("when,what\n2026-10-01,holiday\n") else {
            Issue.record("expected a refusal")
            return
        }
        #expect(header.problems == [.init(line: 1, messageKey: "calendar.import.header")])
    }

    @Test("an iCalendar feed: multi-day holidays (DTEND exclusive), 补班 days, folded lines")
    func icsImport() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20261001\r
            DTEND;VALUE=DATE:20261008\r
            SUMMARY:国庆节 (休)\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            DTSTART;VALUE=DATE:20261010\r
            SUMMARY:国庆节\r
             补班\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let entries = try CalendarImport.parseICS(text).get()
        #expect(entries.count == 8)
        #expect(entries.filter { $0.kind == .holiday }.map(\.day.description) == (1...7).map { "2026-10-0\($0)" })
        #expect(entries.last == CalendarException(day: CalendarDay("2026-10-10")!, kind: .workday, name: "国庆节补班"))
        #expect(entries.first?.name == "国庆节")
    }

    @Test("an iCalendar event with a time of day, or text that is no calendar, is refused")
    func icsImportRefused() {
        let timed = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261001T090000Z\nSUMMARY:会议\nEND:VEVENT\nEND:VCALENDAR\n"
        guard case .failure(let problems) = CalendarImport.parseICS(timed) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(problems.problems == [.init(line: 2, messageKey: "calendar.import.date")])
        guard case .failure = CalendarImport.parseICS("not a calendar") else {
            Issue.record("expected a refusal")
            return
        }
    }
}
