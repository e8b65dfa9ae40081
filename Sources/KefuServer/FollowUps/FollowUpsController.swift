import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The follow-up pages (跟进): overdue and this week's lists per specialist and for the team, the
/// customers the rule says need a plan, and one customer's follow-ups with planning and completion.
struct FollowUpsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewFollowUps).get(.followUps, use: list)
        routes.requiring(.manageFollowUps).post(.followUpComplete, use: complete)
        routes.requiring(.manageFollowUps).post(.followUpReschedule, use: reschedule)
        routes.requiring(.manageFollowUps).post(.followUpsComplete, use: completeAll)
        routes.requiring(.viewFollowUps).get(.customerFollowUps, use: forCustomer)
        routes.requiring(.manageFollowUps).post(.customerFollowUps, use: plan)
    }

    struct Item: Encodable {
        var id: Int; var customerID: Int; var customerCode: String; var customerName: String; var staffName: String
        var dueAt: String; var dueTime: String; var channelKey: String; var purpose: String; var isOverdue: Bool;
        var isOpen: Bool
        var completedAt: String; var outcome: String
        /// Whole calendar days (China time) an open follow-up is past its day; 0 when due earlier today.
        var daysOverdue = 0
        /// Whether the viewer may tick it for 批量完成, and whether it is ticked.
        var canComplete = false
        var isChecked = false

        init(_ row: FollowUpStore.Row, now: Date) {
            id = row.id; customerID = row.customerID; customerCode = row.customerCode; customerName = row.customerName
            staffName = row.staffName ?? "—"; dueAt = DisplayFormat.dateTime(row.dueAt);
            dueTime = String(dueAt.suffix(5)); channelKey = "follow_up.channel.\(row.channel)"
            purpose = row.purpose;
            isOverdue = FollowUpRule.isOverdue(dueAt: row.dueAt, completedAt: row.completedAt, now: now)
            isOpen = row.completedAt == nil; completedAt = row.completedAt.map(DisplayFormat.dateTime) ?? "";
            outcome = row.outcome ?? ""
            if isOverdue {
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = DisplayFormat.timeZone
                daysOverdue = max(
                    0,
                    calendar.dateComponents(
                        [.day], from: calendar.startOfDay(for: row.dueAt), to: calendar.startOfDay(for: now)
                    ).day ?? 0)
            }
        }
    }

    struct ListPage: Encodable {
        /// A day of the week view, named (周一 … 周日) as well as dated.
        struct Day: Encodable { var label: String; var weekdayKey: String; var isToday: Bool; var items: [Item] }
        struct Count: Encodable { var staffName: String; var overdue: Int }
        struct Unplanned: Encodable { var id: Int; var code: String; var name: String; var stageKey: String }
        var view: String
        var isTeam: Bool
        var canSeeTeam: Bool
        var items: [Item]
        var hasItems: Bool
        var isWeek: Bool
        var days: [Day]
        var week: Int
        var previousWeek: Int
        var nextWeek: Int
        var counts: [Count]
        var hasCounts: Bool
        var unplanned: [Unplanned]
        var hasUnplanned: Bool
        var bulk = Bulk()
        var canBulk = false
    }

    /// The bulk completion's state on the list: what was typed and ticked, and what came of it.
    struct Bulk: Encodable {
        struct Refused: Encodable { var customerID: Int; var customerName: String; var reason: String }
        var errors: [String: String] = [:]
        var outcome = ""
        var checked: Set<Int> = []
        var completed = 0
        var refused: [Refused] = []
        var hasRefused: Bool { !refused.isEmpty }
        enum CodingKeys: String, CodingKey { case errors, outcome, checked, completed, refused, hasRefused }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(errors, forKey: .errors); try c.encode(outcome, forKey: .outcome);
            try c.encode(checked.sorted(), forKey: .checked)
            try c.encode(completed, forKey: .completed); try c.encode(refused, forKey: .refused);
            try c.encode(hasRefused, forKey: .hasRefused)
        }
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await renderList(req, view: req.query[String.self, at: "view"] ?? "", mine: nil, bulk: Bulk())
    }

    func renderList(
        _ req: Request, view requestedView: String, mine: Bool?, bulk: Bulk, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let now = req.now
        var scope = try req.listScope(for: .viewFollowUps)
        // A bulk completion posts the list's scope; the list it returns to is the one it came from.
        if let mine {
            let isTeam = scope.canSeeTeam && !mine
            scope = ListScope(
                canSeeTeam: scope.canSeeTeam, isTeam: isTeam, staffID: isTeam ? nil : try req.requireStaff().id)
        }
        let view = FollowUpStore.View(rawValue: requestedView) ?? .overdue
        let week = min(max(req.query[Int.self, at: "week"] ?? 0, -52), 52)
        let store = FollowUpStore(database: req.db)
        let staffID = scope.staffID
        let (rows, days) = try await store.rows(view, staffID: staffID, now: now, week: week)
        let actor = try req.requireStaff().actor
        var items = rows.map { Item($0, now: now) }
        // Which rows may be ticked for completion: open ones of customers the viewer may act on.
        let owners = try await req.db.sql().raw(
            """
            SELECT id, responsible_staff_id FROM customers WHERE id IN (\(binds: Array(Set(rows.map(\.customerID))) + [0]))
            """
        ).all().reduce(into: [Int: Int?]()) {
            $0[try $1.decode(column: "id", as: Int.self)] = try $1.decode(column: "responsible_staff_id", as: Int?.self)
        }
        for index in items.indices where items[index].isOpen {
            let owner = owners[items[index].customerID] ?? nil
            items[index].canComplete = AccessPolicy.permits(
                actor, .manageFollowUps, on: RecordFacts(responsibleStaffID: owner))
            items[index].isChecked = bulk.checked.contains(items[index].id)
        }
        let today = String(DisplayFormat.dateTime(now).prefix(10))
        var weekDays: [ListPage.Day] = []
        if view == .week {
            for day in days {
                let label = String(DisplayFormat.dateTime(day).prefix(10))
                let dayItems = zip(rows, items).filter {
                    String(DisplayFormat.dateTime($0.0.dueAt).prefix(10)) == label
                }.map(\.1)
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = DisplayFormat.timeZone
                weekDays.append(
                    ListPage.Day(
                        label: label, weekdayKey: "weekday.\(calendar.component(.weekday, from: day))",
                        isToday: label == today,
                        items: dayItems))
            }
        }
        let counts =
            scope.isTeam
            ? try await store.overdueCounts(now: now).map { ListPage.Count(staffName: $0.name, overdue: $0.overdue) }
            : []
        let unplanned = try await store.customersWithoutPlan(staffID: staffID).map {
            ListPage.Unplanned(id: $0.id, code: $0.code, name: $0.name, stageKey: "customer.stage.\($0.stage)")
        }
        let page = ListPage(
            view: view.rawValue, isTeam: scope.isTeam, canSeeTeam: scope.canSeeTeam, items: items,
            hasItems: !items.isEmpty, isWeek: view == .week,
            days: weekDays, week: week, previousWeek: week - 1, nextWeek: week + 1, counts: counts,
            hasCounts: !counts.isEmpty, unplanned: unplanned, hasUnplanned: !unplanned.isEmpty)
        var shown = page
        shown.bulk = bulk
        shown.canBulk = view != .week && items.contains(where: \.canComplete)
        return try await req.renderPage("follow_ups/index", titleKey: "follow_ups.title", shown, status: status)
    }

    struct CustomerPage: Encodable {
        var customerID: Int
        var code: String
        var name: String
        var stageKey: String
        var needsPlan: Bool
        var items: [Item]
        var hasItems: Bool
        var canManage: Bool
        var channels: [ChoiceOption]
        var plan: FollowUpStore.PlanInput
        var errors: [String: String] = [:]
        var errorFor = 0
        /// What was typed into the completion form that failed, shown again in it.
        var completion = CompletionValues()
        /// The follow-up whose reschedule form failed, and what was typed into it.
        var rescheduleFor = 0
        var reschedule = RescheduleValues()
    }

    struct RescheduleValues: Encodable { var dueAt = ""; var reason = "" }

    struct CompletionValues: Encodable { var outcome = ""; var nextDueAt = ""; var nextPurpose = "" }

    private func customerPage(_ req: Request, _ customer: CustomerModel, plan: FollowUpStore.PlanInput? = nil)
        async throws -> CustomerPage
    {
        let id = try customer.requireID()
        let rows = try await FollowUpStore(database: req.db).list(customerID: id)
        let open = rows.filter { $0.completedAt == nil }.count
        let staff = try req.requireStaff()
        return CustomerPage(
            customerID: id, code: customer.code, name: customer.name, stageKey: "customer.stage.\(customer.stage)",
            needsPlan: (CustomerStage(rawValue: customer.stage)?.needsFollowUp ?? false) && open == 0,
            items: rows.map { Item($0, now: req.now) }, hasItems: !rows.isEmpty,
            canManage: AccessPolicy.permits(staff.actor, .manageFollowUps, on: customer.recordFacts),
            channels: ChoiceOption.list(
                FollowUpChannel.allCases.map(\.rawValue), labelPrefix: "follow_up.channel",
                selected: plan?.channel ?? "phone"),
            plan: plan ?? .init(dueAt: "", channel: "phone", purpose: "")
        )
    }

    @Sendable func forCustomer(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .viewFollowUps)
        // A communication's agreed next step arrives as the purpose (issue 10 #4).
        let purpose = String((req.query[String.self, at: "purpose"] ?? "").prefix(500))
        let plan = purpose.isEmpty ? nil : FollowUpStore.PlanInput(dueAt: "", channel: "phone", purpose: purpose)
        return try await req.renderPage(
            "customers/follow_ups", titleKey: "follow_ups.title", try await customerPage(req, customer, plan: plan))
    }

    @Sendable func plan(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .manageFollowUps)
        let input = try req.content.decode(FollowUpStore.PlanInput.self)
        let id = try customer.requireID()
        do {
            _ = try await FollowUpStore(database: req.db).plan(
                input, customerID: id, context: req.auditContext, timeZone: DisplayFormat.timeZone)
            return req.redirect(
                to: SiteURL.customerFollowUps(id).path, flash: FlashMessage(.success, "flash.follow_up_planned"))
        } catch let errors as FieldErrors {
            var page = try await customerPage(req, customer, plan: input)
            page.errors = errors.messages
            return try await req.renderPage(
                "customers/follow_ups", titleKey: "follow_ups.title", page, status: .unprocessableEntity)
        }
    }

    struct CompletionForm: Content {
        var outcome: String?; var nextDueAt: String?; var nextChannel: String?; var nextPurpose: String?
    }

    @Sendable func complete(req: Request) async throws -> Response {
        let (store, followUp) = try await req.followUp(for: .manageFollowUps)
        let form = try req.content.decode(CompletionForm.self)
        let hasNext = !(form.nextDueAt ?? "").trimmed.isEmpty || !(form.nextPurpose ?? "").trimmed.isEmpty
        let next =
            hasNext
            ? FollowUpStore.PlanInput(
                dueAt: form.nextDueAt ?? "", channel: form.nextChannel ?? "", purpose: form.nextPurpose ?? "") : nil
        do {
            try await store.complete(
                followUp.id, .init(outcome: form.outcome ?? "", next: next), context: req.auditContext,
                timeZone: DisplayFormat.timeZone)
            return req.redirect(
                to: SiteURL.customerFollowUps(followUp.customerID).path,
                flash: FlashMessage(.success, "flash.follow_up_completed"))
        } catch let errors as FieldErrors {
            guard let customer = try await CustomerModel.find(followUp.customerID, on: req.db) else {
                throw KefuError.notFound
            }
            var page = try await customerPage(req, customer)
            page.errors = errors.messages
            page.errorFor = followUp.id
            page.completion = CompletionValues(
                outcome: form.outcome ?? "", nextDueAt: form.nextDueAt ?? "", nextPurpose: form.nextPurpose ?? "")
            return try await req.renderPage(
                "customers/follow_ups", titleKey: "follow_ups.title", page, status: .unprocessableEntity)
        }
    }

    /// 改期: another time for an open follow-up, with the reason (issue 10, improvement 5).
    @Sendable func reschedule(req: Request) async throws -> Response {
        let (store, followUp) = try await req.followUp(for: .manageFollowUps)
        let input = try req.content.decode(FollowUpStore.RescheduleInput.self)
        do {
            try await store.reschedule(followUp.id, input, context: req.auditContext, timeZone: DisplayFormat.timeZone)
            return req.redirect(
                to: SiteURL.customerFollowUps(followUp.customerID).path,
                flash: FlashMessage(.success, "flash.follow_up_rescheduled"))
        } catch let errors as FieldErrors {
            guard let customer = try await CustomerModel.find(followUp.customerID, on: req.db) else {
                throw KefuError.notFound
            }
            var page = try await customerPage(req, customer)
            page.errors = errors.messages
            page.rescheduleFor = followUp.id
            page.reschedule = RescheduleValues(dueAt: input.dueAt ?? "", reason: input.reason ?? "")
            return try await req.renderPage(
                "customers/follow_ups", titleKey: "follow_ups.title", page, status: .unprocessableEntity)
        }
    }

    /// 批量完成: the ticked follow-ups of the list with one outcome; those the rule keeps open are listed with why.
    @Sendable func completeAll(req: Request) async throws -> Response {
        let ids = (try? req.content.get([Int].self, at: "followUpIDs")) ?? []
        let outcome = ((try? req.content.get(String.self, at: "outcome")) ?? "").trimmed
        let view = (try? req.content.get(String.self, at: "view")) ?? "overdue"
        let mine = (try? req.content.get(String.self, at: "scope")) == "mine"
        var errors: [String: String] = [:]
        if ids.isEmpty || ids.count > 200 { errors["followUpIDs"] = "validation.follow_up.bulk_count" }
        if outcome.isEmpty { errors["outcome"] = "validation.follow_up.outcome_required" }
        guard errors.isEmpty else {
            return try await renderList(
                req, view: view, mine: mine, bulk: Bulk(errors: errors, outcome: outcome, checked: Set(ids)),
                status: .unprocessableEntity)
        }
        let result = try await FollowUpStore(database: req.db).completeAll(
            ids, outcome: outcome, actor: try req.requireStaff().actor, context: req.auditContext,
            timeZone: DisplayFormat.timeZone, localize: { req.t($0) })
        return try await renderList(
            req, view: view, mine: mine,
            bulk: Bulk(
                outcome: result.refused.isEmpty ? "" : outcome, checked: Set(result.refused.map(\.id)),
                completed: result.completed.count,
                refused: result.refused.map {
                    .init(customerID: $0.customerID ?? 0, customerName: $0.customerName ?? "—", reason: $0.reason)
                }))
    }
}
