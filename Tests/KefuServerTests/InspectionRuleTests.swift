import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Quality inspection by rule (issue 14 §2): besides communication records, the supervisor samples
/// the inquiries answered, the updates told to complaining customers, and the records behind a low
/// survey score; scored like any inspection, they count in the assessment's service quality.
@Suite("Quality inspection by rule: inquiries, complaints, low survey scores (R2.2, R6.5)")
struct InspectionRuleTests {
    struct Records {
        var lina: Int; var zhangwei: Int; var lowInquiry: Int; var linaUpdates: [Int]; var zhangweiUpdate: Int;
        var linaInquiries: [Int]; var zhangweiInquiry: Int
    }

    /// November 2026: 李娜 answered three inquiries (one left unanswered), 张伟 one; a complaint on
    /// which 李娜 told the customer twice and 张伟 once; a survey on 李娜's first inquiry scored 1, one
    /// on the complaint scored 2 for 李娜 and 4 for 张伟, one on her second inquiry scored 5.
    static func seed(_ t: TestApp) async throws -> Records {
        let (lina, zhangwei) = try await InspectionTests.seed(t)
        let customer = try await createCustomer(
            t, token: try await t.token(.specialist),
            ["name": "周杰", "companyName": "常州周氏电子有限公司", "mobile": "13600005678"])
        let sql = try t.app.db.sql()
        let day: TimeInterval = 86_400
        func inquiry(_ staff: Int, _ daysBefore: Double, _ question: String, answered: Bool) async throws -> Int {
            let at = testStart - daysBefore * day
            return try await sql.raw(
                """
                INSERT INTO inquiries (customer_id, channel, received_at, question, answer, first_answered_at, status, staff_id, created_at, updated_at, version)
                VALUES (\(bind: customer.id), 'web_form', \(bind: at), \(bind: question), \(bind: answered ? "已按园区政策答复：租金首年减半。" : nil),
                        \(bind: answered ? at + 600 : nil), \(bind: answered ? "closed" : "open"), \(bind: staff), \(bind: at), \(bind: at), 1)
                RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
        }
        let linaInquiries = [
            try await inquiry(lina, 3, "厂房租金有优惠吗？", answered: true),
            try await inquiry(lina, 4, "税收返还怎么申请？", answered: true),
            try await inquiry(lina, 5, "能否提供人才公寓？", answered: true),
        ]
        _ = try await inquiry(lina, 6, "园区有班车吗？", answered: false)
        let zhangweiInquiry = try await inquiry(zhangwei, 3, "水电价格是多少？", answered: true)
        let received = testStart - 10 * day
        let complaint = try await sql.raw(
            """
            INSERT INTO complaints (number, customer_id, channel, received_at, description, demands, category, severity, acknowledged, apologised,
              staff_id, state, state_changed_at, reopen_count, escalation_level, created_at, updated_at, version)
            VALUES ('TS-2026-000901', \(bind: customer.id), 'phone', \(bind: received), '厂房漏水三周未修', '一周内修复', 'property_site', 'normal',
              \(bind: true), \(bind: false), \(bind: lina), 'received', \(bind: received), 0, 0, \(bind: received), \(bind: received), 1) RETURNING id
            """
        ).first()!.decode(column: "id", as: Int.self)
        func update(_ staff: Int, _ daysBefore: Double, _ content: String) async throws -> Int {
            let at = testStart - daysBefore * day
            return try await sql.raw(
                """
                INSERT INTO complaint_updates (complaint_id, customer_id, kind, channel, content, told_at, staff_id, created_at)
                VALUES (\(bind: complaint), \(bind: customer.id), 'progress', 'phone', \(bind: content), \(bind: at), \(bind: staff), \(bind: at)) RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
        }
        let linaUpdates = [try await update(lina, 9, "已联系物业，明天上门查看。"), try await update(lina, 7, "维修队已进场，预计周五完工。")]
        let zhangweiUpdate = try await update(zhangwei, 8, "已转工程管理部跟进。")
        func survey(_ subject: String, _ id: Int, _ scores: [(Int, Int)]) async throws {
            let at = testStart - 2 * day
            let survey = try await sql.raw(
                """
                INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, expires_at, answered_at, score)
                VALUES (\(bind: subject), \(bind: id), \(bind: customer.id), \(bind: "hash-\(subject)-\(id)"), \(bind: at), \(bind: at + 30 * day), \(bind: at),
                        \(bind: scores[0].1)) RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
            for (staff, score) in scores {
                try await sql.raw(
                    """
                    INSERT INTO survey_attributions (survey_id, subject_type, subject_id, staff_id, score, answered_at)
                    VALUES (\(bind: survey), \(bind: subject), \(bind: id), \(bind: staff), \(bind: score), \(bind: at))
                    """
                ).run()
            }
        }
        try await survey("inquiry", linaInquiries[0], [(lina, 1)])
        try await survey("inquiry", linaInquiries[1], [(lina, 5)])
        try await survey("complaint", complaint, [(lina, 2), (zhangwei, 4)])
        return Records(
            lina: lina, zhangwei: zhangwei, lowInquiry: linaInquiries[0], linaUpdates: linaUpdates,
            zhangweiUpdate: zhangweiUpdate,
            linaInquiries: linaInquiries, zhangweiInquiry: zhangweiInquiry)
    }

    static let november: [String: JSONValue] = [
        "periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 10, "seed": 7,
    ]

    static func ids(_ sampled: [InspectionsAPIController.InspectionDTO], _ type: String, staff: Int) -> Set<Int> {
        Set(sampled.filter { $0.staffID == staff && $0.record.type == type }.map(\.record.id))
    }

    @Test(
        "low survey scores draw the inquiry and the complaint updates behind them; then inquiries answered; then complaint updates",
        arguments: TestDatabase.available)
    func byRule(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let r = try await Self.seed(t)
            // Low scores: 李娜's inquiry scored 1 and her two updates on the complaint scored 2; not the
            // inquiry scored 5, not 张伟's update (his score was 4).
            var body = Self.november
            body["rule"] = "low_scores"
            let low = try await InspectionTests.sample(t, body)
            #expect(low.count == 3)
            #expect(Self.ids(low, "inquiry", staff: r.lina) == [r.lowInquiry])
            #expect(Self.ids(low, "complaint_update", staff: r.lina) == Set(r.linaUpdates))
            #expect(low.allSatisfy { $0.rule == "low_scores" })
            let inquiry = try #require(low.first { $0.record.type == "inquiry" })
            #expect(inquiry.record.summary == "厂房租金有优惠吗？")
            #expect(inquiry.record.content == "已按园区政策答复：租金首年减半。")
            #expect(inquiry.record.channel == "web_form")
            let update = try #require(low.first { $0.record.type == "complaint_update" })
            #expect(update.record.summary == "TS-2026-000901")
            #expect(r.linaUpdates.contains(update.record.id))

            // Inquiries answered: the other two of 李娜's (the unanswered one is not), 张伟's one.
            body["rule"] = "inquiries"
            let inquiries = try await InspectionTests.sample(t, body)
            #expect(Self.ids(inquiries, "inquiry", staff: r.lina) == Set(r.linaInquiries.dropFirst()))
            #expect(Self.ids(inquiries, "inquiry", staff: r.zhangwei) == [r.zhangweiInquiry])
            #expect(inquiries.count == 3)
            // Complaint updates: only 张伟's is left.
            body["rule"] = "complaints"
            let complaints = try await InspectionTests.sample(t, body)
            #expect(complaints.map(\.record.id) == [r.zhangweiUpdate])
            #expect(complaints.map(\.record.type) == ["complaint_update"])
            #expect(try await t.auditEntries("inspection.sampled").count == 3)

            // An unknown rule is refused at its field; nothing is sampled, nothing audited.
            body["rule"] = "loud_calls"
            let before = try await InspectionTests.count(t, "inspections")
            let (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/sample", token: try await t.token(.supervisor), body)
            #expect(status == .unprocessableEntity)
            #expect(text.contains("\"rule\""))
            #expect(try await InspectionTests.count(t, "inspections") == before)
            #expect(try await t.auditEntries("inspection.sampled").count == 3)

            // Scored, an inquiry's inspection counts in 李娜's service quality for November.
            let scored = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(inquiry.id)/score", token: try await t.token(.supervisor),
                ["scores": .object(InspectionTests.fullScores), "version": 1])
            #expect(scored.0 == .ok, "\(scored.1)")
            let november = AssessmentPeriod(start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!)!
            #expect(
                try await InspectionStore(database: t.app.db).scores(staffIDs: [r.lina], period: november)[r.lina] == [
                    81.5
                ])

            // The page names the kind of record and shows the question, the answer and its channel.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/inspections/\(inquiry.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.contains("咨询及答复"))
                #expect(html.contains("厂房租金有优惠吗？"))
                #expect(html.contains("网页表单"))
                #expect(html.contains("满意度低分（2分及以下）涉及的记录"))
            }
            try await t.app.testing().test(
                .GET, "/inspections/\(update.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("投诉告知"))
                #expect(res.body.string.contains("TS-2026-000901"))
            }
        }
    }
}
