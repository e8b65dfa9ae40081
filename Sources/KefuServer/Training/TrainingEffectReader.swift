import Fluent
import Foundation
import KefuDomain

/// The effect of a held session on the work of those who attended it (issue 14 §3): for 30 and 90
/// days, the figures it aimed at in the days after against the same number of days before, read
/// through the same `WorkFigureReader` as plans and assessments.
struct TrainingEffectReader {
    let database: any Database
    let serviceQuality: any ServiceQualityFigures

    struct Span: Sendable {
        var days: Int
        var before: AssessmentPeriod
        var after: AssessmentPeriod
        /// False while the days after have not all passed: the figures so far, not final.
        var isComplete: Bool
        var changes: [TrainingEffect.Change]
    }

    struct Trainee: Sendable {
        var enrolment: TrainingStore.EnrolmentRow
        var scoreGain: Double?
        var spans: [Span]
    }

    /// Each attended trainee's spans; empty when the session was not held.
    func read(_ session: TrainingStore.SessionRow, enrolments: [TrainingStore.EnrolmentRow], now: Date) async throws
        -> [Trainee]
    {
        guard let heldOn = session.heldDay, session.sessionState == .held else { return [] }
        let attended = enrolments.filter { $0.attended == true }
        guard !attended.isEmpty else { return [] }
        let people = attended.map(\.staffID)
        let figures = session.aimed.isEmpty ? TrainingAimedFigure.all : session.aimed
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let reader = WorkFigureReader(database: database, serviceQuality: serviceQuality)
        var perSpan:
            [(
                days: Int, before: AssessmentPeriod, after: AssessmentPeriod,
                read: ([Int: [WorkFigure: FigureValue]], [Int: [WorkFigure: FigureValue]])
            )] = []
        for days in TrainingEffect.spans {
            let windows = TrainingEffect.windows(heldOn: heldOn, days: days)
            // Only the figures the session aimed at are read: each costs a pass over a period's records.
            let before = try await reader.figures(
                staffIDs: people, period: windows.before, now: now, only: Set(figures))
            let after = try await reader.figures(staffIDs: people, period: windows.after, now: now, only: Set(figures))
            perSpan.append((days, windows.before, windows.after, (before, after)))
        }
        return attended.map { enrolment in
            Trainee(
                enrolment: enrolment,
                scoreGain: TrainingEffect.scoreGain(before: enrolment.scoreBefore, after: enrolment.scoreAfter),
                spans: perSpan.map { span in
                    Span(
                        days: span.days, before: span.before, after: span.after,
                        isComplete: TrainingEffect.isComplete(heldOn: heldOn, days: span.days, today: today),
                        changes: figures.map {
                            TrainingEffect.Change(
                                figure: $0, before: span.read.0[enrolment.staffID]?[$0],
                                after: span.read.1[enrolment.staffID]?[$0])
                        })
                })
        }
    }
}
