import Foundation
import KefuDomain

/// A report's chart card: the SVG and, beside it, its table whose labels lead to the same records; and the
/// same table as CSV for Excel (UTF-8 with BOM). Shared by the report pages built after the dashboard.
enum ReportCard {
    struct Row: Sendable {
        var label: String
        var values: [String]
        var link: String?
    }

    static func render(
        _ kind: SVGChart.Kind, _ data: ChartData, title: String, header: [String], rows: [Row], t: (String) -> String
    ) -> HTMLFragment {
        var w = HTMLWriter(reservingCapacity: 8_192)
        w.raw("<div class=\"report-chart\">")
        w.fragment(
            SVGChart.render(
                kind, data, title: title, emptyText: t("report.empty"),
                valueSeparator: t("report.chart.value_separator")))
        w.raw("</div><div class=\"table-wrap report-table\"><table class=\"table\"><thead><tr>")
        for (index, column) in header.enumerated() {
            w.element(index == 0 ? "<th scope=\"col\">" : "<th scope=\"col\" class=\"num\">", column, "</th>")
        }
        w.raw("</tr></thead><tbody>")
        for row in rows {
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

    static func csv(header: [String], rows: [Row]) -> String {
        "\u{FEFF}"
            + CSVTable.write(
                header: header,
                rows: rows.map { [$0.label] + $0.values.map { $0.replacingOccurrences(of: ",", with: "") } })
    }
}
