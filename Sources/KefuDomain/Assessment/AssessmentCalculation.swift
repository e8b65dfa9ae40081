import Foundation

/// Everything the score of one person in one cycle is computed from. Absent values are missing
/// inputs, never zeros: the calculation says so and moves their weight to what is there.
public struct AssessmentInputs: Equatable, Sendable {
    public var period: AssessmentPeriod
    /// The day the person joined the department, when inside the period: count targets are prorated.
    public var joinedOn: CalendarDay?
    public var targets: [WorkTarget]
    public var figures: [WorkFigure: FigureValue]
    /// Quality-inspection scores (0–100) of the person's records inspected in the period.
    public var inspectionScores: [Double]
    /// Training: test scores after sessions of the period (0–100).
    public var trainingScores: [Double]
    public var supervisorSkillsRating: Double?
    public var supervisorTeamworkRating: Double?
    /// Colleagues' teamwork ratings (0–100), anonymous: only their average and count are shown.
    public var colleagueRatings: [Double]
    public var selfEvaluation: Double?
    /// Attendance and discipline (0–100), once attendance is recorded.
    public var attendance: Double?

    public init(
        period: AssessmentPeriod, joinedOn: CalendarDay? = nil, targets: [WorkTarget] = [],
        figures: [WorkFigure: FigureValue] = [:],
        inspectionScores: [Double] = [], trainingScores: [Double] = [], supervisorSkillsRating: Double? = nil,
        supervisorTeamworkRating: Double? = nil, colleagueRatings: [Double] = [], selfEvaluation: Double? = nil,
        attendance: Double? = nil
    ) {
        self.period = period
        self.joinedOn = joinedOn
        self.targets = targets
        self.figures = figures
        self.inspectionScores = inspectionScores
        self.trainingScores = trainingScores
        self.supervisorSkillsRating = supervisorSkillsRating
        self.supervisorTeamworkRating = supervisorTeamworkRating
        self.colleagueRatings = colleagueRatings
        self.selfEvaluation = selfEvaluation
        self.attendance = attendance
    }
}

/// One line of the calculation as the person reads it: a message key and its arguments (numbers
/// already written out), localized when shown.
public struct CalculationLine: Equatable, Sendable, Codable {
    public var key: String
    public var arguments: [String: String]

    public init(_ key: String, _ arguments: [String: String] = [:]) {
        self.key = key
        self.arguments = arguments
    }
}

/// A dimension's part of the result.
public struct DimensionScore: Equatable, Sendable, Codable {
    public var dimension: AssessmentDimension
    /// 0–100, nil when the dimension had no input.
    public var score: Double?
    /// The weight set for the cycle (%).
    public var weight: Int
    /// The weight it carried after missing dimensions' weights were shared out (%), 2 decimals.
    public var effectiveWeight: Double
    /// score × effective weight / 100.
    public var contribution: Double
}

/// The result of the calculation: each dimension, the total, the grade and every line that led there.
public struct AssessmentResult: Equatable, Sendable, Codable {
    public var dimensions: [DimensionScore]
    public var total: Double?
    public var grade: AssessmentGrade?
    public var lines: [CalculationLine]
}

/// The score calculation of R5.3 as pure functions: given the inputs, the weights and the thresholds,
/// the same result and the same lines every time.
///
/// - Work results: each target's attainment is measured ÷ target × 100, at most 100; a count target
///   is prorated by the days of the period the person was on the staff. The dimension is the mean of
///   the attainments that could be measured.
/// - Service quality: inspection average and satisfaction (average × 20) half each.
/// - Professional skills: training test average and the supervisor's rating half each.
/// - Teamwork: the supervisor's rating 70 % and colleagues' average 30 %.
/// - A missing part gives its share to the other parts of its dimension; a dimension with no part at
///   all gives its weight to the other dimensions in proportion to theirs.
public enum AssessmentCalculation {
    /// The shares of the parts within a dimension.
    public static let parts: [AssessmentDimension: [(part: String, share: Double)]] = [
        .serviceQuality: [("inspection", 50), ("satisfaction", 50)],
        .professionalSkills: [("training", 50), ("supervisor", 50)],
        .teamwork: [("supervisor", 70), ("colleagues", 30)],
    ]

    public static func compute(_ inputs: AssessmentInputs, weights: AssessmentWeights, thresholds: GradeThresholds)
        -> AssessmentResult
    {
        var lines: [CalculationLine] = []
        var scores: [AssessmentDimension: Double] = [:]
        for dimension in AssessmentDimension.allCases where weights.percent(dimension) > 0 {
            lines.append(
                CalculationLine(
                    "assessment.line.dimension_heading",
                    ["dimension": dimension.rawValue, "weight": String(weights.percent(dimension))]))
            let score: Double?
            switch dimension {
            case .workResults: score = workResults(inputs, lines: &lines)
            case .serviceQuality:
                let inspection = mean(inputs.inspectionScores)
                if let inspection {
                    lines.append(
                        CalculationLine(
                            "assessment.line.inspection",
                            ["count": String(inputs.inspectionScores.count), "average": text(inspection)]))
                }
                var satisfaction: Double?
                if let value = inputs.figures[.satisfaction], case .average(let average, let count) = value, count > 0 {
                    satisfaction = round2(average * 20)
                    lines.append(
                        CalculationLine(
                            "assessment.line.satisfaction",
                            ["count": String(count), "average": text(average), "score": text(satisfaction!)]))
                }
                score = combine(dimension, ["inspection": inspection, "satisfaction": satisfaction], lines: &lines)
            case .professionalSkills:
                let training = mean(inputs.trainingScores)
                if let training {
                    lines.append(
                        CalculationLine(
                            "assessment.line.training",
                            ["count": String(inputs.trainingScores.count), "average": text(training)]))
                }
                if let rating = inputs.supervisorSkillsRating {
                    lines.append(CalculationLine("assessment.line.supervisor_rating", ["score": text(rating)]))
                }
                score = combine(
                    dimension, ["training": training, "supervisor": inputs.supervisorSkillsRating], lines: &lines)
            case .teamwork:
                if let rating = inputs.supervisorTeamworkRating {
                    lines.append(CalculationLine("assessment.line.supervisor_rating", ["score": text(rating)]))
                }
                let colleagues = mean(inputs.colleagueRatings)
                if let colleagues {
                    lines.append(
                        CalculationLine(
                            "assessment.line.colleagues",
                            ["count": String(inputs.colleagueRatings.count), "average": text(colleagues)]))
                }
                score = combine(
                    dimension, ["supervisor": inputs.supervisorTeamworkRating, "colleagues": colleagues], lines: &lines)
            case .selfEvaluation:
                score = inputs.selfEvaluation
                if let score { lines.append(CalculationLine("assessment.line.self", ["score": text(score)])) }
            case .attendance:
                score = inputs.attendance
                if let score { lines.append(CalculationLine("assessment.line.attendance", ["score": text(score)])) }
            }
            if let score {
                scores[dimension] = score
                lines.append(
                    CalculationLine(
                        "assessment.line.dimension_score", ["dimension": dimension.rawValue, "score": text(score)]))
            } else {
                lines.append(
                    CalculationLine(
                        "assessment.line.dimension_missing",
                        ["dimension": dimension.rawValue, "weight": String(weights.percent(dimension))]))
            }
        }

        let presentWeight = scores.keys.reduce(0) { $0 + weights.percent($1) }
        var dimensions: [DimensionScore] = []
        var total = 0.0
        if presentWeight > 0, presentWeight < 100 {
            lines.append(CalculationLine("assessment.line.reweighted", ["present": String(presentWeight)]))
        }
        for dimension in AssessmentDimension.allCases where weights.percent(dimension) > 0 {
            let weight = weights.percent(dimension)
            guard let score = scores[dimension], presentWeight > 0 else {
                dimensions.append(
                    DimensionScore(
                        dimension: dimension, score: nil, weight: weight, effectiveWeight: 0, contribution: 0))
                continue
            }
            let effective = round2(Double(weight) * 100 / Double(presentWeight))
            let contribution = round2(score * effective / 100)
            total += contribution
            dimensions.append(
                DimensionScore(
                    dimension: dimension, score: score, weight: weight, effectiveWeight: effective,
                    contribution: contribution))
            lines.append(
                CalculationLine(
                    "assessment.line.contribution",
                    [
                        "dimension": dimension.rawValue, "score": text(score), "weight": text(effective),
                        "contribution": text(contribution),
                    ]))
        }
        guard presentWeight > 0 else {
            lines.append(CalculationLine("assessment.line.no_inputs"))
            return AssessmentResult(dimensions: dimensions, total: nil, grade: nil, lines: lines)
        }
        let final = min(100, round2(total))
        let grade = thresholds.grade(for: final)
        lines.append(CalculationLine("assessment.line.total", ["total": text(final)]))
        lines.append(
            CalculationLine(
                "assessment.line.grade", ["grade": grade.rawValue, "threshold": text(thresholds.threshold(of: grade))]))
        return AssessmentResult(dimensions: dimensions, total: final, grade: grade, lines: lines)
    }

    /// Work results: the mean attainment of the targets that could be measured.
    static func workResults(_ inputs: AssessmentInputs, lines: inout [CalculationLine]) -> Double? {
        guard !inputs.targets.isEmpty else {
            lines.append(CalculationLine("assessment.line.no_targets"))
            return nil
        }
        let present = inputs.period.daysPresent(joinedOn: inputs.joinedOn), days = inputs.period.days
        if present < days {
            lines.append(
                CalculationLine(
                    "assessment.line.prorated",
                    [
                        "joined": inputs.joinedOn?.description ?? "", "present": String(present), "days": String(days),
                    ]))
        }
        var attainments: [Double] = []
        for target in inputs.targets {
            var goal = target.target
            if target.figure.kind == .count, present < days { goal = round2(goal * Double(present) / Double(days)) }
            guard goal > 0, let measured = inputs.figures[target.figure]?.measured else {
                lines.append(
                    CalculationLine(
                        "assessment.line.figure_missing", ["figure": target.figure.rawValue, "target": text(goal)]))
                continue
            }
            let attainment = round2(min(100, measured / goal * 100))
            attainments.append(attainment)
            lines.append(
                CalculationLine(
                    "assessment.line.figure",
                    [
                        "figure": target.figure.rawValue, "measured": text(round2(measured)), "target": text(goal),
                        "attainment": text(attainment),
                    ]))
        }
        guard let work = mean(attainments) else { return nil }
        lines.append(
            CalculationLine("assessment.line.work_mean", ["count": String(attainments.count), "score": text(work)]))
        return work
    }

    /// Combines a dimension's parts by their shares, moving a missing part's share to the others.
    static func combine(_ dimension: AssessmentDimension, _ values: [String: Double?], lines: inout [CalculationLine])
        -> Double?
    {
        let parts = Self.parts[dimension] ?? []
        let present = parts.filter { values[$0.part].flatMap { $0 } != nil }
        for part in parts where values[part.part].flatMap({ $0 }) == nil {
            lines.append(
                CalculationLine(
                    "assessment.line.part_missing",
                    ["part": "\(dimension.rawValue).\(part.part)", "share": text(part.share)]))
        }
        let shares = present.reduce(0) { $0 + $1.share }
        guard shares > 0 else { return nil }
        let score = present.reduce(0.0) { $0 + (values[$1.part]!! * $1.share / shares) }
        return round2(score)
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : round2(values.reduce(0, +) / Double(values.count))
    }

    /// Rounds half away from zero to two decimals.
    public static func round2(_ value: Double) -> Double { (value * 100).rounded(.toNearestOrAwayFromZero) / 100 }

    /// A number as the lines show it: at most two decimals, no trailing zeros (`86.5`, `90`).
    public static func text(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded(.toNearestOrAwayFromZero))
        let sign = hundredths < 0 ? "-" : ""
        let whole = abs(hundredths) / 100, rest = abs(hundredths) % 100
        if rest == 0 { return "\(sign)\(whole)" }
        if rest % 10 == 0 { return "\(sign)\(whole).\(rest / 10)" }
        return "\(sign)\(whole).\(rest < 10 ? "0" : "")\(rest)"
    }
}
