import Foundation
import KefuDomain
import Testing

@Suite("Reports: comparison periods, months, weekdays and step-time statistics (R1.4)")
struct StepTimeRulesTests {
    func day(_ text: String) -> CalendarDay { CalendarDay(text)! }

    @Test(
        "the previous period has the same length and ends the day before; last year's keeps the days, 29 February reads as 28"
    )
    func comparedPeriods() {
        let november = ReportPeriod(from: day("2026-11-01"), to: day("2026-11-30"))
        #expect(november.previous == ReportPeriod(from: day("2026-10-02"), to: day("2026-10-31")))
        #expect(november.previous.days == 30)
        #expect(november.sameDaysLastYear == ReportPeriod(from: day("2025-11-01"), to: day("2025-11-30")))
        let leap = ReportPeriod(from: day("2028-02-01"), to: day("2028-02-29"))
        #expect(leap.sameDaysLastYear == ReportPeriod(from: day("2027-02-01"), to: day("2027-02-28")))
        #expect(leap.previous == ReportPeriod(from: day("2028-01-03"), to: day("2028-01-31")))
        let oneDay = ReportPeriod(from: day("2026-03-01"), to: day("2026-03-01"))
        #expect(oneDay.previous == ReportPeriod(from: day("2026-02-28"), to: day("2026-02-28")))
    }

    @Test(
        "the twelve months to today start on the first of the month eleven months back; a period lists the months it touches"
    )
    func months() {
        let year = ReportPeriod.lastTwelveMonths(endingOn: day("2026-12-02"))
        #expect(year == ReportPeriod(from: day("2026-01-01"), to: day("2026-12-02")))
        #expect(year.months.count == 12)
        #expect(year.months.first?.description == "2026-01" && year.months.last?.description == "2026-12")
        let span = ReportPeriod(from: day("2025-11-20"), to: day("2026-02-03"))
        #expect(span.months.map(\.description) == ["2025-11", "2025-12", "2026-01", "2026-02"])
        #expect(ReportPeriod.lastTwelveMonths(endingOn: day("2026-03-31")).from == day("2025-04-01"))
        #expect(ReportMonth("2026-11") == ReportMonth(year: 2026, month: 11))
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01", "", "abcd-ef"] {
            #expect(ReportMonth(bad) == nil, "\(bad)")
        }
        #expect(ReportMonth(year: 2026, month: 1).adding(months: -1).description == "2025-12")
    }

    @Test("weekdays count from Thursday 1 January 1970, Monday first")
    func weekdays() {
        #expect(LocalClock.weekday(daysSinceEpoch: 0) == 3)
        #expect(LocalClock.weekday(daysSinceEpoch: day("2026-11-30").daysSinceEpoch) == 0)  // a Monday
        #expect(LocalClock.weekday(daysSinceEpoch: day("2026-12-06").daysSinceEpoch) == 6)  // a Sunday
        #expect(LocalClock.weekday(daysSinceEpoch: -1) == 2)
    }

    @Test("median is the middle value or the mean of the two middle ones; the 90th percentile is the nearest rank")
    func statistics() {
        #expect(StepTimeStatistics.median([]) == nil)
        #expect(StepTimeStatistics.median([5]) == 5)
        #expect(StepTimeStatistics.median([9, 1, 5]) == 5)
        #expect(StepTimeStatistics.median([4, 1, 3, 2]) == 2.5)
        let ten = (1...10).map(Double.init)
        #expect(StepTimeStatistics.percentile(ten, 90) == 9)
        #expect(StepTimeStatistics.percentile(ten + [11], 90) == 10)
        #expect(StepTimeStatistics.percentile([7], 90) == 7)
        #expect(StepTimeStatistics.percentile([], 90) == nil)
        // Seconds to hours; a negative duration (a clock set wrong) counts as zero.
        let summary = StepTimeStatistics.summarize(seconds: [3_600, 7_200, -60, 36_000])
        #expect(summary == StepDuration(count: 4, medianHours: 1.5, p90Hours: 10))
    }

    @Test("monthly summaries cover every month of the period, empty months included; samples outside are left out")
    func monthly() {
        let months = [ReportMonth(year: 2026, month: 10), ReportMonth(year: 2026, month: 11)]
        let samples: [(month: ReportMonth, seconds: Double)] = [
            (months[1], 3_600), (months[1], 10_800), (ReportMonth(year: 2026, month: 9), 99_999),
        ]
        let result = StepTimeStatistics.monthly(samples, months: months)
        #expect(result.map(\.month) == months)
        #expect(result[0].duration == StepDuration(count: 0, medianHours: nil, p90Hours: nil))
        #expect(result[1].duration == StepDuration(count: 2, medianHours: 2, p90Hours: 3))
    }
}

@Suite("Reports: budget bands and the needs that grew and fell most (R2.2)")
struct NeedsAnalysisRulesTests {
    @Test("a budget falls in a band by its top, or its bottom when only that is known")
    func budgetBands() {
        #expect(BudgetBand.of(minYuan: nil, maxYuan: nil) == .unknown)
        #expect(BudgetBand.of(minYuan: 200_000, maxYuan: 999_999) == .under1m)
        #expect(BudgetBand.of(minYuan: 200_000, maxYuan: 1_000_000) == .from1mTo5m)
        #expect(BudgetBand.of(minYuan: 6_000_000, maxYuan: nil) == .from5mTo10m)
        #expect(BudgetBand.of(minYuan: nil, maxYuan: 49_999_999) == .from10mTo50m)
        #expect(BudgetBand.of(minYuan: 1, maxYuan: 50_000_000) == .from50m)
    }

    @Test(
        "changes list every need of either period; the callouts name the largest rises and falls, not the needs that stayed"
    )
    func callouts() {
        let changes = NeedsTrend.changes(
            current: ["technology": 12, "retail": 3, "logistics": 5, "finance": 4],
            previous: ["technology": 4, "retail": 9, "logistics": 5, "agriculture": 2],
            order: ["technology", "retail", "logistics"])
        #expect(changes.map(\.key) == ["technology", "retail", "logistics", "agriculture", "finance"])
        #expect(changes.map(\.change) == [8, -6, 0, -2, 4])
        #expect(changes[0].ratio == 2)
        #expect(changes[4].ratio == nil)
        let (growing, falling) = NeedsTrend.callouts(changes, limit: 3)
        #expect(growing.map(\.key) == ["technology", "finance"])
        #expect(falling.map(\.key) == ["retail", "agriculture"])
        #expect(NeedsTrend.callouts(changes, limit: 1).growing.map(\.key) == ["technology"])
    }
}
