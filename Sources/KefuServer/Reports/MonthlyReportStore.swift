import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A monthly report (月报, issue 16 §6): the department's, numbered `YB-2026-000001`. The supervisor of
/// the department writes it; leadership reads every department's.
enum MonthlyReportKind: LoadableRecordKind {
    static let recordType = "monthly_report", table = "monthly_reports"
    static var row: RecordRow? {
        .decoded(MonthlyReportStore.Row.self, fromElsewhere: ["created_by_name", "department_name", "issued_by_name"])
    }
    static let numbering: Numbering? = .yearly(prefix: "YB")
    static let tracked = ["state", "summary", "problems", "next_plan"]
    static let conflictMessageKey = "error.conflict.monthly_report"

    static func load(_ id: Int, on database: any Database) async throws -> (
        record: MonthlyReportStore.Row, facts: RecordFacts
    )? {
        try await MonthlyReportStore(database: database).find(id).map {
            ($0, RecordFacts(departmentID: $0.departmentID))
        }
    }
}

extension MonthlyReportKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> MonthlyReportsAPIController.DTO? {
        guard let row = try await MonthlyReportStore(database: request.db).find(id) else { return nil }
        return try await MonthlyReportsAPIController.dto(request, row)
    }
}

/// Reads and writes monthly reports. Every write claims the version read, in one transaction with its audit
/// entry; an issued report is refused every write.
struct MonthlyReportStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, number: String, departmentID: Int, departmentName: String, month: String
        var summary: String, problems: String, nextPlan: String, state: String, figures: String?
        var issuedAt: Date?, issuedByName: String?, createdByName: String?, createdAt: Date, updatedAt: Date,
            version: Int

        enum CodingKeys: String, CodingKey {
            case id, number, month, summary, problems, state, figures, version
            case departmentID = "department_id", departmentName = "department_name", nextPlan = "next_plan", issuedAt =
                "issued_at"
            case issuedByName = "issued_by_name", createdByName = "created_by_name", createdAt = "created_at",
                updatedAt = "updated_at"
        }

        var reportState: MonthlyReportState { MonthlyReportState(rawValue: state) ?? .draft }
        var reportMonth: ReportMonth { ReportMonth(month) ?? MonthlyReportRules.earliestMonth }
        var sections: MonthlyReportSections {
            MonthlyReportSections(summary: summary, problems: problems, nextPlan: nextPlan)
        }
    }

    static let select: SQLQueryString = """
        SELECT monthly_reports.id, monthly_reports.number, monthly_reports.department_id, departments.name AS department_name, monthly_reports.month,
               monthly_reports.summary, monthly_reports.problems, monthly_reports.next_plan, monthly_reports.state, monthly_reports.figures,
               monthly_reports.issued_at, issuer.display_name AS issued_by_name, creator.display_name AS created_by_name,
               monthly_reports.created_at, monthly_reports.updated_at, monthly_reports.version
        FROM monthly_reports JOIN departments ON departments.id = monthly_reports.department_id
        LEFT JOIN staff AS issuer ON issuer.id = monthly_reports.issued_by_staff_id
        LEFT JOIN staff AS creator ON creator.id = monthly_reports.created_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE monthly_reports.id = \(bind: id)").first(decoding: Row.self)
    }

    /// The reports of one department (nil: every department), the latest month first, at most 120 (ten years).
    func list(departmentID: Int?) async throws -> [Row] {
        let condition: SQLQueryString = departmentID.map { "monthly_reports.department_id = \(bind: $0)" } ?? "1 = 1"
        return try await database.sql().raw(
            """
            \(Self.select) WHERE \(condition) ORDER BY monthly_reports.month DESC, monthly_reports.id DESC LIMIT 120
            """
        ).all(decoding: Row.self)
    }

    /// Starts the draft of a month for the department; 422 at `month` when the department already has one.
    func create(month text: String?, departmentID: Int, context: AuditContext) async throws -> Int {
        let month: ReportMonth
        switch MonthlyReportRules.month(text, today: CalendarDay(context.now, timeZone: DisplayFormat.timeZone)) {
        case .success(let value): month = value
        case .failure(let errors): throw errors
        }
        let exists = FieldErrors(["month": "validation.monthly_report.exists"])
        if try await database.sql().raw(
            """
            SELECT id FROM monthly_reports WHERE department_id = \(bind: departmentID) AND month = \(bind: month.description)
            """
        ).first() != nil {
            throw exists
        }
        return try await database.writeTransaction { tx in
            let number = try await RecordNumbers.next(MonthlyReportKind.numbering!, at: context.now, on: tx)
            // Two drafts of one month started at once: the unique (department, month) keeps the first.
            guard
                let row = try await tx.sql().raw(
                    """
                    INSERT INTO monthly_reports (number, department_id, month, summary, problems, next_plan, state, created_by_staff_id, created_at,
                        updated_at, version)
                    VALUES (\(bind: number), \(bind: departmentID), \(bind: month.description), '', '', '', 'draft', \(bind: context.actorStaffID),
                        \(bind: context.now), \(bind: context.now), 1)
                    ON CONFLICT (department_id, month) DO NOTHING RETURNING id
                    """
                ).first()
            else { throw exists }
            let id = try row.decode(column: "id", as: Int.self)
            try await AuditLog.record(
                "monthly_report.created", recordType: MonthlyReportKind.recordType, recordID: String(id),
                fields: ["month"],
                message: AuditMessage.numberMonth(number, month: "\(month)"), context: context, on: tx)
            return id
        }
    }

    /// Claims the version read and sets the columns of a draft; 409 when someone changed it meanwhile,
    /// 422 when it was issued meanwhile.
    private func claim(
        _ row: Row, version: Int, set: SQLQueryString, audit: RecordWrite.AuditNote, context: AuditContext,
        on tx: any Database
    ) async throws {
        do {
            try await RecordWrites.change(
                MonthlyReportKind.self, id: row.id, version: version,
                RecordWrite(set: set, condition: "state = 'draft'", audit: audit), context: context, on: tx)
        } catch let conflict as RecordConflict {
            let current = try await tx.sql().raw("SELECT state FROM monthly_reports WHERE id = \(bind: row.id)")
                .first()?.decode(column: "state", as: String.self)
            if current == MonthlyReportState.issued.rawValue {
                throw FieldErrors(["state": "validation.monthly_report.issued"])
            }
            throw conflict
        }
    }

    /// Saves the supervisor's sections of a draft.
    func save(_ row: Row, _ sections: MonthlyReportSections, version: Int?, context: AuditContext) async throws {
        try MonthlyReportRules.validateDraft(sections, state: row.reportState).throwIfAny()
        let version = try requireFormVersion(version)
        let text = sections.trimmed
        let changed = zip(text.fields, row.sections.fields).filter { $0.0.text != $0.1.text }.map { $0.0.name }
        try await database.writeTransaction { tx in
            try await claim(
                row, version: version,
                set: """
                    summary = \(bind: text.summary), problems = \(bind: text.problems), next_plan = \(bind: text.nextPlan)
                    """,
                audit: .init(
                    action: "monthly_report.updated", fields: changed,
                    message: AuditMessage.numberMonth(row.number, month: "\(row.month)")),
                context: context, on: tx)
        }
    }

    /// Issues the report with the figures read for it: from now on it is the frozen copy.
    func issue(_ row: Row, version: Int?, figures: MonthlyReportFigures, context: AuditContext) async throws {
        try MonthlyReportRules.validateIssue(
            row.sections, state: row.reportState, month: row.reportMonth,
            today: CalendarDay(context.now, timeZone: DisplayFormat.timeZone)
        ).throwIfAny()
        let version = try requireFormVersion(version)
        let json = try figures.json()
        try await database.writeTransaction { tx in
            try await claim(
                row, version: version,
                set: """
                    state = 'issued', figures = \(bind: json), issued_at = \(bind: context.now), issued_by_staff_id = \(bind: context.actorStaffID)
                    """,
                audit: .init(
                    action: "monthly_report.issued", fields: [],
                    message: AuditMessage.numberMonth(row.number, month: "\(row.month)")),
                context: context, on: tx)
        }
    }

    /// The report's figures: the frozen copy once issued, else read now.
    func figures(_ row: Row, now: Date) async throws -> MonthlyReportFigures {
        if row.reportState == .issued, let json = row.figures { return try MonthlyReportFigures.decode(json) }
        return try await MonthlyReportFigures.build(row.reportMonth, now: now, database: database)
    }
}
