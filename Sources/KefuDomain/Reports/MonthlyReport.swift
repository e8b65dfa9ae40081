import Foundation

/// Where a monthly report stands (issue 16 §6): the supervisor drafts it; once issued it is the record of
/// what was reported upward and never changes again.
public enum MonthlyReportState: String, CaseIterable, Codable, Sendable {
    case draft
    case issued
}

/// The supervisor's own words in a monthly report: what the month was, what went wrong, what comes next.
public struct MonthlyReportSections: Equatable, Sendable {
    public var summary: String
    public var problems: String
    public var nextPlan: String

    public init(summary: String, problems: String, nextPlan: String) {
        self.summary = summary
        self.problems = problems
        self.nextPlan = nextPlan
    }

    /// The sections trimmed, as they are stored.
    public var trimmed: MonthlyReportSections {
        MonthlyReportSections(
            summary: summary.trimmingCharacters(in: .whitespacesAndNewlines),
            problems: problems.trimmingCharacters(in: .whitespacesAndNewlines),
            nextPlan: nextPlan.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The form fields in order, with their text.
    public var fields: [(name: String, text: String)] {
        [("summary", summary), ("problems", problems), ("nextPlan", nextPlan)]
    }
}

/// The rules of the monthly report (issue 16 §6, S5): which month may be reported, what a draft may
/// hold, and when it may be issued. Refusals are message keys at a field.
public enum MonthlyReportRules {
    /// The longest text of one section.
    public static let maximumLength = 5_000
    /// The earliest month a report is written for.
    public static let earliestMonth = ReportMonth(year: 2000, month: 1)

    /// The month of a new report: "2026-11", not before 2000 and not after `today`'s month (a month is
    /// drafted while it runs, so the supervisor can write as it goes).
    public static func month(_ text: String?, today: CalendarDay) -> Result<ReportMonth, FieldErrors> {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return .failure(FieldErrors(["month": "validation.required"])) }
        guard let month = ReportMonth(trimmed), month >= earliestMonth else {
            return .failure(FieldErrors(["month": "validation.report.month_format"]))
        }
        guard month <= ReportMonth(today) else {
            return .failure(FieldErrors(["month": "validation.monthly_report.future"]))
        }
        return .success(month)
    }

    /// What may be saved in a draft: each section at most ``maximumLength`` characters; an issued
    /// report is refused whatever it holds.
    public static func validateDraft(_ sections: MonthlyReportSections, state: MonthlyReportState) -> FieldErrors {
        var errors = FieldErrors()
        if state == .issued { errors.add("state", "validation.monthly_report.issued") }
        for (name, text) in sections.trimmed.fields where text.count > maximumLength {
            errors.add(name, "validation.too_long")
        }
        return errors
    }

    /// Whether the report may be issued now: a draft, of a month that is over (its figures are complete),
    /// with every section written.
    public static func validateIssue(
        _ sections: MonthlyReportSections, state: MonthlyReportState, month: ReportMonth,
        today: CalendarDay
    ) -> FieldErrors {
        var errors = validateDraft(sections, state: state)
        guard errors.isEmpty else { return errors }
        if month >= ReportMonth(today) { errors.add("month", "validation.monthly_report.month_not_over") }
        for (name, text) in sections.trimmed.fields where text.isEmpty {
            errors.add(name, "validation.monthly_report.section_required")
        }
        return errors
    }
}

extension ReportMonth {
    /// The month's days, first to last.
    public var period: ReportPeriod {
        let next = adding(months: 1)
        let first = CalendarDay(year: year, month: month, day: 1)!
        return ReportPeriod(from: first, to: CalendarDay(year: next.year, month: next.month, day: 1)!.adding(days: -1))
    }
}
