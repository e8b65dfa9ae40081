import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Inquiries, promised replies and the public inquiry form (issue 4 §1, §6).
@Suite("Inquiries and the public form")
struct InquiryTests {
    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var fields: [String: String] }
        var error: Detail
    }

    func post(_ t: TestApp, _ token: String, _ input: InquiryInput, expect status: HTTPStatus) async throws
        -> InquiryDTO?
    {
        var body: InquiryDTO?
        try await t.app.testing().test(
            .POST, "/api/v1/inquiries",
            beforeRequest: { req in
                req.bearer(token); try req.content.encode(input)
            }
        ) { res async throws in
            #expect(res.status == status, "\(res.body.string)")
            body = try? res.content.decode(InquiryDTO.self)
        }
        return body
    }

    @Test(
        "intake: a new customer answered on the spot, a promised reply with its deadline, bad deadlines refused, duplicates shown"
    )
    func intake() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let answered = try #require(
                try await post(
                    t, lina,
                    InquiryInput(
                        customer: .init(name: "王芳", mobile: "13812345678", companyName: "深圳前海投资有限公司"), channel: "phone",
                        question: "临港园区厂房租金多少？", needs: "2000 平米，明年初", answer: "每天每平米 1.2 元，前三年减半",
                        answeredOnTheSpot: true
                    ), expect: .created))
            #expect(answered.status == "closed" && answered.firstAnsweredAt == testStart)
            #expect(answered.number == "ZX-2026-000001")
            let customerID = try #require(answered.customerID)
            // No deadline, or one in the past: refused at the field, nothing stored.
            _ = try await post(
                t, lina,
                InquiryInput(customerID: customerID, channel: "phone", question: "税收政策？", answeredOnTheSpot: false),
                expect: .unprocessableEntity)
            _ = try await post(
                t, lina,
                InquiryInput(
                    customerID: customerID, channel: "phone", question: "税收政策？", answeredOnTheSpot: false,
                    promisedBy: "2020-01-01 09:00"), expect: .unprocessableEntity)
            // The same mobile again as a new customer: the existing file is shown.
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customer: .init(name: "王芳", mobile: "13812345678"), channel: "phone", question: "再问一次",
                            answer: "已答复"))
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                #expect(res.body.string.contains("possible_duplicate"))
            }
            let deadline = ISO8601DateFormatter().string(from: testStart.addingTimeInterval(4 * 3600))
            let promised = try #require(
                try await post(
                    t, lina,
                    InquiryInput(
                        customerID: customerID, channel: "phone", question: "税收返还比例？",
                        answeredOnTheSpot: false, promisedBy: deadline), expect: .created))
            #expect(promised.status == "promised" && promised.promiseState == "open")
            try await t.app.testing().test(.GET, "/api/v1/inquiries", beforeRequest: { req in req.bearer(lina) }) {
                res async throws in
                #expect(try res.content.decode(PageDTO<InquiryDTO>.self).items.count == 2)
            }
            // Two hours before: due soon; at the deadline still not overdue; a second later overdue.
            t.clock.advance(by: 2 * 3600)
            #expect(try await state(t, lina, promised.id) == "due_soon")
            t.clock.advance(by: 2 * 3600)
            #expect(try await state(t, lina, promised.id) == "due_soon")
            t.clock.advance(by: 1)
            #expect(try await state(t, lina, promised.id) == "overdue")
            // A colleague may not reply to lina's promise; lina closes it, late.
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries/\(promised.id)/reply",
                beforeRequest: { req in
                    req.bearer(colleague); try req.content.encode(InquiriesAPIController.ReplyRequest(reply: "x"))
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries/\(promised.id)/reply",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(InquiriesAPIController.ReplyRequest(reply: "地方留成部分返还 50%"))
                }
            ) { res async throws in
                let body = try res.content.decode(InquiryDTO.self)
                #expect(body.status == "closed" && body.promiseState == "replied_late")
            }
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries/\(promised.id)/reply",
                beforeRequest: { req in
                    req.bearer(lina); try req.content.encode(InquiriesAPIController.ReplyRequest(reply: "again"))
                }
            ) { res async throws in #expect(res.status == .unprocessableEntity) }
            try await t.app.testing().test(
                .GET, "/api/v1/inquiries/figures", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let figures = try res.content.decode(InquiriesAPIController.FiguresDTO.self)
                #expect(figures.promisedReplied == 1 && figures.promisedOnTime == 0 && figures.answered == 2)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/customers/\(customerID)/timeline", beforeRequest: { req in req.bearer(lina) }
            ) { res async throws in
                let kinds = try res.content.decode(PageDTO<CustomersAPIController.TimelineEntryDTO>.self).items.map(
                    \.kind)
                #expect(kinds.filter { $0 == "inquiry" }.count == 2 && kinds.contains("reply"))
            }
        }
    }

    func state(_ t: TestApp, _ token: String, _ id: Int) async throws -> String? {
        var state: String?
        try await t.app.testing().test(.GET, "/api/v1/inquiries/\(id)", beforeRequest: { req in req.bearer(token) }) {
            res async throws in
            state = try res.content.decode(InquiryDTO.self).promiseState
        }
        return state
    }

    func submit(_ t: TestApp, _ fields: [String: String], expect status: HTTPStatus) async throws -> String? {
        var number: String?
        try await t.app.testing().test(
            .POST, "/api/v1/public/inquiries",
            beforeRequest: { req in
                try req.content.encode(fields)
            }
        ) { res async throws in
            #expect(res.status == status, "\(res.body.string)")
            number = try? res.content.decode(PublicInquiryController.Receipt.self).number
        }
        return number
    }

    func waitingCount(_ t: TestApp) async throws -> Int {
        try await InquiryStore(database: t.app.db).list(.init(status: .waiting), paging: Paging(number: 1, size: 1))
            .total
    }

    @Test(
        "the public form: consent required, robots get a number and store nothing, one address is limited, the supervisor assigns"
    )
    func publicForm() async throws {
        try await withApp { t in
            let visitor = [
                "name": "陈先生", "mobile": "139 1234 5678", "company": "成都天府软件有限公司", "intent": "technology",
                "question": "软件园办公室有没有两年免租？",
            ]
            // Without consent: refused at the field, nothing stored.
            _ = try await submit(t, visitor, expect: .unprocessableEntity)
            #expect(try await waitingCount(t) == 0)
            var consenting = visitor
            consenting["consent"] = "true"
            let number = try #require(try await submit(t, consenting, expect: .created))
            #expect(number.hasPrefix("ZX-2026-"))
            #expect(try await waitingCount(t) == 1)
            // The honeypot filled: a receipt, nothing stored.
            var robot = consenting
            robot["website"] = "http://spam.example"
            _ = try await submit(t, robot, expect: .created)
            #expect(try await waitingCount(t) == 1)
            // Five in ten minutes from one address; the sixth is refused.
            for _ in 0..<3 { _ = try await submit(t, consenting, expect: .created) }
            _ = try await submit(t, consenting, expect: .tooManyRequests)
            #expect(try await waitingCount(t) == 4)
            t.clock.advance(by: 601)
            _ = try await submit(t, consenting, expect: .created)
            // The supervisor gives the first to lina: a new file with the visitor's consent.
            let supervisor = try await t.token(.supervisor)
            let lina = try await t.staff("lina")
            let queued = try await InquiryStore(database: t.app.db).list(
                .init(status: .waiting), paging: Paging(number: 1, size: 10)
            ).items
            let first = try #require(queued.last)
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries/\(first.id)/assign",
                beforeRequest: { req in
                    req.bearer(supervisor);
                    try req.content.encode(InquiriesAPIController.AssignRequest(staffID: try lina.requireID()))
                }
            ) { res async throws in
                #expect(res.status == .ok)
                let body = try res.content.decode(InquiryDTO.self)
                #expect(body.status == "open" && body.staffID == lina.id && body.customerID != nil)
                #expect(body.visitorMobile == "13912345678")
            }
            let customer = try #require(
                try await CustomerModel.query(on: t.app.db).filter(\.$mobile == "13912345678").first())
            #expect(
                customer.responsibleStaffID == lina.id && customer.source == "web_form"
                    && customer.consentNoticeVersion == "2026-01")
            // A second inquiry from the same mobile joins the same file.
            let second = try #require(queued.dropLast().last)
            _ = try await InquiryStore(database: t.app.db).assign(
                second.id, to: try lina.requireID(), keepOwner: true, context: .console(now: t.clock.clock.now))
            #expect(try await CustomerModel.query(on: t.app.db).filter(\.$mobile == "13912345678").count() == 1)
            // A specialist sees the queue with the visitor's mobile masked.
            let colleague = try await staffToken(t, "zhangwei")
            try await t.app.testing().test(
                .GET, "/api/v1/inquiries?status=waiting", beforeRequest: { req in req.bearer(colleague) }
            ) { res async throws in
                let items = try res.content.decode(PageDTO<InquiryDTO>.self).items
                #expect(!items.isEmpty && items.allSatisfy { $0.visitorMobile == "139****5678" })
            }
            #expect(try await t.auditEntries("inquiry.submitted").count == 5)
        }
    }

    @Test("round robin gives public inquiries to each active specialist in turn")
    func roundRobin() async throws {
        try await withApp { t in
            var settings = KefuConfiguration.InquirySettings()
            settings.assignment = .roundRobin
            let store = InquiryStore(database: t.app.db)
            var assigned: [Int?] = []
            for index in 0..<3 {
                let inquiry = PublicInquiry(
                    name: "访客\(index)", mobile: "1380000000\(index)", company: nil, intent: nil, question: "问题")
                let (id, _) = try await store.submit(
                    inquiry, noticeVersion: "2026-01", address: "10.0.0.\(index)", context: .console(now: testStart))
                try await InquiryRouting.assignByRule(
                    id, intent: nil, settings: settings, on: t.app.db,
                    context: .console(now: testStart.addingTimeInterval(Double(index))), logger: t.app.logger)
                assigned.append(try await store.find(id)?.staffID)
            }
            let lina = try await t.staff("lina").id, zhangwei = try await t.staff("zhangwei").id
            #expect(Set(assigned.prefix(2).compactMap { $0 }) == Set([lina, zhangwei].compactMap { $0 }))
            #expect(assigned[2] == assigned[0])
        }
    }

    @Test("pages: intake keeps what was typed with the message at the field; the public form asks for consent")
    func pages() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(
                .POST, "/inquiries",
                beforeRequest: { req in
                    try req.form(
                        [
                            "name": "赵先生", "mobile": "12345", "channel": "phone", "question": "园区在哪里？",
                            "outcome": "promised",
                        ], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("mobile-error") && html.contains("promisedBy-error") && html.contains("园区在哪里？"))
            }
            try await t.app.testing().test(.GET, "/inquire") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("name=\"consent\"") && res.body.string.contains("name=\"website\""))
            }
        }
    }

    @Test("the web form's queue counts up to a thousand and says 1000+ beyond: the API, the list's tab, the workbench")
    func queueCountIsCapped() async throws {
        try await withApp { t in
            let sql = try t.app.db.sql()
            try await t.app.db.transaction { tx in
                for index in 0...InquiryStore.countCap {
                    try await tx.sql().raw(
                        """
                        INSERT INTO inquiries (channel, received_at, question, status, visitor_name, created_at, updated_at, version)
                        VALUES ('web_form', \(bind: testStart.addingTimeInterval(Double(-index))), '厂房租金？', 'waiting', '访客', \(bind: testStart), \(bind: testStart), 1)
                        """
                    ).run()
                }
            }
            let stored = try await sql.raw("SELECT COUNT(*) AS n FROM inquiries WHERE status = 'waiting'").first()!
                .decode(column: "n", as: Int.self)
            #expect(stored == InquiryStore.countCap + 1)
            let (_, text) = try await ContractTests.call(
                t, .GET, "/api/v1/inquiries?status=waiting&perPage=5", token: try await t.token(.supervisor))
            struct Listed: Decodable { var id: Int }
            struct Listing: Decodable { var items: [Listed]; var page: PageDTO<InquiryDTO>.Info }
            let page = try JSONDecoder().decode(Listing.self, from: Data(text.utf8))
            #expect(page.items.count == 5)
            #expect(page.page.totalItems == InquiryStore.countCap && page.page.totalIsCapped == true)
            let browser = try await t.signIn(.supervisor)
            for path in ["/inquiries?status=waiting", "/"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { browser.apply(to: &$0) }) { res async in
                    #expect(res.status == .ok)
                    #expect(res.body.string.contains("1000+"), "\(path) says the queue is longer than it counted")
                }
            }
            #expect(DisplayFormat.count(999, cap: 1_000) == "999" && DisplayFormat.count(1_001, cap: 1_000) == "1000+")
        }
    }
}
