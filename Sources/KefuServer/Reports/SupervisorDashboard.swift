import Fluent
import Foundation
import KefuDomain
import Vapor

/// The supervisor's dashboard (issue 16 §2, first part) for a period: four charts, each with its table,
/// its CSV and the records behind every mark. Built from the figures and the localizer, never from the request.
struct SupervisorDashboard: Sendable {
    /// One chart: what it draws, its table's rows and where each value leads.
    struct Chart: Sendable {
        var id: String
        var titleKey: String
        var kind: SVGChart.Kind
        var data: ChartData
        /// The table's column headings after the first (one per series).
        var columns: [String]
    }

    var period: ReportPeriod
    var charts: [Chart]
    var funnel: [DashboardFigures.Count]
    var inquiries: [DashboardFigures.Count]
    var followUps: [DashboardFigures.PersonFollowUps]
    var complaints: [(code: String, name: String, count: Int)]

    /// The characters a query value keeps as they are (RFC 3986 unreserved).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static let chartIDs = ["funnel", "inquiries-by-channel", "follow-ups-on-time", "complaints-by-category"]

    static func load(_ period: ReportPeriod, now: Date, database: any Database, t: (String) -> String) async throws -> SupervisorDashboard {
        let figures = DashboardFigures(database: database)
        let span = period.instants(in: DisplayFormat.timeZone)
        let funnel = try await figures.funnel()
        let inquiries = try await figures.inquiriesByChannel(span)
        let followUps = try await figures.followUps(span, now: now)
        let complaints = try await figures.complaintsByCategory(span)
        let range = "from=\(period.from)&to=\(period.to)"
        func records(_ figure: DashboardFigures.Figure, _ key: String) -> String {
            "/reports/records/\(figure.rawValue)?key=\(key.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")&\(range)"
        }
        let active = funnel.filter { $0.key != CustomerStage.lost.rawValue }
        typealias Point = (label: String, value: Double, link: String?)
        let stagePoints: [Point] = active.map { count in
            (t("customer.stage.\(count.key)"), Double(count.count), "/customers?stage=\(count.key)")
        }
        let channelPoints: [Point] = inquiries.map { count in
            (t("inquiry.channel.\(count.key)"), Double(count.count), records(.inquiriesByChannel, count.key))
        }
        let categoryPoints: [Point] = complaints.map { row in (row.name, Double(row.count), records(.complaintsByCategory, row.code)) }
        let personKeys: [String] = followUps.map { person in person.staffID.map(String.init) ?? DashboardFigures.nobody }
        let names: [String] = followUps.map { person in person.name ?? t("report.nobody") }
        let onTime = ChartSeries(name: t("report.series.on_time"), values: followUps.map { Double($0.onTime) },
                                 links: personKeys.map { key in records(.followUpsOnTime, key) })
        let late = ChartSeries(name: t("report.series.late"), values: followUps.map { Double($0.late) },
                               links: personKeys.map { key in records(.followUpsLate, key) })
        let charts: [Chart] = [
            Chart(id: "funnel", titleKey: "report.chart.funnel", kind: .funnel, data: ChartData(stagePoints), columns: [t("report.column.customers")]),
            Chart(id: "inquiries-by-channel", titleKey: "report.chart.inquiries_by_channel", kind: .bar, data: ChartData(channelPoints),
                  columns: [t("report.column.inquiries")]),
            Chart(id: "follow-ups-on-time", titleKey: "report.chart.follow_ups", kind: .stackedBar,
                  data: ChartData(categories: names, series: [onTime, late]), columns: [t("report.series.on_time"), t("report.series.late")]),
            Chart(id: "complaints-by-category", titleKey: "report.chart.complaints_by_category", kind: .bar, data: ChartData(categoryPoints),
                  columns: [t("report.column.complaints")]),
        ]
        return SupervisorDashboard(period: period, charts: charts, funnel: funnel, inquiries: inquiries, followUps: followUps, complaints: complaints)
    }

    /// The funnel's table also shows lost files, which the funnel itself leaves out.
    func tableRows(_ chart: Chart, t: (String) -> String) -> [(label: String, values: [String], link: String?)] {
        var rows = chart.data.categories.indices.map { c in
            (label: chart.data.categories[c], values: chart.data.series.indices.map { chart.data.format.text(chart.data.value($0, c)) },
             link: chart.data.link(0, c))
        }
        if chart.id == "funnel", let lost = funnel.first(where: { $0.key == CustomerStage.lost.rawValue }) {
            rows.append((t("customer.stage.lost"), [ChartValueFormat.count.text(Double(lost.count))], "/customers?stage=lost"))
        }
        return rows
    }

    /// The chart's table as CSV for Excel: UTF-8 with BOM, formulas neutralized.
    func csv(_ chart: Chart, t: (String) -> String) -> String {
        let rows = tableRows(chart, t: t).map { row in
            [row.label] + row.values.map { $0.replacingOccurrences(of: ",", with: "") }
        }
        return "\u{FEFF}" + CSVTable.write(header: [t("report.column.label")] + chart.columns, rows: rows)
    }

    /// The card of a chart: the SVG and, beside it, its table whose labels lead to the same records.
    func card(_ chart: Chart, t: (String) -> String) -> HTMLFragment {
        var w = HTMLWriter(reservingCapacity: 8_192)
        w.raw("<div class=\"report-chart\">")
        w.fragment(SVGChart.render(chart.kind, chart.data, title: t(chart.titleKey), emptyText: t("report.empty")))
        w.raw("</div><div class=\"table-wrap report-table\"><table class=\"table\"><thead><tr><th scope=\"col\">")
        w.text(t("report.column.label"))
        w.raw("</th>")
        for column in chart.columns { w.element("<th scope=\"col\" class=\"num\">", column, "</th>") }
        w.raw("</tr></thead><tbody>")
        for row in tableRows(chart, t: t) {
            w.raw("<tr><th scope=\"row\">")
            if let link = row.link {
                w.element("<a href=\"", link, "\">")
                w.text(row.label)
                w.raw("</a>")
            } else {
                w.text(row.label)
            }
            w.raw("</th>")
            for value in row.values { w.element("<td class=\"num\">", value, "</td>") }
            w.raw("</tr>")
        }
        w.raw("</tbody></table></div>")
        return w.fragment
    }

    // MARK: JSON

    struct DTO: Content, Equatable {
        struct StageCount: Content, Equatable { var stage: String; var label: String; var count: Int }
        struct ChannelCount: Content, Equatable { var channel: String; var label: String; var count: Int }
        struct PersonFollowUps: Content, Equatable { var staffID: Int?; var staffName: String?; var onTime: Int; var late: Int }
        struct CategoryCount: Content, Equatable { var category: String; var label: String; var count: Int }
        var from: String, to: String
        var funnel: [StageCount]
        var inquiriesByChannel: [ChannelCount]
        var followUps: [PersonFollowUps]
        var complaintsByCategory: [CategoryCount]
    }

    func dto(t: (String) -> String) -> DTO {
        DTO(from: period.from.description, to: period.to.description,
            funnel: funnel.map { .init(stage: $0.key, label: t("customer.stage.\($0.key)"), count: $0.count) },
            inquiriesByChannel: inquiries.map { .init(channel: $0.key, label: t("inquiry.channel.\($0.key)"), count: $0.count) },
            followUps: followUps.map { .init(staffID: $0.staffID, staffName: $0.name, onTime: $0.onTime, late: $0.late) },
            complaintsByCategory: complaints.map { .init(category: $0.code, label: $0.name, count: $0.count) })
    }
}
