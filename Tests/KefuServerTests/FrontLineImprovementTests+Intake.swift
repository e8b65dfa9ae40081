import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10 improvements 2, 7 and 8: one-screen intake, the web-inquiry queue and the top bar's search.
extension FrontLineImprovementTests {
    // MARK: - 2. One-screen intake

    @Test(
        "intake: industry, budget, region, timing and consent on the one screen; the agreed next step becomes a follow-up; a bad next step refuses everything",
        arguments: TestDatabase.available)
    func oneScreenIntake(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.signIn("lina")
            let page = try await get(t, "/inquiries/new", as: lina).body.string
            for id in [
                "industry", "budgetMinWan", "province", "timing", "consentChannel", "nextStep", "nextStepDueAt",
                "mobile-duplicates",
            ] {
                #expect(page.contains("id=\"\(id)\""), "\(id) is on the intake screen")
            }
            let count = { (table: String) in
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            }
            let fields =
                "channel=phone&question=厂房租金多少？&outcome=answered&answer=每天每平米1.2元&name=周立&mobile=13700001234&companyName=周氏精工有限公司"
                + "&consentChannel=verbal_phone&industry=manufacturing&budgetMinWan=500&budgetMaxWan=1500&province=江苏省&city=苏州&timing=within_6_months"
            let refused = try await post(
                t, "/inquiries", fields + "&nextStep=发送租金方案&nextStepDueAt=2020-01-01T09:00", as: lina)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(
                html.contains("id=\"nextStepDueAt-error\"") && html.contains("value=\"发送租金方案\"")
                    && html.contains("value=\"1500\""), "all typed is kept")
            let (customers, inquiries, followUps) = (
                try await count("customers"), try await count("inquiries"), try await count("follow_ups")
            )
            #expect(customers == 0 && inquiries == 0 && followUps == 0, "nothing was created")
            let saved = try await post(
                t, "/inquiries", fields + "&nextStep=发送租金方案&nextStepDueAt=2026-12-05T10:00", as: lina)
            #expect(saved.status == .seeOther)
            let customer = try #require(
                try await CustomerModel.query(on: t.app.db).filter(\.$mobile == "13700001234").first())
            #expect(
                customer.industries.contains("manufacturing") && customer.city == "苏州" && customer.province == "江苏省"
                    && customer.timing == "within_6_months")
            #expect(
                customer.budgetMinYuan == 5_000_000 && customer.budgetMaxYuan == 15_000_000
                    && customer.consentChannel == "verbal_phone")
            let plans = try await FollowUpStore(database: t.app.db).list(customerID: try customer.requireID())
            #expect(plans.map(\.purpose) == ["发送租金方案"] && DisplayFormat.dateTime(plans[0].dueAt) == "2026-12-05 10:00")
        }
    }

    @Test(
        "intake: the duplicate check as the mobile is typed answers the page's script with the file and whose it is; leadership may not ask"
    )
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
            #expect(
                try await get(
                    t, "/customers/duplicate-check?mobile=13800000002", as: try await t.signIn("zhaoguoqiang")
                ).status == .forbidden)
        }
    }

    // MARK: - 7. The web-inquiry queue

    @Test(
        "queue: a specialist claims a waiting inquiry, first come — the second is told it is taken and nothing changes; the supervisor sees each person's load",
        arguments: TestDatabase.available)
    func claimFromTheQueue(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let store = InquiryStore(database: t.app.db)
            let (id, _) = try await store.submit(
                PublicInquiry(name: "访客王", mobile: "13900009999", company: "王氏贸易", intent: nil, question: "有无厂房出租？"),
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
            #expect(
                try await api(
                    t, "/api/v1/inquiries/\(id)/claim", token: try await staffToken(t, "zhaoguoqiang"), method: .POST
                ).status == .forbidden)
            // The supervisor's queue shows each person's open load; the API too.
            let supervisorPage = try await get(t, "/inquiries?status=waiting", as: try await t.signIn(.supervisor)).body
                .string
            #expect(
                supervisorPage.contains("id=\"inquiry-load\"")
                    && supervisorPage.contains("<td>李娜</td><td class=\"num\">1</td>"))
            let load = try await api(t, "/api/v1/inquiries/load", token: try await t.token(.supervisor)).content.decode(
                [InquiryStore.Load].self)
            #expect(load == [InquiryStore.Load(staffID: linaID, staffName: "李娜", open: 1, promised: 0)])
            #expect(try await api(t, "/api/v1/inquiries/load", token: token).status == .forbidden)
        }
    }

    @Test(
        "queue: a colleague recording an inquiry on lina's customer tells lina on the bell; her own inquiries do not",
        arguments: TestDatabase.available)
    func colleagueInquiryTellsTheOwner(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let customers = try await threeCustomers(t)
            let linaID = try await t.staff("lina").requireID()
            let lina = try await t.token(.specialist)
            for token in [lina, try await staffToken(t, "zhangwei")] {
                try await t.app.testing().test(
                    .POST, "/api/v1/inquiries",
                    beforeRequest: { req in
                        req.bearer(token)
                        try req.content.encode(
                            InquiryInput(
                                customerID: customers[1].id, channel: "phone", question: "园区有食堂吗？", answer: "有",
                                answeredOnTheSpot: true))
                    }
                ) { res async throws in #expect(res.status == .created) }
            }
            let bell = try await NotificationStore(database: t.app.db).page(
                staffID: linaID, paging: Paging(number: 1, size: 20)
            ).items
            #expect(
                bell.count == 1 && bell.first?.event == "inquiry.colleague_recorded"
                    && bell.first?.link == "/customers/\(customers[1].id)")
            #expect(bell.first?.title.hasPrefix("同事为您的客户记录了咨询：ZX-") == true && bell.first?.body == "园区有食堂吗？")
        }
    }

    // MARK: - 8. The top bar's search

    @Test(
        "search: customers, inquiries by number, projects by number or name from the top bar; masked as the role requires; a liaison searches no customers",
        arguments: TestDatabase.available)
    func globalSearch(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let (customer, projectName) = try await busyCustomer(t)
            let colleague = try await t.signIn("zhangwei")
            let layout = try await get(t, "/customers", as: colleague).body.string
            #expect(
                layout.contains("id=\"global-search\"") && layout.contains("action=\"/search\""),
                "the box is in the top bar")
            let html = try await get(t, "/search?q=\(customer.code)", as: colleague).body.string
            #expect(
                html.contains("href=\"/customers/\(customer.id)\"") && html.contains("138****1111")
                    && !html.contains("13800001111"), "masked for a colleague")
            let token = try await staffToken(t, "zhangwei")
            let byName = try await api(
                t, "/api/v1/search?q=\("吴江精密".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)",
                token: token
            )
            .content.decode(GlobalSearch.Results.self)
            #expect(byName.projects?.map(\.name) == [projectName] && byName.customers?.isEmpty == true)
            let lina = try await t.token(.specialist)
            let byNumber = try await api(t, "/api/v1/search?q=zx-2026", token: lina).content.decode(
                GlobalSearch.Results.self)
            #expect(byNumber.inquiries?.count == 1 && byNumber.inquiries?.first?.canOpen == true)
            let theirs = try await api(t, "/api/v1/search?q=ZX-2026", token: token).content.decode(
                GlobalSearch.Results.self)
            #expect(theirs.inquiries?.isEmpty == true, "a colleague's inquiry is not found by another specialist")
            let mine = try await api(t, "/api/v1/search?q=13800001111", token: lina).content.decode(
                GlobalSearch.Results.self)
            #expect(
                mine.customers?.first?.mobile == "13800001111" && mine.customers?.first?.contactVisibility == "full")
            let liaison = try await api(
                t, "/api/v1/search?q=\(customer.code)", token: try await staffToken(t, "zhoumin")
            ).content.decode(GlobalSearch.Results.self)
            #expect(
                liaison.customers?.isEmpty != false && liaison.inquiries == nil,
                "nothing of the customers' a liaison was not sent")
            let empty = try await api(t, "/api/v1/search?q=", token: lina).content.decode(GlobalSearch.Results.self)
            #expect(empty.customers == nil && empty.projects == nil)
        }
    }
}
