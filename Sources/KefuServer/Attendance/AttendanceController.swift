import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The attendance pages (考勤, R6.1): 我的考勤 with the clock buttons, the month's days and marks, leave
/// and 补卡 requests; a person's month for their supervisor; the team's sheet with the approvals queue
/// and the payroll CSV; the rules and shifts; the time clock's import.
struct AttendanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewAttendance).get(.attendance, use: mine)
        routes.requiring(.recordAttendance).post(.attendanceClock, use: clock)
        routes.requiring(.recordAttendance).post(.attendanceLeave, use: requestLeave)
        routes.requiring(.recordAttendance).post(.attendanceCorrections, use: requestCorrection)
        routes.requiring(.viewAttendance).get(.attendancePerson, use: person)
        routes.requiring(.viewAttendance).get(.attendanceMark, use: mark)
        routes.requiring(.approveAttendance).post(.attendanceMarkExcuse, use: excuse)
        routes.requiring(.viewAttendance).get(.attendanceTeam, use: team)
        routes.requiring(.viewAttendance).get(.attendanceTeamExport, use: export)
        routes.requiring(.approveAttendance).post(.attendanceLeaveDecision, use: decideLeave)
        routes.requiring(.approveAttendance).post(.attendanceCorrectionDecision, use: decideCorrection)
        routes.requiring(.configureAttendance).get(.attendanceSettings, use: settings)
        routes.requiring(.configureAttendance).post(.attendanceSettings, use: saveSettings)
        routes.requiring(.configureAttendance).post(.attendanceSettingsShifts, use: saveShift)
        routes.requiring(.importAttendance).get(.attendanceImport, use: importPage)
        routes.requiring(.importAttendance).post(.attendanceImport, use: previewImport)
        routes.requiring(.importAttendance).post(.attendanceImportConfirm, use: confirmImport)
    }

    // MARK: A person's month

    struct MarkView: Encodable {
        var id: Int, number: String, hasNumber: Bool, kind: String, cause: String, deduction: String,
            excusedReason: String, isExcused: Bool, version: Int, canExcuse: Bool
        /// R7.2: the penalty form with this mark as its cause, for the supervisor, when it deducts.
        var penalizeLink: String?
    }
    struct DayView: Encodable {
        var day: String, weekday: String, isWorkingDay: Bool, isToday: Bool, arrival: String, departure: String,
            leave: String, hasLeave: Bool, marks: [MarkView]
    }
    struct RequestView: Encodable {
        var id: Int, staffName: String, what: String, reason: String, status: String, statusKey: String,
            isPending: Bool, version: Int
    }
    struct SummaryView: Encodable {
        var workingDays: Int, attendedDays: Int, latenesses: Int, earlyLeaves: Int, missingClocks: Int,
            absenceDays: String, leaveDays: String
        var deductionDays: String, score: String
    }
    struct MonthPage: Encodable {
        var name: String, month: String, previous: String, next: String, isMine: Bool, days: [DayView],
            summary: SummaryView
        var leave: [RequestView], hasLeave: Bool, corrections: [RequestView], hasCorrections: Bool,
            leaveKinds: [ChoiceOption], leaveParts: [ChoiceOption]
        var directions: [ChoiceOption]
        var form: [String: String], errors: [String: String], error: String?, canSeeTeam: Bool, canConfigure: Bool,
            canImport: Bool
        var basePath: String, lastClock: String, hasLastClock: Bool
    }

    static func summaryView(_ s: AttendanceSummary) -> SummaryView {
        SummaryView(
            workingDays: s.workingDays, attendedDays: s.attendedDays, latenesses: s.latenesses,
            earlyLeaves: s.earlyLeaves, missingClocks: s.missingClocks,
            absenceDays: days(s.absenceDays), leaveDays: days(s.totalLeaveDays), deductionDays: days(s.deductionDays),
            score: s.score.map(days) ?? "—")
    }

    /// 0.25 · 1 · 1.5: a number of days without needless zeros.
    static func days(_ value: Double) -> String {
        if value == value.rounded() { return String(Int(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    static func requestView(_ req: Request, _ row: AttendanceStore.RequestRow, _ table: AttendanceStore.RequestTable)
        -> RequestView
    {
        let what =
            table == .leave
            ? "\(req.t("attendance.leave.\(row.kind ?? "")")) \(row.startDay ?? "") – \(row.endDay ?? "")"
                + (row.part.flatMap {
                    $0 == LeavePart.whole.rawValue ? nil : " " + req.t("attendance.leave_part.\($0)")
                } ?? "")
            : "\(row.day ?? "") \(row.time ?? "") \(req.t("attendance.direction.\(row.direction ?? "any")"))"
        return RequestView(
            id: row.id, staffName: row.staffName, what: what, reason: row.reason,
            status: req.t("attendance.status.\(row.status)"),
            statusKey: row.status, isPending: row.status == "pending", version: row.version)
    }

    private func renderMonth(
        _ req: Request, person: AttendanceStore.Person, form: [String: String] = [:], errors: [String: String] = [:],
        error: String? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let month = try AttendanceAPIController.month(req, calendar: calendar)
        let sheet = try await AttendanceSheet(database: req.db).person(
            person, month: month, calendar: calendar, now: req.now)
        let facts = RecordFacts(responsibleStaffID: person.id, departmentID: person.departmentID)
        let canExcuse = AccessPolicy.permits(staff.actor, .approveAttendance, on: facts) && person.id != staff.id
        let canPenalize = AccessPolicy.permits(staff.actor, .imposePenalties, on: facts) && person.id != staff.id
        let today = calendar.day(of: req.now)
        let time = { (date: Date?) in date.map { DisplayFormat.dateTime($0).suffix(5).description } ?? "" }
        let weekdays = ["", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        let days = sheet.days.map { day in
            DayView(
                day: day.day.description,
                weekday: req.t("attendance.weekday.\(weekdays[WorkingCalendar.weekday(of: day.day)])"),
                isWorkingDay: day.isWorkingDay,
                isToday: day.day == today, arrival: time(day.arrival), departure: time(day.departure),
                leave: day.leave.map {
                    req.t("attendance.leave.\($0.rawValue)")
                        + (day.leavePart == .whole
                            ? "" : " " + req.t("attendance.leave_part.\(day.leavePart?.rawValue ?? "")"))
                } ?? "",
                hasLeave: day.leave != nil,
                marks: day.findings.map { finding in
                    let stored = sheet.marks[MarkKey(day: finding.day, kind: finding.kind)]
                    return MarkView(
                        id: stored?.id ?? 0, number: stored?.number ?? "", hasNumber: stored != nil,
                        kind: req.t("attendance.mark.\(finding.kind.rawValue)"),
                        cause: AttendanceAPIController.causeText(
                            finding.cause, finding.causeArguments, words: req.words),
                        deduction: Self.days(finding.deductionDays), excusedReason: stored?.excusedReason ?? "",
                        isExcused: stored?.excusedReason != nil, version: stored?.version ?? 0,
                        canExcuse: canExcuse && stored != nil && stored?.excusedReason == nil,
                        penalizeLink: stored.flatMap { mark in
                            guard canPenalize, mark.excusedReason == nil, mark.deductionDays > 0 else { return nil }
                            return
                                SiteURL.newConductPenalty.path(
                                    rawQuery:
                                        "staffID=\(person.id)&causeType=\(AttendanceMarkRecordKind.recordType)&causeID=\(mark.number)"
                                )
                        })
                })
        }
        let lastClock = try await AttendanceStore(database: req.db).punches(
            staffID: person.id, from: calendar.instant(today, DayTime(minutes: 0)!), to: req.now
        ).last
        let isMine = person.id == staff.id
        let widest = AccessPolicy.widestScope(of: staff.role, for: .viewAttendance)
        let seesTeam = widest == .team || widest == .any
        let page = MonthPage(
            name: person.displayName, month: month.text, previous: month.previous.text, next: month.next.text,
            isMine: isMine, days: days,
            summary: Self.summaryView(sheet.summary), leave: sheet.leave.map { Self.requestView(req, $0, .leave) },
            hasLeave: !sheet.leave.isEmpty,
            corrections: sheet.corrections.map { Self.requestView(req, $0, .correction) },
            hasCorrections: !sheet.corrections.isEmpty,
            leaveKinds: LeaveKind.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "attendance.leave.\($0.rawValue)",
                    isSelected: form["kind"] == $0.rawValue)
            },
            leaveParts: LeavePart.allCases.map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "attendance.leave_part.\($0.rawValue)",
                    isSelected: (form["part"] ?? LeavePart.whole.rawValue) == $0.rawValue)
            },
            directions: [ClockDirection.clockIn, .clockOut].map {
                ChoiceOption(
                    value: $0.rawValue, labelKey: "attendance.direction.\($0.rawValue)",
                    isSelected: form["direction"] == $0.rawValue)
            },
            form: [
                "startDay": today.description, "endDay": today.description, "reason": "",
                "day": today.adding(days: -1).description, "time": "09:00",
                "correctionReason": "", "address": "",
            ].merging(form) { $1 },
            errors: errors, error: error, canSeeTeam: seesTeam,
            canConfigure: AccessPolicy.allows(staff.role, .configureAttendance),
            canImport: AccessPolicy.allows(staff.role, .importAttendance),
            basePath: isMine ? SiteURL.attendance.path : SiteURL.attendancePerson(person.id).path,
            lastClock: lastClock.map {
                "\(req.t("attendance.direction.\($0.direction)")) \(DisplayFormat.dateTime($0.at).suffix(5))"
            } ?? "",
            hasLastClock: lastClock != nil
        )
        return try await req.renderPage(
            "attendance/month", titleKey: isMine ? "attendance.mine" : "attendance.person_title", page, status: status)
    }

    @Sendable func mine(req: Request) async throws -> Response {
        try await renderMonth(req, person: try await AttendanceAPIController.signedInPerson(req))
    }

    @Sendable func person(req: Request) async throws -> Response {
        try await renderMonth(req, person: try await AttendanceAPIController.person(req, for: .viewAttendance))
    }

    struct ClockForm: Content { var direction: String?; var address: String? }

    @Sendable func clock(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(ClockForm.self)
        do {
            _ = try await AttendanceStore(database: req.db).clock(
                staffID: staff.id, direction: ClockDirection(rawValue: form.direction ?? "") ?? .any,
                address: form.address ?? "", network: req.clientAddress, context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendance.path,
                flash: FlashMessage(
                    .success, form.direction == "out" ? "attendance.flash.clocked_out" : "attendance.flash.clocked_in"))
        } catch let problems as FieldErrors {
            return try await renderMonth(
                req, person: try await AttendanceAPIController.signedInPerson(req),
                form: ["address": form.address ?? ""],
                errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    @Sendable func requestLeave(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        let person = try await AttendanceAPIController.signedInPerson(req)
        do {
            _ = try await AttendanceStore(database: req.db).requestLeave(
                .init(
                    kind: form["kind"] ?? "", startDay: form["startDay"] ?? "", endDay: form["endDay"] ?? "",
                    reason: form["reason"] ?? "", part: form["part"]),
                for: person, context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendance.path, flash: FlashMessage(.success, "attendance.flash.leave_requested"))
        } catch let problems as FieldErrors {
            return try await renderMonth(
                req, person: person, form: form, errors: problems.messages.mapValues { req.t($0) },
                status: .unprocessableEntity)
        }
    }

    @Sendable func requestCorrection(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        let person = try await AttendanceAPIController.signedInPerson(req)
        do {
            _ = try await AttendanceStore(database: req.db).requestCorrection(
                .init(
                    day: form["day"] ?? "", time: form["time"] ?? "", direction: form["direction"] ?? "",
                    reason: form["correctionReason"] ?? ""),
                for: person, calendar: try await WorkingCalendarStore(database: req.db).load(),
                context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendance.path, flash: FlashMessage(.success, "attendance.flash.correction_requested"))
        } catch let problems as FieldErrors {
            var messages = problems.messages
            if let reason = messages.removeValue(forKey: "reason") { messages["correctionReason"] = reason }
            return try await renderMonth(
                req, person: person, form: form, errors: messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    /// Where a cited mark is read (a penalty's cause, R7.2): its day on the person's month.
    @Sendable func mark(req: Request) async throws -> Response {
        let mark = try await req.record(AttendanceMarkRecordKind.self, for: .viewAttendance)
        let base =
            mark.staffID == (try req.requireStaff().id)
            ? SiteURL.attendance.path : SiteURL.attendancePerson(mark.staffID).path
        return req.redirect(to: "\(base)?month=\(mark.day.prefix(7))#day-\(mark.day)")
    }

    struct ExcuseForm: Content { var reason: String?; var version: Int? }

    @Sendable func excuse(req: Request) async throws -> Response {
        let mark = try await req.record(AttendanceMarkRecordKind.self, for: .approveAttendance)
        let form = try req.content.decode(ExcuseForm.self)
        let month = String(mark.day.prefix(7))
        let back = SiteURL.attendancePerson(mark.staffID).path(rawQuery: "month=\(month)")
        do {
            try await AttendanceStore(database: req.db).excuse(
                mark, reason: form.reason ?? "", version: form.version ?? -1,
                calendar: try await WorkingCalendarStore(database: req.db).load(), context: req.auditContext)
            return req.redirect(to: back, flash: FlashMessage(.success, "attendance.flash.excused"))
        } catch let problems as FieldErrors {
            return req.redirect(
                to: back, flash: FlashMessage(.error, problems.messages.values.first ?? "error.validation"))
        } catch let error as KefuError where error.status == .conflict {
            return req.redirect(to: back, flash: FlashMessage(.error, error.messageKey))
        }
    }

    // MARK: The team

    struct TeamLineView: Encodable { var staffID: Int, name: String, summary: SummaryView }
    struct TeamPage: Encodable {
        var month: String, previous: String, next: String, lines: [TeamLineView], hasLines: Bool, leave: [RequestView],
            corrections: [RequestView]
        var hasApprovals: Bool, canApprove: Bool, department: String
    }

    static func teamLines(_ req: Request) async throws -> (
        month: AttendanceSheet.Month, department: Int, lines: [AttendanceSheet.TeamLine]
    ) {
        let staff = try req.requireStaff()
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewAttendance)
        guard scope == .team || scope == .any else {
            try await req.recordDenial(of: Action.viewAttendance.rawValue, recordType: "attendance_team")
            throw KefuError.forbidden
        }
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let month = try AttendanceAPIController.month(req, calendar: calendar)
        let sheet = AttendanceSheet(database: req.db)
        let department = try await sheet.department(
            for: staff, asked: req.query[Int.self, at: "department"], scope: scope)
        return (
            month, department,
            try await sheet.team(departmentID: department, month: month, calendar: calendar, now: req.now)
        )
    }

    @Sendable func team(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let (month, department, lines) = try await Self.teamLines(req)
        let canApprove = AccessPolicy.allows(staff.role, .approveAttendance)
        let store = AttendanceStore(database: req.db)
        let leave =
            canApprove
            ? try await store.pending(.leave, departmentID: staff.departmentID).map {
                Self.requestView(req, $0, .leave)
            } : []
        let corrections =
            canApprove
            ? try await store.pending(.correction, departmentID: staff.departmentID).map {
                Self.requestView(req, $0, .correction)
            } : []
        let name =
            try await req.db.sql().raw("SELECT name FROM departments WHERE id = \(bind: department)").first()?.decode(
                column: "name", as: String.self) ?? ""
        let page = TeamPage(
            month: month.text, previous: month.previous.text, next: month.next.text,
            lines: lines.map {
                TeamLineView(staffID: $0.person.id, name: $0.person.displayName, summary: Self.summaryView($0.summary))
            },
            hasLines: !lines.isEmpty, leave: leave, corrections: corrections,
            hasApprovals: !(leave.isEmpty && corrections.isEmpty),
            canApprove: canApprove, department: name)
        return try await req.renderPage("attendance/team", titleKey: "attendance.team_title", page)
    }

    /// The team's month as CSV for payroll: UTF-8 with BOM so Excel reads the Chinese names.
    @Sendable func export(req: Request) async throws -> Response {
        let (month, department, lines) = try await Self.teamLines(req)
        let header =
            [
                "username", "name", "working_days", "attended_days", "latenesses", "early_leaves", "missing_clocks",
                "absence_days",
            ]
            .map { req.t("attendance.csv.\($0)") } + LeaveKind.allCases.map { req.t("attendance.leave.\($0.rawValue)") }
            + [req.t("attendance.csv.deduction_days")]
        let text = AttendanceSheetCSV.text(
            header: header,
            lines: lines.map { .init(username: $0.person.username, name: $0.person.displayName, summary: $0.summary) })
        try await AuditLog.record(
            "attendance.exported", recordType: "attendance_month", recordID: "\(department)-\(month.text)",
            message: AuditMessage.rows("\(lines.count)"),
            context: req.auditContext, on: req.db)
        let response = Response(status: .ok, body: .init(data: Data(CSVText.encodeForExcel(text))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"attendance-\(month.text).csv\"")
        return response
    }

    struct DecisionForm: Content { var approve: String?; var note: String?; var version: Int? }

    @Sendable func decideLeave(req: Request) async throws -> Response {
        try await decide(req, .leave, try await req.record(LeaveRequestKind.self, for: .approveAttendance))
    }

    @Sendable func decideCorrection(req: Request) async throws -> Response {
        try await decide(req, .correction, try await req.record(ClockCorrectionKind.self, for: .approveAttendance))
    }

    private func decide(_ req: Request, _ table: AttendanceStore.RequestTable, _ row: AttendanceStore.RequestRow)
        async throws -> Response
    {
        let form = try req.content.decode(DecisionForm.self)
        do {
            try await AttendanceStore(database: req.db).decide(
                table, row, approve: form.approve == "1", note: form.note ?? "", version: form.version ?? -1,
                calendar: try await WorkingCalendarStore(database: req.db).load(), context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendanceTeam.path,
                flash: FlashMessage(
                    .success, form.approve == "1" ? "attendance.flash.approved" : "attendance.flash.rejected"))
        } catch let error as KefuError where error.status == .conflict || error.status == .forbidden {
            return req.redirect(to: SiteURL.attendanceTeam.path, flash: FlashMessage(.error, error.messageKey))
        } catch let problems as FieldErrors {
            return req.redirect(
                to: SiteURL.attendanceTeam.path,
                flash: FlashMessage(.error, problems.messages.values.first ?? "error.validation"))
        }
    }
}
