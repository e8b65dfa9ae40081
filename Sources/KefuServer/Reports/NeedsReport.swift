import Fluent
import Foundation
import KefuDomain
import Vapor

/// The customer-needs and market analysis (R2.2) for a period: per dimension a bar chart of this period
/// against the one before, the needs that grew and fell most said in words, its table, CSV and the
/// customers or reactions behind each bar.
struct NeedsReport: Sendable {
    var period: ReportPeriod
    var dimensions: [(dimension: NeedsFigures.Dimension, changes: [NeedChange])]

    static func load(_ period: ReportPeriod, database: any Database) async throws -> NeedsReport {
        let figures = NeedsFigures(database: database)
        var dimensions: [(dimension: NeedsFigures.Dimension, changes: [NeedChange])] = []
        for dimension in NeedsFigures.Dimension.allCases {
            dimensions.append((dimension, try await figures.changes(dimension, period: period)))
        }
        return NeedsReport(period: period, dimensions: dimensions)
    }

    static func label(_ dimension: NeedsFigures.Dimension, _ key: String, t: (String) -> String) -> String {
        if key == NeedsFigures.none { return t("report.needs.none") }
        return switch dimension {
        case .industry: t("customer.industry.\(key)")
        case .budget: t("report.budget.\(key)")
        case .timing: t("customer.timing.\(key)")
        case .projectType: t("project.type.\(key)")
        case .region, .rejectionReason: key
        }
    }

    static func link(_ dimension: NeedsFigures.Dimension, _ key: String, _ period: ReportPeriod) -> String {
        SiteURL.needsRecords(dimension.rawValue).path(
            rawQuery: "key=\(key.addingPercentEncoding(withAllowedCharacters: SupervisorDashboard.unreserved) ?? "")")
            + "&from=\(period.from)&to=\(period.to)"
    }

    func changes(_ dimension: NeedsFigures.Dimension) -> [NeedChange] {
        dimensions.first { $0.dimension == dimension }?.changes ?? []
    }

    func chart(_ dimension: NeedsFigures.Dimension, t: (String) -> String) -> ChartData {
        let changes = changes(dimension)
        return ChartData(
            categories: changes.map { Self.label(dimension, $0.key, t: t) },
            series: [
                ChartSeries(
                    name: t("report.series.this_period"), values: changes.map { Double($0.current) },
                    links: changes.map { Self.link(dimension, $0.key, period) }),
                ChartSeries(
                    name: t("report.series.previous_period"), values: changes.map { Double($0.previous) },
                    links: changes.map { Self.link(dimension, $0.key, period.previous) }),
            ])
    }

    /// The needs that grew and fell most, in words ("Grew most: Technology (+8); fell most: Retail (−6)"), punctuated for the reader's language.
    func summary(_ dimension: NeedsFigures.Dimension, t: (String) -> String) -> String {
        let (growing, falling) = NeedsTrend.callouts(changes(dimension))
        func names(_ list: [NeedChange]) -> String {
            list.map {
                Self.label(dimension, $0.key, t: t) + t("report.needs.open") + ($0.change > 0 ? "+" : "−")
                    + String(abs($0.change)) + t("report.needs.close")
            }
            .joined(separator: t("report.needs.list_separator"))
        }
        var parts: [String] = []
        if !growing.isEmpty { parts.append(t("report.needs.growing") + t("report.needs.colon") + names(growing)) }
        if !falling.isEmpty { parts.append(t("report.needs.falling") + t("report.needs.colon") + names(falling)) }
        return parts.isEmpty ? t("report.needs.steady") : parts.joined(separator: t("report.needs.clause_separator"))
    }

    func header(t: (String) -> String) -> [String] {
        [
            t("report.column.label"), t("report.series.this_period"), t("report.series.previous_period"),
            t("report.needs.change"),
        ]
    }

    func rows(_ dimension: NeedsFigures.Dimension, t: (String) -> String) -> [ReportCard.Row] {
        changes(dimension).map { change in
            ReportCard.Row(
                label: Self.label(dimension, change.key, t: t),
                values: [
                    String(change.current), String(change.previous),
                    (change.change > 0 ? "+" : "") + String(change.change),
                ],
                link: Self.link(dimension, change.key, period))
        }
    }

    func card(_ dimension: NeedsFigures.Dimension, t: (String) -> String) -> HTMLFragment {
        ReportCard.render(
            .bar, chart(dimension, t: t), title: t("report.needs.\(dimension.rawValue)"), header: header(t: t),
            rows: rows(dimension, t: t), t: t)
    }

    // MARK: JSON

    struct DTO: Content, Equatable {
        struct Change: Content, Equatable {
            var key: String; var label: String; var current: Int; var previous: Int; var change: Int
        }
        struct Dimension: Content, Equatable { var dimension: String; var summary: String; var values: [Change] }
        var from: String, to: String, previousFrom: String, previousTo: String
        var dimensions: [Dimension]
    }

    func dto(t: (String) -> String) -> DTO {
        DTO(
            from: period.from.description, to: period.to.description, previousFrom: period.previous.from.description,
            previousTo: period.previous.to.description,
            dimensions: dimensions.map { entry in
                DTO.Dimension(
                    dimension: entry.dimension.rawValue, summary: summary(entry.dimension, t: t),
                    values: entry.changes.map {
                        DTO.Change(
                            key: $0.key, label: Self.label(entry.dimension, $0.key, t: t), current: $0.current,
                            previous: $0.previous, change: $0.change)
                    })
            })
    }
}
