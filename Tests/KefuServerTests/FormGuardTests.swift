import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 9 §12: the page forms refuse what the API refuses, instead of guessing.
@Suite("Page forms refuse like the API: no version, too many files to reassign")
struct FormGuardTests {
    @Test("an edit form without its version is refused (422) and changes nothing — not taken as a conflict")
    func editWithoutVersion() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let browser = try await t.signIn(.specialist)
            let changesBefore = try await CustomerChangeModel.query(on: t.app.db).count()
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id)",
                beforeRequest: { req in
                    try req.form(
                        [
                            "kind": "company", "name": "张伟伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678",
                            "source": "phone",
                            "stage": "lead", "timing": "undecided",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("刷新页面"))
            }
            let after = try #require(try await CustomerModel.find(customer.id, on: t.app.db))
            #expect(after.name == "张伟" && after.version == customer.version)
            #expect(try await CustomerChangeModel.query(on: t.app.db).count() == changesBefore)
        }
    }

    @Test("a bulk reassignment of more than 5,000 files from the page is refused whole, like the API; nothing moves")
    func reassignTooMany() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let target = try await t.staff("zhangwei")
            var browser = try await t.signIn(.supervisor)
            let auditBefore = try await t.auditEntries("customer.reassigned").count
            var body = "_csrf=\(browser.csrf)&toStaffID=\(try target.requireID())&customerIDs[]=\(customer.id)"
            body += String(repeating: "&customerIDs[]=999999", count: 5000)
            try await t.app.testing().test(
                .POST, "/customers/reassign",
                beforeRequest: { req in
                    req.headers.cookie = browser.cookies
                    req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(string: body)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                browser.take(res)
            }
            #expect(
                try await CustomerModel.find(customer.id, on: t.app.db)?.responsibleStaffID != (try target.requireID()))
            #expect(try await t.auditEntries("customer.reassigned").count == auditBefore)
            try await t.app.testing().test(
                .GET, "/customers", beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.body.string.contains("5000"))
            }
        }
    }
}
