import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Planned follow-ups and their completion (R3.3), under the rule that a customer with intent or in
/// negotiation always has an open one (``FollowUpRule``).
struct FollowUpStore {
    let database: any Database

    struct PlanInput: Codable, Sendable { var dueAt: String; var channel: String; var purpose: String }
    /// `version`: the one read (the API's); a completion sent on a stale one is a conflict. Without it,
    /// a follow-up completed meanwhile is refused at the field.
    struct CompletionInput: Codable, Sendable {
        var outcome: String
        var next: PlanInput?
        var version: Int? = nil
    }

    /// How many follow-ups of the customer are open.
    func openCount(customerID: Int) async throws -> Int {
        try await database.sql().raw(
            "SELECT COUNT(*) AS n FROM follow_ups WHERE customer_id = \(bind: customerID) AND completed_at IS NULL"
        )
        .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Plans a follow-up for the customer's responsible specialist (or the planner when none).
    func plan(_ input: PlanInput, customerID: Int, context: AuditContext, timeZone: TimeZone) async throws -> Int {
        let plan = try FollowUpRule.validate(Self.draft(input), now: context.now, timeZone: timeZone).get()
        return try await database.writeTransaction { tx in
            try await Self.insert(plan, customerID: customerID, context: context, on: tx)
        }
    }

    private static func draft(_ input: PlanInput) -> FollowUpPlanDraft {
        FollowUpPlanDraft(dueAt: input.dueAt, channel: input.channel, purpose: input.purpose)
    }

    static func insert(_ plan: FollowUpPlan, customerID: Int, context: AuditContext, on tx: any Database) async throws
        -> Int
    {
        let id = try await tx.sql().raw(
            """
            INSERT INTO follow_ups (customer_id, staff_id, due_at, channel, purpose, created_at, created_by_staff_id, updated_at, version)
            SELECT id, COALESCE(responsible_staff_id, \(bind: context.actorStaffID)), \(bind: plan.dueAt), \(bind: plan.channel.rawValue),
                   \(bind: plan.purpose), \(bind: context.now), \(bind: context.actorStaffID), \(bind: context.now), 1
            FROM customers WHERE id = \(bind: customerID)
            RETURNING id
            """
        ).first()?.decode(column: "id", as: Int.self)
        guard let id else { throw KefuError.notFound }
        try await Timeline.record(
            .followUpPlanned, customerID: customerID, recordType: "follow_up", recordID: id,
            message: StoredMessage(
                "timeline.message.follow_up_planned",
                ["due": "\(DisplayFormat.dateTime(plan.dueAt))", "purpose": "\(plan.purpose)"]),
            context: context, on: tx)
        try await AuditLog.record(
            "follow_up.planned", recordType: "follow_up", recordID: String(id),
            fields: ["dueAt", "channel", "purpose"],
            message: AuditMessage.customer("\(customerID)"), context: context, on: tx)
        return id
    }

    /// Completes a follow-up. When it is the customer's last open one and the customer is at the
    /// intent or negotiating stage, the next one must be planned in the same step.
    func complete(_ followUpID: Int, _ input: CompletionInput, context: AuditContext, timeZone: TimeZone) async throws {
        guard let followUp = try await stillOpen(followUpID, version: input.version) else {
            throw FieldErrors(["outcome": "validation.follow_up.already_completed"])
        }
        let sql = try database.sql()
        let openCount =
            try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM follow_ups WHERE customer_id = \(bind: followUp.customerID) AND completed_at IS NULL
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        let stage = try await sql.raw("SELECT stage FROM customers WHERE id = \(bind: followUp.customerID)").first()?
            .decode(column: "stage", as: String.self)
        let next = try FollowUpRule.completionProblems(
            outcome: input.outcome, openFollowUpsAfter: openCount - 1,
            stageAfter: CustomerStage(rawValue: stage ?? "") ?? .lead,
            next: input.next.map(Self.draft), now: context.now, timeZone: timeZone
        ).get()
        try await database.writeTransaction { tx in
            do {
                try await RecordWrites.change(
                    FollowUpKind.self, id: followUpID, version: input.version ?? followUp.version,
                    RecordWrite(
                        set: """
                            completed_at = \(bind: context.now), completed_by_staff_id = \(bind: context.actorStaffID),
                            outcome = \(bind: input.outcome.trimmed)
                            """,
                        condition: "completed_at IS NULL",
                        timeline: .init(
                            kind: .followUpCompleted, message: StoredMessage("timeline.message.text"),
                            quoting: input.outcome.trimmed),
                        audit: .init(
                            action: "follow_up.completed", fields: ["outcome"],
                            message: AuditMessage.customer("\(followUp.customerID)"))),
                    context: context, on: tx)
            } catch is RecordConflict where input.version == nil {
                // Completed by someone else a moment ago.
                throw FieldErrors(["outcome": "validation.follow_up.already_completed"])
            }
            try await tx.sql().raw(
                "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: followUp.customerID)"
            ).run()
            if let next { _ = try await Self.insert(next, customerID: followUp.customerID, context: context, on: tx) }
        }
    }

    struct Row: Decodable, Sendable {
        var id: Int, customerID: Int, customerCode: String, customerName: String, customerStage: String
        var staffID: Int?, staffName: String?, dueAt: Date, channel: String, purpose: String
        var completedAt: Date?, outcome: String?, version: Int

        enum CodingKeys: String, CodingKey {
            case id, channel, purpose, outcome, version
            case customerID = "customer_id", customerCode = "customer_code", customerName = "customer_name",
                customerStage = "customer_stage"
            case staffID = "staff_id", staffName = "staff_name", dueAt = "due_at", completedAt = "completed_at"
        }
    }

    private static let select: SQLQueryString = """
        SELECT follow_ups.id, follow_ups.customer_id, customers.code AS customer_code, customers.name AS customer_name,
               customers.stage AS customer_stage, follow_ups.staff_id, staff.display_name AS staff_name, follow_ups.due_at,
               follow_ups.channel, follow_ups.purpose, follow_ups.completed_at, follow_ups.outcome, follow_ups.version
        FROM follow_ups JOIN customers ON customers.id = follow_ups.customer_id LEFT JOIN staff ON staff.id = follow_ups.staff_id
        """

    /// The follow-up if still open; a version sent that is no longer its own is a conflict, whatever
    /// happened to it meanwhile.
    func stillOpen(_ id: Int, version: Int?) async throws -> Row? {
        guard let row = try await find(id) else { return nil }
        if let version, version != row.version {
            throw RecordConflict(FollowUpKind.self, id: id, readVersion: version)
        }
        return row.completedAt == nil ? row : nil
    }

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE follow_ups.id = \(bind: id)").first(decoding: Row.self)
    }

    /// A customer's follow-ups, open ones first by due time, then the completed ones newest first.
    func list(customerID: Int) async throws -> [Row] {
        try await database.sql().raw(
            """
            \(Self.select) WHERE follow_ups.customer_id = \(bind: customerID)
            ORDER BY follow_ups.completed_at IS NOT NULL, follow_ups.due_at DESC LIMIT 200
            """
        ).all(decoding: Row.self)
    }

    /// Open follow-ups due before `until` (overdue and due), for one person or the whole team.
    func open(staffID: Int?, from: Date? = nil, until: Date, limit: Int = 500, offset: Int = 0) async throws -> [Row] {
        let condition = Self.openCondition(staffID: staffID, from: from, until: until)
        return try await database.sql().raw(
            """
            \(Self.select) WHERE \(condition) ORDER BY follow_ups.due_at LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all(decoding: Row.self)
    }

    /// How many open follow-ups a view holds, counted up to `cap + 1` (a specialist may have thousands overdue:
    /// the API pages them and says when the count stopped).
    func countOpen(staffID: Int?, from: Date? = nil, until: Date, cap: Int) async throws -> Int {
        let condition = Self.openCondition(staffID: staffID, from: from, until: until)
        return try await database.sql().raw(
            """
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM follow_ups WHERE \(condition) LIMIT \(bind: cap + 1)) AS capped
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    private static func openCondition(staffID: Int?, from: Date?, until: Date) -> SQLQueryString {
        var condition: SQLQueryString = "follow_ups.completed_at IS NULL AND follow_ups.due_at < \(bind: until)"
        if let from { condition = condition + " AND follow_ups.due_at >= \(bind: from)" }
        if let staffID { condition = condition + " AND follow_ups.staff_id = \(bind: staffID)" }
        return condition
    }

    /// The lists the pages and the API offer: overdue, one week (weeks from this one), or all open.
    enum View: String, CaseIterable, Sendable { case overdue, week, open }

    /// The open follow-ups of a view; for the week view also its seven days.
    func rows(_ view: View, staffID: Int?, now: Date, week: Int = 0) async throws -> (rows: [Row], days: [Date]) {
        let range = Self.range(view, now: now, week: week)
        return (try await open(staffID: staffID, from: range.from, until: range.until), range.days)
    }

    /// A page of a view's follow-ups, and how many the view holds (capped), for the API.
    func page(_ view: View, staffID: Int?, now: Date, week: Int = 0, paging: Paging, cap: Int) async throws -> (
        rows: [Row], total: Int
    ) {
        let range = Self.range(view, now: now, week: week)
        let rows = try await open(
            staffID: staffID, from: range.from, until: range.until, limit: paging.size, offset: paging.offset)
        return (rows, try await countOpen(staffID: staffID, from: range.from, until: range.until, cap: cap))
    }

    /// The due times a view covers; for the week view also its seven days.
    private static func range(_ view: View, now: Date, week: Int) -> (from: Date?, until: Date, days: [Date]) {
        switch view {
        case .overdue: return (nil, now, [])
        case .open: return (nil, .distantFuture, [])
        case .week:
            let offset = Double(min(max(week, -52), 52)) * 7 * 86400
            let days = FollowUpRule.weekDays(
                containing: now.addingTimeInterval(offset), timeZone: DisplayFormat.timeZone)
            return (days[0], days[6].addingTimeInterval(86400), days)
        }
    }

    /// Overdue open follow-ups counted per person: the supervisor's team view.
    func overdueCounts(now: Date) async throws -> [(staffID: Int, name: String, overdue: Int)] {
        try await database.sql().raw(
            """
            SELECT follow_ups.staff_id, staff.display_name, COUNT(*) AS n FROM follow_ups JOIN staff ON staff.id = follow_ups.staff_id
            WHERE follow_ups.completed_at IS NULL AND follow_ups.due_at < \(bind: now)
            GROUP BY follow_ups.staff_id, staff.display_name ORDER BY n DESC
            """
        ).all().map {
            (
                try $0.decode(column: "staff_id", as: Int.self), try $0.decode(column: "display_name", as: String.self),
                try $0.decode(column: "n", as: Int.self)
            )
        }
    }

    /// Customers with intent or in negotiation that have no open follow-up: the rule is broken for
    /// them (files imported or changed before planning), so the lists show them to be planned.
    func customersWithoutPlan(staffID: Int?, limit: Int = 100) async throws -> [(
        id: Int, code: String, name: String, stage: String
    )] {
        var condition: SQLQueryString =
            "customers.stage IN ('intent', 'negotiating') AND customers.merged_into_id IS NULL"
        if let staffID { condition = condition + " AND customers.responsible_staff_id = \(bind: staffID)" }
        return try await database.sql().raw(
            """
            SELECT customers.id, customers.code, customers.name, customers.stage FROM customers
            WHERE \(condition) AND NOT EXISTS (SELECT 1 FROM follow_ups WHERE follow_ups.customer_id = customers.id AND follow_ups.completed_at IS NULL)
            ORDER BY customers.updated_at LIMIT \(bind: limit)
            """
        ).all().map {
            (
                try $0.decode(column: "id", as: Int.self), try $0.decode(column: "code", as: String.self),
                try $0.decode(column: "name", as: String.self), try $0.decode(column: "stage", as: String.self)
            )
        }
    }
}
