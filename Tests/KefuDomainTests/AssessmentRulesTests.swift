import KefuDomain
import Testing

/// R5.3: the score calculation as pure functions, with worked examples a supervisor could redo by hand.
@Suite("Assessment: score calculation, weights, grades, cycle rules and consequences (R5.3)")
struct AssessmentRulesTests {
    /// 2026 Q4: 1 October to 31 December, 92 days.
    static let quarter = AssessmentPeriod(start: CalendarDay("2026-10-01")!, end: CalendarDay("2026-12-31")!)!
    static let targets = [
        WorkTarget(figure: .inquiriesAnswered, target: 100), WorkTarget(figure: .repliesOnTime, target: 95),
        WorkTarget(figure: .contractsSigned, target: 4),
    ]

    /// 李娜, on the staff all quarter, with every input.
    static var full: AssessmentInputs {
        AssessmentInputs(
            period: quarter, targets: targets,
            figures: [
                .inquiriesAnswered: .count(120), .repliesOnTime: .share(done: 45, of: 50), .contractsSigned: .count(3),
                .satisfaction: .average(4.5, count: 10),
            ],
            inspectionScores: [80, 90], trainingScores: [88], supervisorSkillsRating: 80, supervisorTeamworkRating: 90,
            colleagueRatings: [80, 70], selfEvaluation: 95
        )
    }

    func compute(_ inputs: AssessmentInputs, thresholds: GradeThresholds = .standard) -> AssessmentResult {
        AssessmentCalculation.compute(inputs, weights: .standard, thresholds: thresholds)
    }

    func score(_ result: AssessmentResult, _ dimension: AssessmentDimension) -> Double? {
        result.dimensions.first { $0.dimension == dimension }?.score
    }

    @Test("worked example: every input present — 88.11, 良好")
    func everyInput() {
        let result = compute(Self.full)
        // Work: 120/100 → 100 (capped), 90 %/95 % → 94.74, 3/4 → 75; mean 89.91.
        #expect(score(result, .workResults) == 89.91)
        // Quality: inspection (80+90)/2 = 85, satisfaction 4.5 × 20 = 90; half each → 87.5.
        #expect(score(result, .serviceQuality) == 87.5)
        // Skills: training 88, supervisor 80 → 84. Teamwork: 90 × 0.7 + 75 × 0.3 = 85.5.
        #expect(score(result, .professionalSkills) == 84)
        #expect(score(result, .teamwork) == 85.5)
        #expect(score(result, .selfEvaluation) == 95)
        // 35.96 + 26.25 + 12.6 + 8.55 + 4.75
        #expect(result.dimensions.map(\.contribution) == [35.96, 26.25, 12.6, 8.55, 4.75])
        #expect(result.total == 88.11)
        #expect(result.grade == .good)
        // Attendance weighs 0 % by default: it takes no part and no line.
        #expect(!result.dimensions.contains { $0.dimension == .attendance })
    }

    @Test("the calculation is shown line by line, and its contributions add up to the total")
    func linesShowTheWay() throws {
        let result = compute(Self.full)
        let keys = result.lines.map(\.key)
        #expect(keys.first == "assessment.line.dimension_heading")
        #expect(keys.filter { $0 == "assessment.line.figure" }.count == 3)
        let replies = try #require(
            result.lines.first { $0.key == "assessment.line.figure" && $0.arguments["figure"] == "replies_on_time" })
        #expect(
            replies.arguments == ["figure": "replies_on_time", "measured": "90", "target": "95", "attainment": "94.74"])
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.satisfaction", ["count": "10", "average": "4.5", "score": "90"])))
        #expect(result.lines.contains(CalculationLine("assessment.line.colleagues", ["count": "2", "average": "75"])))
        #expect(
            result.lines.suffix(2) == [
                CalculationLine("assessment.line.total", ["total": "88.11"]),
                CalculationLine("assessment.line.grade", ["grade": "good", "threshold": "80"]),
            ])
        let contributions = result.lines.filter { $0.key == "assessment.line.contribution" }.compactMap {
            Double($0.arguments["contribution"]!)
        }
        #expect(AssessmentCalculation.round2(contributions.reduce(0, +)) == result.total)
        // The same inputs give the same result every time.
        #expect(compute(Self.full) == result)
    }

    @Test("worked example: a person with no surveys — satisfaction's share goes to inspection: 87.36")
    func noSurveys() {
        var inputs = Self.full
        inputs.figures[.satisfaction] = nil
        let result = compute(inputs)
        #expect(score(result, .serviceQuality) == 85)
        #expect(
            result.lines.contains(
                CalculationLine(
                    "assessment.line.part_missing", ["part": "service_quality.satisfaction", "share": "50"])))
        #expect(result.total == 87.36)
        #expect(result.grade == .good)
        // A survey count of zero is no survey, not a score of zero.
        inputs.figures[.satisfaction] = .average(0, count: 0)
        #expect(compute(inputs).total == 87.36)
    }

    @Test(
        "worked example: joined on 16 November — count targets prorated 46/92 days, a missing dimension's weight shared out: 78.21"
    )
    func joinedMidPeriod() throws {
        let inputs = AssessmentInputs(
            period: Self.quarter, joinedOn: CalendarDay("2026-11-16")!, targets: Self.targets,
            figures: [
                .inquiriesAnswered: .count(45), .repliesOnTime: .share(done: 20, of: 20), .contractsSigned: .count(1),
            ],
            supervisorSkillsRating: 70, supervisorTeamworkRating: 80, selfEvaluation: 85
        )
        #expect(Self.quarter.daysPresent(joinedOn: inputs.joinedOn) == 46)
        let result = compute(inputs)
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.prorated", ["joined": "2026-11-16", "present": "46", "days": "92"])))
        // 45 of 50, 1 of 2; the punctuality target is a share and is not prorated (100 % of 95 % → 100).
        let figures = result.lines.filter { $0.key == "assessment.line.figure" }.map {
            $0.arguments["target"]! + "→" + $0.arguments["attainment"]!
        }
        #expect(figures == ["50→90", "95→100", "2→50"])
        #expect(score(result, .workResults) == 80)
        // No inspection and no survey: service quality has no input and its 30 % is shared out over 70 %.
        #expect(score(result, .serviceQuality) == nil)
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.dimension_missing", ["dimension": "service_quality", "weight": "30"])))
        #expect(result.lines.contains(CalculationLine("assessment.line.reweighted", ["present": "70"])))
        #expect(result.dimensions.map(\.effectiveWeight) == [57.14, 0, 21.43, 14.29, 7.14])
        // 80 × 57.14 % + 70 × 21.43 % + 80 × 14.29 % + 85 × 7.14 % = 45.71 + 15 + 11.43 + 6.07
        #expect(result.total == 78.21)
        #expect(result.grade == .pass)
    }

    @Test("joining on the first day, or before the period, prorates nothing; joining after it leaves no day")
    func presence() {
        #expect(Self.quarter.daysPresent(joinedOn: CalendarDay("2026-10-01")!) == 92)
        #expect(Self.quarter.daysPresent(joinedOn: CalendarDay("2025-03-01")!) == 92)
        #expect(Self.quarter.daysPresent(joinedOn: nil) == 92)
        #expect(Self.quarter.daysPresent(joinedOn: CalendarDay("2027-01-05")!) == 0)
        #expect(Self.quarter.days == 92)
        // Joined after the period: nothing was expected of the counts, so they are missing rather than met.
        var late = Self.full
        late.joinedOn = CalendarDay("2027-01-05")!
        let result = AssessmentCalculation.compute(late, weights: .standard, thresholds: .standard)
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.figure_missing", ["figure": "inquiries_answered", "target": "0"])))
        #expect(
            result.lines.contains { $0.key == "assessment.line.figure" && $0.arguments["figure"] == "replies_on_time" })
    }

    @Test("a figure with nothing to measure is missing, not zero; no targets leaves work results without a score")
    func missingFigures() {
        var inputs = Self.full
        inputs.figures[.repliesOnTime] = .share(done: 0, of: 0)
        inputs.figures[.contractsSigned] = nil
        let result = compute(inputs)
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.figure_missing", ["figure": "replies_on_time", "target": "95"])))
        #expect(
            result.lines.contains(
                CalculationLine("assessment.line.figure_missing", ["figure": "contracts_signed", "target": "4"])))
        #expect(score(result, .workResults) == 100)
        inputs.targets = []
        let noTargets = compute(inputs)
        #expect(score(noTargets, .workResults) == nil)
        #expect(noTargets.lines.contains(CalculationLine("assessment.line.no_targets")))
    }

    @Test("nothing at all to go on: no total and no grade, and the line says so")
    func noInputs() {
        let result = compute(AssessmentInputs(period: Self.quarter))
        #expect(result.total == nil)
        #expect(result.grade == nil)
        #expect(result.lines.last == CalculationLine("assessment.line.no_inputs"))
    }

    @Test("weights must add up to 100 %, each within 0–100, for dimensions that exist")
    func weights() throws {
        let good = try AssessmentWeights.validate([
            "work_results": 50, "service_quality": 30, "professional_skills": 10, "teamwork": 10,
        ]).get()
        #expect(good.percent(.workResults) == 50)
        #expect(good.percent(.selfEvaluation) == 0)
        #expect(
            AssessmentWeights.validate(["work_results": 50, "service_quality": 40])
                == .failure(FieldErrors(["weights": "assessment.error.weights_sum"])))
        #expect(
            AssessmentWeights.validate(["work_results": 110, "teamwork": -10])
                == .failure(
                    FieldErrors([
                        "weights.work_results": "assessment.error.weight_range",
                        "weights.teamwork": "assessment.error.weight_range",
                    ])))
        #expect(
            AssessmentWeights.validate(["work_results": 90, "luck": 10])
                == .failure(FieldErrors(["weights.luck": "assessment.error.unknown_dimension"])))
        #expect(AssessmentWeights.standard.percents.values.reduce(0, +) == 100)
        // Other weights, another result: work results alone.
        let workOnly = try AssessmentWeights.validate(["work_results": 100]).get()
        #expect(AssessmentCalculation.compute(Self.full, weights: workOnly, thresholds: .standard).total == 89.91)
    }

    @Test("grades follow configurable thresholds, each boundary included in the higher grade")
    func grades() {
        let standard = GradeThresholds.standard
        #expect(standard.grade(for: 90) == .excellent)
        #expect(standard.grade(for: 89.99) == .good)
        #expect(standard.grade(for: 80) == .good)
        #expect(standard.grade(for: 60) == .pass)
        #expect(standard.grade(for: 59.99) == .needsImprovement)
        let strict = GradeThresholds(excellent: 95, good: 88, pass: 70)
        #expect(strict.problems.isEmpty)
        #expect(compute(Self.full, thresholds: strict).grade == .good)
        #expect(compute(Self.full, thresholds: GradeThresholds(excellent: 85, good: 75, pass: 60)).grade == .excellent)
        #expect(
            GradeThresholds(excellent: 80, good: 85, pass: 60).problems
                == FieldErrors(["thresholds": "assessment.error.thresholds_order"]))
        #expect(
            GradeThresholds(excellent: 120, good: 85, pass: 60).problems
                == FieldErrors(["thresholds.excellent": "assessment.error.score_range"]))
    }

    @Test("targets only on figures that exist and within their scale; scores only within 0–100")
    func targetsAndScales() {
        #expect(
            WorkTarget.validate(figure: "contracts_signed", target: 5, field: "targets.0")
                == .success(WorkTarget(figure: .contractsSigned, target: 5)))
        #expect(
            WorkTarget.validate(figure: "lunches_eaten", target: 5, field: "targets.0")
                == .failure(FieldErrors(["targets.0.figure": "assessment.error.unknown_figure"])))
        #expect(
            WorkTarget.validate(figure: "replies_on_time", target: 120, field: "targets.1")
                == .failure(FieldErrors(["targets.1.target": "assessment.error.target_range"])))
        #expect(
            WorkTarget.validate(figure: "satisfaction", target: 6, field: "t")
                == .failure(FieldErrors(["t.target": "assessment.error.target_range"])))
        #expect(
            WorkTarget.validate(figure: "satisfaction", target: 4.5, field: "t")
                == .success(WorkTarget(figure: .satisfaction, target: 4.5)))
        #expect(
            ScoreScale.validate(101, field: "selfScore")
                == .failure(FieldErrors(["selfScore": "assessment.error.score_range"])))
        #expect(
            ScoreScale.validate(-1, field: "selfScore")
                == .failure(FieldErrors(["selfScore": "assessment.error.score_range"])))
        #expect(
            ScoreScale.validate(.nan, field: "selfScore")
                == .failure(FieldErrors(["selfScore": "assessment.error.score_range"])))
        #expect(
            ScoreScale.validate(nil, field: "selfScore") == .failure(FieldErrors(["selfScore": "validation.required"])))
        #expect(ScoreScale.validate(0, field: "selfScore") == .success(0))
    }

    @Test("numbers in the lines: two decimals at most, no trailing zeros")
    func numberText() {
        #expect(AssessmentCalculation.text(86.5) == "86.5")
        #expect(AssessmentCalculation.text(90) == "90")
        #expect(AssessmentCalculation.text(94.736842) == "94.74")
        #expect(AssessmentCalculation.text(0.05) == "0.05")
        #expect(AssessmentCalculation.round2(2.675) == 2.68 || AssessmentCalculation.round2(2.675) == 2.67)
    }

    @Test(
        "the cycle: self first, then the supervisor; the person answers a result; sign-off needs every result and no open appeal, then nothing changes"
    )
    func cycleRules() {
        #expect(AssessmentRules.selfEvaluationProblem(cycle: .open, state: .pending) == nil)
        #expect(
            AssessmentRules.selfEvaluationProblem(cycle: .open, state: .evaluated) == "assessment.error.self_closed")
        #expect(AssessmentRules.supervisorEvaluationProblem(cycle: .open, state: .selfEvaluated) == nil)
        #expect(
            AssessmentRules.supervisorEvaluationProblem(cycle: .open, state: .appealed)
                == "assessment.error.already_published")
        #expect(
            AssessmentRules.responseProblem(cycle: .open, state: .evaluated, appeal: true, text: "  ")
                == FieldErrors(["comment": "assessment.error.appeal_reason"]))
        #expect(AssessmentRules.responseProblem(cycle: .open, state: .evaluated, appeal: false, text: "").isEmpty)
        #expect(
            AssessmentRules.responseProblem(cycle: .open, state: .pending, appeal: false, text: "")
                == FieldErrors(["response": "assessment.error.no_result_to_answer"]))
        #expect(AssessmentRules.appealAnswerProblem(cycle: .open, state: .appealed, answer: "已复核，维持评分").isEmpty)
        #expect(
            AssessmentRules.appealAnswerProblem(cycle: .open, state: .evaluated, answer: "x")
                == FieldErrors(["answer": "assessment.error.no_appeal"]))
        #expect(AssessmentRules.signOffProblem(cycle: .open, states: [.acknowledged, .answered, .evaluated]) == nil)
        #expect(
            AssessmentRules.signOffProblem(cycle: .open, states: [.acknowledged, .selfEvaluated])
                == "assessment.error.results_missing")
        #expect(
            AssessmentRules.signOffProblem(cycle: .open, states: [.acknowledged, .appealed])
                == "assessment.error.appeal_open")
        #expect(AssessmentRules.signOffProblem(cycle: .open, states: []) == "assessment.error.no_people")
        for state in AssessmentState.allCases {
            #expect(AssessmentRules.selfEvaluationProblem(cycle: .signedOff, state: state) == AssessmentRules.frozen)
            #expect(
                AssessmentRules.supervisorEvaluationProblem(cycle: .signedOff, state: state) == AssessmentRules.frozen)
            #expect(AssessmentRules.decisionProblem(cycle: .signedOff, state: state) == AssessmentRules.frozen)
        }
        #expect(AssessmentRules.signOffProblem(cycle: .signedOff, states: [.acknowledged]) == AssessmentRules.frozen)
    }

    @Test("consequences: a grade proposes, a decision needs its basis and an amount exactly when it pays")
    func consequences() {
        #expect(ConsequenceKind.proposals(for: .excellent) == [.bonus, .certificate, .promotion])
        #expect(ConsequenceKind.proposals(for: .needsImprovement) == [.improvementPlan, .bonusDeduction])
        #expect(ConsequenceKind.proposals(for: .pass).isEmpty)
        #expect(ConsequenceKind.validate(kind: "bonus", amountYuan: 2000, basis: "2026年第四季度考核优秀") == .success(.bonus))
        #expect(
            ConsequenceKind.validate(kind: "bonus", amountYuan: nil, basis: "考核优秀")
                == .failure(FieldErrors(["amountYuan": "validation.required"])))
        #expect(
            ConsequenceKind.validate(kind: "certificate", amountYuan: 100, basis: "考核优秀")
                == .failure(FieldErrors(["amountYuan": "assessment.error.amount_not_applicable"])))
        #expect(
            ConsequenceKind.validate(kind: "bonus_deduction", amountYuan: 0, basis: " ")
                == .failure(
                    FieldErrors([
                        "amountYuan": "assessment.error.amount_range", "basis": "validation.required",
                    ])))
        #expect(
            ConsequenceKind.validate(kind: "holiday", amountYuan: nil, basis: "x")
                == .failure(FieldErrors(["kind": "validation.choose_from_list"])))
    }
}

@Suite("Work plans: periods, progress, team figures (R2.2)")
struct WorkPlanRulesTests {
    @Test("the month, quarter or year that contains a day")
    func periods() {
        let day = CalendarDay("2026-11-15")!
        #expect(
            PlanPeriodKind.month.period(containing: day)
                == AssessmentPeriod(start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!))
        #expect(
            PlanPeriodKind.quarter.period(containing: day)
                == AssessmentPeriod(start: CalendarDay("2026-10-01")!, end: CalendarDay("2026-12-31")!))
        #expect(
            PlanPeriodKind.year.period(containing: day)
                == AssessmentPeriod(start: CalendarDay("2026-01-01")!, end: CalendarDay("2026-12-31")!))
        #expect(PlanPeriodKind.month.period(containing: CalendarDay("2028-02-10")!).end == CalendarDay("2028-02-29")!)
    }

    @Test("progress is measured ÷ target, at most 100 %; nothing to measure is no progress, not zero")
    func progress() {
        #expect(TargetProgress(figure: .inquiriesAnswered, target: 40, value: .count(30)).percent == 75)
        #expect(TargetProgress(figure: .inquiriesAnswered, target: 40, value: .count(50)).percent == 100)
        #expect(TargetProgress(figure: .inquiriesAnswered, target: 40, value: .count(50)).isMet)
        #expect(TargetProgress(figure: .repliesOnTime, target: 95, value: .share(done: 0, of: 0)).percent == nil)
        #expect(TargetProgress(figure: .satisfaction, target: 4.5, value: nil).measured == nil)
    }

    @Test("a team's figure: counts add up, shares add their parts, averages weigh by count")
    func combine() {
        #expect(WorkPlanRules.combine([.count(3), .count(4)]) == .count(7))
        #expect(WorkPlanRules.combine([.share(done: 1, of: 2), .share(done: 3, of: 3)]) == .share(done: 4, of: 5))
        #expect(WorkPlanRules.combine([.average(4, count: 1), .average(5, count: 3)]) == .average(4.75, count: 4))
        #expect(WorkPlanRules.combine([]) == nil)
    }

    @Test("a plan needs a title and a target or a goal; targets on existing figures within their scale")
    func validation() {
        #expect(
            WorkPlanRules.validate(title: "十一月计划", targets: [("inquiries_answered", 30)], goals: [])
                == .success([WorkTarget(figure: .inquiriesAnswered, target: 30)]))
        #expect(
            WorkPlanRules.validate(title: "十一月计划", targets: [], goals: [])
                == .failure(FieldErrors(["targets": "plan.error.empty"])))
        #expect(
            WorkPlanRules.validate(title: " ", targets: [("coffee", 1)], goals: [])
                == .failure(
                    FieldErrors([
                        "title": "validation.required", "targets.0.figure": "assessment.error.unknown_figure",
                    ])))
        #expect(
            WorkPlanRules.validate(title: "x", targets: [("contracts_signed", 1), ("contracts_signed", 2)], goals: [])
                == .failure(FieldErrors(["targets.1.figure": "assessment.error.duplicate_target"])))
    }
}
