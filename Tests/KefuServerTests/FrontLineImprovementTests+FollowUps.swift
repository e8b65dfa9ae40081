import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10 improvement 5: rescheduling with a reason and bulk completion.
extension FrontLineImprovementTests {
    // MARK: - 5. Follow-ups

    func followUpIDs(_ t: TestApp, customerID: Int) async throws -> [Int] {
        try await FollowUpStore(database: t.app.db).list(customerID: customerID).filter { $0.completedAt == nil }.map(
            \.id)
    }

    @Test(
        "follow-ups: the API's open list is paged in due order, with the total; a page past the end is empty, a bad page number is a 400",
        arguments: TestDatabase.available)
    func openListPaged(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            _ = try await threeCustomers(t)
            let token = try await t.token(.specialist)
            let all = try await FollowUpStore(database: t.app.db).rows(.open, staffID: nil, now: t.clock.clock.now).rows
            #expect(all.count >= 2)
            func page(_ query: String) async throws -> PageDTO<FollowUpsAPIController.FollowUpDTO> {
                var page: PageDTO<FollowUpsAPIController.FollowUpDTO>?
                try await t.app.testing().test(
                    .GET, "/api/v1/follow-ups?view=open&\(query)", beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    #expect(res.status == .ok)
                    page = try res.content.decode(PageDTO<FollowUpsAPIController.FollowUpDTO>.self)
                }
                return try #require(page)
            }
            var pages: [PageDTO<FollowUpsAPIController.FollowUpDTO>] = []
            for number in 1...all.count + 1 { pages.append(try await page("perPage=1&page=\(number)")) }
            #expect(pages.flatMap { $0.items.map(\.id) } == all.map(\.id), "one per page, in due order, none twice")
            #expect(
                pages.allSatisfy {
                    $0.page.totalItems == all.count && $0.page.totalPages == all.count && $0.page.totalIsCapped == false
                })
            #expect(pages.last?.items.isEmpty == true)
            try await t.app.testing().test(
                .GET, "/api/v1/follow-ups?view=open&page=0", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .badRequest)
            }
        }
    }

    @Test(
        "follow-ups: rescheduling needs a new time not in the past and a reason; refused changes nothing; done, the timeline and the audit log say from when to when and why",
        arguments: TestDatabase.available)
    func reschedule(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let id = try #require(try await followUpIDs(t, customerID: customers[1].id).first)
            let before = try #require(try await FollowUpStore(database: t.app.db).find(id))
            let lina = try await t.signIn("lina")
            let timelineCount = {
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            }
            let timelineBefore = try await timelineCount()
            let refused = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=", as: lina)
            #expect(refused.status == .unprocessableEntity)
            #expect(
                refused.body.string.contains("id=\"reschedule-reason-error\"")
                    && refused.body.string.contains("value=\"2026-12-10T09:30\""), "the time typed is kept")
            let past = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2020-01-01T09:00&reason=客户出差", as: lina)
            #expect(past.status == .unprocessableEntity)
            #expect(try await FollowUpStore(database: t.app.db).find(id)?.dueAt == before.dueAt)
            let unchangedTimeline = try await timelineCount()
            #expect(try await t.auditEntries("follow_up.rescheduled").isEmpty && unchangedTimeline == timelineBefore)
            #expect(
                try await post(
                    t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=客户出差",
                    as: try await t.signIn("zhangwei")
                ).status == .forbidden)
            let done = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=客户出差", as: lina)
            #expect(done.status == .seeOther)
            let after = try #require(try await FollowUpStore(database: t.app.db).find(id))
            #expect(DisplayFormat.dateTime(after.dueAt) == "2026-12-10 09:30")
            let audit = try await t.auditEntries("follow_up.rescheduled")
            #expect(audit.count == 1 && audit.first?.messageKey == "audit.detail.rescheduled")
            #expect(audit.first?.message.arguments["to"] == .value("2026-12-10 09:30") && audit.first?.detail == "客户出差")
            #expect(try await timelineCount() == timelineBefore + 1)
            // The API: the same rules.
            let token = try await t.token(.specialist)
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/\(id)/reschedule",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(FollowUpStore.RescheduleInput(dueAt: "2026-12-11T09:30", reason: ""))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields["reason"] != nil)
            }
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/\(id)/reschedule",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(FollowUpStore.RescheduleInput(dueAt: "2026-12-11T09:30", reason: "客户改约"))
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(
                    try res.content.decode(FollowUpsAPIController.FollowUpDTO.self).dueAt
                        == after.dueAt.addingTimeInterval(86400))
            }
        }
    }

    @Test(
        "follow-ups: bulk complete finishes those it may; a customer the rule keeps planned and a colleague's are listed with why; no outcome is refused and changes nothing",
        arguments: TestDatabase.available)
    func bulkComplete(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let token = try await t.token(.specialist)
            // The lead customer gets a follow-up too: completing it leaves nothing the rule needs.
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customers[0].id)/follow-ups",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(
                        FollowUpStore.PlanInput(dueAt: "2026-12-01T10:00", channel: "phone", purpose: "初次回访"))
                }
            ) { res async throws in #expect(res.status == .created) }
            let colleagueToken = try await staffToken(t, "zhangwei")
            let theirs = try await createCustomer(
                t, token: colleagueToken, ["name": "丁公司联系人", "companyName": "丁方贸易有限公司", "mobile": "13800000004"])
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(theirs.id)/follow-ups",
                beforeRequest: { req in
                    req.bearer(colleagueToken);
                    try req.content.encode(
                        FollowUpStore.PlanInput(dueAt: "2026-12-01T11:00", channel: "phone", purpose: "回访"))
                }
            ) { res async throws in #expect(res.status == .created) }
            let lead = try #require(try await followUpIDs(t, customerID: customers[0].id).first)
            let intent = try #require(try await followUpIDs(t, customerID: customers[1].id).first)
            let colleague = try #require(try await followUpIDs(t, customerID: theirs.id).first)
            let lina = try await t.signIn("lina")
            let list = try await get(t, "/follow-ups?view=open&scope=mine", as: lina).body.string
            #expect(list.contains("name=\"followUpIDs[]\" value=\"\(lead)\"") && list.contains("id=\"bulk-complete\""))
            // No outcome: refused, ticks kept, nothing completed.
            let refused = try await post(
                t, "/follow-ups/complete", "view=open&scope=mine&followUpIDs[]=\(lead)&outcome=", as: lina)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("id=\"bulk-outcome-error\""))
            #expect(refused.body.string.contains("value=\"\(lead)\" aria-label=\"选择 甲公司联系人\" checked"))
            let completedAudit = try await t.auditEntries("follow_up.completed")
            #expect(try await followUpIDs(t, customerID: customers[0].id) == [lead] && completedAudit.isEmpty)
            let done = try await post(
                t, "/follow-ups/complete",
                "view=open&scope=mine&followUpIDs[]=\(lead)&followUpIDs[]=\(intent)&followUpIDs[]=\(colleague)&outcome=已电话沟通",
                as: lina)
            #expect(done.status == .ok)
            let html = done.body.string
            #expect(html.contains("已完成 1 条跟进") && html.contains("id=\"bulk-refused\"") && html.contains("乙公司联系人"))
            #expect(try await followUpIDs(t, customerID: customers[0].id).isEmpty)
            #expect(
                try await followUpIDs(t, customerID: customers[1].id) == [intent],
                "the rule keeps the intent customer's last follow-up open")
            #expect(
                try await followUpIDs(t, customerID: theirs.id) == [colleague], "a colleague's is not hers to complete")
            #expect(try await t.auditEntries("follow_up.completed").count == 1)
            // The API answers the same split.
            try await t.app.testing().test(
                .POST, "/api/v1/follow-ups/complete",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(
                        FollowUpsAPIController.BulkCompletion(ids: [intent, colleague], outcome: "已沟通"))
                }
            ) { res async throws in
                let result = try res.content.decode(FollowUpStore.BulkResult.self)
                #expect(result.completed.isEmpty && Set(result.refused.map(\.id)) == [intent, colleague])
            }
        }
    }
}
