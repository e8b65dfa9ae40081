import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The contract store's SQL on PostgreSQL (issue 12): the workflow from draft to in execution, the
/// list and its filters, the obligation lists and the scheduler's scan — the same answers as on SQLite.
@Suite(
    "Contracts on PostgreSQL", .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct ContractPostgresTests {
    @Test("draft to in execution, lists with every filter, obligations overdue and this week, reminders once")
    func contracts() async throws {
        try await withPostgresApp { t in
            let db = t.app.db
            func staff(_ username: String) async throws -> Int {
                try #require(try await StaffModel.query(on: db).filter(\.$username == username).first()).requireID()
            }
            var context = AuditContext.console(now: testStart)
            context.actorStaffID = try await staff("lina")
            context.actorName = "lina"
            var draft = CustomerDraft()
            draft.kind = "company"; draft.name = "张伟"; draft.companyName = "上海浦江科技有限公司"; draft.mobile = "13812345678"
            draft.source = "phone"; draft.industries = ["technology"]
            let customer = try await CustomerStore(database: db).create(
                try CustomerValidation.validate(draft).get(), responsibleStaffID: context.actorStaffID,
                duplicateReason: nil, context: context)
            let labels = ContractLabels(localizer: t.app.kefu.localizer, language: .zhHans)
            let workflow = ContractWorkflow(database: db, labels: labels)
            let store = ContractStore(database: db)
            let id = try await workflow.create(
                .init(
                    customerID: try customer.requireID(), type: "other", title: "合作框架协议", amountWan: "100",
                    paymentPlan: [InstallmentDraft(label: "全款", amountWan: "100")]), context: context)
            #expect(try await store.find(id)?.number == "HT-2026-000001")
            await #expect(throws: ContractRefused.self) {
                try await workflow.move(
                    contractID: id, to: "documents_complete", reason: nil, version: 1, context: context)
            }
            for item in try await store.checklist(id) {
                try await workflow.setChecklistItem(
                    contractID: id, itemID: item.id, status: "received", reason: nil, version: item.version,
                    context: context)
            }
            await #expect(throws: RecordConflict.self, "a stale version is the write path's one conflict") {
                try await workflow.move(
                    contractID: id, to: "documents_complete", reason: nil, version: 9, context: context)
            }
            try await workflow.move(contractID: id, to: "documents_complete", reason: nil, version: 1, context: context)
            for clause in try await store.clauses(id) {
                try await workflow.explainClause(contractID: id, clauseID: clause.id, note: nil, context: context)
            }
            try await workflow.addQuestion(
                contractID: id, .init(clauseID: nil, question: "能否分期？", answer: "可以"), context: context)
            try await workflow.confirmTerms(contractID: id, note: nil, version: 2, context: context)
            try await workflow.move(contractID: id, to: "terms_explained", reason: nil, version: 3, context: context)
            try await workflow.forward(contractID: id, version: 4, context: context)
            var legal = context
            legal.actorStaffID = try await staff("zhoumin")
            try await workflow.review(contractID: id, approve: true, comment: nil, version: 5, context: legal)
            try await workflow.sign(
                contractID: id, SigningDraft(signedOn: "2026-11-20", place: "上海", signatories: "张伟"), version: 6,
                today: CalendarDay("2026-11-30")!, context: context)
            let obligations = ObligationStore(database: db)
            _ = try await obligations.add(
                contractID: id,
                .init(
                    kind: "payment", party: "customer", title: "支付全款", dueOn: "2026-11-25", amountWan: "100",
                    remindDaysBefore: 7, staffID: nil), context: context)
            _ = try await obligations.add(
                contractID: id,
                .init(
                    kind: "opening", party: "customer", title: "开业", dueOn: "2026-12-03",
                    remindDaysBefore: 7, staffID: nil), context: context)
            #expect(try await store.find(id)?.state == "signed")
            let today = CalendarDay("2026-11-30")!
            // The list with each filter; the overdue count per contract.
            let all = try await store.list(.init(), paging: Paging(number: 1, size: 20), today: today)
            #expect(all.total == 1 && all.items.first?.overdue == 1)
            #expect(
                try await store.list(.init(state: .signed), paging: Paging(number: 1, size: 20), today: today).total
                    == 1)
            #expect(
                try await store.list(.init(state: .draft), paging: Paging(number: 1, size: 20), today: today).total == 0
            )
            #expect(
                try await store.list(.init(overdueOn: today), paging: Paging(number: 1, size: 20), today: today).total
                    == 1)
            let legalDepartment = try #require(
                try await DepartmentModel.query(on: db).filter(\.$code == "legal").first()
            ).requireID()
            #expect(
                try await store.list(
                    .init(forwardedToDepartmentID: legalDepartment), paging: Paging(number: 1, size: 20), today: today
                ).total == 1)
            #expect(
                try await store.list(
                    .init(forwardedToDepartmentID: legalDepartment + 100), paging: Paging(number: 1, size: 20),
                    today: today
                ).total == 0)
            #expect(try await obligations.list(.init(view: .overdue), today: today).map(\.title) == ["支付全款"])
            #expect(try await obligations.list(.init(view: .week), today: today).count == 2)
            #expect(
                try await obligations.list(.init(view: .open, paymentsOnly: true), today: today).map(\.title) == [
                    "支付全款"
                ])
            // The scheduler: one overdue and one due soon, once each.
            let first = try await ObligationReminderJob.scan(app: t.app, now: testStart)
            _ = try await ObligationReminderJob.scan(app: t.app, now: testStart)
            #expect(Set(first.map(\.reminder.event)) == [.obligationOverdue, .obligationDueSoon])
            let count = try await db.sql().raw("SELECT COUNT(*) AS n FROM notifications").first()?.decode(
                column: "n", as: Int.self)
            #expect(count == 2)
            #expect(
                try await store.timeline(of: try #require(try await store.find(id)), obligationIDs: [1, 2]).count >= 10)
        }
    }
}
