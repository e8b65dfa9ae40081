import Foundation

/// The awards of R7.1.
public enum AwardKind: String, CaseIterable, Codable, Sendable {
    /// 月度优质服务奖: decided from the month's ranked shortlist.
    case monthly
    /// 年度奖: from the annual assessment (its record is the cause).
    case annual
    /// 特殊贡献奖: for a cause record — a major complaint resolved, a large contract.
    case special
}

/// What an award gives (R7.1); an award has one or more.
public enum AwardForm: String, CaseIterable, Codable, Sendable {
    /// 奖金 (an amount)
    case bonus
    /// 荣誉证书
    case certificate
    /// 公开表扬: a notice on everyone's workbench.
    case publicPraise = "public_praise"
    /// 培训机会
    case training
}

/// An award's life: granted by the supervisor, or waiting for leadership's approval first.
public enum AwardStatus: String, CaseIterable, Codable, Sendable {
    case awaitingApproval = "awaiting_approval", granted, declined
}

public enum AwardRules {
    public static let maxBonus = 100_000

    /// R7.1: the annual and special-contribution awards cite their cause; a bonus names its amount.
    public static func check(
        kind: String, forms: [String], bonus: Int?, cause: RecordReference?, period: String?, citation: String
    ) -> FieldErrors {
        var errors = FieldErrors()
        let kind = AwardKind(rawValue: kind)
        if kind == nil { errors.add("kind", "validation.choose_from_list") }
        let chosen = forms.compactMap(AwardForm.init(rawValue:))
        if chosen.isEmpty || chosen.count != forms.count { errors.add("forms", "conduct.error.forms_required") }
        if chosen.contains(.bonus) {
            if let bonus {
                if !(1...maxBonus).contains(bonus) { errors.add("bonus", "conduct.error.amount_range") }
            } else {
                errors.add("bonus", "conduct.error.amount_required")
            }
        } else if bonus != nil {
            errors.add("bonus", "conduct.error.bonus_only_with_form")
        }
        if (kind == .annual || kind == .special) && cause == nil { errors.add("cause", "conduct.error.cause_required") }
        if kind == .monthly && (period.map(MonthPeriod.init) ?? nil) == nil {
            errors.add("period", "conduct.error.month")
        }
        ConductRules.text(citation, field: "citation", required: true, into: &errors)
        return errors
    }
}

/// A month as `2026-11`.
public struct MonthPeriod: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let year = Int(parts[0]),
            let month = Int(parts[1]),
            (2000...2100).contains(year), (1...12).contains(month)
        else { return nil }
        self.year = year
        self.month = month
    }

    public init(_ day: CalendarDay) {
        year = day.year
        month = day.month
    }

    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public var period: AssessmentPeriod {
        PlanPeriodKind.month.period(containing: CalendarDay(year: year, month: month, day: 1)!)
    }
}

/// One person's month as the shortlist reads it (R7.1): satisfaction, replies and follow-ups on time,
/// complaints resolved within the limit, confirmed violations, and the training sessions of the month
/// where they were marked an outstanding trainee (R5.2 → R7.1). Absent figures had nothing to measure.
public struct ShortlistCandidate: Equatable, Sendable {
    public var staffID: Int
    public var name: String
    public var figures: [WorkFigure: FigureValue]
    public var violations: Int
    /// The sessions (as shown: title and day) where the person was an outstanding trainee this month.
    public var outstandingTraining: [String]

    public init(
        staffID: Int, name: String, figures: [WorkFigure: FigureValue], violations: Int,
        outstandingTraining: [String] = []
    ) {
        self.staffID = staffID
        self.name = name
        self.figures = figures
        self.violations = violations
        self.outstandingTraining = outstandingTraining
    }
}

/// A place on the shortlist with its score and the reasons, as message keys with arguments.
public struct ShortlistPlace: Equatable, Sendable, Codable {
    public var staffID: Int
    public var name: String
    /// 1, 2, … for eligible people; nil for those left out (a violation, nothing measured).
    public var place: Int?
    /// 0–100.
    public var score: Double
    public var reasons: [CalculationLine]
}

/// The monthly excellent-service shortlist (R7.1): a pure ranking of the month's figures.
///
/// Each figure gives points out of its weight: satisfaction (average ÷ 5), replies on time, follow-ups
/// on time and complaints resolved in time (their share). A figure with nothing to measure is no part of
/// the score: the weights of those that were measured are scaled up to 100, as the assessment does. A
/// confirmed violation in the month leaves the person off the list (the regulation asks for none).
/// Being an outstanding trainee in the month is a reason on the list and breaks a tie of scores (it adds
/// no points: the weights stay those of the regulation's figures). Ties then go to more surveys, then to
/// the name, so the order is the same every time.
public enum AwardShortlist {
    public static let weights: [(figure: WorkFigure, weight: Double)] = [
        (.satisfaction, 40), (.repliesOnTime, 20), (.followUpsOnTime, 20), (.complaintsInTime, 20),
    ]

    public static func rank(_ candidates: [ShortlistCandidate]) -> [ShortlistPlace] {
        var eligible: [(place: ShortlistPlace, surveys: Int, outstanding: Int)] = []
        var leftOut: [ShortlistPlace] = []
        for candidate in candidates {
            var reasons: [CalculationLine] = []
            var earned = 0.0, measuredWeight = 0.0
            for (figure, weight) in weights {
                guard let value = candidate.figures[figure], let measured = value.measured else {
                    reasons.append(CalculationLine("shortlist.reason.no_data", ["figure": figure.rawValue]))
                    continue
                }
                let share = figure == .satisfaction ? measured / 5 : measured / 100
                earned += share * weight
                measuredWeight += weight
                reasons.append(
                    CalculationLine(
                        "shortlist.reason.\(figure.rawValue)",
                        Self.arguments(value, points: share * weight, weight: weight)))
            }
            let score = measuredWeight == 0 ? 0 : AssessmentCalculation.round2(earned * 100 / measuredWeight)
            if !candidate.outstandingTraining.isEmpty {
                reasons.append(
                    CalculationLine(
                        "shortlist.reason.outstanding_trainee",
                        ["sessions": candidate.outstandingTraining.joined(separator: "、")]))
            }
            if candidate.violations > 0 {
                reasons.insert(
                    CalculationLine("shortlist.reason.violations", ["count": String(candidate.violations)]), at: 0)
                leftOut.append(
                    ShortlistPlace(
                        staffID: candidate.staffID, name: candidate.name, place: nil, score: score, reasons: reasons))
            } else if measuredWeight == 0 {
                reasons.insert(CalculationLine("shortlist.reason.nothing_measured"), at: 0)
                leftOut.append(
                    ShortlistPlace(
                        staffID: candidate.staffID, name: candidate.name, place: nil, score: 0, reasons: reasons))
            } else {
                reasons.append(CalculationLine("shortlist.reason.no_violations"))
                if measuredWeight < 100 {
                    reasons.append(
                        CalculationLine(
                            "shortlist.reason.scaled", ["measured": AssessmentCalculation.text(measuredWeight)]))
                }
                reasons.append(CalculationLine("shortlist.reason.total", ["score": AssessmentCalculation.text(score)]))
                let surveys: Int
                if case .average(_, let count)? = candidate.figures[.satisfaction] {
                    surveys = count
                } else {
                    surveys = 0
                }
                eligible.append(
                    (
                        ShortlistPlace(
                            staffID: candidate.staffID, name: candidate.name, place: nil, score: score, reasons: reasons
                        ), surveys,
                        candidate.outstandingTraining.count
                    ))
            }
        }
        eligible.sort { a, b in
            if a.place.score != b.place.score { return a.place.score > b.place.score }
            if a.outstanding != b.outstanding { return a.outstanding > b.outstanding }
            if a.surveys != b.surveys { return a.surveys > b.surveys }
            if a.place.name != b.place.name { return a.place.name < b.place.name }
            return a.place.staffID < b.place.staffID
        }
        var ranked = eligible.enumerated().map { index, entry in
            var place = entry.place
            place.place = index + 1
            return place
        }
        ranked += leftOut.sorted { ($0.name, $0.staffID) < ($1.name, $1.staffID) }
        return ranked
    }

    static func arguments(_ value: FigureValue, points: Double, weight: Double) -> [String: String] {
        var arguments = [
            "points": AssessmentCalculation.text(AssessmentCalculation.round2(points)),
            "weight": AssessmentCalculation.text(weight),
        ]
        switch value {
        case .share(let done, let of):
            arguments["done"] = String(done)
            arguments["of"] = String(of)
            arguments["percent"] = AssessmentCalculation.text(
                AssessmentCalculation.round2(Double(done) * 100 / Double(max(of, 1))))
        case .average(let average, let count):
            arguments["average"] = AssessmentCalculation.text(AssessmentCalculation.round2(average))
            arguments["count"] = String(count)
        case .count(let n):
            arguments["count"] = String(n)
        }
        return arguments
    }
}
