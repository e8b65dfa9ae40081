import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Quality inspections (issue 14 §6): three communication records per specialist of the last year,
/// sampled with a fixed seed and taken through the same steps people use — scored with a comment,
/// acknowledged, one disputed and answered, one left to score — and records sampled by rule.
enum DemoInspections {
    static let comments = ["开场问候规范，答复准确；记录可再补充客户的顾虑。", "政策说明清楚，主动约定了回访时间。", "信息准确，但未记录下一步安排。"]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM inspections").first()?.decode(column: "n", as: Int.self) == 0,
            let supervisor = try await DemoRows.person("wangjing", on: sql)
        else { return }
        let supervisorID = supervisor.id, departmentID = supervisor.departmentID
        let now = app.kefu.clock.now
        func context(_ staffID: Int, _ name: String) -> AuditContext {
            AuditContext(actorStaffID: staffID, actorName: name, address: "demo", requestID: "demo", now: now)
        }
        let today = CalendarDay(now, timeZone: DisplayFormat.timeZone)
        let store = InspectionStore(database: app.db)
        let ids = try await store.sample(
            .init(
                periodStart: today.adding(days: -365).description, periodEnd: today.description, perPerson: 3,
                seed: 2026, rule: nil),
            departmentID: departmentID, context: context(supervisorID, "wangjing"))
        for (index, id) in ids.enumerated() where index % 3 != 2 {
            guard let row = try await store.find(id) else { continue }
            let scores = Dictionary(
                uniqueKeysWithValues: row.checklistItems.enumerated().map {
                    ($1.code, Double(70 + (index * 7 + $0 * 5) % 30))
                })
            try await store.score(
                row, scores: scores, comment: comments[index % comments.count], version: row.version,
                context: context(supervisorID, "wangjing"))
            guard let scored = try await store.find(id) else { continue }
            let own = context(scored.staffID, scored.staffName ?? "")
            if index == 1 {
                try await store.dispute(scored, reason: "该客户的顾虑已记录在下一条沟通记录中。", version: scored.version, context: own)
                if let disputed = try await store.find(id) {
                    try await store.answer(
                        disputed, answer: "已核对，记录完整项维持原分；请在同一条记录中写全。", scores: nil, version: disputed.version,
                        context: context(supervisorID, "wangjing"))
                }
            } else if index % 2 == 0 {
                try await store.acknowledge(scored, version: scored.version, context: own)
            }
        }
        // By rule: the inquiries and complaint updates behind low survey scores, then a complaint
        // update per person, left to score.
        for rule in [InspectionStore.Rule.lowScores, .complaints] {
            _ = try await store.sample(
                .init(
                    periodStart: today.adding(days: -365).description, periodEnd: today.description, perPerson: 1,
                    seed: 2026,
                    rule: rule.rawValue),
                departmentID: departmentID, context: context(supervisorID, "wangjing"))
        }
    }
}
