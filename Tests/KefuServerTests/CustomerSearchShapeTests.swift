import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 18 §10: search shapes found wanting at a million customers (`bench/run_search.sh`).
@Suite("Customer search shapes (issue 18 §10)")
struct CustomerSearchShapeTests {
    func search(_ t: TestApp, _ query: String, token: String) async throws -> [String] {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? query
        var names: [String] = []
        try await t.app.testing().test(
            .GET, "/api/v1/customers?q=\(encoded)&perPage=100", beforeRequest: { req in req.bearer(token) }
        ) { res async throws in
            #expect(res.status == .ok)
            names = try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name).sorted()
        }
        return names
    }

    @Test(
        "a name with a mobile's last four digits finds the file whose name and mobile tail both match, as masked viewers see them too",
        arguments: TestDatabase.available)
    func nameAndLastFour(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "甲方科技有限公司", "mobile": "13800005678"])
            _ = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "乙方科技有限公司", "mobile": "13900001234"])
            _ = try await createCustomer(
                t, token: lina, ["name": "李娜", "companyName": "丙方物流有限公司", "mobile": "13700005678"])
            let supervisor = try await t.token(.supervisor)
            let before = try await search(t, "张伟", token: supervisor)
            #expect(before == ["张伟", "张伟"])
            for query in ["张伟 5678", "5678 张伟", "甲方 5678"] {
                #expect(try await search(t, query, token: supervisor) == ["张伟"], "\(query)")
            }
            #expect(try await search(t, "张伟 4321", token: supervisor).isEmpty)
            // A colleague sees the mobile masked as 138****5678: the last four are shown, so they may find by them.
            let colleague = try await staffToken(t, "zhangwei")
            #expect(try await search(t, "张伟 5678", token: colleague) == ["张伟"])
            // Four digits alone keep their meaning (a mobile tail or a short code number).
            #expect(try await search(t, "5678", token: supervisor) == ["张伟", "李娜"])
        }
    }

    @Test("the Chinese + four digits shape is recognised only as such")
    func nameAndLastFourShape() throws {
        let plain = try #require(CustomerQueries.nameAndLastFour("张伟 5678"))
        #expect(plain.name == "张伟" && plain.lastFour == "5678")
        let spaced = try #require(CustomerQueries.nameAndLastFour("  5678   浦江科技 "))
        #expect(spaced.name == "浦江科技" && spaced.lastFour == "5678")
        #expect(CustomerQueries.nameAndLastFour("5678").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("pujiang 5678").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("张伟 567").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("张伟 5678 1234").map { $0.name } == nil)
    }
}
