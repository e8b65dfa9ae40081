import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Demo return visits and feedback (issue 13 §6, §7): the scheduler's scan opens the visits of the
/// signed customers and partners; some are made overdue, some done — with a problem opened as a
/// feedback or a complaint — and feedback about projects and the service, forwarded and answered.
enum DemoReturnVisits {
    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM return_visits").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        let now = app.kefu.clock.now
        let store = ReturnVisitStore(database: app.db)
        // The demo files were all made today, so their first visits lie months ahead: the scan is run as
        // of half a year on to open them, and their due days are then moved to the coming week — a third
        // overdue by up to three weeks.
        try await store.scheduleDue(now: now.addingTimeInterval(200 * 86400))
        let due = try await store.page(view: .due, staffID: nil, now: now, paging: Paging(number: 1, size: 100)).items
        for (index, visit) in due.enumerated() {
            let days = index % 3 == 0 ? -Double(1 + index % 21) : Double(index % 7)
            try await sql.raw(
                "UPDATE return_visits SET due_at = \(bind: now.addingTimeInterval(days * 86400)) WHERE id = \(bind: visit.id)"
            ).run()
        }
        let calendar = try await WorkingCalendarStore(database: app.db).load()
        let notes = ["厂房运行正常，对物业服务满意", "希望园区增加员工宿舍配套", "对税收优惠兑现进度有疑问", "计划明年扩大产能，想了解二期地块"]
        for (index, visit) in due.enumerated() where index % 12 == 1 {
            guard let row = try await store.find(visit.id), let staffID = row.staffID else { continue }
            let username =
                try await sql.raw("SELECT username FROM staff WHERE id = \(bind: staffID)").first()?.decode(
                    column: "username", as: String.self) ?? "demo"
            let context = AuditContext(
                actorStaffID: staffID, actorName: username, address: "demo", requestID: "demo",
                now: now.addingTimeInterval(-Double(index) * 3600))
            let problems: [ReturnVisitProblem] =
                switch index / 12 % 3 {
                case 0: [ReturnVisitProblem(text: "园区班车班次太少，员工通勤不便", route: .feedback)]
                case 1: [ReturnVisitProblem(text: "承诺的配套道路仍未完工", route: .complaint)]
                default: []
                }
            let result = ReturnVisitResult(
                channel: index % 2 == 0 ? "phone" : "visit", satisfaction: [5, 4, 4, 3, 2][index % 5],
                cooperation: [CooperationStatus.good, .normal, .good, .strained][index % 4],
                notes: notes[index % notes.count], problems: problems)
            try await store.record(row, result, version: row.version, context: context, calendar: calendar)
        }
        try await feedback(app, now: now)
    }

    /// Feedback about projects and the service: some recorded, some forwarded (one late), some answered.
    static func feedback(_ app: Application, now: Date) async throws {
        let sql = try app.db.sql()
        let customers = try await sql.raw(
            """
            SELECT customers.id, customers.responsible_staff_id, staff.username FROM customers JOIN staff ON staff.id = customers.responsible_staff_id
            WHERE customers.merged_into_id IS NULL ORDER BY customers.id DESC LIMIT 12
            """
        ).allRows(DemoRows.Customer.self)
        let projects = try await sql.raw("SELECT id FROM projects ORDER BY id LIMIT 4").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        let departments = try await sql.raw(
            "SELECT id, code FROM departments WHERE code IN ('investment', 'engineering', 'finance', 'legal') ORDER BY id"
        ).allRows(DemoRows.Department.self).map { ($0.id, $0.code) }
        let liaisons = try await DemoRows.liaisons(on: sql).map { ($0.id, $0.username, $0.departmentID) }
        let texts = [
            "建议项目介绍材料增加交通配套和人才政策说明", "希望能提供线上办理入驻手续的渠道", "园区食堂价格偏高，建议引入更多餐饮", "建议定期组织入园企业交流会",
            "项目厂房层高信息与现场不一致，建议更新资料", "客服回复及时，希望保持",
        ]
        let store = FeedbackStore(database: app.db)
        let iso = ISO8601DateFormatter()
        for (index, customer) in customers.enumerated() {
            let staffID = customer.responsibleStaffID
            let context = AuditContext(
                actorStaffID: staffID, actorName: customer.username,
                address: "demo", requestID: "demo",
                now: now.addingTimeInterval(-Double(12 - index) * 7200))
            let aboutProject = index % 2 == 0 && !projects.isEmpty
            let id = try await store.create(
                .init(
                    customerID: customer.id,
                    kind: index % 3 == 0 ? "opinion" : "suggestion",
                    topic: aboutProject ? "project" : "service",
                    projectID: aboutProject ? projects[index % projects.count] : nil,
                    content: texts[index % texts.count], staffID: staffID), context: context)
            guard index % 4 != 3, !departments.isEmpty, var row = try await store.find(id) else { continue }
            let (departmentID, code) = departments[index % departments.count]
            try await store.forward(
                row,
                .init(
                    departmentID: departmentID, request: "请研究并答复客户",
                    dueAt: iso.string(from: now.addingTimeInterval(Double(index % 3 == 0 ? -1 : 5) * 86400 + 3600)),
                    version: row.version),
                context: AuditContext(
                    actorStaffID: staffID, actorName: "demo", address: "demo", requestID: "demo",
                    now: now.addingTimeInterval(-3 * 86400)))
            guard index % 4 == 0, let liaison = liaisons.first(where: { $0.2 == departmentID }) else { continue }
            row = try await store.find(id)!
            try await store.answer(
                row, .init(response: "已收到（\(code)），将在下季度改进并告知客户。", version: row.version),
                context: AuditContext(
                    actorStaffID: liaison.0, actorName: liaison.1, address: "demo", requestID: "demo", now: now))
        }
    }
}
