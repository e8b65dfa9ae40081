import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The customer-needs and market analysis (R2.2): each dimension's counts this period and the one before
/// equal a direct count over generated customers and reactions on both databases; the list behind a bar
/// holds what it counts; the largest rise is named in words; only the supervisor and leadership see it.
@Suite("Reports: the needs and market analysis equals the customers and reactions it counts (R2.2)")
struct NeedsReportTests {
    static let industries = ["technology", "manufacturing", "logistics", "retail", "biomedicine"]
    static let provinces: [String?] = ["江苏", "浙江", "上海", nil]
    static let timings = InvestmentTiming.allCases.map(\.rawValue)
    static let reasons = ["租金偏高", "位置偏远", "面积不合适"]

    struct Expected {
        /// [dimension: [key: [current, previous]]]
        var counts: [NeedsFigures.Dimension: [String: [Int]]] = [:]
        mutating func add(_ dimension: NeedsFigures.Dimension, _ key: String, _ period: Int) {
            counts[dimension, default: [:]][key, default: [0, 0]][period] += 1
        }
    }

    /// 0: November 2026, 1: 2–31 October 2026 (the period before), nil: neither.
    static func which(_ at: Date) -> Int? {
        let compared = ServiceReportTests.compared(at)
        return compared == 2 ? nil : compared
    }

    static func generate(_ t: TestApp) async throws -> Expected {
        var random = ReportTests.Generator(state: 20_261_203)
        var expected = Expected()
        let token = try await t.token(.specialist)
        let sql = try t.app.db.sql()
        let start = ReportTests.start
        var customers: [Int] = []
        for n in 0..<24 {
            let chosen = Array(Set([industries[random.next(5)], industries[random.next(5)]])).sorted()
            let id = try await createCustomer(
                t, token: token, ["name": "客户\(n)", "companyName": "需求分析样本\(n)有限公司", "mobile": "1350000\(3000 + n)"],
                industries: chosen
            ).id
            customers.append(id)
            let at = start.addingTimeInterval(-35 * 86_400 + Double(random.next(70 * 86_400)))
            let province = provinces[random.next(4)]
            let low: Int64? = random.next(4) == 0 ? nil : Int64(random.next(8_000)) * 10_000
            let high: Int64? = low.flatMap { random.next(3) == 0 ? nil : $0 + Int64(random.next(3_000)) * 10_000 }
            let timing = timings[random.next(timings.count)]
            let merged = n == 23
            try await sql.raw(
                """
                UPDATE customers SET created_at = \(bind: at), province = \(bind: province), budget_min_yuan = \(bind: low), budget_max_yuan = \(bind: high),
                  timing = \(bind: timing), merged_into_id = \(bind: merged ? customers[0] : nil as Int?) WHERE id = \(bind: id)
                """
            ).run()
            if !merged, let period = which(at) {
                for industry in chosen { expected.add(.industry, industry, period) }
                expected.add(.region, province ?? NeedsFigures.none, period)
                expected.add(.budget, BudgetBand.of(minYuan: low, maxYuan: high).rawValue, period)
                expected.add(.timing, timing, period)
            }
        }
        let types = ProjectType.allCases.map(\.rawValue)
        var projects: [(id: Int, type: String)] = []
        for (index, type) in types.enumerated() {
            let id = try await sql.raw(
                """
                INSERT INTO projects (code, name, type, industries, status, created_at, updated_at, version)
                VALUES (\(bind: "XM-\(index)"), \(bind: "示范项目\(index)"), \(bind: type), ',technology,', 'open', \(bind: start), \(bind: start), 1) RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
            projects.append((id, type))
        }
        let reactions = Reaction.allCases.map(\.rawValue)
        for n in 0..<60 {
            let project = projects[random.next(projects.count)]
            let reaction: String? = random.next(6) == 0 ? nil : reactions[random.next(reactions.count)]
            let at = start.addingTimeInterval(-35 * 86_400 + Double(random.next(70 * 86_400)))
            let reason: String? =
                reaction == "not_interested" ? (random.next(4) == 0 ? nil : reasons[random.next(reasons.count)]) : nil
            try await sql.raw(
                """
                INSERT INTO recommendations (customer_id, project_id, project_version, recommended_at, presentation, material, score, explanation,
                  reaction, reaction_reason, reaction_at)
                VALUES (\(bind: customers[n % 20]), \(bind: project.id), 1, \(bind: at.addingTimeInterval(-3_600)), 'phone', 'brochure', 60, '行业相符',
                  \(bind: reaction), \(bind: reason), \(bind: reaction == nil ? nil : at as Date?))
                """
            ).run()
            if let reaction, let period = which(at) {
                if reaction == "not_interested" {
                    expected.add(.rejectionReason, reason ?? NeedsFigures.none, period)
                } else {
                    expected.add(.projectType, project.type, period)
                }
            }
        }
        return expected
    }

    @Test(
        "each dimension this period and the one before equals a direct count, and each bar's list holds exactly what it counts",
        arguments: TestDatabase.available)
    func needsEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let expected = try await Self.generate(t)
            let token = try await t.token(.leadership)
            let range = "from=2026-11-01&to=2026-11-30"
            let (status, text) = try await ContractTests.call(t, .GET, "/api/v1/reports/needs?\(range)", token: token)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(NeedsReport.DTO.self, from: Data(text.utf8))
            #expect(dto.previousFrom == "2026-10-02" && dto.previousTo == "2026-10-31")
            #expect(dto.dimensions.map(\.dimension) == NeedsFigures.Dimension.allCases.map(\.rawValue))
            for entry in dto.dimensions {
                let dimension = NeedsFigures.Dimension(rawValue: entry.dimension)!
                let want = expected.counts[dimension] ?? [:]
                for value in entry.values {
                    #expect(
                        [value.current, value.previous] == (want[value.key] ?? [0, 0]),
                        "\(entry.dimension) \(value.key)")
                    #expect(value.change == value.current - value.previous)
                    let key = value.key.addingPercentEncoding(withAllowedCharacters: SupervisorDashboard.unreserved)!
                    #expect(
                        try await ReportTests.total(
                            t, "/api/v1/reports/needs/records/\(entry.dimension)?key=\(key)&\(range)", token: token)
                            == value.current,
                        "\(entry.dimension) \(value.key) list")
                }
                // Every need of either period is listed (free texts and places: up to fifteen).
                #expect(Set(want.keys).isSubset(of: Set(entry.values.map(\.key))), "\(entry.dimension) misses a key")
                let changes = entry.values.map { NeedChange(key: $0.key, current: $0.current, previous: $0.previous) }
                if let top = NeedsTrend.callouts(changes).growing.first {
                    #expect(
                        entry.summary.contains(
                            "增长最快：" + entry.values.first { $0.key == top.key }!.label + "（+\(top.change)）"),
                        "\(entry.summary)")
                }
            }
            #expect(dto.dimensions.first { $0.dimension == "industry" }!.values.map(\.current).reduce(0, +) > 0)
            #expect(
                dto.dimensions.first { $0.dimension == "budget" }!.values.contains {
                    $0.key == "unknown" && $0.label == "未填写"
                })

            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports/needs?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == NeedsFigures.Dimension.allCases.count)
                #expect(
                    html.contains(
                        "/reports/needs/records/industry?key=technology&amp;from=2026-11-01&amp;to=2026-11-30"))
                #expect(
                    html.contains(
                        "/reports/needs/records/industry?key=technology&amp;from=2026-10-02&amp;to=2026-10-31"))
                #expect(html.contains("2026-10-02 – 2026-10-31"))
            }
            try await t.app.testing().test(
                .GET, "/reports/needs/export/timing?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.hasPrefix("\u{FEFF}项目,本期,上期,变化\r\n"))
            }
        }
    }

    @Test(
        "bad input on the needs analysis is a message or 404, never a 500; specialists, liaisons and the administrator are refused"
    )
    func badInputAndAccess() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for (path, field) in [
                ("/api/v1/reports/needs?from=2026-11-30&to=2026-11-01", "to"),
                ("/api/v1/reports/needs/records/industry?from=2026-11-01&to=2026-11-30", "key"),
                ("/api/v1/reports/needs/records/industry?key=\(String(repeating: "x", count: 201))", "key"),
            ] {
                let (status, text) = try await ContractTests.call(t, .GET, path, token: token)
                #expect(status == .unprocessableEntity, "\(path): \(text)")
                #expect(text.contains("\"\(field)\""), "\(path): \(text)")
            }
            let (unknown, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/needs/records/horoscope?key=x", token: token)
            #expect(unknown == .notFound)
            for role in [Role.specialist, .liaison, .administrator] {
                let (status, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/needs", token: try await t.token(role))
                #expect(status == .forbidden, "\(role)")
                let (list, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/needs/records/industry?key=technology", token: try await t.token(role))
                #expect(list == .forbidden, "\(role)")
            }
        }
    }
}
