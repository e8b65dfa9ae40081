import Foundation
import KefuDomain
import Testing

/// Follow-ups, inquiries and promised replies against a fixed clock: 2026-11-30 10:00 in Shanghai.
@Suite("Follow-ups, inquiries and promised replies (R3.1, R3.3)")
struct FrontLineTimingTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-30T02:00:00Z, a Monday, 10:00 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_796_004_000)
    static let plan = FollowUpPlanDraft(dueAt: "2026-12-02T14:00", channel: "phone", purpose: "确认厂房面积需求")

    static func completion(
        outcome: String = "客户确认下周来访", openAfter: Int = 0, stage: CustomerStage, next: FollowUpPlanDraft? = nil
    ) -> Result<FollowUpPlan?, FieldErrors> {
        FollowUpRule.completionProblems(
            outcome: outcome, openFollowUpsAfter: openAfter, stageAfter: stage, next: next, now: now, timeZone: shanghai
        )
    }

    static func messages<Value>(_ result: Result<Value, FieldErrors>) -> [String: String] {
        guard case .failure(let errors) = result else { return [:] }
        return errors.messages
    }

    // MARK: Dates as forms and clients send them

    @Test(
        "date-times are read in the office's time zone unless they carry their own",
        arguments: [
            ("2026-11-30T09:30", 1_796_002_200), ("2026-11-30 09:30", 1_796_002_200),
            ("2026-11-30T09:30:00", 1_796_002_200),
            (" 2026-11-30 09:30:00 ", 1_796_002_200), ("2026-11-29T10:00:00Z", 1_795_946_400),
            ("2026-11-29T18:00:00+08:00", 1_795_946_400),
            ("2026-11-29T18:00:00+0800", 1_795_946_400), ("2026-11-29T05:00:00-05:00", 1_795_946_400),
            ("2026-11-29T10:00:00.000Z", 1_795_946_400),
            ("2024-02-29T12:00", 1_709_179_200),
        ] as [(String, Int)])
    func parsesAcceptedForms(text: String, epochSeconds: Int) {
        #expect(
            LocalDateTime.parse(text, timeZone: Self.shanghai)
                == Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }

    @Test(
        "garbage and impossible dates are refused",
        arguments: [
            "", "明天下午", "2026-11-30", "2026/11/30 09:30", "2026-13-01T09:00", "2026-02-29T09:00", "2026-11-31T09:00",
            "2026-11-30T24:00", "2026-11-30T09:60", "2026-11-30T9:30", "2026-11-30T09:30:00+25:00",
            "2026-11-30T09:30Zjunk",
            "26-11-30T09:30",
        ])
    func refusesGarbage(text: String) {
        #expect(LocalDateTime.parse(text, timeZone: Self.shanghai) == nil)
    }

    // MARK: Follow-ups (R3.3)

    @Test("a plan is validated: due in the future, channel from the list, purpose required")
    func planValidation() throws {
        let plan = try FollowUpRule.validate(Self.plan, now: Self.now, timeZone: Self.shanghai).get()
        #expect(
            plan
                == FollowUpPlan(
                    dueAt: Date(timeIntervalSince1970: 1_796_004_000 + 2 * 86_400 + 4 * 3600), channel: .phone,
                    purpose: "确认厂房面积需求"))
        #expect(
            Self.messages(
                FollowUpRule.validate(
                    FollowUpPlanDraft(dueAt: "2026-11-30T09:59", channel: "pigeon", purpose: " "), now: Self.now,
                    timeZone: Self.shanghai
                )) == [
                    "dueAt": "validation.follow_up.due_past", "channel": "validation.choose_from_list",
                    "purpose": "validation.required",
                ])
        #expect(
            Self.messages(FollowUpRule.validate(FollowUpPlanDraft(), now: Self.now, timeZone: Self.shanghai))
                == ["dueAt": "validation.required", "channel": "validation.required", "purpose": "validation.required"])
        #expect(
            Self.messages(
                FollowUpRule.validate(
                    FollowUpPlanDraft(dueAt: "下周一", channel: "visit", purpose: String(repeating: "访", count: 501)),
                    now: Self.now, timeZone: Self.shanghai
                )) == ["dueAt": "validation.datetime", "purpose": "validation.too_long"])
    }

    @Test("a plan due now, in the current minute, is accepted; a second before the minute is past")
    func planDueNow() {
        let atNow = FollowUpPlanDraft(dueAt: "2026-11-30T10:00", channel: "wechat", purpose: "发送项目资料")
        #expect(throws: Never.self) {
            try FollowUpRule.validate(atNow, now: Self.now.addingTimeInterval(30), timeZone: Self.shanghai).get()
        }
        let secondBefore = FollowUpPlanDraft(dueAt: "2026-11-30T01:59:59Z", channel: "wechat", purpose: "发送项目资料")
        #expect(
            Self.messages(FollowUpRule.validate(secondBefore, now: Self.now, timeZone: Self.shanghai)) == [
                "dueAt": "validation.follow_up.due_past"
            ])
    }

    @Test(
        "completing the last follow-up of an intent or negotiating customer requires the next",
        arguments: [CustomerStage.intent, .negotiating])
    func nextRequired(stage: CustomerStage) throws {
        #expect(Self.messages(Self.completion(stage: stage)) == ["next": "validation.follow_up.next_required"])
        #expect(
            Self.messages(Self.completion(stage: stage, next: FollowUpPlanDraft())) == [
                "next": "validation.follow_up.next_required"
            ])
        let planned = try Self.completion(stage: stage, next: Self.plan).get()
        #expect(planned?.channel == .phone)
    }

    @Test("no next plan is needed when the stage moves to signed or lost, or other follow-ups stay open")
    func nextNotRequired() throws {
        #expect(try Self.completion(stage: .signed).get() == nil)
        #expect(try Self.completion(stage: .lost).get() == nil)
        #expect(try Self.completion(stage: .lead).get() == nil)
        #expect(try Self.completion(openAfter: 1, stage: .intent).get() == nil)
    }

    @Test("completion needs an outcome, and a given next plan must be valid")
    func completionProblems() {
        let pastPlan = FollowUpPlanDraft(dueAt: "2026-11-29T10:00", channel: "phone", purpose: "回电")
        #expect(
            Self.messages(Self.completion(outcome: "  ", stage: .negotiating, next: pastPlan))
                == ["outcome": "validation.required", "nextDueAt": "validation.follow_up.due_past"])
        #expect(
            Self.messages(Self.completion(outcome: String(repeating: "果", count: 1001), openAfter: 2, stage: .signed))
                == ["outcome": "validation.too_long"])
    }

    @Test("moving a customer into intent or negotiating needs a follow-up open")
    func stageChange() {
        #expect(FollowUpRule.stageChangeProblem(to: .intent, openFollowUps: 0) == "validation.follow_up.plan_required")
        #expect(
            FollowUpRule.stageChangeProblem(to: .negotiating, openFollowUps: 0) == "validation.follow_up.plan_required")
        #expect(FollowUpRule.stageChangeProblem(to: .intent, openFollowUps: 1) == nil)
        #expect(FollowUpRule.stageChangeProblem(to: .signed, openFollowUps: 0) == nil)
        #expect(FollowUpRule.stageChangeProblem(to: .lost, openFollowUps: 0) == nil)
    }

    @Test("a follow-up is overdue only strictly after its due time, and never once completed")
    func followUpOverdue() {
        #expect(!FollowUpRule.isOverdue(dueAt: Self.now, completedAt: nil, now: Self.now))
        #expect(FollowUpRule.isOverdue(dueAt: Self.now.addingTimeInterval(-1), completedAt: nil, now: Self.now))
        #expect(
            !FollowUpRule.isOverdue(dueAt: Self.now.addingTimeInterval(-86_400), completedAt: Self.now, now: Self.now))
        #expect(!FollowUpRule.isOverdue(dueAt: Self.now.addingTimeInterval(1), completedAt: nil, now: Self.now))
    }

    @Test("the week view runs Monday to Sunday in the office's time zone")
    func weekDays() {
        // 2026-11-29 (Sunday) 20:00 in Shanghai
        let sundayEvening = Date(timeIntervalSince1970: 1_795_946_400 + 2 * 3600)
        let previousMonday = Date(timeIntervalSince1970: 1_795_363_200)  // 2026-11-23 00:00 in Shanghai
        #expect(
            FollowUpRule.weekDays(containing: sundayEvening, timeZone: Self.shanghai)
                == (0..<7).map { previousMonday.addingTimeInterval(Double($0) * 86_400) })
        let week = FollowUpRule.weekDays(containing: Self.now, timeZone: Self.shanghai)
        #expect(week.first == Date(timeIntervalSince1970: 1_795_363_200 + 7 * 86_400))
        #expect(week.count == 7)
    }

    // MARK: Inquiries and promised replies (R3.1)

    @Test("an inquiry answered on the spot closes; received time defaults to now")
    func answeredInquiry() throws {
        let draft = InquiryDraft(
            channel: "phone", question: "园区厂房的租金是多少？", needs: "5000 平方米", answer: "每月每平方米 35 元", answeredOnTheSpot: true
        )
        let values = try InquiryValidation.validate(draft, now: Self.now, timeZone: Self.shanghai).get()
        #expect(
            values
                == InquiryValues(
                    channel: .phone, receivedAt: Self.now, question: "园区厂房的租金是多少？", needs: "5000 平方米",
                    answer: "每月每平方米 35 元", outcome: .answered
                ))
    }

    @Test("an inquiry not answered on the spot becomes a promised reply with the deadline told")
    func promisedInquiry() throws {
        let draft = InquiryDraft(
            channel: "online_chat", receivedAt: "2026-11-30T09:40", question: "能否提供环评资料？", answeredOnTheSpot: false,
            promisedBy: "2026-12-01T17:00"
        )
        let values = try InquiryValidation.validate(draft, now: Self.now, timeZone: Self.shanghai).get()
        #expect(values.receivedAt == Self.now.addingTimeInterval(-20 * 60))
        #expect(values.outcome == .promised(deadline: Date(timeIntervalSince1970: 1_796_004_000 + 31 * 3600)))
        #expect(values.answer == nil)
        #expect(values.needs == nil)
    }

    @Test("inquiry problems: no deadline, deadline past, no answer, received in the future, unknown channel")
    func inquiryProblems() {
        func problems(_ draft: InquiryDraft) -> [String: String] {
            Self.messages(InquiryValidation.validate(draft, now: Self.now, timeZone: Self.shanghai))
        }
        #expect(
            problems(InquiryDraft(channel: "email", question: "问题", answeredOnTheSpot: false))
                == ["promisedBy": "validation.inquiry.deadline_required"])
        #expect(
            problems(
                InquiryDraft(channel: "email", question: "问题", answeredOnTheSpot: false, promisedBy: "2026-11-30T10:00")
            )
                == ["promisedBy": "validation.inquiry.deadline_past"])
        #expect(
            problems(InquiryDraft(channel: "email", question: "问题", answer: "  ", answeredOnTheSpot: true))
                == ["answer": "validation.inquiry.answer_required"])
        #expect(
            problems(InquiryDraft(channel: "fax", receivedAt: "2026-11-30T10:06", question: "", answer: "好的"))
                == [
                    "channel": "validation.choose_from_list", "receivedAt": "validation.inquiry.received_future",
                    "question": "validation.required",
                ])
        #expect(
            problems(InquiryDraft(channel: "visit", receivedAt: "2026-11-30T10:05", question: "问题", answer: "答复"))
                .isEmpty,
            "five minutes ahead is clock skew, not the future")
        #expect(
            problems(InquiryDraft(channel: "wechat", receivedAt: "昨天", question: "问题", answer: "答复"))
                == ["receivedAt": "validation.datetime"])
    }

    @Test("a promised reply is due soon from two hours before its deadline and overdue strictly after it")
    func promisedReplyStates() {
        let deadline = Self.now
        func state(_ offset: TimeInterval, repliedAt: Date? = nil) -> PromisedReplyState {
            PromisedReplyRule.state(deadline: deadline, repliedAt: repliedAt, now: deadline.addingTimeInterval(offset))
        }
        #expect(state(-2 * 3600 - 1) == .open)
        #expect(state(-2 * 3600) == .dueSoon)
        #expect(state(0) == .dueSoon)
        #expect(state(1) == .overdue)
        #expect(state(86_400, repliedAt: deadline) == .repliedOnTime)
        #expect(state(86_400, repliedAt: deadline.addingTimeInterval(1)) == .repliedLate)
    }

    @Test("response minutes and punctuality")
    func measurements() {
        #expect(
            PromisedReplyRule.responseMinutes(receivedAt: Self.now, firstAnsweredAt: Self.now.addingTimeInterval(359))
                == 5)
        #expect(
            PromisedReplyRule.responseMinutes(receivedAt: Self.now, firstAnsweredAt: Self.now.addingTimeInterval(-120))
                == 0)
        let deadline = Self.now
        let replies: [(deadline: Date, repliedAt: Date?)] = [
            (deadline, deadline), (deadline, deadline.addingTimeInterval(-3600)),
            (deadline, deadline.addingTimeInterval(60)), (deadline, nil),
        ]
        #expect(PromisedReplyRule.punctuality(replies) == .init(replied: 3, onTime: 2, rate: 2.0 / 3.0))
        #expect(PromisedReplyRule.punctuality([(deadline, nil)]) == .init(replied: 0, onTime: 0, rate: nil))
    }
}
