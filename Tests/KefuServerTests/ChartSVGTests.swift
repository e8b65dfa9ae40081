import Foundation
import KefuDomain
import Testing

@testable import KefuServer

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The chart module read back as XML (issue 16 §1): its marks, labels, links and tooltips for known data,
/// empty data, one value, very large and negative values — and no data string unescaped.
@Suite("Reports: charts drawn as SVG")
struct ChartSVGTests {
    /// What a parsed chart holds.
    final class Parsed: NSObject, XMLParserDelegate {
        struct Mark { var element: String; var href: String?; var title: String }
        var root: [String: String] = [:]
        var chartTitle = ""
        var marks: [Mark] = []
        var texts: [(cls: String, text: String)] = []
        private var stack: [(name: String, attributes: [String: String])] = []
        private var buffer = ""
        private var currentHref: String?

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            if stack.isEmpty { root = attributes }
            if name == "a" { currentHref = attributes["href"] }
            stack.append((name, attributes))
            buffer = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { buffer += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let ended = stack.removeLast()
            switch name {
            case "title":
                if let parent = stack.last, parent.attributes["class"] == "chart-mark" {
                    marks.append(
                        Mark(
                            element: parent.name, href: stack.dropLast().last?.name == "a" ? currentHref : nil,
                            title: buffer))
                } else if stack.count == 1 {
                    chartTitle = buffer
                }
            case "text":
                texts.append((ended.attributes["class"] ?? "", buffer))
            case "a":
                currentHref = nil
            default: break
            }
            buffer = ""
        }
    }

    static func parse(_ fragment: HTMLFragment) throws -> Parsed {
        let html =
            try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(fragment)) as? [String: String])[
                "fragmentHTML"] ?? ""
        let parsed = Parsed()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = parsed
        #expect(parser.parse(), "the chart is well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        return parsed
    }

    static func text(_ fragment: HTMLFragment) -> String {
        (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(fragment)) as? [String: String])?["fragmentHTML"]
            ?? ""
    }

    @Test("A bar chart of known data: one linked mark per value with its tooltip, labels and nice ticks")
    func knownBars() throws {
        let data = ChartData([
            ("电话", 12, "/inquiries?channel=phone"), ("微信", 30, "/inquiries?channel=wechat"), ("来访", 5, nil),
        ])
        let svg = SVGChart.render(.bar, data, title: "咨询渠道", emptyText: "暂无数据")
        let parsed = try Self.parse(svg)
        #expect(parsed.chartTitle == "咨询渠道")
        #expect(parsed.root["viewBox"]?.hasPrefix("0 0 640 ") == true)
        #expect(parsed.root["font-family"]?.hasPrefix("PingFang SC") == true)
        #expect(parsed.marks.map(\.element) == ["rect", "rect", "rect"])
        #expect(parsed.marks.map(\.title) == ["电话：12", "微信：30", "来访：5"])
        #expect(parsed.marks.map(\.href) == ["/inquiries?channel=phone", "/inquiries?channel=wechat", nil])
        let texts = parsed.texts.map(\.text)
        for label in ["电话", "微信", "来访", "0", "10", "20", "30", "12", "5"] {
            #expect(texts.contains(label), "\(label) is drawn")
        }
    }

    @Test("Every kind draws its marks as links with titles; stacked and line show a legend of their series")
    func everyKind() throws {
        let two = ChartData(
            categories: ["1月", "2月", "3月"],
            series: [
                ChartSeries(name: "按时", values: [4, 6, 1], links: ["/a?m=1", "/a?m=2", "/a?m=3"]),
                ChartSeries(name: "逾期", values: [1, 0, 3], links: ["/b?m=1", "/b?m=2", "/b?m=3"]),
            ])
        let stacked = try Self.parse(SVGChart.render(.stackedBar, two, title: "跟进", emptyText: "—"))
        #expect(stacked.marks.count == 6)
        #expect(stacked.marks.first?.title == "1月 · 按时：4")
        #expect(stacked.texts.map(\.text).contains("逾期"))
        let line = try Self.parse(SVGChart.render(.line, two, title: "趋势", emptyText: "—"))
        #expect(line.marks.map(\.element) == Array(repeating: "circle", count: 6))
        #expect(line.marks.map(\.href).contains("/b?m=3"))
        let stages = ChartData([
            ("线索", 120, "/customers?stage=lead"), ("意向", 40, "/customers?stage=intent"),
            ("签约", 9, "/customers?stage=signed"),
        ])
        let funnel = try Self.parse(SVGChart.render(.funnel, stages, title: "漏斗", emptyText: "—"))
        #expect(funnel.marks.map(\.element) == ["polygon", "polygon", "polygon"])
        #expect(
            funnel.marks.map(\.href) == ["/customers?stage=lead", "/customers?stage=intent", "/customers?stage=signed"])
        let donut = try Self.parse(SVGChart.render(.donut, stages, title: "占比", emptyText: "—"))
        #expect(donut.marks.map(\.element) == ["path", "path", "path"])
        #expect(donut.marks[0].title == "线索：120 (71%)")
        #expect(donut.texts.map(\.text).contains("意向 40 · 23.7%"))
    }

    @Test("A missing value is a gap in its line, not a fall to zero: no point there, the line broken around it")
    func lineGaps() throws {
        let shares = ChartData(
            categories: ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"],
            series: [
                ChartSeries(
                    name: "转为有意向", values: [0.5, .nan, .nan, 0.7, 0.8], links: ["/1", "/2", "/3", "/4", "/5"])
            ], format: .share)
        #expect(shares.isMissing(0, 1) && !shares.isMissing(0, 0))
        let fragment = SVGChart.render(.line, shares, title: "转化", emptyText: "—")
        let line = try Self.parse(fragment)
        #expect(line.marks.map(\.href) == ["/1", "/4", "/5"])
        #expect(line.marks.map(\.title) == ["2026-01：50%", "2026-04：70%", "2026-05：80%"])
        // One line joins April and May; January stands alone as a point.
        #expect(Self.text(fragment).components(separatedBy: "<polyline").count - 1 == 1)
        let layout = ChartLayoutEngine.line(shares)
        #expect(layout.marks.map(\.category) == [0, 3, 4])
        #expect(layout.ticks.map(\.label).first == "0%")
    }

    @Test("Empty data says so and draws no mark; one value draws one mark (a whole donut ring too)")
    func emptyAndOne() throws {
        for kind in [SVGChart.Kind.bar, .stackedBar, .line, .funnel, .donut] {
            let empty = try Self.parse(SVGChart.render(kind, ChartData([]), title: "空", emptyText: "所选期间暂无数据"))
            #expect(empty.marks.isEmpty)
            #expect(empty.texts.map(\.text) == ["所选期间暂无数据"])
            let zeros = try Self.parse(SVGChart.render(kind, ChartData([("A", 0, "/x")]), title: "零", emptyText: "暂无"))
            #expect(zeros.marks.isEmpty)
            let one = try Self.parse(
                SVGChart.render(kind, ChartData([("唯一", 7, "/only")]), title: "一", emptyText: "暂无"))
            #expect(one.marks.count == 1, "\(kind) draws the one value")
            #expect(one.marks.first?.href == "/only")
        }
        let ring = Self.text(SVGChart.render(.donut, ChartData([("唯一", 7, "/only")]), title: "一", emptyText: "暂无"))
        let path = try #require(
            ring.components(separatedBy: " d=\"").dropFirst().first?.components(separatedBy: "\"").first)
        #expect(path.filter { $0 == "M" }.count == 2, "a whole ring is drawn as two half arcs: \(path)")
    }

    @Test("Very large amounts read in 万 and 亿, shares in %; negative values lie left of zero with their minus")
    func largeAndNegative() throws {
        let amounts = ChartData([("项目甲", 3_250_000_000, nil), ("项目乙", 480_000, nil)], format: .amount)
        let parsed = try Self.parse(SVGChart.render(.bar, amounts, title: "签约金额", emptyText: "—"))
        #expect(parsed.marks.map(\.title) == ["项目甲：32.5亿", "项目乙：48万"])
        #expect(parsed.texts.map(\.text).contains { $0.hasSuffix("亿") })
        let shares = try Self.parse(
            SVGChart.render(.bar, ChartData([("按时", 0.875, nil)], format: .share), title: "按时率", emptyText: "—"))
        #expect(shares.marks.first?.title == "按时：87.5%")
        #expect(shares.texts.map(\.text).contains("100%"))
        let html = Self.text(
            SVGChart.render(.bar, ChartData([("增长", 50, nil), ("下降", -25, nil)]), title: "变化", emptyText: "—"))
        let negative = try Self.parse(
            SVGChart.render(.bar, ChartData([("增长", 50, nil), ("下降", -25, nil)]), title: "变化", emptyText: "—"))
        #expect(negative.marks.map(\.title) == ["增长：50", "下降：-25"])
        #expect(negative.texts.map(\.text).contains("-25"))
        #expect(!html.contains("NaN") && !html.contains("inf"))
    }

    @Test("Labels, titles and links from data are escaped: no markup from data reaches the page")
    func escaping() throws {
        let hostile = ChartData(
            [("<script>alert(1)</script>", 3, "/customers?stage=intent&q=\"><svg onload=alert(1)>")],
            name: "x", format: .count)
        let html = Self.text(SVGChart.render(.bar, hostile, title: "A & B <i>", emptyText: "—"))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<svg onload"))
        #expect(!html.contains("<i>"))
        let parsed = try Self.parse(SVGChart.render(.bar, hostile, title: "A & B <i>", emptyText: "—"))
        #expect(parsed.chartTitle == "A & B <i>")
        #expect(parsed.marks.first?.href == "/customers?stage=intent&q=\"><svg onload=alert(1)>")
        #expect(parsed.marks.first?.title == "<script>alert(1)</script>：3")
        #expect(parsed.texts.map(\.text).contains("<script>…"))
    }
}
