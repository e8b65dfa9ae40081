import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Inquiries for the demo: answered calls over the past months, promised replies (some due today,
/// some overdue), and a few public-form inquiries waiting in the queue. Deterministic.
enum DemoInquiries {
    static let questions = [
        ("园区标准厂房的租金和物业费分别是多少？", "每月每平方米 28 元，物业费 3 元；前三年租金减半。"),
        ("注册公司需要准备哪些材料？多久能办好？", "营业执照申请材料清单已发邮件，园区代办约 5 个工作日。"),
        ("新能源项目有没有设备补贴？", "设备投资的 8% 补贴，上限 500 万元，需要投产后申请。"),
        ("人才公寓怎么申请？", "企业入驻后为本科以上员工申请，租金为市场价六折。"),
        ("加盟费和首期投入大概多少？", "加盟费 5 万元，首期投入 30–50 万元，含装修和首批货品。"),
        ("商铺的客流数据能提供吗？", "已发送近 12 个月的客流统计表。"),
    ]
    static let pending = ["税收地方留成返还比例要等财政局确认", "电力增容费用需要供电公司报价", "能否提供定制厂房需要工程管理部评估"]
    static let visitors = [
        ("陈先生", "13671234501", "杭州云帆电子商务有限公司", "retail", "想了解跨境电商物流中心的仓储租金"),
        ("刘女士", "13761234502", "", "catering", "茶饮品牌加盟在长沙还有区域名额吗？"),
        ("周总", "13861234503", "合肥智显光电科技有限公司", "technology", "新型显示产业园能否一事一议？"),
        ("孙经理", "13961234504", "青岛海鲜汇供应链有限公司", "logistics", "冷链物流园冷库还有空位吗？"),
    ]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM inquiries").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        let rows = try await sql.raw(
            """
            SELECT customers.id, customers.stage, customers.responsible_staff_id, staff.username FROM customers
            JOIN staff ON staff.id = customers.responsible_staff_id WHERE customers.merged_into_id IS NULL ORDER BY customers.id LIMIT 300
            """
        ).allRows(DemoRows.Customer.self)
        let store = InquiryStore(database: app.db)
        let now = app.kefu.clock.now
        for (index, row) in rows.enumerated() where index % 3 == 0 {
            let id = row.id
            var context = AuditContext.console(
                now: now.addingTimeInterval(-Double(120 - index % 120) * 86400 + Double(index) * 600))
            context.actorStaffID = row.responsibleStaffID
            context.actorName = row.username
            let (question, answer) = questions[index % questions.count]
            let receivedAt = context.now.addingTimeInterval(-Double(3 + index % 20) * 60)
            let values = InquiryValues(
                channel: [.phone, .wechat, .visit, .email][index % 4], receivedAt: receivedAt, question: question,
                needs: "面积约 \(500 + index * 10) 平方米，计划 \(index % 2 == 0 ? "半年内" : "明年") 投资", answer: answer,
                outcome: .answered)
            _ = try await store.create(values, customerID: id, staffID: context.actorStaffID, context: context)
            // Every ninth customer also waits for a promised reply: due later today, or already late.
            if index % 9 == 0 {
                // Deadlines spread around now: later today, within the two-hour warning, or late.
                let deadline = now.addingTimeInterval([3, 1.5, -2, -26, 6][(index / 9) % 5] * 3600)
                context.now = deadline.addingTimeInterval(-86400)
                let promise = InquiryValues(
                    channel: .phone, receivedAt: context.now, question: pending[index % pending.count] + "？",
                    needs: nil,
                    answer: "已告知客户需要内部确认", outcome: .promised(deadline: deadline))
                _ = try await store.create(promise, customerID: id, staffID: context.actorStaffID, context: context)
            }
        }
        for (index, visitor) in visitors.enumerated() {
            let context = AuditContext.console(now: now.addingTimeInterval(-Double(index + 1) * 2400))
            _ = try await store.submit(
                PublicInquiry(
                    name: visitor.0, mobile: visitor.1, company: visitor.2.isEmpty ? nil : visitor.2, intent: visitor.3,
                    question: visitor.4),
                noticeVersion: app.kefu.configuration.inquiries.privacyNoticeVersion, address: "demo", context: context)
        }
    }
}
