import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Two finished assessment cycles (issue 14 §6): 2026 Q2 and Q3 for the demo team, taken through the
/// same workflow people use — self-evaluations, the supervisor's evaluations computed from the figures,
/// acknowledgements, an appeal answered, decisions with their basis, and leadership's sign-off.
enum DemoAssessments {
    static let cycles: [(name: String, start: String, end: String)] = [
        ("2026年第二季度考核", "2026-04-01", "2026-06-30"), ("2026年第三季度考核", "2026-07-01", "2026-09-30"),
    ]
    static let summaries = [
        "本季度按时答复全部承诺，主动跟进重点意向客户。", "熟悉了园区新政策，答复更准确；签约推进偏慢。",
        "协助新同事熟悉系统，客户回访及时。", "跟进计划执行到位，沟通记录完整。", "本季度参加两次培训，表达更清晰。",
    ]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM assessment_cycles").first()?.decode(column: "n", as: Int.self)
                == 0
        else { return }
        func person(_ username: String) async throws -> (id: Int, department: Int)? {
            try await DemoRows.person(username, on: sql).map { ($0.id, $0.departmentID) }
        }
        guard let supervisor = try await person("wangjing"), let leader = try await person("zhaoguoqiang") else {
            return
        }
        let now = app.kefu.clock.now
        func context(_ staffID: Int, _ name: String) -> AuditContext {
            AuditContext(actorStaffID: staffID, actorName: name, address: "demo", requestID: "demo", now: now)
        }
        let workflow = AssessmentWorkflow(database: app.db, serviceQuality: app.serviceQualityFigures)
        let store = AssessmentStore(database: app.db)
        for (index, cycle) in cycles.enumerated() {
            let input = AssessmentWorkflow.CycleInput(
                name: cycle.name, periodStart: cycle.start, periodEnd: cycle.end, weights: nil, thresholds: nil,
                targets: [
                    .init(figure: "inquiries_answered", target: 30), .init(figure: "replies_on_time", target: 95),
                    .init(figure: "follow_ups_on_time", target: 90), .init(figure: "customers_to_intent", target: 5),
                    .init(figure: "contracts_signed", target: 2),
                ],
                staffIDs: nil
            )
            let cycleID = try await workflow.createCycle(
                input, departmentID: supervisor.department, context: context(supervisor.id, "wangjing"))
            for (position, row) in try await store.assessments(cycleID: cycleID).enumerated() {
                let own = context(row.staffID, row.staffName)
                try await workflow.selfEvaluate(
                    row.id,
                    .init(
                        score: Double(78 + (position * 7 + index * 3) % 18),
                        summary: summaries[position % summaries.count],
                        version: row.version), context: own)
                try await workflow.supervisorEvaluate(
                    row.id,
                    .init(
                        skillsRating: Double(70 + (position * 11 + index * 5) % 28),
                        teamworkRating: Double(75 + (position * 5 + index * 7) % 22),
                        comment: "沟通规范，记录完整；继续加强签约跟进。", version: row.version + 1),
                    now: now, context: context(supervisor.id, "wangjing"))
                let appeal = index == 1 && position == 1
                try await workflow.respond(
                    row.id,
                    .init(
                        appeal: appeal, comment: appeal ? "本季度有两周参加外派培训，跟进数量目标请予考虑。" : "认可。",
                        version: row.version + 2), context: own)
                if appeal {
                    try await workflow.answerAppeal(
                        row.id,
                        .init(
                            answer: "已核实外派培训安排，专业技能评分上调 5 分。",
                            skillsRating: Double(75 + (position * 11 + index * 5) % 23), version: row.version + 3),
                        now: now, context: context(supervisor.id, "wangjing"))
                }
                guard let evaluated = try await store.assessment(row.id),
                    let grade = evaluated.grade.flatMap(AssessmentGrade.init(rawValue:))
                else { continue }
                for kind in ConsequenceKind.proposals(for: grade) where kind != .promotion {
                    _ = try await workflow.addDecision(
                        assessmentID: row.id,
                        .init(
                            kind: kind.rawValue, amountYuan: kind.hasAmount ? 1_000 : nil,
                            basis: "\(cycle.name)：\(evaluated.total.map(AssessmentCalculation.text) ?? "—") 分"),
                        context: context(supervisor.id, "wangjing"))
                }
            }
            guard let version = try await store.cycle(cycleID)?.version else { continue }
            try await workflow.signOff(cycleID: cycleID, version: version, context: context(leader.id, "zhaoguoqiang"))
        }
    }
}
