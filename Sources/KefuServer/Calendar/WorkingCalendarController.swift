import Foundation
import KefuDomain
import Vapor

/// 工作日历 (`/settings/calendar`): the working hours with the lunch break, the usual working
/// weekdays, a year's holidays and make-up working days, and the import of the official schedule
/// from a CSV or iCalendar file. Everyone may read it; the administrator changes it.
struct WorkingCalendarController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let calendar = routes.grouped("settings", "calendar")
        routes.requiring(.viewWorkingCalendar).get(.workingCalendar, use: show)
        let manage = calendar.requiring(.manageWorkingCalendar)
        manage.post("hours", use: updateHours)
        manage.post("days", use: setDay)
        manage.post("days", ":day", "delete", use: removeDay)
        manage.on(.POST, "import", body: .collect(maxSize: "2mb"), use: importSchedule)
    }

    static let path = SiteURL.workingCalendar.path

    struct Page: Encodable {
        struct Day: Encodable {
            var day: String; var weekdayKey: String; var kindKey: String; var isHoliday: Bool; var name: String
        }
        struct Weekday: Encodable { var value: Int; var labelKey: String; var isSelected: Bool }
        struct Problem: Encodable { var line: Int; var messageKey: String }
        var canManage: Bool
        var year: Int, previousYear: Int, nextYear: Int
        var start: String, lunchStart: String, lunchEnd: String, end: String, version: Int
        var weekdays: [Weekday]
        var hoursPerDay: String
        var workingDays: Int
        var days: [Day]
        var hasDays: Bool
        var newDay = "", newKind = CalendarDayKind.holiday.rawValue, newName = ""
        var kinds: [ChoiceOption] = []
        var errors: [String: String] = [:]
        var formErrorKey: String?
        /// What changed meanwhile, when the hours were sent on a stale version.
        var conflict: ConflictView? = nil
        var problems: [Problem] = []
        var hasProblems = false
    }

    static func year(_ req: Request) -> Int {
        let current = CalendarDay(req.now, timeZone: TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!).year
        guard let text = req.query[String.self, at: "year"], let year = Int(text), (2000...2100).contains(year) else {
            return current
        }
        return year
    }

    func page(_ req: Request, year: Int) async throws -> Page {
        let store = WorkingCalendarStore(database: req.db)
        let settings = try await store.settings()
        let calendar = try await store.load()
        let rows = try await store.days(year: year)
        let weekdaySet = settings.weekdaySet
        var workingDays = 0
        if var day = CalendarDay(year: year, month: 1, day: 1) {
            while day.year == year {
                if calendar.isWorkingDay(day) { workingDays += 1 }
                day = day.adding(days: 1)
            }
        }
        let canManage = req.staff.map { AccessPolicy.allows($0.role, .manageWorkingCalendar) } ?? false
        return Page(
            canManage: canManage, year: year, previousYear: year - 1, nextYear: year + 1,
            start: settings.hours.start.description, lunchStart: settings.hours.lunchStart.description,
            lunchEnd: settings.hours.lunchEnd.description, end: settings.hours.end.description,
            version: settings.version,
            weekdays: (1...7).map {
                Page.Weekday(value: $0, labelKey: "calendar.weekday.\($0)", isSelected: weekdaySet.contains($0))
            },
            hoursPerDay: String(format: "%g", Double(settings.hours.secondsPerDay) / 3600), workingDays: workingDays,
            days: rows.compactMap { row in
                guard let exception = row.exception else { return nil }
                return Page.Day(
                    day: row.day, weekdayKey: "calendar.weekday.\(WorkingCalendar.weekday(of: exception.day))",
                    kindKey: "calendar.kind.\(row.kind)", isHoliday: exception.kind == .holiday,
                    name: row.name.isEmpty ? "—" : row.name)
            },
            hasDays: !rows.isEmpty,
            kinds: ChoiceOption.list(
                CalendarDayKind.allCases.map(\.rawValue), labelPrefix: "calendar.kind",
                selected: CalendarDayKind.holiday.rawValue)
        )
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await req.renderPage(
            "settings/calendar", titleKey: "calendar.title", try await page(req, year: Self.year(req)))
    }

    struct HoursForm: Content {
        var start: String?; var lunchStart: String?; var lunchEnd: String?; var end: String?; var weekdays: [String]?;
        var version: Int?
    }

    /// The hours a form or API request names, or the problems by field.
    static func hours(start: String?, lunchStart: String?, lunchEnd: String?, end: String?, weekdays: [Int]) -> Result<
        (WorkingHours, Set<Int>), FieldErrors
    > {
        var errors = FieldErrors()
        func time(_ field: String, _ text: String?) -> DayTime? {
            guard let text, !text.trimmed.isEmpty else { errors.add(field, "validation.required"); return nil }
            guard let time = DayTime(text) else { errors.add(field, "calendar.time.invalid"); return nil }
            return time
        }
        let s = time("start", start), ls = time("lunch_start", lunchStart), le = time("lunch_end", lunchEnd),
            e = time("end", end)
        guard let s, let ls, let le, let e else { return .failure(errors) }
        let hours = WorkingHours(start: s, lunchStart: ls, lunchEnd: le, end: e)
        let set = Set(weekdays)
        errors.merge(WorkingCalendarStore.validate(hours: hours, weekdays: set))
        return errors.isEmpty ? .success((hours, set)) : .failure(errors)
    }

    @Sendable func updateHours(req: Request) async throws -> Response {
        let form = try req.content.decode(HoursForm.self)
        let year = Self.year(req)
        let weekdays = (form.weekdays ?? []).compactMap { Int($0) }
        func again(
            _ status: HTTPResponseStatus, errors: [String: String] = [:], formErrorKey: String? = nil,
            conflict: ConflictView? = nil, keepTyped: Bool = true
        ) async throws -> Response {
            var page = try await page(req, year: year)
            if keepTyped {
                page.start = form.start ?? ""; page.lunchStart = form.lunchStart ?? "";
                page.lunchEnd = form.lunchEnd ?? ""; page.end = form.end ?? ""
                page.weekdays = page.weekdays.map {
                    .init(value: $0.value, labelKey: $0.labelKey, isSelected: weekdays.contains($0.value))
                }
                page.version = form.version ?? page.version
            }
            page.errors = errors
            page.formErrorKey = formErrorKey
            page.conflict = conflict
            return try await req.renderPage("settings/calendar", titleKey: "calendar.title", page, status: status)
        }
        switch Self.hours(
            start: form.start, lunchStart: form.lunchStart, lunchEnd: form.lunchEnd, end: form.end, weekdays: weekdays)
        {
        case .failure(let errors):
            return try await again(.unprocessableEntity, errors: errors.messages)
        case .success(let (hours, set)):
            do {
                try await WorkingCalendarStore(database: req.db).updateHours(
                    hours, weekdays: set, version: try requireFormVersion(form.version), context: req.auditContext)
            } catch let conflict as RecordConflict {
                return try await again(
                    .conflict, formErrorKey: conflict.messageKey, conflict: try await conflict.pageView(for: req),
                    keepTyped: false)
            }
            return req.redirect(to: "\(Self.path)?year=\(year)", flash: FlashMessage(.success, "flash.saved"))
        }
    }

    struct DayForm: Content { var day: String?; var kind: String?; var name: String? }

    /// A day's entry from a form or API request, or the problems by field.
    static func exception(day: String?, kind: String?, name: String?) -> Result<CalendarException, FieldErrors> {
        var errors = FieldErrors()
        let parsedDay = CalendarDay(day ?? "")
        if (day ?? "").trimmed.isEmpty {
            errors.add("day", "validation.required")
        } else if parsedDay == nil {
            errors.add("day", "validation.date")
        }
        let parsedKind = CalendarDayKind(rawValue: kind ?? "")
        if parsedKind == nil { errors.add("kind", "validation.choose_from_list") }
        let name = (name ?? "").trimmed
        if name.count > 100 { errors.add("name", "validation.too_long") }
        guard let parsedDay, let parsedKind, errors.isEmpty else { return .failure(errors) }
        return .success(CalendarException(day: parsedDay, kind: parsedKind, name: name))
    }

    @Sendable func setDay(req: Request) async throws -> Response {
        let form = try req.content.decode(DayForm.self)
        switch Self.exception(day: form.day, kind: form.kind, name: form.name) {
        case .failure(let errors):
            var page = try await page(req, year: Self.year(req))
            page.newDay = form.day ?? ""; page.newKind = form.kind ?? ""; page.newName = form.name ?? ""
            page.kinds = ChoiceOption.list(
                CalendarDayKind.allCases.map(\.rawValue), labelPrefix: "calendar.kind", selected: page.newKind)
            page.errors = errors.messages.reduce(into: [:]) { $0["day_" + $1.key] = $1.value }
            return try await req.renderPage(
                "settings/calendar", titleKey: "calendar.title", page, status: .unprocessableEntity)
        case .success(let entry):
            try await WorkingCalendarStore(database: req.db).setDays([entry], context: req.auditContext)
            return req.redirect(to: "\(Self.path)?year=\(entry.day.year)", flash: FlashMessage(.success, "flash.saved"))
        }
    }

    @Sendable func removeDay(req: Request) async throws -> Response {
        guard let day = CalendarDay(req.parameters.get("day") ?? "") else { throw KefuError.notFound }
        guard try await WorkingCalendarStore(database: req.db).removeDay(day, context: req.auditContext) else {
            throw KefuError.notFound
        }
        return req.redirect(
            to: "\(Self.path)?year=\(day.year)", flash: FlashMessage(.success, "flash.calendar.day_removed"))
    }

    struct ImportForm: Content { var file: File? }

    @Sendable func importSchedule(req: Request) async throws -> Response {
        let file = (try? req.content.decode(ImportForm.self))?.file
        let year = Self.year(req)
        func refuse(_ problems: [CalendarImportProblem], field: String) async throws -> Response {
            var page = try await page(req, year: year)
            page.errors = ["file": field]
            page.problems = problems.prefix(50).map { .init(line: $0.line, messageKey: $0.messageKey) }
            page.hasProblems = !page.problems.isEmpty
            return try await req.renderPage(
                "settings/calendar", titleKey: "calendar.title", page, status: .unprocessableEntity)
        }
        guard let file, file.data.readableBytes > 0 else { return try await refuse([], field: "validation.required") }
        guard let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes) else {
            return try await refuse([], field: "calendar.import.unreadable")
        }
        let format = CalendarImportFormat.guess(fileName: file.filename, content: text)
        switch format.parse(text) {
        case .failure(let failure):
            return try await refuse(failure.problems, field: "calendar.import.refused")
        case .success(let entries):
            try await WorkingCalendarStore(database: req.db).setDays(
                entries, action: "calendar.imported", context: req.auditContext)
            let first = entries.map(\.day).min()?.year ?? year
            return req.redirect(
                to: "\(Self.path)?year=\(first)", flash: FlashMessage(.success, "flash.calendar.imported"))
        }
    }
}
