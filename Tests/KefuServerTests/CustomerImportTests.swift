import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Customer import (issue 3 §6)")
struct CustomerImportTests {
    let csv = #"""
        客户姓名,手机号码,公司名称,来源,客户阶段,意向行业,预算下限（万元）,备注
        张伟,138 1234 5678,上海浦江科技有限公司,电话,意向,信息技术,500,展会认识
        李娜,13900001111,杭州西湖贸易有限公司,转介绍,线索,"商业零售,餐饮",200,
        王芳,13700002222,,来访,,,,"备注里有逗号,也有""引号"""

        """#

    func post(_ t: TestApp, _ token: String, _ bytes: [UInt8], query: String) async throws -> (
        HTTPStatus, ImportReport?
    ) {
        var result: (HTTPStatus, ImportReport?) = (.ok, nil)
        try await t.app.testing().test(
            .POST, "/api/v1/customers/imports?\(query)",
            beforeRequest: { req in
                req.bearer(token)
                req.headers.contentType = HTTPMediaType(type: "text", subType: "csv")
                req.body = ByteBuffer(bytes: bytes)
            }
        ) { res async throws in
            result = (res.status, try? res.content.decode(ImportReport.self))
        }
        return result
    }

    @Test("a GB18030 file (what Excel saves in China) is detected, mapped by its Chinese headers and imported")
    func gb18030() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let bytes = try CSVText.encodeGB18030(csv)
            let (status, report) = try await post(t, token, bytes, query: "")
            #expect(status == .ok)
            #expect(report?.encoding == "gb18030")
            #expect(report?.created == 3)
            let zhang = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "张伟").first())
            #expect(
                zhang.mobile == "13812345678" && zhang.source == "phone" && zhang.stage == "intent"
                    && zhang.industries == ",technology,")
            let li = try #require(try await CustomerModel.query(on: t.app.db).filter(\.$name == "李娜").first())
            #expect(li.industries == ",retail,catering,")
            #expect(
                try await CustomerModel.query(on: t.app.db).filter(\.$name == "王芳").first()?.remarks
                    == "备注里有逗号,也有\"引号\"")
            #expect(try await t.auditEntries("customer.imported").count == 1)
        }
    }

    @Test("UTF-8 with a BOM imports the same")
    func utf8BOM() async throws {
        try await withApp { t in
            let (status, report) = try await post(
                t, try await t.token(.specialist), CSVText.encodeForExcel(csv), query: "")
            #expect(status == .ok && report?.encoding == "utf8-bom" && report?.created == 3)
        }
    }

    @Test(
        "a dry run reports every bad row with line and column, and writes nothing; a real run with bad rows writes nothing either"
    )
    func dryRun() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let bad = csv + "赵强,1234,,电话,,,abc,\n,13600003333,,电话,,,,\n"
            let (status, report) = try await post(t, token, Array(bad.utf8), query: "dryRun=true")
            #expect(status == .ok)
            let problems = try #require(report?.problems)
            #expect(problems.contains { $0.line == 5 && $0.field == "mobile" && $0.column.hasPrefix("B") })
            #expect(problems.contains { $0.line == 5 && $0.field == "budgetMinWan" && $0.column.hasPrefix("G") })
            #expect(problems.contains { $0.line == 6 && $0.field == "name" })
            #expect(report?.validRows == 3)
            let (realStatus, _) = try await post(t, token, Array(bad.utf8), query: "")
            #expect(realStatus == .unprocessableEntity)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
        }
    }

    @Test("a broken file (unclosed quote, undecodable bytes) changes nothing")
    func broken() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            let (status, _) = try await post(t, token, Array("客户姓名,手机\n\"张伟,13812345678\n".utf8), query: "")
            #expect(status == .unprocessableEntity)
            let (status2, _) = try await post(t, token, [0x81, 0x20, 0xFF, 0xFE, 0x0A], query: "")
            #expect(status2 == .unprocessableEntity)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
        }
    }

    @Test("duplicates of existing files and within the file are skipped and reported")
    func duplicates() async throws {
        try await withApp { t in
            let token = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let twice = csv + "张伟伟,13900001111,,电话,,,,\n"
            let (status, report) = try await post(t, token, Array(twice.utf8), query: "")
            #expect(status == .ok)
            #expect(report?.created == 2)
            #expect(report?.skippedLines == [2, 5])
            #expect(try await CustomerModel.query(on: t.app.db).count() == 3)
        }
    }

    @Test(
        "a file of more rows than one statement holds is written in chunks: every row once, duplicates skipped and reported by line"
    )
    func largerThanAChunk() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            _ = try await createCustomer(
                t, token: supervisor, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let rows = CustomerImporter.chunk * 2 + 201
            var text = "客户姓名,手机号码,公司名称,来源\n"
            for index in 0..<rows {
                // Line 2 + index; line 1002 repeats line 2's mobile, line 1903 is the file on record.
                let mobile =
                    index == 1000
                    ? "13900000000" : index == 1901 ? "13812345678" : "139\(String(format: "%08d", index))"
                text += "客户\(index),\(mobile),导入\(index)号贸易有限公司,电话\n"
            }
            let (status, report) = try await post(t, supervisor, Array(text.utf8), query: "")
            #expect(status == .ok)
            #expect(report?.totalRows == rows && report?.validRows == rows)
            #expect(report?.duplicateLines == [1002, 1903])
            #expect(report?.skippedLines == [1002, 1903])
            #expect(report?.created == rows - 2)
            #expect(try await CustomerModel.query(on: t.app.db).count() == rows - 1)
            // Each written row once, with its own line on its timeline entry.
            let lines = try await t.app.db.sql().raw(
                "SELECT COUNT(DISTINCT message_args) AS n FROM timeline_entries WHERE message_key = 'timeline.message.imported'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(lines == rows - 2)
            // Every code issued once.
            let codes = try await t.app.db.sql().raw("SELECT COUNT(DISTINCT code) AS n FROM customers").first()?.decode(
                column: "n", as: Int.self)
            #expect(codes == rows - 1)
        }
    }

    @Test("leadership, liaisons and the administrator may not import")
    func refused() async throws {
        try await withApp { t in
            for role in [Role.leadership, .liaison, .administrator] {
                let (status, _) = try await post(t, try await t.token(role), Array(csv.utf8), query: "")
                #expect(status == .forbidden)
            }
        }
    }
}

@Suite("Customer import pages")
struct CustomerImportPageTests {
    func upload(_ t: TestApp, _ browser: Browser, _ text: String, step: String) async throws -> TestingHTTPResponse {
        var response: TestingHTTPResponse?
        try await t.app.testing().test(
            .POST, "/customers/import",
            beforeRequest: { req in
                req.headers.cookie = browser.cookies
                let form = CustomerImportController.UploadForm(
                    file: File(data: ByteBuffer(bytes: CSVText.encodeForExcel(text)), filename: "客户.csv"),
                    encoding: "auto",
                    defaultSource: "phone", duplicates: "skip", step: step)
                try req.content.encode(form, as: .formData)
                req.headers.replaceOrAdd(name: "X-CSRF-Token", value: browser.csrf)
            }
        ) { res async throws in response = res }
        return try #require(response)
    }

    @Test("checking lists problems by line and column; importing shows progress and the result")
    func flow() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            let bad = try await upload(t, lina, "客户姓名,手机号码\n张伟,138\n", step: "check")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("请输入有效的中国大陆手机号码"))
            #expect(bad.body.string.contains("<td>2</td><td>B 手机号码</td>"))
            let good = try await upload(t, lina, "客户姓名,手机号码,来源\n张伟,13812345678,电话\n李娜,13900001111,来访\n", step: "import")
            #expect(good.status == .seeOther)
            let location = try #require(good.headers.first(name: .location))
            var finished = false
            for _ in 0..<50 where !finished {
                try await t.app.testing().test(.GET, location, beforeRequest: { req in lina.apply(to: &req) }) {
                    res async throws in
                    finished = res.body.string.contains("import-result")
                    if finished { #expect(res.body.string.contains("新建 2 个客户档案")) }
                }
                if !finished { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(finished)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 2)
        }
    }

    @Test("a column the header guess misses is mapped by hand, without uploading the file again")
    func manualMapping() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            let first = try await upload(t, lina, "联络人,移动号码\n张伟,13812345678\n", step: "check")
            #expect(first.status == .unprocessableEntity)
            #expect(first.body.string.contains("没有找到“姓名”列"))
            let html = first.body.string
            let token = try #require(
                html.firstRange(of: "name=\"upload\" value=\"").map { String(html[$0.upperBound...].prefix(36)) })
            var response: TestingHTTPResponse?
            try await t.app.testing().test(
                .POST, "/customers/import",
                beforeRequest: { req in
                    try req.form(
                        [
                            "upload": token, "mapping[0]": "name", "mapping[1]": "mobile", "step": "check",
                            "defaultSource": "phone", "duplicates": "skip",
                        ], browser: lina)
                }
            ) { res async throws in response = res }
            #expect(response?.status == .ok)
            #expect(response?.body.string.contains("没有发现问题") == true)
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
            try await t.app.testing().test(
                .POST, "/customers/import",
                beforeRequest: { req in
                    try req.form(
                        [
                            "upload": token, "mapping[0]": "name", "mapping[1]": "mobile", "step": "import",
                            "defaultSource": "phone", "duplicates": "skip",
                        ], browser: lina)
                }
            ) { res async throws in #expect(res.status == .seeOther) }
            for _ in 0..<50 where try await CustomerModel.query(on: t.app.db).count() == 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await CustomerModel.query(on: t.app.db).first()?.mobile == "13812345678")
        }
    }

    /// What Chromium posts when 检查 is pressed again on the check page: multipart, an empty file
    /// part, the kept upload and the `mapping[N]` selects.
    func browserPost(_ t: TestApp, _ browser: Browser, fields: [(String, String)]) async throws -> TestingHTTPResponse {
        let boundary = "----WebKitFormBoundaryKefu10"
        var body = ""
        for (name, value) in [("_csrf", browser.csrf)] + fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body +=
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n"
        body += "--\(boundary)--\r\n"
        var response: TestingHTTPResponse?
        try await t.app.testing().test(
            .POST, "/customers/import",
            beforeRequest: { req in
                req.headers.cookie = browser.cookies
                req.headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
                req.body = ByteBuffer(string: body)
            }
        ) { res async throws in response = res }
        return try #require(response)
    }

    @Test(
        "issue 10 #1: a browser's multipart post with mapping[N] is read — checking again and importing with a changed mapping work"
    )
    func mappingFromTheBrowser() async throws {
        try await withApp { t in
            let lina = try await t.signIn("lina")
            let first = try await upload(t, lina, "联络人,移动号码\n张伟,13812345678\n", step: "check")
            let html = first.body.string
            let token = try #require(
                html.firstRange(of: "name=\"upload\" value=\"").map { String(html[$0.upperBound...].prefix(36)) })
            let common = [("upload", token), ("encoding", "auto"), ("defaultSource", "phone"), ("duplicates", "skip")]
            let check = try await browserPost(
                t, lina, fields: common + [("mapping[0]", "name"), ("mapping[1]", "mobile"), ("step", "check")])
            #expect(check.status == .ok, "\(check.body.string.prefix(300))")
            #expect(check.body.string.contains("没有发现问题"))
            #expect(!check.body.string.contains("JSON"))
            #expect(try await CustomerModel.query(on: t.app.db).count() == 0)
            let run = try await browserPost(
                t, lina, fields: common + [("mapping[0]", "name"), ("mapping[1]", "mobile"), ("step", "import")])
            #expect(run.status == .seeOther)
            for _ in 0..<50 where try await CustomerModel.query(on: t.app.db).count() == 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await CustomerModel.query(on: t.app.db).first()?.mobile == "13812345678")
        }
    }
}

/// Issue 11 #2, the import's side: a file of guessed numbers must not confirm them wholesale.
@Suite("Import checks count as duplicate checks for those who see files masked")
struct ImportDuplicateCheckTests {
    @Test(
        "a specialist's check counts each row matching a file on record, is audited, and is refused whole beyond the hour's allowance; the supervisor's is not limited"
    )
    func importCheckIsLimited() async throws {
        try await withApp { (t: TestApp) in
            let supervisor = try await t.token(.supervisor)
            // Files on record, another specialist's.
            for index in 0..<62 {
                var draft = CustomerDraft()
                draft.kind = "individual"; draft.name = "客户\(index)";
                draft.mobile = "1390000\(String(format: "%04d", index))"; draft.source = "phone"
                _ = try await CustomerStore(database: t.app.db).create(
                    try CustomerValidation.validate(draft).get(),
                    responsibleStaffID: try await t.staff("zhangwei").requireID(), duplicateReason: nil,
                    context: .console(now: testStart))
            }
            func csv(_ count: Int) -> [UInt8] {
                Array(
                    ("客户姓名,手机号码\n"
                        + (0..<count).map { "猜测\($0),1390000\(String(format: "%04d", $0))" }.joined(separator: "\n"))
                        .utf8)
            }
            let lina = try await t.token(.specialist)
            let small = try await CustomerImportTests().post(t, lina, csv(2), query: "dryRun=true")
            #expect(small.0 == .ok && small.1?.duplicateLines.count == 2)
            let hits = try await t.app.db.sql().raw(
                "SELECT COUNT(*) AS n FROM rate_limit_hits WHERE bucket = 'duplicate_check'"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(hits == 2)
            #expect(try await t.auditEntries("customer.import_checked").count == 1)
            let large = try await CustomerImportTests().post(t, lina, csv(61), query: "dryRun=true")
            #expect(large.0 == .tooManyRequests && large.1 == nil)
            #expect(try await t.auditEntries("customer.import_checked").count == 2)
            let supervisorCheck = try await CustomerImportTests().post(t, supervisor, csv(62), query: "dryRun=true")
            #expect(supervisorCheck.0 == .ok && supervisorCheck.1?.duplicateLines.count == 62)
        }
    }
}
