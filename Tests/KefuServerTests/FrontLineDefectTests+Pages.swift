import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10's defects of the workbench, the ranking, the audit labels and the English pages.
extension FrontLineDefectTests {
    @Test(
        "#8–#10: today's promised replies are on the workbench; cards and team columns are named and counted alike; the queue opens only for who may"
    )
    func workbenchCounts() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            // 09:00 now; the reply is promised for 12:39 today — beyond the two-hour reminder lead.
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "电费怎么算？", answeredOnTheSpot: false,
                            promisedBy: ISO8601DateFormatter().string(
                                from: testStart.addingTimeInterval(3 * 3600 + 39 * 60))))
                }
            ) { res async throws in #expect(res.status == .created) }
            try await t.app.testing().test(
                .POST, "/api/v1/public/inquiries",
                beforeRequest: { req in
                    try req.content.encode([
                        "name": "陈先生", "mobile": "13912345678", "question": "有没有冷库？", "consent": "true",
                    ])
                }
            ) { res async throws in #expect(res.status == .created) }
            let waitingID =
                try await t.app.db.sql().raw("SELECT id FROM inquiries WHERE status = 'waiting'").first()?.decode(
                    column: "id", as: Int.self) ?? 0
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/", as: lina).body.string
            #expect(html.contains("电费怎么算？"), "a reply due at 12:39 is on the 09:00 list")
            #expect(!html.contains("没有即将到期或逾期的承诺答复") && !html.contains("今天没有到期或逾期的承诺答复"))
            #expect(html.contains("今日及逾期承诺答复") && html.contains("今日及逾期跟进"), "the cards say what they count")
            #expect(html.contains("有没有冷库？"), "the queue shows")
            #expect(
                !html.contains("href=\"/inquiries/\(waitingID)\""), "but a specialist gets no link that ends in 没有权限")
            #expect(html.contains("id=\"waiting-help\""))
            let supervisor = try await t.signIn("wangjing")
            let team = try await get(t, "/", as: supervisor).body.string
            #expect(team.contains("团队今日及逾期跟进") && team.contains("今日到期跟进") && team.contains("逾期跟进"))
            #expect(!team.contains(">今日跟进<"), "no two different things called 今日跟进")
            #expect(team.contains("href=\"/inquiries/\(waitingID)\""), "the supervisor opens the queue to assign")
            let linaID = try await t.staff("lina").id ?? 0
            #expect(
                team.contains("/inquiries?status=promised&staff=\(linaID)\">1</a>")
                    || team.contains("/inquiries?status=promised&amp;staff=\(linaID)\">1</a>"),
                "the team table counts the reply due today")
        }
    }

    @Test(
        "#11: leadership and liaisons see what they can do and why the rest is empty; a liaison is not told to create customers"
    )
    func workbenchWithoutFrontLineWork() async throws {
        try await withApp { t in
            let leadership = try await t.signIn("zhaoguoqiang")
            let html = try await get(t, "/", as: leadership).body.string
            #expect(
                html.contains("id=\"what-you-can-do\"") && html.contains("href=\"/projects\"")
                    && html.contains("id=\"why-empty\""))
            #expect(html.contains("统计报表模块上线后"))
            let liaison = try await t.signIn("zhoumin")
            let home = try await get(t, "/", as: liaison).body.string
            #expect(home.contains("id=\"what-you-can-do\"") && home.contains("转交给您部门的客户"))
            let customers = try await get(t, "/customers", as: liaison).body.string
            #expect(customers.contains("转交或分配给您的客户档案会显示在这里") && !customers.contains("或新建客户"))
        }
    }

    @Test("#16: no points for missing information; a project already recommended is marked on the ranking")
    func rankingExplainsHonestly() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let park = try await project(t, "XM-2026-001", "苏州科技园", industries: ["technology"])
            _ = try await project(t, "XM-2026-002", "南京物流园", industries: ["logistics"], city: "南京")
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"], industries: [])
            let lina = try await t.signIn("lina")
            let before = try await get(t, "/customers/\(customer.id)/recommendations", as: lina).body.string
            #expect(!before.contains("+10</span> 客户未填写关注行业") && before.contains("客户未填写关注行业"))
            #expect(!before.contains("recommended-tag"))
            _ = try await recommend(t, customerID: customer.id, projectID: park.id, token: token)
            let after = try await get(t, "/customers/\(customer.id)/recommendations", as: lina).body.string
            let card = String(after[after.range(of: "id=\"ranked-\(park.id)\"")!.lowerBound...].prefix(600))
            #expect(card.contains("已于 2026-11-30 推荐"), "the recommended project is marked")
            #expect(after.components(separatedBy: "recommended-tag").count == 2, "only that one")
        }
    }

    @Test(
        "#5: every audit action the code records has a label in both languages, and every place on the leadership page a description"
    )
    func everyAuditActionLabelled() throws {
        let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
        // Recorded directly or through the write path (`RecordWrite.AuditNote`).
        let recorded = try Regex(#"(?:AuditLog\.record\(|audit: \.init\()\s*(?:action: )?"([a-z_]+\.[a-z_.]+)""#)
        var actions: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: packageRoot + "Sources/KefuServer")
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: packageRoot + "Sources/KefuServer/" + file, encoding: .utf8)
            for match in text.matches(of: recorded) { actions.insert(String(match.output[1].substring ?? "")) }
        }
        #expect(actions.count > 20)
        for action in actions.sorted() {
            #expect(
                localizer.tables[.zhHans]?["audit.action.\(action)"] != nil
                    && localizer.tables[.en]?["audit.action.\(action)"] != nil, "\(action) has no label")
        }
        for entry in NavigationEntry.all + NavigationEntry.settings
        where entry.path != nil && entry.key != "nav.dashboard" {
            #expect(localizer.hasKey("dashboard.can.\(entry.key.dropFirst(4))"), "\(entry.key)")
        }
    }

    @Test(
        "#13: in English — notification titles, the timeline's promised reply, list separators and ×10k CNY — no Chinese left"
    )
    func englishReadsEnglish() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "Zhang Wei", "companyName": "Pujiang Tech", "mobile": "13812345678"],
                industries: ["technology", "manufacturing"])
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "Power fees?",
                            answeredOnTheSpot: false,
                            promisedBy: ISO8601DateFormatter().string(from: testStart.addingTimeInterval(3600))))
                }
            ) { res async throws in #expect(res.status == .created) }
            // A notification written in Chinese, before titles were stored as keys, while lina read
            // Chinese; the migration recognises its title.
            let linaID = try await t.staff("lina").id ?? 0
            _ = try await NotificationStore(database: t.app.db).add(
                staffID: linaID, event: .followUpDue, title: "今日跟进：Zhang Wei",
                message: StoredMessage(StoredMessage.legacyNotification), body: "⏰ 2026-11-30 10:00",
                link: "/", dedupeKey: "t1", now: testStart)
            try await AddNotificationMessages.convertLegacyTitles(localizer: t.app.kefu.localizer, on: t.app.db)
            let lina = try await t.signIn("lina")
            _ = try await post(t, "/profile/language", ["language": "en"], as: lina)
            let bell = try await get(t, "/notifications", as: lina).body.string
            #expect(bell.contains("Follow-up due: Zhang Wei") && !bell.contains("今日跟进") && !bell.contains("⏰"))
            let file = try await get(t, "/customers/\(customer.id)", as: lina).body.string
            #expect(file.contains("reply promised by 2026-11-30 10:00") && !file.contains("前答复"))
            #expect(
                file.contains("Manufacturing, Technology") || file.contains("Technology, Manufacturing"),
                "an English list separator")
            #expect(!file.contains("、"))
            let form = try await get(t, "/customers/new", as: lina).body.string
            #expect(form.contains("×10k CNY") && !form.contains("万元"))
        }
    }

    @Test(
        "#15: a file created at intake can record consent; 301 finds KH-2026-000301; units said once; empty as —; focus on the password after a failed sign-in"
    )
    func smallerDefects() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            let intake = try await get(t, "/inquiries/new", as: lina).body.string
            #expect(intake.contains("id=\"consentChannel\""), "the consent step is offered at intake")
            let saved = try await post(
                t, "/inquiries",
                [
                    "name": "王芳", "mobile": "13700002222", "consentChannel": "verbal_phone", "channel": "phone",
                    "receivedAt": "2026-11-30 08:50",
                    "question": "有没有厂房？", "answer": "有，标准厂房", "outcome": "answered",
                ], as: lina)
            #expect(saved.status == .seeOther)
            let customer = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "王芳").first())
            let consents = try await ConsentStore(database: t.app.db).all(customerID: try customer.requireID())
            #expect(consents.map(\.channel) == ["verbal_phone"] && consents.map(\.purpose) == ["collection"])
            #expect(customer.consentAt != nil)
            let refused = try await post(
                t, "/inquiries",
                [
                    "name": "赵强", "mobile": "13600003333", "consentChannel": "telepathy", "channel": "phone",
                    "receivedAt": "2026-11-30 08:50", "question": "？", "answer": "—", "outcome": "answered",
                ], as: lina)
            #expect(refused.status == .unprocessableEntity)
            #expect(
                try await CustomerModel.query(on: t.app.db).filter(\.$name == "赵强").count() == 0,
                "bad input changes nothing")
            // The inquiry page: what is empty reads —.
            let inquiryID =
                try await t.app.db.sql().raw("SELECT id FROM inquiries").first()?.decode(column: "id", as: Int.self)
                ?? 0
            let inquiry = try await get(t, "/inquiries/\(inquiryID)", as: lina).body.string
            #expect(inquiry.contains("<dd class=\"prewrap\">—</dd>"), "needs left empty")
            // A short number finds the code.
            let number = String(customer.code.suffix(6).drop { $0 == "0" })
            let found = try await get(t, "/customers?q=\(number)", as: lina).body.string
            #expect(found.contains(customer.code))
            // Units: the value carries the unit, the label does not repeat it.
            let supervisorToken = try await t.token(.supervisor)
            var input = ProjectInput(
                code: "XM-2026-001", name: "苏州科技园", type: "industrial_park", industries: ["technology"],
                province: "江苏省", city: "苏州",
                investmentMinWan: "100", investmentMaxWan: "1000", status: "open")
            input.annualReturnPercent = "7.5"
            input.paybackYears = "9"
            var projectID = 0
            try await t.app.testing().test(
                .POST, "/api/v1/projects",
                beforeRequest: { req in
                    req.bearer(supervisorToken); try req.content.encode(input)
                }
            ) { res async throws in
                projectID = (try? res.content.decode(ProjectDTO.self).id) ?? 0
            }
            let project = try await get(t, "/projects/\(projectID)", as: lina).body.string
            #expect(project.contains("7.5%") && !project.contains("（%）"))
            #expect(project.contains("9 年") && !project.contains("（年）"))
            // A failed sign-in puts the cursor in the password.
            let browser = try await Browser.anonymous(t.app)
            var html = ""
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    req.headers.cookie = browser.cookies
                    try req.content.encode(
                        ["username": "lina", "password": "wrong-password", "_csrf": browser.csrf, "next": "/"],
                        as: .urlEncodedForm)
                }
            ) { res async throws in html = res.body.string }
            #expect(html.contains("autocomplete=\"current-password\" required autofocus"))
            #expect(!html.contains("spellcheck=\"false\" required autofocus"))
        }
    }

    @Test("improvement 5: an overdue follow-up says by how many days; the week view names its days")
    func followUpDays() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: token,
                [
                    "name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "stage": "intent",
                    "followUpDueAt": ISO8601DateFormatter().string(from: testStart.addingTimeInterval(1800)),
                    "followUpPurpose": "确认考察时间",
                ])
            let lina = try await t.signIn("lina")
            let week = try await get(t, "/follow-ups?view=week&scope=mine", as: lina).body.string
            #expect(week.contains("周一 <span class=\"muted\">2026-11-30</span>") && week.contains("周日"))
            t.clock.advance(by: 3 * 86400)
            let later = try await t.signIn("lina")
            let overdue = try await get(t, "/follow-ups?view=overdue&scope=mine", as: later).body.string
            #expect(overdue.contains("逾期 3 天"))
        }
    }
}
