import KefuDomain
import Testing

/// R5.1, R5.2: the annual plan's rules and states, its totals, plan versus done, the effect of a session
/// on a test and on the trainee's own figures, and the outstanding-trainee rule — with fixed days.
@Suite("Training: plan rules and approval, totals, plan versus done, effect, outstanding trainees (R5.1, R5.2)")
struct TrainingRulesTests {
    static func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    static let plan = PlanFacts(
        year: 2026, hours: 20, budgetYuan: 10_000, areas: [.serviceSkills, .lawsAndRegulations],
        methods: [.internal, .online])

    @Test(
        "a plan as typed: negative hours or budget, no area, an unknown method, a year out of range are refused at their fields"
    )
    func planValidation() {
        #expect(
            TrainingRules.validatePlan(
                year: 2026, title: "2026 年度培训计划", goals: "提升服务技能", areas: ["service_skills"], methods: ["internal"],
                hours: 40, budgetYuan: 50_000
            ).isEmpty)
        #expect(
            TrainingRules.validatePlan(
                year: 2026, title: "计划", goals: "目标", areas: ["service_skills"], methods: ["internal"], hours: 0,
                budgetYuan: 0
            ).isEmpty)
        let errors = TrainingRules.validatePlan(
            year: 1900, title: " ", goals: "", areas: [], methods: ["lecture"], hours: -1, budgetYuan: -100)
        #expect(
            errors
                == FieldErrors([
                    "year": "training.error.year", "title": "validation.required", "goals": "validation.required",
                    "areas": "training.error.choose_one",
                    "methods": "validation.choose_from_list", "hours": "training.error.not_negative",
                    "budgetYuan": "training.error.not_negative",
                ]))
        #expect(
            TrainingRules.validatePlan(
                year: nil, title: "计划", goals: "目标", areas: ["service_skills"], methods: ["internal"], hours: nil,
                budgetYuan: nil
            ).messages.keys.sorted() == ["budgetYuan", "hours", "year"])
    }

    @Test(
        "approval: a draft with sessions is submitted, leadership approves or returns; an approved plan changes only by reopening to a draft"
    )
    func approval() {
        #expect(TrainingRules.transition(.draft, .submit, sessionCount: 2) == .success(.submitted))
        #expect(
            TrainingRules.transition(.draft, .submit, sessionCount: 0)
                == .failure(FieldErrors(["plan": "training.error.no_sessions"])))
        #expect(TrainingRules.transition(.submitted, .approve, sessionCount: 2) == .success(.approved))
        #expect(TrainingRules.transition(.submitted, .return, sessionCount: 2) == .success(.returned))
        #expect(TrainingRules.transition(.returned, .submit, sessionCount: 2) == .success(.submitted))
        #expect(TrainingRules.transition(.approved, .reopen, sessionCount: 2) == .success(.draft))
        for (state, step) in [
            (TrainingPlanState.draft, TrainingPlanStep.approve), (.approved, .approve), (.approved, .submit),
            (.draft, .reopen), (.submitted, .submit),
        ] {
            #expect(
                TrainingRules.transition(state, step, sessionCount: 2)
                    == .failure(FieldErrors(["plan": "training.error.state"])), "\(state) \(step)")
        }
        #expect(TrainingPlanState.allCases.filter(\.isEditable) == [.draft, .returned])
    }

    @Test(
        "a session: outside the plan's year, beyond its hours or budget, an area or method the plan does not hold — refused at the field"
    )
    func sessionValidation() {
        let others = [
            SessionFacts(state: .scheduled, scheduledOn: Self.day("2026-03-10"), hours: 12, costYuan: 6_000),
            SessionFacts(state: .cancelled, scheduledOn: Self.day("2026-04-10"), hours: 8, costYuan: 4_000),
        ]
        func check(
            _ day: String, hours: Double? = 8, cost: Int? = 4_000, area: String = "service_skills",
            method: String = "online"
        ) -> FieldErrors {
            TrainingRules.validateSession(
                title: "接待礼仪", trainer: "何敏", area: area, method: method, scheduledOn: CalendarDay(day), hours: hours,
                costYuan: cost,
                aimedFigures: ["satisfaction"], plan: Self.plan, otherSessions: others)
        }
        // 12 + 8 = 20 hours and 6,000 + 4,000 = 10,000 yuan: exactly the plan's; the cancelled session counts for nothing.
        #expect(check("2026-06-01").isEmpty)
        #expect(check("2027-01-05") == FieldErrors(["scheduledOn": "training.error.outside_year"]))
        #expect(check("2026-06-01", hours: 8.5) == FieldErrors(["hours": "training.error.over_hours"]))
        #expect(check("2026-06-01", cost: 4_001) == FieldErrors(["costYuan": "training.error.over_budget"]))
        #expect(
            check("2026-06-01", hours: -2, cost: -1)
                == FieldErrors(["hours": "training.error.hours", "costYuan": "training.error.not_negative"]))
        #expect(
            check("2026-06-01", area: "investment_business", method: "external")
                == FieldErrors(["area": "training.error.not_in_plan", "method": "training.error.not_in_plan"]))
        #expect(check("明天", area: "cooking").messages.keys.sorted() == ["area", "scheduledOn"])
        #expect(
            TrainingRules.validateSession(
                title: "", trainer: "", area: "service_skills", method: "internal", scheduledOn: Self.day("2026-05-01"),
                hours: 1,
                costYuan: 0, aimedFigures: ["contracts_signed"], plan: Self.plan, otherSessions: [])
                == FieldErrors([
                    "title": "validation.required", "trainer": "validation.required",
                    "aimedFigures": "validation.choose_from_list",
                ]))
    }

    @Test("scores on 0–100 and ratings 1–5; a rating only for a held session one attended")
    func scoresAndRatings() {
        #expect(TrainingRules.validateScore(100, field: "scoreAfter").isEmpty)
        #expect(TrainingRules.validateScore(nil, field: "scoreAfter").isEmpty)
        #expect(
            TrainingRules.validateScore(101, field: "scoreAfter")
                == FieldErrors(["scoreAfter": "assessment.error.score_range"]))
        #expect(
            TrainingRules.validateScore(-0.5, field: "scoreBefore")
                == FieldErrors(["scoreBefore": "assessment.error.score_range"]))
        #expect(TrainingRules.ratingProblem(sessionState: .held, attended: true, rating: 5).isEmpty)
        #expect(
            TrainingRules.ratingProblem(sessionState: .held, attended: true, rating: 6)
                == FieldErrors(["rating": "training.error.rating_range"]))
        #expect(
            TrainingRules.ratingProblem(sessionState: .held, attended: true, rating: nil)
                == FieldErrors(["rating": "validation.required"]))
        #expect(
            TrainingRules.ratingProblem(sessionState: .held, attended: false, rating: 4)
                == FieldErrors(["rating": "training.error.not_attended"]))
        #expect(
            TrainingRules.ratingProblem(sessionState: .held, attended: nil, rating: 4)
                == FieldErrors(["rating": "training.error.not_attended"]))
        #expect(
            TrainingRules.ratingProblem(sessionState: .scheduled, attended: true, rating: 4)
                == FieldErrors(["rating": "training.error.not_attended"]))
    }

    @Test(
        "plan totals and plan versus done: quantity of those due, on time within 7 days, attendance, average rating and score"
    )
    func planVersusDone() {
        let sessions = [
            // Held on its day: 4 enrolled, 3 attended, ratings 4 and 5, scores 80 and 90.
            SessionFacts(
                state: .held, scheduledOn: Self.day("2026-03-10"), heldOn: Self.day("2026-03-10"), hours: 4,
                costYuan: 2_000, enrolled: 4, attended: 3,
                ratings: [4, 5], scoresAfter: [80, 90]),
            // Held 7 days late: still on time. 2 enrolled, 2 attended, rating 3, score 70.
            SessionFacts(
                state: .held, scheduledOn: Self.day("2026-05-10"), heldOn: Self.day("2026-05-17"), hours: 6,
                costYuan: 3_000, enrolled: 2, attended: 2,
                ratings: [3], scoresAfter: [70]),
            // Held 8 days late: not on time. 2 enrolled, 1 attended.
            SessionFacts(
                state: .held, scheduledOn: Self.day("2026-07-01"), heldOn: Self.day("2026-07-09"), hours: 2,
                costYuan: 500, enrolled: 2, attended: 1),
            // Due and not held; cancelled; still ahead.
            SessionFacts(state: .scheduled, scheduledOn: Self.day("2026-09-01"), hours: 3, costYuan: 1_000),
            SessionFacts(state: .cancelled, scheduledOn: Self.day("2026-10-01"), hours: 5, costYuan: 4_000),
            SessionFacts(state: .scheduled, scheduledOn: Self.day("2026-12-20"), hours: 4, costYuan: 1_500),
        ]
        let totals = PlanTotals(sessions.filter { $0.state != .cancelled })
        #expect(totals.sessions == 5 && totals.hours == 19 && totals.costYuan == 8_000)
        let progress = PlanProgress(sessions, today: Self.day("2026-12-01"))
        #expect(progress.due == 4)
        #expect(progress.held == 3)
        #expect(progress.quantityPercent == 75)
        #expect(progress.heldOnTime == 2)
        #expect(progress.onTimePercent == 66.67)
        #expect(progress.cancelled == 1)
        #expect(progress.hoursDone == 12)
        #expect(progress.costDone == 5_500)
        // 6 attended of 8 enrolled; ratings (4 + 5 + 3) / 3; scores (80 + 90 + 70) / 3.
        #expect(progress.attendancePercent == 75)
        #expect(progress.averageRating == 4)
        #expect(progress.averageScoreAfter == 80)
        let empty = PlanProgress([], today: Self.day("2026-12-01"))
        #expect(
            empty.quantityPercent == nil && empty.onTimePercent == nil && empty.attendancePercent == nil
                && empty.averageRating == nil)
    }

    @Test(
        "effect: the same number of days before and after the session, the change of each aimed figure, final only after the span"
    )
    func effect() {
        let windows = TrainingEffect.windows(heldOn: Self.day("2026-03-10"), days: 30)
        #expect(windows.before == AssessmentPeriod(start: Self.day("2026-02-08"), end: Self.day("2026-03-09")))
        #expect(windows.after == AssessmentPeriod(start: Self.day("2026-03-11"), end: Self.day("2026-04-09")))
        #expect(windows.before.days == 30 && windows.after.days == 30)
        #expect(!TrainingEffect.isComplete(heldOn: Self.day("2026-03-10"), days: 30, today: Self.day("2026-04-09")))
        #expect(TrainingEffect.isComplete(heldOn: Self.day("2026-03-10"), days: 30, today: Self.day("2026-04-10")))
        #expect(!TrainingEffect.isComplete(heldOn: Self.day("2026-03-10"), days: 90, today: Self.day("2026-04-10")))
        // Replies on time 6 of 10 before (60 %), 9 of 10 after (90 %): +30 points.
        let replies = TrainingEffect.Change(
            figure: .repliesOnTime, before: .share(done: 6, of: 10), after: .share(done: 9, of: 10))
        #expect(replies.before == 60 && replies.after == 90 && replies.delta == 30 && replies.isImproved == true)
        // Satisfaction 4.5 from 2 surveys before, 4.0 from 3 after: −0.5.
        let satisfaction = TrainingEffect.Change(
            figure: .satisfaction, before: .average(4.5, count: 2), after: .average(4, count: 3))
        #expect(satisfaction.delta == -0.5 && satisfaction.isImproved == false)
        // Nothing due after the session: no share, no change — never a zero.
        let nothing = TrainingEffect.Change(
            figure: .complaintsInTime, before: .share(done: 1, of: 2), after: .share(done: 0, of: 0))
        #expect(nothing.before == 50 && nothing.after == nil && nothing.delta == nil && nothing.isImproved == nil)
        #expect(TrainingEffect.scoreGain(before: 62, after: 85.5) == 23.5)
        #expect(TrainingEffect.scoreGain(before: nil, after: 85) == nil)
    }

    @Test("outstanding trainee: attended, 90 or more after, and at least 10 points better when a test before was taken")
    func outstanding() {
        #expect(OutstandingTraineeRule.isOutstanding(attended: true, scoreBefore: 80, scoreAfter: 90))
        #expect(OutstandingTraineeRule.isOutstanding(attended: true, scoreBefore: nil, scoreAfter: 92))
        #expect(!OutstandingTraineeRule.isOutstanding(attended: true, scoreBefore: 85, scoreAfter: 94))
        #expect(!OutstandingTraineeRule.isOutstanding(attended: true, scoreBefore: 60, scoreAfter: 89.5))
        #expect(!OutstandingTraineeRule.isOutstanding(attended: false, scoreBefore: 60, scoreAfter: 95))
        #expect(!OutstandingTraineeRule.isOutstanding(attended: nil, scoreBefore: nil, scoreAfter: 95))
        #expect(!OutstandingTraineeRule.isOutstanding(attended: true, scoreBefore: 70, scoreAfter: nil))
    }
}
