import Foundation

/// The dimensions a person is assessed on in a cycle (R5.3). Each has a weight the supervisor sets per
/// cycle; the weights add up to 100 %.
public enum AssessmentDimension: String, CaseIterable, Codable, Sendable {
    /// Computed from the period's figures against the targets of the person's plan.
    case workResults = "work_results"
    /// Quality-inspection scores and the customer satisfaction attributed to the person.
    case serviceQuality = "service_quality"
    /// Training results and the supervisor's rating of skills.
    case professionalSkills = "professional_skills"
    /// The supervisor's and, optionally and anonymously, colleagues' ratings.
    case teamwork
    /// The person's own evaluation.
    case selfEvaluation = "self_evaluation"
    /// Attendance and discipline: an objective input once attendance is recorded (R6.1); until then
    /// it has no data and its weight moves to the others.
    case attendance
}

/// The weights of a cycle's dimensions in whole percent (R5.3: "configurable weights").
public struct AssessmentWeights: Equatable, Sendable, Codable {
    public private(set) var percents: [AssessmentDimension: Int]

    /// The department's default: work results 40, service quality 30, skills 15, teamwork 10, self 5.
    public static let standard = AssessmentWeights(checked: [
        .workResults: 40, .serviceQuality: 30, .professionalSkills: 15, .teamwork: 10, .selfEvaluation: 5,
        .attendance: 0,
    ])

    private init(checked: [AssessmentDimension: Int]) { percents = checked }

    public func percent(_ dimension: AssessmentDimension) -> Int { percents[dimension] ?? 0 }

    /// Reads weights keyed by dimension code: each a whole number 0–100, unknown dimensions refused,
    /// and together exactly 100 — otherwise the message is at `weights` (or the dimension's field).
    public static func validate(_ input: [String: Int]) -> Result<AssessmentWeights, FieldErrors> {
        var errors = FieldErrors()
        var percents: [AssessmentDimension: Int] = [:]
        for (code, value) in input {
            guard let dimension = AssessmentDimension(rawValue: code) else {
                errors.add("weights.\(code)", "assessment.error.unknown_dimension")
                continue
            }
            if value < 0 || value > 100 { errors.add("weights.\(code)", "assessment.error.weight_range") }
            percents[dimension] = value
        }
        if errors.isEmpty, percents.values.reduce(0, +) != 100 { errors.add("weights", "assessment.error.weights_sum") }
        if !errors.isEmpty { return .failure(errors) }
        for dimension in AssessmentDimension.allCases where percents[dimension] == nil { percents[dimension] = 0 }
        return .success(AssessmentWeights(checked: percents))
    }
}

/// 优秀 / 良好 / 合格 / 待改进.
public enum AssessmentGrade: String, CaseIterable, Codable, Sendable {
    case excellent
    case good
    case pass
    case needsImprovement = "needs_improvement"
}

/// The lowest score of each grade (configurable per cycle): excellent ≥ 90, good ≥ 80, pass ≥ 60.
public struct GradeThresholds: Equatable, Sendable, Codable {
    public var excellent: Double
    public var good: Double
    public var pass: Double

    public static let standard = GradeThresholds(excellent: 90, good: 80, pass: 60)

    public init(excellent: Double, good: Double, pass: Double) {
        self.excellent = excellent
        self.good = good
        self.pass = pass
    }

    /// Each threshold within 0–100, strictly rising from pass to excellent.
    public var problems: FieldErrors {
        var errors = FieldErrors()
        for (field, value) in [
            ("thresholds.excellent", excellent), ("thresholds.good", good), ("thresholds.pass", pass),
        ]
        where !(0...100).contains(value) || !value.isFinite {
            errors.add(field, "assessment.error.score_range")
        }
        if errors.isEmpty, !(pass < good && good < excellent) {
            errors.add("thresholds", "assessment.error.thresholds_order")
        }
        return errors
    }

    public func grade(for score: Double) -> AssessmentGrade {
        if score >= excellent { return .excellent }
        if score >= good { return .good }
        if score >= pass { return .pass }
        return .needsImprovement
    }

    public func threshold(of grade: AssessmentGrade) -> Double {
        switch grade {
        case .excellent: excellent
        case .good: good
        case .pass: pass
        case .needsImprovement: 0
        }
    }
}

/// A scale a score is typed on: 0–100 for ratings, inspection and test scores.
public enum ScoreScale {
    public static let hundred: ClosedRange<Double> = 0...100

    /// A score as typed, refused outside 0–100 at the field.
    public static func validate(_ value: Double?, field: String, required: Bool = true) -> Result<Double?, FieldErrors>
    {
        guard let value else { return required ? .failure(FieldErrors([field: "validation.required"])) : .success(nil) }
        guard value.isFinite, hundred.contains(value) else {
            return .failure(FieldErrors([field: "assessment.error.score_range"]))
        }
        return .success(value)
    }
}
