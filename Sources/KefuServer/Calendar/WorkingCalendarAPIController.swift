import Foundation
import KefuDomain
import Vapor

/// `/api/v1/working-calendar`: the one working calendar as data (hours, weekdays, dated entries),
/// its changes and the import of the official schedule; `deadline` answers the calendar's arithmetic
/// for clients that need a due time.
struct WorkingCalendarAPIController: RouteCollection {
    struct HoursDTO: Content { var start: String; var lunchStart: String; var lunchEnd: String; var end: String }
    struct DayDTO: Content { var day: String; var kind: String; var name: String }
    struct CalendarDTO: Content {
        var hours: HoursDTO; var weekdays: [Int]; var hoursPerDay: Double; var version: Int; var updatedAt: Date;
        var days: [DayDTO]
    }
    struct HoursInput: Content {
        var start: String?; var lunchStart: String?; var lunchEnd: String?; var end: String?; var weekdays: [Int]?;
        var version: Int?
    }
    struct DayInput: Content { var kind: String?; var name: String? }
    struct ImportInput: Content { var format: String?; var content: String? }
    struct ImportResult: Content { var imported: Int }
    struct DeadlineDTO: Content {
        var from: Date; var workingHours: Double; var deadline: Date?; var isWorkingTime: Bool
    }

    func boot(routes: any RoutesBuilder) throws {
        let calendar = routes.grouped("working-calendar")
        let view = calendar.requiring(.viewWorkingCalendar)
        view.get(use: show)
        view.get("deadline", use: deadline)
        let manage = calendar.requiring(.manageWorkingCalendar)
        manage.put("hours", use: updateHours)
        manage.put("days", ":day", use: setDay)
        manage.delete("days", ":day", use: removeDay)
        manage.on(.POST, "import", body: .collect(maxSize: "2mb"), use: importSchedule)
    }

    static func dto(_ req: Request, year: Int?) async throws -> CalendarDTO {
        let store = WorkingCalendarStore(database: req.db)
        let settings = try await store.settings()
        let hours = settings.hours
        return CalendarDTO(
            hours: HoursDTO(
                start: hours.start.description, lunchStart: hours.lunchStart.description,
                lunchEnd: hours.lunchEnd.description, end: hours.end.description),
            weekdays: settings.weekdaySet.sorted(), hoursPerDay: Double(hours.secondsPerDay) / 3600,
            version: settings.version, updatedAt: settings.updatedAt,
            days: try await store.days(year: year).map { DayDTO(day: $0.day, kind: $0.kind, name: $0.name) }
        )
    }

    static func year(_ req: Request) throws -> Int? {
        guard let text = req.query[String.self, at: "year"] else { return nil }
        guard let year = Int(text), (2000...2100).contains(year) else {
            throw KefuError.invalidQuery(FieldErrors(["year": "validation.number_range"]))
        }
        return year
    }

    @Sendable func show(req: Request) async throws -> CalendarDTO {
        try await Self.dto(req, year: try Self.year(req))
    }

    @Sendable func updateHours(req: Request) async throws -> CalendarDTO {
        let input = try req.content.decode(HoursInput.self)
        let (hours, weekdays) = try WorkingCalendarController.hours(
            start: input.start, lunchStart: input.lunchStart, lunchEnd: input.lunchEnd, end: input.end,
            weekdays: input.weekdays ?? []
        ).get()
        try await WorkingCalendarStore(database: req.db).updateHours(
            hours, weekdays: weekdays, version: try requireFormVersion(input.version), context: req.auditContext)
        return try await Self.dto(req, year: nil)
    }

    @Sendable func setDay(req: Request) async throws -> DayDTO {
        let input = try req.content.decode(DayInput.self)
        let entry = try WorkingCalendarController.exception(
            day: req.parameters.get("day"), kind: input.kind, name: input.name
        ).get()
        try await WorkingCalendarStore(database: req.db).setDays([entry], context: req.auditContext)
        return DayDTO(day: entry.day.description, kind: entry.kind.rawValue, name: entry.name)
    }

    @Sendable func removeDay(req: Request) async throws -> HTTPStatus {
        guard let day = CalendarDay(req.parameters.get("day") ?? "") else { throw KefuError.notFound }
        guard try await WorkingCalendarStore(database: req.db).removeDay(day, context: req.auditContext) else {
            throw KefuError.notFound
        }
        return .noContent
    }

    @Sendable func importSchedule(req: Request) async throws -> Response {
        let input = try req.content.decode(ImportInput.self)
        guard let content = input.content, !content.trimmed.isEmpty else {
            throw FieldErrors(["content": "validation.required"])
        }
        let format: CalendarImportFormat
        if let name = input.format {
            guard let chosen = CalendarImportFormat(rawValue: name) else {
                throw FieldErrors(["format": "validation.choose_from_list"])
            }
            format = chosen
        } else {
            format = CalendarImportFormat.guess(fileName: nil, content: content)
        }
        switch format.parse(content) {
        case .failure(let failure):
            let first =
                failure.problems.first ?? CalendarImportProblem(line: 1, messageKey: "calendar.import.unreadable")
            throw KefuError(
                .unprocessableEntity, code: "validation_failed", messageKey: "calendar.import.refused_at",
                arguments: ["line": String(first.line), "reason": req.t(first.messageKey)],
                fields: ["content": first.messageKey])
        case .success(let entries):
            let count = try await WorkingCalendarStore(database: req.db).setDays(
                entries, action: "calendar.imported", context: req.auditContext)
            return try await ImportResult(imported: count).encodeResponse(status: .created, for: req)
        }
    }

    @Sendable func deadline(req: Request) async throws -> DeadlineDTO {
        var errors = FieldErrors()
        let china = TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!
        let from = (req.query[String.self, at: "from"]).map { LocalDateTime.parse($0, timeZone: china) } ?? req.now
        if from == nil { errors.add("from", "validation.datetime") }
        let hours = req.query[String.self, at: "hours"].flatMap(Double.init)
        if hours == nil || !(0...10_000).contains(hours ?? -1) { errors.add("hours", "validation.number") }
        guard let from, let hours, errors.isEmpty else { throw KefuError.invalidQuery(errors) }
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        return DeadlineDTO(
            from: from, workingHours: hours, deadline: calendar.adding(workingHours: hours, to: from),
            isWorkingTime: calendar.isWorkingTime(from))
    }
}

extension WorkingCalendarAPIController {
    static let operations: [APIOperation] = {
        let day: JSONValue = [
            "name": "day", "in": "path", "required": true, "schema": ["type": "string", "format": "date"],
        ]
        return [
            APIOperation(
                method: .GET, path: "/api/v1/working-calendar", tag: "Working calendar",
                summary:
                    "The one working calendar: working hours with the lunch break, working weekdays, holidays and make-up working days (调休)",
                parameters: [OpenAPIParameters.query("year", "integer", "Only this year's dated entries")],
                responses: [200: "WorkingCalendar"]),
            APIOperation(
                method: .GET, path: "/api/v1/working-calendar/deadline", tag: "Working calendar",
                summary:
                    "The instant a number of working hours after a start (China time), counted on the working calendar",
                parameters: [
                    OpenAPIParameters.query(
                        "from", "string", "ISO 8601 or yyyy-MM-ddTHH:mm in China time; default now"),
                    OpenAPIParameters.query("hours", "number", "Working hours to add"),
                ],
                responses: [200: "WorkingCalendarDeadline"]),
            APIOperation(
                method: .PUT, path: "/api/v1/working-calendar/hours", tag: "Working calendar",
                summary: "Change the working hours and weekdays (administrator; version checked)",
                requestSchema: "WorkingHoursInput",
                responses: [200: "WorkingCalendar"]),
            APIOperation(
                method: .PUT, path: "/api/v1/working-calendar/days/{day}", tag: "Working calendar",
                summary: "Mark a day a public holiday or a make-up working day (administrator)", parameters: [day],
                requestSchema: "CalendarDayInput", responses: [200: "CalendarDay"]),
            APIOperation(
                method: .DELETE, path: "/api/v1/working-calendar/days/{day}", tag: "Working calendar",
                summary: "Remove a day's entry: it follows the usual weekdays again (administrator)", parameters: [day],
                responses: [204: nil]),
            APIOperation(
                method: .POST, path: "/api/v1/working-calendar/import", tag: "Working calendar",
                summary:
                    "Import the official schedule from CSV (date,kind,name) or iCalendar text; all lines readable or nothing imported",
                requestSchema: "CalendarImportInput", responses: [201: "CalendarImportResult"]),
        ]
    }()

    static var schemas: [String: JSONValue] {
        let time: JSONValue = ["type": "string", "pattern": "^[0-2]?[0-9]:[0-5][0-9]$"]
        let kind = Schema.enumeration(CalendarDayKind.allCases.map(\.rawValue))
        return [
            "WorkingCalendar": Schema.object(
                [
                    "hours": Schema.object(
                        ["start": time, "lunchStart": time, "lunchEnd": time, "end": time],
                        required: ["start", "lunchStart", "lunchEnd", "end"]),
                    "weekdays": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 7]],
                    "hoursPerDay": ["type": "number"],
                    "version": Schema.integer, "updatedAt": ["type": "string", "format": "date-time"],
                    "days": ["type": "array", "items": Schema.ref("CalendarDay")],
                ], required: ["hours", "weekdays", "hoursPerDay", "version", "updatedAt", "days"]),
            "CalendarDay": Schema.object(
                ["day": ["type": "string", "format": "date"], "kind": kind, "name": Schema.string],
                required: ["day", "kind", "name"]),
            "CalendarDayInput": Schema.object(["kind": kind, "name": Schema.string], required: ["kind"]),
            "WorkingHoursInput": Schema.object(
                [
                    "start": time, "lunchStart": time, "lunchEnd": time, "end": time,
                    "weekdays": ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 7]],
                    "version": Schema.integer,
                ], required: ["start", "lunchStart", "lunchEnd", "end", "weekdays", "version"]),
            "CalendarImportInput": Schema.object(
                [
                    "format": Schema.enumeration(CalendarImportFormat.allCases.map(\.rawValue)),
                    "content": Schema.string,
                ],
                required: ["content"]),
            "CalendarImportResult": Schema.object(["imported": Schema.integer], required: ["imported"]),
            "WorkingCalendarDeadline": Schema.object(
                [
                    "from": ["type": "string", "format": "date-time"], "workingHours": ["type": "number"],
                    "deadline": Schema.nullable("string", format: "date-time"), "isWorkingTime": Schema.boolean,
                ], required: ["from", "workingHours", "isWorkingTime"]),
        ]
    }
}
