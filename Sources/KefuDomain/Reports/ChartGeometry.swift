import Foundation

/// The figures a chart draws, as plain values (issue 16 §1): the categories along one axis, one or more
/// series of values, and for each value the link to the records behind it. The chart module knows
/// nothing of customers or complaints; the reports build these from their counts.
public struct ChartData: Equatable, Sendable {
    public var categories: [String]
    public var series: [ChartSeries]
    public var format: ChartValueFormat

    public init(categories: [String], series: [ChartSeries], format: ChartValueFormat = .count) {
        self.categories = categories
        self.series = series
        self.format = format
    }

    /// One series with a value and a link per category.
    public init(
        _ points: [(label: String, value: Double, link: String?)], name: String = "", format: ChartValueFormat = .count
    ) {
        self.init(
            categories: points.map(\.label),
            series: [ChartSeries(name: name, values: points.map(\.value), links: points.map(\.link))], format: format)
    }

    /// Whether there is nothing to draw: no category, or no value that is not zero.
    public var isEmpty: Bool {
        categories.isEmpty || series.allSatisfy { $0.values.allSatisfy { $0 == 0 || !$0.isFinite } }
    }

    /// The value of a series at a category; missing or not finite reads as zero.
    public func value(_ series: Int, _ category: Int) -> Double {
        guard self.series.indices.contains(series), self.series[series].values.indices.contains(category) else {
            return 0
        }
        let value = self.series[series].values[category]
        return value.isFinite ? value : 0
    }

    /// Whether a series has no value at a category (not a number: a share of nobody, an average of no
    /// answers): a line leaves a gap there, and a table reads "—".
    public func isMissing(_ series: Int, _ category: Int) -> Bool {
        guard self.series.indices.contains(series), self.series[series].values.indices.contains(category) else {
            return true
        }
        return !self.series[series].values[category].isFinite
    }

    public func link(_ series: Int, _ category: Int) -> String? {
        guard self.series.indices.contains(series), self.series[series].links.indices.contains(category) else {
            return nil
        }
        return self.series[series].links[category]
    }
}

public struct ChartSeries: Equatable, Sendable {
    public var name: String
    public var values: [Double]
    /// The drill-down link of each value (nil: the mark is drawn without a link).
    public var links: [String?]

    public init(name: String, values: [Double], links: [String?] = []) {
        self.name = name
        self.values = values
        self.links = links
    }
}

/// How values read on ticks, labels and tooltips.
public enum ChartValueFormat: Sendable, Equatable {
    /// Whole numbers with thousands separators: 1,234.
    case count
    /// Money in yuan, shown in 万 (10,000 yuan) from 10,000 up and in 亿 from 100,000,000 (STYLE: money in 万元).
    case amount
    /// A share 0…1 shown as a percentage: 0.25 → 25%.
    case share

    public func text(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        switch self {
        case .count:
            return ChartNumber.grouped(value, decimals: value == value.rounded() ? 0 : 1)
        case .amount:
            let magnitude = abs(value)
            if magnitude >= 100_000_000 {
                return ChartNumber.grouped(value / 100_000_000, decimals: ChartNumber.decimals(value / 100_000_000))
                    + "亿"
            }
            if magnitude >= 10_000 {
                return ChartNumber.grouped(value / 10_000, decimals: ChartNumber.decimals(value / 10_000)) + "万"
            }
            return ChartNumber.grouped(value, decimals: 0)
        case .share:
            let percent = value * 100
            return ChartNumber.grouped(percent, decimals: abs(percent - percent.rounded()) < 0.05 ? 0 : 1) + "%"
        }
    }
}

enum ChartNumber {
    /// At most one decimal, none when the value is whole.
    static func decimals(_ value: Double) -> Int { abs(value - value.rounded()) < 0.05 ? 0 : 1 }

    static func grouped(_ value: Double, decimals: Int) -> String {
        let factor = decimals == 0 ? 1.0 : 10.0
        let rounded = (value * factor).rounded() / factor
        let negative = rounded < 0
        let whole = Int64(abs(rounded).rounded(.down))
        var digits = String(whole)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits = String(digits.dropLast(3))
        }
        groups.insert(Substring(digits), at: 0)
        var text = (negative ? "-" : "") + groups.joined(separator: ",")
        if decimals > 0 {
            let fraction = Int(((abs(rounded) - Double(whole)) * factor).rounded())
            if fraction > 0 { text += ".\(fraction)" }
        }
        return text
    }
}

/// Axis ticks at "nice" steps (1, 2, 2.5 or 5 times a power of ten) that always include zero, so a bar
/// starts from the axis and a negative value reads below it.
public struct NiceScale: Equatable, Sendable {
    public var lower: Double
    public var upper: Double
    public var step: Double

    /// The scale for values, aiming at about `tickCount` intervals. Empty, zero-only or non-finite data
    /// give 0…1 (0…1 for counts reads as 0 and 1).
    public init(values: [Double], tickCount: Int = 5, format: ChartValueFormat = .count) {
        let finite = values.filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = max(0, finite.max() ?? 0)
        guard high > low else {
            self.lower = 0
            self.upper = format == .share ? 1 : 1
            self.step = format == .share ? 0.25 : 1
            return
        }
        var step = Self.niceStep((high - low) / Double(max(1, tickCount)))
        if format == .count { step = max(step, 1) }
        self.step = step
        self.lower = (low / step).rounded(.down) * step
        self.upper = (high / step).rounded(.up) * step
    }

    /// 1, 2, 2.5, 5 or 10 times the power of ten at or below `rough`.
    public static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let residual = rough / magnitude
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        return factor * magnitude
    }

    public var ticks: [Double] {
        let count = Int(((upper - lower) / step).rounded())
        return (0...max(0, count)).map { lower + Double($0) * step }.map { abs($0) < step / 1e9 ? 0 : $0 }
    }

    /// Where a value falls between `start` (the lower end) and `end` (the upper end) in pixels.
    public func position(_ value: Double, from start: Double, to end: Double) -> Double {
        guard upper > lower else { return start }
        let clamped = Swift.min(Swift.max(value.isFinite ? value : 0, lower), upper)
        return start + (clamped - lower) / (upper - lower) * (end - start)
    }
}

/// A rectangle in the chart's own coordinates (the SVG's viewBox).
public struct ChartRect: Equatable, Sendable {
    public var x: Double, y: Double, width: Double, height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

public struct ChartPoint: Equatable, Sendable {
    public var x: Double, y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// One drawn value: its shape, where it belongs and the words of its tooltip.
public struct ChartMark: Equatable, Sendable {
    public enum Shape: Equatable, Sendable {
        case rect(ChartRect)
        case point(ChartPoint)
        /// A ring segment of a donut: angles in radians, clockwise from twelve o'clock.
        case arc(center: ChartPoint, outer: Double, inner: Double, start: Double, end: Double)
        case polygon([ChartPoint])
    }
    public var shape: Shape
    public var series: Int
    public var category: Int
    public var value: Double
}

/// A tick on the value axis: where it is and what it says.
public struct ChartTick: Equatable, Sendable {
    public var position: Double
    public var label: String
}

/// Everything a chart writer needs to draw, computed from values alone — tested without any SVG.
public struct ChartLayout: Equatable, Sendable {
    public var width: Double
    public var height: Double
    /// The drawing area inside the axes.
    public var plot: ChartRect
    public var ticks: [ChartTick]
    /// The category labels and where their centre is (along the category axis).
    public var categoryLabels: [ChartTick]
    public var marks: [ChartMark]
    /// Where zero is on the value axis.
    public var zero: Double
}

/// Layout of Kefu's five chart kinds. Bars run horizontally — category labels in Chinese read on a
/// 390 px phone without turning — and the viewBox keeps the same proportions at any width.
public enum ChartLayoutEngine {
    public static let width: Double = 640
    static let labelWidth: Double = 150
    static let rowHeight: Double = 32
    static let margin: Double = 16
    static let axisHeight: Double = 28
    static let legendHeight: Double = 24

    /// Bars, one row per category; with several series the bars of a category sit side by side.
    public static func bar(_ data: ChartData) -> ChartLayout {
        let seriesCount = max(1, data.series.count)
        let values = data.series.indices.flatMap { s in data.categories.indices.map { data.value(s, $0) } }
        return rows(data, values: values) { scale, plot, zero in
            var marks: [ChartMark] = []
            let band = rowHeight * 0.7, barHeight = band / Double(seriesCount)
            for c in data.categories.indices {
                for s in 0..<data.series.count {
                    let value = data.value(s, c)
                    let end = scale.position(value, from: plot.x, to: plot.x + plot.width)
                    let y = plot.y + Double(c) * rowHeight + (rowHeight - band) / 2 + Double(s) * barHeight
                    marks.append(
                        ChartMark(
                            shape: .rect(ChartRect(x: min(zero, end), y: y, width: abs(end - zero), height: barHeight)),
                            series: s, category: c, value: value))
                }
            }
            return marks
        }
    }

    /// Bars whose series are stacked: positive values to the right of zero, negative ones to the left.
    public static func stackedBar(_ data: ChartData) -> ChartLayout {
        var totals: [Double] = []
        for c in data.categories.indices {
            let parts = data.series.indices.map { data.value($0, c) }
            totals.append(parts.filter { $0 > 0 }.reduce(0, +))
            totals.append(parts.filter { $0 < 0 }.reduce(0, +))
        }
        return rows(data, values: totals) { scale, plot, _ in
            var marks: [ChartMark] = []
            let band = rowHeight * 0.7
            for c in data.categories.indices {
                var positive = 0.0, negative = 0.0
                for s in data.series.indices {
                    let value = data.value(s, c)
                    let from = value >= 0 ? positive : negative
                    let to = from + value
                    if value >= 0 { positive = to } else { negative = to }
                    let a = scale.position(from, from: plot.x, to: plot.x + plot.width)
                    let b = scale.position(to, from: plot.x, to: plot.x + plot.width)
                    marks.append(
                        ChartMark(
                            shape: .rect(
                                ChartRect(
                                    x: min(a, b), y: plot.y + Double(c) * rowHeight + (rowHeight - band) / 2,
                                    width: abs(b - a), height: band)),
                            series: s, category: c, value: value))
                }
            }
            return marks
        }
    }

    private static func rows(
        _ data: ChartData, values: [Double],
        marks: (NiceScale, ChartRect, Double) -> [ChartMark]
    ) -> ChartLayout {
        let scale = NiceScale(values: values, tickCount: 4, format: data.format)
        let plot = ChartRect(
            x: labelWidth, y: margin, width: width - labelWidth - margin * 2,
            height: Double(max(1, data.categories.count)) * rowHeight)
        let zero = scale.position(0, from: plot.x, to: plot.x + plot.width)
        let ticks = scale.ticks.map {
            ChartTick(position: scale.position($0, from: plot.x, to: plot.x + plot.width), label: data.format.text($0))
        }
        let labels = data.categories.indices.map {
            ChartTick(position: plot.y + (Double($0) + 0.5) * rowHeight, label: data.categories[$0])
        }
        let legend = data.series.count > 1 ? legendHeight : 0
        return ChartLayout(
            width: width, height: plot.y + plot.height + axisHeight + margin + legend, plot: plot, ticks: ticks,
            categoryLabels: labels, marks: data.categories.isEmpty ? [] : marks(scale, plot, zero), zero: zero)
    }

    /// A line per series over the categories (months, weeks), the value axis upright; a missing value
    /// (``ChartData/isMissing(_:_:)``) has no point, so the line breaks there rather than dropping to zero.
    public static func line(_ data: ChartData) -> ChartLayout {
        let values = data.series.indices.flatMap { s in
            data.categories.indices.filter { !data.isMissing(s, $0) }.map { data.value(s, $0) }
        }
        let scale = NiceScale(values: values, tickCount: 4, format: data.format)
        let left = 64.0, height = 280.0 + (data.series.count > 1 ? legendHeight : 0)
        let plot = ChartRect(
            x: left, y: margin, width: width - left - margin * 2, height: 280 - margin - axisHeight - margin)
        let count = data.categories.count
        func x(_ c: Int) -> Double {
            count <= 1 ? plot.x + plot.width / 2 : plot.x + Double(c) / Double(count - 1) * plot.width
        }
        let bottom = plot.y + plot.height
        var marks: [ChartMark] = []
        for s in data.series.indices {
            for c in data.categories.indices where !data.isMissing(s, c) {
                let value = data.value(s, c)
                marks.append(
                    ChartMark(
                        shape: .point(ChartPoint(x: x(c), y: scale.position(value, from: bottom, to: plot.y))),
                        series: s, category: c, value: value))
            }
        }
        return ChartLayout(
            width: width, height: height, plot: plot,
            ticks: scale.ticks.map {
                ChartTick(position: scale.position($0, from: bottom, to: plot.y), label: data.format.text($0))
            },
            categoryLabels: data.categories.indices.map { ChartTick(position: x($0), label: data.categories[$0]) },
            marks: marks, zero: scale.position(0, from: bottom, to: plot.y))
    }

    /// A funnel of the first series: each stage a band centred on the middle, its width in proportion to
    /// the largest stage, narrowing towards the next. Negative values are drawn as zero.
    public static func funnel(_ data: ChartData) -> ChartLayout {
        let values = data.categories.indices.map { max(0, data.value(0, $0)) }
        let largest = values.max() ?? 0
        let plot = ChartRect(
            x: labelWidth, y: margin, width: width - labelWidth - margin * 2,
            height: Double(max(1, values.count)) * rowHeight * 1.25)
        let step = plot.height / Double(max(1, values.count)), centre = plot.x + plot.width / 2
        func half(_ value: Double) -> Double { largest > 0 ? max(1, value / largest * plot.width / 2) : 1 }
        var marks: [ChartMark] = []
        for (c, value) in values.enumerated() {
            let top = plot.y + Double(c) * step + 2, bottom = plot.y + Double(c + 1) * step - 2
            let upper = half(value), lower = half(c + 1 < values.count ? min(value, values[c + 1]) : value)
            marks.append(
                ChartMark(
                    shape: .polygon([
                        ChartPoint(x: centre - upper, y: top), ChartPoint(x: centre + upper, y: top),
                        ChartPoint(x: centre + lower, y: bottom), ChartPoint(x: centre - lower, y: bottom),
                    ]), series: 0, category: c, value: data.value(0, c)))
        }
        return ChartLayout(
            width: width, height: plot.y + plot.height + margin, plot: plot, ticks: [],
            categoryLabels: values.indices.map {
                ChartTick(position: plot.y + (Double($0) + 0.5) * step, label: data.categories[$0])
            },
            marks: marks, zero: centre)
    }

    /// A donut of the first series: each category's share of the total as a ring segment. Zero and
    /// negative values have no segment (a share cannot be negative).
    public static func donut(_ data: ChartData) -> ChartLayout {
        let values = data.categories.indices.map { max(0, data.value(0, $0)) }
        let total = values.reduce(0, +)
        let height = 260.0, centre = ChartPoint(x: 140, y: height / 2), outer = 110.0, inner = 66.0
        var marks: [ChartMark] = []
        var angle = 0.0
        if total > 0 {
            for (c, value) in values.enumerated() where value > 0 {
                let sweep = value / total * 2 * Double.pi
                marks.append(
                    ChartMark(
                        shape: .arc(center: centre, outer: outer, inner: inner, start: angle, end: angle + sweep),
                        series: 0, category: c, value: data.value(0, c)))
                angle += sweep
            }
        }
        return ChartLayout(
            width: width, height: height,
            plot: ChartRect(x: centre.x - outer, y: centre.y - outer, width: outer * 2, height: outer * 2),
            ticks: [],
            categoryLabels: values.indices.map {
                ChartTick(position: 40 + Double($0) * 24, label: data.categories[$0])
            },
            marks: marks, zero: 0)
    }

    /// The point on a circle at an angle measured clockwise from twelve o'clock.
    public static func point(on centre: ChartPoint, radius: Double, angle: Double) -> ChartPoint {
        ChartPoint(x: centre.x + radius * sin(angle), y: centre.y - radius * cos(angle))
    }

    /// The share of each value in the total, for the donut's legend and tables (0 when the total is 0).
    public static func shares(_ values: [Double]) -> [Double] {
        let total = values.map { max(0, $0.isFinite ? $0 : 0) }.reduce(0, +)
        return values.map { total > 0 ? max(0, $0.isFinite ? $0 : 0) / total : 0 }
    }
}
