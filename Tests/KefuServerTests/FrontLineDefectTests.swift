import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The front line's defects found by trying it as its users would (issue 10, "Defects"): each test
/// failed before its fix.
@Suite("Front line defects (issue 10)")
struct FrontLineDefectTests {
    func post(_ t: TestApp, _ path: String, _ fields: [String: String], as browser: Browser) async throws
        -> TestingHTTPResponse
    {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(.POST, path, beforeRequest: { req in try req.form(fields, browser: browser) }) {
            res async throws in response = res
        }
        return try #require(response)
    }

    func get(_ t: TestApp, _ path: String, as browser: Browser) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(.GET, path, beforeRequest: { req in browser.apply(to: &req) }) {
            res async throws in response = res
        }
        return try #require(response)
    }

    func project(_ t: TestApp, _ code: String, _ name: String, industries: [String], city: String = "苏州") async throws
        -> ProjectDTO
    {
        var created: ProjectDTO?
        let token = try await t.token(.supervisor)
        try await t.app.testing().test(
            .POST, "/api/v1/projects",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    ProjectInput(
                        code: code, name: name, type: "industrial_park", industries: industries, province: "江苏省",
                        city: city,
                        investmentMinWan: "100", investmentMaxWan: "1000", status: "open"))
            }
        ) { res async throws in created = try? res.content.decode(ProjectDTO.self) }
        return try #require(created)
    }

    func recommend(_ t: TestApp, customerID: Int, projectID: Int, token: String) async throws -> Int {
        var id = 0
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(customerID)/recommendations",
            beforeRequest: { req in
                req.bearer(token);
                try req.content.encode(
                    RecommendationStore.Input(projectID: projectID, presentation: "phone", material: nil))
            }
        ) { res async throws in
            id = (try? res.content.decode(RecommendationsAPIController.RecommendationDTO.self).id) ?? 0
        }
        return id
    }

    @Test(
        "#2: a refused reaction keeps the choice and the reason typed; nothing is preselected; a reaction can be corrected"
    )
    func reactionKeepsItsChoice() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let park = try await project(t, "XM-2026-001", "苏州科技园", industries: ["technology"])
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let id = try await recommend(t, customerID: customer.id, projectID: park.id, token: token)
            let lina = try await t.signIn("lina")
            let form = try await get(t, "/customers/\(customer.id)/recommendations", as: lina)
            #expect(
                form.body.string.contains("<option value=\"\" selected>请选择反馈</option>"),
                "no reaction is chosen for the user")
            let refused = try await post(
                t, "/customers/\(customer.id)/recommendations/\(id)/reaction",
                ["reaction": "not_interested", "reason": ""], as: lina)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("客户不感兴趣时请填写原因"))
            #expect(html.contains("<option value=\"not_interested\" selected>"), "the choice is kept")
            #expect(!html.contains("<option value=\"interested\" selected>"))
            let stored = try await RecommendationStore(database: t.app.db).find(id, customerID: customer.id)
            #expect(stored?.reaction == nil, "the refusal changed nothing")
            let saved = try await post(
                t, "/customers/\(customer.id)/recommendations/\(id)/reaction",
                ["reaction": "not_interested", "reason": "投资额太大"], as: lina)
            #expect(saved.status == .seeOther)
            #expect(
                try await RecommendationStore(database: t.app.db).find(id, customerID: customer.id)?.reaction
                    == "not_interested")
            // Recorded: the page shows it with a form to correct it, the recorded choice selected.
            let after = try await get(t, "/customers/\(customer.id)/recommendations", as: lina).body.string
            #expect(after.contains("不感兴趣</strong> · 投资额太大"))
            #expect(after.contains("id=\"reaction-form-\(id)\"") && after.contains("更正反馈"))
            let corrected = try await post(
                t, "/customers/\(customer.id)/recommendations/\(id)/reaction",
                ["reaction": "interested", "reason": ""], as: lina)
            #expect(corrected.status == .seeOther)
            #expect(
                try await RecommendationStore(database: t.app.db).find(id, customerID: customer.id)?.reaction
                    == "interested")
        }
    }

    @Test("#3: 使用该档案 on the duplicates card and searching for the customer keep the question and the answer typed")
    func intakeKeepsTheCallNotes() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let existing = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let lina = try await t.signIn("lina")
            let typed = [
                "name": "张伟", "mobile": "13812345678", "channel": "phone", "receivedAt": "2026-11-30 08:50",
                "question": "电力增容费用多少？", "answer": "按每千伏安 200 元", "outcome": "answered",
            ]
            let duplicate = try await post(t, "/inquiries", typed, as: lina)
            #expect(duplicate.status == .conflict)
            #expect(duplicate.body.string.contains("name=\"useCustomer\" value=\"\(existing.id)\""))
            let chosen = try await post(
                t, "/inquiries", typed.merging(["useCustomer": String(existing.id), "duplicateReason": ""]) { $1 },
                as: lina)
            #expect(chosen.status == .ok)
            let html = chosen.body.string
            #expect(html.contains("id=\"chosen-customer\"") && html.contains(existing.code))
            #expect(
                html.contains(">电力增容费用多少？</textarea>") && html.contains(">按每千伏安 200 元</textarea>"), "the notes are kept"
            )
            #expect(html.contains("name=\"customerID\" value=\"\(existing.id)\""))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM inquiries").first()?.decode(
                    column: "n", as: Int.self) == 0, "nothing saved yet")
            // Searching (Enter in 查找客户 submits the same button) keeps them too.
            let searched = try await post(
                t, "/inquiries", ["intent": "search", "q": "浦江", "question": "电力增容费用多少？", "answer": "按每千伏安 200 元"],
                as: lina)
            #expect(searched.status == .ok)
            #expect(
                searched.body.string.contains(">电力增容费用多少？</textarea>") && searched.body.string.contains(existing.code))
            // Saved on the chosen file, with the notes.
            let saved = try await post(
                t, "/inquiries", typed.merging(["customerID": String(existing.id)]) { $1 }, as: lina)
            #expect(saved.status == .seeOther)
            let answer = try await t.app.db.sql().raw("SELECT answer, customer_id FROM inquiries").first()
            #expect(try answer?.decode(column: "answer", as: String.self) == "按每千伏安 200 元")
            #expect(try answer?.decode(column: "customer_id", as: Int.self) == existing.id)
        }
    }

    @Test("#15: saving a duplicate again without a reason says so at 仍要保存的原因, and creates nothing")
    func duplicateReasonMessage() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let lina = try await t.signIn("lina")
            let fields = [
                "kind": "individual", "name": "张伟", "mobile": "13812345678", "source": "phone", "stage": "lead",
                "timing": "undecided",
            ]
            let first = try await post(t, "/customers", fields, as: lina)
            #expect(first.status == .conflict)
            #expect(!first.body.string.contains("duplicateReason-error"), "the first time only the card shows")
            let again = try await post(t, "/customers", fields.merging(["duplicateReason": " "]) { $1 }, as: lina)
            #expect(again.status == .conflict)
            #expect(
                again.body.string.contains("id=\"duplicateReason-error\"") && again.body.string.contains("仍要保存时请填写原因"))
            #expect(try await CustomerModel.query(on: t.app.db).count() == 1)
            let intake = try await post(
                t, "/inquiries",
                [
                    "name": "张伟", "mobile": "13812345678", "channel": "phone", "receivedAt": "2026-11-30 08:50",
                    "question": "电费？", "answer": "按峰谷电价", "outcome": "answered", "duplicateReason": "",
                ], as: lina)
            #expect(intake.status == .conflict && intake.body.string.contains("id=\"duplicateReason-error\""))
        }
    }

    @Test(
        "#4: what is typed into 记录沟通 — content, next step, duration — shows on the file, and the next step offers a follow-up"
    )
    func communicationShown() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let lina = try await t.signIn("lina")
            let saved = try await post(
                t, "/customers/\(customer.id)/communications",
                [
                    "channel": "phone", "direction": "outbound", "durationMinutes": "25", "summary": "介绍苏州园区",
                    "content": "客户关心用电指标和人才公寓", "nextStep": "下周三发园区资料",
                ], as: lina)
            #expect(saved.status == .seeOther)
            let html = try await get(t, "/customers/\(customer.id)", as: lina).body.string
            #expect(html.contains("介绍苏州园区"))
            #expect(html.contains("客户关心用电指标和人才公寓"), "the content")
            #expect(html.contains("下周三发园区资料"), "the next step")
            #expect(html.contains("25 分钟"), "the duration")
            let purpose = "下周三发园区资料".addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? ""
            #expect(
                html.contains("/customers/\(customer.id)/follow-ups?purpose=\(purpose)"),
                "the next step offers to become a follow-up")
            // Improvement 1: the timeline filtered by kind keeps the communication and drops the rest.
            let onlyTalks = try await get(t, "/customers/\(customer.id)?kind=communication", as: lina).body.string
            #expect(onlyTalks.contains("介绍苏州园区") && !onlyTalks.contains("<span class=\"tag\">建档</span>"))
            #expect(onlyTalks.contains("aria-current=\"true\">沟通</a>"))
            let onlyFile = try await get(t, "/customers/\(customer.id)?kind=file", as: lina).body.string
            #expect(!onlyFile.contains("介绍苏州园区") && onlyFile.contains("<span class=\"tag\">建档</span>"))
            let plan = try await get(t, "/customers/\(customer.id)/follow-ups?purpose=\(purpose)", as: lina).body.string
            #expect(plan.contains("value=\"下周三发园区资料\""), "the follow-up form starts with it")
        }
    }

    @Test(
        "#5: the timeline, the change history and the audit log show labels and display names, not codes and usernames")
    func labelsNotCodes() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let park = try await project(t, "XM-2026-001", "苏州科技园", industries: ["technology"])
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            var input = CustomerInput()
            input.version = customer.version
            input.stage = "intent"
            input.timing = "within_6_months"
            input.industries = ["manufacturing"]
            input.followUpDueAt = "2026-12-07T10:00"
            input.followUpPurpose = "确认考察时间"
            try await t.app.testing().test(
                .PATCH, "/api/v1/customers/\(customer.id)",
                beforeRequest: { req in
                    req.bearer(token); try req.content.encode(input)
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            let id = try await recommend(t, customerID: customer.id, projectID: park.id, token: token)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/recommendations/\(id)/reaction",
                beforeRequest: { req in
                    req.bearer(token);
                    try req.content.encode(RecommendationStore.ReactionInput(reaction: "interested", reason: "靠近上海"))
                }
            ) { res async throws in #expect(res.status == .ok) }
            let lina = try await t.signIn("lina")
            let html = try await get(t, "/customers/\(customer.id)", as: lina).body.string
            let timeline = String(html[html.range(of: "id=\"timeline\"")!.lowerBound...])
            #expect(
                timeline.contains("客户阶段") && timeline.contains("投资时间") && !timeline.contains(" stage"),
                "changed fields by name")
            #expect(timeline.contains("感兴趣 · 靠近上海") && !timeline.contains("interested"))
            #expect(timeline.contains("李娜") && !timeline.contains("· lina"), "people by display name")
            #expect(html.contains("<td>线索</td><td>意向</td>"), "stages in words in the history")
            #expect(html.contains("6 个月内") || html.contains("半年内"), "timing in words")
            #expect(html.contains("制造") && !html.contains(">manufacturing<") && !html.contains("<td>lina</td>"))
            #expect(
                !html.contains("within_6_months"),
                "\(html.components(separatedBy: "within_6_months").first?.suffix(300) ?? "")")
            let supervisor = try await t.signIn("wangjing")
            let audit = try await get(t, "/audit", as: supervisor).body.string
            #expect(
                audit.contains("推荐项目") && audit.contains("记录推荐反馈") && audit.contains("安排跟进"),
                "every action with a label")
            #expect(audit.contains("<td class=\"nowrap\">李娜</td>"), "the actor by name")
            #expect(audit.contains("<option value=\"lina\">李娜</option>"), "the actor filter by name")
            #expect(audit.contains("<option value=\"auth.sign_in_failed\">登录失败</option>"), "the action filter by label")
            #expect(audit.contains("客户阶段") && !audit.contains(">stage,"), "fields by name")
            // Project versions: who changed it by name, industries in words.
            let supervisorToken = try await t.token(.supervisor)
            try await t.app.testing().test(
                .PATCH, "/api/v1/projects/\(park.id)",
                beforeRequest: { req in
                    req.bearer(supervisorToken);
                    try req.content.encode(ProjectInput(version: park.version, industries: ["manufacturing"]))
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            let versions = try await get(t, "/projects/\(park.id)", as: supervisor).body.string
            #expect(versions.contains("王静") && !versions.contains("wangjing"), "the person, not the username")
            #expect(versions.contains("信息技术 → 先进制造") || versions.contains("→ 先进制造"), "industries in words")
            #expect(!versions.contains("technology → manufacturing"))
            let home = try await get(t, "/", as: supervisor).body.string
            #expect(!home.contains("<td>lina</td>") && !home.contains("<td>wangjing</td>"), "recent events by name")
        }
    }

}
