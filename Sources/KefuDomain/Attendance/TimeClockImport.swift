import Foundation

/// The layouts of a time clock's export Kefu reads (R6.1), told apart by their header.
///
/// - `kefu`, Kefu's documented layout: `工号,日期,时间,方向` (or `employee,date,time,direction`); the
///   date `2026-11-02`, the time `08:57` or `08:57:12`, the direction 上班/下班/in/out or empty.
/// - `dingtalk`, 钉钉考勤's 原始打卡记录 export: columns `姓名`, `工号`, `考勤日期` (`2026-11-02` or
///   `26-11-02 星期一`), `打卡时间` (`08:57` or `2026-11-02 08:57`), optionally `打卡类型` (上班/下班)
///   and `打卡地址`; other columns are ignored.
public enum TimeClockLayout: String, CaseIterable, Codable, Sendable {
    case kefu, dingtalk
}

/// One line of the file as read: whose, when, which way, and where.
public struct TimeClockLine: Equatable, Sendable {
    public var line: Int
    public var staffID: Int
    public var at: Date
    public var direction: ClockDirection
    public var address: String

    public init(line: Int, staffID: Int, at: Date, direction: ClockDirection, address: String) {
        self.line = line
        self.staffID = staffID
        self.at = at
        self.direction = direction
        self.address = address
    }
}

/// A line that cannot be imported and why (a message key with its arguments).
public struct TimeClockProblem: Equatable, Sendable, Codable {
    public var line: Int
    public var messageKey: String
    public var arguments: [String: String]

    public init(line: Int, messageKey: String, arguments: [String: String] = [:]) {
        self.line = line
        self.messageKey = messageKey
        self.arguments = arguments
    }
}

/// Reading a time clock's export: text in, the lines that can be imported and the problems of the
/// others out, line by line. Pure; the caller passes who the people are (工号 → staff id) and the
/// events already stored, so duplicates of earlier imports are found too.
public enum TimeClockImport {
    public struct Preview: Equatable, Sendable {
        public var layout: TimeClockLayout?
        public var lines: [TimeClockLine]
        public var problems: [TimeClockProblem]
    }

    public static func preview(
        _ text: String, people: [String: Int], existing: Set<ExistingPunch> = [], calendar: WorkingCalendar
    ) -> Preview {
        let table: CSVTable
        do {
            table = try CSVTable.parse(text, maximumRows: 100_000, maximumFieldLength: 500)
        } catch {
            return Preview(
                layout: nil, lines: [],
                problems: [TimeClockProblem(line: 1, messageKey: "attendance.import.unreadable")])
        }
        let header = table.header.map { $0.trimmed.lowercased() }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        let layout: TimeClockLayout
        var person = 0, date = 0, time = 0
        var direction: Int?, address: Int?
        if let p = column("工号"), let d = column("考勤日期"), let t = column("打卡时间") {
            layout = .dingtalk
            (person, date, time) = (p, d, t)
            direction = column("打卡类型", "打卡结果类型")
            address = column("打卡地址")
        } else if let p = column("工号", "employee", "username"), let d = column("日期", "date"),
            let t = column("时间", "time")
        {
            layout = .kefu
            (person, date, time) = (p, d, t)
            direction = column("方向", "direction")
            address = column("地址", "address")
        } else {
            return Preview(
                layout: nil, lines: [], problems: [TimeClockProblem(line: 1, messageKey: "attendance.import.header")])
        }
        var lines: [TimeClockLine] = [], problems: [TimeClockProblem] = []
        var seen: [ExistingPunch: Int] = [:]
        for row in table.rows {
            let number = row.fields[person].trimmed
            guard let staffID = people[number] else {
                problems.append(
                    .init(line: row.line, messageKey: "attendance.import.unknown_person", arguments: ["person": number])
                )
                continue
            }
            guard let day = parseDay(row.fields[date]), let clock = parseTime(row.fields[time]) else {
                problems.append(.init(line: row.line, messageKey: "attendance.import.bad_time"))
                continue
            }
            guard let way = direction.map({ parseDirection(row.fields[$0]) }) ?? .any else {
                problems.append(.init(line: row.line, messageKey: "attendance.import.bad_direction"))
                continue
            }
            let at = calendar.instant(day, clock.time).addingTimeInterval(Double(clock.seconds))
            let key = ExistingPunch(staffID: staffID, at: at)
            if let first = seen[key] {
                problems.append(
                    .init(
                        line: row.line, messageKey: "attendance.import.duplicate_line",
                        arguments: ["line": String(first)]))
                continue
            }
            if existing.contains(key) {
                problems.append(.init(line: row.line, messageKey: "attendance.import.duplicate_stored"))
                continue
            }
            seen[key] = row.line
            lines.append(
                TimeClockLine(
                    line: row.line, staffID: staffID, at: at, direction: way,
                    address: address.map { row.fields[$0].trimmed } ?? ""))
        }
        problems += clockOutsBeforeClockIns(lines, calendar: calendar)
        let refused = Set(problems.map(\.line))
        return Preview(
            layout: layout, lines: lines.filter { !refused.contains($0.line) },
            problems: problems.sorted { $0.line < $1.line })
    }

    /// A clock-out of a person's day earlier than that day's clock-in in the same file.
    static func clockOutsBeforeClockIns(_ lines: [TimeClockLine], calendar: WorkingCalendar) -> [TimeClockProblem] {
        var firstIn: [String: Date] = [:]
        for line in lines where line.direction == .clockIn {
            let key = "\(line.staffID) \(calendar.day(of: line.at))"
            firstIn[key] = min(firstIn[key] ?? line.at, line.at)
        }
        return lines.compactMap { line in
            guard line.direction == .clockOut, let arrival = firstIn["\(line.staffID) \(calendar.day(of: line.at))"],
                line.at < arrival
            else { return nil }
            return TimeClockProblem(line: line.line, messageKey: "attendance.import.out_before_in")
        }
    }

    /// `2026-11-02`, `2026/11/02`, `20261102`, or 钉钉's `26-11-02 星期一`; a weekday after a space is ignored.
    static func parseDay(_ text: String) -> CalendarDay? {
        let first = String(text.trimmed.split(separator: " ").first ?? "")
        let normalized = first.replacingOccurrences(of: "/", with: "-")
        if let day = CalendarDay(normalized) { return day }
        let parts = normalized.split(separator: "-")
        if parts.count == 3, parts[0].count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        {
            return CalendarDay(year: 2000 + year, month: month, day: day)
        }
        if first.count == 8, first.allSatisfy(\.isNumber), let value = Int(first) {
            return CalendarDay(year: value / 10_000, month: value / 100 % 100, day: value % 100)
        }
        return nil
    }

    /// `08:57`, `08:57:12`, or a date and time (`2026-11-02 08:57`) whose time part is taken.
    static func parseTime(_ text: String) -> (time: DayTime, seconds: Int)? {
        let last = String(text.trimmed.split(separator: " ").last ?? "")
        let parts = last.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, let time = DayTime("\(parts[0]):\(parts[1])"),
            time.minutes < 24 * 60
        else { return nil }
        guard parts.count == 3 else { return (time, 0) }
        guard parts[2].count == 2, let seconds = Int(parts[2]), (0..<60).contains(seconds) else { return nil }
        return (time, seconds)
    }

    static func parseDirection(_ text: String) -> ClockDirection? {
        switch text.trimmed.lowercased() {
        case "": .any
        case "上班", "签到", "in", "clock-in", "上班打卡": .clockIn
        case "下班", "签退", "out", "clock-out", "下班打卡": .clockOut
        default: nil
        }
    }
}

/// A clock event already stored, or read earlier in the file: a person and an instant.
public struct ExistingPunch: Hashable, Sendable {
    public var staffID: Int
    public var at: Date

    public init(staffID: Int, at: Date) {
        self.staffID = staffID
        self.at = at
    }
}
