import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Creates a customer through the API as the given role; returns the file as the creator sees it.
func createCustomer(
    _ t: TestApp, token: String, _ fields: [String: String], industries: [String] = ["technology"],
    duplicateReason: String? = nil
) async throws -> CustomerDTO {
    var input = CustomerInput()
    input.kind = fields["kind"] ?? "company"
    input.name = fields["name"]
    input.companyName = fields["companyName"]
    input.mobile = fields["mobile"]
    input.email = fields["email"]
    input.creditCode = fields["creditCode"]
    input.source = fields["source"] ?? "phone"
    input.stage = fields["stage"]
    input.city = fields["city"]
    input.industries = industries
    input.duplicateReason = duplicateReason
    input.followUpDueAt = fields["followUpDueAt"]
    input.followUpPurpose = fields["followUpPurpose"]
    var created: CustomerDTO?
    try await t.app.testing().test(
        .POST, "/api/v1/customers",
        beforeRequest: { req in
            req.bearer(token)
            try req.content.encode(input)
        }
    ) { res async throws in
        #expect(res.status == .created, "\(res.body.string)")
        created = try? res.content.decode(CustomerDTO.self)
    }
    return try #require(created)
}

@Suite("Customer files through the API (R4.1–R4.4)")
struct CustomerAPITests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String; var fields: [String: String] }
        var error: Detail
    }

    @Test("a specialist creates a file: a KH-year code, theirs, on the timeline, audited")
    func create() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "138 1234 5678"])
            #expect(customer.code == "KH-2026-000001")
            #expect(customer.mobile == "13812345678")
            #expect(customer.contactVisibility == "full")
            let second = try await createCustomer(
                t, token: token, ["name": "李强", "companyName": "杭州西湖贸易有限公司", "mobile": "13900001111"])
            #expect(second.code == "KH-2026-000002")
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/timeline", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self)
                #expect(page.items.map(\.kind) == ["created"])
            }
            #expect(try await t.auditEntries("customer.created").count == 2)
        }
    }

    @Test("bad input answers 422 with a message per field and stores nothing")
    func badInput() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            try await t.app.testing().test(
                .POST, "/api/v1/customers",
                beforeRequest: { req in
                    req.bearer(token)
                    var input = CustomerInput()
                    input.kind = "company"; input.name = "王芳"; input.mobile = "12345"; input.email = "wang@";
                    input.creditCode = "123"
                    input.source = "carrier-pigeon"; input.stage = "bogus"; input.budgetMinWan = "900";
                    input.budgetMaxWan = "100"
                    try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let body = try res.content.decode(ErrorBody.self)
                #expect(
                    Set(body.error.fields.keys) == [
                        "companyName", "mobile", "email", "creditCode", "source", "stage", "budgetMaxWan",
                    ])
                #expect(body.error.fields["mobile"] == "请输入有效的中国大陆手机号码（11 位）。")
            }
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
        }
    }

    @Test("a duplicate mobile or company is shown with the existing file; creating anyway needs a reason")
    func duplicates() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let first = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await t.app.testing().test(
                .POST, "/api/v1/customers",
                beforeRequest: { req in
                    req.bearer(token)
                    var input = CustomerInput()
                    input.kind = "company"; input.name = "张先生"; input.companyName = "上海浦江科技（集团）股份有限公司";
                    input.mobile = "+86 138 1234 5678"; input.source = "visit"
                    try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                let body = try res.content.decode(CustomersAPIController.DuplicateBody.self)
                #expect(body.error.code == "possible_duplicate")
                #expect(body.duplicates.map(\.id) == [first.id])
                #expect(body.duplicates.first?.reason == .mobile)
            }
            let again = try await createCustomer(
                t, token: token, ["name": "张先生", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"],
                duplicateReason: "同一公司的另一位联系人")
            #expect(again.code == "KH-2026-000002")
            #expect(try await t.auditEntries("customer.created").last?.detail.contains("同一公司的另一位联系人") == true)
        }
    }

    @Test(
        "masking holds per role: the owner and the supervisor see contacts, a colleague and leadership see them masked, a liaison and the administrator nothing"
    )
    func masking() async throws {
        try await withApp { t in
            let owner = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: owner,
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "email": "zhangwei@pujiang.cn"])
            let colleague = try await staffToken(t, "zhangwei")
            let expectations: [(String, String?, HTTPStatus)] = [
                (owner, "13812345678", .ok), (try await t.token(.supervisor), "13812345678", .ok),
                (colleague, "138****5678", .ok), (try await t.token(.leadership), "138****5678", .ok),
                (try await t.token(.liaison), nil, .forbidden), (try await t.token(.administrator), nil, .forbidden),
            ]
            for (token, mobile, status) in expectations {
                try await t.app.testing().test(
                    .GET, "/api/v1/customers/\(customer.id)", beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    #expect(res.status == status)
                    if let mobile { #expect(try res.content.decode(CustomerDTO.self).mobile == mobile) }
                }
                try await t.app.testing().test(
                    .GET, "/api/v1/customers?q=%E5%BC%A0%E4%BC%9F", beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    if status == .ok {
                        let page = try res.content.decode(PageDTO<CustomerSummaryDTO>.self)
                        #expect(page.items.map(\.mobile) == [mobile])
                        #expect(!res.body.string.contains("zhangwei@pujiang.cn") || mobile == "13812345678")
                    } else if res.status == .ok {
                        // A liaison lists only customers forwarded to their department: none here.
                        #expect(try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.isEmpty)
                    } else {
                        #expect(res.status == .forbidden)
                    }
                }
            }
        }
    }

    @Test("a colleague reveals contact details with a reason; the reveal is audited and on the timeline")
    func reveal() async throws {
        try await withApp { t in
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/reveal",
                beforeRequest: { req in
                    req.bearer(colleague); try req.content.encode(["reason": ""])
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/reveal",
                beforeRequest: { req in
                    req.bearer(colleague); try req.content.encode(["reason": "李娜休假，客户来电需回拨"])
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(CustomerDTO.self).mobile == "13812345678")
            }
            let entry = try #require(try await t.auditEntries("customer.contact_revealed").last)
            #expect(entry.actorName == "zhangwei")
            #expect(entry.detail == "李娜休假，客户来电需回拨")
            let leadership = try await t.token(.leadership)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/reveal",
                beforeRequest: { req in
                    req.bearer(leadership); try req.content.encode(["reason": "看看"])
                }
            ) { res async throws in #expect(res.status == .forbidden) }
        }
    }

    @Test("a colleague may not edit another specialist's customer; two saves from one version conflict")
    func editing() async throws {
        try await withApp { t in
            let owner = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: owner, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .PATCH, "/api/v1/customers/\(customer.id)",
                beforeRequest: { req in
                    req.bearer(colleague); var input = CustomerInput(); input.version = customer.version;
                    input.grade = "A"; try req.content.encode(input)
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            try await t.app.testing().test(
                .PATCH, "/api/v1/customers/\(customer.id)",
                beforeRequest: { req in
                    // To intent without a follow-up: the rule asks for one (R3.3); nothing is saved.
                    req.bearer(owner); var input = CustomerInput(); input.version = customer.version; input.grade = "A";
                    input.stage = "intent"; try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("\"followUp\""))
            }
            try await t.app.testing().test(
                .PATCH, "/api/v1/customers/\(customer.id)",
                beforeRequest: { req in
                    req.bearer(owner); var input = CustomerInput(); input.version = customer.version; input.grade = "A";
                    input.stage = "intent"
                    input.followUpDueAt = "2026-12-03T10:00"; input.followUpPurpose = "确认考察时间";
                    try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(try res.content.decode(CustomerDTO.self).version == customer.version + 1)
            }
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .PATCH, "/api/v1/customers/\(customer.id)",
                beforeRequest: { req in
                    req.bearer(supervisor); var input = CustomerInput(); input.version = customer.version;
                    input.grade = "B"; try req.content.encode(input)
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                let body = try res.content.decode(ConflictBody<CustomerDTO>.self)
                #expect(body.current.grade == "A")
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/changes", beforeRequest: { req in req.bearer(owner) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<CustomersAPIController.ChangeDTO>.self)
                #expect(Set(page.items.map(\.field)) == ["grade", "stage"])
                #expect(page.items.first { $0.field == "stage" }?.newValue == "intent")
            }
        }
    }

    @Test("search: two-character names, longer names, company fragments, last four digits, codes")
    func search() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            _ = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            _ = try await createCustomer(
                t, token: token, ["name": "张伟明", "companyName": "苏州工业园区智造有限公司", "mobile": "13900005678"])
            _ = try await createCustomer(
                t, token: token, ["name": "李伟", "companyName": "杭州张伟贸易有限公司", "mobile": "13700001234"])
            _ = try await createCustomer(
                t, token: token,
                ["name": "王芳", "companyName": "深圳前海投资有限公司", "mobile": "13600009999", "email": "wangfang@qianhai.cn"])
            let cases: [(String, [String])] = [
                ("张伟", ["张伟", "张伟明", "李伟"]), ("张伟明", ["张伟明"]), ("浦江科技", ["张伟"]), ("工业园", ["张伟明"]),
                ("5678", ["张伟", "张伟明"]), ("13700001234", ["李伟"]), ("KH-2026-000004", ["王芳"]), ("wangfang@", ["王芳"]),
                ("前海 王芳", ["王芳"]), ("伟明科技", []),
            ]
            for (query, names) in cases {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                try await t.app.testing().test(
                    .GET, "/api/v1/customers?q=\(encoded)&sort=name", beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    let page = try res.content.decode(PageDTO<CustomerSummaryDTO>.self)
                    #expect(Set(page.items.map(\.name)) == Set(names), "query \(query)")
                }
            }
        }
    }

    @Test("a common fragment finds the same files through the index in newest-first order as by reading the list")
    func commonFragmentPaths() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for (index, (name, company)) in [
                ("张伟", "上海浦江传媒有限公司"), ("李娜", "北京传媒科技有限公司"), ("王芳", "深圳前海投资有限公司"),
                ("赵强", "成都传媒广告有限公司"), ("周敏", "杭州媒体传播有限公司"),
            ].enumerated() {
                _ = try await createCustomer(
                    t, token: token, ["name": name, "companyName": company, "mobile": "1391234000\(index)"])
            }
            let supervisor = Actor(staffID: 2, role: .supervisor, departmentID: 1)
            let paging = Paging(number: 1, size: 2)
            for text in ["传媒", "传媒科技", "有限公司 李娜", "伟"] {
                let indexed = CustomerQueries(database: t.app.db)
                // Every fragment counts as common: the index-ordered path (newest first) and the scan.
                let common = CustomerQueries(database: t.app.db, indexedSearchLimit: 0)
                for sort in CustomerFilter.Sort.allCases {
                    let filter = CustomerFilter(text: text, sort: sort)
                    let all = try await indexed.list(
                        filter, visibleTo: supervisor, paging: Paging(number: 1, size: 100), now: testStart)
                    let firstPage = try await common.list(filter, visibleTo: supervisor, paging: paging, now: testStart)
                    #expect(firstPage.total == all.total, "\(text) \(sort)")
                    #expect(firstPage.items.map(\.id) == Array(all.items.prefix(2)).map(\.id), "\(text) \(sort)")
                }
            }
            let media = try await CustomerQueries(database: t.app.db, indexedSearchLimit: 0)
                .list(
                    CustomerFilter(text: "传媒", sort: .created), visibleTo: supervisor,
                    paging: Paging(number: 1, size: 100), now: testStart)
            #expect(media.items.map(\.name) == ["赵强", "李娜", "张伟"])
        }
    }

    @Test("communications are recorded by whoever took the call and show on the timeline; bad ones are refused")
    func communications() async throws {
        try await withApp { t in
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/communications",
                beforeRequest: { req in
                    req.bearer(colleague)
                    try req.content.encode(
                        CommunicationRecordDTO(
                            channel: "phone", direction: "inbound", durationMinutes: 12, summary: "询问临港园区厂房租金",
                            content: "客户关心三年免租政策", nextStep: "周五前发送园区资料"))
                }
            ) { res async throws in #expect(res.status == .created) }
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer.id)/communications",
                beforeRequest: { req in
                    req.bearer(colleague)
                    try req.content.encode(
                        CommunicationRecordDTO(
                            channel: "fax", direction: "sideways", durationMinutes: 5000, summary: " "))
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(
                    Set(try res.content.decode(ErrorBody.self).error.fields.keys) == [
                        "channel", "direction", "durationMinutes", "summary",
                    ])
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customer.id)/timeline", beforeRequest: { req in req.bearer(colleague) }
            ) { res async throws in
                let page = try res.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self)
                #expect(page.items.map(\.kind) == ["communication", "created"])
                #expect(page.items.first?.summary == "询问临港园区厂房租金")
            }
        }
    }

    @Test("the supervisor reassigns a leaving specialist's customers; a specialist may not")
    func reassign() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let a = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let b = try await createCustomer(
                t, token: lina, ["name": "李强", "companyName": "杭州西湖贸易有限公司", "mobile": "13900001111"])
            let zhangwei = try await t.staff("zhangwei")
            try await t.app.testing().test(
                .POST, "/api/v1/customers/reassign",
                beforeRequest: { req in
                    req.bearer(lina);
                    try req.content.encode(
                        CustomersAPIController.ReassignRequest(
                            customerIDs: [a.id], toStaffID: zhangwei.id!, reason: "李娜调岗"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/reassign",
                beforeRequest: { req in
                    req.bearer(supervisor);
                    try req.content.encode(
                        CustomersAPIController.ReassignRequest(
                            customerIDs: [a.id, b.id], toStaffID: zhangwei.id!, reason: "李娜调岗"))
                }
            ) { res async throws in
                #expect(try res.content.decode(CustomersAPIController.ReassignResult.self).moved == 2)
            }
            #expect(try await CustomerModel.find(a.id, on: t.app.db)?.responsibleStaffID == zhangwei.id)
            #expect(try await t.auditEntries("customer.reassigned").count == 2)
        }
    }

    @Test("files not updated for 90 days are listed for review")
    func stale() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            t.clock.advance(by: 91 * 86400)
            _ = try await createCustomer(
                t, token: token, ["name": "李强", "companyName": "杭州西湖贸易有限公司", "mobile": "13900001111"])
            try await t.app.testing().test(
                .GET, "/api/v1/customers?notUpdatedDays=90", beforeRequest: { req in req.bearer(token) }
            ) { res async throws in
                #expect(try res.content.decode(PageDTO<CustomerSummaryDTO>.self).items.map(\.name) == ["张伟"])
            }
        }
    }
}

/// A token for any seeded account by username.
func staffToken(_ t: TestApp, _ username: String) async throws -> String {
    let staff = try await t.staff(username)
    return try await APITokenStore(database: t.app.db).create(
        for: try staff.requireID(), name: "test", context: .console(now: testStart)
    ).1
}

@Suite("Customer export (issue 3 §7)")
struct CustomerExportTests {
    @Test("the supervisor exports unmasked CSV with a BOM, formulas neutralized, audited with filter and count")
    func supervisorExport() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: lina,
                ["name": "=HYPERLINK(\"http://evil\")", "companyName": "+上海浦江科技有限公司", "mobile": "13812345678"])
            _ = try await createCustomer(
                t, token: lina, ["name": "李强", "companyName": "@杭州西湖贸易有限公司", "mobile": "13900001111"])
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .GET, "/api/v1/customers/export?stage=lead", beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "csv")
                let bytes = Array(res.body.readableBytesView)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
                let table = try CSVTable.parse(try CSVText.decode(bytes).text)
                #expect(table.header.first == "客户编号")
                #expect(table.rows.count == 2)
                let names = table.rows.map { $0.fields[2] }
                #expect(names.contains("'=HYPERLINK(\"http://evil\")"))
                #expect(
                    table.rows.contains { $0.fields[3] == "'+上海浦江科技有限公司" }
                        && table.rows.contains { $0.fields[3] == "'@杭州西湖贸易有限公司" })
                #expect(table.rows.contains { $0.fields[5] == "13812345678" })
            }
            let entry = try #require(try await t.auditEntries("customer.exported").last)
            #expect(entry.messageKey == "audit.detail.customers_exported")
            #expect(entry.message.arguments["rows"] == .value("2"))
            guard case .value(let filter) = entry.message.arguments["filter"] else {
                Issue.record("no filter in \(entry.messageArgs)")
                return
            }
            #expect(filter.contains("stage=lead"))
        }
    }

    @Test("leadership exports masked; specialists, liaisons and the administrator may not export")
    func maskedAndRefused() async throws {
        try await withApp { t in
            _ = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await t.app.testing().test(
                .GET, "/api/v1/customers/export", beforeRequest: { req in req.bearer(try await t.token(.leadership)) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("138****5678") && !res.body.string.contains("13812345678"))
            }
            for role in [Role.specialist, .liaison, .administrator] {
                let token = try await t.token(role)
                try await t.app.testing().test(
                    .GET, "/api/v1/customers/export", beforeRequest: { req in req.bearer(token) }
                ) { res async throws in
                    #expect(res.status == .forbidden, "\(role) exported")
                }
            }
            #expect(try await t.auditEntries("customer.exported").count == 1)
        }
    }
}
