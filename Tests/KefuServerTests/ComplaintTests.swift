import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13 (R3.5, R1.3): complaints through the API — intake with its number, forwarding to a
/// department and the liaison's answer, updates given to the customer, closing only after the
/// outcome was told and accepted, the escalation ladder on the working calendar with a fixed clock.
/// Every refusal leaves the complaint, its timeline and the audit log as they were.
@Suite("Complaints: intake, forwarding, customer updates, closing, escalation (R3.5)")
struct ComplaintTests {
    typealias DTO = ComplaintsAPIController.ComplaintDTO

    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: JSONValue]? = nil
    ) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(t, method, path, token: token, body)
    }

    static func decode(_ body: String) throws -> DTO {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(DTO.self, from: Data(body.utf8))
    }

    /// A complaint of 李娜's customer; answers the DTO.
    static func file(
        _ t: TestApp, token: String, severity: String = "normal", name: String = "陈晓东", mobile: String = "13912345678"
    ) async throws -> DTO {
        let customer = try await createCustomer(
            t, token: token, ["name": name, "companyName": "\(name)的精密制造有限公司", "mobile": mobile])
        let (status, body) = try await call(
            t, .POST, "/api/v1/complaints", token: token,
            [
                "customerID": .number(Double(customer.id)), "channel": "phone",
                "description": "现场物业三次未按约定清理施工垃圾，影响厂房进场。",
                "demands": "一周内清理完毕并书面道歉", "category": "property_site", "severity": .string(severity),
                "acknowledged": true, "apologised": true,
            ])
        #expect(status == .created, "\(body)")
        return try decode(body)
    }

    /// One record of each complaint kind for a customer (the record-kind tests: merge, anonymization).
    static func records(_ t: TestApp, token: String, customerID: Int, name: String) async throws {
        let (status, body) = try await call(
            t, .POST, "/api/v1/complaints", token: token,
            [
                "customerID": .number(Double(customerID)), "channel": "phone", "description": .string("\(name)投诉物业服务"),
                "demands": .string("\(name)要求赔偿"),
                "category": "property_site", "severity": "normal",
            ])
        #expect(status == .created, "\(body)")
        let complaint = try decode(body)
        let (told, toldBody) = try await call(
            t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: token,
            [
                "kind": "outcome", "channel": "phone", "content": .string("已告知\(name)处理结果"), "customerAccepts": false,
                "version": .number(Double(complaint.version)),
            ])
        #expect(told == .created, "\(toldBody)")
        let resolved = try decode(toldBody)
        #expect(
            try await call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: token,
                ["step": "reopen", "reason": .string("\(name)不接受"), "version": .number(Double(resolved.version))]
            ).0 == .ok)
        // A second complaint, closed, with its satisfaction survey answered.
        let (_, secondBody) = try await call(
            t, .POST, "/api/v1/complaints", token: token,
            [
                "customerID": .number(Double(customerID)), "channel": "visit", "description": .string("\(name)投诉接待"),
                "category": "service_attitude", "severity": "normal",
            ])
        var second = try decode(secondBody)
        second = try decode(
            try await call(
                t, .POST, "/api/v1/complaints/\(second.id)/updates", token: token,
                [
                    "kind": "outcome", "channel": "phone", "content": "已致歉", "customerAccepts": true,
                    "version": .number(Double(second.version)),
                ]
            ).1)
        second = try decode(
            try await call(
                t, .POST, "/api/v1/complaints/\(second.id)/steps", token: token,
                ["step": "close", "version": .number(Double(second.version))]
            ).1)
        let row = try #require(try await ComplaintStore(database: t.app.db).find(second.id))
        let surveys = SurveyStore(database: t.app.db)
        let issued = try await surveys.issue(
            forComplaint: row, baseURL: nil, expiryDays: 14, localizer: t.app.kefu.localizer,
            context: .console(now: t.clock.clock.now))
        let survey = try #require(try await surveys.find(token: String(issued.link.split(separator: "/").last ?? "")))
        #expect(
            try await surveys.answer(
                survey, SurveyAnswer(score: 4, resolved: true, comment: "\(name)觉得处理及时"), now: t.clock.clock.now)
                == .open)
    }

    static func get(_ t: TestApp, _ id: Int, token: String) async throws -> DTO {
        let (status, body) = try await call(t, .GET, "/api/v1/complaints/\(id)", token: token)
        #expect(status == .ok, "\(body)")
        return try decode(body)
    }

    static func legalDepartment(_ t: TestApp) async throws -> Int {
        try await t.app.db.sql().raw("SELECT id FROM departments WHERE code = 'legal'").first()!.decode(
            column: "id", as: Int.self)
    }

    static func counts(_ t: TestApp, _ id: Int) async throws -> [Int] {
        let sql = try t.app.db.sql()
        return [
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM timeline_entries WHERE record_type = 'complaint' AND record_id = \(bind: id)"
            ).first()!.decode(column: "n", as: Int.self),
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM audit_entries WHERE record_type LIKE 'complaint%' AND action <> 'auth.permission_denied'"
            ).first()!.decode(column: "n", as: Int.self),
            try await sql.raw("SELECT version FROM complaints WHERE id = \(bind: id)").first()!.decode(
                column: "version", as: Int.self),
            try await sql.raw("SELECT COUNT(*) AS n FROM complaint_forwards").first()!.decode(
                column: "n", as: Int.self),
            try await sql.raw("SELECT COUNT(*) AS n FROM complaint_updates").first()!.decode(column: "n", as: Int.self),
        ]
    }

    @Test(
        "the whole flow on both databases: filed, forwarded, answered by the liaison, the customer told, closed",
        arguments: TestDatabase.available)
    func flow(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            var complaint = try await Self.file(t, token: lina)
            #expect(complaint.number == "TS-2026-000001")
            #expect(complaint.state == "received")
            // Normal: 8 working hours for the first response from Monday 09:00.
            #expect(complaint.remainingWorkingMinutes == 8 * 60)
            #expect(complaint.deadlines.map(\.target) == ["first_response", "update", "resolution"])
            // Not forwarded yet: the 法务部 liaison may not see it.
            #expect(try await Self.call(t, .GET, "/api/v1/complaints/\(complaint.id)", token: liaison).0 == .forbidden)
            let legal = try await Self.legalDepartment(t)
            var (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请核实物业合同中清运条款并出具意见", "dueAt": "2026-12-02T17:00",
                    "needsContact": true, "version": .number(Double(complaint.version)),
                ])
            #expect(status == .created, "\(body)")
            complaint = try Self.decode(body)
            #expect(complaint.state == "in_progress")
            #expect(complaint.deadlines.map(\.target) == ["update", "resolution"])
            // The liaison's inbox holds it; the complaint is now readable to them.
            let (_, inbox) = try await Self.call(t, .GET, "/api/v1/complaint-forwards", token: liaison)
            #expect(inbox.contains(complaint.number))
            #expect(try await Self.call(t, .GET, "/api/v1/complaints/\(complaint.id)", token: liaison).0 == .ok)
            let forward = try #require(complaint.forwards?.first)
            // Resolving before the department answered is refused.
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: lina,
                [
                    "kind": "outcome", "channel": "phone", "content": "已处理", "customerAccepts": true,
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("还有部门未回复"))
            // The contact details: the request needs them, and reading them is audited.
            let (contactStatus, contact) = try await Self.call(
                t, .GET, "/api/v1/complaint-forwards/\(forward.id)/contact", token: liaison)
            #expect(contactStatus == .ok)
            #expect(contact.contains("13912345678"))
            #expect(try await t.auditEntries("complaint.contact_revealed").count == 1)
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaint-forwards/\(forward.id)/answer", token: liaison,
                [
                    "answer": "合同第七条约定物业每周清运，已责令物业三日内清理。", "version": .number(Double(forward.version)),
                ])
            #expect(status == .ok, "\(body)")
            complaint = try await Self.get(t, complaint.id, token: lina)
            #expect(complaint.forwards?.first?.status == "answered")
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: lina,
                [
                    "kind": "progress", "channel": "phone", "content": "已转法务部核实合同条款，物业三日内清理。",
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .created, "\(body)")
            complaint = try Self.decode(body)
            #expect(complaint.lastToldAt != nil)
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: lina,
                [
                    "kind": "outcome", "channel": "wechat", "content": "垃圾已清理完毕，物业公司已书面道歉。", "customerAccepts": true,
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .created, "\(body)")
            complaint = try Self.decode(body)
            #expect(complaint.state == "resolved")
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
                ["step": "close", "version": .number(Double(complaint.version))])
            #expect(status == .ok, "\(body)")
            complaint = try Self.decode(body)
            #expect(complaint.state == "closed")
            #expect(complaint.deadlines.isEmpty)
            // Every step is on the customer's timeline.
            let kinds = try await t.app.db.sql().raw(
                """
                SELECT kind FROM timeline_entries WHERE customer_id = \(bind: complaint.customerID) AND record_type = 'complaint' ORDER BY id
                """
            ).all().map { try $0.decode(column: "kind", as: String.self) }
            #expect(
                kinds == [
                    "complaint_received", "complaint_forwarded", "complaint_answered", "complaint_update",
                    "complaint_update", "complaint_state",
                ])
        }
    }

    @Test("closing without telling the customer the outcome is refused, and nothing changes")
    func closeRefused() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let complaint = try await Self.file(t, token: lina)
            let before = try await Self.counts(t, complaint.id)
            let (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
                ["step": "close", "version": .number(Double(complaint.version))])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("\"state\":\"尚未告知客户处理结果，不能关闭。\""), "\(body)")
            #expect(try await Self.counts(t, complaint.id) == before)
            #expect(try await Self.get(t, complaint.id, token: lina).state == "received")
            // Told, but the customer does not accept: closing is refused, reopening works.
            var (s2, b2) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: lina,
                [
                    "kind": "outcome", "channel": "phone", "content": "已协调物业清理。", "customerAccepts": false,
                    "version": .number(Double(complaint.version)),
                ])
            #expect(s2 == .created, "\(b2)")
            let told = try Self.decode(b2)
            let afterTold = try await Self.counts(t, complaint.id)
            (s2, b2) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
                ["step": "close", "version": .number(Double(told.version))])
            #expect(s2 == .unprocessableEntity)
            #expect(b2.contains("\"acceptance\":\"客户尚未接受处理结果"))
            #expect(try await Self.counts(t, complaint.id) == afterTold)
            (s2, b2) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
                ["step": "reopen", "reason": "客户认为清理不彻底", "version": .number(Double(told.version))])
            #expect(s2 == .ok, "\(b2)")
            let reopened = try Self.decode(b2)
            #expect(reopened.state == "in_progress")
            #expect(reopened.reopenCount == 1)
            #expect(reopened.outcomeToldAt == nil)
        }
    }

    @Test(
        "bad input is refused and nothing changes: no due date, a due date in the past, a stale version, an unknown category"
    )
    func badInput() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let complaint = try await Self.file(t, token: lina)
            let legal = try await Self.legalDepartment(t)
            let before = try await Self.counts(t, complaint.id)
            var (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请核实",
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("\"dueAt\":\"请填写部门办理期限。\""), "\(body)")
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请核实", "dueAt": "2026-11-29T10:00",
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("\"dueAt\":\"办理期限必须晚于现在。\""))
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请核实", "dueAt": "2026-12-03T10:00",
                    "version": .number(Double(complaint.version + 5)),
                ])
            #expect(status == .conflict)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
                ["step": "fly", "version": .number(Double(complaint.version))])
            #expect(status == .unprocessableEntity)
            #expect(try await Self.counts(t, complaint.id) == before)
            let customerCount = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM complaints").first()!.decode(
                column: "n", as: Int.self)
            (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints", token: lina,
                [
                    "customerID": .number(Double(complaint.customerID)), "channel": "phone", "description": "x",
                    "category": "weather", "severity": "huge",
                ])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("\"category\"") && body.contains("\"severity\""))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM complaints").first()!.decode(
                    column: "n", as: Int.self) == customerCount)
        }
    }

    @Test(
        "route walk: a liaison acts only on what was forwarded to their department; another specialist's complaint is refused"
    )
    func accessLimits() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist), zhang = try await t.token(.administrator),
                liaison = try await t.token(.liaison)
            let complaint = try await Self.file(t, token: lina)
            // Forwarded to 客服部 (not the liaison's 法务部).
            let customerService = try await t.app.db.sql().raw(
                "SELECT id FROM departments WHERE code = 'customer_service'"
            ).first()!.decode(column: "id", as: Int.self)
            let (status, body) = try await Self.call(
                t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
                [
                    "departmentID": .number(Double(customerService)), "request": "请回访", "dueAt": "2026-12-03T10:00",
                    "needsContact": false,
                    "version": .number(Double(complaint.version)),
                ])
            #expect(status == .created, "\(body)")
            let forwardID = try #require(try Self.decode(body).forwards?.first?.id)
            let before = try await Self.counts(t, complaint.id)
            let denialsBefore = try await t.auditEntries("auth.permission_denied").count
            #expect(try await Self.call(t, .GET, "/api/v1/complaints/\(complaint.id)", token: liaison).0 == .forbidden)
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/complaint-forwards/\(forwardID)/answer", token: liaison,
                    ["answer": "越权回复", "version": 1]
                ).0 == .forbidden)
            #expect(
                try await Self.call(t, .GET, "/api/v1/complaint-forwards/\(forwardID)/contact", token: liaison).0
                    == .forbidden)
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: liaison,
                    ["step": "start", "version": 2]
                ).0 == .forbidden)
            let (_, inbox) = try await Self.call(t, .GET, "/api/v1/complaint-forwards", token: liaison)
            #expect(inbox == "[]")
            let (_, list) = try await Self.call(t, .GET, "/api/v1/complaints", token: liaison)
            #expect(!list.contains(complaint.number))
            #expect(try await t.auditEntries("auth.permission_denied").count > denialsBefore)
            // The administrator keeps accounts, not complaints.
            #expect(try await Self.call(t, .GET, "/api/v1/complaints/\(complaint.id)", token: zhang).0 == .forbidden)
            // Another specialist may read the list of their own only and not act on 李娜's complaint.
            let other = try await TestApp.tokenFor(t, "zhangwei")
            #expect(
                try await Self.call(
                    t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: other, ["step": "start", "version": 2]
                ).0 == .forbidden)
            let (_, otherList) = try await Self.call(t, .GET, "/api/v1/complaints", token: other)
            #expect(!otherList.contains(complaint.number))
            #expect(try await Self.counts(t, complaint.id) == before)
        }
    }

    static func events(_ t: TestApp, _ username: String) async throws -> [String] {
        let staffID = try await t.staff(username).requireID()
        return try await t.app.db.sql().raw(
            "SELECT event FROM notifications WHERE staff_id = \(bind: staffID) ORDER BY id"
        ).all()
            .map { try $0.decode(column: "event", as: String.self) }
    }

    @Test("the escalation ladder with a fixed clock: each notification once, none outside working hours")
    func escalation() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            // Urgent: the supervisor hears at once; 2 working hours for the first response from Monday 09:00.
            let urgent = try await Self.file(t, token: lina, severity: "urgent")
            for _ in 0..<3 { try await ComplaintEscalation.scan(app: t.app, now: t.clock.clock.now) }
            #expect(try await Self.events(t, "wangjing") == ["complaint.received"])
            #expect(try await Self.events(t, "lina").isEmpty)
            // 10:30 — 75 % of the first response used: the specialist is warned, once.
            for _ in 0..<2 {
                try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(90 * 60))
            }
            #expect(try await Self.events(t, "lina") == ["complaint.warning"])
            // 11:00 — the first response missed: the supervisor, once.
            for _ in 0..<2 {
                try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(120 * 60))
            }
            #expect(try await Self.events(t, "wangjing") == ["complaint.received", "complaint.escalated"])
            // 150 % of the first response (3 h) is reached at 12:00, lunch: nothing goes out at 12:30; at 14:00 leadership hears.
            try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(210 * 60))
            #expect(try await Self.events(t, "zhaoguoqiang").isEmpty)
            for _ in 0..<2 {
                try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(300 * 60))
            }
            #expect(try await Self.events(t, "zhaoguoqiang").filter { $0 == "complaint.escalated" }.count >= 1)
            let leadership = try await Self.events(t, "zhaoguoqiang")
            try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(305 * 60))
            #expect(try await Self.events(t, "zhaoguoqiang") == leadership)
            #expect(try await Self.get(t, urgent.id, token: lina).escalationLevel == 3)
            // 21:00 the same day: outside working time, nothing at all.
            let total = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM notifications").first()!.decode(
                column: "n", as: Int.self)
            try await ComplaintEscalation.scan(app: t.app, now: testStart.addingTimeInterval(12 * 3600))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM notifications").first()!.decode(
                    column: "n", as: Int.self) == total)
        }
    }
}

extension TestApp {
    /// A personal API token for any seeded account by username.
    static func tokenFor(_ t: TestApp, _ username: String) async throws -> String {
        let staff = try await t.staff(username)
        let (_, plain) = try await APITokenStore(database: t.app.db).create(
            for: try staff.requireID(), name: "test", context: .console(now: t.clock.clock.now))
        return plain
    }
}
