import Fluent
import Foundation
@testable import KefuServer
import KefuDomain
import KefuTesting
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

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
            "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "\\\\evil.example", "https://evil.example",
            "http:/evil.example", "javascript:alert(1)", "/%2F/evil.example", "/%2f%2fevil.example", "/%5Cevil.example",
            "/%5C%5Cevil.example", "/%252F/evil.example/%", "/ /evil.example", "/\u{3000}/evil.example", "/\u{2028}/evil.example",
            "/\u{200B}/evil.example", "/staff#//evil.example", "evil.example", "", "/%E0%A4%A", "/no-such-page", "/staff/",
        ]
        return targets
    }()

    @Test("#1 a next address is only a path Kefu serves: every control character, encoding and scheme is refused")
    func openRedirect() async throws {
        for target in Self.hostileTargets where target != "/staff/" && target != "/no-such-page" && target != "/%252F/evil.example/%" {
            #expect(!SiteURL.isSafeRedirect(target), "accepted \(target.debugDescription)")
        }
        #expect(SiteURL.isSafeRedirect("/customers?q=%E5%BC%A0%E4%BC%9F&sort=name"))
        try await withApp { t in
            for target in Self.hostileTargets {
                try await t.app.testing().test(.GET, "/language?lang=zh-Hans&next=" + Self.encodeAll(target)) { res async throws in
                    #expect(res.status == .seeOther)
                    #expect(res.headers.first(name: .location) == "/login", "followed \(target.debugDescription)")
                }
            }
            try await t.app.testing().test(.GET, "/language?lang=en&next=" + Self.encodeAll("/customers?q=1")) { res async throws in
                #expect(res.headers.first(name: .location) == "/customers?q=1")
            }
            // After signing in, the same targets land on the workbench.
            for target in ["/\t/evil.example/x", "/\t\\evil.example", "/%09/evil.example", "//evil.example"] {
                let browser = try await Browser.anonymous(t.app)
                try await t.app.testing().test(.POST, "/login", beforeRequest: { req in
                    try req.form(["username": "lina", "password": TestApp.password, "next": target], browser: browser)
                }) { res async throws in
                    #expect(res.status == .seeOther)
                    #expect(res.headers.first(name: .location) == "/", "followed \(target.debugDescription)")
                }
            }
        }
    }

    // MARK: - #2 masked contact details

    /// A file of 张伟's with contact details the others see masked.
    static func hiddenCustomer(_ t: TestApp) async throws -> CustomerDTO {
        let zhangwei = try await t.staff("zhangwei")
        let (_, token) = try await APITokenStore(database: t.app.db).create(for: try zhangwei.requireID(), name: "t", context: .console(now: testStart))
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
        try await t.app.testing().test(.POST, "/api/v1/customers", beforeRequest: { req in
            req.bearer(token)
            try req.content.encode(input)
        }) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            created = try? res.content.decode(CustomerDTO.self)
        }
        return try #require(created)
    }

    static func total(_ t: TestApp, token: String, query: String) async throws -> Int {
        var total = -1
        try await t.app.testing().test(.GET, "/api/v1/customers?q=" + encodeAll(query), beforeRequest: { req in req.bearer(token) }) { res async throws in
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
                "13912344780", "139 1234 4780", "+86 139-1234-4780", "wxfsecret@example.com", "wxfsecret@", "w@", "wxf9527abc", "wxf9527",
                "wxf9", "wxfs", "wxfsecret", "王先锋 wxf9", "浦江 wxfsec", "example", "9527",
            ]
            for role in [Role.specialist, .leadership, .liaison] {
                let token = try await t.token(role)
                for probe in probes {
                    #expect(try await Self.total(t, token: token, query: probe) == 0, "\(role) found the file by \(probe)")
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
                #expect(try await Self.total(t, token: supervisor, query: probe) == 1, "the supervisor did not find \(probe)")
            }
        }
    }

    @Test("#2 the duplicate check says whose file a whole number is on, never its details; audited and limited per person")
    func duplicateCheck() async throws {
        try await withApp { t in
            let customer = try await Self.hiddenCustomer(t)
            let lina = try await t.token(.specialist)
            try await t.app.testing().test(.GET, "/api/v1/customers/duplicates?mobile=13912344780", beforeRequest: { req in req.bearer(lina) }) { res async throws in
                #expect(res.status == .ok)
                let matches = try res.content.decode([DuplicateMatch].self)
                #expect(matches.map(\.id) == [customer.id])
                #expect(matches.first?.responsibleName == "张伟")
                #expect(!res.body.string.contains("13912344780") && !res.body.string.contains("wxf"))
            }
            let audit = try await t.auditEntries("customer.duplicate_checked")
            #expect(audit.count == 1)
            #expect(audit.first?.detail.contains("139****4780") == true && audit.first?.detail.contains("13912344780") == false)
            for index in 1..<DuplicateCheck.limit.limit {
                try await t.app.testing().test(.GET, "/api/v1/customers/duplicates?mobile=1391234\(String(format: "%04d", index))", beforeRequest: { req in
                    req.bearer(lina)
                }) { res async throws in #expect(res.status == .ok) }
            }
            try await t.app.testing().test(.GET, "/api/v1/customers/duplicates?mobile=13912344780", beforeRequest: { req in req.bearer(lina) }) { res async throws in
                #expect(res.status == .tooManyRequests)
                #expect(res.headers.first(name: "Retry-After") != nil)
                #expect(!res.body.string.contains("张伟"))
            }
            #expect(try await t.auditEntries("customer.duplicate_checked").count == DuplicateCheck.limit.limit)
            // Another person has their own allowance.
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(.GET, "/api/v1/customers/duplicates?mobile=13912344780", beforeRequest: { req in req.bearer(supervisor) }) { res async throws in
                #expect(res.status == .ok)
            }
        }
    }

    // MARK: - #3 tokens end with the password and the account

    static func me(_ t: TestApp, _ token: String) async throws -> HTTPStatus {
        var status = HTTPStatus.internalServerError
        try await t.app.testing().test(.GET, "/api/v1/me", beforeRequest: { req in req.bearer(token) }) { res async throws in status = res.status }
        return status
    }

    static func zhangweiToken(_ t: TestApp) async throws -> String {
        let staff = try await t.staff("zhangwei")
        return try await APITokenStore(database: t.app.db).create(for: try staff.requireID(), name: "脚本", context: .console(now: testStart)).1
    }

    @Test("#3 API tokens die with a password change on the profile page, and say so")
    func tokensEndWithOwnPasswordChange() async throws {
        try await withApp { t in
            let token = try await Self.zhangweiToken(t)
            #expect(try await Self.me(t, token) == .ok)
            let browser = try await t.signIn("zhangwei")
            try await t.app.testing().test(.POST, "/profile/password", beforeRequest: { req in
                try req.form(["currentPassword": TestApp.password, "newPassword": "新的密码已经足够长了吗", "confirmPassword": "新的密码已经足够长了吗"], browser: browser)
            }) { res async throws in
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
            try await t.app.testing().test(.PUT, "/api/v1/staff/\(id)/password", beforeRequest: { req in
                req.bearer(admin)
                try req.content.encode(SetPasswordRequest(password: "管理员重置的新密码-2026"))
            }) { res async throws in #expect(res.status == .noContent) }
            #expect(try await Self.me(t, beforeReset) == .unauthorized)

            let beforeDeactivation = try await Self.zhangweiToken(t)
            #expect(try await Self.me(t, beforeDeactivation) == .ok)
            for action in ["deactivate", "activate"] {
                try await t.app.testing().test(.POST, "/api/v1/staff/\(id)/\(action)", beforeRequest: { req in req.bearer(admin) }) { res async throws in
                    #expect(res.status == .ok, "\(res.body.string)")
                }
            }
            #expect(try await Self.me(t, beforeDeactivation) == .unauthorized)
            let tokens = try await APITokenStore(database: t.app.db).list(for: id)
            #expect(tokens.count == 2 && tokens.allSatisfy { $0.revokedAt != nil })
        }
    }

    // MARK: - #4 parallel guesses

    @Test("#4 30 simultaneous guesses check at most the account's limit of passwords, never answer 500, and the right one among them gets no token past the lock")
    func parallelGuesses() async throws {
        try await withApp { t in
            let app = t.app
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.testing().test(.POST, "/api/v1/auth/tokens", beforeRequest: { req in
                            try req.content.encode(AuthAPIController.CreateTokenRequest(
                                username: "lina", password: index == 29 ? TestApp.password : "wrong-password-\(index)", name: "猜"
                            ))
                        }) { res async throws in status = res.status }
                        return status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            let verified = statuses.filter { $0 == .unauthorized || $0 == .created }.count
            #expect(verified <= SignInThrottle.perAccount.maximumFailures, "\(statuses.map(\.code))")
            #expect(statuses.allSatisfy { [.unauthorized, .created, .tooManyRequests].contains($0) }, "\(statuses.map(\.code))")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 30 - SignInThrottle.perAccount.maximumFailures)
            let failures = try await t.auditEntries("auth.sign_in_failed").count
            #expect(failures <= SignInThrottle.perAccount.maximumFailures)
        }
    }

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
                let request = Request(application: t.app, method: .GET, url: "/", headers: headers,
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

    @Test("#6 behind a trusted proxy, rotating the left of X-Forwarded-For neither escapes the sign-in lock nor the public form's limit, nor reaches the audit log")
    func forgedForwardedFor() async throws {
        var configuration = KefuConfiguration.testing()
        // The real server on loopback: the peer is 127.0.0.1, the proxy Kefu trusts.
        configuration.trustedProxies = ["127.0.0.1", "::1"].compactMap(IPNetwork.init)
        try await withApp(configuration: configuration) { t in
            let server = try t.app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20_000..<40_000)))
            var statuses: [HTTPStatus] = []
            for index in 0..<34 {
                try await server.test(.POST, "/api/v1/auth/tokens", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .xForwardedFor, value: "198.18.\(index).1, 203.0.113.5")
                    try req.content.encode(AuthAPIController.CreateTokenRequest(username: "nobody\(index)", password: "wrong-password-1", name: "x"))
                }) { res async throws in statuses.append(res.status) }
            }
            #expect(statuses.filter { $0 == .unauthorized }.count == SignInThrottle.perAddress.maximumFailures)
            #expect(statuses.suffix(34 - SignInThrottle.perAddress.maximumFailures).allSatisfy { $0 == .tooManyRequests })
            let addresses = Set(try await t.auditEntries("auth.sign_in_failed").map(\.address))
            #expect(addresses == ["203.0.113.5"])

            var accepted = 0
            for index in 0..<9 {
                try await server.test(.POST, "/api/v1/public/inquiries", beforeRequest: { req in
                    req.headers.replaceOrAdd(name: .xForwardedFor, value: "198.18.\(index).1, 203.0.113.6")
                    try req.content.encode(["name": "访客\(index)", "mobile": "1391234\(String(format: "%04d", index))", "question": "请介绍一下园区政策", "consent": "on"])
                }) { res async throws in if res.status == .created { accepted += 1 } }
            }
            #expect(accepted == t.app.kefu.configuration.inquiries.submissionsPerAddress)
        }
    }

    @Test("#6 KEFU_TRUST_FORWARDED_FOR alone is refused; KEFU_TRUSTED_PROXIES takes addresses and blocks")
    func trustedProxySetting() throws {
        #expect(throws: ConfigurationError.self) { _ = try KefuConfiguration.fromEnvironment(["KEFU_TRUST_FORWARDED_FOR": "true"]) }
        #expect(throws: ConfigurationError.self) { _ = try KefuConfiguration.fromEnvironment(["KEFU_TRUSTED_PROXIES": "10.0.0.1,proxy.internal"]) }
        let configuration = try KefuConfiguration.fromEnvironment(["KEFU_TRUSTED_PROXIES": "10.0.0.5, 172.16.0.0/12, ::1"])
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
            let rows = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM rate_limit_hits WHERE subject = '203.0.113.9'").first()?.decode(column: "n", as: Int.self)
            #expect(rows == 5)
            #expect(try await limit.admit("203.0.113.9", now: testStart.addingTimeInterval(601), on: t.app.db))
        }
    }

    // MARK: - #5 common passwords

    @Test("#5 common, sequential, repeated and own-name passwords are refused when an account is created, and nothing is stored")
    func commonPasswords() async throws {
        try await withApp { t in
            #expect(t.app.kefu.commonPasswords.count >= 10_000)
            let admin = try await t.token(.administrator)
            let created = try await t.auditEntries("staff.created").count
            let department = try #require(try await DepartmentModel.query(on: t.app.db).filter(\.$code == "customer_service").first()?.id)
            for password in ["1234567890", "password12", "qwertyuiop", "aaaaaaaaaa", "kefu123456", "admin12345", "woaini1314", "qq123456789",
                             "Password2026!", "wuxia2026!!", "吴霞吴霞吴霞吴霞吴霞", "吴霞-20260101"] {
                try await t.app.testing().test(.POST, "/api/v1/staff", beforeRequest: { req in
                    req.bearer(admin)
                    try req.content.encode(CreateStaffRequest(username: "wuxia", displayName: "吴霞", departmentID: department, role: "specialist",
                                                              language: "zh-Hans", password: password))
                }) { res async throws in
                    #expect(res.status == .unprocessableEntity, "accepted \(password)")
                    #expect(res.body.string.contains("\"password\""))
                }
            }
            #expect(try await StaffModel.query(on: t.app.db).filter(\.$username == "wuxia").count() == 0)
            #expect(try await t.auditEntries("staff.created").count == created)
        }
    }

    // MARK: - #7 webhook destinations

    static let refusedWebhookURLs = [
        "https://169.254.169.254/latest/meta-data", "https://127.0.0.1/hook", "https://10.1.2.3/hook", "https://172.16.5.4/hook",
        "https://192.168.1.1/hook", "https://100.64.0.1/hook", "https://0.0.0.0/hook", "https://[::1]/hook", "https://[::]/hook",
        "https://[fe80::1]/hook", "https://[fd00::1]/hook", "https://[::ffff:127.0.0.1]/hook", "https://[::ffff:a9fe:a9fe]/hook",
        "https://2852039166/hook", "https://0xa9fea9fe/hook", "https://0251.0376.0251.0376/hook", "https://0177.0.0.1/hook",
        "https://127.1/hook", "https://0x7f.0.0.1/hook", "https://localhost/hook", "https://kefu.localhost/hook", "https://redis/hook",
        "https://db.internal/hook", "https://printer.local/hook", "https://hooks.example.com:6379/hook", "https://hooks.example.com:22/",
        "http://hooks.example.com/hook", "https://user:pw@hooks.example.com/hook",
    ]

    @Test("#7 a webhook to a non-public destination or an odd port is refused when saved, and nothing is stored", arguments: refusedWebhookURLs)
    func refusedWebhook(url: String) async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(.POST, "/api/v1/webhooks", beforeRequest: { req in
                req.bearer(supervisor)
                try req.content.encode(NotificationsAPIController.WebhookInput(name: "内网", platform: "json", url: url, events: ["follow_up.overdue"], isActive: true))
            }) { res async throws in
                #expect(res.status == .unprocessableEntity, "saved \(url)")
                #expect(res.body.string.contains("\"url\""))
            }
            #expect(try await WebhookStore(database: t.app.db).all().isEmpty)
            #expect(try await t.auditEntries("webhook.created").isEmpty)
        }
    }

    @Test("#7 chat platforms need HTTPS on their own host and port")
    func platformHostsNeedHTTPS() {
        for (platform, url) in [("wecom", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"), ("dingtalk", "https://oapi.dingtalk.com:8443/robot/send"),
                                ("feishu", "https://open.feishu.cn.evil.example/open-apis/bot/v2/hook/x"), ("dingtalk", "https://127.0.0.1/robot/send")] {
            #expect(throws: FieldErrors.self, "\(url)") {
                try WebhookValidation.validate(WebhookDraft(name: "群", platform: platform, url: url, events: ["follow_up.due"])).get()
            }
        }
    }

    /// A transport that records where it would have connected.
    final class Resolved: Sendable {
        let names: NIOLockedValueBox<[String]> = .init([])
    }

    @Test("#7 at send time, a name that resolves to a private address is refused, and the log says so without socket detail")
    func resolvedToPrivate() async throws {
        try await withApp { t in
            let asked = Resolved()
            let resolver = HostResolver { host in
                asked.names.withLockedValue { $0.append(host) }
                return host == "rebind.example.com" ? [IPAddress("114.114.114.114")!, IPAddress("10.0.0.7")!] : [IPAddress("::1")!]
            }
            let transport = WebhookSender.safeTransport(eventLoopGroup: t.app.eventLoopGroup, resolver: resolver, timeout: .seconds(1))
            for url in ["https://rebind.example.com/hook", "https://loopback.example.com/hook", "https://[::1]/hook", "https://2852039166/"] {
                await #expect(throws: WebhookFailure.refusedDestination, "\(url)") {
                    _ = try await transport(URL(string: url)!, [:], Data("{}".utf8))
                }
            }
            #expect(asked.names.withLockedValue { $0 } == ["rebind.example.com", "loopback.example.com"])

            // A target stored by an older version that allowed it: the test-send refuses it, shows why in
            // words, and does not try again.
            let store = WebhookStore(database: t.app.db)
            let settings = WebhookSettings(name: "旧的本机接收", platform: .json, url: URL(string: "https://127.0.0.1:6379/x")!, secret: nil,
                                           events: [.followUpDue], isActive: true)
            let id = try await store.create(settings, context: .console(now: testStart))
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(.POST, "/api/v1/webhooks/\(id)/test", beforeRequest: { req in req.bearer(supervisor) }) { res async throws in
                #expect(res.status == .ok, "\(res.body.string)")
                let body = res.body.string
                #expect(body.contains("目标地址不在公网上"))
                #expect(!body.contains("6379") && !body.lowercased().contains("refused") && !body.contains("errno"))
                let delivery = try res.content.decode(NotificationsAPIController.DeliveryDTO.self)
                #expect(delivery.status == "failed" && delivery.nextAttemptAt == nil)
            }
        }
    }

    @Test("#7 a redirect is not followed: it is recorded as a failure in words")
    func redirectNotFollowed() async throws {
        try await withApp { t in
            let store = WebhookStore(database: t.app.db)
            let settings = try WebhookValidation.validate(WebhookDraft(name: "JSON", platform: "json", url: "https://hooks.example.com/kefu", events: ["follow_up.due"])).get()
            let id = try await store.create(settings, context: .console(now: testStart))
            let notice = WebhookNotice(event: .followUpDue, title: "今日跟进", lines: ["回访"], link: nil, linkText: "查看详情", occurredAt: testStart)
            _ = try await store.enqueue(notice, dedupeKey: "r1", now: testStart)
            let sender = WebhookSender(store: store, transport: { _, _, _ in 307 }, linkText: "查看详情", instanceID: "test", clock: t.clock.clock)
            #expect(try await sender.deliverDue(now: testStart) == 1)
            let log = try await store.deliveries(webhookID: id)
            #expect(log.first?.status == "failed" && log.first?.lastError == WebhookFailure.redirected.rawValue)
            #expect(WebhookFailure.messageKey(forStored: "connect(descriptor:addr:size:): Connection refused (errno: 111)") == WebhookFailure.unreachable.rawValue)
        }
    }

    // MARK: - #8 headers, cookies, bodies

    @Test("#8 API answers are never stored; the content policy forbids <base> and foreign form targets")
    func cacheAndPolicy() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for path in ["/api/v1/me", "/api/v1/customers", "/api/v1/staff", "/api/v1/nothing-here"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { req in req.bearer(token) }) { res async throws in
                    #expect(res.headers.first(name: .cacheControl) == "no-store", "\(path)")
                }
            }
            try await t.app.testing().test(.GET, "/login") { res async throws in
                let policy = try #require(res.headers.first(name: "Content-Security-Policy"))
                #expect(policy.contains("base-uri 'none'") && policy.contains("form-action 'self'"))
                #expect(res.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over plain http")
            }
        }
    }

    @Test("#8 X-Request-Id is echoed and logged only when it is a short token", arguments: [
        ("abc-123_DEF.4", true), (String(repeating: "a", count: 64), true), (String(repeating: "a", count: 65), false),
        ("<script>", false), ("a b", false), ("id\u{1}", false), ("请求", false),
    ])
    func requestID(id: String, accepted: Bool) async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/healthz", beforeRequest: { req in
                req.headers.replaceOrAdd(name: "X-Request-Id", value: id)
            }) { res async throws in
                let echoed = try #require(res.headers.first(name: "X-Request-Id"))
                #expect((echoed == id) == accepted)
                #expect(RequestIdentifier.isAcceptable(echoed))
            }
        }
    }

    @Test("#8 with secure cookies every cookie is Secure, the session cookie is __Host-, and HSTS is sent")
    func secureCookies() async throws {
        var configuration = KefuConfiguration.testing()
        configuration.secureCookies = true
        try await withApp(configuration: configuration) { t in
            var browser = try await Browser.anonymous(t.app)
            try await t.app.testing().test(.GET, "/language?lang=en&next=%2Flogin") { res async throws in
                #expect(res.headers.setCookie?[CookieName.language]?.isSecure == true)
                #expect(res.headers.first(name: "Strict-Transport-Security") == SecurityHeadersMiddleware.strictTransportSecurity)
            }
            try await t.app.testing().test(.POST, "/login", beforeRequest: { req in
                try req.form(["username": "lina", "password": TestApp.password, "next": "/"], browser: browser)
            }) { res async throws in
                #expect(res.status == .seeOther)
                let session = try #require(res.headers.setCookie?["__Host-kefu_session"])
                #expect(session.isSecure && session.isHTTPOnly && session.path == "/" && session.domain == nil)
                #expect(res.headers.setCookie?[CookieName.session] == nil)
                browser.take(res)
            }
            let token = try #require(browser.cookies["__Host-kefu_session"]?.string)
            let session = try #require(try await WebSessionModel.query(on: t.app.db).filter(\.$tokenHash == Secrets.fingerprint(token)).first())
            browser.csrf = session.csrfToken
            try await t.app.testing().test(.POST, "/profile/language", beforeRequest: { req in
                try req.form(["language": "en"], browser: browser)
            }) { res async throws in
                #expect(res.status == .seeOther)
                #expect(res.headers.setCookie?[CookieName.flash]?.isSecure == true)
            }
        }
    }

    @Test("#8 an anonymous page post is refused before its body is read: no CSRF cookie, or larger than the public form allows")
    func anonymousBodies() async throws {
        try await withApp { t in
            let big = String(repeating: "a", count: 64 * 1024)
            // No CSRF cookie at all: refused as CSRF whatever the size.
            try await t.app.testing().test(.POST, "/login", beforeRequest: { req in
                try req.content.encode(["username": "lina", "password": big, "_csrf": "guess"], as: .urlEncodedForm)
            }) { res async throws in #expect(res.status == .forbidden) }
            // With the cookie, a body over the public form's 16 KB is refused before the token is looked for.
            let browser = try await Browser.anonymous(t.app)
            for path in ["/login", "/inquire"] {
                try await t.app.testing().test(.POST, path, beforeRequest: { req in
                    try req.form(["username": "lina", "password": big], browser: browser)
                }) { res async throws in #expect(res.status == .payloadTooLarge, "\(path)") }
            }
            #expect(try await t.auditEntries("auth.sign_in_failed").isEmpty)
            #expect(try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM inquiries").first()?.decode(column: "n", as: Int.self) == 0)
        }
    }
}
