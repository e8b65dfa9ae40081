/// The effect of a session (R5.2, issue 14 §3): on a test (after minus before) and on the work — the
/// trainee's own figures that the session aimed at, in the 30 and 90 days after it against the same
/// number of days before it.
public enum TrainingEffect {
    /// The spans the effect is read over, in days after the session.
    public static let spans = [30, 90]

    /// The days before the session and the days after it, each `days` long; the session day itself
    /// belongs to neither.
    public static func windows(heldOn: CalendarDay, days: Int) -> (before: AssessmentPeriod, after: AssessmentPeriod) {
        (
            AssessmentPeriod(start: heldOn.adding(days: -days), end: heldOn.adding(days: -1))!,
            AssessmentPeriod(start: heldOn.adding(days: 1), end: heldOn.adding(days: days))!
        )
    }

    /// Whether the span after the session is over, so its figure is final.
    public static func isComplete(heldOn: CalendarDay, days: Int, today: CalendarDay) -> Bool {
        today > heldOn.adding(days: days)
    }

    /// One figure before and after, and the change; nil parts when there was nothing to measure.
    public struct Change: Equatable, Sendable {
        public var figure: WorkFigure
        public var before: Double?
        public var after: Double?
        public var delta: Double?
        /// Whether the change goes the way the training aimed (every aimed figure is better higher).
        public var isImproved: Bool? { delta.map { $0 > 0 } }

        public init(figure: WorkFigure, before: FigureValue?, after: FigureValue?) {
            self.figure = figure
            self.before = before?.measured.map(AssessmentCalculation.round2)
            self.after = after?.measured.map(AssessmentCalculation.round2)
            if let b = self.before, let a = self.after {
                delta = AssessmentCalculation.round2(a - b)
            } else {
                delta = nil
            }
        }
    }

    /// The test's gain: after minus before, when both were taken.
    public static func scoreGain(before: Double?, after: Double?) -> Double? {
        guard let before, let after else { return nil }
        return AssessmentCalculation.round2(after - before)
    }
}

/// Outstanding trainees (R5.2 "noted for reward"): the awards part reads the mark. A trainee is
/// outstanding in a session they attended when the test after it reaches 90 and — when a test before
/// was taken — improved by at least 10 points.
public enum OutstandingTraineeRule {
    public static let minimumScore = 90.0
    public static let minimumGain = 10.0

    public static func isOutstanding(attended: Bool?, scoreBefore: Double?, scoreAfter: Double?) -> Bool {
        guard attended == true, let scoreAfter, scoreAfter >= minimumScore else { return false }
        guard let scoreBefore else { return true }
        return scoreAfter - scoreBefore >= minimumGain
    }
}
