import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Work plans with progress (issue 14 §6): the department's plans for this month, this quarter and
/// last month (with the supervisor's result), and each specialist's plan for this month with goals,
/// some ticked off. Progress is read live from the demo's records.
enum DemoWorkPlans {
    static let targets: [WorkPlanStore.CreateInput.Target] = [
        .init(figure: "inquiries_answered", target: 40), .init(figure: "replies_on_time", target: 95),
        .init(figure: "follow_ups_on_time", target: 90),
        .init(figure: "customers_to_intent", target: 6), .init(figure: "contracts_signed", target: 2),
        .init(figure: "complaints_in_time", target: 90),
        .init(figure: "satisfaction", target: 4.5), .init(figure: "return_visits_done", target: 10),
    ]
    static let goals = [
        ["熟悉园区新出台的人才公寓政策", "整理重点意向客户清单并约定下次沟通时间"], ["完成两次客户满意度回访总结", "协助法务部完成合同条款解释话术"],
        ["跟进上月未签约的意向客户", "参加沟通技巧培训并提交心得"],
    ]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM work_plans").first()?.decode(column: "n", as: Int.self) == 0,
            let supervisor = try await DemoRows.person("wangjing", on: sql)
        else { return }
        let supervisorID = supervisor.id, departmentID = supervisor.departmentID
        let now = app.kefu.clock.now
        func context(_ staffID: Int, _ name: String) -> AuditContext {
            AuditContext(actorStaffID: staffID, actorName: name, address: "demo", requestID: "demo", now: now)
        }
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let lastMonth = today.adding(days: -today.day)
        let store = WorkPlanStore(database: app.db), own = context(supervisorID, "wangjing")
        func plan(_ title: String, staffID: Int?, kind: PlanPeriodKind, day: CalendarDay, goals: [String]) async throws
            -> Int
        {
            try await store.create(
                .init(
                    title: title, staffID: staffID, periodKind: kind.rawValue, periodDay: day.description,
                    targets: targets, goals: goals),
                departmentID: departmentID, context: own)
        }
        _ = try await plan(
            "客服部\(today.month)月工作计划", staffID: nil, kind: .month, day: today, goals: ["完成季度客户满意度调查", "更新园区招商政策问答库"])
        _ = try await plan(
            "客服部第\((today.month - 1) / 3 + 1)季度工作计划", staffID: nil, kind: .quarter, day: today, goals: ["季度签约不少于6份"])
        let previous = try await plan(
            "客服部\(lastMonth.month)月工作计划", staffID: nil, kind: .month, day: lastMonth, goals: ["完成年度培训计划中的两期培训"])
        if let row = try await store.find(previous) {
            try await store.recordResult(
                row, note: "咨询答复量和回访量达标；承诺答复及时率略低于目标，下月安排每日到期提醒复核。", version: row.version,
                serviceQuality: app.serviceQualityFigures, context: own)
        }
        let people = try await sql.raw(
            """
            SELECT id, username FROM staff WHERE department_id = \(bind: departmentID) AND role = 'specialist' AND is_active = \(bind: true) ORDER BY id LIMIT 6
            """
        ).allRows(DemoRows.Account.self)
        for (index, person) in people.enumerated() {
            let staffID = person.id, username = person.username
            let id = try await plan(
                "\(today.month)月个人工作计划", staffID: staffID, kind: .month, day: today, goals: goals[index % goals.count])
            // The first goal of every other person is already done.
            if index % 2 == 0, let goal = try await store.goals(id).first {
                try await store.markGoal(planID: id, goalID: goal.id, done: true, context: context(staffID, username))
            }
        }
    }
}
