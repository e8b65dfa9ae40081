import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10 improvement 4: the pipeline board by stage.
extension FrontLineImprovementTests {
    // MARK: - 4. The pipeline board

    @Test(
        "board: a specialist sees their own files by stage, the supervisor the team or one person; a liaison and the administrator not at all",
        arguments: TestDatabase.available)
    func boardShowsThePipeline(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangweiToken = try await staffToken(t, "zhangwei")
            let theirs = try await createCustomer(
                t, token: zhangweiToken, ["name": "丁公司联系人", "companyName": "丁方贸易有限公司", "mobile": "13800000004"])
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/board", as: lina).body.string
            for stage in CustomerStage.allCases { #expect(html.contains("id=\"column-\(stage.rawValue)\"")) }
            #expect(
                html.contains("id=\"card-\(customers[1].id)\"") && !html.contains("id=\"card-\(theirs.id)\""),
                "only her own files")
            #expect(html.contains("action=\"/board/\(customers[0].id)/move\""), "each card has its move form")
            #expect(html.contains("下次跟进"), "a card shows its next follow-up")
            let supervisor = try await t.signIn(.supervisor)
            let team = try await get(t, "/board", as: supervisor).body.string
            #expect(
                team.contains("id=\"card-\(customers[1].id)\"") && team.contains("id=\"card-\(theirs.id)\"")
                    && team.contains("id=\"board-filter\""))
            let one = try await get(t, "/board?specialist=\(try await t.staff("zhangwei").requireID())", as: supervisor)
                .body.string
            #expect(one.contains("id=\"card-\(theirs.id)\"") && !one.contains("id=\"card-\(customers[1].id)\""))
            let leadership = try await get(t, "/board", as: try await t.signIn("zhaoguoqiang")).body.string
            #expect(
                leadership.contains("id=\"card-\(theirs.id)\"") && !leadership.contains("/move\""),
                "leadership reads, does not move")
            #expect(try await get(t, "/board", as: try await t.signIn("zhoumin")).status == .forbidden)
            #expect(try await get(t, "/board", as: try await t.signIn(.administrator)).status == .forbidden)
            // The API: the same columns; a specialist asking for a colleague's board still gets their own.
            let token = try await t.token(.specialist)
            let columns = try await api(
                t, "/api/v1/board?specialist=\(try await t.staff("zhangwei").requireID())", token: token
            )
            .content.decode([BoardStore.Column].self)
            #expect(columns.map(\.stage) == CustomerStage.allCases.map(\.rawValue))
            #expect(
                columns.first { $0.stage == "intent" }?.count == 2
                    && columns.first { $0.stage == "lead" }?.cards.map(\.id) == [customers[0].id])
            #expect(columns.first { $0.stage == "intent" }?.cards.allSatisfy { $0.nextFollowUpAt != nil } == true)
        }
    }

    @Test(
        "board: moving a card to intent asks for the next follow-up (refused without, nothing changed); with it the stage and the plan are saved; a colleague's card is refused",
        arguments: TestDatabase.available)
    func boardMoveAsksForTheFollowUp(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let lead = customers[0]
            let lina = try await t.signIn("lina")
            let auditBefore = try await t.auditEntries("customer.updated").count
            let timelineBefore = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: lead.id)"
            ).first()?.decode(column: "n", as: Int.self)
            let refused = try await post(
                t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=intent&followUpDueAt=&followUpPurpose=",
                as: lina)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(
                html.contains("<details class=\"board-move\" open>")
                    && html.contains("<option value=\"intent\" selected>"), "the card's form open, the choice kept")
            #expect(html.contains("field-error"))
            let unchanged = try #require(try await CustomerModel.find(lead.id, on: t.app.db))
            #expect(unchanged.stage == "lead" && unchanged.version == lead.version)
            #expect(try await t.auditEntries("customer.updated").count == auditBefore)
            #expect(
                try await t.app.db.sql().raw(
                    "SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: lead.id)"
                ).first()?.decode(column: "n", as: Int.self) == timelineBefore)
            // A colleague may not move lina's card.
            let colleague = try await t.signIn("zhangwei")
            #expect(
                try await post(
                    t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=lost&lostReason=预算不足", as: colleague
                ).status == .forbidden)
            #expect(try await CustomerModel.find(lead.id, on: t.app.db)?.stage == "lead")
            // With the next follow-up: moved, and the plan is there.
            let moved = try await post(
                t, "/board/\(lead.id)/move",
                "version=\(lead.version)&stage=intent&followUpDueAt=2026-12-20T10:00&followUpPurpose=送去项目资料", as: lina)
            #expect(moved.status == .seeOther && moved.headers.first(name: .location) == "/board#card-\(lead.id)")
            #expect(try await CustomerModel.find(lead.id, on: t.app.db)?.stage == "intent")
            #expect(try await FollowUpStore(database: t.app.db).list(customerID: lead.id).map(\.purpose) == ["送去项目资料"])
            // The same version again is a conflict, not a second move.
            let stale = try await post(
                t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=negotiating", as: lina)
            let afterStale = try await CustomerModel.find(lead.id, on: t.app.db)?.stage
            #expect(stale.status == .conflict && afterStale == "intent")
        }
    }
}
