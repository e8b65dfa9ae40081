import Foundation
import KefuDomain
import Testing

@Suite("Monthly report rules (issue 16 §6): which month, what a draft holds, when it may be issued")
struct MonthlyReportRulesTests {
    let today = CalendarDay(year: 2026, month: 11, day: 30)!

    @Test("a month is written as 2026-11, not before 2000 and not one still to come")
    func months() throws {
        #expect(try MonthlyReportRules.month("2026-11", today: today).get() == ReportMonth(year: 2026, month: 11))
        #expect(try MonthlyReportRules.month(" 2026-10 ", today: today).get() == ReportMonth(year: 2026, month: 10))
        let cases: [(String?, String)] = [
            (nil, "validation.required"), ("", "validation.required"), ("2026-12", "validation.monthly_report.future"),
            ("2026-13", "validation.report.month_format"), ("1999-12", "validation.report.month_format"),
            ("十一月", "validation.report.month_format"),
            ("2026-1", "validation.report.month_format"),
        ]
        for (text, key) in cases {
            guard case .failure(let errors) = MonthlyReportRules.month(text, today: today) else {
                Issue.record("\(String(describing: text)) accepted")
                continue
            }
            #expect(errors.messages == ["month": key], "\(String(describing: text))")
        }
    }

    @Test("a draft holds up to 5,000 characters a section; an issued report holds nothing new")
    func drafts() {
        let long = String(repeating: "问", count: 5_001)
        #expect(
            MonthlyReportRules.validateDraft(.init(summary: "总结", problems: "", nextPlan: ""), state: .draft).isEmpty)
        #expect(
            MonthlyReportRules.validateDraft(.init(summary: "", problems: long, nextPlan: ""), state: .draft).messages
                == ["problems": "validation.too_long"])
        #expect(
            MonthlyReportRules.validateDraft(.init(summary: "改", problems: "", nextPlan: ""), state: .issued).messages[
                "state"]
                == "validation.monthly_report.issued")
    }

    @Test("issued only when the month is over and every section is written; trimmed blanks do not count")
    func issuing() {
        let full = MonthlyReportSections(summary: "总结", problems: "问题", nextPlan: "计划")
        let october = ReportMonth(year: 2026, month: 10), november = ReportMonth(year: 2026, month: 11)
        #expect(MonthlyReportRules.validateIssue(full, state: .draft, month: october, today: today).isEmpty)
        #expect(
            MonthlyReportRules.validateIssue(full, state: .draft, month: november, today: today).messages == [
                "month": "validation.monthly_report.month_not_over"
            ])
        #expect(
            MonthlyReportRules.validateIssue(
                full, state: .draft, month: november, today: CalendarDay(year: 2026, month: 12, day: 1)!
            ).isEmpty)
        let blank = MonthlyReportSections(summary: "  \n", problems: "问题", nextPlan: "")
        #expect(
            MonthlyReportRules.validateIssue(blank, state: .draft, month: october, today: today).messages
                == [
                    "summary": "validation.monthly_report.section_required",
                    "nextPlan": "validation.monthly_report.section_required",
                ])
        #expect(
            MonthlyReportRules.validateIssue(full, state: .issued, month: october, today: today).messages == [
                "state": "validation.monthly_report.issued"
            ])
        #expect(november.period == ReportPeriod(from: CalendarDay(year: 2026, month: 11, day: 1)!, to: today))
        #expect(ReportMonth(year: 2028, month: 2).period.to == CalendarDay(year: 2028, month: 2, day: 29)!)
    }
}
