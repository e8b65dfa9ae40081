import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("JSON API: tokens, errors, OpenAPI")
struct APITests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String; var fields: [String: String] }
        var error: Detail
    }

    @Test("a script exchanges username and password for a token, uses it, lists it without the secret, revokes it")
    func tokenLifecycle() async throws {
        try await withApp { t in
            var token = ""
            var id = 0
            try await t.app.testing().test(
                .POST, "/api/v1/auth/tokens",
                beforeRequest: { req in
                    try req.content.encode(["username": "lina", "password": TestApp.password, "name": "周报脚本"])
                }
            ) { res async throws in
                #expect(res.status == .created)
                let dto = try res.content.decode(APITokenDTO.self)
                token = try #require(dto.token)
                id = dto.id
                #expect(token.hasPrefix("kefu_"))
            }
            #expect(try await APITokenModel.query(on: t.app.db).first()?.tokenHash != token)
            try await t.app.testing().test(.GET, "/api/v1/me", beforeRequest: { req in req.bearer(token) }) {
                res async throws in
                #expect(res.status == .ok)
                let me = try res.content.decode(AuthAPIController.MeDTO.self)
                #expect(me.staff.username == "lina")
                #expect(me.permissions.contains("dashboard.view"))
                #expect(!me.permissions.contains("audit.view"))
            }
            try await t.app.testing().test(.GET, "/api/v1/auth/tokens", beforeRequest: { req in req.bearer(token) }) {
                res async throws in
                #expect(!res.body.string.contains(token))
            }
            try await t.app.testing().test(
                .DELETE, "/api/v1/auth/tokens/\(id)", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .noContent)
            }
            try await t.app.testing().test(.GET, "/api/v1/me", beforeRequest: { req in req.bearer(token) }) {
                res async throws in
                #expect(res.status == .unauthorized)
                #expect(try res.content.decode(ErrorBody.self).error.code == "invalid_token")
            }
            #expect(try await t.auditEntries("token.revoked").count == 1)
        }
    }

    @Test("another person's token cannot be revoked (it is not found)")
    func foreignToken() async throws {
        try await withApp { t in
            _ = try await t.token(.specialist)
            let foreign = try #require(try await APITokenModel.query(on: t.app.db).first())
            let mine = try await t.token(.supervisor)
            try await t.app.testing().test(
                .DELETE, "/api/v1/auth/tokens/\(foreign.id!)", beforeRequest: { req in req.bearer(mine) }
            ) { res async throws in
                #expect(res.status == .notFound)
            }
            #expect(try await APITokenModel.find(foreign.id, on: t.app.db)?.revokedAt == nil)
        }
    }

    @Test("wrong credentials for a token answer 401 in the error shape; missing fields 422 with fields")
    func tokenErrors() async throws {
        try await withApp { t in
            try await t.app.testing().test(
                .POST, "/api/v1/auth/tokens",
                beforeRequest: { req in
                    try req.content.encode(["username": "lina", "password": "wrong-password-1", "name": "x"])
                }
            ) { res async throws in
                #expect(res.status == .unauthorized)
                #expect(try res.content.decode(ErrorBody.self).error.code == "invalid_credentials")
            }
            try await t.app.testing().test(
                .POST, "/api/v1/auth/tokens",
                beforeRequest: { req in
                    try req.content.encode(["username": "lina"])
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let body = try res.content.decode(ErrorBody.self)
                #expect(Set(body.error.fields.keys) == ["password", "name"])
            }
        }
    }

    @Test("malformed JSON is a 400 in the error shape, not a 500")
    func malformedJSON() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            try await t.app.testing().test(
                .POST, "/api/v1/staff",
                beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: "{\"username\": ")
                }
            ) { res async throws in
                #expect(res.status == .badRequest)
                #expect(try res.content.decode(ErrorBody.self).error.code == "malformed_body")
            }
        }
    }

    @Test("no token, or an unknown route, answers JSON under /api")
    func unauthorizedAndUnknown() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/api/v1/staff") { res async throws in
                #expect(res.status == .unauthorized)
                #expect(try res.content.decode(ErrorBody.self).error.code == "unauthorized")
            }
            try await t.app.testing().test(.GET, "/api/v1/nothing-here") { res async throws in
                #expect(res.status == .notFound)
                #expect(try res.content.decode(ErrorBody.self).error.code == "not_found")
            }
        }
    }

    @Test("a body over the configured limit is refused with 413")
    func bodyTooLarge() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            // Through a real socket: the in-memory tester hands the body over already collected.
            try await t.app.testing(method: .running(port: 0)).test(
                .POST, "/api/v1/departments",
                beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(string: "{\"name\": \"" + String(repeating: "部", count: 400_000) + "\"}")
                }
            ) { res async throws in
                #expect(res.status == .payloadTooLarge)
            }
            #expect(try await DepartmentModel.query(on: t.app.db).count() == 3)
        }
    }

    @Test("the API paging convention: page and perPage, with totals; a size beyond the maximum is refused, not clamped")
    func paging() async throws {
        try await withApp { t in
            let token = try await t.token(.administrator)
            try await t.app.testing().test(
                .GET, "/api/v1/staff?page=2&perPage=4", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<StaffDTO>.self)
                #expect(page.items.count == 2)
                #expect(page.page.number == 2)
                #expect(page.page.totalItems == 6)
                #expect(page.page.totalPages == 2)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/staff?perPage=100", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<StaffDTO>.self).page.size == 100)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/staff?perPage=100000", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(res.status == .badRequest)
                #expect(res.body.string.contains("perPage"))
            }
        }
    }
}
