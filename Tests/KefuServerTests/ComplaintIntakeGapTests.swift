import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13's intake gaps: a customer created inline with the complaint, the specialist's chase of a
/// department on a forwarded request, and the satisfaction trend per month with its CSV.
@Suite("Complaint intake gaps: inline customer, chase, satisfaction trend (R3.5)")
struct ComplaintIntakeGapTests {
    static func count(_ t: TestApp, _ table: String) async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()!.decode(
            column: "n", as: Int.self)
    }

    @Test(
        "a complaint from someone without a file creates the file with it; bad customer input refuses both; a duplicate answers the matches"
    )
    func inlineCustomer() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let complaint: [String: JSONValue] = [
                "channel": "phone", "description": "前台接待态度冷淡", "category": "service_attitude", "severity": "normal",
                "customer": ["name": "孙丽", "mobile": "13812349876"],
            ]
            var (status, body) = try await ContractTests.call(t, .POST, "/api/v1/complaints", token: lina, complaint)
            #expect(status == .created, "\(body)")
            let created = try ComplaintTests.decode(body)
            #expect(created.customerName == "孙丽" && created.number == "TS-2026-000001")
            let owner = try await t.app.db.sql().raw(
                "SELECT responsible_staff_id FROM customers WHERE id = \(bind: created.customerID)"
            ).first()!
            .decode(column: "responsible_staff_id", as: Int?.self)
            #expect(owner == (try await t.staff("lina").requireID()))
            var bad = complaint
            bad["customer"] = ["name": "", "mobile": "123"]
            bad["description"] = ""
            (status, body) = try await ContractTests.call(t, .POST, "/api/v1/complaints", token: lina, bad)
            #expect(
                status == .unprocessableEntity && body.contains("customer.mobile") && body.contains("description"),
                "\(body)")
            (status, body) = try await ContractTests.call(t, .POST, "/api/v1/complaints", token: lina, complaint)
            #expect(status == .conflict && body.contains("possible_duplicate"), "\(body)")
            let customers = try await Self.count(t, "customers"), complaints = try await Self.count(t, "complaints")
            #expect(customers == 1 && complaints == 1, "nothing more was written")
            // The page: the new customer's fields kept with the message at the field.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .POST, "/complaints",
                beforeRequest: { req in
                    try req.form(
                        [
                            "intent": "save", "newName": "周强", "newMobile": "999", "channel": "phone",
                            "category": "other", "severity": "normal",
                            "description": "施工噪音扰民",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(
                    res.body.string.contains("id=\"newMobile-error\"") && res.body.string.contains("周强")
                        && res.body.string.contains("施工噪音扰民"))
            }
            #expect(try await Self.count(t, "customers") == 1)
        }
    }

    @Test(
        "the specialist chases an open forwarded request: kept, the liaison told; a stale version and an answered request are refused"
    )
    func chase() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            var complaint = try await ComplaintTests.file(t, token: lina)
            let (_, body) = try await ComplaintTests.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(try await ComplaintTests.legalDepartment(t))), "request": "请核实",
                    "dueAt": "2026-12-02T17:00",
                    "version": .number(Double(complaint.version)),
                ])
            complaint = try ComplaintTests.decode(body)
            let forward = try #require(complaint.forwards?.first)
            let page = try await t.signIn(.specialist)
            func saysChased() async throws -> Bool {
                var html = ""
                try await t.app.testing().test(
                    .GET, "/complaints/\(complaint.id)", beforeRequest: { page.apply(to: &$0) }
                ) { res async in html = res.body.string }
                return html.contains("class=\"muted chased\"")
            }
            #expect(try await saysChased() == false, "a request never chased does not say it was")
            let path = "/api/v1/complaints/\(complaint.id)/forwards/\(forward.id)/chase"
            #expect(
                try await ContractTests.call(t, .POST, path, token: lina, ["version": .number(Double(forward.version))])
                    .0 == .ok)
            #expect(try await saysChased())
            #expect(
                try await t.app.db.sql().raw("SELECT chased_at FROM complaint_forwards").first()!.decode(
                    column: "chased_at", as: Date?.self) == t.clock.clock.now)
            #expect(try await ComplaintTests.events(t, "zhoumin").contains("complaint.chased"))
            #expect(
                try await ContractTests.call(t, .POST, path, token: lina, ["version": .number(Double(forward.version))])
                    .0 == .conflict, "a stale version")
            #expect(
                try await ContractTests.call(
                    t, .POST, path, token: try await ReturnVisitTests.token(t, "zhangwei"), ["version": 2]
                ).0 == .forbidden)
            _ = try await ComplaintTests.call(
                t, .POST, "/api/v1/complaint-forwards/\(forward.id)/answer", token: liaison,
                ["answer": "已核实", "version": 2])
            let audits = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'complaint.chased'"
            ).first()!.decode(column: "n", as: Int.self)
            let (status, refused) = try await ContractTests.call(t, .POST, path, token: lina, ["version": 3])
            #expect(status == .unprocessableEntity, "\(refused)")
            let auditsAfter = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'complaint.chased'"
            ).first()!
            .decode(column: "n", as: Int.self)
            #expect(audits == 1 && auditsAfter == 1)
        }
    }

    @Test("the satisfaction trend per month: the team and each person, as a table and a CSV")
    func trend() async throws {
        try await withApp { t in
            let complaint = try await SurveyTests.closedComplaint(t)
            let token = try await SurveyTests.issue(t, complaint.id)
            #expect(try await SurveyTests.post(t, token, ["score": "4"]).0 == .created)
            let supervisor = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/complaints/figures?csv=satisfaction_trend", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                let lines = res.body.string.split(whereSeparator: \.isNewline).map(String.init)
                #expect(lines.first?.contains("2026-11") == true, "\(lines)")
                #expect(lines.contains { $0.contains("团队") && $0.contains("4.00 (1)") }, "\(lines)")
                #expect(lines.contains { $0.contains("李娜") && $0.contains("4.00 (1)") }, "\(lines)")
            }
            try await t.app.testing().test(
                .GET, "/complaints/figures", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("id=\"figures-satisfaction_trend\""))
            }
        }
    }

    @Test(
        "the supervisor names the ladder's people and shares and keeps the categories; bad values, a stale version and a specialist are refused"
    )
    func settings() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let leader = try await t.staff("zhaoguoqiang").requireID()
            let ladder: [String: JSONValue] = [
                "levels": [
                    ["level": 1, "percent": 60], ["level": 2, "percent": 100],
                    ["level": 3, "percent": 200, "staffID": .number(Double(leader))],
                ],
                "version": 0,
            ]
            var (status, body) = try await ContractTests.call(
                t, .PUT, "/api/v1/complaint-escalation-ladder", token: supervisor, ladder)
            #expect(status == .ok && body.contains("\"percent\":200"), "\(body)")
            let saved = try await ComplaintSettingsStore(database: t.app.db).ladder()
            #expect(saved.version == 1 && saved.levels[2].staffID == leader && saved.levels[0].atShare == 0.6)
            #expect(
                try await ContractTests.call(t, .PUT, "/api/v1/complaint-escalation-ladder", token: supervisor, ladder)
                    .0 == .conflict, "a stale version")
            (status, body) = try await ContractTests.call(
                t, .PUT, "/api/v1/complaint-escalation-ladder", token: supervisor,
                [
                    "levels": [
                        ["level": 1, "percent": 120], ["level": 2, "percent": 100], ["level": 3, "percent": 200],
                    ], "version": 1,
                ])
            #expect(status == .unprocessableEntity && body.contains("level2.percent"), "\(body)")
            #expect(
                try await ContractTests.call(t, .PUT, "/api/v1/complaint-escalation-ladder", token: lina, ladder).0
                    == .forbidden)
            #expect(
                try await ComplaintSettingsStore(database: t.app.db).ladder().levels == saved.levels, "nothing changed")
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/complaint-categories", token: supervisor, ["code": "parking", "name": "停车管理"])
            #expect(status == .created && body.contains("停车管理"), "\(body)")
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/complaint-categories", token: supervisor, ["code": "Parking!", "name": "停车管理"]
                ).0 == .unprocessableEntity)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/complaint-categories/other", token: supervisor,
                    ["name": "其他问题", "isActive": false, "version": 1]
                ).0 == .ok)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/complaint-categories/other", token: supervisor, ["name": "其他", "version": 1]
                ).0 == .conflict)
            let customer = try await createCustomer(
                t, token: lina, ["name": "陈晓东", "companyName": "陈晓东的精密制造有限公司", "mobile": "13912345678"])
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/complaints", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "channel": "phone", "description": "停车位不足",
                    "category": "other", "severity": "normal",
                ])
            #expect(
                status == .unprocessableEntity && body.contains("category"), "a category out of use is refused: \(body)"
            )
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/complaints", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "channel": "phone", "description": "停车位不足",
                    "category": "parking", "severity": "normal",
                ])
            #expect(status == .created && body.contains("停车管理"), "\(body)")
            #expect(
                try await t.app.db.sql().raw(
                    "SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'complaint.category.%' OR action = 'complaint.ladder'"
                ).first()!
                .decode(column: "n", as: Int.self) == 3)
        }
    }

    @Test(
        "the public form's complaint choice files a complaint on the visitor's file (new, with their consent, or the one with their mobile); a bad choice stores nothing"
    )
    func publicComplaint() async throws {
        try await withApp { t in
            func send(_ body: [String: String]) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await t.app.testing().test(
                    .POST, "/api/v1/public/inquiries", beforeRequest: { req in try req.content.encode(body, as: .json) }
                ) { res async throws in
                    result = (res.status, res.body.string)
                }
                return result
            }
            let visitor = [
                "kind": "complaint", "name": "吴静", "mobile": "13712340000", "question": "园区门口道路施工，三天无人清扫",
                "consent": "on",
            ]
            var (status, body) = try await send(visitor)
            #expect(status == .created && body.contains("TS-2026-000001"), "\(body)")
            let row = try #require(try await ComplaintStore(database: t.app.db).find(1))
            #expect(row.channel == "public_form" && row.customerName == "吴静" && row.staffID == nil && row.acknowledged)
            #expect(
                try await t.app.db.sql().raw(
                    "SELECT COUNT(*) AS n FROM consents WHERE customer_id = \(bind: row.customerID)"
                ).first()!.decode(column: "n", as: Int.self) == 1)
            (status, body) = try await send(visitor.merging(["question": "仍然无人清扫"]) { $1 })
            #expect(status == .created && body.contains("TS-2026-000002"), "\(body)")
            #expect(try await Self.count(t, "customers") == 1, "the second complaint is filed on the same customer")
            (status, body) = try await send(visitor.merging(["kind": "praise"]) { $1 })
            #expect(status == .unprocessableEntity && body.contains("kind"), "\(body)")
            let complaints = try await Self.count(t, "complaints"), inquiries = try await Self.count(t, "inquiries")
            #expect(complaints == 2 && inquiries == 0)
        }
    }
}
