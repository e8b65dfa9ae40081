import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Customer pages")
struct CustomerPageTests {
    let fields = [
        "kind": "company", "name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "source": "phone",
        "stage": "lead", "timing": "within_6_months", "email": "zhangwei@pujiang.cn",
    ]

    @Test("creating from the form, then the list shows the file to its owner unmasked and to a colleague masked")
    func createAndList() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            var location = ""
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(fields, browser: lina) }
            ) { res async throws in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasPrefix("/customers/"))
            try await t.app.testing().test(.GET, "/customers", beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("13812345678"))
                #expect(res.body.string.contains("KH-2026-000001"))
            }
            let zhangwei = try await t.signIn("zhangwei")
            try await t.app.testing().test(.GET, "/customers", beforeRequest: { req in zhangwei.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("138****5678"))
                #expect(!res.body.string.contains("13812345678"))
            }
            try await t.app.testing().test(.GET, location, beforeRequest: { req in zhangwei.apply(to: &req) }) {
                res async throws in
                let html = res.body.string
                #expect(html.contains("138****5678") && !html.contains("13812345678"))
                #expect(!html.contains("zhangwei@pujiang.cn"))
                #expect(html.contains("reveal-form"))
                #expect(!html.contains("edit-customer"), "a colleague may not edit")
            }
            try await t.app.testing().test(
                .POST, location + "/reveal",
                beforeRequest: { req in try req.form(["reason": "客户来电要求回拨"], browser: zhangwei) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("13812345678"))
            }
            #expect(try await t.auditEntries("customer.contact_revealed").count == 1)
        }
    }

    @Test("the filters keep their choices: selected option marked, the reassignment select unmarked")
    func filterSelects() async throws {
        try await withApp { t in
            let owner = try await t.signIn("lina")
            var intent = fields
            intent["stage"] = "intent"
            intent["followUpDueAt"] = "2026-12-07T10:00"
            intent["followUpPurpose"] = "确认考察时间"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(intent, browser: owner) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            let supervisor = try await t.signIn("wangjing")
            let lina = try #require(try await StaffModel.query(on: t.app.db).filter(\.$username == "lina").first()?.id)
            try await t.app.testing().test(
                .GET, "/customers?stage=intent&specialist=\(lina)", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                let html = res.body.string
                #expect(html.contains(#"<option value="intent" selected>意向</option>"#))
                #expect(html.contains(#"<option value="lead">线索</option>"#))
                #expect(
                    html.components(separatedBy: #"<option value="\#(lina)" selected>"#).count == 2,
                    "marked in the filter only")
                #expect(
                    html.components(separatedBy: #"<option value="\#(lina)">"#).count == 2,
                    "listed unmarked for reassignment")
            }
        }
    }

    @Test("moving a customer to intent on the form asks for the next follow-up and keeps what was typed")
    func followUpRequired() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            var intent = fields
            intent["stage"] = "intent"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(intent, browser: lina) }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("id=\"followUp-error\"") && html.contains("上海浦江科技有限公司"))
            }
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
            intent["followUpDueAt"] = "2026-12-07T10:00"
            intent["followUpPurpose"] = "确认考察时间"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(intent, browser: lina) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            #expect(
                try await FollowUpStore(database: t.app.db).open(staffID: nil, until: .distantFuture).map(\.purpose)
                    == ["确认考察时间"])
        }
    }

    @Test("bad input on the form keeps what was typed and shows each message at its field; nothing is stored")
    func badInput() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            var bad = fields
            bad["mobile"] = "1381234"
            bad["budgetMinWan"] = "800"
            bad["budgetMaxWan"] = "200"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(bad, browser: lina) }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("请输入有效的中国大陆手机号码"))
                #expect(html.contains("预算上限不能低于下限"))
                #expect(html.contains("value=\"1381234\""))
                #expect(html.contains("value=\"上海浦江科技有限公司\""))
            }
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
        }
    }

    @Test("a duplicate shows the existing file; saving anyway needs a reason")
    func duplicate() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(fields, browser: lina) }
            ) { _ in }
            var again = fields
            again["name"] = "张总"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(again, browser: lina) }
            ) { res async throws in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("疑似重复"))
                #expect(res.body.string.contains("KH-2026-000001"))
            }
            again["duplicateReason"] = "同公司不同联系人"
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(again, browser: lina) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            #expect(try await CustomerModel.query(on: t.app.db).count() == 2)
        }
    }

    @Test("an edit from a stale version shows what was changed meanwhile and keeps what was typed")
    func conflict() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(fields, browser: lina) }
            ) { _ in }
            let customer = try #require(try await CustomerModel.query(on: t.app.db).first())
            var first = fields
            first["version"] = "1"
            first["grade"] = "A"
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id!)", beforeRequest: { req in try req.form(first, browser: lina) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            var second = fields
            second["version"] = "1"
            second["grade"] = "C"
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id!)", beforeRequest: { req in try req.form(second, browser: lina) }
            ) { res async throws in
                #expect(res.status == .conflict)
                let page = res.body.string
                #expect(page.contains("已被他人修改") && page.contains("有人在您编辑期间修改了这条记录"))
                #expect(page.contains("<option value=\"C\" selected>"), "what was typed is kept")
                #expect(page.contains("name=\"version\" value=\"2\""), "sent again on the current version")
                #expect(page.contains("<td data-label=\"字段\">客户等级</td>"), "what they changed, by label")
            }
            #expect(try await CustomerModel.find(customer.id, on: t.app.db)?.grade == "A")
        }
    }

    @Test("recording a communication from the file puts it on the timeline")
    func communication() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(fields, browser: lina) }
            ) { _ in }
            let customer = try #require(try await CustomerModel.query(on: t.app.db).first())
            let record = [
                "channel": "phone", "direction": "outbound", "summary": "介绍临港新片区政策", "durationMinutes": "15",
                "nextStep": "下周安排实地考察",
            ]
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id!)/communications",
                beforeRequest: { req in try req.form(record, browser: lina) }
            ) { res async throws in
                #expect(res.status == .seeOther)
            }
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id!)/communications",
                beforeRequest: { req in
                    try req.form(["channel": "phone", "direction": "outbound", "summary": ""], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("此项为必填项"))
            }
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id!)", beforeRequest: { req in lina.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("介绍临港新片区政策"))
            }
        }
    }

    @Test("the administrator and liaisons do not reach customer pages", arguments: [Role.administrator, .liaison])
    func refused(role: Role) async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/customers", beforeRequest: { req in try req.form(fields, browser: lina) }
            ) { _ in }
            let customer = try #require(try await CustomerModel.query(on: t.app.db).first())
            let browser = try await t.signIn(role)
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id!)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .forbidden)
                #expect(!res.body.string.contains("13812345678"))
            }
        }
    }
}
