import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13 §6, R1.3: feedback and suggestions — recorded, forwarded to the responsible department,
/// chased, answered by that department's liaison only, closed, listed on the project. Every refusal
/// leaves the feedback, the timeline and the audit log as they were.
@Suite("Feedback and suggestions: forwarding, the liaison's answer, the project (issue 13)")
struct FeedbackTests {
    typealias DTO = FeedbackAPIController.FeedbackDTO

    static func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        try ReturnVisitTests.decode(type, body)
    }

    /// A suggestion about a new project from 李娜's customer; answers it and the project's id.
    static func file(_ t: TestApp, token: String) async throws -> (DTO, Int) {
        let customer = try await createCustomer(
            t, token: token, ["name": "陈晓东", "companyName": "陈晓东的精密制造有限公司", "mobile": "13912345678"])
        let project = try await FrontLineTests().createProject(
            t, try await t.token(.supervisor),
            FrontLineTests().project(
                "P-0001", "苏州工业园 A 区", industries: ["technology"], city: "苏州", min: "100", max: "900"))
        let (status, body) = try await ContractTests.call(
            t, .POST, "/api/v1/feedback", token: token,
            [
                "customerID": .number(Double(customer.id)), "kind": "suggestion", "topic": "project",
                "projectID": .number(Double(project.id)),
                "content": "建议项目介绍材料增加交通配套说明",
            ])
        #expect(status == .created, "\(body)")
        return (try decode(DTO.self, body), project.id)
    }

    static func department(_ t: TestApp, _ code: String) async throws -> Int {
        try await t.app.db.sql().raw("SELECT id FROM departments WHERE code = \(bind: code)").first()!.decode(
            column: "id", as: Int.self)
    }

    @Test(
        "recorded, forwarded, chased, answered by the department's liaison, closed; on the project's list",
        arguments: TestDatabase.available)
    func flow(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            var (feedback, projectID) = try await Self.file(t, token: lina)
            #expect(
                feedback.number == "YJ-2026-000001" && feedback.state == "recorded" && feedback.projectID == projectID)
            var (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/forward", token: lina,
                [
                    "departmentID": .number(Double(try await Self.department(t, "legal"))), "request": "请核实并答复",
                    "dueAt": "2026-12-04T17:00",
                    "version": .number(Double(feedback.version)),
                ])
            #expect(status == .ok, "\(body)")
            feedback = try Self.decode(DTO.self, body)
            #expect(feedback.state == "forwarded" && feedback.departmentName == "法务部")
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/chase", token: lina,
                ["version": .number(Double(feedback.version))])
            #expect(status == .ok, "\(body)")
            feedback = try Self.decode(DTO.self, body)
            #expect(feedback.chasedAt != nil)
            #expect(try await ComplaintTests.events(t, "zhoumin") == ["feedback.forwarded", "feedback.chased"])
            let (_, inbox) = try await ContractTests.call(t, .GET, "/api/v1/feedback", token: liaison)
            #expect(try Self.decode(PageDTO<DTO>.self, inbox).items.map(\.id) == [feedback.id])
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/answer", token: liaison,
                ["response": "已更新项目资料", "version": .number(Double(feedback.version))])
            #expect(status == .ok, "\(body)")
            feedback = try Self.decode(DTO.self, body)
            #expect(feedback.state == "answered" && feedback.respondedBy == "周敏")
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/close", token: lina,
                ["version": .number(Double(feedback.version))])
            #expect(status == .ok, "\(body)")
            #expect(try Self.decode(DTO.self, body).state == "closed")
            let (_, onProject) = try await ContractTests.call(
                t, .GET, "/api/v1/feedback?project=\(projectID)", token: try await t.token(.supervisor))
            #expect(try Self.decode(PageDTO<DTO>.self, onProject).items.map(\.id) == [feedback.id])
            let kinds = try await t.app.db.sql().raw(
                "SELECT kind FROM timeline_entries WHERE customer_id = \(bind: feedback.customerID) AND record_type = 'feedback' ORDER BY id"
            )
            .all().map { try $0.decode(column: "kind", as: String.self) }
            #expect(kinds == ["feedback_recorded", "feedback_forwarded", "feedback_answered"])
        }
    }

    @Test(
        "forwarded without a department or with a past due date, a liaison of another department, a stale edit: refused, nothing changed"
    )
    func refusals() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            let (feedback, _) = try await Self.file(t, token: lina)
            let count = { (sql: SQLQueryString) in
                try await t.app.db.sql().raw(sql).first()!.decode(column: "n", as: Int.self)
            }
            let audits: SQLQueryString = "SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'feedback.%'"
            let before = (try await count(audits), try await count("SELECT COUNT(*) AS n FROM timeline_entries"))
            let path = "/api/v1/feedback/\(feedback.id)/forward"
            var (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina, ["request": "请答复", "dueAt": "2026-12-04T17:00", "version": 1])
            #expect(status == .unprocessableEntity && body.contains("departmentID"), "\(body)")
            let legal = try await Self.department(t, "legal"), management = try await Self.department(t, "management")
            (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请答复", "dueAt": "2026-11-01T17:00", "version": 1,
                ])
            #expect(status == .unprocessableEntity && body.contains("dueAt"), "\(body)")
            (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina,
                [
                    "departmentID": .number(Double(legal)), "request": "请答复", "dueAt": "2026-12-04T17:00", "version": 9,
                ])
            #expect(status == .conflict, "\(body)")
            // Not forwarded to the 法务部: its liaison neither sees nor answers it.
            #expect(
                try await ContractTests.call(t, .GET, "/api/v1/feedback/\(feedback.id)", token: liaison).0 == .forbidden
            )
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/feedback/\(feedback.id)/answer", token: liaison, ["response": "好", "version": 1]
                ).0 == .forbidden)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/feedback/\(feedback.id)/close",
                    token: try await ReturnVisitTests.token(t, "zhangwei"),
                    ["version": 1]
                ).0 == .forbidden)
            // The page keeps the request typed and shows the message at the due date.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .POST, "/feedback/\(feedback.id)/forward",
                beforeRequest: { req in
                    try req.form(
                        [
                            "departmentID": String(legal), "request": "请法务部核实合同条款", "dueAt": "2026-11-01 17:00",
                            "version": "1",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("id=\"dueAt-error\"") && res.body.string.contains("请法务部核实合同条款"))
            }
            let unchanged = try Self.decode(
                DTO.self, try await ContractTests.call(t, .GET, "/api/v1/feedback/\(feedback.id)", token: lina).1)
            #expect(unchanged.state == "recorded" && unchanged.version == 1 && unchanged.departmentID == nil)
            let afterAudits = try await count(audits),
                afterTimeline = try await count("SELECT COUNT(*) AS n FROM timeline_entries")
            #expect(afterAudits == before.0 && afterTimeline == before.1)
            // Forwarded to the leadership's department instead: still nothing for the 法务部's liaison.
            #expect(
                try await ContractTests.call(
                    t, .POST, path, token: lina,
                    [
                        "departmentID": .number(Double(management)), "request": "请领导批示", "dueAt": "2026-12-04T17:00",
                        "version": 1,
                    ]
                ).0 == .ok)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/feedback/\(feedback.id)/answer", token: liaison, ["response": "好", "version": 2]
                ).0 == .forbidden)
            let (_, inbox) = try await ContractTests.call(t, .GET, "/api/v1/feedback", token: liaison)
            #expect(try Self.decode(PageDTO<DTO>.self, inbox).items.isEmpty)
            // Closing while the department has not answered is refused.
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/close", token: lina, ["version": 2])
            #expect(status == .unprocessableEntity && body.contains("state"), "\(body)")
        }
    }
}
