import Foundation

/// A line of an imported schedule that could not be read: where it is and why (a message key).
public struct CalendarImportProblem: Equatable, Sendable {
    public var line: Int
    public var messageKey: String

    public init(line: Int, messageKey: String) {
        self.line = line
        self.messageKey = messageKey
    }
}

/// The lines of an imported schedule that could not be read (nothing is imported then).
public struct CalendarImportProblems: Error, Equatable, Sendable {
    public var problems: [CalendarImportProblem]

    public init(_ problems: [CalendarImportProblem]) { self.problems = problems }
}

/// Reads the official schedule of holidays and make-up working days (国务院办公厅 publishes it every
/// autumn) from the two forms people have it in: a CSV typed from the notice, and an iCalendar file
/// as calendar apps and the public holiday feeds publish it.
///
/// Pure: text in, entries (or the lines that could not be read) out. Nothing is stored here.
public enum CalendarImport {
    /// The words that name a make-up working day (补班, 班, 上班, workday); anything else dated is a
    /// holiday (休, 假, 放假, the festival's name).
    static func kind(_ text: String) -> CalendarDayKind? {
        let word = text.trimmed.lowercased()
        switch word {
        case "holiday", "休", "假", "放假", "休息", "off": return .holiday
        case "workday", "work", "班", "补班", "上班", "调休上班", "make-up", "makeup": return .workday
        default: return nil
        }
    }

    /// A CSV with a header naming the columns `date` (or 日期), `kind` (类型) and an optional
    /// `name` (名称): one row per day, the date as `2026-10-01` or `20261001`, the kind as
    /// holiday/workday or 休/班. All rows must be readable or nothing is imported.
    public static func parseCSV(_ text: String) -> Result<[CalendarException], CalendarImportProblems> {
        let table: CSVTable
        do {
            table = try CSVTable.parse(text, maximumRows: 5_000, maximumFieldLength: 200)
        } catch {
            return .failure(
                CalendarImportProblems([CalendarImportProblem(line: 1, messageKey: "calendar.import.unreadable")]))
        }
        let header = table.header.map { $0.trimmed.lowercased() }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0) } }
        guard let dateColumn = column("date", "day", "日期"), let kindColumn = column("kind", "type", "类型") else {
            return .failure(
                CalendarImportProblems([CalendarImportProblem(line: 1, messageKey: "calendar.import.header")]))
        }
        let nameColumn = column("name", "名称", "节日", "说明")
        var entries: [CalendarException] = []
        var problems: [CalendarImportProblem] = []
        for row in table.rows {
            guard let day = parseDay(row.fields[dateColumn]) else {
                problems.append(.init(line: row.line, messageKey: "calendar.import.date"))
                continue
            }
            guard let kind = kind(row.fields[kindColumn]) else {
                problems.append(.init(line: row.line, messageKey: "calendar.import.kind"))
                continue
            }
            let name = nameColumn.map { String(row.fields[$0].trimmed.prefix(100)) } ?? ""
            entries.append(CalendarException(day: day, kind: kind, name: name))
        }
        if entries.isEmpty, problems.isEmpty { problems.append(.init(line: 1, messageKey: "calendar.import.empty")) }
        return problems.isEmpty ? .success(entries) : .failure(CalendarImportProblems(problems))
    }

    /// An iCalendar file (RFC 5545): each all-day `VEVENT` is a holiday for every day from `DTSTART`
    /// to the day before `DTEND` (or the one day without `DTEND`), unless its `SUMMARY` or
    /// `CATEGORIES` says it is a make-up working day (补班, 班, 上班, "workday"). Folded lines are
    /// unfolded; events with a time of day are not whole days and are refused.
    public static func parseICS(_ text: String) -> Result<[CalendarException], CalendarImportProblems> {
        let lines = unfold(text)
        guard lines.contains(where: { $0.text.uppercased().hasPrefix("BEGIN:VCALENDAR") }) else {
            return .failure(
                CalendarImportProblems([CalendarImportProblem(line: 1, messageKey: "calendar.import.unreadable")]))
        }
        var entries: [CalendarException] = []
        var problems: [CalendarImportProblem] = []
        var event: (line: Int, start: CalendarDay?, end: CalendarDay?, summary: String, categories: String, bad: Bool)?
        for (line, text) in lines {
            let upper = text.uppercased()
            if upper == "BEGIN:VEVENT" {
                event = (line, nil, nil, "", "", false)
                continue
            }
            guard var current = event else { continue }
            if upper == "END:VEVENT" {
                event = nil
                guard !current.bad, let start = current.start else {
                    problems.append(.init(line: current.line, messageKey: "calendar.import.date"))
                    continue
                }
                let end = current.end ?? start.adding(days: 1)
                guard start < end, start.days(until: end) <= 60 else {
                    problems.append(.init(line: current.line, messageKey: "calendar.import.date"))
                    continue
                }
                let label = current.summary + " " + current.categories
                let kind = isWorkdayLabel(label) ? CalendarDayKind.workday : .holiday
                let name = String(stripMarker(current.summary).prefix(100))
                var day = start
                while day < end {
                    entries.append(CalendarException(day: day, kind: kind, name: name))
                    day = day.adding(days: 1)
                }
                continue
            }
            guard let colon = text.firstIndex(of: ":") else { continue }
            let property = text[..<colon].uppercased()
            let value = unescape(String(text[text.index(after: colon)...]))
            let propertyName = property.split(separator: ";").first.map(String.init) ?? property
            switch propertyName {
            case "DTSTART", "DTEND":
                let day = parseDay(value)
                if day == nil { current.bad = true }
                if propertyName == "DTSTART" { current.start = day } else { current.end = day }
            case "SUMMARY": current.summary = value.trimmed
            case "CATEGORIES": current.categories = value.trimmed
            default: break
            }
            event = current
        }
        if entries.isEmpty, problems.isEmpty { problems.append(.init(line: 1, messageKey: "calendar.import.empty")) }
        return problems.isEmpty ? .success(entries) : .failure(CalendarImportProblems(problems))
    }

    /// `2026-10-01` or `20261001` (an iCalendar DATE); a DATE-TIME (`20261001T090000`) is not a day.
    static func parseDay(_ text: String) -> CalendarDay? {
        let value = text.trimmed
        if let day = CalendarDay(value) { return day }
        guard value.count == 8, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = Array(value)
        return CalendarDay("\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))")
    }

    static func isWorkdayLabel(_ label: String) -> Bool {
        let lower = label.lowercased()
        return lower.contains("补班") || lower.contains("上班") || lower.contains("(班)") || lower.contains("（班）")
            || lower.trimmed == "班" || lower.contains("workday") || lower.contains("working day")
            || lower.contains("make-up")
    }

    /// The festival's name without the (休)/(班) marker feeds put after it.
    static func stripMarker(_ summary: String) -> String {
        var name = summary
        for marker in ["(休)", "（休）", "(班)", "（班）"] { name = name.replacingOccurrences(of: marker, with: "") }
        return name.trimmed
    }

    /// Content lines with their first physical line number, continuation lines (a leading space or
    /// tab) joined to the line before.
    static func unfold(_ text: String) -> [(line: Int, text: String)] {
        var result: [(line: Int, text: String)] = []
        let physical = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in physical.enumerated() {
            if let first = raw.first, first == " " || first == "\t", !result.isEmpty {
                result[result.count - 1].text += raw.dropFirst()
            } else if !raw.isEmpty {
                result.append((index + 1, String(raw)))
            }
        }
        return result
    }

    static func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\N", with: " ")
            .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";")
            .replacingOccurrences(of: "\\\\", with: "\\")
    }
}
