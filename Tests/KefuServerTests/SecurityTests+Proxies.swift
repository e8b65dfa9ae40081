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

/// Issue 11 #6: the client's address behind a proxy, and limits that hold across instances.
extension SecurityTests {
    // MARK: - #6 behind a proxy

    static func proxied(_ configuration: inout KefuConfiguration) {
        configuration.trustedProxies = ["10.0.0.0/8"].compactMap(IPNetwork.init)
    }

    @Test("#6 X-Forwarded-For is believed only from a trusted proxy, and only its right-most untrusted entry")
    func forwardedFor() async throws {
        var configuration = KefuConfiguration.testing()
        Self.proxied(&configuration)
        try await withApp(configuration: configuration) { t in
            func address(peer: String, forwarded: [String]) throws -> String {
                var headers = HTTPHeaders()
                for value in forwarded { headers.add(name: .xForwardedFor, value: value) }
                let request = Request(
                    application: t.app, method: .GET, url: "/", headers: headers,
                    remoteAddress: try SocketAddress(ipAddress: peer, port: 4000), on: t.app.eventLoopGroup.next())
                return request.clientAddress
            }
            let found1 = try address(peer: "10.0.0.5", forwarded: ["1.2.3.4, 203.0.113.77"])
            #expect(found1 == "203.0.113.77")
            let found2 = try address(peer: "10.0.0.5", forwarded: ["1.2.3.4", "203.0.113.77, 10.0.0.9"])
            #expect(found2 == "203.0.113.77")
            let found3 = try address(peer: "198.51.100.20", forwarded: ["1.2.3.4"])
            #expect(found3 == "198.51.100.20", "an untrusted peer's header is ignored")
            let found4 = try address(peer: "10.0.0.5", forwarded: ["1.2.3.4, not-an-address"])
            #expect(found4 == "10.0.0.5")
            let found5 = try address(peer: "10.0.0.5", forwarded: [])
            #expect(found5 == "10.0.0.5")
        }
    }

    @Test(
        "#6 behind a trusted proxy, rotating the left of X-Forwarded-For neither escapes the sign-in lock nor the public form's limit, nor reaches the audit log"
    )
    func forgedForwardedFor() async throws {
        var configuration = KefuConfiguration.testing()
        // The real server on loopback: the peer is 127.0.0.1, the proxy Kefu trusts.
        configuration.trustedProxies = ["127.0.0.1", "::1"].compactMap(IPNetwork.init)
        try await withApp(configuration: configuration) { t in
            let server = try t.app.testing(
                method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000..<40_000)))
            var statuses: [HTTPStatus] = []
            for index in 0..<34 {
                try await server.test(
                    .POST, "/api/v1/auth/tokens",
                    beforeRequest: { req in
                        req.headers.replaceOrAdd(name: .xForwardedFor, value: "198.18.\(index).1, 203.0.113.5")
                        try req.content.encode(
                            AuthAPIController.CreateTokenRequest(
                                username: "nobody\(index)", password: "wrong-password-1", name: "x"))
                    }
                ) { res async throws in statuses.append(res.status) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == SignInThrottle.perAddress.maximumFailures)
            #expect(
                statuses.suffix(34 - SignInThrottle.perAddress.maximumFailures).allSatisfy { $0 == .tooManyRequests })
            let addresses = Set(try await t.auditEntries("auth.sign_in_failed").map(\.address))
            #expect(addresses == ["203.0.113.5"])

            var accepted = 0
            for index in 0..<9 {
                try await server.test(
                    .POST, "/api/v1/public/inquiries",
                    beforeRequest: { req in
                        req.headers.replaceOrAdd(name: .xForwardedFor, value: "198.18.\(index).1, 203.0.113.6")
                        try req.content.encode([
                            "name": "访客\(index)", "mobile": "1391234\(String(format: "%04d", index))",
                            "question": "请介绍一下园区政策", "consent": "on",
                        ])
                    }
                ) { res async throws in if res.status == .created { accepted += 1 } }
            }
            #expect(accepted == t.app.kefu.configuration.inquiries.submissionsPerAddress)
        }
    }

    @Test("#6 KEFU_TRUST_FORWARDED_FOR alone is refused; KEFU_TRUSTED_PROXIES takes addresses and blocks")
    func trustedProxySetting() throws {
        #expect(throws: ConfigurationError.self) {
            _ = try KefuConfiguration.fromEnvironment(["KEFU_TRUST_FORWARDED_FOR": "true"])
        }
        #expect(throws: ConfigurationError.self) {
            _ = try KefuConfiguration.fromEnvironment(["KEFU_TRUSTED_PROXIES": "10.0.0.1,proxy.internal"])
        }
        let configuration = try KefuConfiguration.fromEnvironment([
            "KEFU_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12, ::1"
        ])
        #expect(configuration.trustedProxies.count == 3)
        #expect(try KefuConfiguration.fromEnvironment([:]).trustedProxies.isEmpty)
    }

    @Test("#6 the public form's limit is counted in the database: two instances share it")
    func limitAcrossInstances() async throws {
        try await withApp { t in
            let limit = RateLimit(bucket: "public_form", limit: 5, window: 600)
            var admitted = 0
            for _ in 0..<9 where try await limit.admit("203.0.113.9", now: testStart, on: t.app.db) { admitted += 1 }
            #expect(admitted == 5)
            // Counted in the table, not in the process: a second reader of the same database agrees.
            let rows = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM rate_limit_hits WHERE subject = '203.0.113.9'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(rows == 5)
            #expect(try await limit.admit("203.0.113.9", now: testStart.addingTimeInterval(601), on: t.app.db))
        }
    }
}
