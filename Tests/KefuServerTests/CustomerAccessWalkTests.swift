import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Walks every customer, privacy and import route instead of listing them by hand, so a route added
/// later is held to the same rules (issue 3: "for every customer route …").
@Suite("Every customer route refuses who must not reach it")
struct CustomerAccessWalkTests {
    static let prefixes = [
        "api/v1/customers", "customers", "api/v1/sharing-requests", "sharing-requests", "api/v1/follow-ups",
        "follow-ups",
        "api/v1/projects", "projects", "api/v1/inquiries", "inquiries", "api/v1/contracts", "contracts",
        "api/v1/obligations", "obligations",
        "api/v1/payments", "payments", "api/v1/procedures", "procedures",
    ]

    func customerRoutes(_ app: Application) -> [Route] {
        app.routes.all.filter { route in Self.prefixes.contains { route.path.string.hasPrefix($0) } }
    }

    func path(_ route: Route, id: Int) -> String {
        "/"
            + route.path.map { component -> String in
                switch component {
                case .parameter: return String(id)
                default: return component.description
                }
            }.joined(separator: "/")
    }

    @Test("the administrator (no customer data by default) is refused on every customer route")
    func administrator() async throws {
        try await withApp { t in
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let token = try await t.token(.administrator)
            let browser = try await t.signIn(.administrator)
            let routes = customerRoutes(t.app)
            #expect(routes.count >= 30)
            for route in routes {
                let target = path(route, id: customer.id)
                try await t.app.testing().test(
                    route.method, target,
                    beforeRequest: { req in
                        if target.hasPrefix("/api/") {
                            req.bearer(token)
                        } else {
                            req.headers.cookie = browser.cookies
                            req.headers.replaceOrAdd(name: "X-CSRF-Token", value: browser.csrf)
                        }
                    }
                ) { res async throws in
                    #expect(res.status == .forbidden, "administrator reached \(route.method) \(target): \(res.status)")
                }
            }
        }
    }

    @Test("a specialist is refused on every route that acts on records they do not own")
    func colleague() async throws {
        try await withApp { t in
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            // A contract of the customer's specialist with the same id, so the contract routes find a record to refuse.
            let contract = try await ContractTests.draft(
                t, token: try await t.token(.specialist), name: "王芳", mobile: "13900001111")
            #expect(contract.id == customer.id)
            #expect(
                try await ObligationTests.addObligation(
                    t, contractID: contract.id, token: try await t.token(.specialist), title: "提交季度经营报告"
                ).id == customer.id)
            #expect(
                try await ProcedureTests.start(t, customerID: customer.id, token: try await t.token(.specialist)).id
                    == customer.id)
            let token = try await staffToken(t, "zhangwei")
            let browser = try await t.signIn("zhangwei")
            var checked = 0
            // Sharing-request routes take a request's id, not a customer's; the release test covers them.
            // Routes without a record in the path are lists of the caller's own (tested per part);
            // a follow-up's completion and the inquiry routes take their own ids (FrontLineTests and
            // InquiryTests cover a colleague there).
            for route in customerRoutes(t.app)
            where !route.path.string.contains("sharing-requests/:id")
                && route.path.contains(where: { if case .parameter = $0 { true } else { false } })
                && !route.path.string.contains(":followUpID")
                && !route.path.string.hasPrefix("inquiries") && !route.path.string.hasPrefix("api/v1/inquiries")
            {
                guard case .action(let action)? = route.permission,
                    AccessPolicy.allows(.specialist, action),
                    !AccessPolicy.scopes(of: .specialist, for: action).contains(.any)
                else { continue }
                let target = path(route, id: customer.id)
                try await t.app.testing().test(
                    route.method, target,
                    beforeRequest: { req in
                        if target.hasPrefix("/api/") {
                            req.bearer(token)
                            try req.content.encode(["version": "1"])
                        } else {
                            req.headers.cookie = browser.cookies
                            try req.content.encode(["_csrf": browser.csrf, "version": "1"], as: .urlEncodedForm)
                        }
                    }
                ) { res async throws in
                    #expect(res.status == .forbidden, "a colleague reached \(route.method) \(target): \(res.status)")
                }
                checked += 1
            }
            #expect(checked >= 6)
        }
    }
}
