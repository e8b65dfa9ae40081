import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Procedures after signing (issue 12 §8): business and tax registration as step lists with guidance,
/// steps in order, the customer's file showing where each stands.
@Suite("Procedures: step lists with guidance, in order (R3.4)")
struct ProcedureTests {
    @discardableResult
    static func start(_ t: TestApp, customerID: Int, token: String, type: String = "business_registration") async throws
        -> ProcedureDTO
    {
        var dto: ProcedureDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(customerID)/procedures",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(ProcedureStore.StartInput(type: type, contractID: nil))
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            dto = try? res.content.decode(ProcedureDTO.self)
        }
        return try #require(dto)
    }

    @Test(
        "business registration: steps with guidance, done only in order, stale versions refused, colleagues kept out, shown on the file"
    )
    func businessRegistration() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州王氏贸易有限公司", "mobile": "13900001111"])
            let procedure = try await Self.start(t, customerID: customer.id, token: lina)
            #expect(procedure.standing == "not_started")
            #expect(procedure.steps.first?.name == "企业名称自主申报")
            #expect(procedure.steps.first?.guidance.contains("备选名称") == true)
            #expect(procedure.steps.first?.isCurrent == true)
            // One of each type.
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/customers/\(customer.id)/procedures", token: lina,
                    ["type": "business_registration"]
                ).0
                    == .unprocessableEntity)
            let second = procedure.steps[1], first = procedure.steps[0]
            // Done out of order: refused.
            var result = try await ContractTests.call(
                t, .PATCH, "/api/v1/procedures/\(procedure.id)/steps/\(second.id)", token: lina,
                ["status": "done", "version": .number(Double(second.version))])
            #expect(result.0 == .unprocessableEntity)
            result = try await ContractTests.call(
                t, .PATCH, "/api/v1/procedures/\(procedure.id)/steps/\(first.id)", token: lina,
                ["status": "done", "note": "名称已通过", "version": 9])
            #expect(result.0 == .conflict)
            result = try await ContractTests.call(
                t, .PATCH, "/api/v1/procedures/\(procedure.id)/steps/\(first.id)", token: lina,
                ["status": "done", "note": "名称已通过", "version": .number(Double(first.version))])
            #expect(result.0 == .ok, "\(result.1)")
            #expect(result.1.contains("\"standing\":\"in_progress\""))
            // A colleague may not touch it.
            let zhangwei = try await staffToken(t, "zhangwei")
            #expect(
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/procedures/\(procedure.id)/steps/\(second.id)", token: zhangwei,
                    ["status": "in_progress", "version": .number(Double(second.version))]
                ).0 == .forbidden)
            // The page shows where it stands; the file links to it.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id)/procedures", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("办理中") && res.body.string.contains("名称已通过"))
            }
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("/customers/\(customer.id)/procedures"))
            }
            #expect(try await t.auditEntries("procedure.step_updated").count == 1)
            let kinds = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM timeline_entries WHERE kind = 'procedure'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(kinds == 2)
        }
    }
}
