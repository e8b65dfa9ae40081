import Foundation
import KefuDomain
import Testing

@Suite("Reports: chart geometry, nice ticks, value formats and the report period")
struct ChartGeometryTests {
    @Test("Ticks fall on nice steps, include zero and cover the data")
    func niceTicks() {
        let scale = NiceScale(values: [3, 17, 42], tickCount: 5)
        #expect(scale.step == 10)
        #expect(scale.ticks == [0, 10, 20, 30, 40, 50])
        let money = NiceScale(values: [1_234_567, 8_700_000], tickCount: 4, format: .amount)
        #expect(money.step == 2_500_000)
        #expect(money.ticks.last == 10_000_000)
        #expect(money.ticks.map(ChartValueFormat.amount.text) == ["0", "250万", "500万", "750万", "1,000万"])
        let shares = NiceScale(values: [0.12, 0.83], tickCount: 4, format: .share)
        #expect(shares.ticks.map(ChartValueFormat.share.text) == ["0%", "25%", "50%", "75%", "100%"])
        #expect(NiceScale.niceStep(0.0037) == 0.005)
        #expect(NiceScale.niceStep(7) == 10)
        #expect(NiceScale.niceStep(2.2) == 2.5)
    }

    @Test("Counts never step below one; empty, zero and non-finite data give 0…1")
    func degenerateScales() {
        #expect(NiceScale(values: [1, 2], tickCount: 5).step == 1)
        #expect(NiceScale(values: []).ticks == [0, 1])
        #expect(NiceScale(values: [0, 0]).ticks == [0, 1])
        #expect(NiceScale(values: [.nan, .infinity]).ticks == [0, 1])
    }

    @Test("Negative values put zero inside the axis; very large values keep few ticks")
    func negativeAndLarge() {
        let scale = NiceScale(values: [-35, 80], tickCount: 4)
        #expect(scale.lower == -50)
        #expect(scale.upper == 100)
        #expect(scale.ticks.contains(0))
        let huge = NiceScale(values: [9.5e12], tickCount: 4, format: .amount)
        #expect(huge.ticks.count <= 6)
        #expect(huge.upper >= 9.5e12)
        #expect(ChartValueFormat.amount.text(9.5e12) == "95,000亿")
    }

    @Test("Values read as people write them: 1,234 · 12.5万 · 3.2亿 · 33.3%")
    func formats() {
        #expect(ChartValueFormat.count.text(1234) == "1,234")
        #expect(ChartValueFormat.count.text(-1_234_567) == "-1,234,567")
        #expect(ChartValueFormat.amount.text(125_000) == "12.5万")
        #expect(ChartValueFormat.amount.text(9_999) == "9,999")
        #expect(ChartValueFormat.amount.text(320_000_000) == "3.2亿")
        #expect(ChartValueFormat.amount.text(-50_000) == "-5万")
        #expect(ChartValueFormat.share.text(1.0 / 3) == "33.3%")
        #expect(ChartValueFormat.share.text(0.5) == "50%")
        #expect(ChartValueFormat.count.text(.nan) == "—")
    }

    @Test("A bar's length is its value on the scale; a negative bar lies left of zero")
    func barLayout() {
        let data = ChartData([("电话", 40, "/a"), ("微信", -20, nil), ("来访", 0, nil)])
        let layout = ChartLayoutEngine.bar(data)
        #expect(layout.marks.count == 3)
        guard case .rect(let phone) = layout.marks[0].shape, case .rect(let wechat) = layout.marks[1].shape,
            case .rect(let visit) = layout.marks[2].shape
        else { Issue.record("bars are rects"); return }
        #expect(abs(phone.x - layout.zero) < 0.001)
        #expect(abs(wechat.x + wechat.width - layout.zero) < 0.001)
        #expect(abs(phone.width - 2 * wechat.width) < 0.001)
        #expect(visit.width == 0)
        #expect(phone.x + phone.width <= layout.plot.x + layout.plot.width + 0.001)
        #expect(layout.categoryLabels.map(\.label) == ["电话", "微信", "来访"])
    }

    @Test("Stacked parts follow each other and add up to the total")
    func stackedLayout() {
        let data = ChartData(
            categories: ["李娜", "张伟"],
            series: [
                ChartSeries(name: "按时", values: [6, 2]), ChartSeries(name: "逾期", values: [2, 2]),
            ])
        let layout = ChartLayoutEngine.stackedBar(data)
        let rects = layout.marks.compactMap { mark -> ChartRect? in if case .rect(let r) = mark.shape { r } else { nil }
        }
        #expect(rects.count == 4)
        #expect(abs(rects[0].x + rects[0].width - rects[1].x) < 0.001)
        #expect(abs((rects[0].width + rects[1].width) - 2 * (rects[2].width + rects[3].width)) < 0.001)
    }

    @Test("A funnel narrows with its stages; a donut's segments close the circle")
    func funnelAndDonut() {
        let funnel = ChartLayoutEngine.funnel(ChartData([("线索", 100, nil), ("意向", 50, nil), ("签约", 10, nil)]))
        let widths = funnel.marks.map { mark -> Double in
            guard case .polygon(let points) = mark.shape else { return -1 }
            return points[1].x - points[0].x
        }
        #expect(widths.count == 3)
        #expect(widths[0] > widths[1] && widths[1] > widths[2])
        let donut = ChartLayoutEngine.donut(ChartData([("A", 1, nil), ("B", 3, nil), ("C", 0, nil), ("D", -2, nil)]))
        #expect(donut.marks.count == 2)
        if case .arc(_, _, _, let start, _) = donut.marks.first?.shape,
            case .arc(_, _, _, _, let end) = donut.marks.last?.shape
        {
            #expect(start == 0)
            #expect(abs(end - 2 * Double.pi) < 1e-9)
        } else {
            Issue.record("donut segments are arcs")
        }
        #expect(ChartLayoutEngine.shares([1, 3, -2]) == [0.25, 0.75, 0])
        #expect(ChartLayoutEngine.shares([0, 0]) == [0, 0])
    }

    @Test("One value and empty data lay out without a fault")
    func oneAndEmpty() {
        let one = ChartData([("投诉", 7, "/x")])
        for layout in [
            ChartLayoutEngine.bar(one), ChartLayoutEngine.line(one), ChartLayoutEngine.funnel(one),
            ChartLayoutEngine.donut(one),
        ] {
            #expect(layout.marks.count == 1)
        }
        let empty = ChartData([])
        #expect(empty.isEmpty)
        #expect(ChartLayoutEngine.bar(empty).marks.isEmpty)
        #expect(ChartLayoutEngine.line(empty).marks.isEmpty)
        #expect(ChartLayoutEngine.donut(empty).marks.isEmpty)
        #expect(ChartData([("A", 0, nil)]).isEmpty)
    }

    @Test("A report period: defaults to 30 days; reversed, longer than two years or not a date is refused at its field")
    func period() throws {
        let today = try #require(CalendarDay("2026-12-02"))
        let defaulted = try ReportPeriod.parse(from: nil, to: "", today: today).get()
        #expect(defaulted.from.description == "2026-11-03")
        #expect(defaulted.to == today)
        #expect(defaulted.days == 30)
        let reversed = ReportPeriod.parse(from: "2026-12-01", to: "2026-11-01", today: today)
        #expect(failure(reversed) == ["to": "validation.report.reversed"])
        let long = ReportPeriod.parse(from: "2024-01-01", to: "2026-01-02", today: today)
        #expect(failure(long) == ["to": "validation.report.too_long"])
        #expect(failure(ReportPeriod.parse(from: "2024-01-02", to: "2026-01-01", today: today)) == nil)
        #expect(
            failure(ReportPeriod.parse(from: "2026-02-30", to: "明天", today: today)) == [
                "from": "validation.report.date", "to": "validation.report.date",
            ])
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let range = try ReportPeriod.parse(from: "2026-11-01", to: "2026-11-30", today: today).get().instants(
            in: shanghai)
        #expect(range.start == Date(timeIntervalSince1970: 1_793_462_400))  // 2026-10-31 16:00 UTC
        #expect(range.end.timeIntervalSince(range.start) == 30 * 86_400)
    }

    private func failure(_ result: Result<ReportPeriod, FieldErrors>) -> [String: String]? {
        if case .failure(let errors) = result { return errors.messages }
        return nil
    }
}
