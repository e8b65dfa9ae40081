import Fluent
import Foundation
@testable import KefuServer
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The front line's improvements (issue 10, "Improvements"): what a CRM user expects of the pages they work in.
@Suite("Front line improvements (issue 10)")
struct FrontLineImprovementTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var fields: [String: String] }
        var error: Detail
    }

    func get(_ t: TestApp, _ path: String, as browser: Browser) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) { res async throws in response = res }
        return try #require(response)
    }

    func api(_ t: TestApp, _ path: String, token: String, method: HTTPMethod = .GET) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(method, path, beforeRequest: { req in req.bearer(token) }) { res async throws in response = res }
        return try #require(response)
    }

    /// An intent customer of lina's with a follow-up planned, a promised reply and a recommendation.
    func busyCustomer(_ t: TestApp) async throws -> (customer: CustomerDTO, projectName: String) {
        let lina = try await t.token(.specialist)
        let due = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(2 * 86400))
        let customer = try await createCustomer(t, token: lina, [
            "name": "陈晓东", "companyName": "苏州东方精密机械有限公司", "mobile": "13800001111", "stage": "intent",
            "followUpDueAt": due, "followUpPurpose": "送去厂房租金方案",
        ])
        let deadline = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(6 * 3600))
        try await t.app.testing().test(.POST, "/api/v1/inquiries", beforeRequest: { req in
            req.bearer(lina)
            try req.content.encode(InquiryInput(customerID: customer.id, channel: "phone", question: "厂房能否分割出租？", answeredOnTheSpot: false, promisedBy: deadline))
        }) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        let supervisor = try await t.token(.supervisor)
        var project: ProjectDTO?
        try await t.app.testing().test(.POST, "/api/v1/projects", beforeRequest: { req in
            req.bearer(supervisor)
            try req.content.encode(ProjectInput(code: "XM-2026-101", name: "吴江精密制造产业园", type: "industrial_park", industries: ["manufacturing"],
                                                province: "江苏省", city: "苏州", investmentMinWan: "100", investmentMaxWan: "1000", status: "open"))
        }) { res async throws in project = try? res.content.decode(ProjectDTO.self) }
        let projectID = try #require(project).id
        try await t.app.testing().test(.POST, "/api/v1/customers/\(customer.id)/recommendations", beforeRequest: { req in
            req.bearer(lina); try req.content.encode(RecommendationStore.Input(projectID: projectID, presentation: "phone", material: nil))
        }) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        return (customer, "吴江精密制造产业园")
    }

    // MARK: - 1. Customer 360

    @Test("360: the timeline leads the file; open follow-ups, promised replies and recommendations at a glance; privacy tools folded away", arguments: TestDatabase.available)
    func customer360Page(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/customers/\(customer.id)", as: lina).body.string
            for id in ["glance-follow-ups", "glance-promised-replies", "glance-recommendations", "timeline", "contact-card", "profile-card"] {
                #expect(html.contains("id=\"\(id)\""), "\(id) is on the file")
            }
            #expect(html.contains("送去厂房租金方案"), "the open follow-up at a glance")
            #expect(html.contains("厂房能否分割出租？"), "the promised reply at a glance")
            #expect(html.contains(projectName) && html.contains("未反馈"), "the recommendation and that the customer has not reacted yet")
            // The timeline comes before the profile and the privacy tools, which sit folded in their own section.
            let timeline = try #require(html.range(of: "id=\"timeline\""))
            let profile = try #require(html.range(of: "id=\"profile-card\""))
            let privacy = try #require(html.range(of: "<details class=\"card card-fold privacy-tools\" id=\"privacy-tools\">"))
            #expect(timeline.lowerBound < privacy.lowerBound)
            let side = try #require(html.range(of: "<aside class=\"file-side\">"))
            let sideEnd = try #require(html.range(of: "</aside>"))
            #expect(side.lowerBound < profile.lowerBound && profile.lowerBound < sideEnd.lowerBound, "the profile sits beside the timeline")
            let consents = try #require(html.range(of: "id=\"consents\""))
            #expect(privacy.lowerBound < consents.lowerBound, "consents are inside the privacy tools")
            #expect(html.contains("<details class=\"card card-fold\" id=\"record-communication\">"), "recording a call is one click away, closed")
            // Overdue once its time has passed.
            t.clock.advance(by: 3 * 86400)
            let later = try await get(t, "/customers/\(customer.id)", as: try await t.signIn("lina")).body.string
            #expect(later.contains("<li class=\"is-overdue\">"))
        }
    }

    @Test("360: each part at a glance only for who may see it — a colleague sees none of lina's open work, leadership no recommendations")
    func customer360Access() async throws {
        try await withApp { (t: TestApp) in
            let (customer, _) = try await busyCustomer(t)
            let colleague = try await t.signIn("zhangwei")
            let theirs = try await get(t, "/customers/\(customer.id)", as: colleague).body.string
            #expect(!theirs.contains("glance-follow-ups") && !theirs.contains("glance-promised-replies") && !theirs.contains("glance-recommendations"))
            // (What happened stays on the timeline, which every viewer of the file reads, as before.)
            #expect(!theirs.contains("未反馈") && !theirs.contains("待办跟进"))
            let leadership = try await t.signIn("zhaoguoqiang")
            let leaders = try await get(t, "/customers/\(customer.id)", as: leadership).body.string
            #expect(leaders.contains("glance-follow-ups") && !leaders.contains("glance-recommendations"))
        }
    }

    @Test("360 API: the overview with what the caller may see; the timeline filtered by group; an unknown group refused", arguments: TestDatabase.available)
    func customer360API(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let lina = try await t.token(.specialist)
            let overview = try await api(t, "/api/v1/customers/\(customer.id)/overview", token: lina)
            #expect(overview.status == .ok)
            let body = try overview.content.decode(CustomerOverviewDTO.self)
            #expect(body.openFollowUps?.map(\.purpose) == ["送去厂房租金方案"] && body.openFollowUpCount == 1)
            #expect(body.openFollowUps?.first?.isOverdue == false && body.openFollowUps?.first?.staffName == "李娜")
            #expect(body.promisedReplies?.map(\.question) == ["厂房能否分割出租？"])
            #expect(body.recommendations?.map(\.projectName) == [projectName] && body.recommendations?.first?.reaction == nil)
            let colleague = try await staffToken(t, "zhangwei")
            let theirs = try await api(t, "/api/v1/customers/\(customer.id)/overview", token: colleague).content.decode(CustomerOverviewDTO.self)
            #expect(theirs.openFollowUps == nil && theirs.promisedReplies == nil && theirs.recommendations == nil, "none of lina's open work")
            let liaison = try await staffToken(t, "zhoumin")
            #expect(try await api(t, "/api/v1/customers/\(customer.id)/overview", token: liaison).status == .forbidden)
            #expect(try await api(t, "/api/v1/customers/999999/overview", token: lina).status == .notFound)

            let followUps = try await api(t, "/api/v1/customers/\(customer.id)/timeline?kind=follow_up", token: lina)
            let kinds = Set(try followUps.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(\.kind))
            #expect(kinds == ["follow_up_planned"])
            let all = try await api(t, "/api/v1/customers/\(customer.id)/timeline", token: lina)
            #expect(Set(try all.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(\.kind)).count > 1)
            let bad = try await api(t, "/api/v1/customers/\(customer.id)/timeline?kind=bogus", token: lina)
            #expect(bad.status == .unprocessableEntity)
            #expect(try bad.content.decode(ErrorBody.self).error.fields["kind"] != nil)
        }
    }

    // MARK: - 3. Lists that work

    func post(_ t: TestApp, _ path: String, _ body: String, as browser: Browser) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(.POST, path, beforeRequest: { req in
            req.headers.cookie = browser.cookies
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: "_csrf=\(browser.csrf)&" + body)
        }) { res async throws in response = res }
        return try #require(response)
    }

    /// Three of lina's customers: 甲 (lead), 乙 and 丙 (intent, each with a follow-up).
    func threeCustomers(_ t: TestApp) async throws -> [CustomerDTO] {
        let lina = try await t.token(.specialist)
        let due = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(86400))
        return [
            try await createCustomer(t, token: lina, ["name": "甲公司联系人", "companyName": "甲方科技有限公司", "mobile": "13800000001"]),
            try await createCustomer(t, token: lina, ["name": "乙公司联系人", "companyName": "乙方制造有限公司", "mobile": "13800000002", "stage": "intent",
                                                      "followUpDueAt": due, "followUpPurpose": "回访"]),
            try await createCustomer(t, token: lina, ["name": "丙公司联系人", "companyName": "丙方物流有限公司", "mobile": "13800000003", "stage": "intent",
                                                      "followUpDueAt": due, "followUpPurpose": "回访"]),
        ]
    }

    @Test("lists: every sort a column header offers is read in index order, without a sort step (EXPLAIN QUERY PLAN)")
    func sortsUseAnIndex() async throws {
        try await withApp { (t: TestApp) in
            for sort in CustomerFilter.Sort.allCases {
                let rows = try await t.app.db.sql().raw("""
                    EXPLAIN QUERY PLAN SELECT customers.id FROM customers WHERE customers.merged_into_id IS NULL
                    ORDER BY \(CustomerQueries.order(sort)) LIMIT 20
                    """).all()
                let plan = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(!plan.contains("TEMP B-TREE"), "\(sort.rawValue) sorts: \(plan)")
                // `created` is the rowid's own order ("SCAN customers"); every other order reads an index.
                #expect(sort == .created || plan.contains("INDEX"), "\(sort.rawValue): \(plan)")
            }
        }
    }

    @Test("lists: a column header sorts both ways, marked; the API sorts the same")
    func headersSort() async throws {
        try await withApp { (t: TestApp) in
            _ = try await threeCustomers(t)
            let supervisor = try await t.signIn(.supervisor)
            let html = try await get(t, "/customers?sort=name", as: supervisor).body.string
            #expect(html.contains("<th aria-sort=\"ascending\"><a class=\"sort-link\" id=\"sort-name\" href=\"/customers?sort=name_desc\""))
            #expect(html.contains("id=\"sort-code\" href=\"/customers?sort=code\""), "another column starts in its own order")
            let a = try #require(html.range(of: "甲公司联系人")), c = try #require(html.range(of: "丙公司联系人"))
            #expect(c.lowerBound < a.lowerBound, "丙 (U+4E19) before 甲 (U+7532) by name")
            let token = try await t.token(.supervisor)
            let ascending = try await api(t, "/api/v1/customers?sort=name", token: token).content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name)
            let descending = try await api(t, "/api/v1/customers?sort=name_desc", token: token).content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name)
            #expect(ascending == ascending.sorted() && descending == ascending.reversed())
            let codes = try await api(t, "/api/v1/customers?sort=code_desc", token: token).content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.code)
            #expect(codes == codes.sorted().reversed())
        }
    }

    @Test("lists: reassigning every file matching the filter, with a reason: the filter kept, the receiver notified, the reason in the audit log", arguments: TestDatabase.available)
    func reassignAcrossTheFilter(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let supervisor = try await t.signIn(.supervisor)
            let list = try await get(t, "/customers?stage=intent", as: supervisor).body.string
            #expect(list.contains("全部符合当前筛选的 2 位客户") && list.contains("data-select-all=\"customerIDs[]\""))
            let moved = try await post(t, "/customers/reassign", "stage=intent&sort=updated&allMatching=1&toStaffID=\(zhangwei)&reason=李娜休产假", as: supervisor)
            #expect(moved.status == .seeOther)
            #expect(moved.headers.first(name: .location) == "/customers?stage=intent&sort=updated", "back to the same list")
            for customer in customers {
                let owner = try await CustomerModel.find(customer.id, on: t.app.db)?.responsibleStaffID
                #expect((owner == zhangwei) == (customer.stage == "intent"), "\(customer.name)")
            }
            let audit = try await t.auditEntries("customer.reassigned")
            #expect(audit.count == 2 && audit.allSatisfy { $0.detail == "李娜 → 张伟 · 李娜休产假" }, "people by name, and the reason")
            let bell = try await NotificationStore(database: t.app.db).page(staffID: zhangwei, paging: Paging(number: 1, size: 20)).items
            #expect(bell.count == 1 && bell.first?.event == "customers.assigned" && bell.first?.body == "李娜休产假")
            let zhangweiBrowser = try await t.signIn("zhangwei")
            let bellPage = try await get(t, "/notifications", as: zhangweiBrowser).body.string
            #expect(bellPage.contains("转给您的客户：2 位"))
        }
    }

    @Test("lists: a reassignment without a reason is refused at the field, ticks and choice kept; nothing moves, nothing is written")
    func reassignNeedsAReason() async throws {
        try await withApp { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let supervisor = try await t.signIn(.supervisor)
            let auditBefore = try await t.auditEntries("customer.reassigned").count
            let timelineBefore = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(column: "n", as: Int.self)
            let refused = try await post(t, "/customers/reassign", "sort=updated&customerIDs[]=\(customers[0].id)&toStaffID=\(zhangwei)&reason=", as: supervisor)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("id=\"reassign-reason-error\"") && html.contains("请填写调整原因"))
            #expect(html.contains("value=\"\(customers[0].id)\" aria-label=\"\(customers[0].code)\" checked>"), "the tick is kept")
            #expect(html.contains("<option value=\"\(zhangwei)\" selected>"), "the chosen person is kept")
            #expect(try await CustomerModel.find(customers[0].id, on: t.app.db)?.responsibleStaffID != zhangwei)
            #expect(try await t.auditEntries("customer.reassigned").count == auditBefore)
            #expect(try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(column: "n", as: Int.self) == timelineBefore)
            #expect(try await NotificationStore(database: t.app.db).unreadCount(staffID: zhangwei) == 0)
            // The API refuses the same, and both ids and a filter.
            let token = try await t.token(.supervisor)
            for body in [CustomersAPIController.ReassignRequest(customerIDs: [customers[0].id], toStaffID: zhangwei),
                         CustomersAPIController.ReassignRequest(customerIDs: [customers[0].id], toStaffID: zhangwei, reason: "调岗", filter: "stage=intent")] {
                try await t.app.testing().test(.POST, "/api/v1/customers/reassign", beforeRequest: { req in
                    req.bearer(token); try req.content.encode(body)
                }) { res async throws in #expect(res.status == .unprocessableEntity) }
            }
            #expect(try await CustomerModel.find(customers[0].id, on: t.app.db)?.responsibleStaffID != zhangwei)
            try await t.app.testing().test(.POST, "/api/v1/customers/reassign", beforeRequest: { req in
                req.bearer(token); try req.content.encode(CustomersAPIController.ReassignRequest(toStaffID: zhangwei, reason: "调岗", filter: "stage=intent"))
            }) { res async throws in #expect(try res.content.decode(CustomersAPIController.ReassignResult.self).moved == 2) }
        }
    }

    @Test("saved filters: the three built-in ones find what they say; a person saves, uses and deletes their own; nobody else sees or deletes it", arguments: TestDatabase.available)
    func savedFilters(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            // 丙's follow-up is done without a next one: it becomes 意向无跟进.
            try await t.app.db.sql().raw("UPDATE follow_ups SET completed_at = \(bind: testStart) WHERE customer_id = \(bind: customers[2].id)").run()
            let token = try await t.token(.specialist)
            func names(_ query: String) async throws -> [String] {
                try await api(t, "/api/v1/customers?" + query, token: token).content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name).sorted()
            }
            #expect(try await names("stage=intent&specialist=me") == ["丙公司联系人", "乙公司联系人"].sorted())
            #expect(try await names("withoutFollowUp=1") == ["丙公司联系人"])
            #expect(try await names("notContactedDays=30").isEmpty, "new files are not yet 30 days without contact")
            t.clock.advance(by: 31 * 86400)
            try await t.app.testing().test(.POST, "/api/v1/customers/\(customers[0].id)/communications", beforeRequest: { req in
                req.bearer(token); try req.content.encode(CommunicationRecordDTO(channel: "phone", direction: "outbound", summary: "回访客户"))
            }) { res async throws in #expect(res.status == .created) }
            #expect(try await names("notContactedDays=30") == ["丙公司联系人", "乙公司联系人"].sorted())
            let lina = try await t.signIn("lina")
            let page = try await get(t, "/customers?withoutFollowUp=1", as: lina).body.string
            #expect(page.contains("我的意向客户") && page.contains("30 天未联系"))
            #expect(page.contains("<a class=\"chip is-current\" aria-current=\"true\" href=\"/customers?withoutFollowUp=1&amp;sort=updated\">意向无跟进</a>"))

            // Refused: no name. Nothing stored.
            let refused = try await post(t, "/customers/saved-filters", "stage=intent&region=苏州&filterName=", as: lina)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("请填写筛选名称"))
            #expect(try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID()).isEmpty)
            let saved = try await post(t, "/customers/saved-filters", "stage=intent&region=苏州&filterName=苏州意向", as: lina)
            #expect(saved.status == .seeOther)
            let mine = try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID())
            #expect(mine.map(\.name) == ["苏州意向"] && mine.first?.query == "stage=intent&region=%E8%8B%8F%E5%B7%9E&sort=updated")
            #expect(try await get(t, "/customers", as: lina).body.string.contains(">苏州意向</a>"))
            let colleague = try await t.signIn("zhangwei")
            #expect(!(try await get(t, "/customers", as: colleague).body.string.contains("苏州意向")))
            let id = try #require(mine.first?.id)
            #expect(try await post(t, "/customers/saved-filters/\(id)/delete", "", as: colleague).status == .notFound)
            let colleagueToken = try await staffToken(t, "zhangwei")
            #expect(try await api(t, "/api/v1/customers/saved-filters/\(id)", token: colleagueToken, method: .DELETE).status == .notFound)
            #expect(try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID()).count == 1)
            let filters = try await api(t, "/api/v1/customers/saved-filters", token: token).content.decode([CustomersAPIController.SavedFilterDTO].self)
            #expect(filters.map(\.name) == ["我的意向客户", "意向无跟进", "30 天未联系", "苏州意向"])
            #expect(try await post(t, "/customers/saved-filters/\(id)/delete", "", as: lina).status == .seeOther)
            #expect(try await SavedFilterStore(database: t.app.db).list(staffID: try await t.staff("lina").requireID()).isEmpty)
            #expect(try await t.auditEntries("saved_filter.deleted").count == 1)
        }
    }

    // MARK: - 4. The pipeline board

    @Test("board: a specialist sees their own files by stage, the supervisor the team or one person; a liaison and the administrator not at all", arguments: TestDatabase.available)
    func boardShowsThePipeline(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let zhangweiToken = try await staffToken(t, "zhangwei")
            let theirs = try await createCustomer(t, token: zhangweiToken, ["name": "丁公司联系人", "companyName": "丁方贸易有限公司", "mobile": "13800000004"])
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/board", as: lina).body.string
            for stage in CustomerStage.allCases { #expect(html.contains("id=\"column-\(stage.rawValue)\"")) }
            #expect(html.contains("id=\"card-\(customers[1].id)\"") && !html.contains("id=\"card-\(theirs.id)\""), "only her own files")
            #expect(html.contains("action=\"/board/\(customers[0].id)/move\""), "each card has its move form")
            #expect(html.contains("下次跟进"), "a card shows its next follow-up")
            let supervisor = try await t.signIn(.supervisor)
            let team = try await get(t, "/board", as: supervisor).body.string
            #expect(team.contains("id=\"card-\(customers[1].id)\"") && team.contains("id=\"card-\(theirs.id)\"") && team.contains("id=\"board-filter\""))
            let one = try await get(t, "/board?specialist=\(try await t.staff("zhangwei").requireID())", as: supervisor).body.string
            #expect(one.contains("id=\"card-\(theirs.id)\"") && !one.contains("id=\"card-\(customers[1].id)\""))
            let leadership = try await get(t, "/board", as: try await t.signIn("zhaoguoqiang")).body.string
            #expect(leadership.contains("id=\"card-\(theirs.id)\"") && !leadership.contains("/move\""), "leadership reads, does not move")
            #expect(try await get(t, "/board", as: try await t.signIn("zhoumin")).status == .forbidden)
            #expect(try await get(t, "/board", as: try await t.signIn(.administrator)).status == .forbidden)
            // The API: the same columns; a specialist asking for a colleague's board still gets their own.
            let token = try await t.token(.specialist)
            let columns = try await api(t, "/api/v1/board?specialist=\(try await t.staff("zhangwei").requireID())", token: token)
                .content.decode([BoardStore.Column].self)
            #expect(columns.map(\.stage) == CustomerStage.allCases.map(\.rawValue))
            #expect(columns.first { $0.stage == "intent" }?.count == 2 && columns.first { $0.stage == "lead" }?.cards.map(\.id) == [customers[0].id])
            #expect(columns.first { $0.stage == "intent" }?.cards.allSatisfy { $0.nextFollowUpAt != nil } == true)
        }
    }

    @Test("board: moving a card to intent asks for the next follow-up (refused without, nothing changed); with it the stage and the plan are saved; a colleague's card is refused", arguments: TestDatabase.available)
    func boardMoveAsksForTheFollowUp(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let lead = customers[0]
            let lina = try await t.signIn("lina")
            let auditBefore = try await t.auditEntries("customer.updated").count
            let timelineBefore = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: lead.id)").first()?.decode(column: "n", as: Int.self)
            let refused = try await post(t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=intent&followUpDueAt=&followUpPurpose=", as: lina)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("<details class=\"board-move\" open>") && html.contains("<option value=\"intent\" selected>"), "the card's form open, the choice kept")
            #expect(html.contains("field-error"))
            let unchanged = try #require(try await CustomerModel.find(lead.id, on: t.app.db))
            #expect(unchanged.stage == "lead" && unchanged.version == lead.version)
            #expect(try await t.auditEntries("customer.updated").count == auditBefore)
            #expect(try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: lead.id)").first()?.decode(column: "n", as: Int.self) == timelineBefore)
            // A colleague may not move lina's card.
            let colleague = try await t.signIn("zhangwei")
            #expect(try await post(t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=lost&lostReason=预算不足", as: colleague).status == .forbidden)
            #expect(try await CustomerModel.find(lead.id, on: t.app.db)?.stage == "lead")
            // With the next follow-up: moved, and the plan is there.
            let moved = try await post(t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=intent&followUpDueAt=2026-12-20T10:00&followUpPurpose=送去项目资料", as: lina)
            #expect(moved.status == .seeOther && moved.headers.first(name: .location) == "/board#card-\(lead.id)")
            #expect(try await CustomerModel.find(lead.id, on: t.app.db)?.stage == "intent")
            #expect(try await FollowUpStore(database: t.app.db).list(customerID: lead.id).map(\.purpose) == ["送去项目资料"])
            // The same version again is a conflict, not a second move.
            let stale = try await post(t, "/board/\(lead.id)/move", "version=\(lead.version)&stage=negotiating", as: lina)
            let afterStale = try await CustomerModel.find(lead.id, on: t.app.db)?.stage
            #expect(stale.status == .conflict && afterStale == "intent")
        }
    }

    // MARK: - 5. Follow-ups

    func followUpIDs(_ t: TestApp, customerID: Int) async throws -> [Int] {
        try await FollowUpStore(database: t.app.db).list(customerID: customerID).filter { $0.completedAt == nil }.map(\.id)
    }

    @Test("follow-ups: rescheduling needs a new time not in the past and a reason; refused changes nothing; done, the timeline and the audit log say from when to when and why", arguments: TestDatabase.available)
    func reschedule(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let id = try #require(try await followUpIDs(t, customerID: customers[1].id).first)
            let before = try #require(try await FollowUpStore(database: t.app.db).find(id))
            let lina = try await t.signIn("lina")
            let timelineCount = { try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM timeline_entries").first()?.decode(column: "n", as: Int.self) ?? 0 }
            let timelineBefore = try await timelineCount()
            let refused = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=", as: lina)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("id=\"reschedule-reason-error\"") && refused.body.string.contains("value=\"2026-12-10T09:30\""), "the time typed is kept")
            let past = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2020-01-01T09:00&reason=客户出差", as: lina)
            #expect(past.status == .unprocessableEntity)
            #expect(try await FollowUpStore(database: t.app.db).find(id)?.dueAt == before.dueAt)
            let unchangedTimeline = try await timelineCount()
            #expect(try await t.auditEntries("follow_up.rescheduled").isEmpty && unchangedTimeline == timelineBefore)
            #expect(try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=客户出差", as: try await t.signIn("zhangwei")).status == .forbidden)
            let done = try await post(t, "/follow-ups/\(id)/reschedule", "dueAt=2026-12-10T09:30&reason=客户出差", as: lina)
            #expect(done.status == .seeOther)
            let after = try #require(try await FollowUpStore(database: t.app.db).find(id))
            #expect(DisplayFormat.dateTime(after.dueAt) == "2026-12-10 09:30")
            let audit = try await t.auditEntries("follow_up.rescheduled")
            #expect(audit.count == 1 && audit.first?.detail.contains("→ 2026-12-10 09:30 · 客户出差") == true)
            #expect(try await timelineCount() == timelineBefore + 1)
            // The API: the same rules.
            let token = try await t.token(.specialist)
            try await t.app.testing().test(.POST, "/api/v1/follow-ups/\(id)/reschedule", beforeRequest: { req in
                req.bearer(token); try req.content.encode(FollowUpStore.RescheduleInput(dueAt: "2026-12-11T09:30", reason: ""))
            }) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(try res.content.decode(ErrorBody.self).error.fields["reason"] != nil)
            }
            try await t.app.testing().test(.POST, "/api/v1/follow-ups/\(id)/reschedule", beforeRequest: { req in
                req.bearer(token); try req.content.encode(FollowUpStore.RescheduleInput(dueAt: "2026-12-11T09:30", reason: "客户改约"))
            }) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(FollowUpsAPIController.FollowUpDTO.self).dueAt == after.dueAt.addingTimeInterval(86400))
            }
        }
    }

    @Test("follow-ups: bulk complete finishes those it may; a customer the rule keeps planned and a colleague's are listed with why; no outcome is refused and changes nothing", arguments: TestDatabase.available)
    func bulkComplete(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let token = try await t.token(.specialist)
            // The lead customer gets a follow-up too: completing it leaves nothing the rule needs.
            try await t.app.testing().test(.POST, "/api/v1/customers/\(customers[0].id)/follow-ups", beforeRequest: { req in
                req.bearer(token); try req.content.encode(FollowUpStore.PlanInput(dueAt: "2026-12-01T10:00", channel: "phone", purpose: "初次回访"))
            }) { res async throws in #expect(res.status == .created) }
            let colleagueToken = try await staffToken(t, "zhangwei")
            let theirs = try await createCustomer(t, token: colleagueToken, ["name": "丁公司联系人", "companyName": "丁方贸易有限公司", "mobile": "13800000004"])
            try await t.app.testing().test(.POST, "/api/v1/customers/\(theirs.id)/follow-ups", beforeRequest: { req in
                req.bearer(colleagueToken); try req.content.encode(FollowUpStore.PlanInput(dueAt: "2026-12-01T11:00", channel: "phone", purpose: "回访"))
            }) { res async throws in #expect(res.status == .created) }
            let lead = try #require(try await followUpIDs(t, customerID: customers[0].id).first)
            let intent = try #require(try await followUpIDs(t, customerID: customers[1].id).first)
            let colleague = try #require(try await followUpIDs(t, customerID: theirs.id).first)
            let lina = try await t.signIn("lina")
            let list = try await get(t, "/follow-ups?view=open&scope=mine", as: lina).body.string
            #expect(list.contains("name=\"followUpIDs[]\" value=\"\(lead)\"") && list.contains("id=\"bulk-complete\""))
            // No outcome: refused, ticks kept, nothing completed.
            let refused = try await post(t, "/follow-ups/complete", "view=open&scope=mine&followUpIDs[]=\(lead)&outcome=", as: lina)
            #expect(refused.status == .unprocessableEntity && refused.body.string.contains("id=\"bulk-outcome-error\""))
            #expect(refused.body.string.contains("value=\"\(lead)\" aria-label=\"选择 甲公司联系人\" checked"))
            let completedAudit = try await t.auditEntries("follow_up.completed")
            #expect(try await followUpIDs(t, customerID: customers[0].id) == [lead] && completedAudit.isEmpty)
            let done = try await post(t, "/follow-ups/complete", "view=open&scope=mine&followUpIDs[]=\(lead)&followUpIDs[]=\(intent)&followUpIDs[]=\(colleague)&outcome=已电话沟通", as: lina)
            #expect(done.status == .ok)
            let html = done.body.string
            #expect(html.contains("已完成 1 条跟进") && html.contains("id=\"bulk-refused\"") && html.contains("乙公司联系人"))
            #expect(try await followUpIDs(t, customerID: customers[0].id).isEmpty)
            #expect(try await followUpIDs(t, customerID: customers[1].id) == [intent], "the rule keeps the intent customer's last follow-up open")
            #expect(try await followUpIDs(t, customerID: theirs.id) == [colleague], "a colleague's is not hers to complete")
            #expect(try await t.auditEntries("follow_up.completed").count == 1)
            // The API answers the same split.
            try await t.app.testing().test(.POST, "/api/v1/follow-ups/complete", beforeRequest: { req in
                req.bearer(token); try req.content.encode(FollowUpsAPIController.BulkCompletion(ids: [intent, colleague], outcome: "已沟通"))
            }) { res async throws in
                let result = try res.content.decode(FollowUpStore.BulkResult.self)
                #expect(result.completed.isEmpty && Set(result.refused.map(\.id)) == [intent, colleague])
            }
        }
    }

    // MARK: - 2. One-screen intake

    @Test("intake: industry, budget, region, timing and consent on the one screen; the agreed next step becomes a follow-up; a bad next step refuses everything", arguments: TestDatabase.available)
    func oneScreenIntake(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.signIn("lina")
            let page = try await get(t, "/inquiries/new", as: lina).body.string
            for id in ["industry", "budgetMinWan", "province", "timing", "consentChannel", "nextStep", "nextStepDueAt", "mobile-duplicates"] {
                #expect(page.contains("id=\"\(id)\""), "\(id) is on the intake screen")
            }
            let count = { (table: String) in try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(column: "n", as: Int.self) ?? 0 }
            let fields = "channel=phone&question=厂房租金多少？&outcome=answered&answer=每天每平米1.2元&name=周立&mobile=13700001234&companyName=周氏精工有限公司"
                + "&consentChannel=verbal_phone&industry=manufacturing&budgetMinWan=500&budgetMaxWan=1500&province=江苏省&city=苏州&timing=within_6_months"
            let refused = try await post(t, "/inquiries", fields + "&nextStep=发送租金方案&nextStepDueAt=2020-01-01T09:00", as: lina)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("id=\"nextStepDueAt-error\"") && html.contains("value=\"发送租金方案\"") && html.contains("value=\"1500\""), "all typed is kept")
            let (customers, inquiries, followUps) = (try await count("customers"), try await count("inquiries"), try await count("follow_ups"))
            #expect(customers == 0 && inquiries == 0 && followUps == 0, "nothing was created")
            let saved = try await post(t, "/inquiries", fields + "&nextStep=发送租金方案&nextStepDueAt=2026-12-05T10:00", as: lina)
            #expect(saved.status == .seeOther)
            let customer = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$mobile == "13700001234").first())
            #expect(customer.industries.contains("manufacturing") && customer.city == "苏州" && customer.province == "江苏省" && customer.timing == "within_6_months")
            #expect(customer.budgetMinYuan == 5_000_000 && customer.budgetMaxYuan == 15_000_000 && customer.consentChannel == "verbal_phone")
            let plans = try await FollowUpStore(database: t.app.db).list(customerID: try customer.requireID())
            #expect(plans.map(\.purpose) == ["发送租金方案"] && DisplayFormat.dateTime(plans[0].dueAt) == "2026-12-05 10:00")
        }
    }

    @Test("intake: the duplicate check as the mobile is typed answers the page's script with the file and whose it is; leadership may not ask")
    func duplicateCheckForTheIntakeScript() async throws {
        try await withApp { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let colleague = try await t.signIn("zhangwei")
            let found = try await get(t, "/customers/duplicate-check?mobile=13800000002", as: colleague)
            #expect(found.status == .ok)
            let matches = try found.content.decode([DuplicateMatch].self)
            #expect(matches.map(\.id) == [customers[1].id] && matches.first?.responsibleName == "李娜")
            #expect(!found.body.string.contains("13800000002"), "no contact details in the answer")
            #expect(try await t.auditEntries("customer.duplicate_checked").count == 1, "the check is audited")
            #expect(try await get(t, "/customers/duplicate-check?mobile=13800000002", as: try await t.signIn("zhaoguoqiang")).status == .forbidden)
        }
    }

    // MARK: - 7. The web-inquiry queue

    @Test("queue: a specialist claims a waiting inquiry, first come — the second is told it is taken and nothing changes; the supervisor sees each person's load", arguments: TestDatabase.available)
    func claimFromTheQueue(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let store = InquiryStore(database: t.app.db)
            let (id, _) = try await store.submit(PublicInquiry(name: "访客王", mobile: "13900009999", company: "王氏贸易", intent: nil, question: "有无厂房出租？"),
                                                 noticeVersion: "2026-01", address: "10.0.0.9", context: .console(now: testStart))
            let lina = try await t.signIn("lina")
            let queue = try await get(t, "/inquiries?status=waiting", as: lina).body.string
            #expect(queue.contains("action=\"/inquiries/\(id)/claim\""), "a specialist may claim")
            #expect(!queue.contains("href=\"/inquiries/\(id)\""), "no link that would answer 403")
            let claimed = try await post(t, "/inquiries/\(id)/claim", "", as: lina)
            #expect(claimed.status == .seeOther && claimed.headers.first(name: .location) == "/inquiries/\(id)")
            let linaID = try await t.staff("lina").requireID()
            let afterClaim = try await store.find(id)
            #expect(afterClaim?.staffID == linaID && afterClaim?.status == "open")
            let auditAfterFirst = try await t.auditEntries("inquiry.assigned").count
            // Second come: told, nothing changes.
            let late = try await post(t, "/inquiries/\(id)/claim", "", as: try await t.signIn("zhangwei"))
            #expect(late.status == .seeOther && late.headers.first(name: .location) == "/inquiries?status=waiting")
            let afterLate = try await store.find(id)
            let auditAfterLate = try await t.auditEntries("inquiry.assigned").count
            #expect(afterLate?.staffID == linaID && auditAfterLate == auditAfterFirst)
            let token = try await staffToken(t, "zhangwei")
            let conflict = try await api(t, "/api/v1/inquiries/\(id)/claim", token: token, method: .POST)
            #expect(conflict.status == .conflict)
            #expect(try await api(t, "/api/v1/inquiries/\(id)/claim", token: try await staffToken(t, "zhaoguoqiang"), method: .POST).status == .forbidden)
            // The supervisor's queue shows each person's open load; the API too.
            let supervisorPage = try await get(t, "/inquiries?status=waiting", as: try await t.signIn(.supervisor)).body.string
            #expect(supervisorPage.contains("id=\"inquiry-load\"") && supervisorPage.contains("<td>李娜</td><td class=\"num\">1</td>"))
            let load = try await api(t, "/api/v1/inquiries/load", token: try await t.token(.supervisor)).content.decode([InquiryStore.Load].self)
            #expect(load == [InquiryStore.Load(staffID: linaID, staffName: "李娜", open: 1, promised: 0)])
            #expect(try await api(t, "/api/v1/inquiries/load", token: token).status == .forbidden)
        }
    }

    @Test("queue: a colleague recording an inquiry on lina's customer tells lina on the bell; her own inquiries do not", arguments: TestDatabase.available)
    func colleagueInquiryTellsTheOwner(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let linaID = try await t.staff("lina").requireID()
            let lina = try await t.token(.specialist)
            for token in [lina, try await staffToken(t, "zhangwei")] {
                try await t.app.testing().test(.POST, "/api/v1/inquiries", beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(InquiryInput(customerID: customers[1].id, channel: "phone", question: "园区有食堂吗？", answer: "有", answeredOnTheSpot: true))
                }) { res async throws in #expect(res.status == .created) }
            }
            let bell = try await NotificationStore(database: t.app.db).page(staffID: linaID, paging: Paging(number: 1, size: 20)).items
            #expect(bell.count == 1 && bell.first?.event == "inquiry.colleague_recorded" && bell.first?.link == "/customers/\(customers[1].id)")
            #expect(bell.first?.title.hasPrefix("同事为您的客户记录了咨询：ZX-") == true && bell.first?.body == "园区有食堂吗？")
        }
    }

    // MARK: - 8. The top bar's search

    @Test("search: customers, inquiries by number, projects by number or name from the top bar; masked as the role requires; a liaison searches no customers", arguments: TestDatabase.available)
    func globalSearch(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let colleague = try await t.signIn("zhangwei")
            let layout = try await get(t, "/customers", as: colleague).body.string
            #expect(layout.contains("id=\"global-search\"") && layout.contains("action=\"/search\""), "the box is in the top bar")
            let html = try await get(t, "/search?q=\(customer.code)", as: colleague).body.string
            #expect(html.contains("href=\"/customers/\(customer.id)\"") && html.contains("138****1111") && !html.contains("13800001111"), "masked for a colleague")
            let token = try await staffToken(t, "zhangwei")
            let byName = try await api(t, "/api/v1/search?q=\("吴江精密".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)", token: token)
                .content.decode(GlobalSearch.Results.self)
            #expect(byName.projects?.map(\.name) == [projectName] && byName.customers?.isEmpty == true)
            let lina = try await t.token(.specialist)
            let byNumber = try await api(t, "/api/v1/search?q=zx-2026", token: lina).content.decode(GlobalSearch.Results.self)
            #expect(byNumber.inquiries?.count == 1 && byNumber.inquiries?.first?.canOpen == true)
            let theirs = try await api(t, "/api/v1/search?q=ZX-2026", token: token).content.decode(GlobalSearch.Results.self)
            #expect(theirs.inquiries?.isEmpty == true, "a colleague's inquiry is not found by another specialist")
            let mine = try await api(t, "/api/v1/search?q=13800001111", token: lina).content.decode(GlobalSearch.Results.self)
            #expect(mine.customers?.first?.mobile == "13800001111" && mine.customers?.first?.contactVisibility == "full")
            let liaison = try await api(t, "/api/v1/search?q=\(customer.code)", token: try await staffToken(t, "zhoumin")).content.decode(GlobalSearch.Results.self)
            #expect(liaison.customers?.isEmpty != false && liaison.inquiries == nil, "nothing of the customers' a liaison was not sent")
            let empty = try await api(t, "/api/v1/search?q=", token: lina).content.decode(GlobalSearch.Results.self)
            #expect(empty.customers == nil && empty.projects == nil)
        }
    }

    // MARK: - 6. Import

    @Test("import: the template downloads and imports as it is; 客户来源 and 投资预算 \"500-1500万\" are understood; a bad budget names its column")
    func importTemplateAndSynonyms() async throws {
        try await withApp { (t: TestApp) in
            let lina = try await t.signIn("lina")
            let template = try await get(t, "/customers/import/template.csv", as: lina)
            #expect(template.status == .ok && template.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let text = template.body.string
            #expect(text.hasPrefix("\u{FEFF}客户姓名,手机号码") && text.contains("500-1500万"))
            let token = try await t.token(.specialist)
            func post(_ csv: String, dryRun: Bool) async throws -> (HTTPStatus, ImportReport?) {
                var result: (HTTPStatus, ImportReport?) = (.ok, nil)
                try await t.app.testing().test(.POST, "/api/v1/customers/imports?dryRun=\(dryRun)", beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: csv)
                }) { res async throws in result = (res.status, try? res.content.decode(ImportReport.self)) }
                return result
            }
            // The template as downloaded is a valid file.
            let (checked, report) = try await post(text, dryRun: true)
            #expect(checked == .ok && report?.problems.isEmpty == true)
            let csv = "姓名,手机,客户来源,投资预算\n陈东,13600001111,转介绍,500-1500万\n林西,13600002222,来访,1500万以上\n"
            let (status, imported) = try await post(csv, dryRun: false)
            #expect(status == .ok && imported?.created == 2)
            let chen = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "陈东").first())
            #expect(chen.source == "referral" && chen.budgetMinYuan == 5_000_000 && chen.budgetMaxYuan == 15_000_000)
            let lin = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "林西").first())
            #expect(lin.budgetMinYuan == 15_000_000 && lin.budgetMaxYuan == nil)
            let (_, bad) = try await post("姓名,投资预算\n赵北,面议\n", dryRun: true)
            #expect(bad?.problems.first?.column == "B 投资预算", "the problem names the column people typed")
        }
    }

    @Test("import: partial import writes the good lines and reports the others; the rejected rows download with their problems; all-or-nothing stays the default", arguments: TestDatabase.available)
    func partialImport(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let token = try await t.token(.specialist)
            let csv = "姓名,手机,投资预算\n陈东,13600001111,500-1500万\n,13600002222,100\n林西,12345,200\n周南,13600003333,\n"
            func post(_ query: String) async throws -> TestingHTTPResponse {
                var response: TestingHTTPResponse?
                try await t.app.testing().test(.POST, "/api/v1/customers/imports?\(query)", beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: csv)
                }) { res async throws in response = res }
                return try #require(response)
            }
            let whole = try await post("")
            let countAfterWhole = try await CustomerModel.query(on: t.app.db).count()
            #expect(whole.status == .unprocessableEntity && countAfterWhole == 0, "all or nothing by default")
            let rejected = try await post("rejected=csv")
            #expect(rejected.status == .ok && rejected.headers.contentType?.subType == "csv")
            let file = rejected.body.string
            #expect(file.hasPrefix("\u{FEFF}行号,姓名,手机,投资预算,问题"))
            #expect(file.contains("3,,13600002222,100,") && file.contains("4,林西,12345,200,"), "each rejected line as it was")
            #expect(!file.contains("陈东") && !file.contains("周南"), "good lines are not in it")
            let partial = try await post("partial=true")
            let report = try partial.content.decode(ImportReport.self)
            #expect(partial.status == .ok && report.created == 2 && Set(report.problems.map(\.line)) == [3, 4])
            let names = try await CustomerModel.query(on: t.app.db).all().map(\.name).sorted()
            #expect(names == ["周南", "陈东"])
        }
    }

    @Test("import: owner rules — a specialist's files are their own (others refused, nothing written); the supervisor gives them to one person or deals them in turn", arguments: TestDatabase.available)
    func importOwnerRules(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let csv = "姓名,手机\n陈东,13600001111\n林西,13600002222\n周南,13600003333\n吴北,13600004444\n"
            func post(_ token: String, _ query: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await t.app.testing().test(.POST, "/api/v1/customers/imports?\(query)", beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                    req.body = ByteBuffer(string: csv)
                }) { res async throws in status = res.status }
                return status
            }
            let lina = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
            #expect(try await post(try await t.token(.specialist), "owner=\(zhangwei)") == .unprocessableEntity)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0, "refused: nothing written")
            let supervisor = try await t.token(.supervisor)
            #expect(try await post(supervisor, "owner=round_robin") == .ok)
            let owners = try await CustomerModel.query(on: t.app.db).sort(\.$id).all().map(\.responsibleStaffID)
            #expect(owners == [lina, zhangwei, lina, zhangwei])
            #expect(try await post(supervisor, "owner=\(zhangwei)&duplicates=import") == .ok)
            let last = try await CustomerModel.query(on: t.app.db).sort(\.$id, .descending).limit(4).all().map(\.responsibleStaffID)
            #expect(last == [zhangwei, zhangwei, zhangwei, zhangwei])
            let page = try await get(t, "/customers/import", as: try await t.signIn(.supervisor)).body.string
            #expect(page.contains("id=\"owner\"") && page.contains("轮流分配给各专员"))
            #expect(!(try await get(t, "/customers/import", as: try await t.signIn("lina")).body.string.contains("id=\"owner\"")))
        }
    }
}
