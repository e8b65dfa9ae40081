import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// S6 (issue 18 §2): concurrent editors of one record are detected, not overwritten — of fifty
/// saves from the same version exactly one lands, every other answer is 409, and the record moved
/// one version.
@Suite("Fifty concurrent editors of one record of each versioned kind")
struct ConcurrentEditTests {
    /// Sends `body(i)` fifty times at once; returns the statuses.
    private func race(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, body: @escaping @Sendable (Int) -> String
    ) async throws -> [UInt] {
        try await withThrowingTaskGroup(of: UInt.self) { group in
            for index in 0..<50 {
                group.addTask {
                    // A 503 means the server was too busy to try (every connection taken for ten
                    // seconds on a loaded test machine): nothing was done, so the editor tries again.
                    var status: UInt = 503
                    for _ in 0..<5 where status == 503 {
                        try await t.app.testing().test(
                            method, path,
                            beforeRequest: { req in
                                req.bearer(token)
                                req.headers.contentType = .json
                                req.body = ByteBuffer(string: body(index))
                            }
                        ) { res async throws in status = res.status.code }
                    }
                    return status
                }
            }
            return try await group.reduce(into: [UInt]()) { $0.append($1) }
        }
    }

    private func version(_ t: TestApp, _ table: String, _ id: Int) async throws -> Int {
        try await t.app.db.sql().raw("SELECT version FROM \(unsafeRaw: table) WHERE id = \(bind: id)").first()?.decode(
            column: "version", as: Int.self) ?? -1
    }

    private func expectOneWinner(_ statuses: [UInt], _ what: String) {
        #expect(statuses.filter { $0 == 200 }.count == 1, "\(what): \(statuses.sorted())")
        #expect(statuses.filter { $0 == 409 }.count == 49, "\(what): \(statuses.sorted())")
    }

    @Test(
        "customers, projects, webhooks and departments: one 200, forty-nine 409, one version further",
        arguments: TestDatabase.available)
    func oneWinnerEach(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor)
            let administrator = try await t.token(.administrator)

            let customer = try await createCustomer(
                t, token: supervisor, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let customerVersion = customer.version
            expectOneWinner(
                try await race(t, .PATCH, "/api/v1/customers/\(customer.id)", token: supervisor) {
                    #"{"version":\#(customerVersion),"remarks":"编辑者 \#($0)"}"#
                }, "customer")
            #expect(try await version(t, "customers", customer.id) == customerVersion + 1)

            let project = try await FrontLineTests().createProject(
                t, supervisor,
                FrontLineTests().project(
                    "P-RACE", "苏州工业园", industries: ["technology"], city: "苏州", min: "100", max: "900"))
            expectOneWinner(
                try await race(t, .PATCH, "/api/v1/projects/\(project.id)", token: supervisor) {
                    #"{"version":1,"name":"苏州工业园 \#($0)"}"#
                }, "project")
            #expect(try await version(t, "projects", project.id) == 2)

            let webhook = try await WebhookStore(database: t.app.db).create(
                try WebhookValidation.validate(
                    WebhookDraft(
                        name: "群机器人", platform: "json", url: "https://hooks.example.com/kefu", events: ["follow_up.due"]
                    )
                ).get(),
                context: .console(now: testStart))
            expectOneWinner(
                try await race(t, .PATCH, "/api/v1/webhooks/\(webhook)", token: supervisor) {
                    #"{"version":1,"name":"群机器人 \#($0)","platform":"json","url":"https://hooks.example.com/kefu","events":["follow_up.due"],"isActive":true}"#
                }, "webhook")
            #expect(try await version(t, "webhooks", webhook) == 2)

            let department = try #require(
                try await DepartmentModel.query(on: t.app.db).filter(\.$isCustomerService == false).first())
            let departmentID = try department.requireID(), departmentVersion = department.version
            expectOneWinner(
                try await race(t, .PATCH, "/api/v1/departments/\(departmentID)", token: administrator) {
                    #"{"version":\#(departmentVersion),"name":"招商部 \#($0)"}"#
                }, "department")
            #expect(try await version(t, "departments", departmentID) == departmentVersion + 1)
        }
    }
}
