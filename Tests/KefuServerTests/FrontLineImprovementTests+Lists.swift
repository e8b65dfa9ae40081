import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10 improvement 3: lists that sort on indexed columns, select across the filter, keep saved filters
/// and reassign with a reason.
extension FrontLineImprovementTests {
    // MARK: - 3. Lists that work

    func post(_ t: TestApp, _ path: String, _ body: String, as browser: Browser) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(
            .POST, path,
            beforeRequest: { req in
                req.headers.cookie = browser.cookies
                req.headers.contentType = .urlEncodedForm
                req.body = ByteBuffer(string: "_csrf=\(browser.csrf)&" + body)
            }
        ) { res async throws in response = res }
        return try #require(response)
    }

    /// Three of lina's customers: 甲 (lead), 乙 and 丙 (intent, each with a follow-up).
    func threeCustomers(_ t: TestApp) async throws -> [CustomerDTO] {
        let lina = try await t.token(.specialist)
        let due = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(86400))
        return [
            try await createCustomer(
                t, token: lina, ["name": "甲公司联系人", "companyName": "甲方科技有限公司", "mobile": "13800000001"]),
            try await createCustomer(
                t, token: lina,
                [
                    "name": "乙公司联系人", "companyName": "乙方制造有限公司", "mobile": "13800000002", "stage": "intent",
                    "followUpDueAt": due, "followUpPurpose": "回访",
                ]),
            try await createCustomer(
                t, token: lina,
                [
                    "name": "丙公司联系人", "companyName": "丙方物流有限公司", "mobile": "13800000003", "stage": "intent",
                    "followUpDueAt": due, "followUpPurpose": "回访",
                ]),
        ]
    }

    @Test("lists: every sort a column header offers is read in index order, without a sort step (EXPLAIN QUERY PLAN)")
    func sortsUseAnIndex() async throws {
        try await withApp { (t: TestApp) in
            for sort in CustomerFilter.Sort.allCases {
                let rows = try await t.app.db.sql().raw(
                    """
                    EXPLAIN QUERY PLAN SELECT customers.id FROM customers WHERE customers.merged_into_id IS NULL
                    ORDER BY \(CustomerQueries.order(sort)) LIMIT 20
                    """
                ).all()
                let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(!plan.contains("TEMP B-TREE"), "\(sort.rawValue) sorts: \(plan)")
                // `created` is the rowid's own order ("SCAN customers"); every other order reads an index.
                #expect(sort == .created || plan.contains("INDEX"), "\(sort.rawValue): \(plan)")
            }
        }
    }

    @Test(
        "search by a short number reads the first and last code from the ends of the code index, not the whole index (issue 18 §10)"
    )
    func shortNumberCodeBoundsSeekTheIndex() async throws {
        try await withApp { (t: TestApp) in
            _ = try await threeCustomers(t)
            let rows = try await t.app.db.sql().raw("EXPLAIN QUERY PLAN " + CustomerQueries.codeBounds).all()
            let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(!plan.contains("SCAN customers"), "\(plan)")
            #expect(plan.components(separatedBy: "SEARCH customers").count == 3, "\(plan)")
            // The bounds still name the codes issued: the demo's first and last file.
            let bounds = try #require(try await t.app.db.sql().raw(CustomerQueries.codeBounds).first())
            let first = try bounds.decode(column: "first", as: String?.self)
            let last = try bounds.decode(column: "last", as: String?.self)
            let codes = try await CustomerModel.query(on: t.app.db).all().map(\.code).sorted()
            #expect(first == codes.first && last == codes.last && first != nil)
        }
    }

    @Test("lists: a column header sorts both ways, marked; the API sorts the same")
    func headersSort() async throws {
        try await withApp { (t: TestApp) in
            _ = try await threeCustomers(t)
            let supervisor = try await t.signIn(.supervisor)
            let html = try await get(t, "/customers?sort=name", as: supervisor).body.string
            #expect(
                html.contains(
                    "<th aria-sort=\"ascending\"><a class=\"sort-link\" id=\"sort-name\" href=\"/customers?sort=name_desc\""
                ))
            #expect(
                html.contains("id=\"sort-code\" href=\"/customers?sort=code\""),
                "another column starts in its own order")
            let a = try #require(html.range(of: "甲公司联系人")), c = try #require(html.range(of: "丙公司联系人"))
            #expect(c.lowerBound < a.lowerBound, "丙 (U+4E19) before 甲 (U+7532) by name")
            let token = try await t.token(.supervisor)
            let ascending = try await api(t, "/api/v1/customers?sort=name", token: token).content.decode(
                PageDTO<CustomerSummaryDTO>.self
            ).items.map(\.name)
            let descending = try await api(t, "/api/v1/customers?sort=name_desc", token: token).content.decode(
                PageDTO<CustomerSummaryDTO>.self
            ).items.map(\.name)
            #expect(ascending == ascending.sorted() && descending == ascending.reversed())
            let codes = try await api(t, "/api/v1/customers?sort=code_desc", token: token).content.decode(
                PageDTO<CustomerSummaryDTO>.self
            ).items.map(\.code)
            #expect(codes == codes.sorted().reversed())
        }
    }

    @Test(
        "lists: reassigning every file matching the filter, with a reason: the filter kept, the receiver notified, the reason in the audit log",
        arguments: TestDatabase.available)
    func reassignAcrossTheFilter(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let supervisor = try await t.signIn(.supervisor)
            let list = try await get(t, "/customers?stage=intent", as: supervisor).body.string
            #expect(list.contains("全部符合当前筛选的 2 位客户") && list.contains("data-select-all=\"customerIDs[]\""))
            let moved = try await post(
                t, "/customers/reassign", "stage=intent&sort=updated&allMatching=1&toStaffID=\(zhangwei)&reason=李娜休产假",
                as: supervisor)
            #expect(moved.status == .seeOther)
            #expect(
                moved.headers.first(name: .location) == "/customers?stage=intent&sort=updated", "back to the same list")
            for customer in customers {
                let owner = try await CustomerModel.find(customer.id, on: t.app.db)?.responsibleStaffID
                #expect((owner == zhangwei) == (customer.stage == "intent"), "\(customer.name)")
            }
            let audit = try await t.auditEntries("customer.reassigned")
            #expect(
                audit.count == 2
                    && audit.allSatisfy {
                        $0.message
                            == AuditMessage.reassigned(from: "李娜", to: "张伟", withReason: true)
                            && $0.detail == "李娜休产假"
                    },
                "people by name, and the reason")
            let bell = try await NotificationStore(database: t.app.db).page(
                staffID: zhangwei, paging: Paging(number: 1, size: 20)
            ).items
            #expect(bell.count == 1 && bell.first?.event == "customers.assigned" && bell.first?.body == "李娜休产假")
            let zhangweiBrowser = try await t.signIn("zhangwei")
            let bellPage = try await get(t, "/notifications", as: zhangweiBrowser).body.string
            #expect(bellPage.contains("转给您的客户：2 位"))
        }
    }

    @Test(
        "lists: a reassignment without a reason is refused at the field, ticks and choice kept; nothing moves, nothing is written"
    )
    func reassignNeedsAReason() async throws {
        try await withApp { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let supervisor = try await t.signIn(.supervisor)
            let auditBefore = try await t.auditEntries("customer.reassigned").count
            let timelineBefore = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?
                .decode(column: "n", as: Int.self)
            let refused = try await post(
                t, "/customers/reassign", "sort=updated&customerIDs[]=\(customers[0].id)&toStaffID=\(zhangwei)&reason=",
                as: supervisor)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("id=\"reassign-reason-error\"") && html.contains("请填写调整原因"))
            #expect(
                html.contains("value=\"\(customers[0].id)\" aria-label=\"\(customers[0].code)\" checked>"),
                "the tick is kept")
            #expect(html.contains("<option value=\"\(zhangwei)\" selected>"), "the chosen person is kept")
            #expect(try await CustomerModel.find(customers[0].id, on: t.app.db)?.responsibleStaffID != zhangwei)
            #expect(try await t.auditEntries("customer.reassigned").count == auditBefore)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(
                    column: "n", as: Int.self) == timelineBefore)
            #expect(try await NotificationStore(database: t.app.db).unreadCount(staffID: zhangwei) == 0)
            // The API refuses the same, and both ids and a filter.
            let token = try await t.token(.supervisor)
            for body in [
                CustomersAPIController.ReassignRequest(customerIDs: [customers[0].id], toStaffID: zhangwei),
                CustomersAPIController.ReassignRequest(
                    customerIDs: [customers[0].id], toStaffID: zhangwei, reason: "调岗", filter: "stage=intent"),
            ] {
                try await t.app.testing().test(
                    .POST, "/api/v1/customers/reassign",
                    beforeRequest: { req in
                        req.bearer(token); try req.content.encode(body)
                    }
                ) { res async throws in #expect(res.status == .unprocessableEntity) }
            }
            #expect(try await CustomerModel.find(customers[0].id, on: t.app.db)?.responsibleStaffID != zhangwei)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/reassign",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(
                        CustomersAPIController.ReassignRequest(
                            toStaffID: zhangwei, reason: "调岗", filter: "stage=intent"))
                }
            ) { res async throws in
                #expect(try res.content.decode(CustomersAPIController.ReassignResult.self).moved == 2)
            }
        }
    }

    @Test(
        "saved filters: the three built-in ones find what they say; a person saves, uses and deletes their own; nobody else sees or deletes it",
        arguments: TestDatabase.available)
    func savedFilters(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            // 丙's follow-up is done without a next one: it becomes 意向无跟进.
            try await t.app.db.sql().raw(
                "UPDATE follow_ups SET completed_at = \(bind: testStart) WHERE customer_id = \(bind: customers[2].id)"
            ).run()
            let token = try await t.token(.specialist)
            func names(_ query: String) async throws -> [String] {
                try await api(t, "/api/v1/customers?" + query, token: token).content.decode(
                    PageDTO<CustomerSummaryDTO>.self
                ).items.map(\.name).sorted()
            }
            #expect(try await names("stage=intent&specialist=me") == ["丙公司联系人", "乙公司联系人"].sorted())
            #expect(try await names("withoutFollowUp=1") == ["丙公司联系人"])
            #expect(try await names("notContactedDays=30").isEmpty, "new files are not yet 30 days without contact")
            t.clock.advance(by: 31 * 86400)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customers[0].id)/communications",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(
                        CommunicationRecordDTO(channel: "phone", direction: "outbound", summary: "回访客户"))
                }
            ) { res async throws in #expect(res.status == .created) }
            #expect(try await names("notContactedDays=30") == ["丙公司联系人", "乙公司联系人"].sorted())
            let lina = try await t.signIn("lina")
            let page = try await get(t, "/customers?withoutFollowUp=1", as: lina).body.string
            #expect(page.contains("我的意向客户") && page.contains("30 天未联系"))
            #expect(
                page.contains(
                    "<a class=\"chip is-current\" aria-current=\"true\" href=\"/customers?withoutFollowUp=1&amp;sort=updated\">意向无跟进</a>"
                ))

            // Refused: no name. Nothing stored.
            let refused = try await post(t, "/customers/saved-filters", "stage=intent&region=苏州&filterName=", as: lina)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("请填写筛选名称"))
            #expect(
                try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID())
                    .isEmpty)
            let saved = try await post(
                t, "/customers/saved-filters", "stage=intent&region=苏州&filterName=苏州意向", as: lina)
            #expect(saved.status == .seeOther)
            let mine = try await SavedFilterStore(database: t.app.db).list(
                staffID: try await t.staff("lina").requireID())
            #expect(
                mine.map(\.name) == ["苏州意向"]
                    && mine.first?.query == "stage=intent&region=%E8%8B%8F%E5%B7%9E&sort=updated")
            #expect(try await get(t, "/customers", as: lina).body.string.contains(">苏州意向</a>"))
            let colleague = try await t.signIn("zhangwei")
            #expect(!(try await get(t, "/customers", as: colleague).body.string.contains("苏州意向")))
            let id = try #require(mine.first?.id)
            #expect(try await post(t, "/customers/saved-filters/\(id)/delete", "", as: colleague).status == .notFound)
            let colleagueToken = try await staffToken(t, "zhangwei")
            #expect(
                try await api(t, "/api/v1/customers/saved-filters/\(id)", token: colleagueToken, method: .DELETE).status
                    == .notFound)
            #expect(
                try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID())
                    .count == 1)
            let filters = try await api(t, "/api/v1/customers/saved-filters", token: token).content.decode(
                [CustomersAPIController.SavedFilterDTO].self)
            #expect(filters.map(\.name) == ["我的意向客户", "意向无跟进", "30 天未联系", "苏州意向"])
            #expect(try await post(t, "/customers/saved-filters/\(id)/delete", "", as: lina).status == .seeOther)
            #expect(
                try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID())
                    .isEmpty)
            #expect(try await t.auditEntries("saved_filter.deleted").count == 1)
        }
    }
}
