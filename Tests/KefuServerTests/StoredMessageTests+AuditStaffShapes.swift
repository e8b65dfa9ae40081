import Foundation
import Testing

@testable import KefuServer

/// Old details of the department's own people (training, conduct, attendance, work plans, inspections,
/// assessment) and what they read as now; see ``AuditShapesStoredMessageTests``.
enum AuditStaffShapes {
    static let cases: [AuditShapesStoredMessageTests.Case] = [
        (
            "training_plan.created", "2026 年度客服培训计划: 20 h, 10000 yuan",
            AuditMessage.trainingPlan(year: "2026", title: "年度客服培训计划", hours: "20", budget: "10000"), ""
        ),
        (
            "training_plan.changed", "年度计划 → 年度培训计划: 20 → 24 h, 10000 → 12000 yuan",
            AuditMessage.trainingPlanChanged(
                title: ["年度计划", "年度培训计划"], hours: ["20", "24"], budget: ["10000", "12000"]), ""
        ),
        (
            "training_plan.submit", "年度计划: draft → submitted",
            AuditMessage.stateChanged(title: "年度计划", from: "draft", to: "submitted", in: "training.plan_state"), ""
        ),
        (
            "training_plan.return", "年度计划: submitted → returned — 预算偏高",
            AuditMessage.stateChanged(
                title: "年度计划", from: "submitted", to: "returned", in: "training.plan_state", withNote: true),
            "预算偏高"
        ),
        (
            "training_plan.approve", "年度计划: submitted → approved",
            AuditMessage.stateChanged(title: "年度计划", from: "submitted", to: "approved", in: "training.plan_state"),
            ""
        ),
        (
            "training_plan.reopen", "年度计划: approved → draft",
            AuditMessage.stateChanged(title: "年度计划", from: "approved", to: "draft", in: "training.plan_state"), ""
        ),
        (
            "training_session.scheduled", "plan 3: 投诉处理情景模拟 2026-09-15, 4.0 h",
            AuditMessage.trainingSession(plan: "3", title: "投诉处理情景模拟", date: "2026-09-15", hours: "4.0"), ""
        ),
        ("training_session.held", "政策答复规范: 2026-11-10", AuditMessage.titleDate("政策答复规范", date: "2026-11-10"), ""),
        ("training_session.cancelled", "政策答复规范: ", AuditMessage.name("政策答复规范"), ""),
        ("training_enrolment.created", "政策答复规范: 李娜", AuditMessage.titlePerson("政策答复规范", person: "李娜"), ""),
        (
            "training_enrolment.recorded", "政策答复规范, 李娜: attended 72 → 86, outstanding",
            AuditMessage.trainingResult(
                title: "政策答复规范", person: "李娜", attended: true, before: "72", after: "86", isOutstanding: true), ""
        ),
        (
            "training_enrolment.recorded", "政策答复规范, 张伟: — — → —",
            AuditMessage.trainingResult(
                title: "政策答复规范", person: "张伟", attended: nil, before: "—", after: "—", isOutstanding: false), ""
        ),
        ("training_enrolment.rated", "政策答复规范: 5", AuditMessage.titleRating("政策答复规范", rating: "5"), ""),
        (
            "violation.recorded", "李娜: leaving_post; links complaint:3,inquiry:9",
            AuditMessage.violationRecorded(person: "李娜", type: "leaving_post", links: ["complaint:3", "inquiry:9"]), ""
        ),
        (
            "violation.recorded", "李娜: conduct; links ",
            AuditMessage.violationRecorded(person: "李娜", type: "conduct", links: []), ""
        ),
        ("violation.decided", "dismissed ", AuditMessage.term("conduct.outcome.dismissed"), ""),
        ("violation.decided", "confirmed 情况属实", AuditMessage.term("conduct.outcome.confirmed", withNote: true), "情况属实"),
        (
            "penalty.imposed", "李娜: bonus_deduction ¥200 ← attendance_mark:12",
            AuditMessage.penaltyImposed(
                person: "李娜", kind: "bonus_deduction", amount: "200", cause: "attendance_mark:12"),
            ""
        ),
        (
            "penalty.imposed", "李娜: warning ← violation:4",
            AuditMessage.penaltyImposed(person: "李娜", kind: "warning", amount: nil, cause: "violation:4"), ""
        ),
        (
            "penalty.appeal_decided", "upheld: 证据充分", AuditMessage.term("conduct.decision.upheld", withNote: true),
            "证据充分"
        ),
        (
            "award.decided", "李娜: monthly certificate,public_praise granted",
            AuditMessage.awardDecided(
                person: "李娜", kind: "monthly", forms: ["certificate", "public_praise"], status: "granted"), ""
        ),
        ("award.approved", "granted", AuditMessage.term("conduct.award_status.granted"), ""),
        ("award.declined", "declined", AuditMessage.term("conduct.award_status.declined"), ""),
        ("attendance.marks_settled", "3", AuditMessage.marksSettled("3"), ""),
        ("attendance.exported", "12", AuditMessage.rows("12"), ""),
        ("attendance.imported", "dingtalk: 40", AuditMessage.clockImported(layout: "dingtalk", count: "40"), ""),
        (
            "attendance.leave_requested", "sick 2026-11-26–2026-11-27 whole",
            AuditMessage.leaveRequested(kind: "sick", start: "2026-11-26", end: "2026-11-27", part: "whole"), ""
        ),
        (
            "attendance.correction_requested", "2026-11-09 18:05 out",
            AuditMessage.clockCorrection(day: "2026-11-09", time: "18:05", direction: "out"), ""
        ),
        ("attendance.mark_excused", "KQ-2026-000012 系统故障", AuditMessage.numberText("KQ-2026-000012"), "系统故障"),
        ("attendance.rules_saved", #"{"lateGraceMinutes":5}"#, AuditMessage.settings(#"{"lateGraceMinutes":5}"#), ""),
        ("attendance.shift_set", "08:30–17:30", AuditMessage.shift(from: "08:30", to: "17:30"), ""),
        (
            "attendance.clocked_in", "上海市 浦东新区 10.0.0.8",
            AuditMessage.clockPlace(address: "上海市 浦东新区", network: "10.0.0.8"), ""
        ),
        ("attendance.clocked_out", "办公室 ", AuditMessage.clockPlace(address: "办公室", network: ""), ""),
        (
            "work_plan.created", "十二月计划 2026-12-01–2026-12-31, staff 4",
            AuditMessage.workPlan(title: "十二月计划", start: "2026-12-01", end: "2026-12-31", staff: "4"), ""
        ),
        (
            "work_plan.created", "季度 计划 2026-10-01–2026-12-31, staff team",
            AuditMessage.workPlan(title: "季度 计划", start: "2026-10-01", end: "2026-12-31", staff: nil), ""
        ),
        ("work_plan.goal_done", "plan 2", AuditMessage.plan("2"), ""),
        ("work_plan.goal_reopened", "plan 2", AuditMessage.plan("2"), ""),
        ("inspection.settings_saved", "服务态度 40%, 答复准确 60%", AuditMessage.checklist("服务态度 40%, 答复准确 60%"), ""),
        (
            "inspection.sampled", "2026-11-01–2026-11-30, 3 per person, random, seed 42: 6 records",
            AuditMessage.sampled(
                start: "2026-11-01", end: "2026-11-30", perPerson: "3", rule: "random", seed: "42", count: "6"), ""
        ),
        ("inspection.scored", "87.5", AuditMessage.points("87.5"), ""),
        ("inspection.answered", "87.5 → 92.0", AuditMessage.pointsChanged(from: "87.5", to: "92.0"), ""),
        (
            "assessment_cycle.created",
            #"2026 年第四季度 2026-10-01–2026-12-31, weights {"quality":60,"service":40}, 3 people"#,
            AuditMessage.assessmentCycle(
                name: "2026 年第四季度", start: "2026-10-01", end: "2026-12-31", weights: #"{"quality":60,"service":40}"#,
                people: "3"), ""
        ),
        ("assessment_cycle.colleague_rated", "2026 年第四季度", AuditMessage.name("2026 年第四季度"), ""),
        ("assessment.acknowledged", "2026 年第四季度", AuditMessage.name("2026 年第四季度"), ""),
        ("assessment.appealed", "2026 年第四季度", AuditMessage.name("2026 年第四季度"), ""),
        ("assessment.self_evaluated", "第四季度: 90", AuditMessage.titleScore("第四季度", score: "90"), ""),
        (
            "assessment.evaluated", "第四季度, 李娜: 88.5 good",
            AuditMessage.assessmentResult(cycle: "第四季度", person: "李娜", total: "88.5", grade: "good"), ""
        ),
        (
            "assessment.appeal_answered", "第四季度, 李娜: 90",
            AuditMessage.assessmentResult(cycle: "第四季度", person: "李娜", total: "90", grade: nil), ""
        ),
        ("assessment_cycle.recomputed", "第四季度: 5", AuditMessage.cyclePeople("第四季度", count: "5"), ""),
        ("assessment_cycle.signed_off", "第四季度: 5 people", AuditMessage.cyclePeople("第四季度", count: "5"), ""),
        (
            "assessment.decision_recorded", "第四季度, 李娜: bonus 2000",
            AuditMessage.assessmentDecision(cycle: "第四季度", person: "李娜", kind: "bonus", amount: "2000"), ""
        ),
        (
            "assessment.decision_recorded", "第四季度, 李娜: certificate ",
            AuditMessage.assessmentDecision(cycle: "第四季度", person: "李娜", kind: "certificate", amount: nil), ""
        ),
        ("assessment_cycle.exported", "第四季度: 3 rows", AuditMessage.cycleRows("第四季度", rows: "3"), ""),
        ("feedback.answered", "FK-2026-000001", AuditMessage.number("FK-2026-000001"), ""),
        ("feedback.closed", "FK-2026-000001", AuditMessage.number("FK-2026-000001"), ""),
        (
            "feedback.chased", "FK-2026-000001 → 规划部",
            AuditMessage.forwarded(number: "FK-2026-000001", department: "规划部"), ""
        ),
        ("department.updated", "招商服务部", AuditMessage.name("招商服务部"), ""),
        ("webhook.created", "值班群", AuditMessage.name("值班群"), ""),
    ]
}
