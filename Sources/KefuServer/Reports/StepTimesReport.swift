import Fluent
import Foundation
import KefuDomain
import Vapor

/// The step-times report (R1.4) for a period: per step a line of the monthly median and 90th percentile in
/// hours, its table, its CSV, and for each month the steps behind the figures.
struct StepTimesReport: Sendable {
    var period: ReportPeriod
    var steps: [(step: ReportStep, months: [(month: ReportMonth, duration: StepDuration)])]

    static func load(_ period: ReportPeriod, database: any Database) async throws -> StepTimesReport {
        StepTimesReport(period: period, steps: try await StepTimeFigures(database: database).monthly(period))
    }

    static func recordsLink(_ step: ReportStep, _ month: ReportMonth, _ period: ReportPeriod) -> String {
        SiteURL.stepTimesRecords(step.rawValue).path(rawQuery: "month=\(month)&from=\(period.from)&to=\(period.to)")
    }

    static func hours(_ value: Double?) -> String {
        value.map { ChartValueFormat.count.text(($0 * 10).rounded() / 10) } ?? "—"
    }

    func chart(_ step: ReportStep, t: (String) -> String) -> ChartData {
        let months = steps.first { $0.step == step }?.months ?? []
        let links = months.map { Self.recordsLink(step, $0.month, period) as String? }
        return ChartData(
            categories: months.map(\.month.description),
            series: [
                ChartSeries(
                    name: t("report.step.median"),
                    values: months.map { (($0.duration.medianHours ?? 0) * 10).rounded() / 10 }, links: links),
                ChartSeries(
                    name: t("report.step.p90"),
                    values: months.map { (($0.duration.p90Hours ?? 0) * 10).rounded() / 10 }, links: links),
            ])
    }

    func header(t: (String) -> String) -> [String] {
        [t("report.step.month"), t("report.step.count"), t("report.step.median_hours"), t("report.step.p90_hours")]
    }

    func rows(_ step: ReportStep) -> [ReportCard.Row] {
        (steps.first { $0.step == step }?.months ?? []).map { month in
            ReportCard.Row(
                label: month.month.description,
                values: [
                    String(month.duration.count), Self.hours(month.duration.medianHours),
                    Self.hours(month.duration.p90Hours),
                ],
                link: Self.recordsLink(step, month.month, period))
        }
    }

    func card(_ step: ReportStep, t: (String) -> String) -> HTMLFragment {
        ReportCard.render(
            .line, chart(step, t: t), title: t("report.step.\(step.rawValue)"), header: header(t: t), rows: rows(step),
            t: t)
    }

    func csv(_ step: ReportStep, t: (String) -> String) -> String {
        ReportCard.csv(header: header(t: t), rows: rows(step))
    }

    // MARK: JSON

    struct DTO: Content, Equatable {
        struct Month: Content, Equatable {
            var month: String; var count: Int; var medianHours: Double?; var p90Hours: Double?
        }
        struct Step: Content, Equatable { var step: String; var label: String; var months: [Month] }
        var from: String, to: String
        var steps: [Step]
    }

    func dto(t: (String) -> String) -> DTO {
        DTO(
            from: period.from.description, to: period.to.description,
            steps: steps.map { entry in
                DTO.Step(
                    step: entry.step.rawValue, label: t("report.step.\(entry.step.rawValue)"),
                    months: entry.months.map {
                        DTO.Month(
                            month: $0.month.description, count: $0.duration.count, medianHours: $0.duration.medianHours,
                            p90Hours: $0.duration.p90Hours)
                    })
            })
    }
}
