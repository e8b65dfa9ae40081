import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// R4.3 #3, issue 13 §7: return visits — the scheduler's scan per grade (never a second visit due),
/// the lists of visits due and overdue (a specialist's own), a visit's result with each problem
/// opened as a complaint or a feedback in the same step, on the customer's timeline; a low survey
/// score opens a visit once. Every refusal leaves the visit, its problems, the timeline and the audit
/// log as they were.
@Suite("Return visits: schedule, lists, results, low scores (R4.3)")
struct ReturnVisitTests {
    typealias DTO = ReturnVisitsAPIController.VisitDTO
    static let day: TimeInterval = 86400

    static func decode<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(body.utf8))
    }

    /// A customer of the token's person at the stage and grade given, its file begun `daysAgo` days ago.
    static func customer(
        _ t: TestApp, token: String, name: String, mobile: String, stage: String, grade: String?, daysAgo: Double
    ) async throws -> Int {
        let customer = try await createCustomer(
            t, token: token, ["name": name, "companyName": "\(name)的新材料有限公司", "mobile": mobile])
        try await t.app.db.sql().raw(
            """
            UPDATE customers SET stage = \(bind: stage), grade = \(bind: grade), created_at = \(bind: t.clock.clock.now.addingTimeInterval(-daysAgo * day))
            WHERE id = \(bind: customer.id)
            """
        ).run()
        return customer.id
    }

    static func visit(_ t: TestApp, customerID: Int) async throws -> DTO {
        let id = try #require(
            try await t.app.db.sql().raw(
                "SELECT id FROM return_visits WHERE customer_id = \(bind: customerID) ORDER BY id DESC"
            ).first()?
            .decode(column: "id", as: Int.self))
        let (status, body) = try await ContractTests.call(
            t, .GET, "/api/v1/return-visits/\(id)", token: try await t.token(.supervisor))
        #expect(status == .ok, "\(body)")
        return try decode(DTO.self, body)
    }

    /// A personal token of another account than the role's usual one.
    static func token(_ t: TestApp, _ username: String) async throws -> String {
        try await APITokenStore(database: t.app.db).create(
            for: try await t.staff(username).requireID(), name: "test", context: .console(now: t.clock.clock.now)
        ).1
    }

    static func count(_ t: TestApp, _ sql: SQLQueryString) async throws -> Int {
        try await t.app.db.sql().raw(sql).first()!.decode(column: "n", as: Int.self)
    }

    /// One return visit done for a customer, with a problem opened as a feedback (the record-kind tests).
    static func records(_ t: TestApp, token: String, customerID: Int, name: String) async throws {
        try await t.app.db.sql().raw(
            """
            UPDATE customers SET stage = 'partner', created_at = \(bind: t.clock.clock.now.addingTimeInterval(-200 * day)) WHERE id = \(bind: customerID)
            """
        ).run()
        try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now)
        let visit = try await Self.visit(t, customerID: customerID)
        let (status, body) = try await ContractTests.call(
            t, .POST, "/api/v1/return-visits/\(visit.id)/result", token: token,
            [
                "channel": "phone", "satisfaction": 4, "cooperation": "good", "notes": .string("\(name)说厂房运行正常"),
                "problems": [["text": .string("\(name)希望增加班车"), "route": "feedback"]],
                "version": .number(Double(visit.version)),
            ])
        #expect(status == .ok, "\(body)")
    }

    @Test(
        "the scan opens one visit per signed customer and partner as their grade falls due, never a second; a specialist lists only their own",
        arguments: TestDatabase.available)
    func schedule(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let partner = try await Self.customer(
                t, token: lina, name: "陈晓东", mobile: "13912345601", stage: "partner", grade: "A", daysAgo: 25)
            let signed = try await Self.customer(
                t, token: lina, name: "王秀英", mobile: "13912345602", stage: "signed", grade: nil, daysAgo: 100)
            let fresh = try await Self.customer(
                t, token: lina, name: "刘洋", mobile: "13912345603", stage: "partner", grade: "D", daysAgo: 30)
            let lead = try await Self.customer(
                t, token: lina, name: "赵磊", mobile: "13912345604", stage: "lead", grade: "A", daysAgo: 400)
            let store = ReturnVisitStore(database: t.app.db)
            let now = t.clock.clock.now
            #expect(try await store.scheduleDue(now: now) == 2)
            #expect(try await store.scheduleDue(now: now) == 0, "a customer with a visit due gets no second one")
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM return_visits") == 2)
            #expect(try await Self.visit(t, customerID: partner).dueAt == now.addingTimeInterval(5 * Self.day))
            #expect(try await Self.visit(t, customerID: signed).dueAt == now.addingTimeInterval(-10 * Self.day))
            for id in [fresh, lead] {
                #expect(
                    try await Self.count(t, "SELECT COUNT(*) AS n FROM return_visits WHERE customer_id = \(bind: id)")
                        == 0)
            }
            // A second visit inserted beside the due one is refused by the database itself.
            await #expect(throws: (any Error).self) {
                try await t.app.db.sql().raw(
                    """
                    INSERT INTO return_visits (customer_id, reason, due_at, state, created_at, updated_at, version)
                    VALUES (\(bind: partner), 'scheduled', \(bind: now), 'due', \(bind: now), \(bind: now), 1)
                    """
                ).run()
            }
            let (_, dueBody) = try await ContractTests.call(t, .GET, "/api/v1/return-visits", token: lina)
            #expect(
                try Self.decode(PageDTO<DTO>.self, dueBody).items.map(\.customerID) == [signed, partner],
                "overdue first, by due day")
            let (_, overdueBody) = try await ContractTests.call(
                t, .GET, "/api/v1/return-visits?view=overdue", token: lina)
            let overdue = try Self.decode(PageDTO<DTO>.self, overdueBody).items
            #expect(overdue.map(\.customerID) == [signed] && overdue.allSatisfy(\.isOverdue))
            let other = try await Self.token(t, "zhangwei")
            let (_, othersBody) = try await ContractTests.call(t, .GET, "/api/v1/return-visits", token: other)
            #expect(
                try Self.decode(PageDTO<DTO>.self, othersBody).items.isEmpty,
                "another specialist sees none of 李娜's visits")
            #expect(
                try await ContractTests.call(t, .GET, "/api/v1/return-visits/\(overdue[0].id)", token: other).0
                    == .forbidden)
            let (_, allBody) = try await ContractTests.call(
                t, .GET, "/api/v1/return-visits?view=overdue", token: try await t.token(.supervisor))
            #expect(try Self.decode(PageDTO<DTO>.self, allBody).items.count == 1)
            #expect(
                try await ContractTests.call(t, .GET, "/api/v1/return-visits?view=late", token: lina).0 == .badRequest)
        }
    }

    @Test(
        "merging two files that each have a visit due keeps one: the earlier due time, the other folded in; the merge succeeds",
        arguments: TestDatabase.available)
    func mergeFoldsDueVisits(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let survivor = try await Self.customer(
                t, token: lina, name: "陈晓东", mobile: "13912345601", stage: "partner", grade: "A", daysAgo: 25)
            let duplicate = try await Self.customer(
                t, token: lina, name: "陈晓冬", mobile: "13912345611", stage: "signed", grade: nil, daysAgo: 100)
            let now = t.clock.clock.now
            #expect(try await ReturnVisitStore(database: t.app.db).scheduleDue(now: now) == 2)
            let survivorVisit = try await Self.visit(t, customerID: survivor),
                duplicateVisit = try await Self.visit(t, customerID: duplicate)
            let versions = try await t.app.db.sql().raw(
                "SELECT id, version FROM customers WHERE id IN (\(bind: survivor), \(bind: duplicate))"
            ).all()
                .reduce(into: [Int: Int]()) {
                    $0[try $1.decode(column: "id", as: Int.self)] = try $1.decode(column: "version", as: Int.self)
                }
            let (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/customers/\(survivor)/merge", token: try await t.token(.supervisor),
                [
                    "duplicateID": .number(Double(duplicate)), "version": .number(Double(versions[survivor] ?? 0)),
                    "duplicateVersion": .number(Double(versions[duplicate] ?? 0)), "reason": "同一客户的两份档案",
                ])
            #expect(status == .ok, "\(body)")
            #expect(
                try await Self.count(
                    t, "SELECT COUNT(*) AS n FROM return_visits WHERE state = 'due' AND customer_id = \(bind: survivor)"
                ) == 1)
            #expect(
                try await Self.count(
                    t, "SELECT COUNT(*) AS n FROM return_visits WHERE customer_id = \(bind: duplicate)") == 0)
            let kept = try await Self.visit(t, customerID: survivor)
            #expect(kept.dueAt == min(survivorVisit.dueAt, duplicateVisit.dueAt))
        }
    }

    @Test(
        "the scan reads the covering index of partners and signed customers, never the customers' rows (EXPLAIN QUERY PLAN)"
    )
    func scheduleScanUsesTheCandidateIndex() async throws {
        try await withApp { t in
            let plan = try await t.app.db.sql().raw("EXPLAIN QUERY PLAN \(ReturnVisitStore.candidates)").all()
                .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
            #expect(plan.contains("COVERING INDEX customers_return_visit_candidates"), "\(plan)")
            #expect(plan.contains("return_visits_one_due") && !plan.contains("SCAN customers"), "\(plan)")
        }
    }

    @Test("the overdue lists read the partial indexes over visits still due (EXPLAIN QUERY PLAN)")
    func overdueScanUsesAnIndex() async throws {
        try await withApp { t in
            for staff in [false, true] {
                let filter: SQLQueryString = staff ? " AND return_visits.staff_id = 3" : ""
                let plan = try await t.app.db.sql().raw(
                    """
                    EXPLAIN QUERY PLAN SELECT return_visits.id FROM return_visits WHERE return_visits.state = 'due' AND return_visits.due_at < \(bind: Date())\(filter)
                    ORDER BY return_visits.due_at, return_visits.id LIMIT 20
                    """
                ).all().map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(plan.contains(staff ? "return_visits_staff_due" : "return_visits_due"), "\(plan)")
                #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }

    @Test(
        "a visit's result: each problem opens a complaint or a feedback in the same step, and the visit is on the customer's timeline",
        arguments: TestDatabase.available)
    func record(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let customer = try await Self.customer(
                t, token: lina, name: "陈晓东", mobile: "13912345601", stage: "partner", grade: "B", daysAgo: 70)
            try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now)
            let visit = try await Self.visit(t, customerID: customer)
            let (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/return-visits/\(visit.id)/result", token: lina,
                [
                    "channel": "visit", "satisfaction": 3, "cooperation": "strained", "notes": "厂房运行正常，配套有待改进",
                    "problems": [
                        ["text": "承诺的配套道路仍未完工", "route": "complaint"], ["text": "希望园区增加班车", "route": "feedback"],
                    ],
                    "version": .number(Double(visit.version)),
                ])
            #expect(status == .ok, "\(body)")
            let done = try Self.decode(DTO.self, body)
            #expect(done.state == "done" && done.satisfaction == 3 && done.cooperation == "strained" && !done.isOverdue)
            let problems = try #require(done.problems)
            #expect(problems.map(\.route) == ["complaint", "feedback"])
            #expect(problems[0].complaintNumber == "TS-2026-000001" && problems[1].feedbackNumber == "YJ-2026-000001")
            let complaint = try await ComplaintTests.get(t, try #require(problems[0].complaintID), token: lina)
            #expect(
                complaint.customerID == customer && complaint.description == "承诺的配套道路仍未完工"
                    && complaint.channel == "visit")
            #expect(
                try await Self.count(
                    t,
                    "SELECT COUNT(*) AS n FROM feedback WHERE customer_id = \(bind: customer) AND return_visit_id = \(bind: visit.id)"
                ) == 1)
            let kinds = try await t.app.db.sql().raw(
                "SELECT kind FROM timeline_entries WHERE customer_id = \(bind: customer) ORDER BY id"
            ).all()
                .map { try $0.decode(column: "kind", as: String.self) }
            #expect(
                kinds.contains("return_visit_done") && kinds.contains("complaint_received")
                    && kinds.contains("feedback_recorded"))
            // Done visits count from their day: the next one is the grade's interval later, opened when it falls due.
            #expect(try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now) == 0)
            #expect(
                try await ReturnVisitStore(database: t.app.db).scheduleDue(
                    now: t.clock.clock.now.addingTimeInterval(54 * Self.day)) == 1)
        }
    }

    @Test(
        "a visit without a result, a problem without text, another's visit and a stale version are refused; nothing changes"
    )
    func refusals() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await Self.customer(
                t, token: lina, name: "陈晓东", mobile: "13912345601", stage: "partner", grade: "A", daysAgo: 40)
            try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now)
            let visit = try await Self.visit(t, customerID: customer)
            let actions: SQLQueryString =
                "SELECT COUNT(*) AS n FROM audit_entries WHERE action LIKE 'return_visit.%' OR action LIKE 'complaint.%' OR action LIKE 'feedback.%'"
            let before = try await (Self.count(t, actions), Self.count(t, "SELECT COUNT(*) AS n FROM timeline_entries"))
            let path = "/api/v1/return-visits/\(visit.id)/result"
            var (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina, ["channel": "phone", "notes": "客户很忙", "version": 1])
            #expect(
                status == .unprocessableEntity && body.contains("satisfaction") && body.contains("cooperation"),
                "\(body)")
            (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina,
                [
                    "channel": "phone", "satisfaction": 4, "cooperation": "good",
                    "problems": [["text": " ", "route": "complaint"]], "version": 1,
                ])
            #expect(status == .unprocessableEntity && body.contains("problems.0.text"), "\(body)")
            (status, body) = try await ContractTests.call(
                t, .POST, path, token: lina,
                ["channel": "phone", "satisfaction": 4, "cooperation": "good", "version": 7])
            #expect(status == .conflict, "\(body)")
            let other = try await Self.token(t, "zhangwei")
            #expect(
                try await ContractTests.call(
                    t, .POST, path, token: other,
                    ["channel": "phone", "satisfaction": 4, "cooperation": "good", "version": 1]
                ).0 == .forbidden)
            // The page keeps what was typed and shows the message at the field.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .POST, "/return-visits/\(visit.id)",
                beforeRequest: { req in
                    try req.form(
                        [
                            "channel": "phone", "satisfaction": "", "cooperation": "good", "notes": "客户说下月再谈",
                            "problem0": "班车太少", "route0": "",
                            "version": "1",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                let html = res.body.string
                #expect(html.contains("id=\"satisfaction-error\"") && html.contains("客户说下月再谈") && html.contains("班车太少"))
            }
            let after = try await Self.visit(t, customerID: customer)
            #expect(after.state == "due" && after.version == visit.version && after.satisfaction == nil)
            for table in ["return_visit_problems", "complaints", "feedback"] {
                #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM \(unsafeRaw: table)") == 0, "\(table)")
            }
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM timeline_entries") == before.1)
            #expect(try await Self.count(t, actions) == before.0, "no audit entry of a change")
        }
    }

    @Test("a low survey score opens a return visit once and tells the supervisor; a good one opens none")
    func lowScore() async throws {
        try await withApp { t in
            let complaint = try await SurveyTests.closedComplaint(t)
            let token = try await SurveyTests.issue(t, complaint.id)
            #expect(try await SurveyTests.post(t, token, ["score": "1", "comment": "拖得太久"]).0 == .created)
            #expect(try await SurveyTests.post(t, token, ["score": "1"]).0 == .gone)
            let visits = try await t.app.db.sql().raw("SELECT customer_id, reason, survey_id, state FROM return_visits")
                .all()
            #expect(visits.count == 1)
            #expect(try visits[0].decode(column: "customer_id", as: Int.self) == complaint.customerID)
            #expect(try visits[0].decode(column: "reason", as: String.self) == "low_score")
            #expect(try visits[0].decode(column: "survey_id", as: Int?.self) != nil)
            #expect(try await ComplaintTests.events(t, "wangjing").contains("survey.low_score"))
            // The same survey's low score again (a retry) opens nothing more.
            let survey = try #require(
                try await t.app.db.sql().raw("SELECT id FROM surveys").first()?.decode(column: "id", as: Int.self))
            try await ReturnVisitStore(database: t.app.db).openForLowScore(
                surveyID: survey, customerID: complaint.customerID, score: 1, now: t.clock.clock.now)
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM return_visits") == 1)
            // A score of 4 on a new link opens none.
            let good = try await SurveyTests.issue(t, complaint.id)
            #expect(try await SurveyTests.post(t, good, ["score": "4"]).0 == .created)
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM return_visits") == 1)
        }
    }

    @Test(
        "the supervisor changes the intervals and the low score with a version check; bad values and a specialist are refused"
    )
    func settings() async throws {
        try await withApp { t in
            let supervisor = try await t.token(.supervisor)
            var (status, body) = try await ContractTests.call(
                t, .GET, "/api/v1/return-visit-settings", token: supervisor)
            #expect(status == .ok && body.contains("\"lowScore\":2"), "\(body)")
            let good: [String: JSONValue] = [
                "daysByGrade": ["A": 14, "B": 45, "C": 90, "D": 120], "ungradedDays": 60, "lowScore": 3, "version": 0,
            ]
            (status, body) = try await ContractTests.call(
                t, .PUT, "/api/v1/return-visit-settings", token: supervisor, good)
            #expect(status == .ok && body.contains("\"lowScore\":3") && body.contains("\"version\":1"), "\(body)")
            #expect(
                try await ContractTests.call(t, .PUT, "/api/v1/return-visit-settings", token: supervisor, good).0
                    == .conflict, "a stale version")
            var bad = good
            bad["daysByGrade"] = ["A": 3, "B": 45, "C": 90, "D": 120]
            bad["version"] = 1
            (status, body) = try await ContractTests.call(
                t, .PUT, "/api/v1/return-visit-settings", token: supervisor, bad)
            #expect(status == .unprocessableEntity && body.contains("daysA"), "\(body)")
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/return-visit-settings", token: try await t.token(.specialist), good
                ).0 == .forbidden)
            #expect(try await ReturnVisitStore(database: t.app.db).settings().settings.daysByGrade["A"] == 14)
            #expect(
                try await Self.count(
                    t, "SELECT COUNT(*) AS n FROM audit_entries WHERE action = 'return_visit.settings'") == 1)
        }
    }

    @Test(
        "surveys after a return visit done and an inquiry answered: single-use links, scores to who handled them; unfinished matters refused"
    )
    func surveysAfterEveryMatter() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let customer = try await Self.customer(
                t, token: lina, name: "陈晓东", mobile: "13912345601", stage: "partner", grade: "A", daysAgo: 40)
            try await ReturnVisitStore(database: t.app.db).scheduleDue(now: t.clock.clock.now)
            let visit = try await Self.visit(t, customerID: customer)
            #expect(
                try await ContractTests.call(t, .POST, "/api/v1/return-visits/\(visit.id)/survey", token: lina).0
                    == .unprocessableEntity, "not done yet")
            #expect(try await Self.count(t, "SELECT COUNT(*) AS n FROM surveys") == 0)
            #expect(
                try await ContractTests.call(
                    t, .POST, "/api/v1/return-visits/\(visit.id)/result", token: lina,
                    [
                        "channel": "phone", "satisfaction": 5, "cooperation": "good",
                        "version": .number(Double(visit.version)),
                    ]
                ).0 == .ok)
            var (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/return-visits/\(visit.id)/survey", token: lina)
            #expect(status == .created && body.contains("回访"), "\(body)")
            let link =
                (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["link"] as? String ?? ""
            let token = String(link.split(separator: "/").last ?? "")
            #expect(try await SurveyTests.post(t, token, ["score": "5"]).0 == .created)
            #expect(try await SurveyTests.post(t, token, ["score": "5"]).0 == .gone)
            let people = try await t.app.db.sql().raw(
                """
                SELECT staff.username FROM survey_attributions JOIN staff ON staff.id = survey_attributions.staff_id WHERE survey_attributions.subject_type = 'return_visit'
                """
            ).all().map { try $0.decode(column: "username", as: String.self) }
            #expect(people == ["lina"], "the assigned person who also made the visit, once")
            // An inquiry answered on the spot.
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(customerID: customer, channel: "phone", question: "二期地块何时开放？", answer: "明年三月"))
                }
            ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
            let inquiry = try #require(
                try await t.app.db.sql().raw("SELECT id FROM inquiries ORDER BY id DESC").first()?.decode(
                    column: "id", as: Int.self))
            (status, body) = try await ContractTests.call(t, .POST, "/api/v1/inquiries/\(inquiry)/survey", token: lina)
            #expect(status == .created && body.contains("ZX-2026-"), "\(body)")
            #expect(
                try await Self.count(
                    t,
                    "SELECT COUNT(*) AS n FROM surveys WHERE subject_type = 'inquiry' AND customer_id = \(bind: customer)"
                ) == 1)
        }
    }
}
