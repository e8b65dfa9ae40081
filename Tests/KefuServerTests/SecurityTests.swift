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

/// Issue 11: the findings of an attacker's pass, each with the whole class it belongs to.
@Suite("Security (issue 11)")
struct SecurityTests {
    /// Every byte of a text as `%XX`, so the test sends exactly the characters it means.
    static func encodeAll(_ text: String) -> String {
        text.utf8.map { String(format: "%%%02X", $0) }.joined()
    }

    /// The redirect targets an attacker tries: every control character where a browser would drop it,
    /// backslashes, encoded slashes, schemes, and addresses Kefu does not serve.
    static let hostileTargets: [String] = {
        var targets: [String] = []
        for value in Array(0x00...0x1F) + [0x7F] {
            let character = String(UnicodeScalar(UInt8(value)))
            targets.append("/" + character + "/evil.example/x")
            targets.append("/" + character + "\\evil.example")
            targets.append(character + "//evil.example")
            targets.append("/" + String(format: "%%%02X", value) + "/evil.example")
        }
        targets += [
            "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "\\\\evil.example",
            "https://evil.example",
            "http:/evil.example", "javascript:alert(1)", "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example",
            "/%5C%5Cevil.example", "/%252F/evil.example/%", "/ /evil.example", "/\u{3000}/evil.example",
            "/\u{2028}/evil.example",
            "/\u{200B}/evil.example", "/staff#//evil.example", "evil.example", "", "/%E0%A4%A", "/no-such-page",
            "/staff/",
        ]
        return targets
    }()

    @Test("#1 a next address is only a path Kefu serves: every control character, encoding and scheme is refused")
    func openRedirect() async throws {
        for target in Self.hostileTargets
        where target != "/staff/" && target != "/no-such-page" && target != "/%252F/evil.example/%" {
            #expect(!SiteURL.isSafeRedirect(target), "accepted \(target.debugDescription)")
        }
        #expect(SiteURL.isSafeRedirect("/customers?q=%E5%BC%A0%E4%BC%9F&sort=name"))
        try await withApp { t in
            for target in Self.hostileTargets {
                try await t.app.testing().test(.GET, "/language?lang=zh-Hans&next=" + Self.encodeAll(target)) {
                    res async throws in
                    #expect(res.status == .seeOther)
                    #expect(res.headers.first(name: .location) == "/login", "followed \(target.debugDescription)")
                }
            }
            try await t.app.testing().test(.GET, "/language?lang=en&next=" + Self.encodeAll("/customers?q=1")) {
                res async throws in
                #expect(res.headers.first(name: .location) == "/customers?q=1")
            }
            // After signing in, the same targets land on the workbench.
            for target in ["/\t/evil.example/x", "/\t\\evil.example", "/%09/evil.example", "//evil.example"] {
                let browser = try await Browser.anonymous(t.app)
                try await t.app.testing().test(
                    .POST, "/login",
                    beforeRequest: { req in
                        try req.form(
                            ["username": "lina", "password": TestApp.password, "next": target], browser: browser)
                    }
                ) { res async throws in
                    #expect(res.status == .seeOther)
                    #expect(res.headers.first(name: .location) == "/", "followed \(target.debugDescription)")
                }
            }
        }
    }
}
