import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The supervisor's dashboard (issue 16 §2): every figure equals a direct count over generated records on
/// both databases, and the list behind each mark holds exactly what the mark counts; who may see it; a bad
/// period is refused with a message, never a 500.
@Suite("Reports: the supervisor's dashboard equals the records it counts; access; bad periods")
struct ReportTests {
    /// A small deterministic generator (the same data on every run and both databases).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// November 2026 in China Standard Time: [2026-11-01 00:00, 2026-12-01 00:00).
    static let start = Date(timeIntervalSince1970: 1_793_462_400)
    static let end = start.addingTimeInterval(30 * 86_400)

    struct Expected {
        var stages: [String: Int] = [:]
        var channels: [String: Int] = [:]
        var onTime: [Int?: Int] = [:]
        var late: [Int?: Int] = [:]
        var categories: [String: Int] = [:]
    }

    static func generate(_ t: TestApp) async throws -> (Expected, lina: Int, zhangwei: Int) {
        var random = Generator(state: 20_261_130)
        var expected = Expected()
        let lina = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
        let people: [Int?] = [lina, zhangwei, nil]
        let token = try await t.token(.specialist)
        let sql = try t.app.db.sql()
        var customers: [Int] = []
        let names = ["陈立", "王芳", "刘洋", "赵敏", "孙强", "周杰", "吴静", "郑浩"]
        for (index, name) in names.enumerated() {
            let customer = try await createCustomer(
                t, token: token, ["name": name, "companyName": "\(name)科技有限公司", "mobile": "1370000\(1000 + index)"])
            customers.append(customer.id)
        }
        let stages = CustomerStage.allCases.map(\.rawValue)
        for (index, id) in customers.enumerated() {
            let stage = stages[random.next(stages.count)]
            // The last file is merged into the first: it no longer counts anywhere.
            let merged = index == customers.count - 1
            try await sql.raw(
                """
                UPDATE customers SET stage = \(bind: stage), lost_reason = \(bind: stage == "lost" ? "预算不足" : nil as String?),
                merged_into_id = \(bind: merged ? customers[0] : nil as Int?) WHERE id = \(bind: id)
                """
            ).run()
            if !merged { expected.stages[stage, default: 0] += 1 }
        }
        let channels = InquiryChannel.allCases.map(\.rawValue)
        let earliest = start.addingTimeInterval(-20 * 86_400)
        for n in 0..<70 {
            let channel = channels[random.next(channels.count)]
            let at = earliest.addingTimeInterval(Double(random.next(52 * 86_400)))
            try await sql.raw(
                """
                INSERT INTO inquiries (customer_id, channel, received_at, question, status, staff_id, created_at, updated_at, version)
                VALUES (\(bind: customers[n % 7]), \(bind: channel), \(bind: at), '园区的租金是多少？', 'open', \(bind: people[random.next(3)]), \(bind: at), \(bind: at), 1)
                """
            ).run()
            if at >= start, at < end { expected.channels[channel, default: 0] += 1 }
        }
        for n in 0..<60 {
            let due = earliest.addingTimeInterval(Double(random.next(55 * 86_400)))
            let staff = people[random.next(3)]
            let done: Date? =
                switch random.next(3) {
                case 0: nil
                case 1: due.addingTimeInterval(-Double(random.next(86_400)))
                default: due.addingTimeInterval(Double(1 + random.next(86_400)))
                }
            try await sql.raw(
                """
                INSERT INTO follow_ups (customer_id, staff_id, due_at, channel, purpose, created_at, completed_at)
                VALUES (\(bind: customers[n % 7]), \(bind: staff), \(bind: due), 'phone', '回访', \(bind: earliest), \(bind: done))
                """
            ).run()
            if due >= start, due < min(end, testStart) {
                if let done, done <= due {
                    expected.onTime[staff, default: 0] += 1
                } else {
                    expected.late[staff, default: 0] += 1
                }
            }
        }
        let categories = [
            "service_attitude", "project_facts", "contract_performance", "procedures", "property_site", "other",
        ]
        for n in 0..<40 {
            let category = categories[random.next(categories.count)]
            let at = earliest.addingTimeInterval(Double(random.next(52 * 86_400)))
            try await sql.raw(
                """
                INSERT INTO complaints (number, customer_id, channel, received_at, description, demands, category, severity, acknowledged, apologised,
                  staff_id, state, state_changed_at, reopen_count, escalation_level, created_at, updated_at, version)
                VALUES (\(bind: "TS-2026-\(String(format: "%06d", n + 1))"), \(bind: customers[n % 7]), 'phone', \(bind: at), '物业响应慢', '尽快处理',
                  \(bind: category), 'normal', \(bind: true), \(bind: false), \(bind: people[random.next(3)]), 'received', \(bind: at), 0, 0, \(bind: at), \(bind: at), 1)
                """
            ).run()
            if at >= start, at < end { expected.categories[category, default: 0] += 1 }
        }
        return (expected, lina, zhangwei)
    }

    /// The count a mark's list gives (`page.totalItems`), after reading every page of the list and
    /// checking that the pages hold exactly that many records, none twice.
    static func total(_ t: TestApp, _ path: String, token: String) async throws -> Int {
        var seen: Set<String> = []
        var listed = 0
        var number = 1
        var total = 0
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let url = path + separator + "perPage=100&page=\(number)"
            let (status, text) = try await ContractTests.call(t, .GET, url, token: token)
            #expect(status == .ok, "\(url): \(text)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let page = try #require(object["page"] as? [String: Any])
            let items = try #require(object["items"] as? [[String: Any]])
            total = try #require(page["totalItems"] as? Int)
            #expect(items.count <= 100, "\(url): a page holds at most perPage records")
            for item in items { seen.insert("\(item["recordType"] ?? "")/\(item["id"] ?? "")") }
            listed += items.count
            number += 1
            if number > (try #require(page["totalPages"] as? Int)) { break }
        } while true
        #expect(listed == total, "\(path): the pages hold \(listed) records, the figure says \(total)")
        #expect(seen.count == listed, "\(path): no record is listed twice")
        return total
    }

    @Test(
        "each figure equals a direct count over the generated records, and each mark's list holds exactly what it counts",
        arguments: TestDatabase.available)
    func figuresEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (expected, lina, zhangwei) = try await Self.generate(t)
            let token = try await t.token(.supervisor)
            let range = "from=2026-11-01&to=2026-11-30"
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?\(range)", token: token)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
            #expect(dto.from == "2026-11-01" && dto.to == "2026-11-30")
            #expect(dto.funnel.map(\.stage) == CustomerStage.allCases.map(\.rawValue))
            for row in dto.funnel { #expect(row.count == expected.stages[row.stage, default: 0], "stage \(row.stage)") }
            #expect(dto.funnel.map(\.count).reduce(0, +) == 7)
            #expect(dto.inquiriesByChannel.map(\.channel) == InquiryChannel.allCases.map(\.rawValue))
            for row in dto.inquiriesByChannel {
                #expect(row.count == expected.channels[row.channel, default: 0], "channel \(row.channel)")
                #expect(
                    try await Self.total(
                        t, "/api/v1/reports/records/inquiries-by-channel?key=\(row.channel)&\(range)", token: token)
                        == row.count)
            }
            #expect(dto.inquiriesByChannel.map(\.count).reduce(0, +) > 0)
            #expect(dto.inquiriesByChannel.first { $0.channel == "phone" }?.label == "电话")
            for person in [lina, zhangwei, nil] as [Int?] {
                let row = dto.followUps.first { $0.staffID == person }
                #expect(
                    (row?.onTime ?? 0) == expected.onTime[person, default: 0], "on time \(String(describing: person))")
                #expect((row?.late ?? 0) == expected.late[person, default: 0], "late \(String(describing: person))")
                let key = person.map(String.init) ?? "none"
                #expect(
                    try await Self.total(
                        t, "/api/v1/reports/records/follow-ups-on-time?key=\(key)&\(range)", token: token)
                        == (row?.onTime ?? 0))
                #expect(
                    try await Self.total(t, "/api/v1/reports/records/follow-ups-late?key=\(key)&\(range)", token: token)
                        == (row?.late ?? 0))
            }
            #expect(dto.followUps.first { $0.staffID == lina }?.staffName == "李娜")
            for row in dto.complaintsByCategory {
                #expect(row.count == expected.categories[row.category, default: 0], "category \(row.category)")
                #expect(
                    try await Self.total(
                        t, "/api/v1/reports/records/complaints-by-category?key=\(row.category)&\(range)", token: token)
                        == row.count)
            }
            #expect(dto.complaintsByCategory.first { $0.category == "service_attitude" }?.label == "服务态度")
            #expect(
                Set(dto.complaintsByCategory.map(\.category))
                    == Set([
                        "service_attitude", "project_facts", "contract_performance", "procedures", "property_site",
                        "other",
                    ]))

            // The page draws the same figures: four charts, each mark linking to its records, and each table's numbers.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == SupervisorDashboard.pageChartIDs.count)
                for id in SupervisorDashboard.pageChartIDs {
                    #expect(html.contains("id=\"chart-\(id)\""), "chart \(id)")
                }
                #expect(html.contains("href=\"/customers?stage=intent\""))
                #expect(
                    html.contains(
                        "/reports/records/complaints-by-category?key=service_attitude&amp;from=2026-11-01&amp;to=2026-11-30"
                    ))
                #expect(html.contains("/reports/export/funnel?from=2026-11-01&amp;to=2026-11-30"))
                #expect(!html.contains("<script>"), "no inline script")
            }
            // A CSV Excel opens: BOM, header and one line per category with its count.
            try await t.app.testing().test(
                .GET, "/reports/export/inquiries-by-channel?\(range)",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "csv")
                let body = res.body.string
                #expect(body.hasPrefix("\u{FEFF}项目,咨询数\r\n"))
                let phone = dto.inquiriesByChannel.first { $0.channel == "phone" }?.count ?? -1
                #expect(body.contains("\r\n电话,\(phone)\r\n"))
                #expect(body.components(separatedBy: "\r\n").count - 2 == InquiryChannel.allCases.count)
            }
            // The list behind a mark, as a page.
            try await t.app.testing().test(
                .GET, "/reports/records/complaints-by-category?key=other&\(range)",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let count = dto.complaintsByCategory.first { $0.category == "other" }?.count ?? -1
                #expect(res.body.string.components(separatedBy: "href=\"/complaints/").count - 1 == count)
            }
        }
    }

    @Test(
        "the supervisor and leadership see the dashboard (with its navigation entry); a specialist only their own; liaisons and the administrator are refused"
    )
    func access() async throws {
        try await withApp { t in
            for role in [Role.supervisor, .leadership] {
                let browser = try await t.signIn(role)
                try await t.app.testing().test(.GET, "/reports", beforeRequest: { $0.headers.cookie = browser.cookies })
                { res async throws in
                    #expect(res.status == .ok, "\(role)")
                    #expect(res.body.string.contains("href=\"/reports\""), "navigation entry for \(role)")
                    #expect(res.body.string.contains("所选期间暂无数据"))
                }
                let (status, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/dashboard", token: try await t.token(role))
                #expect(status == .ok)
            }
            let specialist = try await t.signIn(.specialist)
            try await t.app.testing().test(.GET, "/reports", beforeRequest: { $0.headers.cookie = specialist.cookies })
            { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"own-figures\""), "a specialist's own figures")
                #expect(!res.body.string.contains("href=\"/reports/leadership\""), "no links to the team's reports")
            }
            for path in ["/reports/leadership", "/reports/needs", "/reports/step-times", "/reports/monthly"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { $0.headers.cookie = specialist.cookies }) {
                    res async throws in
                    #expect(res.status == .forbidden, "\(path)")
                }
            }
            for role in [Role.liaison, .administrator] {
                let browser = try await t.signIn(role)
                try await t.app.testing().test(.GET, "/reports", beforeRequest: { $0.headers.cookie = browser.cookies })
                { res async throws in
                    #expect(res.status == .forbidden, "\(role)")
                }
                try await t.app.testing().test(.GET, "/", beforeRequest: { $0.headers.cookie = browser.cookies }) {
                    res async throws in
                    #expect(!res.body.string.contains("href=\"/reports\""), "no navigation entry for \(role)")
                }
                for path in ["/api/v1/reports/dashboard", "/api/v1/reports/records/inquiries-by-channel?key=phone"] {
                    let (status, text) = try await ContractTests.call(t, .GET, path, token: try await t.token(role))
                    #expect(status == .forbidden, "\(role) \(path): \(text)")
                }
            }
        }
    }

    @Test(
        "a reversed period, one longer than two years or a date that does not exist: a message at the field keeping what was typed (422), never a 500"
    )
    func badPeriods() async throws {
        try await withApp { t in
            let browser = try await t.signIn(.supervisor)
            let token = try await t.token(.supervisor)
            let cases: [(String, String, String)] = [
                ("from=2026-11-30&to=2026-11-01", "to", "结束日期不能早于开始日期"),
                ("from=2024-01-01&to=2026-11-30", "to", "期间不能超过两年（731 天）"),
                ("from=2026-02-30&to=2026-03-01", "from", "请输入有效日期"),
                ("from=%3Cscript%3E&to=2026-03-01", "from", "请输入有效日期"),
            ]
            for (query, field, message) in cases {
                try await t.app.testing().test(
                    .GET, "/reports?\(query)", beforeRequest: { $0.headers.cookie = browser.cookies }
                ) { res async throws in
                    #expect(res.status == .unprocessableEntity, "\(query)")
                    let html = res.body.string
                    #expect(html.contains(message), "\(query)")
                    #expect(html.contains("id=\"\(field)-error\""))
                    #expect(!html.contains("<svg xmlns="))
                    #expect(!html.contains("<script>"))
                }
                let (status, text) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/dashboard?\(query)", token: token)
                #expect(status == .unprocessableEntity, "\(query): \(text)")
                #expect(text.contains("\"\(field)\""))
                let (csvStatus, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/records/follow-ups-late?key=none&\(query)", token: token)
                #expect(csvStatus == .unprocessableEntity)
            }
            try await t.app.testing().test(
                .GET, "/reports?from=2026-11-30&to=2026-11-01", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.body.string.contains("value=\"2026-11-30\""), "what was typed is kept")
            }
            try await t.app.testing().test(
                .GET, "/reports/export/funnel?from=2026-11-30&to=2026-11-01",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
            }
            for path in ["/reports/export/unknown", "/reports/records/unknown?key=x"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { $0.headers.cookie = browser.cookies }) {
                    res async throws in
                    #expect(res.status == .notFound, "\(path)")
                }
            }
            let (status, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/records/inquiries-by-channel", token: token)
            #expect(status == .unprocessableEntity, "a missing key is named")
        }
    }
}
