import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Training (issue 14 §3, R5.1, R5.2) and colleagues' anonymous ratings (§4, R5.3): the supervisor's
/// annual plan approved by leadership, sessions with enrolment, attendance, scores and ratings, the
/// effect on the trainees' own figures, the outstanding mark, training scores in the assessment; who sees
/// what; bad input refused with nothing changed.
@Suite("Training: annual plan, approval, sessions, effect, outstanding trainees, colleague ratings (R5.1, R5.2, R5.3)")
struct TrainingTests {
    @discardableResult
    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: JSONValue]? = nil
    ) async throws -> (HTTPStatus, String) {
        try await AssessmentTests.call(t, method, path, token: token, body)
    }
    static let planBody: [String: JSONValue] = [
        "year": 2026, "title": "2026 年度客服培训计划", "goals": "提升政策解读与投诉处理能力",
        "areas": ["service_skills", "laws_and_regulations"],
        "methods": ["internal", "simulation_drill"], "hours": 20, "budgetYuan": 10_000,
    ]

    static func session(_ title: String, _ day: String, hours: Double = 4, cost: Int = 2_000) -> [String: JSONValue] {
        [
            "title": .string(title), "trainer": "王静", "area": "service_skills", "method": "simulation_drill",
            "scheduledOn": .string(day),
            "hours": .number(hours), "costYuan": .number(Double(cost)),
            "aimedFigures": ["replies_on_time", "satisfaction"],
        ]
    }

    /// Rows of every training table, versions included, and the audit log's size: what a refusal may not move.
    static func snapshot(_ t: TestApp) async throws -> String {
        let sql = try t.app.db.sql()
        var text = ""
        for (table, columns) in [
            ("training_plans", "id, state, hours, budget_yuan, version"),
            ("training_sessions", "id, state, held_on, version"),
            ("training_enrolments", "id, attended, score_after, rating, version"),
            ("assessment_colleague_ratings", "id, score"),
            ("audit_entries", "id"),
        ] {
            // A refused route is itself logged (auth.permission_denied); every other entry counts.
            let only = table == "audit_entries" ? "WHERE action <> 'auth.permission_denied'" : ""
            for row in try await sql.raw(
                "SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table) \(unsafeRaw: only) ORDER BY id"
            ).all() {
                text +=
                    "\(table):"
                    + (try columns.split(separator: ",").map { column in
                        let name = column.trimmingCharacters(in: .whitespaces)
                        if let value = try? row.decode(column: name, as: Double?.self) {
                            return String(describing: value)
                        }
                        if let value = try? row.decode(column: name, as: Bool?.self) {
                            return String(describing: value)
                        }
                        return String(describing: try row.decode(column: name, as: String?.self))
                    }.joined(separator: "|")) + ";"
            }
        }
        return text
    }

    /// Whether nothing moved since `before`; the difference is printed when something did.
    static func unchanged(_ t: TestApp, _ before: String) async throws -> Bool {
        let now = try await snapshot(t)
        if now != before {
            let a = Set(before.split(separator: ";")), b = Set(now.split(separator: ";"))
            print("snapshot changed: gone \(a.subtracting(b).sorted()), new \(b.subtracting(a).sorted())")
        }
        return now == before
    }

    /// The messages a refusal names at its fields, as the person reads them (the API answers in their language).
    static func messages(_ keys: [String: String]) -> [String: String] {
        let table =
            (try? JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: packageRoot + "Resources/Localization/zh-Hans.json"))))
            as? [String: String] ?? [:]
        return keys.mapValues { table[$0] ?? $0 }
    }

    static func plan(_ text: String) throws -> TrainingPlanDTO {
        try AssessmentTests.decode(TrainingPlanDTO.self, text)
    }
    static func session(_ text: String) throws -> TrainingSessionDTO {
        try AssessmentTests.decode(TrainingSessionDTO.self, text)
    }

    /// A plan with two sessions (15 September and 10 November 2026), approved; 李娜 and 张伟 enrolled in both.
    static func approvedPlan(_ t: TestApp) async throws -> (plan: TrainingPlanDTO, september: Int, november: Int) {
        let supervisor = try await t.token(.supervisor), leadership = try await t.token(.leadership)
        var (status, text) = try await call(t, .POST, "/api/v1/training/plans", token: supervisor, planBody)
        #expect(status == .created, "\(text)")
        let planID = try plan(text).id
        (status, text) = try await call(
            t, .POST, "/api/v1/training/plans/\(planID)/sessions", token: supervisor, session("投诉处理情景模拟", "2026-09-15"))
        #expect(status == .created, "\(text)")
        let september = try session(text).id
        (status, text) = try await call(
            t, .POST, "/api/v1/training/plans/\(planID)/sessions", token: supervisor, session("政策答复规范", "2026-11-10"))
        let november = try session(text).id
        (status, text) = try await call(
            t, .POST, "/api/v1/training/plans/\(planID)/submission", token: supervisor, ["version": 1])
        #expect(status == .ok, "\(text)")
        (status, text) = try await call(
            t, .POST, "/api/v1/training/plans/\(planID)/approval", token: leadership, ["note": "同意", "version": 2])
        #expect(status == .ok, "\(text)")
        for sessionID in [september, november] {
            for person in ["lina", "zhangwei"] {
                (status, text) = try await call(
                    t, .POST, "/api/v1/training/sessions/\(sessionID)/enrolments", token: supervisor,
                    ["staffID": .number(Double(try await t.staff(person).requireID()))])
                #expect(status == .created, "\(text)")
            }
        }
        (status, text) = try await call(t, .GET, "/api/v1/training/plans/\(planID)", token: supervisor)
        return (try plan(text), september, november)
    }

    /// Holds a session and records 李娜 attending (before/after scores) and 张伟 absent.
    static func hold(_ t: TestApp, _ sessionID: Int, on day: String, lina: (Double, Double)) async throws {
        let supervisor = try await t.token(.supervisor)
        var (status, text) = try await call(t, .GET, "/api/v1/training/sessions/\(sessionID)", token: supervisor)
        var dto = try session(text)
        (status, text) = try await call(
            t, .POST, "/api/v1/training/sessions/\(sessionID)/outcome", token: supervisor,
            [
                "state": "held", "heldOn": .string(day), "supervisorNote": "情景演练效果好",
                "version": .number(Double(dto.version)),
            ])
        #expect(status == .ok, "\(text)")
        dto = try session(text)
        for enrolment in dto.enrolments {
            let attended = enrolment.staffName == "李娜"
            (status, text) = try await call(
                t, .PUT, "/api/v1/training/sessions/\(sessionID)/enrolments/\(enrolment.id)", token: supervisor,
                [
                    "attended": .bool(attended), "scoreBefore": attended ? .number(lina.0) : .null,
                    "scoreAfter": attended ? .number(lina.1) : .null,
                    "version": .number(Double(enrolment.version)),
                ])
            #expect(status == .ok, "\(text)")
        }
    }

    @Test(
        "a year's plan: made, approved by leadership, sessions held with attendance, scores and ratings; plan versus done; outstanding trainees; effect on the work at 30 and 90 days",
        arguments: TestDatabase.available)
    func wholeYear(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let zhangwei = try await APITokenStore(database: t.app.db).create(
                for: try await t.staff("zhangwei").requireID(), name: "t", context: .console(now: testStart)
            ).1
            let (plan, september, november) = try await Self.approvedPlan(t)
            #expect(plan.state == "approved")
            #expect(plan.stateLabel == "已批准")
            #expect(plan.decidedBy == "赵国强")
            #expect(plan.totals.sessions == 2 && plan.totals.hours == 8 && plan.totals.costYuan == 4_000)
            #expect(plan.areaLabels == ["服务技能", "法律法规"])
            #expect(try await t.auditEntries("training_plan.approve").count == 1)

            try await Self.hold(t, september, on: "2026-09-15", lina: (62, 92))
            try await Self.hold(t, november, on: "2026-11-12", lina: (85, 88))

            // 李娜 rates the session she attended; 张伟, absent, may not.
            var (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/rating", token: lina,
                ["rating": 5, "comment": "演练很实用"])
            #expect(status == .ok, "\(text)")
            let before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/rating", token: zhangwei, ["rating": 4])
            #expect(status == .unprocessableEntity)
            #expect(AssessmentTests.fields(text) == Self.messages(["rating": "training.error.not_attended"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/rating", token: lina, ["rating": 3])
            #expect(AssessmentTests.fields(text) == Self.messages(["rating": "training.error.already_rated"]))
            #expect(try await Self.unchanged(t, before))

            // Plan versus done on 30 November: both held, the November one two days late (on time); 1 of 2 attended each.
            (status, text) = try await Self.call(t, .GET, "/api/v1/training/plans/\(plan.id)", token: supervisor)
            let done = try Self.plan(text)
            #expect(done.progress.due == 2 && done.progress.held == 2 && done.progress.quantityPercent == 100)
            #expect(done.progress.heldOnTime == 2 && done.progress.attendancePercent == 50)
            #expect(done.progress.averageRating == 5 && done.progress.averageScoreAfter == 90)

            // 62 → 92 makes 李娜 outstanding in September; 85 → 88 does not in November. The awards part reads this.
            let september2026 = try await TrainingStore(database: t.app.db).outstandingTrainees(
                departmentID: nil, from: CalendarDay("2026-01-01")!, through: CalendarDay("2026-12-31")!)
            #expect(
                september2026.map(\.staffName) == ["李娜"] && september2026.map(\.sessionID) == [september]
                    && september2026.first?.scoreAfter == 92)
            (status, text) = try await Self.call(
                t, .GET, "/api/v1/training/outstanding-trainees?year=2026", token: supervisor)
            #expect(status == .ok && text.contains("李娜"), "\(text)")
            (status, text) = try await Self.call(
                t, .GET, "/api/v1/training/outstanding-trainees?year=2026", token: zhangwei)
            #expect(status == .ok && text == "[]", "\(text)")

            // The effect on 李娜's own replies: 30 days before the session 1 of 2 promised replies on time, 30 days after 2 of 2.
            let linaID = try await t.staff(.specialist).requireID()
            let customer = try await createCustomer(
                t, token: lina, ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
            let sql = try t.app.db.sql()
            func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "T10:00:00+08:00")! }
            for (due, replied) in [
                ("2026-08-20", "2026-08-19"), ("2026-09-01", "2026-09-03"), ("2026-09-20", "2026-09-20"),
                ("2026-10-10", "2026-10-09"),
                ("2026-09-15", "2026-09-16"),
            ] {
                try await sql.raw(
                    """
                    INSERT INTO inquiries (customer_id, channel, received_at, question, status, promised_by, replied_at, staff_id, created_at, updated_at, version)
                    VALUES (\(bind: customer.id), 'phone', \(bind: at(due) - 86_400 * 2), '补充材料？', 'closed', \(bind: at(due)), \(bind: at(replied)),
                            \(bind: linaID), \(bind: at(due) - 86_400 * 2), \(bind: at(due) - 86_400 * 2), 1)
                    """
                ).run()
            }
            (status, text) = try await Self.call(
                t, .GET, "/api/v1/training/sessions/\(september)/effect", token: supervisor)
            #expect(status == .ok, "\(text)")
            let effect = try AssessmentTests.decode(TrainingEffectDTO.self, text)
            #expect(effect.trainees.map(\.staffName) == ["李娜"], "only those who attended")
            let spans = try #require(effect.trainees.first).spans
            #expect(spans.map(\.days) == [30, 90])
            #expect(spans[0].beforeStart == "2026-08-16" && spans[0].afterEnd == "2026-10-15" && spans[0].isComplete)
            #expect(!spans[1].isComplete, "90 days after 15 September are not over on 30 November")
            let replies = try #require(spans[0].changes.first { $0.figure == "replies_on_time" })
            #expect(replies.before == 50 && replies.after == 100 && replies.delta == 50)
            #expect(replies.label == "承诺按时答复率" || !replies.label.isEmpty)
            #expect(effect.trainees.first?.scoreGain == 30)
            // The effect reads only the figures a session aims at; each is what the full reading gives.
            let reader = WorkFigureReader(database: t.app.db, serviceQuality: t.app.serviceQualityFigures)
            for days in TrainingEffect.spans {
                let windows = TrainingEffect.windows(heldOn: CalendarDay("2026-09-15")!, days: days)
                for period in [windows.before, windows.after] {
                    let full = try await reader.figures(staffIDs: [linaID], period: period, now: t.clock.clock.now)
                    for aimed in [
                        Set<WorkFigure>([.repliesOnTime]), [.repliesOnTime, .complaintsInTime, .satisfaction],
                        [.inquiriesAnswered, .returnVisitsDone],
                    ] {
                        let only = try await reader.figures(
                            staffIDs: [linaID], period: period, now: t.clock.clock.now, only: aimed)
                        #expect(
                            only[linaID] == full[linaID]?.filter { aimed.contains($0.key) }, "\(aimed) over \(period)")
                    }
                }
            }

            // A specialist sees their own sessions and only their own scores; not the plan, not a colleague's line.
            (status, text) = try await Self.call(t, .GET, "/api/v1/training/sessions/\(september)", token: zhangwei)
            #expect(status == .ok)
            let seen = try Self.session(text)
            #expect(seen.enrolments.map(\.staffName) == ["张伟"])
            #expect(!text.contains("92"))
            (status, text) = try await Self.call(
                t, .GET, "/api/v1/training/sessions/\(september)/effect", token: zhangwei)
            #expect(status == .ok && !text.contains("李娜"))
            (status, _) = try await Self.call(t, .GET, "/api/v1/training/plans/\(plan.id)", token: zhangwei)
            #expect(status == .forbidden)
            (status, text) = try await Self.call(t, .GET, "/api/v1/training/sessions", token: lina)
            #expect(
                try AssessmentTests.decode([TrainingSessionDTO].self, text).map { $0.enrolments.map(\.staffName) } == [
                    ["李娜"], ["李娜"],
                ])

            // The November test score (88) is the training result in the November assessment, line by line.
            let cycle = try await AssessmentTests.openCycle(t)
            let assessment = try #require(cycle.assessments.first { $0.staffName == "李娜" })
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/assessments/\(assessment.id)/supervisor-evaluation", token: supervisor,
                ["skillsRating": 80, "teamworkRating": 90, "version": 1])
            #expect(status == .ok, "\(text)")
            let lines = try AssessmentTests.decode(AssessmentDTO.self, text).calculation.map(\.text)
            #expect(lines.contains("培训考试 1 次，平均 88 分"), "\(lines)")
        }
    }

    @Test(
        "bad input: hours or budget negative, a session outside the plan's year, enrolling twice, a score off its scale, changing an approved plan, a stale edit — refused at the field, nothing changed",
        arguments: TestDatabase.available)
    func badInput(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor)
            var before = try await Self.snapshot(t)
            var body = Self.planBody
            body["hours"] = -5
            body["budgetYuan"] = -1
            var (status, text) = try await Self.call(t, .POST, "/api/v1/training/plans", token: supervisor, body)
            #expect(status == .unprocessableEntity)
            #expect(
                AssessmentTests.fields(text)
                    == Self.messages([
                        "hours": "training.error.not_negative", "budgetYuan": "training.error.not_negative",
                    ]))
            #expect(try await Self.unchanged(t, before))

            let (plan, september, _) = try await Self.approvedPlan(t)
            before = try await Self.snapshot(t)
            var changed = Self.planBody
            changed["hours"] = 30
            changed["version"] = .number(Double(plan.version))
            (status, text) = try await Self.call(
                t, .PUT, "/api/v1/training/plans/\(plan.id)", token: supervisor, changed)
            #expect(status == .unprocessableEntity)
            #expect(AssessmentTests.fields(text) == Self.messages(["plan": "training.error.locked"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/sessions", token: supervisor,
                Self.session("追加培训", "2026-12-01"))
            #expect(AssessmentTests.fields(text) == Self.messages(["plan": "training.error.locked"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/enrolments", token: supervisor,
                ["staffID": .number(Double(try await t.staff(.specialist).requireID()))])
            #expect(AssessmentTests.fields(text) == Self.messages(["staffID": "training.error.already_enrolled"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/outcome", token: supervisor,
                ["state": "held", "heldOn": "2026-12-05", "version": 1])
            #expect(AssessmentTests.fields(text) == Self.messages(["heldOn": "training.error.future"]))
            #expect(try await Self.unchanged(t, before))

            // Reopening takes the approved plan back to a draft that must be approved again; then a session outside the year is refused.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/reopening", token: supervisor,
                ["version": .number(Double(plan.version))])
            #expect(status == .ok, "\(text)")
            #expect(try Self.plan(text).state == "draft")
            before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/sessions", token: supervisor,
                Self.session("明年的培训", "2027-01-15"))
            #expect(AssessmentTests.fields(text) == Self.messages(["scheduledOn": "training.error.outside_year"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/sessions", token: supervisor,
                Self.session("超预算", "2026-12-10", cost: 7_000))
            #expect(AssessmentTests.fields(text) == Self.messages(["costYuan": "training.error.over_budget"]))
            // A stale version: the plan was reopened (version moved on).
            (status, text) = try await Self.call(
                t, .PUT, "/api/v1/training/plans/\(plan.id)", token: supervisor, changed)
            #expect(status == .conflict, "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/outcome", token: supervisor,
                ["state": "held", "heldOn": "2026-09-15", "version": 1])
            #expect(AssessmentTests.fields(text) == Self.messages(["state": "training.error.plan_not_approved"]))
            #expect(try await Self.unchanged(t, before))

            // Approved again: a score off the scale and a stale enrolment edit are refused.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/submission", token: supervisor,
                ["version": .number(Double(plan.version + 1))])
            #expect(status == .ok, "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/approval", token: supervisor,
                ["version": .number(Double(plan.version + 2))])
            #expect(status == .forbidden, "the supervisor does not approve their own plan")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/return", token: try await t.token(.leadership),
                ["version": .number(Double(plan.version + 2))])
            #expect(AssessmentTests.fields(text) == Self.messages(["note": "validation.required"]))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/plans/\(plan.id)/approval", token: try await t.token(.leadership),
                ["version": .number(Double(plan.version + 2))])
            #expect(status == .ok, "\(text)")
            try await Self.hold(t, september, on: "2026-09-15", lina: (60, 80))
            (_, text) = try await Self.call(t, .GET, "/api/v1/training/sessions/\(september)", token: supervisor)
            let enrolment = try #require(try Self.session(text).enrolments.first { $0.staffName == "李娜" })
            let lina = try await t.token(.specialist)
            before = try await Self.snapshot(t)
            (status, text) = try await Self.call(
                t, .PUT, "/api/v1/training/sessions/\(september)/enrolments/\(enrolment.id)", token: supervisor,
                ["attended": true, "scoreBefore": 60, "scoreAfter": 120, "version": .number(Double(enrolment.version))])
            #expect(AssessmentTests.fields(text) == Self.messages(["scoreAfter": "assessment.error.score_range"]))
            (status, text) = try await Self.call(
                t, .PUT, "/api/v1/training/sessions/\(september)/enrolments/\(enrolment.id)", token: supervisor,
                ["attended": true, "scoreAfter": 90, "version": .number(Double(enrolment.version - 1))])
            #expect(status == .conflict)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/training/sessions/\(september)/rating", token: lina, ["rating": 6])
            #expect(AssessmentTests.fields(text) == Self.messages(["rating": "training.error.rating_range"]))
            #expect(try await Self.unchanged(t, before))
        }
    }

}
