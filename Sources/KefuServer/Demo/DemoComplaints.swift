import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// About sixty demo complaints (issue 13 §9) across categories, severities and states, taken there
/// through the same workflow people use: forwarded to departments and answered, the customer told,
/// waiting for the customer, resolved, closed with the satisfaction survey answered.
enum DemoComplaints {
    static let texts = [
        ("现场物业三次未按约定清运施工垃圾", "一周内清运完毕并书面道歉"), ("招商材料中的厂房面积与实际不符", "按实际面积重新核算租金"),
        ("配套道路未按合同约定时间完工", "明确完工时间并承担延误损失"), ("环评手续办理等待时间过长", "加快办理并告知进度"),
        ("前台接待态度冷淡，未告知办事流程", "相关人员道歉并改进"), ("厂房屋顶漏水多次报修未处理", "三日内修复"),
        ("税收优惠兑现时间与承诺不一致", "书面说明兑现时间"),
    ]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM complaints").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        let customers = try await sql.raw(
            """
            SELECT customers.id, customers.responsible_staff_id, staff.username FROM customers JOIN staff ON staff.id = customers.responsible_staff_id
            WHERE customers.merged_into_id IS NULL ORDER BY customers.id LIMIT 60
            """
        ).allRows(DemoRows.Customer.self)
        let departments = try await sql.raw(
            "SELECT id, code FROM departments WHERE code IN ('investment', 'legal', 'engineering', 'finance')"
        ).allRows(DemoRows.Department.self).map { ($0.id, $0.code) }
        let liaisons = try await DemoRows.liaisons(on: sql).map { ($0.id, $0.username, $0.departmentID) }
        guard !customers.isEmpty, !departments.isEmpty else { return }
        let now = app.kefu.clock.now
        let calendar = try await WorkingCalendarStore(database: app.db).load()
        let workflow = ComplaintWorkflow(database: app.db)
        let store = ComplaintStore(database: app.db)
        let iso = ISO8601DateFormatter()
        let categories = ComplaintCategoryDefaults.codes
        for (index, customer) in customers.enumerated() {
            let staffID = customer.responsibleStaffID
            let username = customer.username
            let context = AuditContext(
                actorStaffID: staffID, actorName: username, address: "demo", requestID: "demo", now: now)
            let (text, demand) = texts[index % texts.count]
            let severity: ComplaintSeverity = index % 10 == 0 ? .urgent : index % 4 == 0 ? .major : .normal
            let received = now.addingTimeInterval(-Double(index) * 5 * 3600 - 600)
            let id = try await workflow.create(
                ComplaintWorkflow.Intake(
                    customerID: customer.id,
                    channel: ComplaintChannel.allCases[index % 6].rawValue,
                    receivedAt: iso.string(from: received), description: text, demands: demand,
                    category: categories[index % categories.count],
                    severity: severity.rawValue, projectID: nil, contractID: nil, acknowledged: true, apologised: true,
                    staffID: staffID),
                context: context, calendar: calendar)
            let stage = index % 6
            guard stage > 0, var row = try await store.find(id) else { continue }
            let (departmentID, code) = departments[index % departments.count]
            _ = try await workflow.forward(
                row,
                .init(
                    departmentID: departmentID, request: "请核实并提出处理意见",
                    dueAt: iso.string(from: now.addingTimeInterval(2 * 86400)),
                    needsContact: index % 3 == 0, version: row.version), context: context, calendar: calendar)
            row = try await store.find(id)!
            if stage == 1 { continue }
            if let forward = try await store.forwards(id).first,
                let liaison = liaisons.first(where: { $0.2 == departmentID }) ?? liaisons.first
            {
                let liaisonContext = AuditContext(
                    actorStaffID: liaison.0, actorName: liaison.1, address: "demo", requestID: "demo", now: now)
                try await workflow.answer(
                    forward, complaint: row,
                    .init(answer: "已核实（\(code)），将按要求处理。", sendBack: false, version: forward.version),
                    context: liaisonContext)
            }
            row = try await store.find(id)!
            try await workflow.recordUpdate(
                row,
                .init(
                    kind: "progress", channel: "phone", content: "已转相关部门核实，正在处理。", customerAccepts: nil, toldAt: nil,
                    version: row.version),
                context: context, calendar: calendar)
            row = try await store.find(id)!
            if stage == 2 {
                try await workflow.step(
                    row, .init(step: "wait_for_customer", reason: "等待客户提供现场照片", version: row.version), context: context,
                    calendar: calendar)
                continue
            }
            if stage == 3 { continue }
            try await workflow.recordUpdate(
                row,
                .init(
                    kind: "outcome", channel: "wechat", content: "问题已处理完毕。", customerAccepts: stage != 4, toldAt: nil,
                    version: row.version),
                context: context, calendar: calendar)
            row = try await store.find(id)!
            if stage == 4 { continue }
            try await workflow.step(
                row, .init(step: "close", reason: nil, version: row.version), context: context, calendar: calendar)
            row = try await store.find(id)!
            let surveys = SurveyStore(database: app.db)
            let issued = try await surveys.issue(
                forComplaint: row, baseURL: nil, expiryDays: SurveyRules.defaultExpiryDays,
                localizer: app.kefu.localizer, context: context)
            if let token = issued.link.split(separator: "/").last,
                let survey = try await surveys.find(token: String(token))
            {
                _ = try await surveys.answer(
                    survey,
                    SurveyAnswer(
                        score: [5, 4, 5, 3, 2, 4][index % 6 == 5 ? (index / 6) % 6 : 0], resolved: true, comment: "处理及时"
                    ), now: now)
            }
        }
    }
}
