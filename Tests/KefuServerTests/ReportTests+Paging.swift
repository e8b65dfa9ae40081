import Foundation
import KefuTesting
import Testing
import Vapor

@testable import KefuServer

/// The lists behind a chart's marks are paged like every other list (issue 16: a drill-down answers in
/// 50 ms however many records a mark counts): a page, the mark's own count, the way to the next page.
extension ReportTests {
    @Test("a mark's list comes a page at a time, newest first, with the mark's count; bad paging is refused")
    func recordListsArePaged() async throws {
        try await withApp { t in
            _ = try await Self.generate(t)
            let token = try await t.token(.supervisor)
            let list = "/api/v1/reports/records/inquiries-received?key=all&from=2026-11-01&to=2026-11-30"
            func page(_ number: Int) async throws -> (items: [[String: Any]], info: [String: Any]) {
                let (status, text) = try await ContractTests.call(
                    t, .GET, list + "&perPage=7&page=\(number)", token: token)
                #expect(status == .ok, "\(text)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                return (
                    try #require(object["items"] as? [[String: Any]]), try #require(object["page"] as? [String: Any])
                )
            }
            let first = try await page(1)
            let second = try await page(2)
            let total = try #require(first.info["totalItems"] as? Int)
            #expect(total > 14, "the generated month holds more than two pages")
            #expect(first.info["size"] as? Int == 7 && first.info["totalPages"] as? Int == (total + 6) / 7)
            #expect(first.items.count == 7 && second.items.count == 7)
            let ids = (first.items + second.items).compactMap { $0["id"] as? Int }
            #expect(Set(ids).count == 14, "the second page goes on where the first ended")
            let times = (first.items + second.items).compactMap { $0["at"] as? String }
            #expect(times == times.sorted(by: >), "newest first across the pages")

            for (query, field) in [("page=0", "page"), ("perPage=101", "perPage"), ("page=x", "page")] {
                let (status, text) = try await ContractTests.call(t, .GET, list + "&" + query, token: token)
                #expect(status == .badRequest, "\(query): \(text)")
                #expect(text.contains("\"\(field)\""), "\(query) names its field: \(text)")
            }

            // The page shows the same page with the way on, keeping the mark and the period.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports/records/inquiries-received?key=all&from=2026-11-01&to=2026-11-30&perPage=7",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<tr><td><a href=").count - 1 == 7)
                #expect(
                    html.contains(
                        "/reports/records/inquiries-received?from=2026-11-01&amp;key=all&amp;perPage=7&amp;to=2026-11-30&amp;page=2"
                    ), "the next page keeps the mark and the period")
                #expect(html.contains("共 \(total) 条"), "the count is the mark's own")
            }
        }
    }
}
