import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13 §5: the satisfaction survey after a complaint closes — an unguessable link that works
/// once, expires and cannot be altered; the score given to each person and department that handled
/// the complaint; a low score tells the supervisor.
@Suite("Satisfaction surveys: single-use links, attribution, low scores (R1.1, R5.3)")
struct SurveyTests {
    /// A complaint of 李娜's forwarded to the 法务部, answered by 周敏, the customer told by 张伟 and by 李娜, closed.
    static func closedComplaint(_ t: TestApp) async throws -> ComplaintsAPIController.ComplaintDTO {
        let lina = try await t.token(.specialist), liaison = try await t.token(.liaison),
            supervisor = try await t.token(.supervisor)
        var complaint = try await ComplaintTests.file(t, token: lina)
        var (_, body) = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaints/\(complaint.id)/forwards", token: lina,
            [
                "departmentID": .number(Double(try await ComplaintTests.legalDepartment(t))), "request": "请核实",
                "dueAt": "2026-12-02T17:00",
                "version": .number(Double(complaint.version)),
            ])
        complaint = try ComplaintTests.decode(body)
        let forward = try #require(complaint.forwards?.first)
        _ = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaint-forwards/\(forward.id)/answer", token: liaison,
            ["answer": "已核实", "version": 1])
        complaint = try await ComplaintTests.get(t, complaint.id, token: lina)
        (_, body) = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: supervisor,
            [
                "kind": "progress", "channel": "phone", "content": "主管致电说明进展",
                "version": .number(Double(complaint.version)),
            ])
        complaint = try ComplaintTests.decode(body)
        (_, body) = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaints/\(complaint.id)/updates", token: lina,
            [
                "kind": "outcome", "channel": "wechat", "content": "已处理完毕", "customerAccepts": true,
                "version": .number(Double(complaint.version)),
            ])
        complaint = try ComplaintTests.decode(body)
        (_, body) = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaints/\(complaint.id)/steps", token: lina,
            ["step": "close", "version": .number(Double(complaint.version))])
        return try ComplaintTests.decode(body)
    }

    static func issue(_ t: TestApp, _ id: Int) async throws -> String {
        let (status, body) = try await ComplaintTests.call(
            t, .POST, "/api/v1/complaints/\(id)/survey", token: try await t.token(.specialist))
        #expect(status == .created, "\(body)")
        let link =
            try JSONDecoder().decode([String: String].self, from: Data(body.utf8).prefixJSONStrings())["link"] ?? ""
        #expect(body.contains("TS-2026-000001"))
        return String(link.split(separator: "/").last ?? "")
    }

    static func post(_ t: TestApp, _ token: String, _ fields: [String: String]) async throws -> (HTTPStatus, String) {
        let browser = try await Browser.anonymous(t.app)
        var result: (HTTPStatus, String) = (.ok, "")
        try await t.app.testing().test(
            .POST, "/survey/\(token)", beforeRequest: { req in try req.form(fields, browser: browser) }
        ) { res async throws in
            result = (res.status, res.body.string)
        }
        return result
    }

    @Test(
        "a link works once: answered, then refused; an altered link and an expired one are refused; a bad score changes nothing"
    )
    func singleUse() async throws {
        try await withApp { t in
            let complaint = try await Self.closedComplaint(t)
            #expect(complaint.state == "closed")
            let token = try await Self.issue(t, complaint.id)
            #expect(token.count == 64)
            try await t.app.testing().test(.GET, "/survey/\(token)") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"survey-form\""))
            }
            var altered = Array(token)
            altered[10] = altered[10] == "a" ? "b" : "a"
            #expect(try await Self.post(t, String(altered), ["score": "5"]).0 == .notFound)
            let (badStatus, badBody) = try await Self.post(t, token, ["score": "6", "comment": "很好"])
            #expect(badStatus == .unprocessableEntity)
            #expect(badBody.contains("id=\"score-error\""))
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM surveys WHERE answered_at IS NOT NULL").first()!
                    .decode(column: "n", as: Int.self) == 0)
            #expect(try await Self.post(t, token, ["score": "4", "resolved": "yes", "comment": "处理及时"]).0 == .created)
            let (again, againBody) = try await Self.post(t, token, ["score": "1"])
            #expect(again == .gone)
            #expect(againBody.contains("id=\"survey-state\""))
            #expect(
                try await t.app.db.sql().raw("SELECT score FROM surveys").first()!.decode(column: "score", as: Int.self)
                    == 4)
            // A new link, left 15 days: expired.
            let late = try await Self.issue(t, complaint.id)
            t.clock.set(testStart.addingTimeInterval(15 * 86400))
            #expect(try await Self.post(t, late, ["score": "5"]).0 == .gone)
            try await t.app.testing().test(.GET, "/survey/\(late)") { res async throws in #expect(res.status == .gone) }
        }
    }

    @Test(
        "the score is given to each person and department that handled the complaint, once each; a low score tells the supervisor"
    )
    func attribution() async throws {
        try await withApp { t in
            let complaint = try await Self.closedComplaint(t)
            let token = try await Self.issue(t, complaint.id)
            #expect(try await Self.post(t, token, ["score": "2", "comment": "拖得太久"]).0 == .created)
            let rows = try await t.app.db.sql().raw(
                """
                SELECT staff.username AS username, departments.code AS code, survey_attributions.score AS score FROM survey_attributions
                JOIN staff ON staff.id = survey_attributions.staff_id JOIN departments ON departments.id = survey_attributions.department_id
                ORDER BY survey_attributions.id
                """
            ).all().map {
                "\(try $0.decode(column: "username", as: String.self))/\(try $0.decode(column: "code", as: String.self))/\(try $0.decode(column: "score", as: Int.self))"
            }
            // 李娜 (her complaint, and she told the customer — once), 周敏 for the 法务部, 王静 who called the customer.
            #expect(rows == ["lina/customer_service/2", "zhoumin/legal/2", "wangjing/customer_service/2"])
            #expect(try await ComplaintTests.events(t, "wangjing").contains("survey.low_score"))
        }
    }

    @Test(
        "a low score is one write: the answer, its attributions, the return visit and the supervisor's notice commit together or not at all"
    )
    func lowScoreIsOneTransaction() async throws {
        try await withApp { t in
            let complaint = try await Self.closedComplaint(t)
            let token = try await Self.issue(t, complaint.id)
            let sql = try t.app.db.sql()
            func count(_ table: String) async throws -> Int {
                try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
                    column: "n", as: Int.self) ?? -1
            }
            let tables = ["survey_attributions", "return_visits", "notifications", "timeline_entries", "audit_entries"]
            var before: [String: Int] = [:]
            for table in tables { before[table] = try await count(table) }
            // The notice, the last write, fails: nothing of the answer stays, and the link still works.
            try await sql.raw(
                "CREATE TRIGGER refuse_notice BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'refused'); END"
            ).run()
            #expect(try await Self.post(t, token, ["score": "1", "comment": "拖得太久"]).0 == .internalServerError)
            for table in tables { #expect(try await count(table) == before[table], "\(table)") }
            #expect(
                try await sql.raw("SELECT answered_at FROM surveys").first()?.decode(
                    column: "answered_at", as: Date?.self) == nil)
            try await sql.raw("DROP TRIGGER refuse_notice").run()
            #expect(try await Self.post(t, token, ["score": "1", "comment": "拖得太久"]).0 == .created)
            #expect(try await count("survey_attributions") == before["survey_attributions"]! + 3)
            let visit = try await sql.raw("SELECT reason, state FROM return_visits WHERE survey_id IS NOT NULL").all()
                .map {
                    "\(try $0.decode(column: "reason", as: String.self))/\(try $0.decode(column: "state", as: String.self))"
                }
            #expect(visit == ["low_score/due"])
            #expect(try await ComplaintTests.events(t, "wangjing").filter { $0 == "survey.low_score" }.count == 1)
            // Used twice: refused, nothing more written.
            #expect(try await Self.post(t, token, ["score": "1"]).0 == .gone)
            #expect(try await count("return_visits") == before["return_visits"]! + 1)
            #expect(try await ComplaintTests.events(t, "wangjing").filter { $0 == "survey.low_score" }.count == 1)
        }
    }

    @Test("a survey for a complaint not yet closed is refused")
    func notClosed() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let complaint = try await ComplaintTests.file(t, token: lina)
            #expect(
                try await ComplaintTests.call(t, .POST, "/api/v1/complaints/\(complaint.id)/survey", token: lina).0
                    == .unprocessableEntity)
            #expect(
                try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM surveys").first()!.decode(
                    column: "n", as: Int.self) == 0)
        }
    }
}

extension Data {
    /// The survey answer's JSON with only its string fields (expiresAt is a date).
    fileprivate func prefixJSONStrings() -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: self) as? [String: Any] else { return self }
        return (try? JSONSerialization.data(withJSONObject: object.compactMapValues { $0 as? String })) ?? self
    }
}
