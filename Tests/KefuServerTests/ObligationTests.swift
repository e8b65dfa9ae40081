import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Obligations under contracts (issue 12 §7): reminders at the boundaries with a fixed clock, once per
/// person; the 财务部 liaison sees only payments and marks them received.
@Suite("Contract obligations: reminders, payments, notices (R3.4, S4)")
struct ObligationTests {
    /// Adds an obligation (a report by default) and, when given, a reminder told to the customer; returns its id.
    @discardableResult
    static func addObligation(
        _ t: TestApp, contractID: Int, token: String, title: String, kind: String = "report",
        dueOn: String = "2026-12-10",
        amountWan: String? = nil, notice: String? = nil
    ) async throws -> ObligationsAPIController.ObligationDTO {
        var dto: ObligationsAPIController.ObligationDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/contracts/\(contractID)/obligations",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    ObligationStore.Input(
                        kind: kind, party: "customer", title: title, dueOn: dueOn, amountWan: amountWan,
                        remindDaysBefore: 7))
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            dto = try? res.content.decode(ObligationsAPIController.ObligationDTO.self)
        }
        let obligation = try #require(dto)
        if let notice {
            try await t.app.testing().test(
                .POST, "/api/v1/obligations/\(obligation.id)/notices",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(ObligationStore.NoticeInput(channel: "wechat", content: notice))
                }
            ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        }
        return obligation
    }

    /// A signed contract of 李娜's (the state the scheduler reminds in), signed today.
    static func signed(_ t: TestApp, token: String) async throws -> ContractDTO {
        var contract = try await ContractTests.explainAll(
            t, try await ContractTests.draft(t, token: token).id, token: token)
        #expect(
            try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/forwarding", token: token,
                ["version": .number(Double(contract.version))]
            ).0 == .ok)
        contract = try await ContractTests.contract(t, contract.id, token: token)
        #expect(
            try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/review", token: try await t.token(.liaison),
                ["decision": "approve", "version": .number(Double(contract.version))]
            ).0 == .ok)
        contract = try await ContractTests.contract(t, contract.id, token: token)
        #expect(
            try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/signing", token: token,
                [
                    "signedOn": "2026-11-30", "place": "苏州", "signatories": "张伟、王静",
                    "version": .number(Double(contract.version)),
                ]
            ).0 == .ok)
        return try await ContractTests.contract(t, contract.id, token: token)
    }

    static func notifications(_ t: TestApp, _ username: String) async throws -> [String] {
        let staffID = try await t.staff(username).requireID()
        return try await t.app.db.sql().raw(
            "SELECT event FROM notifications WHERE staff_id = \(bind: staffID) ORDER BY id"
        ).all()
            .map { try $0.decode(column: "event", as: String.self) }
    }

    @Test(
        "the specialist is reminded 7 days before, not 8, and once overdue — each once, however often the scheduler runs"
    )
    func reminders() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let contract = try await Self.signed(t, token: lina)
            // Due 2026-12-10: the reminder opens on 12-03 (7 days before).
            try await Self.addObligation(
                t, contractID: contract.id, token: lina, title: "提交季度经营报告", dueOn: "2026-12-10")
            // An obligation due before the signing day is refused.
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/obligations", token: lina,
                    ["kind": "report", "party": "customer", "title": "早于签订", "dueOn": "2026-11-29"]
                ).0 == .unprocessableEntity)
            // 2026-12-02 09:00 (8 days before): nothing.
            t.clock.set(testStart.addingTimeInterval(2 * 86400))
            try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now)
            #expect(try await Self.notifications(t, "lina").isEmpty)
            // 2026-12-03 00:30 Beijing time: due soon, once however many scans.
            t.clock.set(Date(timeIntervalSince1970: 1_796_229_000))
            for _ in 0..<3 { try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now) }
            #expect(try await Self.notifications(t, "lina") == ["obligation.due_soon"])
            // The due day itself is not overdue; the next day is.
            t.clock.set(Date(timeIntervalSince1970: 1_796_918_400 - 60))
            try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now)
            #expect(try await Self.notifications(t, "lina") == ["obligation.due_soon"])
            t.clock.set(Date(timeIntervalSince1970: 1_796_918_400))
            for _ in 0..<2 { try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now) }
            #expect(try await Self.notifications(t, "lina") == ["obligation.due_soon", "obligation.overdue"])
            #expect(
                try await Self.notifications(t, "wangjing").isEmpty, "the specialist is reminded, not the supervisor")
            // The overdue list shows it.
            try await t.app.testing().test(
                .GET, "/api/v1/obligations?view=overdue", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let items = try res.content.decode([ObligationsAPIController.ObligationDTO].self)
                #expect(items.map(\.title) == ["提交季度经营报告"])
                #expect(items.first?.isOverdue == true)
            }
        }
    }

    @Test(
        "a lead of 3 days reminds from 3 days before, not 4; the specialist and the responsible colleague each once, the same person once"
    )
    func configuredLeadAndResponsiblePerson() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let contract = try await Self.signed(t, token: lina)
            let zhangwei = try await t.staff("zhangwei").requireID(),
                linaID = try await t.staff(.specialist).requireID()
            // Due 2026-12-20 with a 3-day lead: 张伟 lays the foundation stone, 李娜 reports herself.
            for (title, staffID) in [("开工奠基", zhangwei), ("提交开工报告", linaID)] {
                let (status, text) = try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(contract.id)/obligations", token: lina,
                    [
                        "kind": "construction_start", "party": "company", "title": .string(title),
                        "dueOn": "2026-12-20", "remindDaysBefore": 3,
                        "staffID": .number(Double(staffID)),
                    ])
                #expect(status == .created, "\(text)")
                #expect(text.contains("\"remindDaysBefore\":3"))
            }
            // A lead beyond 90 days is refused at its field, nothing added.
            let (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contract.id)/obligations", token: lina,
                [
                    "kind": "report", "party": "customer", "title": "年度报告", "dueOn": "2027-06-30",
                    "remindDaysBefore": 91,
                ])
            #expect(status == .unprocessableEntity)
            #expect(text.contains("remindDaysBefore"))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM contract_obligations").first()?.decode(
                    column: "n", as: Int.self) == 2)
            // 2026-12-16 (4 days before), Beijing time: nothing.
            let december16: TimeInterval = 1_797_350_400
            t.clock.set(Date(timeIntervalSince1970: december16))
            try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now)
            #expect(try await Self.notifications(t, "lina").isEmpty)
            #expect(try await Self.notifications(t, "zhangwei").isEmpty)
            // 2026-12-17 (3 days before), however many scans: 李娜 once per obligation (her own
            // obligation once, not twice), 张伟 once for his.
            t.clock.set(Date(timeIntervalSince1970: december16 + 86_400))
            for _ in 0..<3 { try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now) }
            #expect(try await Self.notifications(t, "lina") == ["obligation.due_soon", "obligation.due_soon"])
            #expect(try await Self.notifications(t, "zhangwei") == ["obligation.due_soon"])
            // 2026-12-21: overdue, once each.
            t.clock.set(Date(timeIntervalSince1970: december16 + 5 * 86_400))
            for _ in 0..<2 { try await ObligationReminderJob.scan(app: t.app, now: t.clock.clock.now) }
            #expect(
                try await Self.notifications(t, "lina") == [
                    "obligation.due_soon", "obligation.due_soon", "obligation.overdue", "obligation.overdue",
                ])
            #expect(try await Self.notifications(t, "zhangwei") == ["obligation.due_soon", "obligation.overdue"])
            #expect(try await Self.notifications(t, "wangjing").isEmpty)
        }
    }

    @Test(
        "the 财务部 liaison sees only payments and marks them received; the specialist cannot; a stale version changes nothing"
    )
    func payments() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let finance = try await ContractTests.financeLiaison(t)
            // Contracts record the departments involved when drafted: the 财务部 exists before.
            let contract = try await Self.signed(t, token: lina)
            let payment = try await Self.addObligation(
                t, contractID: contract.id, token: lina, title: "首期投资款", kind: "payment", dueOn: "2026-12-15",
                amountWan: "300")
            let report = try await Self.addObligation(
                t, contractID: contract.id, token: lina, title: "提交环评报告", dueOn: "2027-01-15",
                notice: "已电话提醒客户一月中旬前提交")
            try await t.app.testing().test(.GET, "/api/v1/payments", beforeRequest: { req in req.bearer(finance) }) {
                res async throws in
                #expect(res.status == .ok)
                let items = try res.content.decode([ObligationsAPIController.ObligationDTO].self)
                #expect(items.map(\.title) == ["首期投资款"])
                #expect(items.first?.amountWan == "300")
            }
            #expect(try await ContractTests.call(t, .GET, "/api/v1/obligations?view=open", token: finance).1 == "[]")
            #expect(
                try await ContractTests.call(t, .GET, "/api/v1/contracts/\(contract.id)", token: finance).0
                    == .forbidden)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/payments/\(report.id)/receipt", token: finance, ["version": 1]
                ).0 == .forbidden,
                "not a payment: not the 财务部's")
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/payments/\(payment.id)/receipt", token: lina, ["version": 1]
                ).0 == .forbidden)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/obligations/\(payment.id)/fulfilment", token: lina, ["version": 1]
                ).0 == .unprocessableEntity)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/payments/\(payment.id)/receipt", token: finance, ["version": 2]
                ).0 == .conflict)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/payments/\(payment.id)/receipt", token: finance, ["version": 1]
                ).0 == .ok)
            #expect(try await t.auditEntries("obligation.payment_received").count == 1)
            #expect(try await t.auditEntries("obligation.customer_reminded").count == 1)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/obligations/\(report.id)/fulfilment", token: lina, ["version": 1]
                ).0 == .ok)
        }
    }
}
