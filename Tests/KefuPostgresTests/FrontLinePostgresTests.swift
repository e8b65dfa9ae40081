import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The front line's SQL on PostgreSQL: the same stores, the same answers as on SQLite (issue 4).
@Suite(
    "Front line on PostgreSQL", .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct FrontLinePostgresTests {
    @Test(
        "projects and versions, ranking and reactions, follow-ups, inquiries, the public queue, reminders and webhooks")
    func frontLine() async throws {
        try await withPostgresApp { t in
            let db = t.app.db
            let lina = try #require(try await StaffModel.query(on: t.app.db).filter(\.$username == "lina").first())
                .requireID()
            var context = AuditContext.console(now: testStart)
            context.actorStaffID = lina
            context.actorName = "lina"
            // A project, changed once: two versions; statistics and ranking.
            let projects = ProjectStore(database: db)
            var draft = ProjectDraft()
            draft.code = "XM-2026-001"; draft.name = "苏州科技园"; draft.type = "industrial_park";
            draft.industries = ["technology"]
            draft.city = "苏州"; draft.investmentMinWan = "100"; draft.investmentMaxWan = "1000"
            let facts = try ProjectValidation.validate(draft).get()
            let project = try await projects.create(facts, context: context)
            var changed = facts
            changed.investmentMinWan = 200
            let saved = try await projects.update(project.id, with: changed, version: 1, context: context)
            #expect(saved.version == 2 && saved.facts.investmentMinWan == 200)
            await #expect(throws: RecordConflict.self) {
                _ = try await projects.update(project.id, with: facts, version: 1, context: context)
            }
            #expect(try await projects.versions(of: project.id).map(\.version) == [2, 1])

            var customerDraft = CustomerDraft()
            customerDraft.kind = "company"; customerDraft.name = "张伟"; customerDraft.companyName = "上海浦江科技有限公司"
            customerDraft.mobile = "13812345678"; customerDraft.source = "phone";
            customerDraft.industries = ["technology"]; customerDraft.stage = "intent"
            let plan = FollowUpPlan(dueAt: testStart.addingTimeInterval(600), channel: .phone, purpose: "回访")
            let customer = try await CustomerStore(database: db).create(
                try CustomerValidation.validate(customerDraft).get(), responsibleStaffID: lina,
                duplicateReason: nil, context: context, followUp: plan)
            let customerID = try customer.requireID()
            let recommendations = RecommendationStore(database: db)
            let before = try #require(try await recommendations.ranking(for: customerID).first)
            let recommendationID = try await recommendations.record(
                .init(projectID: project.id, presentation: "phone", material: "手册"), customerID: customerID,
                context: context)
            try await recommendations.react(
                .init(reaction: "not_interested", reason: "太远"), recommendationID: recommendationID,
                customerID: customerID, context: context)
            let after = try #require(try await recommendations.ranking(for: customerID).first)
            #expect(after.score < before.score)
            let statistics = try await projects.statistics(of: project.id)
            #expect(
                statistics.recommended == 1 && statistics.interestRate == 0
                    && statistics.rejectionReasons.first?.reason == "太远")

            // Follow-ups: the rule on completion, the lists.
            let followUps = FollowUpStore(database: db)
            let open = try await followUps.open(staffID: lina, until: .distantFuture)
            #expect(open.count == 1)
            await #expect(throws: FieldErrors.self) {
                try await followUps.complete(
                    open[0].id, .init(outcome: "已联系", next: nil), context: context, timeZone: DisplayFormat.timeZone)
            }
            try await followUps.complete(
                open[0].id,
                .init(outcome: "已联系", next: .init(dueAt: "2026-12-07T10:00", channel: "phone", purpose: "考察")),
                context: context, timeZone: DisplayFormat.timeZone)
            #expect(try await followUps.list(customerID: customerID).count == 2)
            #expect(try await followUps.customersWithoutPlan(staffID: lina).isEmpty)

            // Inquiries: a promised reply, its reply, the figures; the public queue and its assignment.
            let inquiries = InquiryStore(database: db)
            let promised = InquiryValues(
                channel: .phone, receivedAt: testStart, question: "电费？", needs: nil, answer: nil,
                outcome: .promised(deadline: testStart.addingTimeInterval(3 * 3600)))
            let inquiryID = try await inquiries.create(
                promised, customerID: customerID, staffID: lina, context: context)
            var later = context
            later.now = testStart.addingTimeInterval(3600)
            try await inquiries.reply(inquiryID, reply: "每度 0.8 元", context: later)
            let figures = try await inquiries.figures(staffID: lina, since: testStart.addingTimeInterval(-86400))
            #expect(figures.punctuality.onTime == 1 && figures.averageResponseMinutes == 60)
            let (queued, number) = try await inquiries.submit(
                PublicInquiry(name: "陈先生", mobile: "13912345678", company: nil, intent: "retail", question: "冷库？"),
                noticeVersion: "2026-01", address: "10.0.0.1", context: context)
            #expect(number.hasPrefix("ZX-2026-"))
            #expect(try await inquiries.assign(queued, to: lina, keepOwner: true, context: context) == lina)
            #expect(try await inquiries.find(queued)?.customerID != nil)

            // Reminders: a promised reply two hours before its deadline; webhooks queued once.
            _ = try await inquiries.create(promised, customerID: customerID, staffID: lina, context: context)
            let webhooks = WebhookStore(database: db)
            let settings = try WebhookValidation.validate(
                WebhookDraft(
                    name: "JSON", platform: "json", url: "https://hooks.example.com/x",
                    events: ["promised_reply.due_soon"])
            ).get()
            let webhookID = try await webhooks.create(settings, context: context)
            let reminders = Reminders(app: t.app)
            #expect(
                try await reminders.scan(now: testStart.addingTimeInterval(3600)).map(\.reminder.event) == [
                    .promisedReplyDueSoon
                ])
            _ = try await reminders.scan(now: testStart.addingTimeInterval(3660))
            #expect(try await NotificationStore(database: db).unreadCount(staffID: lina) == 1)
            #expect(try await webhooks.deliveries(webhookID: webhookID).count == 1)
            // The workbench's team figures.
            let team = try await Workbench(database: db, now: testStart.addingTimeInterval(3601)).team()
            #expect(team.first { $0.staffID == lina }?.promisedDue == 1)
        }
    }
}
