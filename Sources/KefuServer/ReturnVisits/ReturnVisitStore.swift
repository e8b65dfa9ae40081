import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Return visits (回访, R4.3 #3): the scheduler's scan that opens the visits falling due, the lists of
/// visits due and overdue (index-backed: only rows still due are in the indexes read), the visit's
/// result with each problem opened as a complaint or a feedback in the same transaction, and the
/// visit a low survey score opens.
struct ReturnVisitStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, customerID: Int, customerName: String, customerCompany: String?, customerGrade: String?,
            customerStage: String
        var staffID: Int?, staffName: String?, reason: String, surveyID: Int?, dueAt: Date, state: String,
            doneAt: Date?, channel: String?
        var satisfaction: Int?, cooperation: String?, notes: String?, doneByName: String?, createdAt: Date, version: Int

        enum CodingKeys: String, CodingKey {
            case id, reason, state, channel, satisfaction, cooperation, notes, version
            case customerID = "customer_id", customerName = "customer_name", customerCompany = "customer_company",
                customerGrade = "customer_grade"
            case customerStage = "customer_stage", staffID = "staff_id", staffName = "staff_name", surveyID =
                "survey_id", dueAt = "due_at"
            case doneAt = "done_at", doneByName = "done_by_name", createdAt = "created_at"
        }

        var visitState: ReturnVisitState { ReturnVisitState(rawValue: state) ?? .due }
    }

    static let select: SQLQueryString = """
        SELECT return_visits.id, return_visits.customer_id, customers.name AS customer_name, customers.company_name AS customer_company,
               customers.grade AS customer_grade, customers.stage AS customer_stage, return_visits.staff_id, staff.display_name AS staff_name,
               return_visits.reason, return_visits.survey_id, return_visits.due_at, return_visits.state, return_visits.done_at, return_visits.channel,
               return_visits.satisfaction, return_visits.cooperation, return_visits.notes, doer.display_name AS done_by_name,
               return_visits.created_at, return_visits.version
        FROM return_visits JOIN customers ON customers.id = return_visits.customer_id
        LEFT JOIN staff ON staff.id = return_visits.staff_id LEFT JOIN staff AS doer ON doer.id = return_visits.done_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE return_visits.id = \(bind: id)").first(decoding: Row.self)
    }

    // MARK: Settings

    /// The supervisor's settings and their version (0 before the first save: the standard ones).
    func settings() async throws -> (settings: ReturnVisitSettings, version: Int) {
        guard
            let row = try await database.sql().raw(
                """
                SELECT days_a, days_b, days_c, days_d, ungraded_days, low_score, version FROM return_visit_settings WHERE id = 1
                """
            ).first()
        else { return (.standard, 0) }
        let byGrade = [
            "A": try row.decode(column: "days_a", as: Int.self), "B": try row.decode(column: "days_b", as: Int.self),
            "C": try row.decode(column: "days_c", as: Int.self), "D": try row.decode(column: "days_d", as: Int.self),
        ]
        return (
            ReturnVisitSettings(
                daysByGrade: byGrade, ungradedDays: try row.decode(column: "ungraded_days", as: Int.self),
                lowScore: try row.decode(column: "low_score", as: Int.self)),
            try row.decode(column: "version", as: Int.self)
        )
    }

    /// Saves the settings read at `version`; 409 when someone saved meanwhile. Audited.
    func saveSettings(_ settings: ReturnVisitSettings, version: Int, context: AuditContext) async throws {
        let a = settings.days(forGrade: "A"), b = settings.days(forGrade: "B"), c = settings.days(forGrade: "C"),
            d = settings.days(forGrade: "D")
        let audit = RecordWrite.AuditNote(
            action: "return_visit.settings", fields: ["daysByGrade", "ungradedDays", "lowScore"],
            message: AuditMessage.returnVisitSettings(
                days: ["\(a)", "\(b)", "\(c)", "\(d)"], ungraded: "\(settings.ungradedDays)",
                low: "\(settings.lowScore)"))
        try await database.writeTransaction { tx in
            guard version == 0 else {
                try await RecordWrites.change(
                    ReturnVisitSettingsKind.self, id: 1, version: version,
                    RecordWrite(
                        set: """
                            days_a = \(bind: a), days_b = \(bind: b), days_c = \(bind: c), days_d = \(bind: d),
                            ungraded_days = \(bind: settings.ungradedDays), low_score = \(bind: settings.lowScore)
                            """, audit: audit), context: context, on: tx)
                return
            }
            // Never saved: the standard settings are written as the first version.
            let saved = try await tx.sql().raw(
                """
                INSERT INTO return_visit_settings (id, days_a, days_b, days_c, days_d, ungraded_days, low_score, created_at, updated_at, version)
                VALUES (1, \(bind: a), \(bind: b), \(bind: c), \(bind: d), \(bind: settings.ungradedDays),
                        \(bind: settings.lowScore), \(bind: context.now), \(bind: context.now), 1)
                ON CONFLICT (id) DO NOTHING RETURNING id
                """
            ).first()
            guard saved != nil else { throw RecordConflict(ReturnVisitSettingsKind.self, id: 1, readVersion: version) }
            try await AuditLog.record(
                audit.action, recordType: ReturnVisitSettingsKind.recordType, recordID: "1", fields: audit.fields,
                message: audit.message, quoting: audit.quoting, context: context, on: tx)
        }
    }

    // MARK: The scheduler

    private struct Candidate: Decodable {
        var id: Int, grade: String?, created_at: Date, responsible_staff_id: Int?, last_visit_at: Date?
    }

    /// The partners and signed customers without a visit due, with their last visit: read from the
    /// partial covering index `customers_return_visit_candidates` (only those customers, only these
    /// columns) and the partial index of due visits, never the customers' rows.
    static let candidates: SQLQueryString = """
        SELECT customers.id, customers.grade, customers.created_at, customers.responsible_staff_id,
               (SELECT MAX(done_at) FROM return_visits WHERE return_visits.customer_id = customers.id AND return_visits.state = 'done') AS last_visit_at
        FROM customers
        WHERE customers.stage IN ('signed', 'partner') AND customers.merged_into_id IS NULL AND customers.anonymized_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM return_visits WHERE return_visits.customer_id = customers.id AND return_visits.state = 'due')
        """

    /// Opens the visits falling due for partners and signed customers without one already due;
    /// answers how many were opened. The partial unique index keeps a second due visit out even when
    /// two instances scan at once.
    @discardableResult
    func scheduleDue(now: Date) async throws -> Int {
        let settings = try await settings().settings
        let sql = try database.sql()
        let rows = try await sql.raw(Self.candidates).all(decoding: Candidate.self)
        let owners = Dictionary(rows.map { ($0.id, $0.responsible_staff_id) }, uniquingKeysWith: { first, _ in first })
        let visits = ReturnVisitSchedule.visitsToOpen(
            rows.map {
                ReturnVisitCandidate(
                    customerID: $0.id, grade: $0.grade, since: $0.created_at, lastVisitAt: $0.last_visit_at,
                    hasOpenVisit: false)
            },
            settings: settings, now: now)
        guard !visits.isEmpty else { return 0 }
        var opened = 0
        for chunk in stride(from: 0, to: visits.count, by: 500).map({ Array(visits[$0..<min($0 + 500, visits.count)]) })
        {
            opened += try await database.writeTransaction { tx in
                var count = 0
                for visit in chunk {
                    let row = try await tx.sql().raw(
                        """
                        INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, created_at, updated_at, version)
                        VALUES (\(bind: visit.customerID), \(bind: owners[visit.customerID] ?? nil), 'scheduled', \(bind: visit.dueAt), 'due',
                                \(bind: now), \(bind: now), 1)
                        ON CONFLICT DO NOTHING RETURNING id
                        """
                    ).first()
                    if row != nil { count += 1 }
                }
                try await AuditLog.record(
                    "return_visit.scheduled", recordType: ReturnVisitKind.recordType, recordID: "-",
                    message: AuditMessage.visitsScheduled("\(count)"), context: .console(now: now), on: tx)
                return count
            }
        }
        return opened
    }

    static let scan = ScheduledJob(name: "return_visits.schedule", interval: 3600) { app, now in
        try await ReturnVisitStore(database: app.db).scheduleDue(now: now)
    }

    // MARK: Lists

    enum View: String, CaseIterable, Sendable { case due, overdue, done }

    /// A page of visits: due ones by due time (overdue first), done ones newest first; `staffID`
    /// limits to one person's. Due and overdue read the partial indexes over visits still due.
    func page(view: View, staffID: Int?, now: Date, paging: Paging) async throws -> (items: [Row], total: Int) {
        var filter: SQLQueryString
        let order: SQLQueryString
        switch view {
        case .due:
            filter = "return_visits.state = 'due'"
            order = "return_visits.due_at, return_visits.id"
        case .overdue:
            filter = "return_visits.state = 'due' AND return_visits.due_at < \(bind: now)"
            order = "return_visits.due_at, return_visits.id"
        case .done:
            filter = "return_visits.state = 'done'"
            order = "return_visits.done_at DESC, return_visits.id DESC"
        }
        if let staffID { filter = filter + " AND return_visits.staff_id = \(bind: staffID)" }
        let sql = try database.sql()
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM return_visits WHERE \(filter) LIMIT 1001) AS counted"
            ).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            "\(Self.select) WHERE \(filter) ORDER BY \(order) LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)"
        )
        .all(decoding: Row.self)
        return (items, total)
    }

    /// The visits of one customer, newest first.
    func forCustomer(_ customerID: Int, limit: Int = 20) async throws -> [Row] {
        try await database.sql().raw(
            """
            \(Self.select) WHERE return_visits.customer_id = \(bind: customerID) ORDER BY return_visits.due_at DESC, return_visits.id DESC LIMIT \(bind: limit)
            """
        ).all(decoding: Row.self)
    }

    struct Problem: Decodable, Sendable {
        var id: Int, text: String, route: String, complaintID: Int?, complaintNumber: String?, feedbackID: Int?,
            feedbackNumber: String?
        enum CodingKeys: String, CodingKey {
            case id, text, route
            case complaintID = "complaint_id", complaintNumber = "complaint_number", feedbackID = "feedback_id",
                feedbackNumber = "feedback_number"
        }
    }

    func problems(_ visitID: Int) async throws -> [Problem] {
        try await database.sql().raw(
            """
            SELECT return_visit_problems.id, return_visit_problems.text, return_visit_problems.route, return_visit_problems.complaint_id,
                   complaints.number AS complaint_number, return_visit_problems.feedback_id, feedback.number AS feedback_number
            FROM return_visit_problems LEFT JOIN complaints ON complaints.id = return_visit_problems.complaint_id
            LEFT JOIN feedback ON feedback.id = return_visit_problems.feedback_id
            WHERE return_visit_problems.return_visit_id = \(bind: visitID) ORDER BY return_visit_problems.id
            """
        ).all(decoding: Problem.self)
    }

    // MARK: Writes

    /// Records a visit's result at the version read; each problem opens a complaint (category
    /// "other", normal severity, the visit's channel) or a feedback about the service, in the same
    /// transaction as the visit, its timeline entry and its audit entry.
    func record(
        _ visit: Row, _ result: ReturnVisitResult, version: Int, context: AuditContext, calendar: WorkingCalendar
    ) async throws {
        // A stale version is a conflict whatever happened meanwhile; the state is the rules' then.
        guard visit.version == version else {
            throw RecordConflict(ReturnVisitKind.self, id: visit.id, readVersion: version)
        }
        guard visit.visitState == .due else {
            throw KefuError(
                .unprocessableEntity, code: "refused", messageKey: "return_visit.already_done",
                fields: ["state": "return_visit.already_done"])
        }
        var arguments: [String: StoredArgument] = [
            "satisfaction": "\(result.satisfaction)",
            "cooperation": .term("return_visit.cooperation.\(result.cooperation.rawValue)"),
        ]
        if !result.problems.isEmpty { arguments["problems"] = "\(result.problems.count)" }
        let message = StoredMessage(
            result.problems.isEmpty
                ? "timeline.message.return_visit_done" : "timeline.message.return_visit_done_problems", arguments)
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                ReturnVisitKind.self, id: visit.id, version: version,
                RecordWrite(
                    set: """
                        state = 'done', done_at = \(bind: context.now), channel = \(bind: result.channel), satisfaction = \(bind: result.satisfaction),
                        cooperation = \(bind: result.cooperation.rawValue), notes = \(bind: result.notes), done_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    condition: "state = 'due'",
                    timeline: .init(kind: .returnVisitDone, message: message),
                    audit: .init(
                        action: "return_visit.done",
                        fields: ["channel", "satisfaction", "cooperation", "notes", "problems"],
                        message: AuditMessage.surveyScore("\(result.satisfaction)"))),
                context: context, on: tx)
            for problem in result.problems {
                var complaintID: Int?, feedbackID: Int?
                switch problem.route {
                case .complaint:
                    let channel =
                        ComplaintChannel(rawValue: result.channel) ?? (result.channel == "meeting" ? .visit : .phone)
                    complaintID = try await ComplaintWorkflow(database: tx).create(
                        .init(
                            customerID: visit.customerID, channel: channel.rawValue, receivedAt: nil,
                            description: problem.text, demands: "",
                            category: "other", severity: ComplaintSeverity.normal.rawValue, projectID: nil,
                            contractID: nil,
                            acknowledged: true, apologised: false, staffID: visit.staffID ?? context.actorStaffID),
                        context: context, calendar: calendar)
                case .feedback:
                    feedbackID = try await FeedbackStore(database: tx).create(
                        .init(
                            customerID: visit.customerID, kind: FeedbackKind.opinion.rawValue,
                            topic: FeedbackTopic.service.rawValue, projectID: nil,
                            content: problem.text, staffID: visit.staffID),
                        returnVisitID: visit.id, context: context)
                }
                try await tx.sql().raw(
                    """
                    INSERT INTO return_visit_problems (return_visit_id, customer_id, text, route, complaint_id, feedback_id, created_at)
                    VALUES (\(bind: visit.id), \(bind: visit.customerID), \(bind: problem.text), \(bind: problem.route.rawValue), \(bind: complaintID),
                            \(bind: feedbackID), \(bind: context.now))
                    """
                ).run()
            }
        }
    }

    /// A low survey score opens a return visit due now — once per survey; when a visit is already due
    /// for the customer, that one is brought forward and marked as the low score's. Answers the visit's id.
    @discardableResult
    func openForLowScore(surveyID: Int, customerID: Int, score: Int, now: Date) async throws -> Int? {
        try await database.writeTransaction { tx in
            try await Self.openForLowScore(surveyID: surveyID, customerID: customerID, score: score, now: now, on: tx)
        }
    }

    /// The same inside the caller's transaction: the public survey answer records the answer, its
    /// attributions, this visit and the supervisor's notice as one write.
    @discardableResult
    static func openForLowScore(surveyID: Int, customerID: Int, score: Int, now: Date, on tx: any Database) async throws
        -> Int?
    {
        let sql = try tx.sql()
        if let existing = try await sql.raw("SELECT id FROM return_visits WHERE survey_id = \(bind: surveyID)").first()
        {
            return try existing.decode(column: "id", as: Int.self)
        }
        let context = AuditContext(actorStaffID: nil, actorName: "customer", address: "-", requestID: "-", now: now)
        let responsible =
            try await sql.raw("SELECT responsible_staff_id FROM customers WHERE id = \(bind: customerID)").first()?
            .decode(column: "responsible_staff_id", as: Int?.self) ?? nil
        var id: Int
        if let due = try await sql.raw(
            "SELECT id FROM return_visits WHERE customer_id = \(bind: customerID) AND state = 'due'"
        ).first() {
            id = try due.decode(column: "id", as: Int.self)
            try await sql.raw(
                """
                UPDATE return_visits SET reason = 'low_score', survey_id = \(bind: surveyID),
                    due_at = CASE WHEN due_at < \(bind: now) THEN due_at ELSE \(bind: now) END, updated_at = \(bind: now), version = version + 1
                WHERE id = \(bind: id)
                """
            ).run()
        } else {
            id = try await sql.raw(
                """
                INSERT INTO return_visits (customer_id, staff_id, reason, survey_id, due_at, state, created_at, updated_at, version)
                VALUES (\(bind: customerID), \(bind: responsible), 'low_score', \(bind: surveyID), \(bind: now), 'due', \(bind: now), \(bind: now), 1)
                RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
        }
        try await Timeline.record(
            .returnVisitOpened, customerID: customerID, recordType: ReturnVisitKind.recordType, recordID: id,
            message: StoredMessage("timeline.message.return_visit_low_score", ["score": "\(score)"]), context: context,
            on: tx)
        try await AuditLog.record(
            "return_visit.opened", recordType: ReturnVisitKind.recordType, recordID: String(id),
            message: AuditMessage.surveyScore(survey: "\(surveyID)", score: "\(score)"),
            context: context, on: tx)
        return id
    }
}
