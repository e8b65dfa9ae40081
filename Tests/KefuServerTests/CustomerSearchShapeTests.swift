import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 18 §10: search shapes found wanting at a million customers (`bench/run_search.sh`).
@Suite("Customer search shapes (issue 18 §10)")
struct CustomerSearchShapeTests {
    func search(_ t: TestApp, _ query: String, token: String) async throws -> [String] {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? query
        var names: [String] = []
        try await t.app.testing().test(
            .GET, "/api/v1/customers?q=\(encoded)&perPage=100", beforeRequest: { req in req.bearer(token) }
        ) { res async throws in
            #expect(res.status == .ok)
            names = try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name).sorted()
        }
        return names
    }

    @Test(
        "a name with a mobile's last four digits finds the file whose name and mobile tail both match, as masked viewers see them too",
        arguments: TestDatabase.available)
    func nameAndLastFour(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "甲方科技有限公司", "mobile": "13800005678"])
            _ = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "乙方科技有限公司", "mobile": "13900001234"])
            _ = try await createCustomer(
                t, token: lina, ["name": "李娜", "companyName": "丙方物流有限公司", "mobile": "13700005678"])
            let supervisor = try await t.token(.supervisor)
            let before = try await search(t, "张伟", token: supervisor)
            #expect(before == ["张伟", "张伟"])
            for query in ["张伟 5678", "5678 张伟", "甲方 5678"] {
                #expect(try await search(t, query, token: supervisor) == ["张伟"], "\(query)")
            }
            #expect(try await search(t, "张伟 4321", token: supervisor).isEmpty)
            // A colleague sees the mobile masked as 138****5678: the last four are shown, so they may find by them.
            let colleague = try await staffToken(t, "zhangwei")
            #expect(try await search(t, "张伟 5678", token: colleague) == ["张伟"])
            // Four digits alone keep their meaning (a mobile tail or a short code number).
            #expect(try await search(t, "5678", token: supervisor) == ["张伟", "李娜"])
        }
    }

    @Test("the Chinese + four digits shape is recognised only as such")
    func nameAndLastFourShape() throws {
        let plain = try #require(CustomerQueries.nameAndLastFour("张伟 5678"))
        #expect(plain.name == "张伟" && plain.lastFour == "5678")
        let spaced = try #require(CustomerQueries.nameAndLastFour("  5678   浦江科技 "))
        #expect(spaced.name == "浦江科技" && spaced.lastFour == "5678")
        #expect(CustomerQueries.nameAndLastFour("5678").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("pujiang 5678").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("张伟 567").map { $0.name } == nil)
        #expect(CustomerQueries.nameAndLastFour("张伟 5678 1234").map { $0.name } == nil)
    }

    /// Files for the one-character and latin shapes: 王 begins two names, is inside a company, and — on
    /// 赵敏's file — only in the WeChat id, which viewers who see contacts masked may not search.
    func surnameAndLatinFiles(_ t: TestApp) async throws {
        let lina = try await t.token(.specialist)
        for (index, (name, company, email)) in [
            ("王芳", "甲方科技有限公司", nil), ("王伟", "乙方贸易有限公司", nil), ("李娜", "王府井百货有限公司", nil),
            ("孙丽", "戊方物流有限公司", nil), ("周杰", "浦江甲有限公司", "zj@pujiang-tech.cn"),
            ("吴磊", "浦江乙有限公司", "wl@pujiangtech.cn"), ("郑洋", "Pujiang Trading 有限公司", nil),
        ].enumerated() {
            var fields = ["name": name, "companyName": company, "mobile": "1380000100\(index)"]
            fields["email"] = email
            _ = try await createCustomer(t, token: lina, fields)
        }
        var input = CustomerInput()
        input.kind = "company"
        input.name = "赵敏"
        input.companyName = "丙方物流有限公司"
        input.wechatID = "王者88"
        input.source = "phone"
        input.industries = ["technology"]
        try await t.app.testing().test(
            .POST, "/api/v1/customers",
            beforeRequest: { req in
                req.bearer(lina)
                try req.content.encode(input)
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
    }

    /// The ids a statement's FROM and WHERE select.
    func ids(_ t: TestApp, from: SQLQueryString, where condition: SQLQueryString) async throws -> Set<Int> {
        Set(
            try await t.app.db.sql().raw("SELECT customers.id FROM \(from) WHERE \(condition)").all().map {
                try $0.decode(column: "id", as: Int.self)
            })
    }

    @Test(
        "one character and common latin words: the same files as the substring and prefix search, for masked viewers too; the capped count is proved by a part read through an index",
        arguments: TestDatabase.available)
    func oneCharacterAndLatinWords(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            try await surnameAndLatinFiles(t)
            let supervisor = try await t.token(.supervisor)
            let leadership = try await t.token(.leadership)
            #expect(try await search(t, "王", token: supervisor) == ["李娜", "王伟", "王芳", "赵敏"])
            // Seen masked, the WeChat id is not searched: 赵敏's 王 is in nothing shown.
            #expect(try await search(t, "王", token: leadership) == ["李娜", "王伟", "王芳"])
            // A lone character beside a word is looked for as well, not dropped.
            #expect(try await search(t, "王 物流", token: supervisor) == ["赵敏"])
            #expect(try await search(t, "物流 王", token: leadership).isEmpty)
            #expect(try await search(t, "pujiang", token: supervisor) == ["吴磊", "周杰", "郑洋"])
            #expect(try await search(t, "pujiang", token: leadership) == ["郑洋"])

            let everyone = try await t.staff("wangjing").actor
            let masked = try await t.staff("zhaoguoqiang").actor
            let all = Paging(number: 1, size: 100)
            for (text, actor, expected) in [
                ("王", everyone, 4), ("王", masked, 3), ("pujiang", everyone, 3), ("pujiang", masked, 1),
            ] {
                for sort in CustomerFilter.Sort.allCases {
                    let filter = CustomerFilter(text: text, sort: sort)
                    let plain = try await CustomerQueries(database: t.app.db).list(
                        filter, visibleTo: actor, paging: all, now: testStart)
                    #expect(plain.total == expected, "\(text) \(sort)")
                    // Every fragment common, the cap at one: the page is the same, the count capped (2 > 1).
                    let common = CustomerQueries(database: t.app.db, indexedSearchLimit: 1, cap: 1)
                    let capped = try await common.list(filter, visibleTo: actor, paging: all, now: testStart)
                    #expect(capped.items.map(\.id) == plain.items.map(\.id), "\(text) \(sort)")
                    #expect(capped.total == min(expected, 2), "\(text) \(sort)")
                    // The sample holds matches only; on SQLite 王 and pujiang have one.
                    let plan = try await common.plan(filter, visibleTo: actor, now: testStart, indexOrderAllowed: true)
                    if let sample = plan.countSample {
                        let part = try await ids(t, from: sample.from, where: sample.where)
                        #expect(!part.isEmpty && part.isSubset(of: Set(plain.items.map(\.id))), "\(text) \(sort)")
                    } else {
                        #expect(database == .postgres, "\(text) \(sort) has no sample")
                    }
                }
            }
        }
    }

    @Test(
        "one character is a term of the index: a rare surname, the last character of a name and a lone character are found through it, on both databases",
        arguments: TestDatabase.available)
    func oneCharacterTerms(database: TestDatabase) async throws {
        try await withApp(on: database) { (t: TestApp) in
            let lina = try await t.token(.specialist)
            for (index, (name, company)) in [
                ("冷静", "甲方科技有限公司"), ("张冷", "乙方贸易有限公司"), ("李娜", "冷链物流有限公司"), ("孙丽", "丁方物流有限公司"),
            ].enumerated() {
                _ = try await createCustomer(
                    t, token: lina, ["name": name, "companyName": company, "mobile": "1390000200\(index)"])
            }
            let supervisor = try await t.token(.supervisor)
            // First, last and inside a run, as the substring search finds them.
            #expect(try await search(t, "冷", token: supervisor) == ["冷静", "张冷", "李娜"])
            #expect(try await search(t, "冷 物流", token: supervisor) == ["李娜"])
            // A file indexed before characters were terms (its pairs only) is written again by the migration.
            let old: SQLQueryString =
                database == .sqlite
                ? "UPDATE customer_search SET terms = '张冷 乙方 方贸 贸易 易有 有限 限公 公司' WHERE rowid = (SELECT id FROM customers WHERE name = '张冷')"
                : "UPDATE customers SET search_terms = ARRAY['张冷', '乙方', '方贸', '贸易', '易有', '有限', '限公', '公司'] WHERE name = '张冷'"
            try await t.app.db.sql().raw(old).run()
            #expect(try await search(t, "冷", token: supervisor) == ["冷静", "李娜"])
            try await CustomerSearchIndex.rebuild(on: t.app.db, chunk: 2)
            #expect(try await search(t, "冷", token: supervisor) == ["冷静", "张冷", "李娜"])
            let actor = try await t.staff("wangjing").actor
            let plan = try await CustomerQueries(database: t.app.db).plan(
                CustomerFilter(text: "冷", sort: .updated), visibleTo: actor, now: testStart, indexOrderAllowed: true)
            if database == .sqlite {
                let rows = try await t.app.db.sql().raw(
                    "EXPLAIN QUERY PLAN SELECT 1 FROM \(plan.from) WHERE \(plan.where) LIMIT 1001"
                ).all()
                let steps = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(steps.contains("VIRTUAL TABLE"), "read through the index: \(steps)")
            }
        }
    }

    @Test("the one-character sample and the common latin word read their exact term in the index (EXPLAIN QUERY PLAN)")
    func samplesReadAnIndex() async throws {
        try await withApp { (t: TestApp) in
            try await surnameAndLatinFiles(t)
            let actor = try await t.staff("wangjing").actor
            let queries = CustomerQueries(database: t.app.db, indexedSearchLimit: 1)
            for (text, index) in [("王", "VIRTUAL TABLE"), ("pujiang", "VIRTUAL TABLE")] {
                let plan = try await queries.plan(
                    CustomerFilter(text: text, sort: .created), visibleTo: actor, now: testStart,
                    indexOrderAllowed: true)
                let sample = try #require(plan.countSample, "\(text)")
                let rows = try await t.app.db.sql().raw(
                    "EXPLAIN QUERY PLAN SELECT 1 FROM \(sample.from) WHERE \(sample.where) LIMIT 1001"
                ).all()
                let steps = try rows.map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(steps.contains(index), "\(text): \(steps)")
                #expect(!steps.contains("SCAN customers"), "\(text): \(steps)")
            }
            // The latin sample is the whole term; the page keeps the prefix (pujiangtech is found).
            let plan = try await queries.plan(
                CustomerFilter(text: "pujiang", sort: .created), visibleTo: actor, now: testStart,
                indexOrderAllowed: true)
            let latin = try #require(plan.countSample)
            let sampled = try await ids(t, from: latin.from, where: latin.where)
            let matched = try await ids(t, from: plan.from, where: plan.where)
            #expect(sampled.count == 2 && matched.count == 3 && sampled.isSubset(of: matched))
        }
    }
}
