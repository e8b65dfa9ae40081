import Foundation
import KefuDomain

/// Kefu's charts, written on the server as SVG (issue 16 §1): no script, so the strict content policy
/// holds and charts print sharply. Each mark is a link (`<a href>`) to the records behind it and carries
/// a `<title>` — the browser's own tooltip. The geometry comes from `ChartLayoutEngine` (KefuDomain);
/// this file only writes it, every value through ``HTMLWriter/text(_:)``.
enum SVGChart {
    enum Kind: String, Sendable { case bar, stackedBar = "stacked-bar", line, funnel, donut }

    /// Okabe–Ito: told apart with every common colour-vision deficiency.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static let fontFamily = "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, sans-serif"
    /// The longest category label drawn in full; longer ones end in … (the tooltip keeps the whole).
    static let labelLimit = 9

    /// The chart as SVG. `title` names it (its accessible name); `emptyText` is shown when there is
    /// nothing to draw; `valueSeparator` stands between a mark's label and its value in the tooltip, as the
    /// reader's language writes it ("：" in Chinese, ": " in English).
    static func render(
        _ kind: Kind, _ data: ChartData, title: String, emptyText: String, valueSeparator: String = "："
    ) -> HTMLFragment {
        let layout: ChartLayout
        switch kind {
        case .bar: layout = ChartLayoutEngine.bar(data)
        case .stackedBar: layout = ChartLayoutEngine.stackedBar(data)
        case .line: layout = ChartLayoutEngine.line(data)
        case .funnel: layout = ChartLayoutEngine.funnel(data)
        case .donut: layout = ChartLayoutEngine.donut(data)
        }
        var w = HTMLWriter(reservingCapacity: 4_096)
        let height = data.isEmpty ? 80 : layout.height
        w.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-")
        w.text(kind.rawValue)
        w.raw("\" viewBox=\"0 0 ")
        w.number(layout.width)
        w.raw(" ")
        w.number(height)
        w.raw("\" role=\"img\" font-size=\"13\" font-family=\"")
        w.text(fontFamily)
        w.raw("\"><title>")
        w.text(title)
        w.raw("</title>")
        if data.isEmpty {
            w.raw("<text class=\"chart-empty\" x=\"")
            w.number(layout.width / 2)
            w.raw("\" y=\"44\" text-anchor=\"middle\" fill=\"#595959\">")
            w.text(emptyText)
            w.raw("</text></svg>")
            return w.fragment
        }
        switch kind {
        case .bar, .stackedBar: writeRows(&w, layout, data, valueSeparator)
        case .line: writeLine(&w, layout, data, valueSeparator)
        case .funnel: writeFunnel(&w, layout, data, valueSeparator)
        case .donut: writeDonut(&w, layout, data, valueSeparator)
        }
        if data.series.count > 1 { writeLegend(&w, layout, data) }
        w.raw("</svg>")
        return w.fragment
    }

    static func shortLabel(_ label: String) -> String {
        label.count > labelLimit ? String(label.prefix(labelLimit - 1)) + "…" : label
    }

    /// The tooltip of a mark: "category · series: value".
    static func tooltip(_ data: ChartData, _ mark: ChartMark, separator: String = "：") -> String {
        var text = data.categories[mark.category]
        if data.series.count > 1 { text += " · " + data.series[mark.series].name }
        return text + separator + data.format.text(mark.value)
    }

    private static func colour(_ index: Int) -> String { palette[index % palette.count] }

    private static func writeRows(
        _ w: inout HTMLWriter, _ layout: ChartLayout, _ data: ChartData, _ separator: String
    ) {
        let bottom = layout.plot.y + layout.plot.height
        w.raw("<g class=\"chart-axis\">")
        for tick in layout.ticks {
            w.raw("<line x1=\"")
            w.number(tick.position)
            w.raw("\" x2=\"")
            w.number(tick.position)
            w.raw("\" y1=\"")
            w.number(layout.plot.y)
            w.raw("\" y2=\"")
            w.number(bottom)
            w.raw("\" stroke=\"#e5e6eb\"/><text class=\"chart-tick\" x=\"")
            w.number(tick.position)
            w.raw("\" y=\"")
            w.number(bottom + 18)
            w.raw("\" text-anchor=\"middle\" fill=\"#4e5969\">")
            w.text(tick.label)
            w.raw("</text>")
        }
        w.raw("<line x1=\"")
        w.number(layout.zero)
        w.raw("\" x2=\"")
        w.number(layout.zero)
        w.raw("\" y1=\"")
        w.number(layout.plot.y)
        w.raw("\" y2=\"")
        w.number(bottom)
        w.raw("\" stroke=\"#86909c\"/>")
        for label in layout.categoryLabels {
            w.raw("<text class=\"chart-label\" x=\"")
            w.number(layout.plot.x - 8)
            w.raw("\" y=\"")
            w.number(label.position + 4)
            w.raw("\" text-anchor=\"end\" fill=\"#1d2129\">")
            w.text(shortLabel(label.label))
            w.raw("</text>")
        }
        w.raw("</g><g class=\"chart-marks\">")
        for mark in layout.marks {
            guard case .rect(let rect) = mark.shape else { continue }
            openLink(&w, data.link(mark.series, mark.category))
            w.raw("<rect class=\"chart-mark\" x=\"")
            w.number(rect.x)
            w.raw("\" y=\"")
            w.number(rect.y)
            w.raw("\" width=\"")
            w.number(max(rect.width, 0))
            w.raw("\" height=\"")
            w.number(rect.height)
            w.raw("\" fill=\"")
            w.text(colour(mark.series))
            w.raw("\">")
            writeTitle(&w, tooltip(data, mark, separator: separator))
            w.raw("</rect>")
            closeLink(&w, data.link(mark.series, mark.category))
        }
        // The value at the end of each bar of a single series, so the chart reads without hovering.
        if data.series.count == 1 {
            for mark in layout.marks {
                guard case .rect(let rect) = mark.shape else { continue }
                let negative = mark.value < 0
                w.raw("<text class=\"chart-value\" x=\"")
                w.number(negative ? rect.x - 4 : rect.x + rect.width + 4)
                w.raw("\" y=\"")
                w.number(rect.y + rect.height / 2 + 4)
                w.raw(negative ? "\" text-anchor=\"end\" fill=\"#1d2129\">" : "\" fill=\"#1d2129\">")
                w.text(data.format.text(mark.value))
                w.raw("</text>")
            }
        }
        w.raw("</g>")
    }

    private static func writeLine(
        _ w: inout HTMLWriter, _ layout: ChartLayout, _ data: ChartData, _ separator: String
    ) {
        let right = layout.plot.x + layout.plot.width, bottom = layout.plot.y + layout.plot.height
        w.raw("<g class=\"chart-axis\">")
        for tick in layout.ticks {
            w.raw("<line x1=\"")
            w.number(layout.plot.x)
            w.raw("\" x2=\"")
            w.number(right)
            w.raw("\" y1=\"")
            w.number(tick.position)
            w.raw("\" y2=\"")
            w.number(tick.position)
            w.raw("\" stroke=\"#e5e6eb\"/><text class=\"chart-tick\" x=\"")
            w.number(layout.plot.x - 8)
            w.raw("\" y=\"")
            w.number(tick.position + 4)
            w.raw("\" text-anchor=\"end\" fill=\"#4e5969\">")
            w.text(tick.label)
            w.raw("</text>")
        }
        // At most about eight category labels, so they never overlap.
        let every = max(1, Int((Double(layout.categoryLabels.count) / 8).rounded(.up)))
        for (index, label) in layout.categoryLabels.enumerated() where index % every == 0 {
            w.raw("<text class=\"chart-label\" x=\"")
            w.number(label.position)
            w.raw("\" y=\"")
            w.number(bottom + 18)
            w.raw("\" text-anchor=\"middle\" fill=\"#1d2129\">")
            w.text(shortLabel(label.label))
            w.raw("</text>")
        }
        w.raw("</g><g class=\"chart-marks\">")
        for s in data.series.indices {
            let points = layout.marks.filter { $0.series == s }
            // One polyline per run of neighbouring categories: a missing value is a gap, not a fall to zero.
            var runs: [[ChartMark]] = []
            for mark in points {
                if let last = runs.last?.last, last.category + 1 == mark.category {
                    runs[runs.count - 1].append(mark)
                } else {
                    runs.append([mark])
                }
            }
            for run in runs where run.count > 1 {
                w.raw("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"")
                w.text(colour(s))
                w.raw("\" points=\"")
                for mark in run {
                    guard case .point(let p) = mark.shape else { continue }
                    w.number(p.x)
                    w.raw(",")
                    w.number(p.y)
                    w.raw(" ")
                }
                w.raw("\"/>")
            }
            for mark in points {
                guard case .point(let p) = mark.shape else { continue }
                openLink(&w, data.link(mark.series, mark.category))
                w.raw("<circle class=\"chart-mark\" r=\"5\" cx=\"")
                w.number(p.x)
                w.raw("\" cy=\"")
                w.number(p.y)
                w.raw("\" fill=\"")
                w.text(colour(s))
                w.raw("\">")
                writeTitle(&w, tooltip(data, mark, separator: separator))
                w.raw("</circle>")
                closeLink(&w, data.link(mark.series, mark.category))
            }
        }
        w.raw("</g>")
    }

    private static func writeFunnel(
        _ w: inout HTMLWriter, _ layout: ChartLayout, _ data: ChartData, _ separator: String
    ) {
        w.raw("<g class=\"chart-axis\">")
        for label in layout.categoryLabels {
            w.raw("<text class=\"chart-label\" x=\"")
            w.number(layout.plot.x - 8)
            w.raw("\" y=\"")
            w.number(label.position + 4)
            w.raw("\" text-anchor=\"end\" fill=\"#1d2129\">")
            w.text(shortLabel(label.label))
            w.raw("</text>")
        }
        w.raw("</g><g class=\"chart-marks\">")
        for mark in layout.marks {
            guard case .polygon(let points) = mark.shape else { continue }
            openLink(&w, data.link(mark.series, mark.category))
            w.raw("<polygon class=\"chart-mark\" points=\"")
            for p in points {
                w.number(p.x)
                w.raw(",")
                w.number(p.y)
                w.raw(" ")
            }
            w.raw("\" fill=\"")
            w.text(colour(mark.category))
            w.raw("\">")
            writeTitle(&w, tooltip(data, mark, separator: separator))
            w.raw("</polygon>")
            closeLink(&w, data.link(mark.series, mark.category))
            let label = layout.categoryLabels[mark.category]
            w.raw("<text class=\"chart-value\" x=\"")
            w.number(layout.zero)
            w.raw("\" y=\"")
            w.number(label.position + 4)
            w.raw(
                "\" text-anchor=\"middle\" fill=\"#1d2129\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">"
            )
            w.text(data.format.text(mark.value))
            w.raw("</text>")
        }
        w.raw("</g>")
    }

    private static func writeDonut(
        _ w: inout HTMLWriter, _ layout: ChartLayout, _ data: ChartData, _ separator: String
    ) {
        let shares = ChartLayoutEngine.shares(data.categories.indices.map { data.value(0, $0) })
        w.raw("<g class=\"chart-marks\">")
        for mark in layout.marks {
            guard case .arc(let centre, let outer, let inner, let start, let end) = mark.shape else { continue }
            openLink(&w, data.link(mark.series, mark.category))
            w.raw("<path class=\"chart-mark\" fill-rule=\"evenodd\" d=\"")
            // A whole ring is two half arcs: one arc cannot start and end at the same point.
            let pieces =
                end - start >= 2 * Double.pi - 1e-9
                ? [(start, start + Double.pi), (start + Double.pi, end)] : [(start, end)]
            for (a, b) in pieces {
                let large = b - a > Double.pi ? "1" : "0"
                let p1 = ChartLayoutEngine.point(on: centre, radius: outer, angle: a),
                    p2 = ChartLayoutEngine.point(on: centre, radius: outer, angle: b)
                let p3 = ChartLayoutEngine.point(on: centre, radius: inner, angle: b),
                    p4 = ChartLayoutEngine.point(on: centre, radius: inner, angle: a)
                w.raw("M")
                w.number(p1.x); w.raw(","); w.number(p1.y)
                w.raw("A"); w.number(outer); w.raw(","); w.number(outer); w.raw(" 0 "); w.text(large); w.raw(" 1 ")
                w.number(p2.x); w.raw(","); w.number(p2.y)
                w.raw("L"); w.number(p3.x); w.raw(","); w.number(p3.y)
                w.raw("A"); w.number(inner); w.raw(","); w.number(inner); w.raw(" 0 "); w.text(large); w.raw(" 0 ")
                w.number(p4.x); w.raw(","); w.number(p4.y)
                w.raw("Z")
            }
            w.raw("\" fill=\"")
            w.text(colour(mark.category))
            w.raw("\">")
            writeTitle(
                &w,
                tooltip(data, mark, separator: separator) + " (" + ChartValueFormat.share.text(shares[mark.category])
                    + ")")
            w.raw("</path>")
            closeLink(&w, data.link(mark.series, mark.category))
        }
        w.raw("</g><g class=\"chart-legend\">")
        for label in layout.categoryLabels {
            let index = Int(((label.position - 40) / 24).rounded())
            w.raw("<rect x=\"290\" y=\"")
            w.number(label.position - 10)
            w.raw("\" width=\"12\" height=\"12\" fill=\"")
            w.text(colour(index))
            w.raw("\"/><text class=\"chart-label\" x=\"310\" y=\"")
            w.number(label.position)
            w.raw("\" fill=\"#1d2129\">")
            w.text(
                shortLabel(label.label) + " " + data.format.text(data.value(0, index)) + " · "
                    + ChartValueFormat.share.text(shares[index]))
            w.raw("</text>")
        }
        w.raw("</g>")
    }

    private static func writeLegend(_ w: inout HTMLWriter, _ layout: ChartLayout, _ data: ChartData) {
        w.raw("<g class=\"chart-legend\">")
        var x = layout.plot.x
        for (index, series) in data.series.enumerated() {
            w.raw("<rect y=\"")
            w.number(layout.height - 22)
            w.raw("\" x=\"")
            w.number(x)
            w.raw("\" width=\"12\" height=\"12\" fill=\"")
            w.text(colour(index))
            w.raw("\"/><text class=\"chart-label\" y=\"")
            w.number(layout.height - 12)
            w.raw("\" x=\"")
            w.number(x + 16)
            w.raw("\" fill=\"#1d2129\">")
            w.text(shortLabel(series.name))
            w.raw("</text>")
            x += 30 + Double(min(series.name.count, labelLimit)) * 14
        }
        w.raw("</g>")
    }

    private static func openLink(_ w: inout HTMLWriter, _ link: String?) {
        guard let link else { return }
        w.raw("<a href=\"")
        w.text(link)
        w.raw("\">")
    }

    private static func closeLink(_ w: inout HTMLWriter, _ link: String?) {
        if link != nil { w.raw("</a>") }
    }

    private static func writeTitle(_ w: inout HTMLWriter, _ text: String) {
        w.raw("<title>")
        w.text(text)
        w.raw("</title>")
    }
}

extension HTMLWriter {
    /// A coordinate with at most one decimal ("12.5", "-3", "0").
    mutating func number(_ value: Double) {
        let finite = value.isFinite ? value : 0
        let tenths = Int((finite * 10).rounded())
        if tenths % 10 == 0 {
            text(tenths / 10)
        } else {
            text((tenths < 0 ? "-" : "") + String(abs(tenths) / 10) + "." + String(abs(tenths) % 10))
        }
    }
}
