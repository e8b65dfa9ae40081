import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Discipline, awards and penalties (issue 15 §6), taken through the same steps people use: three
/// violations (one answered and confirmed, one dismissed, one waiting for the person's response), a
/// penalty citing the confirmed violation that was appealed and upheld, a bonus deduction for a complaint
/// handled late (appealed, waiting for leadership), a monthly award decided from the shortlist, and a
/// special-contribution award with public praise.
enum DemoConduct {
    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard try await sql.raw("SELECT COUNT(*) AS n FROM violations").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        var people: [String: ConductPerson] = [:]
        for username in ["wangjing", "lina", "zhangwei", "liuyang", "zhaoguoqiang"] {
            guard let row = try await sql.raw("SELECT id FROM staff WHERE username = \(bind: username)").first(),
                let person = try await ConductPerson.find(try row.decode(column: "id", as: Int.self), on: app.db)
            else { return }
            people[username] = person
        }
        let now = app.kefu.clock.now
        func context(_ username: String, minus hours: Double = 0) -> AuditContext {
            AuditContext(
                actorStaffID: people[username]!.id, actorName: username, address: "demo", requestID: "demo",
                now: now.addingTimeInterval(-hours * 3600))
        }
        let notices = ConductNotices(localizer: app.kefu.localizer)
        let violations = ViolationStore(database: app.db)
        let penalties = PenaltyStore(database: app.db, settings: app.kefu.configuration.conduct, notices: notices)
        let awards = AwardStore(database: app.db, notices: notices)
        func at(_ hoursAgo: Double) -> String {
            String(DisplayFormat.dateTime(now.addingTimeInterval(-hoursAgo * 3600))).replacingOccurrences(
                of: " ", with: "T")
        }

        // 刘洋 left the post for forty minutes; responded; confirmed; warned; appealed; upheld.
        let left = try await violations.record(
            .init(
                staffID: people["liuyang"]!.id, type: ViolationType.leavingPost.rawValue, occurredAt: at(150),
                description: "工作时间 14:10–14:50 离开座席，期间两通来电未接听，未报备。"),
            person: people["liuyang"]!, context: context("wangjing", minus: 148))
        if let row = try await violations.find(left) {
            try await violations.respond(
                row, response: "家中临时有事外出，未及时报备，今后注意。", version: row.version, context: context("liuyang", minus: 140))
        }
        if let row = try await violations.find(left) {
            try await violations.decide(
                row, outcome: "confirmed", note: "未报备离岗属实。", version: row.version,
                context: context("wangjing", minus: 120))
        }
        let warning = try await penalties.impose(
            .init(
                staffID: people["liuyang"]!.id, kind: PenaltyKind.warning.rawValue,
                causeType: ViolationRecordKind.recordType,
                causeID: left, reason: "擅离岗位40分钟，未报备，给予警告。"),
            person: people["liuyang"]!, context: context("wangjing", minus: 118))
        if let row = try await penalties.find(warning) {
            try await penalties.appeal(
                row, reason: "事出紧急，且已主动说明，请求撤销警告。", version: row.version, context: context("liuyang", minus: 100))
        }
        if let row = try await penalties.find(warning) {
            try await penalties.decide(
                row, decision: "upheld", note: "离岗未报备违反值班制度，维持警告。", deciderIsLeadership: false, version: row.version,
                context: context("wangjing", minus: 90))
        }

        // 张伟 was said to have passed a customer on; he explained and it was dismissed.
        let shirk = try await violations.record(
            .init(
                staffID: people["zhangwei"]!.id, type: ViolationType.shirkingCustomer.rawValue, occurredAt: at(80),
                description: "客户反映来电咨询厂房租金时被告知“不归我管”。"),
            person: people["zhangwei"]!, context: context("wangjing", minus: 78))
        if let row = try await violations.find(shirk) {
            try await violations.respond(
                row, response: "已当场转接招商部孙磊并登记咨询，通话记录可查。", version: row.version, context: context("zhangwei", minus: 70))
        }
        if let row = try await violations.find(shirk) {
            try await violations.decide(
                row, outcome: "dismissed", note: "核对通话记录，已按规定转接，不予认定。", version: row.version,
                context: context("wangjing", minus: 60))
        }

        // 李娜: a reveal of a customer's mobile without a reason on file, waiting for her response.
        let reveal = try await sql.raw(
            "SELECT id FROM audit_entries WHERE action LIKE 'customer.%reveal%' ORDER BY id LIMIT 1"
        ).first()
        let links =
            try reveal.map {
                [RecordReference(type: ViolationStore.auditEntryType, id: try $0.decode(column: "id", as: Int.self))]
            } ?? []
        _ = try await violations.record(
            .init(
                staffID: people["lina"]!.id, type: ViolationType.confidentialityBreach.rawValue, occurredAt: at(20),
                description: "查看非本人负责客户的完整手机号，查看理由不充分。", links: links),
            person: people["lina"]!, context: context("wangjing", minus: 18))

        // A bonus deduction for a complaint of 张伟's resolved late; appealed, for leadership to decide.
        if let complaint = try await sql.raw(
            "SELECT id FROM complaints WHERE staff_id = \(bind: people["zhangwei"]!.id) ORDER BY id LIMIT 1"
        ).first() {
            let deduction = try await penalties.impose(
                .init(
                    staffID: people["zhangwei"]!.id, kind: PenaltyKind.bonusDeduction.rawValue, causeType: "complaint",
                    causeID: try complaint.decode(column: "id", as: Int.self), amount: 200,
                    reason: "投诉处理超出时限，客户再次投诉，扣减当月奖金200元。"),
                person: people["zhangwei"]!, context: context("wangjing", minus: 30))
            if let row = try await penalties.find(deduction) {
                try await penalties.appeal(
                    row, reason: "超时系等待工程管理部现场核查所致，已多次催办，有记录可查。", version: row.version,
                    context: context("zhangwei", minus: 20))
            }
        }

        // The monthly award, decided from the shortlist of the latest month with someone eligible.
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        for back in 1...3 {
            var month = today.month - back, year = today.year
            if month < 1 { month += 12; year -= 1 }
            let period = MonthPeriod(CalendarDay(year: year, month: month, day: 1)!)
            let shortlist = try await awards.shortlist(
                departmentID: people["wangjing"]!.departmentID, month: period, now: now,
                serviceQuality: app.serviceQualityFigures)
            guard let first = shortlist.first(where: { $0.place == 1 }),
                let person = try await ConductPerson.find(first.staffID, on: app.db)
            else { continue }
            _ = try await awards.grant(
                .init(
                    staffID: person.id, kind: AwardKind.monthly.rawValue, period: period.description,
                    forms: [AwardForm.bonus.rawValue, AwardForm.certificate.rawValue, AwardForm.publicPraise.rawValue],
                    bonus: 500,
                    citation: "\(period) 月度优质服务奖：答复及时、跟进到位，客户评价好。"),
                person: person, shortlist: shortlist, context: context("wangjing", minus: 10))
            break
        }

        // A special-contribution award for 李娜's signed contract, waiting for leadership's approval.
        if let contract = try await sql.raw(
            "SELECT id FROM contracts WHERE staff_id = \(bind: people["lina"]!.id) ORDER BY id LIMIT 1"
        ).first() {
            _ = try await awards.grant(
                .init(
                    staffID: people["lina"]!.id, kind: AwardKind.special.rawValue, causeType: "contract",
                    causeID: try contract.decode(column: "id", as: Int.self),
                    forms: [AwardForm.certificate.rawValue, AwardForm.training.rawValue],
                    citation: "促成重点项目签约，全程跟进材料与手续。", needsApproval: true),
                person: people["lina"]!, shortlist: nil, context: context("wangjing", minus: 5))
        }
    }
}
