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

/// Issue 11 #3–#5: tokens end with the password and the account, guesses are counted before they are
/// checked, and common passwords are refused.
extension SecurityTests {
    // MARK: - #3 tokens end with the password and the account

    static func me(_ t: TestApp, _ token: String) async throws -> HTTPStatus {
        var status = HTTPStatus.internalServerError
        try await t.app.testing().test(.GET, "/api/v1/me", beforeRequest: { req in req.bearer(token) }) {
            res async throws in status = res.status
        }
        return status
    }

    static func zhangweiToken(_ t: TestApp) async throws -> String {
        let staff = try await t.staff("zhangwei")
        return try await APITokenStore(database: t.app.db).create(
            for: try staff.requireID(), name: "脚本", context: .console(now: testStart)
        ).1
    }

    @Test("#3 API tokens die with a password change on the profile page, and say so")
    func tokensEndWithOwnPasswordChange() async throws {
        try await withApp { t in
            let token = try await Self.zhangweiToken(t)
            #expect(try await Self.me(t, token) == .ok)
            let browser = try await t.signIn("zhangwei")
            try await t.app.testing().test(
                .POST, "/profile/password",
                beforeRequest: { req in
                    try req.form(
                        [
                            "currentPassword": TestApp.password, "newPassword": "新的密码已经足够长了吗",
                            "confirmPassword": "新的密码已经足够长了吗",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.setCookie?[CookieName.flash]?.string.contains("flash.password_changed") == true)
            }
            #expect(try await Self.me(t, token) == .unauthorized)
            #expect(try await t.auditEntries("token.revoked_all").count == 1)
            #expect(t.app.kefu.localizer.text("flash.password_changed", .zhHans).contains("API 令牌"))
            #expect(t.app.kefu.localizer.text("flash.password_changed", .en).contains("API tokens"))
        }
    }

    @Test("#3 API tokens die with an administrator's reset and with deactivation, and stay dead after reactivation")
    func tokensEndWithResetAndDeactivation() async throws {
        try await withApp { t in
            let admin = try await t.token(.administrator)
            let zhangwei = try await t.staff("zhangwei")
            let id = try zhangwei.requireID()
            let beforeReset = try await Self.zhangweiToken(t)
            try await t.app.testing().test(
                .PUT, "/api/v1/staff/\(id)/password",
                beforeRequest: { req in
                    req.bearer(admin)
                    try req.content.encode(SetPasswordRequest(password: "管理员重置的新密码-2026"))
                }
            ) { res async throws in #expect(res.status == .noContent) }
            #expect(try await Self.me(t, beforeReset) == .unauthorized)

            let beforeDeactivation = try await Self.zhangweiToken(t)
            #expect(try await Self.me(t, beforeDeactivation) == .ok)
            for action in ["deactivate", "activate"] {
                try await t.app.testing().test(
                    .POST, "/api/v1/staff/\(id)/\(action)", beforeRequest: { req in req.bearer(admin) }
                ) { res async throws in
                    #expect(res.status == .ok, "\(res.body.string)")
                }
            }
            #expect(try await Self.me(t, beforeDeactivation) == .unauthorized)
            let tokens = try await APITokenStore(database: t.app.db).list(for: id)
            #expect(tokens.count == 2 && tokens.allSatisfy { $0.revokedAt != nil })
        }
    }

    // MARK: - #4 parallel guesses

    @Test(
        "#4 30 simultaneous guesses check at most the account's limit of passwords, never answer 500, and the right one among them gets no token past the lock"
    )
    func parallelGuesses() async throws {
        try await withApp { t in
            let app = t.app
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.testing().test(
                            .POST, "/api/v1/auth/tokens",
                            beforeRequest: { req in
                                try req.content.encode(
                                    AuthAPIController.CreateTokenRequest(
                                        username: "lina",
                                        password: index == 29 ? TestApp.password : "wrong-password-\(index)", name: "猜"
                                    ))
                            }
                        ) { res async throws in status = res.status }
                        return status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            let verified = statuses.filter { $0 == .unauthorized || $0 == .created }.count
            #expect(verified <= SignInThrottle.perAccount.maximumFailures, "\(statuses.map(\.code))")
            #expect(
                statuses.allSatisfy { [.unauthorized, .created, .tooManyRequests].contains($0) },
                "\(statuses.map(\.code))")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 30 - SignInThrottle.perAccount.maximumFailures)
            let failures = try await t.auditEntries("auth.sign_in_failed").count
            #expect(failures <= SignInThrottle.perAccount.maximumFailures)
        }
    }

    // MARK: - #5 common passwords

    @Test(
        "#5 common, sequential, repeated and own-name passwords are refused when an account is created, and nothing is stored"
    )
    func commonPasswords() async throws {
        try await withApp { t in
            #expect(t.app.kefu.commonPasswords.count >= 10_000)
            let admin = try await t.token(.administrator)
            let created = try await t.auditEntries("staff.created").count
            let department = try #require(
                try await DepartmentModel.query(on: t.app.db).filter(\.$code == "customer_service").first()?.id)
            for password in [
                "1234567890", "password12", "qwertyuiop", "aaaaaaaaaa", "kefu123456", "admin12345", "woaini1314",
                "qq123456789",
                "Password2026!", "wuxia2026!!", "吴霞吴霞吴霞吴霞吴霞", "吴霞-20260101",
            ] {
                try await t.app.testing().test(
                    .POST, "/api/v1/staff",
                    beforeRequest: { req in
                        req.bearer(admin)
                        try req.content.encode(
                            CreateStaffRequest(
                                username: "wuxia", displayName: "吴霞", departmentID: department, role: "specialist",
                                language: "zh-Hans", password: password))
                    }
                ) { res async throws in
                    #expect(res.status == .unprocessableEntity, "accepted \(password)")
                    #expect(res.body.string.contains("\"password\""))
                }
            }
            #expect(try await StaffModel.query(on: t.app.db).filter(\.$username == "wuxia").count() == 0)
            #expect(try await t.auditEntries("staff.created").count == created)
        }
    }
}
