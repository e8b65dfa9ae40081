import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A year's training plan (issue 14 §6): made by the supervisor, approved by leadership, its sessions
/// held through the year with enrolments, attendance, test scores before and after, the trainees'
/// ratings and the supervisor's notes — taken through the same steps people use.
enum DemoTraining {
    struct Session {
        var title: String, trainer: String, area: TrainingContentArea, method: TrainingMethod, month: Int, day: Int,
            hours: Double, cost: Int
        var aimed: [WorkFigure]
    }

    static let sessions: [Session] = [
        Session(
            title: "招商政策与园区优惠解读", trainer: "招商部 孙磊", area: .investmentBusiness, method: .internal, month: 2, day: 26,
            hours: 4, cost: 2_000,
            aimed: [.repliesOnTime]),
        Session(
            title: "客户接待礼仪与电话规范", trainer: "外聘讲师 何敏", area: .serviceSkills, method: .external, month: 3, day: 19,
            hours: 6, cost: 12_000,
            aimed: [.satisfaction]),
        Session(
            title: "投诉处理情景模拟", trainer: "王静", area: .communicationSkills, method: .simulationDrill, month: 4, day: 23,
            hours: 3, cost: 1_500,
            aimed: [.complaintsInTime, .satisfaction]),
        Session(
            title: "合同法与招商合同常见风险", trainer: "法务部 周敏", area: .lawsAndRegulations, method: .internal, month: 5, day: 21,
            hours: 4, cost: 1_000,
            aimed: [.repliesOnTime]),
        Session(
            title: "重点客户签约案例复盘", trainer: "王静", area: .investmentBusiness, method: .caseStudy, month: 6, day: 25,
            hours: 3, cost: 500,
            aimed: [.satisfaction]),
        Session(
            title: "个人信息保护法实务（在线）", trainer: "网络课程", area: .lawsAndRegulations, method: .online, month: 8, day: 20,
            hours: 2, cost: 3_000,
            aimed: [.complaintsInTime]),
        Session(
            title: "新能源与智能制造产业动态", trainer: "外聘讲师 罗建国", area: .industryTrends, method: .external, month: 9, day: 24,
            hours: 4, cost: 8_000,
            aimed: [.repliesOnTime, .satisfaction]),
        Session(
            title: "高难度客户沟通技巧", trainer: "外聘讲师 何敏", area: .communicationSkills, method: .external, month: 11, day: 18,
            hours: 6, cost: 12_000,
            aimed: [.satisfaction, .complaintsInTime]),
        Session(
            title: "年度服务复盘与来年目标", trainer: "王静", area: .serviceSkills, method: .internal, month: 12, day: 23, hours: 3,
            cost: 800,
            aimed: [.repliesOnTime]),
    ]

    static let comments = ["案例贴近实际，收获很大。", "讲得清楚，希望多些练习时间。", "内容有用，可以再深入一些。", "模拟环节很有帮助。"]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM training_plans").first()?.decode(column: "n", as: Int.self)
                == 0
        else { return }
        func person(_ username: String) async throws -> (id: Int, department: Int)? {
            try await DemoRows.person(username, on: sql).map { ($0.id, $0.departmentID) }
        }
        guard let supervisor = try await person("wangjing"), let leader = try await person("zhaoguoqiang") else {
            return
        }
        let now = app.kefu.clock.now
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let year = today.adding(days: -60).year
        func context(_ id: Int, _ name: String) -> AuditContext {
            AuditContext(actorStaffID: id, actorName: name, address: "demo", requestID: "demo", now: now)
        }
        let boss = context(supervisor.id, "wangjing")
        let workflow = TrainingWorkflow(database: app.db)
        let store = TrainingStore(database: app.db)
        let planID = try await workflow.createPlan(
            .init(
                year: year, title: "\(year) 年度客服培训计划",
                goals: "提升招商业务知识与政策解读能力；规范接待与沟通，提高客户满意度；投诉在时限内解决率达到 95%；全员完成个人信息保护培训。",
                areas: TrainingContentArea.allCases.map(\.rawValue), methods: TrainingMethod.allCases.map(\.rawValue),
                hours: 40, budgetYuan: 60_000
            ), departmentID: supervisor.department, context: boss)
        for session in sessions {
            _ = try await workflow.addSession(
                planID: planID,
                .init(
                    title: session.title, trainer: session.trainer, area: session.area.rawValue,
                    method: session.method.rawValue,
                    scheduledOn: CalendarDay(year: year, month: session.month, day: session.day)!.description,
                    hours: session.hours, costYuan: session.cost,
                    location: session.method == .online ? nil : "公司三楼培训室", aimedFigures: session.aimed.map(\.rawValue)
                ), context: boss)
        }
        guard var plan = try await store.plan(planID) else { return }
        try await workflow.step(planID, .submit, .init(version: plan.version), context: boss)
        plan = try await store.plan(planID) ?? plan
        try await workflow.step(
            planID, .approve, .init(note: "同意，注意控制外聘费用。", version: plan.version),
            context: context(leader.id, "zhaoguoqiang"))
        let trainees = try await sql.raw(
            """
            SELECT id, username FROM staff WHERE department_id = \(bind: supervisor.department) AND role = 'specialist' AND is_active = \(bind: true) ORDER BY id
            """
        ).allRows(DemoRows.Account.self).map { ($0.id, $0.username) }
        for (index, session) in try await store.sessions(planID: planID).enumerated() {
            for (id, _) in trainees {
                _ = try await workflow.enrol(sessionID: session.id, .init(staffID: id), context: boss)
            }
            // A session of August moved a week (held late but on time); the rest on their day; those still ahead stay scheduled.
            let heldOn = index == 5 ? session.scheduledDay.adding(days: 6) : session.scheduledDay
            guard heldOn < today else { continue }
            try await workflow.recordOutcome(
                session.id,
                .init(
                    state: "held", heldOn: heldOn.description,
                    supervisorNote: "学员参与积极，课后测试整体提高；下次增加实操练习。", version: session.version),
                today: today, context: boss)
            for (position, enrolment) in try await store.enrolments(sessionIDs: [session.id]).enumerated() {
                let attended = (index + position) % 7 != 3
                let before = Double(58 + (index * 5 + position * 9) % 25)
                let after = min(100, before + Double(8 + (index * 3 + position * 7) % 17))
                try await workflow.recordEnrolment(
                    sessionID: session.id, enrolmentID: enrolment.id,
                    .init(
                        attended: attended, scoreBefore: attended ? before : nil, scoreAfter: attended ? after : nil,
                        version: enrolment.version), context: boss)
                guard attended, (index + position) % 4 != 0,
                    let name = trainees.first(where: { $0.0 == enrolment.staffID })?.1
                else { continue }
                try await workflow.rate(
                    sessionID: session.id, staffID: enrolment.staffID,
                    .init(rating: 3 + (index + position) % 3, comment: comments[(index + position) % comments.count]),
                    context: context(enrolment.staffID, name))
            }
        }
    }
}
