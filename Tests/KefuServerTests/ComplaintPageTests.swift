import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13: the complaint pages — intake with the apology script, the list with the time left,
/// forwarding refused at the field with what was typed kept, the liaison's inbox and answer.
@Suite("Complaint pages: intake, list, forwarding, inbox (R3.5)")
struct ComplaintPageTests {
    @Test(
        "intake on the page, the list shows the time left, a past due time stays at its field, the liaison answers in the inbox"
    )
    func pages() async throws {
        try await withApp { t in
            let lina = try await t.signIn(.specialist)
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "周建华", "companyName": "周建华的光电有限公司", "mobile": "13712345678"])
            try await t.app.testing().test(
                .GET, "/complaints/new?customer=\(customer.id)", beforeRequest: { req in lina.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("非常抱歉给您带来了不便"))
                #expect(res.body.string.contains("周建华"))
            }
            // Without a description: refused at the field, the choices kept.
            try await t.app.testing().test(
                .POST, "/complaints",
                beforeRequest: { req in
                    try req.form(
                        [
                            "customerID": String(customer.id), "channel": "visit", "category": "service_attitude",
                            "severity": "major", "description": "",
                        ], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("id=\"description-error\""))
            }
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM complaints").first()!.decode(
                    column: "n", as: Int.self) == 0)
            var location = ""
            try await t.app.testing().test(
                .POST, "/complaints",
                beforeRequest: { req in
                    try req.form(
                        [
                            "customerID": String(customer.id), "channel": "visit", "category": "service_attitude",
                            "severity": "major",
                            "description": "前台接待态度冷淡，未告知办事流程。", "acknowledged": "on", "apologised": "on",
                        ], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                location = res.headers.first(name: .location) ?? ""
            }
            #expect(location.hasPrefix("/complaints/"))
            try await t.app.testing().test(.GET, "/complaints", beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.body.string.contains("TS-2026-000001"))
                // Major: 4 working hours for the first response from Monday 09:00.
                #expect(res.body.string.contains("4 小时 0 分"))
            }
            try await t.app.testing().test(.GET, location, beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("前台接待态度冷淡"))
            }
            let version = try await t.app.db.sql().raw("SELECT version FROM complaints").first()!.decode(
                column: "version", as: Int.self)
            let legal = try await ComplaintTests.legalDepartment(t)
            try await t.app.testing().test(
                .POST, location + "/forwards",
                beforeRequest: { req in
                    try req.form(
                        [
                            "departmentID": String(legal), "request": "请法务部确认服务规范条款", "dueAt": "2026-11-01 10:00",
                            "version": String(version),
                        ], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("id=\"dueAt-error\""))
                #expect(res.body.string.contains("请法务部确认服务规范条款"))
            }
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM complaint_forwards").first()!.decode(
                    column: "n", as: Int.self) == 0)
            try await t.app.testing().test(
                .POST, location + "/forwards",
                beforeRequest: { req in
                    try req.form(
                        [
                            "departmentID": String(legal), "request": "请法务部确认服务规范条款", "dueAt": "2026-12-02 17:00",
                            "version": String(version),
                        ], browser: lina)
                }
            ) { res async throws in #expect(res.status == .seeOther) }
            let liaison = try await t.signIn(.liaison)
            var forwardID = 0
            try await t.app.testing().test(.GET, "/complaint-inbox", beforeRequest: { req in liaison.apply(to: &req) })
            { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("请法务部确认服务规范条款"))
            }
            forwardID = try await t.app.db.sql().raw("SELECT id FROM complaint_forwards").first()!.decode(
                column: "id", as: Int.self)
            try await t.app.testing().test(
                .POST, "/complaint-inbox/\(forwardID)/answer",
                beforeRequest: { req in
                    try req.form(["answer": "", "version": "1"], browser: liaison)
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
            try await t.app.testing().test(
                .POST, "/complaint-inbox/\(forwardID)/answer",
                beforeRequest: { req in
                    try req.form(["answer": "服务规范第三条要求主动告知流程，已通报前台。", "version": "1"], browser: liaison)
                }
            ) { res async throws in #expect(res.status == .seeOther) }
            #expect(
                try await t.app.db.sql().raw("SELECT status FROM complaint_forwards").first()!.decode(
                    column: "status", as: String.self) == "answered")
            // The liaison's page is read-only: no forwarding or update forms.
            try await t.app.testing().test(.GET, location, beforeRequest: { req in liaison.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("id=\"forward-form\""))
            }
        }
    }
}
