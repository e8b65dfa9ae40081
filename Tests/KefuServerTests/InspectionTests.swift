import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Quality inspection (issue 14 §2, R2.2, R6.5): sampling the team's communication records per person,
/// reproducibly with a seed; scoring on the checklist; the specialist acknowledges or disputes and the
/// supervisor answers; a specialist sees only their own; bad input and stale edits change nothing.
@Suite("Quality inspection: sampling, scoring, acknowledgement and dispute, access, refusals (R2.2, R6.5)")
struct InspectionTests {
    static let fullScores: [String: JSONValue] = [
        "polite": 90, "clear": 80, "accurate": 100, "complete": 60, "proactive": 70,
    ]

    /// Communication records of November 2026: 12 of 李娜 (3 of them long calls), 6 of 张伟, 2 in October.
    static func seed(_ t: TestApp) async throws -> (lina: Int, zhangwei: Int) {
        let lina = try await t.staff(.specialist).requireID(), zhangwei = try await t.staff("zhangwei").requireID()
        let customer = try await createCustomer(
            t, token: try await t.token(.specialist),
            ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
        let sql = try t.app.db.sql()
        let day: TimeInterval = 86_400
        var rows: [(Int, Date, Int)] = []
        for index in 0..<12 { rows.append((lina, testStart - Double(index + 1) * day, index < 3 ? 35 : 5)) }
        for index in 0..<6 { rows.append((zhangwei, testStart - Double(index + 1) * day, 8)) }
        rows.append((lina, testStart - 40 * day, 50))
        rows.append((zhangwei, testStart - 41 * day, 50))
        for (staff, at, minutes) in rows {
            try await sql.raw(
                """
                INSERT INTO communication_records (customer_id, staff_id, channel, direction, occurred_at, duration_minutes, summary, content, next_step,
                    created_at, version)
                VALUES (\(bind: customer.id), \(bind: staff), 'phone', 'outbound', \(bind: at), \(bind: minutes), '电话沟通园区政策',
                        '客户询问厂房租金与税收优惠，已逐项说明。', '下周发送资料', \(bind: at), 1)
                """
            ).run()
        }
        return (lina, zhangwei)
    }

    static func count(_ t: TestApp, _ table: String) async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
            column: "n", as: Int.self) ?? -1
    }

    static func sample(_ t: TestApp, _ body: [String: JSONValue]) async throws -> [InspectionsAPIController
        .InspectionDTO]
    {
        let (status, text) = try await AssessmentTests.call(
            t, .POST, "/api/v1/inspections/sample", token: try await t.token(.supervisor), body)
        #expect(status == .created, "\(text)")
        return try AssessmentTests.decode([InspectionsAPIController.InspectionDTO].self, text)
    }

    @Test(
        "N per person in the period, reproducible with the seed, by rule; scored, acknowledged, disputed and answered, each audited",
        arguments: TestDatabase.available)
    func sampleScoreRespond(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, zhangwei) = try await Self.seed(t)
            let sampled = try await Self.sample(
                t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 4, "seed": 42])
            #expect(sampled.filter { $0.staffID == lina }.count == 4)
            #expect(sampled.filter { $0.staffID == zhangwei }.count == 4)
            #expect(
                sampled.allSatisfy {
                    $0.status == "sampled" && $0.items.map(\.code) == InspectionChecklist.standard.map(\.code)
                })
            // Reproducible: the same candidates and seed give the same records.
            let candidates = try await t.app.db.sql().raw(
                """
                SELECT id, staff_id FROM communication_records WHERE occurred_at >= \(bind: PeriodInstants(AssessmentPeriod(start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!)!).from)
                """
            ).all().map {
                (
                    recordID: try $0.decode(column: "id", as: Int.self),
                    staffID: try $0.decode(column: "staff_id", as: Int.self)
                )
            }
            // Each person's sample is drawn with the seed on its own (a colleague's records do not change it).
            let expected = Dictionary(grouping: candidates, by: \.staffID).values
                .flatMap { InspectionSampling.sample($0, perPerson: 4, seed: 42).map(\.recordID) }.sorted()
            #expect(sampled.map(\.record.id).sorted() == expected)
            #expect(try await t.auditEntries("inspection.sampled").count == 1)
            // A second sample leaves out what is already inspected; by rule: only long calls.
            let long = try await Self.sample(
                t,
                [
                    "periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 10, "rule": "long_calls",
                    "seed": 1,
                ])
            #expect(long.allSatisfy { ($0.record.durationMinutes ?? 0) >= InspectionStore.longCallMinutes })
            #expect(Set(long.map(\.record.id)).isDisjoint(with: sampled.map(\.record.id)))
            #expect(long.count == 3 - sampled.filter { ($0.record.durationMinutes ?? 0) >= 20 }.count)

            // Scoring: the weighted sum of the checklist.
            let first = try #require(sampled.first { $0.staffID == lina })
            let supervisor = try await t.token(.supervisor), specialist = try await t.token(.specialist)
            var (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(first.id)/score", token: supervisor,
                ["scores": .object(Self.fullScores), "comment": "开场问候规范，记录可更完整。", "version": 1])
            #expect(status == .ok, "\(text)")
            var scored = try AssessmentTests.decode(InspectionsAPIController.InspectionDTO.self, text)
            #expect(scored.score == 81.5)
            #expect(scored.status == "scored")
            #expect(try await t.auditEntries("inspection.scored").count == 1)
            // The specialist disputes with a reason; the supervisor answers, correcting a score.
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(first.id)/dispute", token: specialist,
                ["reason": "客户资料已在另一条记录中补全。", "version": .number(Double(scored.version))])
            #expect(status == .ok, "\(text)")
            scored = try AssessmentTests.decode(InspectionsAPIController.InspectionDTO.self, text)
            #expect(scored.status == "disputed")
            var corrected = Self.fullScores
            corrected["complete"] = 100
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(first.id)/answer", token: supervisor,
                [
                    "answer": "核实无误，记录完整项改为100分。", "scores": .object(corrected),
                    "version": .number(Double(scored.version)),
                ])
            #expect(status == .ok, "\(text)")
            scored = try AssessmentTests.decode(InspectionsAPIController.InspectionDTO.self, text)
            #expect(scored.status == "answered")
            #expect(scored.score == 89.5)
            #expect(try await t.auditEntries("inspection.disputed").count == 1)
            #expect(try await t.auditEntries("inspection.answered").count == 1)
            // Another one acknowledged.
            let second = try #require(sampled.filter { $0.staffID == lina }.dropFirst().first)
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(second.id)/score", token: supervisor,
                ["scores": .object(Self.fullScores), "version": 1])
            #expect(status == .ok, "\(text)")
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(second.id)/acknowledge", token: specialist, ["version": 2])
            #expect(status == .ok, "\(text)")
            #expect(
                try AssessmentTests.decode(InspectionsAPIController.InspectionDTO.self, text).status == "acknowledged")
            #expect(try await t.auditEntries("inspection.acknowledged").count == 1)
        }
    }

    @Test(
        "a specialist sees only their own inspections; bad scores, a wrong checklist, a stale edit, a step out of turn: refused, nothing changed",
        arguments: TestDatabase.available)
    func accessAndRefusals(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, zhangwei) = try await Self.seed(t)
            let sampled = try await Self.sample(
                t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 2, "seed": 7])
            let linas = try #require(sampled.first { $0.staffID == lina })
            let colleague = try await APITokenStore(database: t.app.db).create(
                for: zhangwei, name: "t", context: .console(now: testStart)
            ).1
            var (status, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/inspections/\(linas.id)", token: colleague)
            #expect(status == .forbidden)
            (status, text) = try await AssessmentTests.call(t, .GET, "/api/v1/inspections", token: colleague)
            let seen = try AssessmentTests.decode([InspectionsAPIController.InspectionDTO].self, text)
            #expect(seen.count == 2 && seen.allSatisfy { $0.staffID == zhangwei })
            (status, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/inspections?staffID=\(lina)", token: colleague)
            #expect(
                try AssessmentTests.decode([InspectionsAPIController.InspectionDTO].self, text).allSatisfy {
                    $0.staffID == zhangwei
                })

            let supervisor = try await t.token(.supervisor), specialist = try await t.token(.specialist)
            func state() async throws -> [String] {
                let row = try await t.app.db.sql().raw(
                    "SELECT status, version, COALESCE(score, -1) AS s FROM inspections WHERE id = \(bind: linas.id)"
                ).first()
                return [
                    try row?.decode(column: "status", as: String.self) ?? "",
                    String(try row?.decode(column: "version", as: Int.self) ?? 0),
                    String(try row?.decode(column: "s", as: Double.self) ?? 0),
                    String(
                        try await t.app.db.sql().raw(
                            "SELECT COUNT(*) AS n FROM audit_entries WHERE action <> 'auth.permission_denied'"
                        ).first()?
                        .decode(column: "n", as: Int.self) ?? -1),
                    String(try await Self.count(t, "inspections")),
                    String(try await Self.count(t, "inspection_settings")),
                ]
            }
            let before = try await state()
            var outside = Self.fullScores
            outside["clear"] = 120
            var missing = Self.fullScores
            missing["proactive"] = nil
            for (path, token, body, expected, field) in [
                (
                    "/api/v1/inspections/\(linas.id)/score", supervisor, ["scores": .object(outside), "version": 1],
                    HTTPStatus.unprocessableEntity, "scores.clear"
                ),
                (
                    "/api/v1/inspections/\(linas.id)/score", supervisor, ["scores": .object(missing), "version": 1],
                    .unprocessableEntity, "scores.proactive"
                ),
                (
                    "/api/v1/inspections/\(linas.id)/score", supervisor,
                    ["scores": .object(Self.fullScores), "version": 9], .conflict, nil
                ),
                (
                    "/api/v1/inspections/\(linas.id)/score", specialist,
                    ["scores": .object(Self.fullScores), "version": 1], .forbidden, nil
                ),
                ("/api/v1/inspections/\(linas.id)/acknowledge", specialist, ["version": 1], .conflict, nil),
                ("/api/v1/inspections/\(linas.id)/dispute", colleague, ["reason": "x", "version": 1], .forbidden, nil),
                ("/api/v1/inspections/\(linas.id)/answer", supervisor, ["answer": "x", "version": 1], .conflict, nil),
                (
                    "/api/v1/inspections/sample", supervisor,
                    ["periodStart": "2026-11-30", "periodEnd": "2026-11-01", "perPerson": 2], .unprocessableEntity,
                    "periodEnd"
                ),
                (
                    "/api/v1/inspections/sample", supervisor,
                    ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 0], .unprocessableEntity,
                    "perPerson"
                ),
                (
                    "/api/v1/inspections/sample", specialist,
                    ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 2], .forbidden, nil
                ),
                (
                    "/api/v1/inspections/settings", supervisor,
                    [
                        "checklist": [
                            ["code": "polite", "name": "礼貌用语", "weight": 60],
                            ["code": "clear", "name": "表达清晰", "weight": 30],
                        ], "version": 0,
                    ], .unprocessableEntity, "items"
                ),
            ] as [(String, String, [String: JSONValue], HTTPStatus, String?)] {
                let (status, text) = try await AssessmentTests.call(t, .POST, path, token: token, body)
                #expect(status == expected, "\(path): \(text)")
                if let field { #expect(AssessmentTests.fields(text)[field] != nil, "\(field): \(text)") }
                #expect(try await state() == before, "\(path)")
            }
            // Scored, then a dispute without a reason is refused at the field and changes nothing.
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(linas.id)/score", token: supervisor,
                ["scores": .object(Self.fullScores), "version": 1])
            #expect(status == .ok, "\(text)")
            let scored = try await state()
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(linas.id)/dispute", token: specialist, ["reason": " ", "version": 2])
            #expect(status == .unprocessableEntity)
            #expect(AssessmentTests.fields(text)["reason"] != nil)
            #expect(try await state() == scored)

            // The checklist is kept by the supervisor: saved, then a stale save is a conflict.
            let checklist: JSONValue = [
                ["code": "polite", "name": "礼貌用语", "weight": 50], ["code": "accurate", "name": "信息准确", "weight": 50],
            ]
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/settings", token: supervisor,
                ["checklist": checklist, "phrases": ["不知道", "没办法"], "version": 0])
            #expect(status == .ok, "\(text)")
            #expect(try await t.auditEntries("inspection.settings_saved").count == 1)
            (status, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/settings", token: supervisor, ["checklist": checklist, "version": 0])
            #expect(status == .conflict)
            // New samples use the new checklist; the ones already sampled keep theirs.
            let next = try await Self.sample(
                t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 1, "seed": 8])
            #expect(next.allSatisfy { $0.items.map(\.code) == ["polite", "accurate"] })
            (_, text) = try await AssessmentTests.call(t, .GET, "/api/v1/inspections/\(linas.id)", token: specialist)
            #expect(try AssessmentTests.decode(InspectionsAPIController.InspectionDTO.self, text).items.count == 5)
        }
    }

    @Test(
        "phrases to avoid are marked on a communication record when it is saved, and such records are offered first to inspection",
        arguments: TestDatabase.available)
    func phrasesMarkedAndOfferedFirst(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, _) = try await Self.seed(t)
            let token = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: token, ["name": "王芳", "companyName": "无锡王氏新材料有限公司", "mobile": "13900004321"])
            var (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/customers/\(customer.id)/communications", token: token,
                [
                    "channel": "phone", "direction": "inbound", "summary": "询问补贴进度", "content": "这个我不知道，不归我管，你自己看吧。",
                ])
            #expect(status == .created || status == .ok, "\(text)")
            let marks = try await t.app.db.sql().raw(
                "SELECT communication_record_id AS id, phrases FROM communication_phrase_marks"
            ).all()
            #expect(marks.count == 1)
            let recordID = try #require(try marks.first?.decode(column: "id", as: Int.self))
            #expect(
                try await PhraseMarks.found(recordID: recordID, on: t.app.db).map(\.phrase) == ["不知道", "不归我管", "你自己看"])
            // A clean record is not marked.
            (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/customers/\(customer.id)/communications", token: token,
                [
                    "channel": "phone", "direction": "outbound", "summary": "回访", "content": "您好，补贴材料已提交，请耐心等待。",
                ])
            #expect(try await Self.count(t, "communication_phrase_marks") == 1)
            // Whatever the seed, one record per person: 李娜's is the marked one.
            for seed in [1, 2, 3] as [Double] {
                let sampled = try await Self.sample(
                    t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 1, "seed": .number(seed)])
                let linas = try #require(sampled.first { $0.staffID == lina })
                #expect(linas.record.id == recordID)
                #expect(linas.phrasesFound == ["不知道", "不归我管", "你自己看"])
                try await t.app.db.sql().raw("DELETE FROM inspections").run()
            }
            // The inspection page shows the marks.
            let sampled = try await Self.sample(
                t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 1, "seed": 5])
            let linas = try #require(sampled.first { $0.staffID == lina })
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/inspections/\(linas.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"phrases-found\""))
                #expect(res.body.string.contains("不归我管"))
                #expect(res.body.string.contains("礼貌用语（20%）"))
            }
            try await t.app.testing().test(.GET, "/inspections", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("/inspections/\(linas.id)"))
            }
        }
    }

    @Test(
        "the period's inspection scores enter the assessment's service quality with their line; a disputed score waits for the answer",
        arguments: TestDatabase.available)
    func inspectionInAssessment(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, _) = try await Self.seed(t)
            let sampled = try await Self.sample(
                t, ["periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": 3, "seed": 11])
            let linas = sampled.filter { $0.staffID == lina }
            #expect(linas.count == 3)
            let supervisor = try await t.token(.supervisor), specialist = try await t.token(.specialist)
            var low = Self.fullScores
            low["accurate"] = 0
            for (inspection, scores) in zip(
                linas,
                [
                    Self.fullScores, ["polite": 100, "clear": 100, "accurate": 100, "complete": 70, "proactive": 70],
                    low,
                ])
            {
                let (status, text) = try await AssessmentTests.call(
                    t, .POST, "/api/v1/inspections/\(inspection.id)/score", token: supervisor,
                    ["scores": .object(scores), "version": 1])
                #expect(status == .ok, "\(text)")
            }
            // The third (56.5) is disputed: it does not count until answered.
            let (status, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/inspections/\(linas[2].id)/dispute", token: specialist,
                ["reason": "信息无误，已核对政策原文。", "version": 2])
            #expect(status == .ok, "\(text)")
            #expect(
                try await InspectionStore(database: t.app.db).scores(
                    staffIDs: [lina],
                    period: AssessmentPeriod(
                        start: CalendarDay("2026-11-01")!,
                        end: CalendarDay("2026-11-30")!)!)[lina] == [81.5, 89.5])
            let cycle = try await AssessmentTests.openCycle(t)
            let linaID = try #require(cycle.assessments.first { $0.staffName == "李娜" }).id
            let (evaluated, body) = try await AssessmentTests.call(
                t, .POST, "/api/v1/assessments/\(linaID)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 80, "teamworkRating": 90, "version": 1])
            #expect(evaluated == .ok, "\(body)")
            let lines = try AssessmentTests.decode(AssessmentDTO.self, body).calculation.map(\.text)
            #expect(lines.contains("质检 2 次，平均 85.5 分"), "\(lines)")
        }
    }

    @Test(
        "the pages: the supervisor samples and scores (a bad score is shown at its field, keeping what was typed), the specialist disputes, another specialist is refused"
    )
    func pages() async throws {
        try await withApp { t in
            let (lina, _) = try await Self.seed(t)
            let supervisor = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .POST, "/inspections/sample",
                beforeRequest: { req in
                    try req.form(
                        [
                            "periodStart": "2026-11-01", "periodEnd": "2026-11-30", "perPerson": "2", "seed": "3",
                            "rule": "random",
                        ], browser: supervisor)
                }
            ) { res async throws in #expect(res.status == .seeOther || res.status == .found, "\(res.body.string)") }
            let id = try #require(
                try await t.app.db.sql().raw("SELECT id FROM inspections WHERE staff_id = \(bind: lina) ORDER BY id")
                    .first()?
                    .decode(column: "id", as: Int.self))
            try await t.app.testing().test(.GET, "/inspections", beforeRequest: { req in supervisor.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"inspection-\(id)\""))
                #expect(res.body.string.contains("待评分"))
            }
            let before = try await t.app.db.sql().raw("SELECT version FROM inspections WHERE id = \(bind: id)").first()?
                .decode(column: "version", as: Int.self)
            try await t.app.testing().test(
                .POST, "/inspections/\(id)/score",
                beforeRequest: { req in
                    try req.form(
                        [
                            "score_polite": "90", "score_clear": "150", "score_accurate": "100", "score_complete": "60",
                            "score_proactive": "70",
                            "comment": "开场问候规范", "version": "1",
                        ], browser: supervisor)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("value=\"150\""))
                #expect(res.body.string.contains("开场问候规范"))
                #expect(res.body.string.contains("field-error"))
            }
            #expect(
                try await t.app.db.sql().raw("SELECT version FROM inspections WHERE id = \(bind: id)").first()?.decode(
                    column: "version", as: Int.self) == before)
            try await t.app.testing().test(
                .POST, "/inspections/\(id)/score",
                beforeRequest: { req in
                    try req.form(
                        [
                            "score_polite": "90", "score_clear": "80", "score_accurate": "100", "score_complete": "60",
                            "score_proactive": "70",
                            "comment": "开场问候规范", "version": "1",
                        ], browser: supervisor)
                }
            ) { res async throws in #expect(res.status == .seeOther || res.status == .found) }
            let lina2 = try await t.signIn(.specialist)
            try await t.app.testing().test(.GET, "/inspections/\(id)", beforeRequest: { req in lina2.apply(to: &req) })
            { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("81.5"))
                #expect(res.body.string.contains("id=\"dispute-form\""))
            }
            try await t.app.testing().test(
                .POST, "/inspections/\(id)/dispute",
                beforeRequest: { req in
                    try req.form(["reason": "记录完整，客户资料在另一条记录中。", "version": "2"], browser: lina2)
                }
            ) { res async throws in #expect(res.status == .seeOther || res.status == .found) }
            #expect(
                try await t.app.db.sql().raw("SELECT status FROM inspections WHERE id = \(bind: id)").first()?.decode(
                    column: "status", as: String.self) == "disputed")
            let zhangwei = try await t.signIn("zhangwei")
            try await t.app.testing().test(
                .GET, "/inspections/\(id)", beforeRequest: { req in zhangwei.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .forbidden)
            }
            try await t.app.testing().test(
                .GET, "/inspections/settings", beforeRequest: { req in supervisor.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("value=\"礼貌用语\""))
                #expect(res.body.string.contains("不归我管"))
            }
        }
    }
}
