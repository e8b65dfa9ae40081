import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Each specialist's figures against their plan (issue 16 §2 "每个专员的指标与计划对比"): the personal work
/// plans in force in the dashboard's period (per person the one that started last), each target with what
/// the plan's own progress reads — the work plans' figure reader (``WorkFigureReader``) and their rules
/// (``TargetProgress``, ``WorkPlanRules``), so the dashboard shows the numbers of the plan's page. Plans of
/// the same period are read in one pass for all their people, and the result is kept in the figure cache
/// under the plans' versions, as a plan's page keeps its progress.
struct PlanFigures {
    let database: any Database
    var serviceQuality: any ServiceQualityFigures = NoServiceQualityFigures()

    struct Plan: Sendable, Equatable {
        var planID: Int
        var staffID: Int
        var staffName: String?
        var title: String
        var periodStart: String
        var periodEnd: String
        var progress: [TargetProgress]
    }

    /// The plans in force in the period: personal plans overlapping it, the latest-starting per person.
    func plans(_ period: ReportPeriod, staffID: Int?) async throws -> [WorkPlanStore.Row] {
        var condition: SQLQueryString =
            "p.staff_id IS NOT NULL AND p.period_start <= \(bind: period.to.description) AND p.period_end >= \(bind: period.from.description)"
        if let staffID { condition = condition + " AND p.staff_id = \(bind: staffID)" }
        let rows = try await database.sql().raw(
            "\(WorkPlanStore.select) WHERE \(condition) ORDER BY p.staff_id, p.period_start DESC, p.id DESC"
        ).all(decoding: WorkPlanStore.Row.self)
        var seen: Set<Int> = []
        return rows.filter { row in row.staffID.map { seen.insert($0).inserted } ?? false }
    }

    /// Each plan's progress now, as ``WorkPlanStore/progress(_:now:serviceQuality:)`` reads it for a personal plan.
    func progress(_ rows: [WorkPlanStore.Row], now: Date) async throws -> [Plan] {
        var byPeriod: [String: (period: AssessmentPeriod, plans: [WorkPlanStore.Row])] = [:]
        for row in rows {
            if let period = row.period {
                byPeriod["\(row.periodStart)…\(row.periodEnd)", default: (period, [])].plans.append(row)
            }
        }
        var figures: [Int: [Int: [WorkFigure: FigureValue]]] = [:]
        let reader = WorkFigureReader(database: database, serviceQuality: serviceQuality)
        for (period, plans) in byPeriod.values {
            let wanted = Set(plans.flatMap { $0.workTargets.map(\.figure) })
            let read = try await reader.figures(
                staffIDs: Array(Set(plans.compactMap(\.staffID))).sorted(), period: period, now: now, only: wanted)
            for plan in plans { figures[plan.id] = read }
        }
        return rows.compactMap { row in
            guard let staffID = row.staffID, row.period != nil else { return nil }
            let people = [staffID]
            return Plan(
                planID: row.id, staffID: staffID, staffName: row.staffName, title: row.title,
                periodStart: row.periodStart, periodEnd: row.periodEnd,
                progress: row.workTargets.map { target in
                    TargetProgress(
                        figure: target.figure, target: target.target,
                        value: WorkPlanRules.combine(people.compactMap { figures[row.id]?[$0]?[target.figure] }))
                })
        }.sorted { ($0.staffName ?? "\u{10FFFF}", $0.staffID) < ($1.staffName ?? "\u{10FFFF}", $1.staffID) }
    }

    /// The plans in force and their progress, kept in the figure cache for `maxAge` seconds (0: read now).
    func load(_ period: ReportPeriod, staffID: Int?, now: Date, cache: FigureCache?, maxAge: TimeInterval)
        async throws -> [Plan]
    {
        let rows = try await plans(period, staffID: staffID)
        guard let cache, maxAge > 0 else { return try await progress(rows, now: now) }
        let key = "report_plans:" + rows.map { "\($0.id).\($0.version)" }.joined(separator: ",")
        let figures = self
        return try await cache.value(key, now: now, maxAge: maxAge) { try await figures.progress(rows, now: now) }
    }
}
