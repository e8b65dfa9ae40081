import Fluent
import Foundation
import KefuDomain
import KefuTesting
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The front line's pages, the workbench and project brochures (R3.1–R3.3).
extension FrontLineTests {
    @Test("pages: catalog, a project's versions, the ranking in words, follow-ups with the rule's message")
    func pages() async throws {
        try await withApp { t in
            let supervisorToken = try await t.token(.supervisor)
            let park = try await createProject(
                t, supervisorToken,
                project("XM-2026-001", "苏州科技园", industries: ["technology"], city: "苏州", min: "100", max: "1000"))
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            // A file imported at the intent stage, before any plan: the rule's message shows on its follow-ups.
            try await t.app.db.sql().raw("UPDATE customers SET stage = 'intent' WHERE id = \(bind: customer.id)").run()
            let lina = try await t.signIn("lina")
            try await t.app.testing().test(.GET, "/projects", beforeRequest: { req in lina.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("苏州科技园") && !res.body.string.contains("id=\"new-project\""))
            }
            try await t.app.testing().test(.GET, "/projects/\(park.id)", beforeRequest: { req in lina.apply(to: &req) })
            { res async throws in
                #expect(res.body.string.contains("第 1 版"))
            }
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id)/recommendations", beforeRequest: { req in lina.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("苏州科技园"))
                #expect(!res.body.string.contains("ranking."), "every reason is in words")
            }
            try await t.app.testing().test(
                .GET, "/customers/\(customer.id)/follow-ups", beforeRequest: { req in lina.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("id=\"needs-plan\""))
            }
            try await t.app.testing().test(
                .POST, "/customers/\(customer.id)/follow-ups",
                beforeRequest: { req in
                    try req.form(["dueAt": "2020-01-01T09:00", "channel": "phone", "purpose": "回访"], browser: lina)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(
                    res.body.string.contains("dueAt-error") && res.body.string.contains("回访"),
                    "the message at the field, the text kept")
            }
            let supervisor = try await t.signIn("wangjing")
            try await t.app.testing().test(
                .POST, "/projects",
                beforeRequest: { req in
                    try req.form(
                        [
                            "code": "XM-2026-009", "name": "园区", "type": "industrial_park",
                            "industries[]": "technology",
                            "investmentMinWan": "900", "investmentMaxWan": "100", "status": "open",
                        ], browser: supervisor)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("investmentMaxWan-error"))
            }
        }
    }

    @Test(
        "the workbench: a specialist's promised replies, follow-ups, waiting web inquiries and customers assigned today; the supervisor's team"
    )
    func workbench() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina,
                [
                    "name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678", "stage": "intent",
                    "followUpDueAt": ISO8601DateFormatter().string(from: testStart.addingTimeInterval(1800)),
                    "followUpPurpose": "确认考察时间",
                ])
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "电费怎么算？", answeredOnTheSpot: false,
                            promisedBy: ISO8601DateFormatter().string(from: testStart.addingTimeInterval(3600))))
                }
            ) { res async throws in #expect(res.status == .created) }
            try await t.app.testing().test(
                .POST, "/api/v1/public/inquiries",
                beforeRequest: { req in
                    try req.content.encode([
                        "name": "陈先生", "mobile": "13912345678", "question": "有没有冷库？", "consent": "true",
                    ])
                }
            ) { res async throws in #expect(res.status == .created) }
            let browser = try await t.signIn("lina")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                let html = res.body.string
                #expect(html.contains("id=\"workbench-promises\"") && html.contains("电费怎么算？"))
                #expect(html.contains("确认考察时间"))
                #expect(
                    html.contains("有没有冷库？") && html.contains("139****5678"),
                    "the queue shows, the visitor's mobile masked")
                #expect(html.contains("id=\"workbench-assigned\"") && html.contains(customer.code))
            }
            t.clock.advance(by: 7200)
            let supervisor = try await t.signIn("wangjing")
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in supervisor.apply(to: &req) }) {
                res async throws in
                let html = res.body.string
                #expect(html.contains("id=\"team\""))
                let linaID = try await t.staff("lina").id ?? 0
                #expect(
                    html.contains("<a href=\"/inquiries?status=promised&amp;staff=\(linaID)\">1</a>")
                        || html.contains("<a href=\"/inquiries?status=promised&staff=\(linaID)\">1</a>"))
                #expect(
                    html.contains("/follow-ups?view=overdue&staff=\(linaID)\">1</a>")
                        || html.contains("/follow-ups?view=overdue&amp;staff=\(linaID)\">1</a>"))
            }
        }
    }

    @Test(
        "brochures: type, content and size checked; stored outside the public folder; downloads only for those who may read the catalog"
    )
    func brochures() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("kefu-files-\(UUID().uuidString)").path
        var configuration = KefuConfiguration.testing()
        configuration.dataDirectory = data
        defer { try? FileManager.default.removeItem(atPath: data) }
        try await withApp(configuration: configuration) { t in
            let supervisor = try await t.token(.supervisor)
            let park = try await createProject(
                t, supervisor,
                project("XM-2026-001", "苏州科技园", industries: ["technology"], city: "苏州", min: "100", max: "1000"))
            func upload(_ name: String, _ bytes: [UInt8], token: String) async throws -> HTTPStatus {
                var status = HTTPStatus.ok
                try await t.app.testing().test(
                    .POST, "/api/v1/projects/\(park.id)/files",
                    beforeRequest: { req in
                        req.bearer(token)
                        try req.content.encode(
                            ProjectsAPIController.UploadForm(
                                file: File(data: ByteBuffer(bytes: bytes), filename: name)), as: .formData)
                    }
                ) { res async throws in status = res.status }
                return status
            }
            let pdf = Array("%PDF-1.7\n招商手册".utf8)
            #expect(try await upload("园区招商手册.pdf", pdf, token: supervisor) == .created)
            #expect(try await upload("伪装.pdf", Array("<html><script>".utf8), token: supervisor) == .unprocessableEntity)
            #expect(try await upload("程序.exe", Array("MZ".utf8), token: supervisor) == .unprocessableEntity)
            #expect(try await upload("空.pdf", [], token: supervisor) == .unprocessableEntity)
            #expect(try await upload("手册.pdf", pdf, token: try await t.token(.specialist)) == .forbidden)
            let stored = try #require(
                try await ProjectFileStore(database: t.app.db, dataDirectory: data).list(projectID: park.id).first)
            #expect(stored.fileName == "园区招商手册.pdf" && stored.byteCount == pdf.count)
            #expect(FileManager.default.fileExists(atPath: data + "/files/projects/\(park.id)/" + stored.storedName))
            try await t.app.testing().test(
                .GET, "/api/v1/projects/\(park.id)/files/\(stored.id)",
                beforeRequest: { req in req.bearer(try await t.token(.specialist)) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(Array(res.body.readableBytesView) == pdf)
                #expect(res.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            }
            try await t.app.testing().test(
                .GET, "/api/v1/projects/\(park.id)/files/\(stored.id)",
                beforeRequest: { req in req.bearer(try await t.token(.administrator)) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            #expect(try await t.auditEntries("project.file_added").count == 1)
        }
    }
}
