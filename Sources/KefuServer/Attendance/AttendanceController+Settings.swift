import Foundation
import KefuDomain
import Vapor

/// The rules and shifts page and the time clock's import page (R6.1).
extension AttendanceController {
    struct RuleField: Encodable { var name: String, label: String, help: String, value: String, error: String? }
    struct ShiftRow: Encodable { var staffID: Int, name: String, start: String, end: String, isOwn: Bool }
    struct SettingsPage: Encodable {
        var fields: [RuleField], version: Int, error: String?, shifts: [ShiftRow], defaultShift: String,
            shiftErrors: [String: String], shiftForm: [String: String]
        /// What changed meanwhile, when the rules were sent on a stale version.
        var conflict: ConflictView? = nil
    }

    static let ruleNames = [
        "graceMinutes", "freeLatenessesPerMonth", "lateDeductionDays", "latenessesPerAbsence", "halfDayMinutes",
        "clockInWindowMinutes",
        "clockOutWindowMinutes", "correctionsPerMonth", "correctionDeadlineDays",
    ]

    static func values(_ rules: AttendanceRuleSet) -> [String: String] {
        [
            "graceMinutes": String(rules.graceMinutes), "freeLatenessesPerMonth": String(rules.freeLatenessesPerMonth),
            "lateDeductionDays": days(rules.lateDeductionDays),
            "latenessesPerAbsence": String(rules.latenessesPerAbsence), "halfDayMinutes": String(rules.halfDayMinutes),
            "clockInWindowMinutes": String(rules.clockInWindowMinutes),
            "clockOutWindowMinutes": String(rules.clockOutWindowMinutes),
            "correctionsPerMonth": String(rules.correctionsPerMonth),
            "correctionDeadlineDays": String(rules.correctionDeadlineDays),
        ]
    }

    func renderSettings(
        _ req: Request, form: [String: String]? = nil, errors: [String: String] = [:], error: String? = nil,
        shiftForm: [String: String] = [:],
        shiftErrors: [String: String] = [:], conflict: ConflictView? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let store = AttendanceStore(database: req.db)
        let (rules, version) = try await store.rules()
        let values = form ?? Self.values(rules)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        var shifts: [ShiftRow] = []
        for person in try await store.people(departmentID: staff.departmentID) {
            let shift = try await store.shift(staffID: person.id, calendar: calendar)
            shifts.append(
                ShiftRow(
                    staffID: person.id, name: person.displayName, start: shift.start.description,
                    end: shift.end.description,
                    isOwn: shift != Shift(calendar.hours)))
        }
        let page = SettingsPage(
            fields: Self.ruleNames.map {
                RuleField(
                    name: $0, label: req.t("attendance.rule.\($0)"), help: req.t("attendance.rule.\($0).help"),
                    value: values[$0] ?? "", error: errors[$0])
            },
            // After a conflict the typed rules are sent again on the version saved now.
            version: conflict == nil ? Int(form?["version"] ?? "") ?? version : version, error: error, shifts: shifts,
            defaultShift: "\(calendar.hours.start)–\(calendar.hours.end)", shiftErrors: shiftErrors,
            shiftForm: shiftForm, conflict: conflict
        )
        return try await req.renderPage(
            "attendance/settings", titleKey: "attendance.settings_title", page, status: status)
    }

    @Sendable func settings(req: Request) async throws -> Response { try await renderSettings(req) }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self).filter { $0.key != "_csrf" }
        var errors = FieldErrors()
        func int(_ name: String) -> Int {
            guard let value = Int((form[name] ?? "").trimmed) else {
                errors.add(name, "attendance.error.whole_number"); return 0
            }
            return value
        }
        let deduction = Double((form["lateDeductionDays"] ?? "").trimmed)
        if deduction == nil { errors.add("lateDeductionDays", "attendance.error.number") }
        let rules = AttendanceRuleSet(
            graceMinutes: int("graceMinutes"), freeLatenessesPerMonth: int("freeLatenessesPerMonth"),
            lateDeductionDays: deduction ?? 0,
            latenessesPerAbsence: int("latenessesPerAbsence"), halfDayMinutes: int("halfDayMinutes"),
            clockInWindowMinutes: int("clockInWindowMinutes"),
            clockOutWindowMinutes: int("clockOutWindowMinutes"), correctionsPerMonth: int("correctionsPerMonth"),
            correctionDeadlineDays: int("correctionDeadlineDays")
        )
        if errors.isEmpty { errors.merge(rules.problems) }
        guard errors.isEmpty else {
            return try await renderSettings(
                req, form: form, errors: errors.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
        do {
            try await AttendanceStore(database: req.db).saveRules(
                rules, version: Int(form["version"] ?? "") ?? -1, context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendanceSettings.path, flash: FlashMessage(.success, "attendance.flash.rules_saved"))
        } catch let conflict as RecordConflict {
            return try await renderSettings(
                req, form: form, error: req.t("attendance.error.rules_changed"),
                conflict: try await conflict.pageView(for: req, keepsTyped: true), status: .conflict)
        }
    }

    struct ShiftForm: Content { var staffID: Int?; var shiftStart: String?; var shiftEnd: String? }

    @Sendable func saveShift(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(ShiftForm.self)
        let store = AttendanceStore(database: req.db)
        guard let id = form.staffID, let person = try await store.person(id),
            person.departmentID == staff.departmentID || staff.role == .administrator
        else {
            throw KefuError.notFound
        }
        do {
            try await store.setShift(
                staffID: id, start: form.shiftStart ?? "", end: form.shiftEnd ?? "", context: req.auditContext)
            return req.redirect(
                to: SiteURL.attendanceSettings.path, flash: FlashMessage(.success, "attendance.flash.shift_saved"))
        } catch let problems as FieldErrors {
            return try await renderSettings(
                req,
                shiftForm: [
                    "staffID": String(id), "shiftStart": form.shiftStart ?? "", "shiftEnd": form.shiftEnd ?? "",
                ],
                shiftErrors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        }
    }

    // MARK: Import

    struct ProblemView: Encodable { var line: Int, message: String }
    struct ImportPage: Encodable {
        var text: String, hasPreview: Bool, layout: String, importable: Int, problems: [ProblemView], hasProblems: Bool,
            error: String?
    }

    func renderImport(
        _ req: Request, text: String = "", preview: TimeClockImport.Preview? = nil, error: String? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let page = ImportPage(
            text: text, hasPreview: preview != nil,
            layout: preview?.layout.map { req.t("attendance.import.layout.\($0.rawValue)") } ?? "",
            importable: preview?.lines.count ?? 0,
            problems: (preview?.problems ?? []).prefix(200).map {
                ProblemView(line: $0.line, message: req.t($0.messageKey, $0.arguments))
            },
            hasProblems: !(preview?.problems ?? []).isEmpty, error: error
        )
        return try await req.renderPage("attendance/import", titleKey: "attendance.import_title", page, status: status)
    }

    @Sendable func importPage(req: Request) async throws -> Response { try await renderImport(req) }

    struct ImportForm: Content { var text: String?; var file: File?; var skipProblems: String? }

    static func text(of form: ImportForm) throws -> String {
        if let file = form.file, file.data.readableBytes > 0 {
            let bytes = Array(file.data.readableBytesView)
            do { return try CSVText.decode(bytes).text } catch {
                throw FieldErrors(["file": "attendance.import.unreadable"])
            }
        }
        return form.text ?? ""
    }

    @Sendable func previewImport(req: Request) async throws -> Response {
        let form = try req.content.decode(ImportForm.self)
        let text: String
        do { text = try Self.text(of: form) } catch {
            return try await renderImport(
                req, error: req.t("attendance.import.unreadable"), status: .unprocessableEntity)
        }
        if text.trimmed.isEmpty {
            return try await renderImport(req, error: req.t("attendance.import.empty"), status: .unprocessableEntity)
        }
        let preview = try await AttendanceStore(database: req.db).preview(
            text, calendar: try await WorkingCalendarStore(database: req.db).load())
        return try await renderImport(
            req, text: text, preview: preview, status: preview.problems.isEmpty ? .ok : .unprocessableEntity)
    }

    @Sendable func confirmImport(req: Request) async throws -> Response {
        let form = try req.content.decode(ImportForm.self)
        let text = form.text ?? ""
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let store = AttendanceStore(database: req.db)
        let preview = try await store.preview(text, calendar: calendar)
        guard let layout = preview.layout, !preview.lines.isEmpty, preview.problems.isEmpty || form.skipProblems == "1"
        else {
            return try await renderImport(
                req, text: text, preview: preview, error: req.t("attendance.import.fix_or_skip"),
                status: .unprocessableEntity)
        }
        _ = try await store.importLines(preview.lines, layout: layout, calendar: calendar, context: req.auditContext)
        return req.redirect(to: SiteURL.attendanceTeam.path, flash: FlashMessage(.success, "attendance.flash.imported"))
    }
}
