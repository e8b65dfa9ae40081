import Fluent
import KefuDomain
import Vapor

/// 工作台: the first page after sign-in. Each later part adds its cards (promised replies due,
/// follow-ups overdue …); the platform shows the person, their team and recent security events.
struct DashboardController: RouteCollection {
    struct Page: Encodable {
        /// A count on a card; `isCapped` when it stopped at a cap (shown as "1000+").
        struct Figure: Encodable {
            var labelKey: String; var value: Int; var href: String?; var isCapped = false
        }
        struct Event: Encodable {
            var occurredAt: String; var actorName: String; var action: String; var actionLabel: String
        }
        var displayName: String
        var roleKey: String
        var departmentName: String
        var today: String
        var lastSignInAt: String?
        var figures: [Figure]
        var recentEvents: [Event]
        var canSeeAudit: Bool
        /// Leaf treats any array as true in `#if`, so emptiness is said explicitly.
        var hasFigures: Bool
        var hasRecentEvents: Bool
        var work: WorkbenchPage?
        var hasWork: Bool
        /// Without front-line work (leadership, liaisons, the administrator): the places this person
        /// may open, each with what it is for, and why the rest is still empty (issue 10 #11).
        struct Place: Encodable { var href: String; var labelKey: String; var helpKey: String }
        var places: [Place] = []
        var emptyReasonKey = ""
        /// The plans of the current period with their live progress (issue 14 §1): one's own, or the department's.
        var plans: [WorkPlansController.PlanView] = []
        var hasPlans = false
        /// R7.1: awards granted with public praise in the last 30 days, on everyone's workbench.
        struct Praise: Encodable { var person: String; var award: String; var citation: String; var at: String }
        var praise: [Praise] = []
        var hasPraise = false
        /// R4.3 #3: overdue return visits — a specialist's own, the supervisor's all.
        struct Visit: Encodable { var id: Int; var customerName: String; var dueAt: String }
        var overdueVisits: [Visit] = []
        var overdueVisitsTotal = 0
        var showsReturnVisits = false
    }

    private struct RecentEvent: Decodable {
        var occurred_at: Date; var action: String; var actor_name: String; var staff_name: String?
    }
    private struct SignIn: Decodable { var occurred_at: Date; var address: String }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewDashboard).get(.dashboard, use: show)
    }

    @Sendable func show(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let sql = try req.db.sql()
        // Read as rows, not Fluent models: the model's reflection cost a tenth of the workbench's CPU.
        let departmentName = try await sql.raw("SELECT name FROM departments WHERE id = \(bind: staff.departmentID)")
            .first()?.decode(column: "name", as: String.self)
        var figures: [Page.Figure] = []
        if let scope = AccessPolicy.widestScope(of: staff.role, for: .viewStaff) {
            // Counted in SQL: a team of 200 decoded as models to be counted cost a quarter of the supervisor's workbench.
            let members = try await StaffStore(database: req.db).activeCountsByRole(
                departmentID: scope == .any ? nil : staff.departmentID)
            figures.append(
                .init(
                    labelKey: "dashboard.figure.active_staff", value: members.values.reduce(0, +),
                    href: SiteURL.staff.path))
            figures.append(
                .init(
                    labelKey: "dashboard.figure.specialists", value: members[Role.specialist.rawValue] ?? 0,
                    href: SiteURL.staff.path(query: ["role": "specialist"])))
        }
        let canSeeAudit = AccessPolicy.allows(staff.role, .viewAuditLog)
        var events: [Page.Event] = []
        if canSeeAudit {
            let since = req.now.addingTimeInterval(-24 * 3600)
            let failures =
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'auth.sign_in_failed' AND occurred_at >= \(bind: since)
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            figures.append(
                .init(
                    labelKey: "dashboard.figure.failed_sign_ins", value: failures,
                    href: SiteURL.auditLog.path(query: ["action": "auth.sign_in_failed"])))
            // People by display name (issue 10 #5): the actor's current name, else the name recorded.
            let recent = try await sql.raw(
                """
                SELECT a.occurred_at, a.action, a.actor_name, s.display_name AS staff_name
                FROM audit_entries a LEFT JOIN staff s ON s.id = a.actor_staff_id
                ORDER BY a.occurred_at DESC, a.id DESC LIMIT 8
                """
            ).all(decoding: RecentEvent.self)
            let words = req.words
            events = recent.map {
                .init(
                    occurredAt: DisplayFormat.dateTime($0.occurred_at),
                    actorName: $0.staff_name ?? words.actor($0.actor_name),
                    action: $0.action, actionLabel: words.auditAction($0.action))
            }
        }
        // The sign-in before this one: a person who did not make it learns of it here.
        let previousSignIn = try await sql.raw(
            """
            SELECT occurred_at, address FROM audit_entries WHERE actor_staff_id = \(bind: staff.id) AND action = 'auth.signed_in'
            ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET 1
            """
        ).first(decoding: SignIn.self)
        let work = try await Workbench(database: req.db, now: req.now)
            .day(of: staff, teamFigures: req.application.teamFigures)
            .map { WorkbenchPage(viewer: req.viewer, staff: staff, day: $0, now: req.now) }
        figures = (work?.figures ?? []) + figures
        let page = Page(
            displayName: staff.displayName, roleKey: "role.\(staff.role)", departmentName: departmentName ?? "",
            today: String(DisplayFormat.dateTime(req.now).prefix(10)),
            lastSignInAt: previousSignIn.map { DisplayFormat.dateTime($0.occurred_at) + " · " + $0.address },
            figures: figures, recentEvents: events, canSeeAudit: canSeeAudit,
            hasFigures: !figures.isEmpty, hasRecentEvents: !events.isEmpty, work: work, hasWork: work != nil
        )
        var shown = page
        shown.plans = try await Self.currentPlans(req, staff: staff)
        shown.hasPlans = !shown.plans.isEmpty
        let words = req.words
        shown.praise = try await AwardStore(database: req.db).praise(since: req.now.addingTimeInterval(-30 * 86_400))
            .map {
                Page.Praise(
                    person: $0.staffName, award: words.label("conduct.award_kind", $0.kind), citation: $0.citation,
                    at: String(DisplayFormat.dateTime($0.decidedAt).prefix(10)))
            }
        shown.hasPraise = !shown.praise.isEmpty
        if AccessPolicy.allows(staff.role, .manageReturnVisits) {
            let scope = AccessPolicy.widestScope(of: staff.role, for: .viewReturnVisits)
            let (visits, total) = try await ReturnVisitStore(database: req.db).page(
                view: .overdue, staffID: scope == .own ? staff.id : nil, now: req.now,
                paging: Paging(number: 1, size: 5))
            shown.overdueVisits = visits.map {
                .init(id: $0.id, customerName: $0.customerName, dueAt: ReturnVisitsController.day($0.dueAt))
            }
            shown.overdueVisitsTotal = total
            shown.showsReturnVisits = true
        }
        if work == nil {
            let entries = (NavigationEntry.all + NavigationEntry.settings).filter {
                $0.key != "nav.dashboard" && $0.isVisible(to: staff.role)
            }
            shown.places =
                entries.compactMap { entry in
                    entry.path.map {
                        Page.Place(
                            href: $0.path, labelKey: entry.key, helpKey: "dashboard.can.\(entry.key.dropFirst(4))")
                    }
                } + [
                    Page.Place(
                        href: SiteURL.profile.path, labelKey: "dashboard.open_profile", helpKey: "dashboard.can.profile"
                    )
                ]
            shown.emptyReasonKey = "dashboard.why_empty.\(staff.role.rawValue)"
        }
        return try await req.renderPage("dashboard/index", titleKey: "dashboard.title", shown)
    }

    /// The plans whose period contains today: a specialist's own, the supervisor's for the department.
    static func currentPlans(_ req: Request, staff: SignedInStaff) async throws -> [WorkPlansController.PlanView] {
        let store = WorkPlanStore(database: req.db)
        let rows: [WorkPlanStore.Row]
        switch AccessPolicy.widestScope(of: staff.role, for: .viewWorkPlans) {
        case .team?: rows = try await store.list(departmentID: staff.departmentID, staffID: nil, departmentOnly: true)
        case .own?: rows = try await store.list(departmentID: nil, staffID: staff.id)
        default: return []
        }
        let today = CalendarDay(req.now, timeZone: DisplayFormat.timeZone)
        var views: [WorkPlansController.PlanView] = []
        for row in rows.filter({ $0.period.map { $0.start <= today && today <= $0.end } ?? false }).prefix(2) {
            views.append(try await WorkPlansController.view(req, row))
        }
        return views
    }
}
