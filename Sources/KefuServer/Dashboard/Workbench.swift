import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// What the workbench (工作台) reads for one specialist's day, or for the supervisor's team: promised
/// replies due and overdue, follow-ups due today and overdue, public inquiries waiting, customers
/// assigned today. Every list reads an index on (person, due time); none counts a whole table.
struct Workbench {
    let database: any Database
    let now: Date

    /// The start of today in China time.
    var startOfDay: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DisplayFormat.timeZone
        return calendar.startOfDay(for: now)
    }

    var endOfDay: Date { startOfDay.addingTimeInterval(86400) }

    /// Promised replies are on the day's list when they fall due today — or within the reminder lead,
    /// late in the evening — or are overdue (issue 10 #10: a reply due at 12:39 was hidden at 09:40).
    var promisedHorizon: Date { max(endOfDay, now.addingTimeInterval(PromisedReplyRule.reminderLead)) }

    /// Everything one person's workbench shows, read before ``WorkbenchPage`` puts it in words.
    struct Day {
        var promised: (items: [InquiryStore.Row], total: Int)
        var followUps: (items: [FollowUpStore.Row], total: Int)
        var waiting: (items: [InquiryStore.Row], total: Int)
        var assigned: [AssignedCustomer]
        /// The supervisor's team counts (nil for a specialist), from the minute's snapshot.
        var team: (takenAt: Date, rows: [TeamRow])?
    }

    /// The day of someone with front-line work (specialists and the supervisor); nil for others.
    func day(of staff: SignedInStaff, teamFigures: TeamFigures) async throws -> Day? {
        let role = staff.role
        guard role == .specialist || role == .supervisor else { return nil }
        let isTeam = role == .supervisor
        let mine: Int? = isTeam ? nil : staff.id
        async let promisedQuery = promisedReplies(staffID: mine)
        async let followUpQuery = followUps(staffID: mine, counted: !isTeam)
        async let waitingQuery = waitingInquiries()
        let (promised, followUpList, waiting) = try await (promisedQuery, followUpQuery, waitingQuery)
        let assigned = isTeam ? [] : try await assignedToday(staffID: staff.id)
        let snapshot = isTeam ? try await teamFigures.rows(now: now) { try await self.team() } : nil
        let team = snapshot?.rows ?? []
        // The team's totals come from the snapshot; a specialist's own from the count.
        let due = (
            items: followUpList.items,
            total: isTeam ? team.reduce(0) { $0 + $1.followUpsOverdue + $1.followUpsToday } : followUpList.total
        )
        return Day(promised: promised, followUps: due, waiting: waiting, assigned: assigned, team: snapshot)
    }

    /// Promised replies due today (or within the reminder lead), or overdue.
    func promisedReplies(staffID: Int?, limit: Int = 10) async throws -> (items: [InquiryStore.Row], total: Int) {
        try await InquiryStore(database: database).list(
            .init(status: .promised, staffID: staffID, dueBefore: promisedHorizon),
            paging: Paging(number: 1, size: limit))
    }

    /// Open follow-ups due by the end of today (overdue ones included).
    func followUps(staffID: Int?, limit: Int = 10, counted: Bool = true) async throws -> (
        items: [FollowUpStore.Row], total: Int
    ) {
        let store = FollowUpStore(database: database)
        var condition: SQLQueryString = "completed_at IS NULL AND due_at < \(bind: endOfDay)"
        if let staffID { condition = condition + " AND staff_id = \(bind: staffID)" }
        let total =
            counted
            ? try await database.sql().raw("SELECT COUNT(*) AS n FROM follow_ups WHERE \(condition)").first()?.decode(
                column: "n", as: Int.self) ?? 0 : 0
        return (try await store.open(staffID: staffID, until: endOfDay, limit: limit), total)
    }

    func waitingInquiries(limit: Int = 5) async throws -> (items: [InquiryStore.Row], total: Int) {
        try await InquiryStore(database: database).list(.init(status: .waiting), paging: Paging(number: 1, size: limit))
    }

    struct AssignedCustomer: Decodable, Sendable {
        var id: Int; var code: String; var name: String; var company_name: String?; var stage: String
    }

    /// Customers that became this person's today: created for them, or reassigned to them. Both
    /// touch `updated_at`, so the (responsible, updated) index narrows it to today's changes first.
    func assignedToday(staffID: Int, limit: Int = 10) async throws -> [AssignedCustomer] {
        try await database.sql().raw(
            """
            SELECT id, code, name, company_name, stage FROM customers
            WHERE responsible_staff_id = \(bind: staffID) AND merged_into_id IS NULL AND updated_at >= \(bind: startOfDay)
              AND (created_at >= \(bind: startOfDay) OR EXISTS (SELECT 1 FROM customer_changes WHERE customer_changes.customer_id = customers.id
                   AND customer_changes.field = 'responsibleStaffID' AND customer_changes.changed_at >= \(bind: startOfDay)))
            ORDER BY updated_at DESC LIMIT \(bind: limit)
            """
        ).all(decoding: AssignedCustomer.self)
    }

    /// The supervisor's team: for each active specialist, what is overdue and due today.
    struct TeamRow: Sendable {
        var staffID: Int; var name: String; var promisedOverdue: Int; var promisedDue: Int; var followUpsOverdue: Int;
        var followUpsToday: Int
    }

    func team() async throws -> [TeamRow] {
        let sql = try database.sql()
        let staff = try await sql.raw(
            """
            SELECT id, display_name FROM staff WHERE role = 'specialist' AND is_active = \(bind: true) ORDER BY display_name
            """
        ).all().map {
            (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "display_name", as: String.self))
        }
        let promised = try await sql.raw(
            """
            SELECT staff_id, SUM(CASE WHEN promised_by < \(bind: now) THEN 1 ELSE 0 END) AS overdue, COUNT(*) AS due FROM inquiries
            WHERE status = 'promised' AND promised_by < \(bind: promisedHorizon) GROUP BY staff_id
            """
        ).all()
        let followUps = try await sql.raw(
            """
            SELECT staff_id, SUM(CASE WHEN due_at < \(bind: now) THEN 1 ELSE 0 END) AS overdue, COUNT(*) AS due FROM follow_ups
            WHERE completed_at IS NULL AND due_at < \(bind: endOfDay) GROUP BY staff_id
            """
        ).all()
        func counts(_ rows: [any SQLRow]) throws -> [Int: (Int, Int)] {
            var result: [Int: (Int, Int)] = [:]
            for row in rows {
                guard let id = try row.decode(column: "staff_id", as: Int?.self) else { continue }
                let overdue = try row.decode(column: "overdue", as: Int?.self) ?? 0
                result[id] = (overdue, try row.decode(column: "due", as: Int.self) - overdue)
            }
            return result
        }
        let promisedCounts = try counts(promised), followUpCounts = try counts(followUps)
        return staff.map { id, name in
            TeamRow(
                staffID: id, name: name, promisedOverdue: promisedCounts[id]?.0 ?? 0,
                promisedDue: promisedCounts[id]?.1 ?? 0,
                followUpsOverdue: followUpCounts[id]?.0 ?? 0, followUpsToday: followUpCounts[id]?.1 ?? 0)
        }
    }
}

/// The supervisor's team counts, kept for a minute: counting every open follow-up and promised reply
/// of a 200-person department reads hundreds of thousands of index entries, too much for each page.
/// One computation at a time; the page says when the figures were taken.
actor TeamFigures {
    private var snapshot: (takenAt: Date, rows: [Workbench.TeamRow])?
    private var running: Task<[Workbench.TeamRow], any Error>?
    static let maximumAge: TimeInterval = 60

    func rows(now: Date, compute: @escaping @Sendable () async throws -> [Workbench.TeamRow]) async throws -> (
        takenAt: Date, rows: [Workbench.TeamRow]
    ) {
        if let snapshot, now.timeIntervalSince(snapshot.takenAt) < Self.maximumAge, snapshot.takenAt <= now {
            return snapshot
        }
        if let running { return (now, try await running.value) }
        let task = Task { try await compute() }
        running = task
        defer { running = nil }
        let rows = try await task.value
        snapshot = (now, rows)
        return (now, rows)
    }
}

extension Application {
    private struct RankableProjectsKey: StorageKey { typealias Value = RankableProjectCache }

    /// Set once in `configure`.
    var rankableProjects: RankableProjectCache {
        get {
            guard let cache = storage[RankableProjectsKey.self] else {
                fatalError("rankableProjects is used before configure(_:) set it")
            }
            return cache
        }
        set { storage[RankableProjectsKey.self] = newValue }
    }

    private struct TeamFiguresKey: StorageKey { typealias Value = TeamFigures }

    /// Set once in `configure`: the application's storage must not change while requests read it.
    var teamFigures: TeamFigures {
        get {
            guard let figures = storage[TeamFiguresKey.self] else {
                fatalError("teamFigures is used before configure(_:) set it")
            }
            return figures
        }
        set { storage[TeamFiguresKey.self] = newValue }
    }
}
