import Foundation
import KefuDomain
import Testing

/// R4.3 #3, issue 13 §6–7: the return-visit schedule per grade with fixed dates, the visit's result and
/// its problems, the supervisor's settings, and the feedback's steps.
@Suite("Return visits and feedback: schedule per grade, results, settings (R4.3)")
struct ReturnVisitRulesTests {
    static let day: TimeInterval = 86400
    /// 2026-12-02 09:00 China time.
    static let now = Date(timeIntervalSince1970: 1_796_173_200)

    static func candidate(
        _ id: Int, grade: String?, sinceDaysAgo: Double, lastVisitDaysAgo: Double? = nil, open: Bool = false
    ) -> ReturnVisitCandidate {
        ReturnVisitCandidate(
            customerID: id, grade: grade, since: now - sinceDaysAgo * day,
            lastVisitAt: lastVisitDaysAgo.map { now - $0 * day }, hasOpenVisit: open)
    }

    @Test("the interval follows the grade: A monthly, D twice a year, no grade the default")
    func gradeIntervals() {
        let settings = ReturnVisitSettings.standard
        #expect(settings.days(forGrade: "A") == 30)
        #expect(settings.days(forGrade: "B") == 60)
        #expect(settings.days(forGrade: "D") == 180)
        #expect(settings.days(forGrade: nil) == 90)
        #expect(settings.days(forGrade: "Z") == 90)
        // The last visit counts from when it was done; without one, from when the relationship began.
        #expect(
            ReturnVisitSchedule.nextDue(
                Self.candidate(1, grade: "A", sinceDaysAgo: 400, lastVisitDaysAgo: 10), settings: settings) == Self.now
                + 20 * Self.day)
        #expect(
            ReturnVisitSchedule.nextDue(Self.candidate(2, grade: "B", sinceDaysAgo: 45), settings: settings) == Self.now
                + 15 * Self.day)
    }

    @Test(
        "visits open when they fall due within the week ahead; overdue ones at once; none beside a visit already due; a customer once"
    )
    func visitsToOpen() {
        let candidates = [
            Self.candidate(1, grade: "A", sinceDaysAgo: 200, lastVisitDaysAgo: 25),  // due in 5 days: opens
            Self.candidate(2, grade: "A", sinceDaysAgo: 200, lastVisitDaysAgo: 10),  // due in 20 days: not yet
            Self.candidate(3, grade: "D", sinceDaysAgo: 365),  // overdue by 185 days: opens
            Self.candidate(4, grade: "C", sinceDaysAgo: 365, open: true),  // already has a visit due
            Self.candidate(3, grade: "D", sinceDaysAgo: 365),  // listed twice: once
            Self.candidate(5, grade: nil, sinceDaysAgo: 83),  // ungraded, due in exactly 7 days: opens
            Self.candidate(6, grade: nil, sinceDaysAgo: 82),  // due in 8 days: not yet
        ]
        let opened = ReturnVisitSchedule.visitsToOpen(candidates, settings: .standard, now: Self.now)
        #expect(
            opened == [
                ScheduledVisit(customerID: 1, dueAt: Self.now + 5 * Self.day),
                ScheduledVisit(customerID: 3, dueAt: Self.now - 185 * Self.day),
                ScheduledVisit(customerID: 5, dueAt: Self.now + 7 * Self.day),
            ])
        // The scan run again after the visits were opened opens nothing more.
        let again = candidates.map { c in
            var c = c
            c.hasOpenVisit = c.hasOpenVisit || opened.contains { $0.customerID == c.customerID }
            return c
        }
        #expect(ReturnVisitSchedule.visitsToOpen(again, settings: .standard, now: Self.now).isEmpty)
    }

    @Test("changed intervals move the schedule")
    func changedIntervals() {
        let settings = ReturnVisitSettings(
            daysByGrade: ["A": 14, "B": 60, "C": 90, "D": 180], ungradedDays: 120, lowScore: 2)
        let opened = ReturnVisitSchedule.visitsToOpen(
            [Self.candidate(1, grade: "A", sinceDaysAgo: 100, lastVisitDaysAgo: 10)], settings: settings, now: Self.now)
        #expect(opened == [ScheduledVisit(customerID: 1, dueAt: Self.now + 4 * Self.day)])
    }

    @Test("overdue only while due and past its day")
    func overdue() {
        #expect(ReturnVisitSchedule.isOverdue(dueAt: Self.now - 60, state: .due, now: Self.now))
        #expect(!ReturnVisitSchedule.isOverdue(dueAt: Self.now + 60, state: .due, now: Self.now))
        #expect(!ReturnVisitSchedule.isOverdue(dueAt: Self.now - 60, state: .done, now: Self.now))
    }

    @Test("a visit without a result, a score outside 1–5 and a problem without text are refused at their fields")
    func badResults() {
        let empty = ReturnVisitRules.result(
            channel: "phone", satisfaction: "", cooperation: "", notes: nil, problems: [])
        #expect(
            empty
                == .failure(
                    FieldErrors([
                        "satisfaction": "return_visit.result_required", "cooperation": "return_visit.result_required",
                    ])))
        let outside = ReturnVisitRules.result(
            channel: "fax", satisfaction: "6", cooperation: "good", notes: nil, problems: [])
        #expect(
            outside
                == .failure(
                    FieldErrors(["satisfaction": "survey.score_range", "channel": "validation.choose_from_list"])))
        let noText = ReturnVisitRules.result(
            channel: "phone", satisfaction: "4", cooperation: "good", notes: nil,
            problems: [ProblemInput(text: "班车太少", route: "feedback"), ProblemInput(text: "  ", route: "complaint")])
        #expect(noText == .failure(FieldErrors(["problems.1.text": "return_visit.problem_text_required"])))
        let noRoute = ReturnVisitRules.result(
            channel: "phone", satisfaction: "4", cooperation: "good", notes: nil,
            problems: [ProblemInput(text: "班车太少", route: "")])
        #expect(noRoute == .failure(FieldErrors(["problems.0.route": "validation.choose_from_list"])))
    }

    @Test("a good result keeps its problems in order and skips empty rows")
    func goodResult() throws {
        let result = try ReturnVisitRules.result(
            channel: "visit", satisfaction: "3", cooperation: "strained", notes: " 厂房运行正常 ",
            problems: [
                ProblemInput(text: nil, route: nil), ProblemInput(text: "道路未完工", route: "complaint"),
                ProblemInput(text: "", route: "none"), ProblemInput(text: "希望增加班车", route: "feedback"),
            ]
        ).get()
        #expect(result.satisfaction == 3 && result.cooperation == .strained && result.notes == "厂房运行正常")
        #expect(
            result.problems == [
                ReturnVisitProblem(text: "道路未完工", route: .complaint),
                ReturnVisitProblem(text: "希望增加班车", route: .feedback),
            ])
    }

    @Test("settings: days within 7–730 per grade, a low score 1–4")
    func settings() throws {
        let good = try ReturnVisitRules.settings(
            daysByGrade: ["A": "30", "B": "60", "C": "90", "D": "180"], ungradedDays: "90", lowScore: "2"
        ).get()
        #expect(good == .standard)
        let bad = ReturnVisitRules.settings(
            daysByGrade: ["A": "3", "B": "60", "C": "", "D": "abc"], ungradedDays: "900", lowScore: "5")
        #expect(
            bad
                == .failure(
                    FieldErrors([
                        "daysA": "return_visit.days_range", "daysC": "validation.required",
                        "daysD": "return_visit.days_range",
                        "ungradedDays": "return_visit.days_range", "lowScore": "return_visit.low_score_range",
                    ])))
        #expect(SurveyRules.isLow(2, threshold: good.lowScore) && !SurveyRules.isLow(3, threshold: good.lowScore))
    }

    @Test(
        "feedback: text required, a project when about one; forwarded only with a department and a due date ahead; answered only when forwarded"
    )
    func feedback() {
        #expect(
            FeedbackRules.validate(kind: "opinion", topic: "project", projectID: nil, content: " ")
                == FieldErrors(["projectID": "feedback.project_required", "content": "validation.required"]))
        #expect(FeedbackRules.validate(kind: "suggestion", topic: "service", projectID: nil, content: "希望增加班车").isEmpty)
        #expect(
            FeedbackRules.validateForward(
                departmentID: nil, departmentExists: false, request: "请答复", dueAt: Self.now + 86400, dueText: "x",
                now: Self.now)
                == FieldErrors(["departmentID": "validation.required"]))
        #expect(
            FeedbackRules.validateForward(
                departmentID: 3, departmentExists: true, request: "请答复", dueAt: Self.now - 60, dueText: "x",
                now: Self.now)
                == FieldErrors(["dueAt": "complaint.forward.due_past"]))
        #expect(
            FeedbackRules.validateForward(
                departmentID: 3, departmentExists: true, request: "", dueAt: nil, dueText: "", now: Self.now)
                == FieldErrors(["request": "validation.required", "dueAt": "validation.required"]))
        #expect(FeedbackRules.mayAnswer(.recorded) == FeedbackRefusal("state", "feedback.refused.not_forwarded"))
        #expect(FeedbackRules.mayAnswer(.forwarded) == nil)
        #expect(FeedbackRules.mayClose(.forwarded) == FeedbackRefusal("state", "feedback.refused.waiting"))
        #expect(FeedbackRules.mayClose(.answered) == nil)
        #expect(FeedbackRules.mayForward(.closed) != nil && FeedbackRules.mayForward(.answered) == nil)
    }
}

@Suite("Surveys after every matter: when a link may be sent (issue 13 §5)")
struct SurveySubjectRulesTests {
    @Test(
        "a link goes out once the matter is finished: complaint closed, inquiry answered, contract signed, visit done")
    func finished() {
        #expect(SurveyRules.refusal(.complaint, complaintClosed: false) == "survey.complaint_not_closed")
        #expect(SurveyRules.refusal(.complaint, complaintClosed: true) == nil)
        #expect(SurveyRules.refusal(.inquiry, inquiryAnswered: false) == "survey.inquiry_not_answered")
        #expect(SurveyRules.refusal(.inquiry, inquiryAnswered: true) == nil)
        for state in ["draft", "legal_review_passed", "cancelled"] {
            #expect(SurveyRules.refusal(.contract, contractState: state) == "survey.contract_not_signed")
        }
        for state in ["signed", "in_execution", "completed"] {
            #expect(SurveyRules.refusal(.contract, contractState: state) == nil)
        }
        #expect(SurveyRules.refusal(.returnVisit, visitDone: false) == "survey.return_visit_not_done")
        #expect(SurveyRules.refusal(.returnVisit, visitDone: true) == nil)
    }
}

@Suite("Complaint settings: categories and the escalation ladder (issue 13 §1, §4)")
struct ComplaintSettingsRulesTests {
    @Test("the ladder keeps its roles; shares rise with the level within 25–500 %; a named person must be active")
    func ladder() throws {
        let good = try ComplaintSettingsRules.ladder(
            [
                EscalationLevelInput(level: 1, staffID: nil, percent: "60"),
                EscalationLevelInput(level: 2, staffID: 2, percent: "100"),
                EscalationLevelInput(level: 3, staffID: 7, percent: "200"),
            ], activeStaff: [2, 7]
        ).get()
        #expect(
            good == [
                EscalationLevel(level: 1, role: .specialist, atShare: 0.6),
                EscalationLevel(level: 2, role: .supervisor, staffID: 2, atShare: 1.0),
                EscalationLevel(level: 3, role: .leadership, staffID: 7, atShare: 2.0),
            ])
        let bad = ComplaintSettingsRules.ladder(
            [
                EscalationLevelInput(level: 1, staffID: nil, percent: "120"),
                EscalationLevelInput(level: 2, staffID: 9, percent: "100"),
                EscalationLevelInput(level: 3, staffID: nil, percent: ""),
            ], activeStaff: [2])
        #expect(
            bad
                == .failure(
                    FieldErrors([
                        "level2.percent": "complaint.ladder.rising", "level2.staffID": "validation.choose_from_list",
                        "level3.percent": "validation.required",
                    ])))
        guard
            case .failure(let low) = ComplaintSettingsRules.ladder(
                [EscalationLevelInput(level: 1, staffID: nil, percent: "10")], activeStaff: [])
        else {
            Issue.record("a share of 10 % was accepted")
            return
        }
        #expect(low.messages["level1.percent"] == "complaint.ladder.range")
    }

    @Test("a category needs a name of its own; a new one a code of lower-case letters")
    func category() {
        #expect(
            ComplaintSettingsRules.category(
                code: "parking", name: "停车", otherNames: ["服务态度"], existingCodes: ["other"], isNew: true
            ).isEmpty)
        #expect(
            ComplaintSettingsRules.category(
                code: "Parking!", name: "服务态度", otherNames: ["服务态度"], existingCodes: [], isNew: true)
                == FieldErrors(["code": "complaint.category.code_format", "name": "complaint.category.taken"]))
        #expect(
            ComplaintSettingsRules.category(code: nil, name: " ", otherNames: [], existingCodes: [], isNew: false)
                == FieldErrors(["name": "validation.required"]))
    }
}
