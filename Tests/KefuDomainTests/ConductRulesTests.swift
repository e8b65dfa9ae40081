import Foundation
import KefuDomain
import Testing

/// R6.2, R7.1, R7.2: the shortlist of the monthly excellent-service award, ranked from known figures with
/// its reasons; a penalty without a cause; appeals within and after the deadline, once, by the person.
@Suite("Conduct: award shortlist, penalties with their cause, appeals (R6.2, R7.1, R7.2)")
struct ConductRulesTests {
    static let lina = ShortlistCandidate(
        staffID: 3, name: "李娜",
        figures: [
            .satisfaction: .average(4.8, count: 5), .repliesOnTime: .share(done: 9, of: 10),
            .followUpsOnTime: .share(done: 19, of: 20),
            .complaintsInTime: .share(done: 2, of: 2),
        ], violations: 0)
    static let zhangwei = ShortlistCandidate(
        staffID: 4, name: "张伟",
        figures: [
            .satisfaction: .average(4.5, count: 2), .repliesOnTime: .share(done: 10, of: 10),
            .followUpsOnTime: .share(done: 20, of: 20),
        ], violations: 0)
    static let zhaolei = ShortlistCandidate(
        staffID: 7, name: "赵磊",
        figures: [
            .satisfaction: .average(4.5, count: 4), .repliesOnTime: .share(done: 10, of: 10),
            .followUpsOnTime: .share(done: 20, of: 20),
            .complaintsInTime: .share(done: 0, of: 0),
        ], violations: 0)
    static let wangfang = ShortlistCandidate(
        staffID: 5, name: "王芳",
        figures: [
            .satisfaction: .average(5, count: 1), .repliesOnTime: .share(done: 5, of: 10),
            .followUpsOnTime: .share(done: 10, of: 10),
            .complaintsInTime: .share(done: 1, of: 1),
        ], violations: 1)
    static let chenming = ShortlistCandidate(
        staffID: 6, name: "陈明", figures: [.repliesOnTime: .share(done: 0, of: 0)], violations: 0)

    @Test(
        "the shortlist's order and reasons from known figures: points per figure, missing figures scaled, ties by surveys, violations left out"
    )
    func shortlist() {
        let places = AwardShortlist.rank([Self.chenming, Self.zhangwei, Self.wangfang, Self.lina, Self.zhaolei])
        #expect(places.map(\.name) == ["李娜", "赵磊", "张伟", "王芳", "陈明"])
        #expect(places.map(\.place) == [1, 2, 3, nil, nil])
        #expect(places.map(\.score) == [95.4, 95, 95, 90, 0])
        // 4.8 of 5 → 38.4 of 40; 9 of 10 → 18 of 20; 19 of 20 → 19 of 20; 2 of 2 → 20 of 20.
        #expect(
            places[0].reasons == [
                CalculationLine(
                    "shortlist.reason.satisfaction", ["average": "4.8", "count": "5", "points": "38.4", "weight": "40"]),
                CalculationLine(
                    "shortlist.reason.replies_on_time",
                    ["done": "9", "of": "10", "percent": "90", "points": "18", "weight": "20"]),
                CalculationLine(
                    "shortlist.reason.follow_ups_on_time",
                    ["done": "19", "of": "20", "percent": "95", "points": "19", "weight": "20"]),
                CalculationLine(
                    "shortlist.reason.complaints_in_time",
                    ["done": "2", "of": "2", "percent": "100", "points": "20", "weight": "20"]),
                CalculationLine("shortlist.reason.no_violations"),
                CalculationLine("shortlist.reason.total", ["score": "95.4"]),
            ])
        // No complaints: 76 points of the 80 measured, scaled to 95; 赵磊 ahead of 张伟 on the same score by more surveys.
        #expect(
            places[2].reasons.contains(CalculationLine("shortlist.reason.no_data", ["figure": "complaints_in_time"])))
        #expect(places[2].reasons.contains(CalculationLine("shortlist.reason.scaled", ["measured": "80"])))
        #expect(
            places[1].reasons.contains(CalculationLine("shortlist.reason.no_data", ["figure": "complaints_in_time"])))
        #expect(places[3].reasons.first == CalculationLine("shortlist.reason.violations", ["count": "1"]))
        #expect(places[4].reasons.first == CalculationLine("shortlist.reason.nothing_measured"))
        // The order does not depend on the order the candidates came in.
        #expect(AwardShortlist.rank([Self.lina, Self.zhaolei, Self.zhangwei, Self.chenming, Self.wangfang]) == places)
    }

    @Test("an outstanding trainee of the month is a reason on the shortlist and wins a tie of scores, adding no points")
    func outstandingTrainee() {
        var zhangwei = Self.zhangwei
        zhangwei.outstandingTraining = ["招商政策与园区优惠解读（2026-11-12）"]
        let places = AwardShortlist.rank([Self.chenming, zhangwei, Self.wangfang, Self.lina, Self.zhaolei])
        // 张伟 and 赵磊 both score 95: the training result now puts 张伟 ahead, though 赵磊 has more surveys.
        #expect(places.map(\.name) == ["李娜", "张伟", "赵磊", "王芳", "陈明"])
        #expect(places.map(\.score) == [95.4, 95, 95, 90, 0])
        #expect(
            places[1].reasons.contains(
                CalculationLine("shortlist.reason.outstanding_trainee", ["sessions": "招商政策与园区优惠解读（2026-11-12）"])))
        #expect(!places[0].reasons.contains { $0.key == "shortlist.reason.outstanding_trainee" })
    }

    @Test("a penalty cannot be typed without its cause; a bonus deduction names its amount, other penalties none")
    func penaltyInput() {
        let cause = RecordReference(type: "violation", id: 12)
        #expect(ConductRules.checkPenalty(kind: "warning", cause: cause, amount: nil, reason: "擅离岗位40分钟").isEmpty)
        #expect(
            ConductRules.checkPenalty(kind: "warning", cause: nil, amount: nil, reason: "擅离岗位").messages == [
                "cause": "conduct.error.cause_required"
            ])
        #expect(
            ConductRules.checkPenalty(kind: "bonus_deduction", cause: cause, amount: nil, reason: "x").messages[
                "amount"] == "conduct.error.amount_required")
        #expect(
            ConductRules.checkPenalty(kind: "bonus_deduction", cause: cause, amount: 0, reason: "x").messages["amount"]
                == "conduct.error.amount_range")
        #expect(
            ConductRules.checkPenalty(kind: "warning", cause: cause, amount: 200, reason: "x").messages["amount"]
                == "conduct.error.amount_only_deduction")
        #expect(
            ConductRules.checkPenalty(kind: "fine", cause: cause, amount: nil, reason: " ").messages == [
                "kind": "validation.choose_from_list", "reason": "validation.required",
            ])
        #expect(RecordReference(type: "complaint", id: "7") == RecordReference(type: "complaint", id: 7))
        #expect(RecordReference(type: "", id: "7") == nil)
        #expect(RecordReference(type: "complaint", id: "-1") == nil)
        #expect(RecordReference(type: "x; DROP", id: "1") == nil)
    }

    @Test(
        "an appeal within the window by the person is accepted once; after the deadline, by someone else or a second time it is refused"
    )
    func appeals() {
        let settings = ConductSettings(appealDays: 7, leadershipDecidesFrom: .bonusDeduction)
        let imposed = Date(timeIntervalSince1970: 1_796_000_400)  // 2026-11-30 09:00 CST
        let lastMoment = imposed.addingTimeInterval(7 * 86_400)
        #expect(
            ConductRules.appealRefusal(
                staffID: 3, appellantID: 3, status: .imposed, deadline: settings.appealDeadline(imposedAt: imposed),
                now: lastMoment) == nil)
        #expect(
            ConductRules.appealRefusal(
                staffID: 3, appellantID: 3, status: .imposed, deadline: settings.appealDeadline(imposedAt: imposed),
                now: lastMoment + 1)
                == "conduct.error.appeal_late")
        #expect(
            ConductRules.appealRefusal(staffID: 3, appellantID: 4, status: .imposed, deadline: lastMoment, now: imposed)
                == "conduct.error.not_yours")
        #expect(
            ConductRules.appealRefusal(
                staffID: 3, appellantID: 3, status: .appealed, deadline: lastMoment, now: imposed)
                == "conduct.error.already_appealed")
        #expect(
            ConductRules.appealRefusal(staffID: 3, appellantID: 3, status: .upheld, deadline: lastMoment, now: imposed)
                == "conduct.error.already_appealed")
        // The supervisor answers appeals against warnings and criticism; leadership from a bonus deduction up.
        #expect(settings.decider(for: .criticism) == .supervisor)
        #expect(settings.decider(for: .bonusDeduction) == .leadership)
        #expect(
            ConductRules.decisionRefusal(
                kind: .warning, status: .appealed, deciderIsLeadership: false, settings: settings) == nil)
        #expect(
            ConductRules.decisionRefusal(
                kind: .reassignment, status: .appealed, deciderIsLeadership: false, settings: settings)
                == "conduct.error.leadership_decides")
        #expect(
            ConductRules.decisionRefusal(
                kind: .reassignment, status: .appealed, deciderIsLeadership: true, settings: settings) == nil)
        #expect(
            ConductRules.decisionRefusal(
                kind: .warning, status: .imposed, deciderIsLeadership: false, settings: settings)
                == "conduct.error.no_appeal")
    }

    @Test("awards: the annual and special awards cite their cause, a bonus its amount, a monthly award its month")
    func awardInput() {
        #expect(
            AwardRules.check(
                kind: "monthly", forms: ["bonus", "public_praise"], bonus: 500, cause: nil, period: "2026-11",
                citation: "满意度第一"
            ).isEmpty)
        #expect(
            AwardRules.check(
                kind: "special", forms: ["certificate"], bonus: nil, cause: nil, period: nil, citation: "化解重大投诉"
            ).messages
                == ["cause": "conduct.error.cause_required"])
        #expect(
            AwardRules.check(kind: "monthly", forms: [], bonus: nil, cause: nil, period: "2026-13", citation: "x")
                .messages
                == ["forms": "conduct.error.forms_required", "period": "conduct.error.month"])
        #expect(
            AwardRules.check(
                kind: "annual", forms: ["bonus"], bonus: nil, cause: RecordReference(type: "assessment", id: 1),
                period: nil, citation: "x"
            )
            .messages == ["bonus": "conduct.error.amount_required"])
        #expect(MonthPeriod("2026-02")?.period.end.description == "2026-02-28")
    }

    @Test("a violation: a known type, a time not in the future, a description")
    func violationInput() {
        let now = Date(timeIntervalSince1970: 1_796_000_400)
        #expect(
            ConductRules.checkViolation(
                type: "leaving_post", occurredAt: now - 3600, description: "午间擅离岗位40分钟", now: now
            ).isEmpty)
        #expect(
            ConductRules.checkViolation(type: "nap", occurredAt: now + 60, description: "", now: now).messages
                == [
                    "type": "validation.choose_from_list", "occurredAt": "conduct.error.future",
                    "description": "validation.required",
                ])
    }
}
