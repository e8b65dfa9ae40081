import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 10 improvement 6: the import template, header synonyms, owner rules and partial import.
extension FrontLineImprovementTests {
    // MARK: - 6. Import

    @Test(
        "import: the template downloads and imports as it is; 客户来源 and 投资预算 \"500-1500万\" are understood; a bad budget names its column"
    )
    func importTemplateAndSynonyms() async throws {
        try await withApp { (t: TestApp) in
            let lina = try await t.signIn("lina")
            let template = try await get(t, "/customers/import/template.csv", as: lina)
            #expect(
                template.status == .ok
                    && template.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let text = template.body.string
            #expect(text.hasPrefix("\u{FEFF}客户姓名,手机号码") && text.contains("500-1500万"))
            let token = try await t.token(.specialist)
            func post(_ csv: String, dryRun: Bool) async throws -> (HTTPStatus, ImportReport?) {
                var result: (HTTPStatus, ImportReport?) = (.ok, nil)
                try await t.app.testing().test(
                    .POST, "/api/v1/customers/imports?dryRun=\(dryRun)",
                    beforeRequest: { req in
                        req.bearer(token)
                        req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                        req.body = ByteBuffer(string: csv)
                    }
                ) { res async throws in result = (res.status, try? res.content.decode(ImportReport.self)) }
                return result
            }
            // The template as downloaded is a valid file.
            let (checked, report) = try await post(text, dryRun: true)
            #expect(checked == .ok && report?.problems.isEmpty == true)
            let csv = "姓名,手机,客户来源,投资预算\n陈东,13600001111,转介绍,500-1500万\n林西,13600002222,来访,1500万以上\n"
            let (status, imported) = try await post(csv, dryRun: false)
            #expect(status == .ok && imported?.created == 2)
            let chen = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "陈东").first())
            #expect(chen.source == "referral" && chen.budgetMinYuan == 5_000_000 && chen.budgetMaxYuan == 15_000_000)
            let lin = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "林西").first())
            #expect(lin.budgetMinYuan == 15_000_000 && lin.budgetMaxYuan == nil)
            let (_, bad) = try await post("姓名,投资预算\n赵北,面议\n", dryRun: true)
            #expect(bad?.problems.first?.column == "B 投资预算", "the problem names the column people typed")
        }
    }

    @Test(
        "import: partial import writes the good lines and reports the others; the rejected rows download with their problems; all-or-nothing stays the default",
        arguments: TestDatabase.available)
    func partialImport(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let token = try await t.token(.specialist)
            let csv = "姓名,手机,投资预算\n陈东,13600001111,500-1500万\n,13600002222,100\n林西,12345,200\n周南,13600003333,\n"
            func post(_ query: String) async throws -> TestingHTTPResponse {
                var response: TestingHTTPResponse?
                try await t.app.testing().test(
                    .POST, "/api/v1/customers/imports?\(query)",
                    beforeRequest: { req in
                        req.bearer(token)
                        req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                        req.body = ByteBuffer(string: csv)
                    }
                ) { res async throws in response = res }
                return try #require(response)
            }
            let whole = try await post("")
            let countAfterWhole = try await CustomerModel.query(on: t.app.db).count()
            #expect(whole.status == .unprocessableEntity && countAfterWhole == 0, "all or nothing by default")
            let rejected = try await post("rejected=csv")
            #expect(rejected.status == .ok && rejected.headers.contentType?.subType == "csv")
            let file = rejected.body.string
            #expect(file.hasPrefix("\u{FEFF}行号,姓名,手机,投资预算,问题"))
            #expect(
                file.contains("3,,13600002222,100,") && file.contains("4,林西,12345,200,"), "each rejected line as it was"
            )
            #expect(!file.contains("陈东") && !file.contains("周南"), "good lines are not in it")
            let partial = try await post("partial=true")
            let report = try partial.content.decode(ImportReport.self)
            #expect(partial.status == .ok && report.created == 2 && Set(report.problems.map(\.line)) == [3, 4])
            let names = try await CustomerModel.query(on: t.app.db).all().map(\.name).sorted()
            #expect(names == ["周南", "陈东"])
        }
    }

    @Test(
        "import: owner rules — a specialist's files are their own (others refused, nothing written); the supervisor gives them to one person or deals them in turn",
        arguments: TestDatabase.available)
    func importOwnerRules(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let csv = "姓名,手机\n陈东,13600001111\n林西,13600002222\n周南,13600003333\n吴北,13600004444\n"
            func post(_ token: String, _ query: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await t.app.testing().test(
                    .POST, "/api/v1/customers/imports?\(query)",
                    beforeRequest: { req in
                        req.bearer(token)
                        req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                        req.body = ByteBuffer(string: csv)
                    }
                ) { res async throws in status = res.status }
                return status
            }
            let lina = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
            #expect(try await post(try await t.token(.specialist), "owner=\(zhangwei)") == .unprocessableEntity)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0, "refused: nothing written")
            let supervisor = try await t.token(.supervisor)
            #expect(try await post(supervisor, "owner=round_robin") == .ok)
            let owners = try await CustomerModel.query(on: t.app.db).sort(\.$id).all().map(\.responsibleStaffID)
            #expect(owners == [lina, zhangwei, lina, zhangwei])
            #expect(try await post(supervisor, "owner=\(zhangwei)&duplicates=import") == .ok)
            let last = try await CustomerModel.query(on: t.app.db).sort(\.$id, .descending).limit(4).all().map(
                \.responsibleStaffID)
            #expect(last == [zhangwei, zhangwei, zhangwei, zhangwei])
            let page = try await get(t, "/customers/import", as: try await t.signIn(.supervisor)).body.string
            #expect(page.contains("id=\"owner\"") && page.contains("轮流分配给各专员"))
            #expect(
                !(try await get(t, "/customers/import", as: try await t.signIn("lina")).body.string.contains(
                    "id=\"owner\"")))
        }
    }
}
