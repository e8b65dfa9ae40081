import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The supervisor's monthly reports (issue 16 §6), taken through the same steps people use: last month's
/// written and issued (its figures frozen as they were), this month's a draft still being written.
enum DemoMonthlyReports {
    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM monthly_reports").first()?.decode(column: "n", as: Int.self)
                == 0,
            let supervisor = try await DemoRows.person("wangjing", on: sql)
        else { return }
        let supervisorID = supervisor.id, departmentID = supervisor.departmentID
        let now = app.kefu.clock.now
        let context = AuditContext(
            actorStaffID: supervisorID, actorName: "wangjing", address: "demo", requestID: "demo", now: now)
        let store = MonthlyReportStore(database: app.db)
        let thisMonth = ReportMonth(CalendarDay(now, timeZone: DisplayFormat.timeZone))
        let lastID = try await store.create(
            month: thisMonth.adding(months: -1).description, departmentID: departmentID, context: context)
        guard let last = try await store.find(lastID) else { return }
        try await store.save(
            last,
            MonthlyReportSections(
                summary: "本月共受理咨询与投诉若干，线上渠道占比继续上升；承诺答复基本按时，跟进按计划完成。重点客户签约两家，投资额合计见附表。",
                problems: "1. 物业响应慢的投诉偏多，转交物业部门后答复超过时限两次。\n2. 周一上午咨询集中，首次答复时间明显变长。",
                nextPlan: "1. 与物业部门建立每周例会，逐条跟踪转交事项。\n2. 周一上午增加一名专员值守电话和微信。\n3. 对意向客户逐一回访，推进两家签约。"),
            version: last.version, context: context)
        guard let saved = try await store.find(lastID) else { return }
        let figures = try await MonthlyReportFigures.build(saved.reportMonth, now: now, database: app.db)
        try await store.issue(saved, version: saved.version, figures: figures, context: context)
        let draftID = try await store.create(month: thisMonth.description, departmentID: departmentID, context: context)
        if let draft = try await store.find(draftID) {
            try await store.save(
                draft, MonthlyReportSections(summary: "（撰写中）本月前半月咨询量与上月持平。", problems: "", nextPlan: ""),
                version: draft.version, context: context)
        }
    }
}
