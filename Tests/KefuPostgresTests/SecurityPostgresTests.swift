import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 11 #4 and #6 on PostgreSQL, where each statement reads its own snapshot: the counted insert
/// must still admit no more than the limit.
@Suite("Security on PostgreSQL", .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct SecurityPostgresTests {
    @Test("parallel guesses and the public form's limit are counted atomically, across two instances")
    func countedAtomically() async throws {
        try await withPostgresApp { t in
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
            #expect(
                statuses.filter { $0 == .unauthorized || $0 == .created }.count
                    <= SignInThrottle.perAccount.maximumFailures, "\(statuses.map(\.code))")
            #expect(!statuses.contains(.internalServerError), "\(statuses.map(\.code))")
        }
        try await withTwoPostgresInstances { first, second in
            let limit = RateLimit(bucket: "public_form", limit: 5, window: 600)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let app = index % 2 == 0 ? first : second
                    group.addTask { try await limit.admit("203.0.113.9", now: testStart, on: app.db) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 5)
        }
    }
}
