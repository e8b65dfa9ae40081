import Foundation
import KefuDomain
import Vapor

/// Puts an assessment's codes and calculation lines into words in the reader's language.
struct AssessmentWords: Sendable {
    let words: DisplayWords

    func dimension(_ code: String) -> String { words.label("assessment.dimension", code) }
    func figure(_ code: String) -> String { words.label("assessment.figure", code) }
    func grade(_ code: String?) -> String { code.map { words.label("assessment.grade", $0) } ?? "—" }
    func state(_ code: String) -> String { words.label("assessment.state", code) }
    func cycleState(_ code: String) -> String { words.label("assessment.cycle_state", code) }
    func consequence(_ code: String) -> String { words.label("assessment.consequence", code) }

    /// One line of the calculation as a sentence: codes among its arguments become labels.
    func line(_ line: CalculationLine) -> String {
        var arguments = line.arguments
        if let code = arguments["dimension"] { arguments["dimension"] = dimension(code) }
        if let code = arguments["figure"] { arguments["figure"] = figure(code) }
        if let code = arguments["grade"] { arguments["grade"] = grade(code) }
        if let code = arguments["part"] { arguments["part"] = words.label("assessment.part", code) }
        return words.t(line.key, arguments)
    }
}

extension Request {
    var assessmentWords: AssessmentWords { AssessmentWords(words: words) }
}

/// An assessment as the JSON API answers it: the ratings, the result and the calculation in words.
struct AssessmentDTO: Content {
    struct Dimension: Content {
        var dimension: String, label: String, score: Double?, weight: Int, effectiveWeight: Double, contribution: Double
    }
    struct Line: Content { var key: String; var arguments: [String: String]; var text: String }
    struct Decision: Content {
        var id: Int, kind: String, kindLabel: String, amountYuan: Int?, basis: String, decidedBy: String?,
            decidedAt: Date
    }

    var id: Int, cycleID: Int, cycleName: String, cycleState: String, staffID: Int, staffName: String, state: String,
        stateLabel: String
    var selfScore: Double?, selfSummary: String?, skillsRating: Double?, teamworkRating: Double?,
        supervisorComment: String?
    var evaluatedBy: String?, evaluatedAt: Date?, total: Double?, grade: String?, gradeLabel: String
    var dimensions: [Dimension], calculation: [Line], proposals: [String]
    var responseComment: String?, isAppeal: Bool, respondedAt: Date?, appealAnswer: String?, answeredAt: Date?
    var decisions: [Decision], version: Int

    init(_ row: AssessmentStore.AssessmentRow, decisions: [AssessmentStore.DecisionRow], words: AssessmentWords) {
        id = row.id; cycleID = row.cycleID; cycleName = row.cycleName; cycleState = row.cycleState;
        staffID = row.staffID; staffName = row.staffName
        state = row.state; stateLabel = words.state(row.state); selfScore = row.selfScore; selfSummary = row.selfSummary
        skillsRating = row.skillsRating; teamworkRating = row.teamworkRating; supervisorComment = row.supervisorComment
        evaluatedBy = row.evaluatedByName; evaluatedAt = row.evaluatedAt; total = row.total; grade = row.grade;
        gradeLabel = words.grade(row.grade)
        let result = row.calculation
        dimensions = (result?.dimensions ?? []).map {
            Dimension(
                dimension: $0.dimension.rawValue, label: words.dimension($0.dimension.rawValue), score: $0.score,
                weight: $0.weight,
                effectiveWeight: $0.effectiveWeight, contribution: $0.contribution)
        }
        calculation = (result?.lines ?? []).map { Line(key: $0.key, arguments: $0.arguments, text: words.line($0)) }
        proposals = (result?.grade).map { ConsequenceKind.proposals(for: $0).map(\.rawValue) } ?? []
        responseComment = row.responseComment; isAppeal = row.isAppeal; respondedAt = row.respondedAt;
        appealAnswer = row.appealAnswer
        answeredAt = row.answeredAt; version = row.version
        self.decisions = decisions.map {
            Decision(
                id: $0.id, kind: $0.kind, kindLabel: words.consequence($0.kind), amountYuan: $0.amountYuan,
                basis: $0.basis,
                decidedBy: $0.decidedByName, decidedAt: $0.decidedAt)
        }
    }
}

/// A cycle with the assessments the reader may see.
struct AssessmentCycleDTO: Content {
    struct Person: Content {
        var id: Int, staffID: Int, staffName: String, state: String, stateLabel: String, total: Double?, grade: String?,
            gradeLabel: String
    }
    struct Target: Content { var figure: String; var label: String; var target: Double }

    var id: Int, name: String, periodStart: String, periodEnd: String, state: String, stateLabel: String
    var weights: [String: Int], thresholds: GradeThresholds, targets: [Target], createdBy: String?, signedOffAt: Date?,
        signedOffBy: String?
    var assessments: [Person], version: Int

    init(_ row: AssessmentStore.CycleRow, assessments: [AssessmentStore.AssessmentRow], words: AssessmentWords) {
        id = row.id; name = row.name; periodStart = row.periodStart; periodEnd = row.periodEnd; state = row.state
        stateLabel = words.cycleState(row.state); weights = row.weightPercents; thresholds = row.gradeThresholds
        targets = row.workTargets.map {
            Target(figure: $0.figure.rawValue, label: words.figure($0.figure.rawValue), target: $0.target)
        }
        createdBy = row.createdByName; signedOffAt = row.signedOffAt; signedOffBy = row.signedOffByName;
        version = row.version
        self.assessments = assessments.map {
            Person(
                id: $0.id, staffID: $0.staffID, staffName: $0.staffName, state: $0.state,
                stateLabel: words.state($0.state), total: $0.total,
                grade: $0.grade, gradeLabel: words.grade($0.grade))
        }
    }
}
