import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor

@testable import KefuServer

/// Search must give the same results on SQLite and PostgreSQL (issue 3 §5): the same customers are
/// stored in both, the same queries asked of both.
@Suite("Customer search parity", .enabled(if: testPostgresURL != nil, "set KEFU_TEST_POSTGRES_URL to run"), .serialized)
struct CustomerSearchParityTests {
    static let people: [(String, String, String, String?)] = [
        ("张伟", "上海浦江科技有限公司", "13812345678", "zhangwei@pujiang.cn"),
        ("张伟明", "苏州工业园区智造有限公司", "13900005678", nil),
        ("李伟", "杭州张伟贸易有限公司", "13700001234", nil),
        ("王芳", "深圳前海投资有限公司", "13600009999", "wangfang@qianhai.cn"),
        ("欧阳娜娜", "ABC Trading Co., Ltd.", "15000001111", "nana@abc-trading.com"),
        ("赵强", "成都天府软件园发展有限公司", "18600002222", nil),
    ]
    static let queries = [
        "张伟", "张伟明", "浦江科技", "工业园", "5678", "13700001234", "KH-2026-000004", "wangfang@", "前海 王芳",
        "伟明科技", "abc", "trading", "欧阳", "软件园", "天府软件", "张", "有限公司",
    ]

    func results(_ t: TestApp) async throws -> [String: Set<String>] {
        let context = AuditContext.console(now: testStart)
        for (name, company, mobile, email) in Self.people {
            var draft = CustomerDraft()
            draft.kind = "company"; draft.name = name; draft.companyName = company; draft.mobile = mobile;
            draft.email = email ?? ""
            draft.source = "phone"
            let created = try await CustomerStore(database: t.app.db).create(
                try CustomerValidation.validate(draft).get(), responsibleStaffID: nil,
                duplicateReason: "parity", context: context)
            // The file page reads a customer with its own statement; it must see what Fluent sees.
            let id = try created.requireID()
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let read = try #require(try await CustomerModel.read(id, on: t.app.db))
            let found = try #require(try await CustomerModel.find(id, on: t.app.db))
            #expect(try encoder.encode(read) == encoder.encode(found))
        }
        let supervisor = Actor(staffID: 2, role: .supervisor, departmentID: 1)
        var answers: [String: Set<String>] = [:]
        for query in Self.queries {
            let (rows, _) = try await CustomerQueries(database: t.app.db).list(
                CustomerFilter(text: query), visibleTo: supervisor,
                paging: Paging(number: 1, size: 100), now: testStart)
            answers[query] = Set(rows.map(\.name))
        }
        return answers
    }

    @Test("every query shape answers the same on both databases")
    func parity() async throws {
        var sqlite: [String: Set<String>] = [:]
        var postgres: [String: Set<String>] = [:]
        try await withApp { t in sqlite = try await results(t) }
        try await withPostgresApp { t in postgres = try await results(t) }
        for query in Self.queries {
            #expect(
                sqlite[query] == postgres[query],
                "\(query): SQLite \(sqlite[query] ?? []) vs PostgreSQL \(postgres[query] ?? [])")
        }
        #expect(sqlite["张伟"] == ["张伟", "张伟明", "李伟"])
        #expect(sqlite["abc"] == ["欧阳娜娜"])
        #expect(sqlite["张"]?.count == 3)
    }
}
