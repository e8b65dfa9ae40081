import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Assessment cycles through the JSON API (issue 14, R5.3): one cycle from opening to sign-off with the
/// calculation shown, who sees what, and bad input that changes nothing.
@Suite("Assessment cycles: self-evaluation to sign-off, access, refusals (R5.3)")
struct AssessmentTests {
    static let cycleBody: [String: JSONValue] = [
        "name": "2026年11月月度考核", "periodStart": "2026-11-01", "periodEnd": "2026-11-30",
        "weights": [
            "work_results": 40, "service_quality": 30, "professional_skills": 15, "teamwork": 10, "self_evaluation": 5,
        ],
        "thresholds": ["excellent": 90, "good": 80, "pass": 60],
        "targets": [["figure": "inquiries_answered", "target": 5], ["figure": "contracts_signed", "target": 1]],
    ]

    @discardableResult
    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: JSONValue]? = nil
    ) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(t, method, path, token: token, body)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }

    static func fields(_ text: String) -> [String: String] {
        (try? decode(ContractTests.ErrorBody.self, text))?.error.fields ?? [:]
    }

    /// Opens the standard cycle as the supervisor and returns it.
    static func openCycle(_ t: TestApp, _ body: [String: JSONValue] = cycleBody) async throws -> AssessmentCycleDTO {
        let (status, text) = try await call(
            t, .POST, "/api/v1/assessment-cycles", token: try await t.token(.supervisor), body)
        #expect(status == .created, "\(text)")
        return try decode(AssessmentCycleDTO.self, text)
    }

    static func assessment(_ t: TestApp, _ id: Int, token: String) async throws -> AssessmentDTO {
        let (status, text) = try await call(t, .GET, "/api/v1/assessments/\(id)", token: token)
        #expect(status == .ok, "\(text)")
        return try decode(AssessmentDTO.self, text)
    }

    /// What a refusal must leave as it was: the assessments' rows, the decisions and the audit log.
    static func snapshot(_ t: TestApp) async throws -> String {
        let sql = try t.app.db.sql()
        let rows = try await sql.raw(
            "SELECT id, state, self_score, skills_rating, total, version FROM assessments ORDER BY id"
        ).all()
        var text = try rows.map {
            "\(try $0.decode(column: "id", as: Int.self)):\(try $0.decode(column: "state", as: String.self)):\(try $0.decode(column: "version", as: Int.self)):\(String(describing: try $0.decode(column: "total", as: Double?.self)))"
        }.joined(separator: ",")
        for table in ["assessment_cycles", "assessment_decisions", "audit_entries"] {
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)").first()?.decode(
                    column: "n", as: Int.self) ?? -1
            text += " \(table)=\(count)"
        }
        let cycles = try await sql.raw("SELECT state, version FROM assessment_cycles ORDER BY id").all()
        text += try cycles.map {
            " c:\(try $0.decode(column: "state", as: String.self)):\(try $0.decode(column: "version", as: Int.self))"
        }.joined()
        return text
    }

    @Test(
        "one cycle: self-evaluation, the supervisor's evaluation computed from the real figures with every line, acknowledgement and appeal, decisions, sign-off, then frozen; CSV for payroll",
        arguments: TestDatabase.available)
    func wholeCycle(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let zhangwei = try await APITokenStore(database: t.app.db).create(
                for: try await t.staff("zhangwei").requireID(), name: "test",
                context: .console(now: testStart)
            ).1
            let leadership = try await t.token(.leadership)
            // 李娜 answers one inquiry on the spot in the period: the figure is read from the inquiries table.
            let customer = try await createCustomer(
                t, token: lina, ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
            let (inquiryStatus, inquiryText) = try await Self.call(
                t, .POST, "/api/v1/inquiries", token: lina,
                [
                    "customerID": .number(Double(customer.id)), "channel": "phone", "question": "园区厂房租金多少？",
                    "answer": "每天每平米 1.2 元",
                    "answeredOnTheSpot": true,
                ])
            #expect(inquiryStatus == .created, "\(inquiryText)")

            // 李娜 has been on the staff since 2025; 张伟's account was opened on the period's last day (the joining day).
            try await t.app.db.sql().raw(
                "UPDATE staff SET created_at = \(bind: Date(timeIntervalSince1970: 1_735_700_000)) WHERE username = 'lina'"
            ).run()
            let cycle = try await Self.openCycle(t)
            #expect(cycle.assessments.map(\.staffName).sorted() == ["张伟", "李娜"])
            #expect(cycle.state == "open")
            #expect(cycle.targets.map(\.label) == ["已答复咨询数", "签约合同数"])
            let linaID = try #require(cycle.assessments.first { $0.staffName == "李娜" }).id
            let zhangweiID = try #require(cycle.assessments.first { $0.staffName == "张伟" }).id
            #expect(try await t.auditEntries("assessment_cycle.created").count == 1)

            // Self-evaluation by the person.
            var (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: lina,
                ["score": 90, "summary": "本月按时答复全部承诺，协助新同事熟悉系统。", "version": 1])
            #expect(status == .ok, "\(text)")
            var mine = try Self.decode(AssessmentDTO.self, text)
            #expect(mine.state == "self_evaluated")
            #expect(mine.total == nil)

            // The supervisor evaluates: the score is computed and shown line by line.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 80, "teamworkRating": 90, "comment": "沟通清晰，跟进及时。", "version": 2])
            #expect(status == .ok, "\(text)")
            mine = try Self.decode(AssessmentDTO.self, text)
            #expect(mine.state == "evaluated")
            let lines = mine.calculation.map(\.text)
            // Work: 1 inquiry of 5 → 20, 0 contracts of 1 → 0; mean 10. No inspection and no survey: quality's
            // 30 % is shared out. Skills: supervisor 80 only; teamwork: supervisor 90 only; self 90.
            #expect(lines.contains("已答复咨询数：实际 1，目标 5，完成率 20%"), "\(lines)")
            #expect(!lines.contains { $0.contains("入职") })
            #expect(lines.contains("签约合同数：实际 0，目标 1，完成率 0%"))
            #expect(lines.contains("服务质量：暂无任何数据，其权重 30% 按比例分给其他维度"))
            #expect(lines.contains("客户满意度：暂无数据，其 50% 份额由本维度其他部分分担") || lines.contains { $0.contains("客户满意度") })
            // 10 × 57.14 % + 80 × 21.43 % + 90 × 14.29 % + 90 × 7.14 % = 5.71 + 17.14 + 12.86 + 6.43
            #expect(lines.contains("工作业绩：10 × 57.14% = 5.71"))
            #expect(mine.total == 42.14)
            #expect(mine.grade == "needs_improvement")
            #expect(mine.gradeLabel == "待改进")
            #expect(lines.last == "等级：待改进（0 分及以上）")
            #expect(mine.proposals == ["improvement_plan", "bonus_deduction"])
            #expect(try await t.auditEntries("assessment.evaluated").count == 1)

            // Self-evaluation is closed once the supervisor evaluated.
            var before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: lina, ["score": 99, "version": 3])
            #expect(status == .unprocessableEntity)
            #expect(Self.fields(text)["score"] != nil)
            #expect(try await Self.snapshot(t) == before)

            // 李娜 accepts with a comment; 张伟 is evaluated and appeals; the supervisor answers with a revised rating.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/response", token: lina,
                ["appeal": false, "comment": "认可，下月加强签约跟进。", "version": 3])
            #expect(status == .ok, "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(zhangweiID)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 70, "teamworkRating": 75, "version": 1])
            #expect(status == .ok, "\(text)")
            // 张伟 joined on the last day: his count targets are prorated to 1 day of 30.
            #expect(
                try Self.decode(AssessmentDTO.self, text).calculation.map(\.text).contains(
                    "2026-11-30 入职，本期在岗 1/30 天，数量类目标按比例折算"))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(zhangweiID)/response", token: zhangwei,
                ["appeal": true, "comment": "本月两周在外培训，签约目标未折算。", "version": 2])
            #expect(status == .ok, "\(text)")
            #expect(try Self.decode(AssessmentDTO.self, text).state == "appealed")

            // Leadership cannot sign off while an appeal is open; nothing changes.
            before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessment-cycles/\(cycle.id)/sign-off", token: leadership, ["version": 1])
            #expect(status == .unprocessableEntity)
            #expect(Self.fields(text)["cycle"] != nil)
            #expect(try await Self.snapshot(t) == before)

            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(zhangweiID)/appeal-answer", token: supervisor,
                ["answer": "已核实培训安排，专业技能评分调整为 80。", "skillsRating": 80, "version": 3])
            #expect(status == .ok, "\(text)")
            let answered = try Self.decode(AssessmentDTO.self, text)
            #expect(answered.state == "answered")
            #expect(answered.skillsRating == 80)

            // Decisions with their basis.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/decisions", token: supervisor,
                ["kind": "improvement_plan", "basis": "2026年11月考核待改进：签约目标未完成"])
            #expect(status == .created, "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/decisions", token: supervisor,
                ["kind": "bonus_deduction", "amountYuan": 300, "basis": "=HYPERLINK(\"x\")"])
            #expect(status == .created, "\(text)")
            #expect(try Self.decode(AssessmentDTO.self, text).decisions.count == 2)

            // Export before sign-off is refused: the figures for payroll are final only then.
            (status, _) = try await Self.call(
                t, .GET, "/api/v1/assessment-cycles/\(cycle.id)/decisions.csv", token: supervisor)
            #expect(status == .unprocessableEntity)

            // Sign-off by leadership; a stale version first.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessment-cycles/\(cycle.id)/sign-off", token: leadership, ["version": 0])
            #expect(status == .conflict)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessment-cycles/\(cycle.id)/sign-off", token: leadership, ["version": 1])
            #expect(status == .ok, "\(text)")
            let signed = try Self.decode(AssessmentCycleDTO.self, text)
            #expect(signed.state == "signed_off")
            #expect(signed.signedOffBy == "赵国强")
            #expect(try await t.auditEntries("assessment_cycle.signed_off").count == 1)

            // Frozen: every change is refused at its field and nothing changes.
            before = try await Self.snapshot(t)
            let attempts: [(String, String, [String: JSONValue], String)] = [
                (
                    "/api/v1/assessments/\(linaID)/supervisor-evaluation", supervisor,
                    ["skillsRating": 100, "teamworkRating": 100, "version": 4], "skillsRating"
                ),
                (
                    "/api/v1/assessments/\(linaID)/decisions", supervisor, ["kind": "certificate", "basis": "补记"],
                    "kind"
                ),
                (
                    "/api/v1/assessments/\(linaID)/response", lina, ["appeal": true, "comment": "再申诉", "version": 4],
                    "response"
                ),
                (
                    "/api/v1/assessments/\(zhangweiID)/appeal-answer", supervisor, ["answer": "再答复", "version": 4],
                    "answer"
                ),
                ("/api/v1/assessment-cycles/\(cycle.id)/recomputation", supervisor, ["version": 2], "cycle"),
                ("/api/v1/assessment-cycles/\(cycle.id)/sign-off", leadership, ["version": 2], "cycle"),
            ]
            for (path, token, body, field) in attempts {
                (status, text) = try await Self.call(t, .POST, path, token: token, body)
                #expect(status == .unprocessableEntity, "\(path): \(status) \(text)")
                #expect(Self.fields(text)[field] == "该考核周期已由领导签批，不能再修改。", "\(path): \(text)")
            }
            #expect(try await Self.snapshot(t) == before)

            // The payroll CSV: BOM, labels, amounts as whole 元 (the decision says whether paid or deducted), formulas neutralized, audited.
            var csv = ""
            try await t.app.testing().test(
                .GET, "/api/v1/assessment-cycles/\(cycle.id)/decisions.csv",
                beforeRequest: { req in req.bearer(supervisor) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "csv")
                let bytes = Array(res.body.readableBytesView)
                #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
                csv = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            }
            #expect(csv.hasPrefix("考核周期,考核期,用户名,姓名,总分,等级,决定,金额（元）,依据,决定人,决定时间\r\n"))
            #expect(csv.contains("李娜,42.14,待改进,扣减奖金,300,"), "\(csv)")
            #expect(csv.contains("'=HYPERLINK"))
            #expect(try await t.auditEntries("assessment_cycle.exported").count == 1)
        }
    }

    @Test(
        "bad input: weights not adding up to 100, a score off its scale, a target on a figure that does not exist, someone outside the team, a stale edit — refused at the field, nothing changed",
        arguments: TestDatabase.available)
    func badInput(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor)
            var before = try await Self.snapshot(t)
            let leader = try await t.staff(.leadership).requireID()
            let cases: [([String: JSONValue], String, String)] = [
                (["weights": ["work_results": 50, "service_quality": 40]], "weights", "各维度权重之和必须等于 100%。"),
                (["weights": ["work_results": 90, "luck": 10]], "weights.luck", "没有这个考核维度。"),
                (["targets": [["figure": "lunches_eaten", "target": 3]]], "targets.0.figure", "系统中没有这个指标。"),
                (["targets": [["figure": "replies_on_time", "target": 120]]], "targets.0.target", "目标值超出该指标的范围。"),
                (["thresholds": ["excellent": 80, "good": 85, "pass": 60]], "thresholds", "等级分数线须依次升高：合格 < 良好 < 优秀。"),
                (["periodEnd": "2026-10-01"], "periodEnd", "考核期须从开始日到结束日，且不超过一年。"),
                (["staffIDs": [.number(Double(leader))]], "staffIDs", "只能考核本团队在岗的客服专员。"),
            ]
            for (change, field, message) in cases {
                let body = Self.cycleBody.merging(change) { $1 }
                let (status, text) = try await Self.call(t, .POST, "/api/v1/assessment-cycles", token: supervisor, body)
                #expect(status == .unprocessableEntity, "\(change): \(text)")
                #expect(Self.fields(text)[field] == message, "\(change): \(text)")
            }
            #expect(try await Self.snapshot(t) == before)

            let cycle = try await Self.openCycle(t)
            let linaID = try #require(cycle.assessments.first { $0.staffName == "李娜" }).id
            let lina = try await t.token(.specialist)
            before = try await Self.snapshot(t)
            for (body, field) in [
                (["score": 101, "version": 1], "score"), (["score": -5, "version": 1], "score"),
                (["summary": "无分数", "version": 1], "score"),
            ] as [([String: JSONValue], String)] {
                let (status, text) = try await Self.call(
                    t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: lina, body)
                #expect(status == .unprocessableEntity, "\(text)")
                #expect(Self.fields(text)[field] == (body["score"] == nil ? "此项为必填项。" : "分数须在 0–100 之间。"))
            }
            var (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 80, "teamworkRating": 180, "version": 1])
            #expect(status == .unprocessableEntity)
            #expect(Self.fields(text)["teamworkRating"] == "分数须在 0–100 之间。")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/decisions", token: supervisor,
                ["kind": "bonus", "basis": "尚无结果", "amountYuan": 100])
            #expect(status == .unprocessableEntity)
            #expect(Self.fields(text)["kind"] == "还有人员没有考核结果。")
            #expect(try await Self.snapshot(t) == before)

            // Two saves from one version: the second is a conflict, not an overwrite.
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: lina, ["score": 85, "version": 1])
            #expect(status == .ok)
            before = try await Self.snapshot(t)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: lina, ["score": 95, "version": 1])
            #expect(status == .conflict)
            #expect(try await Self.snapshot(t) == before)
            #expect(try await Self.assessment(t, linaID, token: lina).selfScore == 85)
        }
    }

    @Test(
        "a specialist sees only their own assessment, never a colleague's nor the team's cycle; leadership sees all and only signs off"
    )
    func access() async throws {
        try await withApp { t in
            let cycle = try await Self.openCycle(t)
            let linaID = try #require(cycle.assessments.first { $0.staffName == "李娜" }).id
            let zhangweiID = try #require(cycle.assessments.first { $0.staffName == "张伟" }).id
            let lina = try await t.token(.specialist), leadership = try await t.token(.leadership),
                supervisor = try await t.token(.supervisor)
            let before = try await Self.snapshot(t)
            var (status, _) = try await Self.call(t, .GET, "/api/v1/assessments/\(zhangweiID)", token: lina)
            #expect(status == .forbidden)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(zhangweiID)/self-evaluation", token: lina, ["score": 10, "version": 1])
            #expect(status == .forbidden)
            (status, _) = try await Self.call(t, .GET, "/api/v1/assessment-cycles/\(cycle.id)", token: lina)
            #expect(status == .forbidden)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/supervisor-evaluation", token: lina,
                ["skillsRating": 100, "teamworkRating": 100, "version": 1])
            #expect(status == .forbidden)
            (status, _) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(linaID)/self-evaluation", token: leadership,
                ["score": 10, "version": 1])
            #expect(status == .forbidden)
            (status, _) = try await Self.call(t, .POST, "/api/v1/assessment-cycles", token: leadership, Self.cycleBody)
            #expect(status == .forbidden)
            // The refusals changed nothing but the audit log, which records each denial.
            let denials = try await AuditEntryModel.query(on: t.app.db).filter(\.$action == "auth.permission_denied")
                .count()
            #expect(denials >= 4)
            #expect(try await Self.snapshot(t).hasPrefix(before.components(separatedBy: " audit_entries").first!))

            // The specialist's list holds their own cycle with their own assessment only.
            var text: String
            (status, text) = try await Self.call(t, .GET, "/api/v1/assessment-cycles", token: lina)
            #expect(status == .ok)
            let own = try Self.decode([AssessmentCycleDTO].self, text)
            #expect(own.flatMap(\.assessments).map(\.staffName) == ["李娜"])
            (status, text) = try await Self.call(t, .GET, "/api/v1/assessments", token: lina)
            #expect(try Self.decode([AssessmentDTO].self, text).map(\.id) == [linaID])
            #expect(try await Self.assessment(t, zhangweiID, token: leadership).staffName == "张伟")
            #expect(try await Self.assessment(t, zhangweiID, token: supervisor).staffName == "张伟")
        }
    }

    @Test(
        "route walk: every assessment route refuses the administrator and the liaison, and a specialist on a colleague's record"
    )
    func routeWalk() async throws {
        try await withApp { t in
            let cycle = try await Self.openCycle(t)
            let zhangweiID = try #require(cycle.assessments.first { $0.staffName == "张伟" }).id
            let routes = t.app.routes.all.filter {
                $0.path.string.hasPrefix("api/v1/assessment") || $0.path.string.hasPrefix("assessment")
            }
            #expect(routes.count >= 13)
            func path(_ route: Route, id: Int) -> String {
                "/"
                    + route.path.map { if case .parameter = $0 { String(id) } else { $0.description } }.joined(
                        separator: "/")
            }
            for role in [Role.administrator, .liaison] {
                let token = try await t.token(role)
                let browser = try await t.signIn(role)
                for route in routes {
                    let target = path(
                        route,
                        id: route.path.string.contains("assessment-cycles") || route.path.string.contains("cycles")
                            ? cycle.id : zhangweiID)
                    try await t.app.testing().test(
                        route.method, target,
                        beforeRequest: { req in
                            if target.hasPrefix("/api/") {
                                req.bearer(token)
                            } else {
                                req.headers.cookie = browser.cookies
                                req.headers.replaceOrAdd(name: "X-CSRF-Token", value: browser.csrf)
                            }
                        }
                    ) { res async throws in
                        #expect(res.status == .forbidden, "\(role) reached \(route.method) \(target): \(res.status)")
                    }
                }
            }
            // 李娜 on 张伟's assessment: every route with a record of the specialist's own scope is refused.
            let lina = try await t.token(.specialist)
            let browser = try await t.signIn(.specialist)
            var checked = 0
            for route in routes where route.path.contains(where: { if case .parameter = $0 { true } else { false } }) {
                // Rating a colleague's teamwork is meant for a colleague's record (team scope); its own suite checks who may.
                guard case .action(let action)? = route.permission, AccessPolicy.allows(.specialist, action),
                    !AccessPolicy.scopes(of: .specialist, for: action).contains(.team)
                else { continue }
                let target = path(route, id: route.path.string.contains("cycles") ? cycle.id : zhangweiID)
                try await t.app.testing().test(
                    route.method, target,
                    beforeRequest: { req in
                        if target.hasPrefix("/api/") {
                            req.bearer(lina)
                        } else {
                            req.headers.cookie = browser.cookies
                            req.headers.replaceOrAdd(name: "X-CSRF-Token", value: browser.csrf)
                        }
                    }
                ) { res async throws in
                    #expect(res.status == .forbidden, "lina reached \(route.method) \(target): \(res.status)")
                }
                checked += 1
            }
            #expect(checked >= 4)
        }
    }
}
