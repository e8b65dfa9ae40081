import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Discipline, penalties and awards (issue 15 §2–4, R6.2, R6.4, R7.1, R7.2): a violation with its evidence,
/// the person's response and the outcome; a penalty citing it, the bell, one appeal within the window and
/// the decision; the shortlist read from the month's real figures and the award decided from it; every
/// refusal leaves records, notes on the bell and the audit log as they were.
@Suite("Conduct: violations, penalties with appeals, awards from the shortlist (R6.2, R6.4, R7.1, R7.2)")
struct ConductTests {
    static func call(
        _ t: TestApp, _ method: HTTPMethod, _ path: String, token: String, _ body: [String: JSONValue]? = nil
    ) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(t, method, path, token: token, body)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try AssessmentTests.decode(type, text)
    }

    /// What no refused request may move: every conduct table, the bell, the audit log (refusals of access aside).
    static func state(_ t: TestApp) async throws -> [String] {
        let sql = try t.app.db.sql()
        var state: [String] = []
        for query: SQLQueryString in [
            "SELECT COUNT(*) AS n FROM violations", "SELECT COUNT(*) AS n FROM violation_links",
            "SELECT COUNT(*) AS n FROM penalties",
            "SELECT COUNT(*) AS n FROM awards", "SELECT COUNT(*) AS n FROM notifications",
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS n FROM penalties",
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS n FROM violations",
            "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) AS n FROM awards",
            "SELECT COUNT(*) AS n FROM audit_entries WHERE action <> 'auth.permission_denied'",
        ] {
            state.append(String(try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? -1))
        }
        let statuses = try await sql.raw("SELECT id, status FROM penalties ORDER BY id").all()
        state += try statuses.map {
            "\(try $0.decode(column: "id", as: Int.self)):\(try $0.decode(column: "status", as: String.self))"
        }
        return state
    }

    /// 王静 records a violation of 李娜 and confirms it; returns its id.
    static func confirmedViolation(_ t: TestApp, staffID: Int, at: String = "2026-11-20T14:10") async throws -> Int {
        let supervisor = try await t.token(.supervisor)
        var (status, text) = try await Self.call(
            t, .POST, "/api/v1/violations", token: supervisor,
            [
                "staffID": .number(Double(staffID)), "type": "leaving_post", "occurredAt": .string(at),
                "description": "工作时间离开座席40分钟，未报备。",
            ])
        #expect(status == .created, "\(text)")
        let violation = try Self.decode(ConductAPIController.ViolationDTO.self, text)
        (status, text) = try await Self.call(
            t, .POST, "/api/v1/violations/\(violation.id)/outcome", token: supervisor,
            ["outcome": "confirmed", "note": "属实。", "version": .number(Double(violation.version))])
        #expect(status == .ok, "\(text)")
        return violation.id
    }

    @Test(
        "a violation with evidence, the response, the outcome; a penalty citing it reaches the bell; one appeal within the window; the decision; all audited",
        arguments: TestDatabase.available)
    func violationPenaltyAppeal(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.staff(.specialist).requireID()
            let supervisor = try await t.token(.supervisor), specialist = try await t.token(.specialist)
            // The evidence: an audit entry (a reveal) and a complaint-like record of any declared kind — here an inquiry.
            let customer = try await createCustomer(
                t, token: specialist, ["name": "陈立", "companyName": "苏州陈氏精密机械有限公司", "mobile": "13700001234"])
            let audit = try #require(try await AuditEntryModel.query(on: t.app.db).sort(\.$id, .descending).first())
                .requireID()
            var (status, text) = try await Self.call(
                t, .POST, "/api/v1/violations", token: supervisor,
                [
                    "staffID": .number(Double(lina)), "type": "confidentiality_breach",
                    "occurredAt": "2026-11-28T10:30",
                    "description": "查看非本人负责客户的完整手机号，理由不充分。",
                    "links": [
                        ["type": "audit_entry", "id": .number(Double(audit))],
                        ["type": "customer", "id": .number(Double(customer.id))],
                    ],
                ])
            #expect(status == .created, "\(text)")
            var violation = try Self.decode(ConductAPIController.ViolationDTO.self, text)
            #expect(violation.outcome == "pending" && violation.links.count == 2)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/violations/\(violation.id)/response", token: specialist,
                ["response": "为核实重复客户而查看，已登记理由。", "version": .number(Double(violation.version))])
            #expect(status == .ok, "\(text)")
            violation = try Self.decode(ConductAPIController.ViolationDTO.self, text)
            #expect(violation.response == "为核实重复客户而查看，已登记理由。")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/violations/\(violation.id)/outcome", token: supervisor,
                ["outcome": "confirmed", "note": "查看理由与实际不符。", "version": .number(Double(violation.version))])
            #expect(status == .ok, "\(text)")
            #expect(try Self.decode(ConductAPIController.ViolationDTO.self, text).outcome == "confirmed")

            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties", token: supervisor,
                [
                    "staffID": .number(Double(lina)), "kind": "criticism", "causeType": "violation",
                    "causeID": .number(Double(violation.id)),
                    "reason": "违规查看客户信息，通报批评。",
                ])
            #expect(status == .created, "\(text)")
            var penalty = try Self.decode(ConductAPIController.PenaltyDTO.self, text)
            #expect(penalty.cause == RecordReference(type: "violation", id: violation.id))
            #expect(penalty.appealUntil == testStart.addingTimeInterval(7 * 86_400))
            #expect(penalty.appealDecidedBy == "supervisor")
            let bell = try await NotificationStore(database: t.app.db).page(
                staffID: lina, paging: Paging(number: 1, size: 20)
            ).items
            #expect(bell.contains { $0.event == "penalty.imposed" && $0.link == "/conduct/penalties/\(penalty.id)" })
            // The violation carries a record number, and the penalty names its cause by it.
            let cause = RecordReference(type: "violation", id: violation.id)
            let number = try #require(try await RecordReferences.numbers(of: [cause], on: t.app.db)[cause])
            #expect(number.hasPrefix("WJ-2026-"), "\(number)")
            let browser = try await t.signIn("wangjing")
            try await t.app.testing().test(
                .GET, "/conduct/penalties/\(penalty.id)", beforeRequest: { req in browser.apply(to: &req) }
            ) { res async throws in
                #expect(
                    res.status == .ok && res.body.string.contains(number)
                        && !res.body.string.contains("#\(violation.id)"))
            }

            // The appeal on the last day of the window is accepted; a second one is refused.
            t.clock.advance(by: 7 * 86_400)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(penalty.id)/appeal", token: specialist,
                ["reason": "已按规定登记查看理由，请求撤销。", "version": .number(Double(penalty.version))])
            #expect(status == .ok, "\(text)")
            penalty = try Self.decode(ConductAPIController.PenaltyDTO.self, text)
            #expect(penalty.status == "appealed")
            let before = try await Self.state(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(penalty.id)/appeal", token: specialist,
                ["reason": "再次申诉。", "version": .number(Double(penalty.version))])
            #expect(status == .conflict && text.contains("每项处罚只能申诉一次"), "\(text)")
            #expect(try await Self.state(t) == before)

            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(penalty.id)/decision", token: supervisor,
                ["decision": "revoked", "note": "核实已登记理由，撤销处罚。", "version": .number(Double(penalty.version))])
            #expect(status == .ok, "\(text)")
            #expect(try Self.decode(ConductAPIController.PenaltyDTO.self, text).status == "revoked")
            for action in [
                "violation.recorded", "violation.responded", "violation.decided", "penalty.imposed", "penalty.appealed",
                "penalty.appeal_decided",
            ] {
                #expect(try await t.auditEntries(action).count == 1, "\(action)")
            }
            let decided = try await NotificationStore(database: t.app.db).page(
                staffID: lina, paging: Paging(number: 1, size: 20)
            ).items
            #expect(decided.contains { $0.event == "penalty.appeal_decided" })
        }
    }

    @Test(
        "bad input: a penalty without a cause, a cause of someone else or of nothing, someone outside the team, oneself; an appeal after the deadline, by someone else; a stale edit; a decision for leadership taken by the supervisor — refused, nothing changed",
        arguments: TestDatabase.available)
    func refusals(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.staff(.specialist).requireID(), zhangwei = try await t.staff("zhangwei").requireID()
            let liaison = try await t.staff(.liaison).requireID(),
                supervisorID = try await t.staff(.supervisor).requireID()
            let supervisor = try await t.token(.supervisor), specialist = try await t.token(.specialist),
                leadership = try await t.token(.leadership)
            let linas = try await Self.confirmedViolation(t, staffID: lina)
            let zhangweis = try await Self.confirmedViolation(t, staffID: zhangwei)
            var before = try await Self.state(t)
            func refused(_ body: [String: JSONValue], _ field: String, _ key: String) async throws {
                let (status, text) = try await Self.call(t, .POST, "/api/v1/penalties", token: supervisor, body)
                #expect(status == .unprocessableEntity, "\(text)")
                #expect(AssessmentTests.fields(text)[field] == t.app.kefu.localizer.text(key, .zhHans), "\(text)")
                #expect(try await Self.state(t) == before)
            }
            let base: [String: JSONValue] = ["staffID": .number(Double(lina)), "kind": "warning", "reason": "擅离岗位。"]
            try await refused(base, "cause", "conduct.error.cause_required")
            try await refused(base.merging(["causeType": "violation"]) { $1 }, "cause", "conduct.error.cause_required")
            try await refused(
                base.merging(["causeType": "violation", "causeID": .number(Double(zhangweis))]) { $1 }, "cause",
                "conduct.error.cause_other_person")
            try await refused(
                base.merging(["causeType": "violation", "causeID": 999]) { $1 }, "cause", "conduct.error.unknown_record"
            )
            try await refused(
                base.merging(["causeType": "no_such_kind", "causeID": 1]) { $1 }, "cause",
                "conduct.error.unknown_record")
            try await refused(
                base.merging([
                    "staffID": .number(Double(liaison)), "causeType": "violation", "causeID": .number(Double(linas)),
                ]) { $1 },
                "staffID", "conduct.error.outside_team")
            try await refused(
                base.merging([
                    "staffID": .number(Double(supervisorID)), "causeType": "violation",
                    "causeID": .number(Double(linas)),
                ]) { $1 },
                "staffID", "conduct.error.self")
            try await refused(
                base.merging(["kind": "bonus_deduction", "causeType": "violation", "causeID": .number(Double(linas))]) {
                    $1
                },
                "amount", "conduct.error.amount_required")

            // The database itself refuses a penalty without a cause.
            let sql = try t.app.db.sql()
            for (type, id) in [("NULL", "1"), ("''", "1"), ("'violation'", "NULL"), ("'violation'", "0")] {
                await #expect(throws: (any Error).self) {
                    try await sql.raw(
                        """
                        INSERT INTO penalties (staff_id, department_id, kind, cause_type, cause_id, reason, imposed_at, imposed_by_staff_id, appeal_until, status,
                            created_at, updated_at, version)
                        VALUES (\(bind: lina), 1, 'warning', \(unsafeRaw: type), \(unsafeRaw: id), 'x', \(bind: testStart), \(bind: supervisorID), \(bind: testStart),
                                'imposed', \(bind: testStart), \(bind: testStart), 1)
                        """
                    ).run()
                }
            }
            #expect(try await Self.state(t) == before)

            // Two penalties: a warning (the supervisor decides its appeal) and a deduction (leadership does).
            var (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties", token: supervisor,
                base.merging(["causeType": "violation", "causeID": .number(Double(linas))]) { $1 })
            #expect(status == .created, "\(text)")
            let warning = try Self.decode(ConductAPIController.PenaltyDTO.self, text)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties", token: supervisor,
                [
                    "staffID": .number(Double(lina)), "kind": "bonus_deduction", "amount": 300,
                    "causeType": "violation", "causeID": .number(Double(linas)),
                    "reason": "擅离岗位，扣减奖金300元。",
                ])
            #expect(status == .created, "\(text)")
            let deduction = try Self.decode(ConductAPIController.PenaltyDTO.self, text)
            #expect(deduction.appealDecidedBy == "leadership")

            // By someone else: 张伟 may not appeal 李娜's penalty (403, audited as a refusal).
            let colleague = try await staffToken(t, "zhangwei")
            before = try await Self.state(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(warning.id)/appeal", token: colleague, ["reason": "代为申诉。", "version": 1])
            #expect(status == .forbidden, "\(text)")
            #expect(try await Self.state(t) == before)
            // A stale version.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(warning.id)/appeal", token: specialist,
                ["reason": "请求撤销。", "version": 7])
            #expect(status == .conflict, "\(text)")
            #expect(try await Self.state(t) == before)
            // The deduction appealed; the supervisor may not decide it, leadership does.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(deduction.id)/appeal", token: specialist,
                ["reason": "请求减轻。", "version": 1])
            #expect(status == .ok, "\(text)")
            before = try await Self.state(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(deduction.id)/decision", token: supervisor,
                ["decision": "revoked", "note": "撤销。", "version": 2])
            #expect(status == .forbidden && text.contains("上级领导"), "\(text)")
            #expect(try await Self.state(t) == before)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(deduction.id)/decision", token: leadership,
                ["decision": "upheld", "note": "维持。", "version": 2])
            #expect(status == .ok, "\(text)")

            // After the deadline: eight days later the warning can no longer be appealed.
            t.clock.advance(by: 8 * 86_400)
            before = try await Self.state(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/penalties/\(warning.id)/appeal", token: specialist,
                ["reason": "请求撤销。", "version": 1])
            #expect(status == .conflict && text.contains("申诉期限已过"), "\(text)")
            #expect(try await Self.state(t) == before)
            // The page says so in place of the form.
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/conduct/penalties/\(warning.id)", beforeRequest: { browser.apply(to: &$0) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(
                    res.body.string.contains("id=\"appeal-closed\"") && !res.body.string.contains("id=\"appeal-form\""))
            }
            // A violation's response after its outcome is decided: refused (the sign-in above is audited, so count from here).
            before = try await Self.state(t)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/violations/\(linas)/response", token: specialist,
                ["response": "补充说明。", "version": 2])
            #expect(status == .conflict, "\(text)")
            #expect(try await Self.state(t) == before)
        }
    }

    @Test(
        "the shortlist is read from the month's real figures; a confirmed violation leaves a person off; the monthly award is decided from it with its reasons; public praise on the workbench",
        arguments: TestDatabase.available)
    func shortlistAndAwards(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (lina, zhangwei) = try await WorkPlanTests.seed(t)
            let supervisor = try await t.token(.supervisor), leadership = try await t.token(.leadership)
            var (status, text) = try await Self.call(
                t, .GET, "/api/v1/awards/shortlist?month=2026-11", token: supervisor)
            #expect(status == .ok, "\(text)")
            var shortlist = try Self.decode(ConductAPIController.ShortlistDTO.self, text)
            // 张伟: replies 1 of 1, follow-ups 1 of 1 → 100; 李娜: replies 1 of 2 (10 of 20), follow-ups 2 of 3 (13.33 of 20) → 23.33 of 40 → 58.33.
            #expect(shortlist.places.map(\.staffID) == [zhangwei, lina])
            #expect(shortlist.places.map(\.place) == [1, 2])
            #expect(shortlist.places.map(\.score) == [100, 58.33])
            #expect(shortlist.places[1].reasons.map(\.text).contains("跟进按时 2/3（66.67%）：13.33/20 分"))
            #expect(shortlist.places[1].reasons.map(\.text).contains("客户满意度：无数据，不计分"))

            // A confirmed violation of 张伟 in November: off the list, 李娜 first.
            _ = try await Self.confirmedViolation(t, staffID: zhangwei, at: "2026-11-12T09:40")
            (status, text) = try await Self.call(t, .GET, "/api/v1/awards/shortlist?month=2026-11", token: supervisor)
            shortlist = try Self.decode(ConductAPIController.ShortlistDTO.self, text)
            #expect(shortlist.places.map(\.staffID) == [lina, zhangwei])
            #expect(shortlist.places.map(\.place) == [1, nil])
            #expect(shortlist.places[1].reasons.first?.key == "shortlist.reason.violations")

            // Not on the shortlist, outside the team, a bad month: refused, nothing changed.
            let before = try await Self.state(t)
            let award: [String: JSONValue] = [
                "kind": "monthly", "period": "2026-11", "forms": ["bonus", "public_praise"], "bonus": 500,
                "citation": "答复及时，跟进到位。",
            ]
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor,
                award.merging(["staffID": .number(Double(zhangwei))]) { $1 })
            #expect(status == .unprocessableEntity && AssessmentTests.fields(text)["staffID"] != nil, "\(text)")
            let liaison = try await t.staff(.liaison).requireID()
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor,
                award.merging(["staffID": .number(Double(liaison))]) { $1 })
            #expect(status == .unprocessableEntity && text.contains("只能对本部门的人员"), "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor,
                award.merging(["staffID": .number(Double(lina)), "period": "2026-13"]) { $1 })
            #expect(status == .unprocessableEntity && AssessmentTests.fields(text)["period"] != nil, "\(text)")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor,
                ["staffID": .number(Double(lina)), "kind": "special", "forms": ["certificate"], "citation": "重大投诉化解。"])
            #expect(status == .unprocessableEntity && AssessmentTests.fields(text)["cause"] != nil, "\(text)")
            #expect(try await Self.state(t) == before)

            // Decided from the shortlist: the place and its reasons kept with the award; public praise on everyone's workbench.
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor, award.merging(["staffID": .number(Double(lina))]) { $1 })
            #expect(status == .created, "\(text)")
            let granted = try Self.decode(ConductAPIController.AwardDTO.self, text)
            #expect(
                granted.status == "granted" && granted.shortlistPlace == 1
                    && granted.shortlistReasons.last?.key == "shortlist.reason.total")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor, award.merging(["staffID": .number(Double(lina))]) { $1 })
            #expect(status == .unprocessableEntity && text.contains("当月已获月度奖"), "\(text)")
            let colleague = try await t.signIn("zhangwei")
            try await t.app.testing().test(.GET, "/", beforeRequest: { colleague.apply(to: &$0) }) { res async throws in
                #expect(res.body.string.contains("id=\"workbench-praise\"") && res.body.string.contains("答复及时，跟进到位。"))
            }

            // A special-contribution award citing a record, for leadership's approval.
            let contract = try await ContractTests.draft(
                t, token: try await t.token(.specialist), name: "王芳", mobile: "13900001111")
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards", token: supervisor,
                [
                    "staffID": .number(Double(lina)), "kind": "special", "causeType": "contract",
                    "causeID": .number(Double(contract.id)),
                    "forms": ["certificate", "training"], "citation": "促成重点项目签约。", "needsApproval": true,
                ])
            #expect(status == .created, "\(text)")
            let special = try Self.decode(ConductAPIController.AwardDTO.self, text)
            #expect(
                special.status == "awaiting_approval"
                    && special.cause == RecordReference(type: "contract", id: contract.id))
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards/\(special.id)/approval", token: supervisor, ["approve": true, "version": 1])
            #expect(status == .forbidden)
            (status, text) = try await Self.call(
                t, .POST, "/api/v1/awards/\(special.id)/approval", token: leadership, ["approve": true, "version": 1])
            #expect(status == .ok, "\(text)")
            #expect(try Self.decode(ConductAPIController.AwardDTO.self, text).status == "granted")
            #expect(try await t.auditEntries("award.decided").count == 2)
            #expect(try await t.auditEntries("award.approved").count == 1)
        }
    }
}
