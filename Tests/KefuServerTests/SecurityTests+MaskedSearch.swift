import Fluent
import Foundation
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 11 #2: a viewer who sees a field masked learns no more of it than the mask shows.
extension SecurityTests {
    // MARK: - #2 masked contact details

    /// A file of 张伟's with contact details the others see masked.
    static func hiddenCustomer(_ t: TestApp) async throws -> CustomerDTO {
        let zhangwei = try await t.staff("zhangwei")
        let (_, token) = try await APITokenStore(database: t.app.db).create(
            for: try zhangwei.requireID(), name: "t", context: .console(now: testStart))
        var input = CustomerInput()
        input.kind = "company"
        input.name = "王先锋"
        input.companyName = "上海浦江科技有限公司"
        input.mobile = "13912344780"
        input.email = "wxfsecret@example.com"
        input.wechatID = "wxf9527abc"
        input.source = "phone"
        input.industries = ["technology"]
        var created: CustomerDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/customers",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(input)
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            created = try? res.content.decode(CustomerDTO.self)
        }
        return try #require(created)
    }

    static func total(_ t: TestApp, token: String, query: String) async throws -> Int {
        var total = -1
        try await t.app.testing().test(
            .GET, "/api/v1/customers?q=" + encodeAll(query), beforeRequest: { req in req.bearer(token) }
        ) { res async throws in
            #expect(res.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as? [String: Any]
            total = (json?["items"] as? [Any])?.count ?? -1
        }
        return total
    }

    @Test("#2 every role that sees a file masked finds nothing through search beyond what the mask shows")
    func maskedSearch() async throws {
        try await withApp { t in
            _ = try await Self.hiddenCustomer(t)
            let probes = [
                "13912344780", "139 1234 4780", "+86 139-1234-4780", "wxfsecret@example.com", "wxfsecret@", "w@",
                "wxf9527abc", "wxf9527",
                "wxf9", "wxfs", "wxfsecret", "王先锋 wxf9", "浦江 wxfsec", "example", "9527",
            ]
            for role in [Role.specialist, .leadership, .liaison] {
                let token = try await t.token(role)
                for probe in probes {
                    #expect(
                        try await Self.total(t, token: token, query: probe) == 0, "\(role) found the file by \(probe)")
                }
            }
            // What the mask shows still finds it, for those who may list it…
            for role in [Role.specialist, .leadership] {
                let token = try await t.token(role)
                #expect(try await Self.total(t, token: token, query: "4780") == 1)
                #expect(try await Self.total(t, token: token, query: "王先锋") == 1)
                #expect(try await Self.total(t, token: token, query: "浦江科技") == 1)
            }
            // …and those who see the details find it by them.
            let supervisor = try await t.token(.supervisor)
            for probe in ["13912344780", "wxfsecret@", "wxf9527", "王先锋 wxf9"] {
                #expect(
                    try await Self.total(t, token: supervisor, query: probe) == 1,
                    "the supervisor did not find \(probe)")
            }
        }
    }

    @Test(
        "#2 the duplicate check says whose file a whole number is on, never its details; audited and limited per person"
    )
    func duplicateCheck() async throws {
        try await withApp { t in
            let customer = try await Self.hiddenCustomer(t)
            let lina = try await t.token(.specialist)
            try await t.app.testing().test(
                .GET, "/api/v1/customers/duplicates?mobile=13912344780", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .ok)
                let matches = try res.content.decode([DuplicateMatch].self)
                #expect(matches.map(\.id) == [customer.id])
                #expect(matches.first?.responsibleName == "张伟")
                #expect(!res.body.string.contains("13912344780") && !res.body.string.contains("wxf"))
            }
            let audit = try await t.auditEntries("customer.duplicate_checked")
            #expect(audit.count == 1)
            #expect(
                audit.first?.messageArgs.contains("139****4780") == true
                    && audit.first?.messageArgs.contains("13912344780") == false
                    && audit.first?.detail.contains("13912344780") == false)
            for index in 1..<DuplicateCheck.limit.limit {
                try await t.app.testing().test(
                    .GET, "/api/v1/customers/duplicates?mobile=1391234\(String(format: "%04d", index))",
                    beforeRequest: { req in
                        req.bearer(lina)
                    }
                ) { res async throws in #expect(res.status == .ok) }
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/duplicates?mobile=13912344780", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                #expect(res.status == .tooManyRequests)
                #expect(res.headers.first(name: "Retry-After") != nil)
                #expect(!res.body.string.contains("张伟"))
            }
            #expect(try await t.auditEntries("customer.duplicate_checked").count == DuplicateCheck.limit.limit)
            // Another person has their own allowance.
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .GET, "/api/v1/customers/duplicates?mobile=13912344780",
                beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(res.status == .ok)
            }
        }
    }
}
