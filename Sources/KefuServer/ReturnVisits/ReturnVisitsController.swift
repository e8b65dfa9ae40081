import Foundation
import KefuDomain
import Vapor

/// The return-visit pages (R4.3 #3): the lists of visits due, overdue and done (a specialist's own,
/// the supervisor's all), a visit with its result form — satisfaction, cooperation, what was noted and
/// up to five problems, each opened as a complaint or a feedback — and the supervisor's settings.
struct ReturnVisitsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewReturnVisits).get(.returnVisits, use: list)
        routes.requiring(.configureReturnVisits).get(.returnVisitSettings, use: settingsPage)
        routes.requiring(.configureReturnVisits).post(.returnVisitSettings, use: saveSettings)
        routes.requiring(.viewReturnVisits).get(.returnVisit, use: show)
        routes.requiring(.manageReturnVisits).post(.returnVisit, use: record)
    }

    /// A due day as people read it: the date of `DisplayFormat.dateTime`, in China time.
    static func day(_ date: Date) -> String { String(DisplayFormat.dateTime(date).prefix(10)) }

    // MARK: Lists

    struct ListPage: Encodable {
        struct Item: Encodable {
            var id: Int; var customerID: Int; var customerName: String; var company: String; var grade: String;
            var staffName: String
            var dueAt: String; var isOverdue: Bool; var reasonKey: String; var isLowScore: Bool; var doneAt: String;
            var satisfaction: String
        }
        var view: String; var views: [ChoiceOption]; var items: [Item]; var hasItems: Bool; var pager: Pager;
        var canConfigure: Bool; var isDone: Bool
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let view = req.query[String.self, at: "view"].flatMap(ReturnVisitStore.View.init(rawValue:)) ?? .due
        let paging = try req.paging
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewReturnVisits)
        let (rows, total) = try await ReturnVisitStore(database: req.db).page(
            view: view, staffID: scope == .own ? staff.id : nil, now: req.now, paging: paging)
        let items = rows.map { row in
            ListPage.Item(
                id: row.id, customerID: row.customerID, customerName: row.customerName,
                company: row.customerCompany ?? "", grade: row.customerGrade ?? "—",
                staffName: row.staffName ?? "—", dueAt: Self.day(row.dueAt),
                isOverdue: ReturnVisitSchedule.isOverdue(dueAt: row.dueAt, state: row.visitState, now: req.now),
                reasonKey: "return_visit.reason.\(row.reason)",
                isLowScore: row.reason == ReturnVisitReason.lowScore.rawValue,
                doneAt: row.doneAt.map(DisplayFormat.dateTime) ?? "",
                satisfaction: row.satisfaction.map { "\($0)/5" } ?? "")
        }
        let page = ListPage(
            view: view.rawValue,
            views: ReturnVisitStore.View.allCases.map {
                ChoiceOption(value: $0.rawValue, labelKey: "return_visits.view.\($0.rawValue)", isSelected: $0 == view)
            },
            items: items, hasItems: !items.isEmpty,
            pager: Pager(
                request: paging, total: total, path: .returnVisits, query: ["view": view.rawValue], cap: 1000),
            canConfigure: AccessPolicy.allows(staff.role, .configureReturnVisits), isDone: view == .done)
        return try await req.renderPage("return-visits/index", titleKey: "return_visits.title", page)
    }

    // MARK: One visit

    struct ShowPage: Encodable {
        struct Problem: Encodable { var text: String; var routeKey: String; var link: String; var number: String }
        struct ProblemRow: Encodable {
            var index: Int; var number: Int; var text: String; var routes: [ChoiceOption]; var textError: String?;
            var routeError: String?
        }
        var id: Int; var customerID: Int; var customerName: String; var company: String; var grade: String;
        var stageKey: String; var staffName: String
        var dueAt: String; var isOverdue: Bool; var reasonKey: String; var isDue: Bool; var canRecord: Bool;
        var version: Int
        var doneAt: String; var doneBy: String; var channelKey: String; var satisfaction: String;
        var cooperationKey: String; var notes: String
        var problems: [Problem]; var hasProblems: Bool
        var channels: [ChoiceOption]; var scores: [ChoiceOption]; var cooperations: [ChoiceOption];
        var problemRows: [ProblemRow]
        var draftNotes: String; var errors: [String: String] = [:]; var formErrorKey: String?
        /// What was changed since the form was read, when it was sent on a stale version.
        var conflict: ConflictView?
        var canSendSurvey = false; var surveyText: String?
        var history: [History]; var hasHistory: Bool
        struct History: Encodable {
            var id: Int; var doneAt: String; var satisfaction: String; var cooperationKey: String
        }
    }

    struct ResultForm: Content {
        var channel: String?; var satisfaction: String?; var cooperation: String?; var notes: String?; var version: Int?
        var problem0: String?; var route0: String?; var problem1: String?; var route1: String?; var problem2: String?;
        var route2: String?

        var problems: [ProblemInput] {
            [
                ProblemInput(text: problem0, route: route0), ProblemInput(text: problem1, route: route1),
                ProblemInput(text: problem2, route: route2),
            ]
        }
    }

    func showPage(_ req: Request, _ row: ReturnVisitStore.Row, form: ResultForm? = nil, errors: [String: String] = [:])
        async throws -> ShowPage
    {
        let staff = try req.requireStaff()
        let store = ReturnVisitStore(database: req.db)
        let canRecord =
            row.visitState == .due
            && AccessPolicy.permits(staff.actor, .manageReturnVisits, on: RecordFacts(responsibleStaffID: row.staffID))
        let problems = try await store.problems(row.id).map { p in
            ShowPage.Problem(
                text: p.text, routeKey: "return_visit.route.\(p.route)",
                link: p.complaintID.map { SiteURL.complaint($0).path } ?? p.feedbackID.map {
                    SiteURL.feedbackItem($0).path
                } ?? "",
                number: p.complaintNumber ?? p.feedbackNumber ?? "")
        }
        let history = try await store.forCustomer(row.customerID).filter { $0.id != row.id && $0.visitState == .done }
            .map {
                ShowPage.History(
                    id: $0.id, doneAt: $0.doneAt.map(Self.day) ?? "",
                    satisfaction: $0.satisfaction.map { "\($0)/5" } ?? "—",
                    cooperationKey: "return_visit.cooperation.\($0.cooperation ?? "normal")")
            }
        let inputs = form?.problems ?? Array(repeating: ProblemInput(text: nil, route: nil), count: 3)
        return ShowPage(
            id: row.id, customerID: row.customerID, customerName: row.customerName, company: row.customerCompany ?? "",
            grade: row.customerGrade ?? "—",
            stageKey: "customer.stage.\(row.customerStage)", staffName: row.staffName ?? "—",
            dueAt: Self.day(row.dueAt),
            isOverdue: ReturnVisitSchedule.isOverdue(dueAt: row.dueAt, state: row.visitState, now: req.now),
            reasonKey: "return_visit.reason.\(row.reason)",
            isDue: row.visitState == .due, canRecord: canRecord, version: row.version,
            doneAt: row.doneAt.map(DisplayFormat.dateTime) ?? "", doneBy: row.doneByName ?? "—",
            channelKey: "follow_up.channel.\(row.channel ?? "other")",
            satisfaction: row.satisfaction.map { "\($0)/5" } ?? "—",
            cooperationKey: "return_visit.cooperation.\(row.cooperation ?? "normal")",
            notes: req.words.orDash(row.notes ?? ""), problems: problems, hasProblems: !problems.isEmpty,
            channels: ChoiceOption.list(
                ReturnVisitRules.channels, labelPrefix: "follow_up.channel", selected: form?.channel ?? "phone"),
            scores: [
                ChoiceOption(value: "", labelKey: "return_visit.choose", isSelected: (form?.satisfaction ?? "").isEmpty)
            ]
                + [5, 4, 3, 2, 1].map {
                    ChoiceOption(
                        value: String($0), labelKey: "survey.score.\($0)", isSelected: form?.satisfaction == String($0))
                },
            cooperations: [
                ChoiceOption(value: "", labelKey: "return_visit.choose", isSelected: (form?.cooperation ?? "").isEmpty)
            ]
                + ChoiceOption.list(
                    CooperationStatus.allCases.map(\.rawValue), labelPrefix: "return_visit.cooperation",
                    selected: form?.cooperation ?? "-"),
            problemRows: inputs.enumerated().map { index, input in
                ShowPage.ProblemRow(
                    index: index, number: index + 1, text: input.text ?? "",
                    routes: [
                        ChoiceOption(
                            value: "", labelKey: "return_visit.route.none", isSelected: (input.route ?? "").isEmpty)
                    ]
                        + ChoiceOption.list(
                            ProblemRoute.allCases.map(\.rawValue), labelPrefix: "return_visit.route",
                            selected: input.route ?? "-"),
                    textError: errors["problems.\(index).text"], routeError: errors["problems.\(index).route"])
            },
            draftNotes: form?.notes ?? "", errors: errors,
            canSendSurvey: row.visitState == .done
                && AccessPolicy.permits(
                    staff.actor, .manageReturnVisits, on: RecordFacts(responsibleStaffID: row.staffID)),
            history: history, hasHistory: !history.isEmpty)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let row = try await req.record(ReturnVisitKind.self, for: .viewReturnVisits)
        return try await req.renderPage(
            "return-visits/show", titleKey: "return_visits.title", try await showPage(req, row))
    }

    @Sendable func record(req: Request) async throws -> Response {
        let row = try await req.record(ReturnVisitKind.self, for: .manageReturnVisits)
        let form = try req.content.decode(ResultForm.self)
        do {
            let version = try requireFormVersion(form.version)
            let result = try ReturnVisitRules.result(
                channel: form.channel, satisfaction: form.satisfaction, cooperation: form.cooperation,
                notes: form.notes,
                problems: form.problems
            ).get()
            try await ReturnVisitStore(database: req.db).record(
                row, result, version: version, context: req.auditContext,
                calendar: try await WorkingCalendarStore(database: req.db).load())
            return req.redirect(
                to: SiteURL.returnVisit(row.id).path, flash: FlashMessage(.success, "flash.return_visit_recorded"))
        } catch let errors as FieldErrors {
            return try await req.renderPage(
                "return-visits/show", titleKey: "return_visits.title",
                try await showPage(req, row, form: form, errors: errors.messages),
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            // The visit as it is now, what changed since the form was read, and the form as typed.
            let fresh = try await ReturnVisitStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh, form: form)
            page.formErrorKey = conflict.messageKey
            page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
            return try await req.renderPage(
                "return-visits/show", titleKey: "return_visits.title", page, status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            let fresh = try await ReturnVisitStore(database: req.db).find(row.id) ?? row
            var page = try await showPage(req, fresh, form: form, errors: error.fields)
            page.formErrorKey = error.messageKey
            return try await req.renderPage(
                "return-visits/show", titleKey: "return_visits.title", page, status: error.status)
        }
    }

    // MARK: Settings

    struct SettingsPage: Encodable {
        var daysA: String; var daysB: String; var daysC: String; var daysD: String; var ungradedDays: String;
        var lowScore: String; var version: Int
        var errors: [String: String] = [:]; var formErrorKey: String?
        var conflict: ConflictView?
    }

    struct SettingsForm: Content {
        var daysA: String?; var daysB: String?; var daysC: String?; var daysD: String?; var ungradedDays: String?;
        var lowScore: String?; var version: Int?
    }

    @Sendable func settingsPage(req: Request) async throws -> Response {
        let (settings, version) = try await ReturnVisitStore(database: req.db).settings()
        let page = SettingsPage(
            daysA: String(settings.days(forGrade: "A")), daysB: String(settings.days(forGrade: "B")),
            daysC: String(settings.days(forGrade: "C")),
            daysD: String(settings.days(forGrade: "D")), ungradedDays: String(settings.ungradedDays),
            lowScore: String(settings.lowScore), version: version)
        return try await req.renderPage("return-visits/settings", titleKey: "return_visits.settings", page)
    }

    @Sendable func saveSettings(req: Request) async throws -> Response {
        let form = try req.content.decode(SettingsForm.self)
        var page = SettingsPage(
            daysA: form.daysA ?? "", daysB: form.daysB ?? "", daysC: form.daysC ?? "", daysD: form.daysD ?? "",
            ungradedDays: form.ungradedDays ?? "",
            lowScore: form.lowScore ?? "", version: form.version ?? 0)
        do {
            let version = try requireFormVersion(form.version)
            let settings = try ReturnVisitRules.settings(
                daysByGrade: ["A": form.daysA, "B": form.daysB, "C": form.daysC, "D": form.daysD],
                ungradedDays: form.ungradedDays, lowScore: form.lowScore
            ).get()
            try await ReturnVisitStore(database: req.db).saveSettings(
                settings, version: version, context: req.auditContext)
            return req.redirect(to: SiteURL.returnVisitSettings.path, flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            page.errors = errors.messages
            return try await req.renderPage(
                "return-visits/settings", titleKey: "return_visits.settings", page, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            // The form as typed, on the current version: saving again is the supervisor's choice.
            page.formErrorKey = conflict.messageKey
            page.conflict = try await conflict.pageView(for: req, keepsTyped: true)
            page.version = try await ReturnVisitStore(database: req.db).settings().version
            return try await req.renderPage(
                "return-visits/settings", titleKey: "return_visits.settings", page, status: .conflict)
        } catch let error as KefuError where error.status == .conflict || error.status == .unprocessableEntity {
            page.errors = error.fields
            page.formErrorKey = error.messageKey
            page.version = try await ReturnVisitStore(database: req.db).settings().version
            return try await req.renderPage(
                "return-visits/settings", titleKey: "return_visits.settings", page, status: error.status)
        }
    }
}
