import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 17: one request must never stop the server, and values that make no sense are refused with
/// the field named — and change nothing.
@Suite("Hostile input: extreme integers, control characters, implausible dates, long searches")
struct HostileInputTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String; var fields: [String: String] }
        var error: Detail
    }

    /// Integers that overflowed `Paging.offset` (Int.max trapped; so did 4611686018427387904 × 2), and
    /// the ones that were silently replaced.
    static let extremeIntegers = [
        "9223372036854775807", "-9223372036854775808", "4611686018427387904", "1000000000000000001",
        "99999999999999999999", "-1", "0", "-100", "1000000", "1.5", "abc", "",
    ]

    /// Every list that pages, as the API and as pages. A new paged list belongs here.
    static func pagedRoutes(customerID: Int) -> (api: [String], pages: [String]) {
        (
            api: [
                "/api/v1/customers", "/api/v1/customers/\(customerID)/timeline",
                "/api/v1/customers/\(customerID)/changes",
                "/api/v1/customers/\(customerID)/communications", "/api/v1/notifications", "/api/v1/audit-entries",
                "/api/v1/staff", "/api/v1/inquiries",
            ],
            pages: ["/customers", "/customers/\(customerID)", "/inquiries", "/notifications", "/audit", "/staff"]
        )
    }

    @Test(
        "every paged route answers 400 naming page or perPage for extreme and malformed values, and the server lives on"
    )
    func extremePaging() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let browser = try await t.signIn(.supervisor)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let routes = Self.pagedRoutes(customerID: customer.id)
            for value in Self.extremeIntegers where !value.isEmpty {
                for parameter in ["page", "perPage"] {
                    let query = "?\(parameter)=\(value)" + (parameter == "page" ? "&perPage=2" : "")
                    for path in routes.api {
                        try await t.app.testing().test(.GET, path + query, beforeRequest: { req in req.bearer(token) })
                        { res async throws in
                            #expect(res.status == .badRequest, "\(path)\(query) → \(res.status)")
                            let body = try res.content.decode(ErrorBody.self)
                            #expect(
                                body.error.code == "invalid_query" && body.error.fields[parameter] != nil,
                                "\(path)\(query)")
                        }
                    }
                    for path in routes.pages {
                        try await t.app.testing().test(
                            .GET, path + query, beforeRequest: { req in browser.apply(to: &req) }
                        ) { res async throws in
                            #expect(res.status == .badRequest, "\(path)\(query) → \(res.status)")
                            #expect(res.body.string.contains("lang=\"zh-Hans\""))
                        }
                    }
                }
            }
            // The limits themselves are accepted, an empty value is the default, and the server still answers.
            for path in routes.api {
                for query in ["?page=100000&perPage=100", "?page=&perPage=", "?page=1&per_page=5"] {
                    try await t.app.testing().test(.GET, path + query, beforeRequest: { req in req.bearer(token) }) {
                        res async throws in
                        #expect(res.status == .ok, "\(path)\(query) → \(res.status)")
                    }
                }
            }
            try await t.app.testing().test(.GET, "/healthz") { res async throws in #expect(res.status == .ok) }
        }
    }

    @Test("the other integers a request may carry are clamped or refused, never trapped")
    func otherIntegers() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for value in Self.extremeIntegers {
                for path in [
                    "/api/v1/inquiries/figures?days=\(value)", "/api/v1/follow-ups?view=week&week=\(value)",
                    "/api/v1/customers?notUpdatedDays=\(value)", "/api/v1/customers?specialist=\(value)",
                    "/api/v1/staff?departmentID=\(value)", "/api/v1/customers/\(value)",
                    "/api/v1/inquiries?staff=\(value)",
                ] {
                    try await t.app.testing().test(.GET, path, beforeRequest: { req in req.bearer(token) }) {
                        res async throws in
                        #expect([.ok, .badRequest, .notFound].contains(res.status), "\(path) → \(res.status)")
                    }
                }
            }
            try await t.app.testing().test(.GET, "/healthz") { res async throws in #expect(res.status == .ok) }
        }
    }

    /// What a refusal must leave as it was: every table a create would write.
    private func counts(_ t: TestApp) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in [
            "customers", "communication_records", "follow_ups", "inquiries", "timeline_entries", "audit_entries",
            "customer_changes",
        ] {
            counts[table] = try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?
                .decode(column: "n", as: Int.self)
        }
        return counts
    }

    private func expectRefused(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, json: String, field: String,
        status: HTTPStatus = .unprocessableEntity
    ) async throws {
        let before = try await counts(t)
        try await t.app.testing().test(
            method, path,
            beforeRequest: { req in
                req.bearer(token)
                req.headers.contentType = .json
                req.body = ByteBuffer(string: json)
            }
        ) { res async throws in
            #expect(res.status == status, "\(path) \(json) → \(res.status) \(res.body.string)")
            let body = try res.content.decode(ErrorBody.self)
            #expect(body.error.fields[field] != nil, "\(path): fields \(body.error.fields)")
        }
        #expect(try await counts(t) == before, "\(path) changed something")
    }

    @Test("NUL and other control characters in any text field are refused with the field named, and nothing is stored")
    func controlCharacters() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            for character in ["\\u0000", "\\u0001", "\\u001b", "\\u007f"] {
                try await expectRefused(
                    t, .POST, "/api/v1/customers", token: token,
                    json:
                        #"{"kind":"company","name":"王\#(character)芳","companyName":"杭州西湖贸易","mobile":"13900001111","source":"phone"}"#,
                    field: "name")
                try await expectRefused(
                    t, .POST, "/api/v1/customers/\(customer.id)/communications", token: token,
                    json: #"{"channel":"phone","direction":"inbound","summary":"询问\#(character)政策"}"#, field: "summary")
                try await expectRefused(
                    t, .POST, "/api/v1/public/inquiries", token: token,
                    json: #"{"name":"赵六","mobile":"13700001111","question":"租金\#(character)多少","consent":"on"}"#,
                    field: "question")
            }
            // Tab, line feed and carriage return are what people type, and are kept.
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/communications",
                beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(
                        string:
                            #"{"channel":"phone","direction":"inbound","summary":"询问政策","content":"第一行\n第二行\t缩进\r\n"}"#)
                }
            ) { res async throws in
                #expect(res.status == .created, "\(res.body.string)")
            }
            // A page form: refused with a page in the person's language, nothing stored.
            let browser = try await t.signIn(.specialist)
            let before = try await counts(t)
            try await t.app.testing().test(
                .POST, "/customers",
                beforeRequest: { req in
                    try req.form(
                        [
                            "kind": "company", "name": "王\u{0}芳", "companyName": "杭州西湖贸易", "mobile": "13900001111",
                            "source": "phone",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("控制字符"))
            }
            #expect(try await counts(t) == before)
        }
    }

    @Test("references must exist: a responsible person of Int.max, -1 or a liaison is refused and nothing is created")
    func references() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let liaison = try await t.staff(.liaison)
            for id in ["9223372036854775807", "-1", "0", String(try liaison.requireID())] {
                try await expectRefused(
                    t, .POST, "/api/v1/customers", token: token,
                    json:
                        #"{"kind":"company","name":"王芳","companyName":"杭州西湖贸易","mobile":"13900001111","source":"phone","responsibleStaffID":\#(id)}"#,
                    field: "responsibleStaffID")
            }
            // Twenty digits do not fit an integer: the body cannot be read.
            try await t.app.testing().test(
                .POST, "/api/v1/customers",
                beforeRequest: { req in
                    req.bearer(token)
                    req.headers.contentType = .json
                    req.body = ByteBuffer(
                        string:
                            #"{"kind":"company","name":"王芳","mobile":"13900001111","source":"phone","responsibleStaffID":99999999999999999999}"#
                    )
                }
            ) { res async throws in
                #expect(res.status == .badRequest)
            }
        }
    }

    @Test("dates outside a plausible window are refused: a conversation in year 0, a follow-up due in 9999")
    func implausibleDates() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            for date in ["0000-01-01T00:00:00Z", "1899-12-31T00:00:00Z", "1999-12-31T00:00:00Z"] {
                try await expectRefused(
                    t, .POST, "/api/v1/customers/\(customer.id)/communications", token: token,
                    json: #"{"channel":"phone","direction":"inbound","summary":"询问","occurredAt":"\#(date)"}"#,
                    field: "occurredAt")
            }
            for due in ["9999-12-31T10:00", "2040-01-01T10:00"] {
                try await expectRefused(
                    t, .POST, "/api/v1/customers/\(customer.id)/follow-ups", token: token,
                    json: #"{"dueAt":"\#(due)","channel":"phone","purpose":"回访"}"#, field: "dueAt")
                try await expectRefused(
                    t, .POST, "/api/v1/inquiries", token: token,
                    json:
                        #"{"channel":"phone","question":"租金多少","answeredOnTheSpot":false,"promisedBy":"\#(due)","customerID":\#(customer.id)}"#,
                    field: "promisedBy")
            }
        }
    }

    @Test("a search term over 100 characters, or any query value with control characters, is a 400 naming it")
    func longSearches() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let browser = try await t.signIn(.supervisor)
            let long = String(repeating: "张", count: 101).addingPercentEncoding(
                withAllowedCharacters: .urlQueryValueAllowed)!
            let fine = String(repeating: "张", count: 100).addingPercentEncoding(
                withAllowedCharacters: .urlQueryValueAllowed)!
            let huge = String(repeating: "a", count: 10_000)
            for path in ["/api/v1/customers", "/api/v1/staff", "/api/v1/projects", "/api/v1/inquiries"] {
                for query in ["?q=\(long)", "?q=\(huge)", "?q=%00", "?stage=\(huge)"] {
                    try await t.app.testing().test(.GET, path + query, beforeRequest: { req in req.bearer(token) }) {
                        res async throws in
                        #expect(res.status == .badRequest, "\(path) → \(res.status)")
                        let body = try res.content.decode(ErrorBody.self)
                        #expect(body.error.code == "invalid_query" && !body.error.fields.isEmpty)
                    }
                }
                try await t.app.testing().test(.GET, path + "?q=\(fine)", beforeRequest: { req in req.bearer(token) }) {
                    res async throws in
                    #expect(res.status == .ok, "\(path) → \(res.status)")
                }
            }
            for path in ["/customers", "/inquiries/new", "/staff", "/projects"] {
                try await t.app.testing().test(
                    .GET, path + "?q=\(long)", beforeRequest: { req in browser.apply(to: &req) }
                ) { res async throws in
                    #expect(res.status == .badRequest, "\(path) → \(res.status)")
                    #expect(res.body.string.contains("100"))
                }
            }
        }
    }

    @Test(
        "a saturated server answers 503 with Retry-After, never 500: database pool exhaustion and the password-hashing limit"
    )
    func busy() async throws {
        try await withApp { (t: TestApp) in
            t.app.get("test-pool-timeout") { _ -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            try await t.app.testing().test(
                .GET, "/test-pool-timeout",
                beforeRequest: { req in req.headers.replaceOrAdd(name: .accept, value: "application/json") }
            ) { res async throws in
                #expect(res.status == .serviceUnavailable)
                #expect(res.headers.first(name: .retryAfter) == "2")
                #expect(try res.content.decode(ErrorBody.self).error.code == "busy")
            }
            try await t.app.testing().test(.GET, "/test-pool-timeout") { res async throws in
                #expect(res.status == .serviceUnavailable)
                #expect(res.body.string.contains("系统正忙"))
            }
        }
        // Hashing admits at most `maximumWaiting` at once; the rest are refused at once as busy.
        let hashing = PasswordHashing(cost: 10, threads: 1, maximumWaiting: 2)
        let hash = try await hashing.hash("客服测试密码-2026")
        let outcomes = await withTaskGroup(of: String.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    do { return try await hashing.verify("wrong", against: hash) ? "match" : "no match" } catch let
                        error as KefuError
                    { return error.code } catch { return "other" }
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        await hashing.shutdown()
        #expect(outcomes.count == 12)
        #expect(Set(outcomes).isSubset(of: ["no match", "busy"]))
        #expect(outcomes.contains("busy") && outcomes.filter { $0 == "no match" }.count >= 2)
    }

    @Test("a burst of thirty simultaneous sign-ins: no 500, and another person's read is answered")
    func signInBurst() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        var status = HTTPStatus.ok
                        try await t.app.testing().test(
                            .POST, "/api/v1/auth/tokens",
                            beforeRequest: { req in
                                try req.content.encode([
                                    "username": TestApp.usernames[.specialist]!,
                                    "password": index == 29 ? TestApp.password : "wrong-\(index)", "name": "burst",
                                ])
                            }
                        ) { res async throws in status = res.status }
                        return status
                    }
                }
                group.addTask {
                    var status = HTTPStatus.ok
                    try await t.app.testing().test(
                        .GET, "/api/v1/customers", beforeRequest: { req in req.bearer(token) }
                    ) { res async throws in status = res.status }
                    return status == .ok ? .accepted : status
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(!statuses.contains(.internalServerError))
            #expect(statuses.contains(.accepted), "the read was not answered: \(statuses)")
            #expect(Set(statuses.map(\.code)).isSubset(of: [201, 202, 401, 429, 503]), "\(statuses)")
        }
    }

    @Test(
        "every numeric field of a body with Int.max, Int.min, -1, 0 and twenty digits: refused or not found, never a 500, nothing changed"
    )
    func numericFields() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let administrator = try await t.token(.administrator)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let department = try #require(try await DepartmentModel.query(on: t.app.db).first()).requireID()
            // (method, path, body with N where the number goes)
            let shapes: [(HTTPMethod, String, String)] = [
                (.PATCH, "/api/v1/customers/\(customer.id)", #"{"version":N,"name":"张伟伟"}"#),
                (
                    .POST, "/api/v1/customers/\(customer.id)/communications",
                    #"{"channel":"phone","direction":"inbound","summary":"询问","durationMinutes":N}"#
                ),
                (.POST, "/api/v1/customers/reassign", #"{"customerIDs":[N],"toStaffID":N}"#),
                (.POST, "/api/v1/customers/\(customer.id)/recommendations", #"{"projectID":N,"presentation":"phone"}"#),
                (
                    .POST, "/api/v1/customers/\(customer.id)/merge",
                    #"{"duplicateID":N,"version":N,"duplicateVersion":N,"reason":"同一客户"}"#
                ),
                (
                    .POST, "/api/v1/inquiries",
                    #"{"customerID":N,"channel":"phone","question":"租金多少","answer":"每平米 1.2 元"}"#
                ),
                (.PATCH, "/api/v1/departments/\(department)", #"{"version":N,"name":"客服部"}"#),
                (.POST, "/api/v1/notifications/read", #"{"ids":[N]}"#),
            ]
            let before = try await counts(t)
            for value in ["9223372036854775807", "-9223372036854775808", "-1", "0", "99999999999999999999"] {
                for (method, path, template) in shapes {
                    // Zero minutes is a real duration (a call that did not connect).
                    if value == "0", path.hasSuffix("/communications") { continue }
                    try await t.app.testing().test(
                        method, path,
                        beforeRequest: { req in
                            req.bearer(path.contains("/departments/") ? administrator : token)
                            req.headers.contentType = .json
                            req.body = ByteBuffer(string: template.replacingOccurrences(of: "N", with: value))
                        }
                    ) { res async throws in
                        #expect(
                            [.ok, .badRequest, .notFound, .conflict, .unprocessableEntity].contains(res.status),
                            "\(method) \(path) with \(value) → \(res.status)")
                        #expect(
                            res.status != .ok || path.hasSuffix("/read"), "\(method) \(path) with \(value) was accepted"
                        )
                    }
                }
            }
            #expect(try await counts(t) == before, "a refused numeric value changed something")
            try await t.app.testing().test(.GET, "/healthz") { res async throws in #expect(res.status == .ok) }
        }
    }
}
