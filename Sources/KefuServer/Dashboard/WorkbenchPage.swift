import Foundation
import KefuDomain

/// The day's work on the workbench: the specialist's own lists, or the supervisor's team (issue 4 §5).
struct WorkbenchPage: Encodable {
    struct Promise {
        var id: Int; var number: String; var customer: String; var question: String; var promisedBy: String;
        var isOverdue: Bool
    }
    struct FollowUp {
        var customerID: Int; var customer: String; var purpose: String; var dueAt: String; var isOverdue: Bool
    }
    struct Waiting {
        var id: Int; var number: String; var visitor: String; var question: String; var receivedAt: String
    }
    struct Assigned { var id: Int; var code: String; var name: String; var company: String; var stageKey: String }
    struct Member {
        var staffID: Int; var name: String; var promisedOverdue: Int; var promisedDue: Int; var followUpsOverdue: Int;
        var followUpsToday: Int
        var hasOverdue: Bool
    }

    var isTeam: Bool
    /// The lists, written by ``WorkbenchView``.
    var promises: HTMLFragment
    var hasPromises: Bool
    var followUps: HTMLFragment
    var hasFollowUps: Bool
    var waiting: HTMLFragment
    var hasWaiting: Bool
    var waitingTotal: String
    var assigned: HTMLFragment
    var hasAssigned: Bool
    var team: HTMLFragment
    var canAssign: Bool
    var canRecord: Bool
    /// When the team's figures were counted (they are kept for a minute).
    var teamAsOf: String
    var figures: [DashboardController.Page.Figure]
}

extension WorkbenchPage {
    /// The workbench of `staff`, from what the controller read for their day (``Workbench/day(of:teamFigures:)``).
    init(viewer: Viewer, staff: SignedInStaff, day: Workbench.Day, now: Date) {
        let staffID = staff.id
        let isTeam = day.team != nil
        let (promised, followUps, waiting, assigned) = (day.promised, day.followUps, day.waiting, day.assigned)
        let snapshot = day.team
        let team = snapshot?.rows ?? []
        let actor = staff.actor
        let promises = promised.items.map { row in
            Promise(
                id: row.id, number: row.number ?? "", customer: row.customerName ?? row.visitorName ?? "",
                question: row.question,
                promisedBy: row.promisedBy.map(DisplayFormat.dateTime) ?? "",
                isOverdue: (row.promisedBy ?? .distantFuture) < now)
        }
        let followUpItems = followUps.items.map {
            FollowUp(
                customerID: $0.customerID, customer: $0.customerName, purpose: $0.purpose,
                dueAt: DisplayFormat.dateTime($0.dueAt),
                isOverdue: FollowUpRule.isOverdue(dueAt: $0.dueAt, completedAt: $0.completedAt, now: now))
        }
        let waitingItems = waiting.items.map { row in
            let dto = InquiryDTO(row, actor: actor, now: now)
            return Waiting(
                id: row.id, number: row.number ?? "",
                visitor: [dto.visitorName, dto.visitorMobile].compactMap { $0 }.joined(separator: " "),
                question: row.question, receivedAt: DisplayFormat.dateTime(row.receivedAt))
        }
        let mineQuery = isTeam ? "" : "&scope=mine"
        // The cards count what the lists below show, named the same (issue 10 #9): follow-ups and promised
        // replies due today or overdue — mine, or the team's, which the team table splits by person.
        let teamPromised = team.reduce(0) { $0 + $1.promisedOverdue + $1.promisedDue }
        var figures: [DashboardController.Page.Figure] = [
            .init(
                labelKey: isTeam ? "workbench.figure.team_promised" : "workbench.figure.promised_due",
                value: isTeam ? teamPromised : promised.total,
                href: SiteURL.inquiries.path(rawQuery: "status=promised") + mineQuery),
            .init(
                labelKey: isTeam ? "workbench.figure.team_follow_ups" : "workbench.figure.follow_ups_today",
                value: followUps.total,
                href: SiteURL.followUps.path(rawQuery: "view=open") + mineQuery),
            .init(
                labelKey: "workbench.figure.waiting", value: min(waiting.total, InquiryStore.countCap),
                href: SiteURL.inquiries.path(rawQuery: "status=waiting"),
                isCapped: waiting.total > InquiryStore.countCap),
        ]
        if !isTeam {
            figures.append(
                .init(
                    labelKey: "workbench.figure.assigned_today", value: assigned.count,
                    href: SiteURL.customers.path(rawQuery: "specialist=\(staffID)&sort=updated")))
        }
        let words = viewer.words
        let localize = { (key: String) in words.t(key) }
        self.init(
            isTeam: isTeam,
            promises: WorkbenchView.promises(promises, overdueLabel: words.t("inquiry.promise.overdue")),
            hasPromises: !promises.isEmpty,
            followUps: WorkbenchView.followUps(followUpItems, overdueLabel: words.t("follow_ups.overdue")),
            hasFollowUps: !followUpItems.isEmpty,
            // Only who may assign opens a waiting inquiry; a specialist sees the queue without links (issue 10 #8).
            waiting: WorkbenchView.waiting(waitingItems, linked: viewer.permissions.allows(.assignInquiries)),
            hasWaiting: !waitingItems.isEmpty,
            waitingTotal: DisplayFormat.count(waiting.total, cap: InquiryStore.countCap),
            assigned: WorkbenchView.assigned(
                assigned.map {
                    Assigned(
                        id: $0.id, code: $0.code, name: $0.name, company: $0.company_name ?? "",
                        stageKey: "customer.stage.\($0.stage)")
                }, localize: localize),
            hasAssigned: !assigned.isEmpty,
            team: WorkbenchView.team(
                team.map {
                    Member(
                        staffID: $0.staffID, name: $0.name, promisedOverdue: $0.promisedOverdue,
                        promisedDue: $0.promisedDue,
                        followUpsOverdue: $0.followUpsOverdue, followUpsToday: $0.followUpsToday,
                        hasOverdue: $0.promisedOverdue + $0.followUpsOverdue > 0)
                }),
            canAssign: viewer.permissions.allows(.assignInquiries),
            canRecord: viewer.permissions.allows(.recordInquiry),
            teamAsOf: snapshot.map { String(DisplayFormat.dateTime($0.takenAt).suffix(5)) } ?? "", figures: figures
        )
    }
}
