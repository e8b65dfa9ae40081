/// Work plans and goals (R2.2): per month, quarter or year, for the team or one specialist — targets
/// on the system's own figures and free-text goals with a done mark; progress is measured, never typed.
public enum PlanPeriodKind: String, CaseIterable, Codable, Sendable {
    case month, quarter, year

    /// The period of this kind that contains `day`: its first and last day.
    public func period(containing day: CalendarDay) -> AssessmentPeriod {
        switch self {
        case .month:
            let start = CalendarDay(year: day.year, month: day.month, day: 1)!
            return AssessmentPeriod(
                start: start,
                end: CalendarDay(
                    year: day.year, month: day.month, day: LocalDateTime.daysInMonth(day.month, year: day.year))!)!
        case .quarter:
            let first = (day.month - 1) / 3 * 3 + 1
            let start = CalendarDay(year: day.year, month: first, day: 1)!
            return AssessmentPeriod(
                start: start,
                end: CalendarDay(
                    year: day.year, month: first + 2, day: LocalDateTime.daysInMonth(first + 2, year: day.year))!)!
        case .year:
            return AssessmentPeriod(
                start: CalendarDay(year: day.year, month: 1, day: 1)!,
                end: CalendarDay(year: day.year, month: 12, day: 31)!)!
        }
    }
}

/// Progress of one target, measured against the figure read for the plan's people and period.
public struct TargetProgress: Equatable, Sendable, Codable {
    public var figure: WorkFigure
    public var target: Double
    /// The measured number (count, share in percent, average 1–5); nil when nothing could be measured.
    public var measured: Double?
    /// measured ÷ target in percent, at most 100; nil when nothing could be measured.
    public var percent: Double?
    public var isMet: Bool

    public init(figure: WorkFigure, target: Double, value: FigureValue?) {
        self.figure = figure
        self.target = target
        let measured = value?.measured
        self.measured = measured.map(AssessmentCalculation.round2)
        percent = measured.map { AssessmentCalculation.round2(min(100, $0 / target * 100)) }
        isMet = (measured ?? -1) >= target
    }
}

public enum WorkPlanRules {
    /// A plan as typed: a title, targets on existing figures within their scale (one per figure), goals
    /// of at most 500 characters (at most 30); every problem at its field.
    public static func validate(title: String, targets: [(figure: String, target: Double?)], goals: [String]) -> Result<
        [WorkTarget], FieldErrors
    > {
        var errors = FieldErrors()
        if title.trimmed.isEmpty {
            errors.add("title", "validation.required")
        } else if title.count > 100 {
            errors.add("title", "validation.too_long")
        }
        var valid: [WorkTarget] = []
        for (index, target) in targets.enumerated() {
            switch WorkTarget.validate(figure: target.figure, target: target.target, field: "targets.\(index)") {
            case .success(let target):
                if valid.contains(where: { $0.figure == target.figure }) {
                    errors.add("targets.\(index).figure", "assessment.error.duplicate_target")
                }
                valid.append(target)
            case .failure(let problems): errors.merge(problems)
            }
        }
        if goals.count > 30 { errors.add("goals", "validation.too_long") }
        for (index, goal) in goals.enumerated() where goal.trimmed.count > 500 {
            errors.add("goals.\(index)", "validation.too_long")
        }
        if valid.isEmpty, goals.allSatisfy({ $0.trimmed.isEmpty }), errors.isEmpty {
            errors.add("targets", "plan.error.empty")
        }
        return errors.isEmpty ? .success(valid) : .failure(errors)
    }

    /// The result of a plan is its account at the end of the period: recorded from the period's last
    /// day on, when the figures are (nearly) final.
    public static func resultProblem(period: AssessmentPeriod, today: CalendarDay) -> String? {
        today < period.end ? "plan.error.result_before_end" : nil
    }

    /// A team plan's figure from its people's: counts add up, shares add their parts, averages weigh by count.
    public static func combine(_ values: [FigureValue]) -> FigureValue? {
        guard let first = values.first else { return nil }
        switch first {
        case .count:
            return .count(values.reduce(0) { if case .count(let n) = $1 { $0 + n } else { $0 } })
        case .share:
            var done = 0, of = 0
            for case .share(let d, let o) in values { done += d; of += o }
            return .share(done: done, of: of)
        case .average:
            var sum = 0.0, count = 0
            for case .average(let a, let c) in values { sum += a * Double(c); count += c }
            return count == 0 ? nil : .average(sum / Double(count), count: count)
        }
    }
}
