import KefuDomain
import Testing

@Suite("Work plans: the result at the end of the period (R2.2)")
struct WorkPlanResultRuleTests {
    @Test("a plan's result is recorded from the period's last day on, not before")
    func resultAtTheEnd() {
        let november = AssessmentPeriod(start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!)!
        #expect(
            WorkPlanRules.resultProblem(period: november, today: CalendarDay("2026-11-29")!)
                == "plan.error.result_before_end")
        #expect(
            WorkPlanRules.resultProblem(period: november, today: CalendarDay("2026-11-01")!)
                == "plan.error.result_before_end")
        #expect(WorkPlanRules.resultProblem(period: november, today: CalendarDay("2026-11-30")!) == nil)
        #expect(WorkPlanRules.resultProblem(period: november, today: CalendarDay("2027-01-15")!) == nil)
    }
}
