import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Every route × every role, generated from the routes' permission stamps and the access policy
/// (issue 9 "Tests that must exist"): no hand-kept list of prefixes, so a route a new part adds is
/// walked the day it lands. A refusal changes no record of any kind.
@Suite("Route walk: every route, every role, records of another owner")
struct RouteWalkTests {
    /// The path with every parameter replaced by `id`.
    static func path(_ route: Route, id: String) -> String {
        "/"
            + route.path.map { component -> String in
                if case .parameter = component { return id }
                return component.description
            }.joined(separator: "/")
    }

    static func hasParameter(_ route: Route) -> Bool {
        route.path.contains { if case .parameter = $0 { true } else { false } }
    }

    /// Sends the request as the person, with a body that would pass a form's CSRF check and carry a version.
    static func send(_ t: TestApp, _ route: Route, _ target: String, token: String, browser: Browser) async throws
        -> HTTPStatus
    {
        var status = HTTPStatus.ok
        try await t.app.testing().test(
            route.method, target,
            beforeRequest: { req in
                if target.hasPrefix("/api/") {
                    req.bearer(token)
                    if route.method != .GET { try req.content.encode(["version": "1"]) }
                } else {
                    req.headers.cookie = browser.cookies
                    if route.method != .GET {
                        try req.content.encode(["_csrf": browser.csrf, "version": "1"], as: .urlEncodedForm)
                    }
                }
            }
        ) { res async throws in status = res.status }
        return status
    }

    /// The row count and the latest change of every table of every record kind and mechanism: what no
    /// refused request may move.
    static func records(_ t: TestApp) async throws -> [String: String] {
        let sql = try t.app.db.sql()
        var state: [String: String] = [:]
        for kind in RecordKinds.ownedByCustomers {
            let row = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: kind.table)").first()
            state[kind.table] = String(try row?.decode(column: "n", as: Int.self) ?? -1)
        }
        let versions = try await sql.raw("SELECT COALESCE(SUM(version), 0) AS v FROM customers").first()
        state["customers.version"] = String(try versions?.decode(column: "v", as: Int.self) ?? -1)
        return state
    }

    @Test("every route a role may not use answers 403 to that role, pages and API alike, and changes nothing")
    func everyRouteEveryRole() async throws {
        try await withApp { (t: TestApp) in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let before = try await Self.records(t)
            var walked = 0
            for role in Role.allCases {
                let token = try await t.token(role), browser = try await t.signIn(role)
                for route in t.app.routes.all {
                    guard case .action(let action)? = route.permission, !AccessPolicy.allows(role, action) else {
                        continue
                    }
                    let target = Self.path(route, id: String(customer.id))
                    let status = try await Self.send(t, route, target, token: token, browser: browser)
                    #expect(
                        status == .forbidden,
                        "\(role) reached \(route.method) \(target) (\(action.rawValue)): \(status)")
                    walked += 1
                }
            }
            #expect(walked > 100, "walked \(walked)")
            #expect(try await Self.records(t) == before)
        }
    }

    @Test("a specialist and a liaison are refused on every route that names a record of another owner")
    func recordsOfAnotherOwner() async throws {
        try await withApp { (t: TestApp) in
            let lina = try await t.token(.specialist)
            // One record of each kind lina keeps, each the first of its table, so every parameter can be 1.
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let contract = try await ContractTests.draft(t, token: lina, name: "王芳", mobile: "13900001111")
            let obligation = try await ObligationTests.addObligation(
                t, contractID: contract.id, token: lina, title: "提交季度经营报告")
            let procedure = try await ProcedureTests.start(t, customerID: customer.id, token: lina)
            let ids: [Int] = [customer.id, contract.id, obligation.id, procedure.id]
            #expect(ids == [1, 1, 1, 1])
            let before = try await Self.records(t)
            var walked = 0
            for username in ["zhangwei", TestApp.usernames[.liaison]!] {
                let token = try await staffToken(t, username), browser = try await t.signIn(username)
                let role: Role = username == "zhangwei" ? .specialist : .liaison
                for route in t.app.routes.all where Self.hasParameter(route) {
                    guard case .action(let action)? = route.permission, AccessPolicy.allows(role, action),
                        !AccessPolicy.scopes(of: role, for: action).contains(.any)
                    else { continue }
                    let target = Self.path(route, id: "1")
                    let status = try await Self.send(t, route, target, token: token, browser: browser)
                    #expect(
                        status == .forbidden || status == .notFound,
                        "\(username) reached \(route.method) \(target) (\(action.rawValue)): \(status)")
                    walked += 1
                }
            }
            #expect(walked >= 20, "walked \(walked)")
            #expect(try await Self.records(t) == before)
        }
    }
}
