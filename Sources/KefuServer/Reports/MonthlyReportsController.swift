import Foundation
import KefuDomain
import Vapor

/// The monthly report pages (月报, issue 16 §6): the list with the form to start a month's draft; a report
/// with the supervisor's sections and the month's charts, printable on A4; saving a draft and issuing it.
struct MonthlyReportsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewReports).get(.monthlyReports, use: index)
        routes.requiring(.writeMonthlyReports).post(.monthlyReports, use: create)
        routes.requiring(.viewReports).get(.monthlyReport, use: show)
        routes.requiring(.writeMonthlyReports).post(.monthlyReport, use: save)
        routes.requiring(.writeMonthlyReports).post(.monthlyReportIssue, use: issue)
    }

    static func path(_ id: Int) -> String { SiteURL.monthlyReport(id).path }

    struct IndexPage: Encodable {
        struct Item: Encodable {
            var id: Int; var number: String; var month: String; var department: String; var state: String;
            var stateLabel: String
            var issued: String
        }
        var items: [Item], hasItems: Bool, canWrite: Bool, month: String, error: String?
    }

    private func renderIndex(
        _ req: Request, month: String? = nil, error: String? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let rows = try await MonthlyReportsAPIController.rows(req)
        let items = rows.map { row in
            IndexPage.Item(
                id: row.id, number: row.number, month: row.month, department: row.departmentName, state: row.state,
                stateLabel: req.t("monthly_report.state.\(row.state)"),
                issued: row.issuedAt.map { DisplayFormat.dateTime($0) + " · " + (row.issuedByName ?? "—") } ?? "—")
        }
        // The month that is usually reported: the one just over.
        let lastMonth = ReportMonth(CalendarDay(req.now, timeZone: DisplayFormat.timeZone)).adding(months: -1)
        let page = IndexPage(
            items: items, hasItems: !items.isEmpty, canWrite: AccessPolicy.allows(staff.role, .writeMonthlyReports),
            month: String((month ?? lastMonth.description).prefix(20)), error: error)
        return try await req.renderPage("reports/monthly_index", titleKey: "monthly_report.title", page, status: status)
    }

    @Sendable func index(req: Request) async throws -> Response { try await renderIndex(req) }

    struct CreateForm: Content { var month: String? }

    @Sendable func create(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(CreateForm.self)
        do {
            let id = try await MonthlyReportStore(database: req.db).create(
                month: form.month, departmentID: staff.departmentID, context: req.auditContext)
            return req.redirect(to: Self.path(id), flash: FlashMessage(.success, "monthly_report.flash.created"))
        } catch let problems as FieldErrors {
            return try await renderIndex(
                req, month: form.month ?? "", error: problems.messages["month"].map { req.t($0) },
                status: .unprocessableEntity)
        }
    }

    struct ShowPage: Encodable {
        struct Section: Encodable {
            var name: String; var title: String; var text: String; var hasText: Bool; var value: String;
            var error: String?
        }
        struct Card: Encodable { var id: String; var title: String; var body: HTMLFragment }
        var id: Int, number: String, month: String, period: String, department: String, state: String,
            stateLabel: String
        var isIssued: Bool, canWrite: Bool, asOf: String, issued: String, version: Int
        var sections: [Section], charts: [Card], error: String?
    }

    private func renderShow(
        _ req: Request, _ row: MonthlyReportStore.Row, typed: [String: String] = [:], errors: [String: String] = [:],
        error: String? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let t: (String) -> String = { req.t($0) }
        let figures = try await MonthlyReportStore(database: req.db).figures(row, now: req.now).expanded(
            req.words.expandingTerms)
        let isIssued = row.reportState == .issued
        let canWrite =
            !isIssued
            && AccessPolicy.permits(staff.actor, .writeMonthlyReports, on: RecordFacts(departmentID: row.departmentID))
        let titles = [
            "summary": "monthly_report.section.summary", "problems": "monthly_report.section.problems",
            "nextPlan": "monthly_report.section.next_plan",
        ]
        let sections = row.sections.fields.map { field in
            ShowPage.Section(
                name: field.name, title: t(titles[field.name]!), text: field.text, hasText: !field.text.isEmpty,
                value: typed[field.name] ?? field.text,
                error: errors[field.name])
        }
        let page = ShowPage(
            id: row.id, number: row.number, month: row.month, period: "\(figures.from) – \(figures.to)",
            department: row.departmentName,
            state: row.state, stateLabel: t("monthly_report.state.\(row.state)"), isIssued: isIssued,
            canWrite: canWrite,
            asOf: DisplayFormat.dateTime(row.issuedAt ?? req.now),
            issued: row.issuedAt.map { DisplayFormat.dateTime($0) + " · " + (row.issuedByName ?? "—") } ?? "",
            version: row.version, sections: sections,
            charts: figures.charts.map { .init(id: $0.id, title: $0.title, body: MonthlyReportFigures.card($0, t: t)) },
            error: error ?? errors["state"] ?? errors["month"] ?? errors["version"])
        return try await req.renderPage("reports/monthly_show", titleKey: "monthly_report.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await renderShow(req, try await req.record(MonthlyReportKind.self, for: .viewReports))
    }

    struct SaveForm: Content { var summary: String?; var problems: String?; var nextPlan: String?; var version: Int? }

    @Sendable func save(req: Request) async throws -> Response {
        let row = try await req.record(MonthlyReportKind.self, for: .writeMonthlyReports)
        let form = try req.content.decode(SaveForm.self)
        let sections = MonthlyReportSections(
            summary: form.summary ?? "", problems: form.problems ?? "", nextPlan: form.nextPlan ?? "")
        let typed = Dictionary(uniqueKeysWithValues: sections.fields.map { ($0.name, $0.text) })
        do {
            try await MonthlyReportStore(database: req.db).save(
                row, sections, version: form.version, context: req.auditContext)
            return req.redirect(to: Self.path(row.id), flash: FlashMessage(.success, "monthly_report.flash.saved"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, typed: typed, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let fresh = try await MonthlyReportStore(database: req.db).find(row.id) ?? row
            return try await renderShow(req, fresh, typed: typed, error: req.t(conflict.messageKey), status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let fresh = try await MonthlyReportStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, fresh, typed: typed, error: req.t(error.fields["version"] ?? error.messageKey),
                status: error.status)
        }
    }

    struct VersionForm: Content { var version: Int? }

    @Sendable func issue(req: Request) async throws -> Response {
        let row = try await req.record(MonthlyReportKind.self, for: .writeMonthlyReports)
        let form = try req.content.decode(VersionForm.self)
        do {
            let figures = try await MonthlyReportFigures.build(row.reportMonth, now: req.now, database: req.db)
            try await MonthlyReportStore(database: req.db).issue(
                row, version: form.version, figures: figures, context: req.auditContext)
            return req.redirect(to: Self.path(row.id), flash: FlashMessage(.success, "monthly_report.flash.issued"))
        } catch let problems as FieldErrors {
            return try await renderShow(
                req, row, errors: problems.messages.mapValues { req.t($0) }, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            let fresh = try await MonthlyReportStore(database: req.db).find(row.id) ?? row
            return try await renderShow(req, fresh, error: req.t(conflict.messageKey), status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let fresh = try await MonthlyReportStore(database: req.db).find(row.id) ?? row
            return try await renderShow(
                req, fresh, error: req.t(error.fields["version"] ?? error.messageKey), status: error.status)
        }
    }
}
