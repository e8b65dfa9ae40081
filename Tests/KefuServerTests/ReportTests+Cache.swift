import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The dashboard's figures are kept for `KEFU_FIGURE_CACHE_SECONDS` (issue 16 "Speed"): a minute old at
/// most, then computed again beside the readers of the last value; one filter's or period's figures
/// never answer another's.
extension ReportFilterTests {
    @Test(
        "the dashboard's figures are kept a minute and computed again after it; a filter or a period is a key of its own"
    )
    func keptFigures() async throws {
        var configuration = KefuConfiguration.testing()
        configuration.figureCacheSeconds = 60
        try await withApp(configuration: configuration) { t in
            let (_, lina, _) = try await ReportTests.generate(t)
            let token = try await t.token(.supervisor)
            func phoneCount(_ dto: SupervisorDashboard.DTO) -> Int {
                dto.inquiriesByChannel.first { $0.channel == "phone" }?.count ?? 0
            }
            let all = try await Self.dashboard(t, "", token: token)
            let linas = try await Self.dashboard(t, "&staff=\(lina)", token: token)
            #expect(linas.followUps.allSatisfy { $0.staffID == lina }, "the filter's own figures, not the team's")
            #expect(
                linas.inquiriesByChannel.map(\.count).reduce(0, +)
                    == (try await Self.count(
                        t,
                        """
                        SELECT COUNT(*) AS n FROM inquiries WHERE received_at >= \(bind: ReportTests.start)
                        AND received_at < \(bind: ReportTests.end) AND staff_id = \(bind: lina)
                        """)))

            // A phone inquiry of the month becomes an e-mail one: within the minute the kept figures stand.
            try await t.app.db.sql().raw(
                """
                UPDATE inquiries SET channel = 'email' WHERE id = (SELECT MIN(id) FROM inquiries WHERE channel = 'phone'
                AND received_at >= \(bind: ReportTests.start) AND received_at < \(bind: ReportTests.end))
                """
            ).run()
            #expect(try await Self.dashboard(t, "", token: token) == all)
            // Another period is another key: read now, it shows the change.
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?from=2026-11-01&to=2026-11-29", token: token)
            #expect(status == .ok)
            let shorter = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
            #expect(shorter.from == "2026-11-01" && shorter.to == "2026-11-29")

            // After the minute the last value is answered once more while it is computed again; then the new one.
            t.clock.advance(by: 61)
            #expect(try await Self.dashboard(t, "", token: token) == all)
            let key = "dashboard:2026-11-01:2026-11-30::zh-Hans"
            while await t.app.figureCache.isRefreshing(key) { try await Task.sleep(for: .milliseconds(5)) }
            let fresh = try await Self.dashboard(t, "", token: token)
            #expect(phoneCount(fresh) == phoneCount(all) - 1)
        }
    }
}
