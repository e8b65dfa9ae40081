import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Reads of the training part (R5.1, R5.2): plans, sessions, enrolments, and what other parts read —
/// training scores for assessments, outstanding trainees for awards.
struct TrainingStore {
    let database: any Database

    struct PlanRow: Decodable, Sendable {
        var id: Int, departmentID: Int, year: Int, title: String, goals: String, areas: String, methods: String,
            hours: Double, budgetYuan: Int
        var state: String, submittedAt: Date?, decidedAt: Date?, decidedByName: String?, decisionNote: String?,
            createdByName: String?
        var updatedAt: Date, version: Int

        var planState: TrainingPlanState { TrainingPlanState(rawValue: state) ?? .draft }
        var areaList: [TrainingContentArea] {
            areas.split(separator: ",").compactMap { TrainingContentArea(rawValue: String($0)) }
        }
        var methodList: [TrainingMethod] {
            methods.split(separator: ",").compactMap { TrainingMethod(rawValue: String($0)) }
        }
        var facts: PlanFacts {
            PlanFacts(year: year, hours: hours, budgetYuan: budgetYuan, areas: Set(areaList), methods: Set(methodList))
        }
    }

    static let planSelect: SQLQueryString = """
        SELECT p.id AS "id", p.department_id AS "departmentID", p.year AS "year", p.title AS "title", p.goals AS "goals", p.areas AS "areas",
               p.methods AS "methods", p.hours AS "hours", p.budget_yuan AS "budgetYuan", p.state AS "state", p.submitted_at AS "submittedAt",
               p.decided_at AS "decidedAt", decider.display_name AS "decidedByName", p.decision_note AS "decisionNote",
               creator.display_name AS "createdByName", p.updated_at AS "updatedAt", p.version AS "version"
        FROM training_plans p LEFT JOIN staff decider ON decider.id = p.decided_by_staff_id LEFT JOIN staff creator ON creator.id = p.created_by_staff_id
        """

    func plan(_ id: Int, on db: (any Database)? = nil) async throws -> PlanRow? {
        try await (db ?? database).sql().raw("\(Self.planSelect) WHERE p.id = \(bind: id)").first(
            decoding: PlanRow.self)
    }

    /// Plans of a department (nil: every department), newest year first.
    func plans(departmentID: Int?) async throws -> [PlanRow] {
        let condition: SQLQueryString = departmentID.map { "p.department_id = \(bind: $0)" } ?? "1 = 1"
        return try await database.sql().raw(
            "\(Self.planSelect) WHERE \(condition) ORDER BY p.year DESC, p.id DESC LIMIT 100"
        ).all(decoding: PlanRow.self)
    }

    struct SessionRow: Decodable, Sendable {
        var id: Int, planID: Int, departmentID: Int, planYear: Int, planTitle: String, planState: String, title: String,
            trainer: String
        var contentArea: String, method: String, scheduledOn: String, hours: Double, costYuan: Int, location: String?,
            aimedFigures: String
        var state: String, heldOn: String?, supervisorNote: String?, updatedAt: Date, version: Int

        var sessionState: TrainingSessionState { TrainingSessionState(rawValue: state) ?? .scheduled }
        var scheduledDay: CalendarDay { CalendarDay(scheduledOn) ?? CalendarDay(year: planYear, month: 1, day: 1)! }
        var heldDay: CalendarDay? { heldOn.flatMap(CalendarDay.init) }
        var aimed: [WorkFigure] { aimedFigures.split(separator: ",").compactMap { WorkFigure(rawValue: String($0)) } }
    }

    static let sessionSelect: SQLQueryString = """
        SELECT s.id AS "id", s.plan_id AS "planID", s.department_id AS "departmentID", p.year AS "planYear", p.title AS "planTitle",
               p.state AS "planState", s.title AS "title", s.trainer AS "trainer", s.content_area AS "contentArea", s.method AS "method",
               s.scheduled_on AS "scheduledOn", s.hours AS "hours", s.cost_yuan AS "costYuan", s.location AS "location",
               s.aimed_figures AS "aimedFigures", s.state AS "state", s.held_on AS "heldOn", s.supervisor_note AS "supervisorNote",
               s.updated_at AS "updatedAt", s.version AS "version"
        FROM training_sessions s JOIN training_plans p ON p.id = s.plan_id
        """

    func session(_ id: Int, on db: (any Database)? = nil) async throws -> SessionRow? {
        try await (db ?? database).sql().raw("\(Self.sessionSelect) WHERE s.id = \(bind: id)").first(
            decoding: SessionRow.self)
    }

    /// A plan's sessions in the order of their days.
    func sessions(planID: Int, on db: (any Database)? = nil) async throws -> [SessionRow] {
        try await (db ?? database).sql().raw(
            "\(Self.sessionSelect) WHERE s.plan_id = \(bind: planID) ORDER BY s.scheduled_on, s.id"
        ).all(decoding: SessionRow.self)
    }

    /// The sessions a person is enrolled in, newest first.
    func sessions(enrolledStaffID staffID: Int) async throws -> [SessionRow] {
        try await database.sql().raw(
            """
            \(Self.sessionSelect) JOIN training_enrolments e ON e.session_id = s.id WHERE e.staff_id = \(bind: staffID)
            ORDER BY s.scheduled_on DESC, s.id DESC LIMIT 200
            """
        ).all(decoding: SessionRow.self)
    }

    struct EnrolmentRow: Decodable, Sendable {
        var id: Int, sessionID: Int, staffID: Int, staffName: String, attended: Bool?, scoreBefore: Double?,
            scoreAfter: Double?
        var rating: Int?, ratingComment: String?, ratedAt: Date?, isOutstanding: Bool, version: Int
    }

    static let enrolmentSelect: SQLQueryString = """
        SELECT e.id AS "id", e.session_id AS "sessionID", e.staff_id AS "staffID", st.display_name AS "staffName", e.attended AS "attended",
               e.score_before AS "scoreBefore", e.score_after AS "scoreAfter", e.rating AS "rating", e.rating_comment AS "ratingComment",
               e.rated_at AS "ratedAt", e.is_outstanding AS "isOutstanding", e.version AS "version"
        FROM training_enrolments e JOIN staff st ON st.id = e.staff_id
        """

    /// The enrolments of the sessions; `staffID` keeps one person's (a specialist's own list reads its
    /// own rows, not every colleague's of each session).
    func enrolments(sessionIDs: [Int], staffID: Int? = nil, on db: (any Database)? = nil) async throws -> [EnrolmentRow]
    {
        guard !sessionIDs.isEmpty else { return [] }
        let person: SQLQueryString = staffID.map { " AND e.staff_id = \(bind: $0)" } ?? ""
        return try await (db ?? database).sql().raw(
            """
            \(Self.enrolmentSelect) WHERE e.session_id IN (\(binds: sessionIDs))\(person) ORDER BY e.session_id, st.display_name, e.id
            """
        ).all(decoding: EnrolmentRow.self)
    }

    func enrolment(_ id: Int) async throws -> EnrolmentRow? {
        try await database.sql().raw("\(Self.enrolmentSelect) WHERE e.id = \(bind: id)").first(
            decoding: EnrolmentRow.self)
    }

    func enrolment(sessionID: Int, staffID: Int, on db: (any Database)? = nil) async throws -> EnrolmentRow? {
        try await (db ?? database).sql().raw(
            """
            \(Self.enrolmentSelect) WHERE e.session_id = \(bind: sessionID) AND e.staff_id = \(bind: staffID)
            """
        ).first(decoding: EnrolmentRow.self)
    }

    /// A session's figures over its enrolments: how many enrolled and attended, the sums and counts of
    /// the ratings and of the attended trainees' after-test scores.
    struct SessionFigures: Decodable, Sendable {
        var sessionID: Int, enrolled: Int, attended: Int, ratingSum: Int, ratingCount: Int, scoreAfterSum: Double,
            scoreAfterCount: Int
    }

    /// The figures of a plan's sessions, counted by the database: a plan of a year carries thousands of
    /// enrolments, and its page shows only their sums. Sessions without enrolments have no row. (PostgreSQL
    /// sums whole numbers as NUMERIC, hence the cast.)
    func sessionFigures(planID: Int, on db: (any Database)? = nil) async throws -> [Int: SessionFigures] {
        let attended: SQLQueryString = "e.attended = \(bind: true)"
        let rows = try await (db ?? database).sql().raw(
            """
            SELECT e.session_id AS "sessionID", COUNT(*) AS "enrolled", SUM(CASE WHEN \(attended) THEN 1 ELSE 0 END) AS "attended",
                   CAST(COALESCE(SUM(e.rating), 0) AS INTEGER) AS "ratingSum", COUNT(e.rating) AS "ratingCount",
                   COALESCE(SUM(CASE WHEN \(attended) THEN e.score_after END), 0.0) AS "scoreAfterSum",
                   SUM(CASE WHEN \(attended) AND e.score_after IS NOT NULL THEN 1 ELSE 0 END) AS "scoreAfterCount"
            FROM training_enrolments e
            WHERE e.session_id IN (SELECT s.id FROM training_sessions s WHERE s.plan_id = \(bind: planID))
            GROUP BY e.session_id
            """
        ).all(decoding: SessionFigures.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.sessionID, $0) })
    }

    /// The sessions of a plan as plan versus done reads them.
    static func sessionFacts(_ sessions: [SessionRow], figures: [Int: SessionFigures]) -> [SessionFacts] {
        sessions.map { session in
            let f = figures[session.id]
            return SessionFacts(
                state: session.sessionState, area: TrainingContentArea(rawValue: session.contentArea),
                scheduledOn: session.scheduledDay,
                heldOn: session.heldDay, hours: session.hours, costYuan: session.costYuan, enrolled: f?.enrolled ?? 0,
                attended: f?.attended ?? 0, ratingSum: f?.ratingSum ?? 0, ratingCount: f?.ratingCount ?? 0,
                scoreAfterSum: f?.scoreAfterSum ?? 0, scoreAfterCount: f?.scoreAfterCount ?? 0)
        }
    }

    /// A page of a session's enrolments in the order of the trainees' names; `staffID` keeps one
    /// person's. Also the count of all of them, for the page's links.
    func enrolments(sessionID: Int, staffID: Int? = nil, paging: Paging) async throws -> (
        rows: [EnrolmentRow], total: Int
    ) {
        let person: SQLQueryString = staffID.map { " AND e.staff_id = \(bind: $0)" } ?? ""
        let rows = try await database.sql().raw(
            """
            \(Self.enrolmentSelect) WHERE e.session_id = \(bind: sessionID)\(person) ORDER BY st.display_name, e.id
            LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: EnrolmentRow.self)
        let total =
            try await database.sql().raw(
                "SELECT COUNT(*) AS \"n\" FROM training_enrolments e WHERE e.session_id = \(bind: sessionID)\(person)"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        return (rows, total)
    }

    /// Assessment's professional skills (R5.3): each person's after-test scores of the sessions they
    /// attended that were held in the period.
    func scores(staffIDs: [Int], period: AssessmentPeriod) async throws -> [Int: [Double]] {
        guard !staffIDs.isEmpty else { return [:] }
        let rows = try await database.sql().raw(
            """
            SELECT e.staff_id AS "staffID", e.score_after AS "score" FROM training_enrolments e JOIN training_sessions s ON s.id = e.session_id
            WHERE e.staff_id IN (\(binds: staffIDs)) AND e.attended = \(bind: true) AND e.score_after IS NOT NULL AND s.state = 'held'
              AND s.held_on >= \(bind: period.start.description) AND s.held_on <= \(bind: period.end.description)
            ORDER BY e.staff_id, s.held_on, e.id
            """
        ).all()
        var scores: [Int: [Double]] = [:]
        for row in rows {
            scores[try row.decode(column: "staffID", as: Int.self), default: []].append(
                try row.decode(column: "score", as: Double.self))
        }
        return scores
    }

    /// An outstanding trainee of a session (R5.2), for the awards part.
    struct OutstandingTrainee: Codable, Sendable {
        var staffID: Int, staffName: String, sessionID: Int, sessionTitle: String, heldOn: String, scoreBefore: Double?,
            scoreAfter: Double
    }

    /// The trainees marked outstanding in sessions of a department held between two days (both included).
    func outstandingTrainees(departmentID: Int?, staffID: Int? = nil, from: CalendarDay, through: CalendarDay)
        async throws -> [OutstandingTrainee]
    {
        var condition: SQLQueryString =
            "e.is_outstanding = \(bind: true) AND s.held_on >= \(bind: from.description) AND s.held_on <= \(bind: through.description)"
        if let departmentID { condition = condition + " AND s.department_id = \(bind: departmentID)" }
        if let staffID { condition = condition + " AND e.staff_id = \(bind: staffID)" }
        return try await database.sql().raw(
            """
            SELECT e.staff_id AS "staffID", st.display_name AS "staffName", s.id AS "sessionID", s.title AS "sessionTitle", s.held_on AS "heldOn",
                   e.score_before AS "scoreBefore", e.score_after AS "scoreAfter"
            FROM training_enrolments e JOIN training_sessions s ON s.id = e.session_id JOIN staff st ON st.id = e.staff_id
            WHERE \(condition) ORDER BY s.held_on DESC, e.score_after DESC, e.id LIMIT 500
            """
        ).all(decoding: OutstandingTrainee.self)
    }
}
