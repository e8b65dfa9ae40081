import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Reads assessment cycles, assessments and decisions (R5.3); the writes are in `AssessmentWorkflow`.
/// Rows decode by the camel-case names the statements give their columns.
struct AssessmentStore {
    let database: any Database

    struct CycleRow: Decodable, Sendable {
        var id: Int, name: String, departmentID: Int, periodStart: String, periodEnd: String
        var weights: String, thresholds: String, targets: String, state: String
        var createdByName: String?, signedOffAt: Date?, signedOffByName: String?, createdAt: Date, updatedAt: Date,
            version: Int

        var cycleState: AssessmentCycleState { AssessmentCycleState(rawValue: state) ?? .open }
        var period: AssessmentPeriod? {
            guard let start = CalendarDay(periodStart), let end = CalendarDay(periodEnd) else { return nil }
            return AssessmentPeriod(start: start, end: end)
        }
        var weightPercents: [String: Int] {
            (try? JSONDecoder().decode([String: Int].self, from: Data(weights.utf8))) ?? [:]
        }
        var assessmentWeights: AssessmentWeights {
            (try? AssessmentWeights.validate(weightPercents).get()) ?? .standard
        }
        var gradeThresholds: GradeThresholds {
            (try? JSONDecoder().decode(GradeThresholds.self, from: Data(thresholds.utf8))) ?? .standard
        }
        var workTargets: [WorkTarget] { (try? JSONDecoder().decode([WorkTarget].self, from: Data(targets.utf8))) ?? [] }
    }

    static let cycleSelect: SQLQueryString = """
        SELECT c.id AS "id", c.name AS "name", c.department_id AS "departmentID", c.period_start AS "periodStart",
               c.period_end AS "periodEnd", c.weights AS "weights", c.thresholds AS "thresholds", c.targets AS "targets", c.state AS "state",
               creator.display_name AS "createdByName", c.signed_off_at AS "signedOffAt", signer.display_name AS "signedOffByName",
               c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version AS "version"
        FROM assessment_cycles c LEFT JOIN staff creator ON creator.id = c.created_by_staff_id
        LEFT JOIN staff signer ON signer.id = c.signed_off_by_staff_id
        """

    func cycle(_ id: Int, on db: (any Database)? = nil) async throws -> CycleRow? {
        try await (db ?? database).sql().raw("\(Self.cycleSelect) WHERE c.id = \(bind: id)").first(
            decoding: CycleRow.self)
    }

    /// Cycles of a department (nil: every department), newest period first.
    func cycles(departmentID: Int?) async throws -> [CycleRow] {
        let condition: SQLQueryString = departmentID.map { "WHERE c.department_id = \(bind: $0)" } ?? ""
        return try await database.sql().raw(
            "\(Self.cycleSelect) \(condition) ORDER BY c.period_end DESC, c.id DESC LIMIT 200"
        )
        .all(decoding: CycleRow.self)
    }

    struct AssessmentRow: Decodable, Sendable {
        var id: Int, cycleID: Int, cycleName: String, cycleState: String, staffID: Int, staffName: String,
            departmentID: Int, state: String
        var selfScore: Double?, selfSummary: String?, selfEvaluatedAt: Date?, skillsRating: Double?,
            teamworkRating: Double?
        var supervisorComment: String?, evaluatedAt: Date?, evaluatedByName: String?, inputs: String?, result: String?
        var total: Double?, grade: String?, responseComment: String?, isAppeal: Bool, respondedAt: Date?,
            appealAnswer: String?
        var answeredAt: Date?, answeredByName: String?, updatedAt: Date, version: Int

        var assessmentState: AssessmentState { AssessmentState(rawValue: state) ?? .pending }
        var frozen: AssessmentCycleState { AssessmentCycleState(rawValue: cycleState) ?? .open }
        var calculation: AssessmentResult? {
            result.flatMap { try? JSONDecoder().decode(AssessmentResult.self, from: Data($0.utf8)) }
        }
    }

    static let assessmentSelect: SQLQueryString = """
        SELECT a.id AS "id", a.cycle_id AS "cycleID", c.name AS "cycleName", c.state AS "cycleState", a.staff_id AS "staffID",
               person.display_name AS "staffName", a.department_id AS "departmentID", a.state AS "state", a.self_score AS "selfScore",
               a.self_summary AS "selfSummary", a.self_evaluated_at AS "selfEvaluatedAt", a.skills_rating AS "skillsRating",
               a.teamwork_rating AS "teamworkRating", a.supervisor_comment AS "supervisorComment", a.evaluated_at AS "evaluatedAt",
               evaluator.display_name AS "evaluatedByName", a.inputs AS "inputs", a.result AS "result", a.total AS "total", a.grade AS "grade",
               a.response_comment AS "responseComment", a.is_appeal AS "isAppeal", a.responded_at AS "respondedAt",
               a.appeal_answer AS "appealAnswer", a.answered_at AS "answeredAt", answerer.display_name AS "answeredByName",
               a.updated_at AS "updatedAt", a.version AS "version"
        FROM assessments a JOIN assessment_cycles c ON c.id = a.cycle_id JOIN staff person ON person.id = a.staff_id
        LEFT JOIN staff evaluator ON evaluator.id = a.evaluated_by_staff_id LEFT JOIN staff answerer ON answerer.id = a.answered_by_staff_id
        """

    func assessment(_ id: Int, on db: (any Database)? = nil) async throws -> AssessmentRow? {
        try await (db ?? database).sql().raw("\(Self.assessmentSelect) WHERE a.id = \(bind: id)").first(
            decoding: AssessmentRow.self)
    }

    /// A cycle's assessments, by the person's name; `staffID` limits them to one person's own.
    func assessments(cycleID: Int, staffID: Int? = nil, on db: (any Database)? = nil) async throws -> [AssessmentRow] {
        var condition: SQLQueryString = "a.cycle_id = \(bind: cycleID)"
        if let staffID { condition = condition + " AND a.staff_id = \(bind: staffID)" }
        return try await (db ?? database).sql().raw(
            "\(Self.assessmentSelect) WHERE \(condition) ORDER BY person.display_name, a.id"
        )
        .all(decoding: AssessmentRow.self)
    }

    /// One person's assessments over all cycles, newest first.
    func assessments(ofStaff staffID: Int) async throws -> [AssessmentRow] {
        try await database.sql().raw(
            "\(Self.assessmentSelect) WHERE a.staff_id = \(bind: staffID) ORDER BY c.period_end DESC, a.id DESC LIMIT 100"
        )
        .all(decoding: AssessmentRow.self)
    }

    struct DecisionRow: Decodable, Sendable {
        var id: Int, assessmentID: Int, cycleID: Int, cycleName: String, periodStart: String, periodEnd: String,
            staffID: Int
        var staffName: String, username: String, kind: String, amountYuan: Int?, basis: String, decidedByName: String?,
            decidedAt: Date
        var total: Double?, grade: String?
    }

    static let decisionSelect: SQLQueryString = """
        SELECT d.id AS "id", d.assessment_id AS "assessmentID", d.cycle_id AS "cycleID", c.name AS "cycleName", c.period_start AS "periodStart",
               c.period_end AS "periodEnd", d.staff_id AS "staffID", person.display_name AS "staffName", person.username AS "username",
               d.kind AS "kind", d.amount_yuan AS "amountYuan", d.basis AS "basis", decider.display_name AS "decidedByName",
               d.decided_at AS "decidedAt", a.total AS "total", a.grade AS "grade"
        FROM assessment_decisions d JOIN assessment_cycles c ON c.id = d.cycle_id JOIN assessments a ON a.id = d.assessment_id
        JOIN staff person ON person.id = d.staff_id LEFT JOIN staff decider ON decider.id = d.decided_by_staff_id
        """

    func decisions(assessmentID: Int) async throws -> [DecisionRow] {
        try await database.sql().raw(
            "\(Self.decisionSelect) WHERE d.assessment_id = \(bind: assessmentID) ORDER BY d.id"
        ).all(decoding: DecisionRow.self)
    }

    func decisions(cycleID: Int) async throws -> [DecisionRow] {
        try await database.sql().raw(
            "\(Self.decisionSelect) WHERE d.cycle_id = \(bind: cycleID) ORDER BY person.display_name, d.id"
        )
        .all(decoding: DecisionRow.self)
    }
}
