import Fluent
import Foundation
import KefuDomain

/// The figures and charts of a monthly report (issue 16 §6), assembled from the dashboards' own figures
/// for the month. A draft reads them live; issuing stores this value as JSON in the report's row, and the
/// issued report is drawn from the stored value only, so later changes of the data never rewrite what was
/// reported. Words of Kefu's own are stored as terms (``StoredText/term(_:)``) and put in the reader's
/// language when shown; names and numbers are stored as they were.
struct MonthlyReportFigures: Codable, Equatable, Sendable {
    struct Series: Codable, Equatable, Sendable {
        var name: String
        /// nil: missing (``ChartData/isMissing(_:_:)``), which JSON cannot hold as a number.
        var values: [Double?]
        var links: [String?]
    }

    struct Row: Codable, Equatable, Sendable {
        var label: String
        var values: [String]
        var link: String?
    }

    struct Chart: Codable, Equatable, Sendable {
        var id: String
        var title: String
        /// ``SVGChart/Kind`` raw value.
        var kind: String
        /// "count", "amount" or "share".
        var format: String
        var categories: [String]
        var series: [Series]
        var header: [String]
        var rows: [Row]
    }

    var month: String
    var from: String
    var to: String
    var charts: [Chart]

    /// The charts a monthly report holds: the supervisor's dashboard for the month, and leadership's contracts by project.
    static let leadershipCharts = ["contracts-by-project"]

    static func build(_ month: ReportMonth, now: Date, database: any Database) async throws -> MonthlyReportFigures {
        let period = month.period
        let t: (String) -> String = StoredText.term
        let board = try await SupervisorDashboard.load(period, now: now, database: database, t: t)
        var charts = board.charts.map { chart in
            Chart(
                id: chart.id, title: t(chart.titleKey), kind: chart.kind.rawValue, format: Self.code(chart.data.format),
                categories: chart.data.categories,
                series: chart.data.series.map(Series.init),
                header: [t("report.column.label")] + chart.tableColumns,
                rows: board.tableRows(chart, t: t).map { Row(label: $0.label, values: $0.values, link: $0.link) })
        }
        let leadership = try await LeadershipController.Board.load(period, database: database)
        for id in leadershipCharts {
            let chart = leadership.chart(id, t: t)
            charts.append(
                Chart(
                    id: id, title: t("report.leadership.\(id)"), kind: chart.kind.rawValue,
                    format: Self.code(chart.data.format),
                    categories: chart.data.categories,
                    series: chart.data.series.map(Series.init),
                    header: chart.header,
                    rows: chart.rows.map { Row(label: $0.label, values: $0.values, link: $0.link) }))
        }
        return MonthlyReportFigures(
            month: month.description, from: period.from.description, to: period.to.description, charts: charts)
    }

    static func code(_ format: ChartValueFormat) -> String {
        switch format {
        case .count: "count"
        case .amount: "amount"
        case .share: "share"
        }
    }

    static func format(_ code: String) -> ChartValueFormat {
        switch code {
        case "amount": .amount
        case "share": .share
        default: .count
        }
    }

    /// The figures in the reader's language: every stored term expanded.
    func expanded(_ words: (String) -> String) -> MonthlyReportFigures {
        var copy = self
        copy.charts = charts.map { chart in
            var chart = chart
            chart.title = words(chart.title)
            chart.categories = chart.categories.map(words)
            chart.series = chart.series.map { Series(name: words($0.name), values: $0.values, links: $0.links) }
            chart.header = chart.header.map(words)
            chart.rows = chart.rows.map { Row(label: words($0.label), values: $0.values, link: $0.link) }
            return chart
        }
        return copy
    }

    /// A chart's card (the SVG and its table), from figures already in the reader's language.
    static func card(_ chart: Chart, t: (String) -> String) -> HTMLFragment {
        let data = ChartData(
            categories: chart.categories,
            series: chart.series.map {
                ChartSeries(name: $0.name, values: $0.values.map { $0 ?? .nan }, links: $0.links)
            },
            format: format(chart.format))
        return ReportCard.render(
            SVGChart.Kind(rawValue: chart.kind) ?? .bar, data, title: chart.title, header: chart.header,
            rows: chart.rows.map { ReportCard.Row(label: $0.label, values: $0.values, link: $0.link) }, t: t)
    }

    /// The stored form: JSON with its keys sorted, so the same figures are the same text.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    static func decode(_ json: String) throws -> MonthlyReportFigures {
        try JSONDecoder().decode(MonthlyReportFigures.self, from: Data(json.utf8))
    }
}

extension MonthlyReportFigures.Series {
    /// A drawn series as stored: a missing value (not a number) as nil.
    init(_ series: ChartSeries) {
        self.init(name: series.name, values: series.values.map { $0.isFinite ? $0 : nil }, links: series.links)
    }
}
