import Foundation
import KefuDomain
import Vapor

/// `/api/v1/attendance` (R6.1): clocking in and out, a person's month with the marks the rules found,
/// leave and missed-clock corrections (补卡) with the supervisor's decisions, the team's sheet, the
/// rules and shifts, and the time clock's import (preview, then import).
struct AttendanceAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let attendance = routes.grouped("attendance")
        attendance.requiring(.viewAttendance).get("me", use: me)
        attendance.requiring(.viewAttendance).get("people", ":staffID", use: person)
        attendance.requiring(.recordAttendance).post("clock", use: clock)
        attendance.requiring(.recordAttendance).post("leave-requests", use: requestLeave)
        attendance.requiring(.recordAttendance).post("corrections", use: requestCorrection)
        attendance.requiring(.approveAttendance).get("approvals", use: approvals)
        attendance.requiring(.approveAttendance).post("leave-requests", ":id", "decision", use: decideLeave)
        attendance.requiring(.approveAttendance).post("corrections", ":id", "decision", use: decideCorrection)
        attendance.requiring(.viewAttendance).get("marks", ":id", use: mark)
        attendance.requiring(.approveAttendance).post("marks", ":id", "excuse", use: excuse)
        attendance.requiring(.viewAttendance).get("team", use: team)
        attendance.requiring(.configureAttendance).get("rules", use: rules)
        attendance.requiring(.configureAttendance).put("rules", use: saveRules)
        attendance.requiring(.configureAttendance).put("schedules", ":staffID", use: setShift)
        attendance.requiring(.importAttendance).post("imports", "preview", use: preview)
        attendance.requiring(.importAttendance).post("imports", use: importFile)
    }

    // MARK: DTOs

    struct MarkDTO: Content {
        var id: Int?
        var number: String?
        var staffID: Int, day: String, kind: String, minutes: Int, deductionDays: Double
        var cause: String, causeArguments: [String: String], causeText: String, excusedReason: String?,
            excusedBy: String?, version: Int?
    }

    struct DayDTO: Content {
        var day: String, isWorkingDay: Bool, shiftStart: String, shiftEnd: String, arrival: Date?, departure: Date?,
            leave: String?, leavePart: String?
        var marks: [MarkDTO]
    }

    struct SummaryDTO: Content {
        var workingDays: Int, attendedDays: Int, latenesses: Int, earlyLeaves: Int, missingClocks: Int,
            absenceDays: Double
        var leaveDays: [String: Double], deductionDays: Double, score: Double?

        init(_ s: AttendanceSummary) {
            workingDays = s.workingDays
            attendedDays = s.attendedDays
            latenesses = s.latenesses
            earlyLeaves = s.earlyLeaves
            missingClocks = s.missingClocks
            absenceDays = s.absenceDays
            leaveDays = Dictionary(uniqueKeysWithValues: LeaveKind.allCases.map { ($0.rawValue, s.leaveDays[$0] ?? 0) })
            deductionDays = s.deductionDays
            score = s.score
        }
    }

    struct RequestDTO: Content {
        var id: Int, type: String, staffID: Int, staffName: String, kind: String?, startDay: String?, endDay: String?,
            part: String?, day: String?, time: String?
        var direction: String?, reason: String, status: String, decidedBy: String?, decidedAt: Date?,
            decisionNote: String?, version: Int

        init(_ row: AttendanceStore.RequestRow, _ table: AttendanceStore.RequestTable) {
            id = row.id
            type = table == .leave ? "leave" : "correction"
            staffID = row.staffID
            staffName = row.staffName
            kind = row.kind
            startDay = row.startDay
            endDay = row.endDay
            part = row.part
            day = row.day
            time = row.time
            direction = row.direction
            reason = row.reason
            status = row.status
            decidedBy = row.decidedByName
            decidedAt = row.decidedAt
            decisionNote = row.decisionNote
            version = row.version
        }
    }

    struct PersonMonthDTO: Content {
        var staffID: Int, staffName: String, month: String, days: [DayDTO], summary: SummaryDTO,
            leaveRequests: [RequestDTO], corrections: [RequestDTO]
    }

    struct TeamLineDTO: Content { var staffID: Int, staffName: String, summary: SummaryDTO }
    struct TeamSheetDTO: Content { var departmentID: Int, month: String, lines: [TeamLineDTO] }
    struct ApprovalsDTO: Content { var leaveRequests: [RequestDTO], corrections: [RequestDTO] }

    static func markDTO(
        _ finding: AttendanceFinding, stored: AttendanceStore.MarkRow?, staffID: Int, words: DisplayWords
    ) -> MarkDTO {
        MarkDTO(
            id: stored?.id, number: stored?.number, staffID: staffID, day: finding.day.description,
            kind: finding.kind.rawValue, minutes: finding.minutes,
            deductionDays: finding.deductionDays, cause: finding.cause, causeArguments: finding.causeArguments,
            causeText: causeText(finding.cause, finding.causeArguments, words: words),
            excusedReason: stored?.excusedReason,
            excusedBy: stored?.excusedByName, version: stored?.version)
    }

    /// The cause in words; an excused mark says what it was before.
    static func causeText(_ cause: String, _ arguments: [String: String], words: DisplayWords) -> String {
        let was = arguments["was"].map { words.t($0, arguments) }
        return words.t(cause, arguments.merging(["was": was ?? ""]) { $1 })
    }

    static func personDTO(_ month: AttendanceSheet.PersonMonth, words: DisplayWords) -> PersonMonthDTO {
        PersonMonthDTO(
            staffID: month.person.id, staffName: month.person.displayName, month: month.month.text,
            days: month.days.map { day in
                DayDTO(
                    day: day.day.description, isWorkingDay: day.isWorkingDay, shiftStart: day.shift.start.description,
                    shiftEnd: day.shift.end.description,
                    arrival: day.arrival, departure: day.departure, leave: day.leave?.rawValue,
                    leavePart: day.leavePart?.rawValue,
                    marks: day.findings.map {
                        markDTO(
                            $0, stored: month.marks[MarkKey(day: $0.day, kind: $0.kind)], staffID: month.person.id,
                            words: words)
                    })
            },
            summary: SummaryDTO(month.summary), leaveRequests: month.leave.map { RequestDTO($0, .leave) },
            corrections: month.corrections.map { RequestDTO($0, .correction) }
        )
    }

    // MARK: Reading

    static func month(_ req: Request, calendar: WorkingCalendar) throws -> AttendanceSheet.Month {
        guard let text = req.query[String.self, at: "month"], !text.isEmpty else {
            return AttendanceSheet.Month(calendar.day(of: req.now))
        }
        guard let month = AttendanceSheet.Month(text) else {
            throw KefuError.invalidQuery(FieldErrors(["month": "attendance.error.month"]))
        }
        return month
    }

    /// The person a route names, with the access decided on them (own, team, any).
    static func person(_ req: Request, for action: Action, parameter: String = "staffID") async throws
        -> AttendanceStore.Person
    {
        guard let id = req.parameters.get(parameter, as: Int.self),
            let person = try await AttendanceStore(database: req.db).person(id)
        else {
            throw KefuError.notFound
        }
        try await req.authorize(
            action, on: RecordFacts(responsibleStaffID: person.id, departmentID: person.departmentID),
            recordType: "staff", recordID: String(id))
        return person
    }

    static func signedInPerson(_ req: Request) async throws -> AttendanceStore.Person {
        let staff = try req.requireStaff()
        guard let person = try await AttendanceStore(database: req.db).person(staff.id) else {
            throw KefuError.notFound
        }
        return person
    }

    @Sendable func me(req: Request) async throws -> PersonMonthDTO {
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let sheet = try await AttendanceSheet(database: req.db).person(
            try await Self.signedInPerson(req), month: try Self.month(req, calendar: calendar),
            calendar: calendar, now: req.now)
        return Self.personDTO(sheet, words: req.words)
    }

    @Sendable func person(req: Request) async throws -> PersonMonthDTO {
        let person = try await Self.person(req, for: .viewAttendance)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let sheet = try await AttendanceSheet(database: req.db).person(
            person, month: try Self.month(req, calendar: calendar), calendar: calendar, now: req.now)
        return Self.personDTO(sheet, words: req.words)
    }

    @Sendable func mark(req: Request) async throws -> MarkDTO {
        let row = try await req.record(AttendanceMarkRecordKind.self, for: .viewAttendance)
        guard let finding = row.finding else { throw KefuError.notFound }
        return Self.markDTO(finding, stored: row, staffID: row.staffID, words: req.words)
    }

    /// The department's month: the supervisor's own team, any department for leadership (`department`).
    @Sendable func team(req: Request) async throws -> TeamSheetDTO {
        let staff = try req.requireStaff()
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewAttendance)
        guard scope == .team || scope == .any else {
            try await req.recordDenial(of: Action.viewAttendance.rawValue, recordType: "attendance_team")
            throw KefuError.forbidden
        }
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let month = try Self.month(req, calendar: calendar)
        let sheet = AttendanceSheet(database: req.db)
        let department = try await sheet.department(
            for: staff, asked: req.query[Int.self, at: "department"], scope: scope)
        let lines = try await sheet.team(departmentID: department, month: month, calendar: calendar, now: req.now)
        return TeamSheetDTO(
            departmentID: department, month: month.text,
            lines: lines.map {
                TeamLineDTO(staffID: $0.person.id, staffName: $0.person.displayName, summary: SummaryDTO($0.summary))
            })
    }

    @Sendable func approvals(req: Request) async throws -> ApprovalsDTO {
        let staff = try req.requireStaff()
        let store = AttendanceStore(database: req.db)
        return ApprovalsDTO(
            leaveRequests: try await store.pending(.leave, departmentID: staff.departmentID).map {
                RequestDTO($0, .leave)
            },
            corrections: try await store.pending(.correction, departmentID: staff.departmentID).map {
                RequestDTO($0, .correction)
            })
    }

    // MARK: Writing

    struct ClockInput: Content { var direction: String?; var address: String? }
    struct ClockDTO: Content { var id: Int, at: Date, direction: String, address: String, network: String }

    @Sendable func clock(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let input = try req.content.decode(ClockInput.self)
        let direction = ClockDirection(rawValue: input.direction ?? "") ?? .any
        let id = try await AttendanceStore(database: req.db).clock(
            staffID: staff.id, direction: direction, address: input.address ?? "",
            network: req.clientAddress, context: req.auditContext)
        return try await ClockDTO(
            id: id, at: req.now, direction: direction.rawValue, address: (input.address ?? "").trimmed,
            network: req.clientAddress
        )
        .encodeResponse(status: .created, for: req)
    }

    @Sendable func requestLeave(req: Request) async throws -> Response {
        let person = try await Self.signedInPerson(req)
        let store = AttendanceStore(database: req.db)
        let id = try await store.requestLeave(
            try req.content.decode(AttendanceStore.LeaveInput.self), for: person, context: req.auditContext)
        guard let row = try await store.request(.leave, id) else { throw KefuError.notFound }
        return try await RequestDTO(row, .leave).encodeResponse(status: .created, for: req)
    }

    @Sendable func requestCorrection(req: Request) async throws -> Response {
        let person = try await Self.signedInPerson(req)
        let store = AttendanceStore(database: req.db)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let id = try await store.requestCorrection(
            try req.content.decode(AttendanceStore.CorrectionInput.self), for: person, calendar: calendar,
            context: req.auditContext)
        guard let row = try await store.request(.correction, id) else { throw KefuError.notFound }
        return try await RequestDTO(row, .correction).encodeResponse(status: .created, for: req)
    }

    struct DecisionInput: Content { var approve: Bool?; var note: String?; var version: Int? }

    @Sendable func decideLeave(req: Request) async throws -> RequestDTO {
        try await decide(req, table: .leave, row: try await req.record(LeaveRequestKind.self, for: .approveAttendance))
    }

    @Sendable func decideCorrection(req: Request) async throws -> RequestDTO {
        try await decide(
            req, table: .correction, row: try await req.record(ClockCorrectionKind.self, for: .approveAttendance))
    }

    private func decide(_ req: Request, table: AttendanceStore.RequestTable, row: AttendanceStore.RequestRow)
        async throws -> RequestDTO
    {
        let input = try req.content.decode(DecisionInput.self)
        var errors = FieldErrors()
        if input.approve == nil { errors.add("approve", "validation.required") }
        if input.version == nil { errors.add("version", "validation.required") }
        try errors.throwIfAny()
        let store = AttendanceStore(database: req.db)
        try await store.decide(
            table, row, approve: input.approve!, note: input.note ?? "", version: input.version!,
            calendar: try await WorkingCalendarStore(database: req.db).load(), context: req.auditContext)
        return RequestDTO(try await store.request(table, row.id) ?? row, table)
    }

    struct ExcuseInput: Content { var reason: String?; var version: Int? }

    @Sendable func excuse(req: Request) async throws -> MarkDTO {
        let row = try await req.record(AttendanceMarkRecordKind.self, for: .approveAttendance)
        let input = try req.content.decode(ExcuseInput.self)
        guard let version = input.version else {
            throw KefuError.validation(FieldErrors(["version": "validation.required"]))
        }
        let store = AttendanceStore(database: req.db)
        try await store.excuse(
            row, reason: input.reason ?? "", version: version,
            calendar: try await WorkingCalendarStore(database: req.db).load(),
            context: req.auditContext)
        guard let updated = try await store.mark(row.id), let finding = updated.finding else {
            throw KefuError.notFound
        }
        return Self.markDTO(finding, stored: updated, staffID: updated.staffID, words: req.words)
    }

    struct RulesDTO: Content {
        var rules: AttendanceRuleSet
        var version: Int
    }

    @Sendable func rules(req: Request) async throws -> RulesDTO {
        let (rules, version) = try await AttendanceStore(database: req.db).rules()
        return RulesDTO(rules: rules, version: version)
    }

    @Sendable func saveRules(req: Request) async throws -> RulesDTO {
        let input = try req.content.decode(RulesDTO.self)
        try await AttendanceStore(database: req.db).saveRules(
            input.rules, version: input.version, context: req.auditContext)
        return try await rules(req: req)
    }

    struct ShiftInput: Content { var shiftStart: String?; var shiftEnd: String? }

    @Sendable func setShift(req: Request) async throws -> HTTPStatus {
        guard let id = req.parameters.get("staffID", as: Int.self),
            try await AttendanceStore(database: req.db).person(id) != nil
        else { throw KefuError.notFound }
        let input = try req.content.decode(ShiftInput.self)
        try await AttendanceStore(database: req.db).setShift(
            staffID: id, start: input.shiftStart ?? "", end: input.shiftEnd ?? "", context: req.auditContext)
        return .noContent
    }

    struct ImportInput: Content { var text: String?; var skipProblems: Bool? }
    struct ProblemDTO: Content { var line: Int, code: String, message: String }
    struct PreviewDTO: Content {
        var layout: String?
        var importable: Int
        var problems: [ProblemDTO]
    }
    struct ImportResultDTO: Content { var imported: Int, skipped: Int }

    static func problems(_ preview: TimeClockImport.Preview, words: DisplayWords) -> [ProblemDTO] {
        preview.problems.map {
            ProblemDTO(line: $0.line, code: $0.messageKey, message: words.t($0.messageKey, $0.arguments))
        }
    }

    @Sendable func preview(req: Request) async throws -> PreviewDTO {
        let text = try req.content.decode(ImportInput.self).text ?? ""
        let preview = try await AttendanceStore(database: req.db).preview(
            text, calendar: try await WorkingCalendarStore(database: req.db).load())
        return PreviewDTO(
            layout: preview.layout?.rawValue, importable: preview.lines.count,
            problems: Self.problems(preview, words: req.words))
    }

    /// Imports the file's readable lines. While any line has a problem nothing is imported, unless the
    /// caller chose to skip those lines (`skipProblems`).
    @Sendable func importFile(req: Request) async throws -> Response {
        let input = try req.content.decode(ImportInput.self)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let store = AttendanceStore(database: req.db)
        let preview = try await store.preview(input.text ?? "", calendar: calendar)
        guard let layout = preview.layout, !preview.lines.isEmpty,
            preview.problems.isEmpty || input.skipProblems == true
        else {
            var error = KefuError(
                .unprocessableEntity, code: "import_problems", messageKey: "attendance.import.fix_or_skip")
            for problem in preview.problems.prefix(50) {
                error.fields["line.\(problem.line)"] = problem.messageKey
                error.fieldArguments["line.\(problem.line)"] = problem.arguments
            }
            throw error
        }
        let imported = try await store.importLines(
            preview.lines, layout: layout, calendar: calendar, context: req.auditContext)
        return try await ImportResultDTO(imported: imported, skipped: preview.problems.count).encodeResponse(
            status: .created, for: req)
    }
}
