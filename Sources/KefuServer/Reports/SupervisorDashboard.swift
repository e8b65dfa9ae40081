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
        /// A column the table shows beside the series' values (the share within the time limit), not drawn.
        var extra: Extra? = nil

        /// Where a table row leads when not to its first series' mark.
        var rowLinks: [String]? = nil
        /// How the chart counts, shown above it.
        var noteKey: String? = nil

        struct Extra: Sendable { var column: String; var values: [String] }

        /// Every column heading after the first.
        var tableColumns: [String] { columns + (extra.map { [$0.column] } ?? []) }
    }

    var period: ReportPeriod
    var filter: DashboardFilter
    var charts: [Chart]
    var funnel: [DashboardFigures.Count]
    var inquiries: [DashboardFigures.Count]
    var followUps: [DashboardFigures.PersonFollowUps]
    var complaints: [(code: String, name: String, count: Int)]
    var comparison: [(period: ReportPeriod, counts: DashboardFigures.PeriodCounts)]
    var weekdays: [Int]
    var hours: [Int]
    var responses: [DashboardFigures.PersonResponse]
    var replies: [DashboardFigures.PersonFollowUps]
    var severities: [DashboardFigures.SeverityCount]
    var departments: [DashboardFigures.DepartmentCount]
    var overdue: [DashboardFigures.PersonOverdue]
    var conversions: [DashboardFigures.MonthConversion]
    var satisfaction: [DashboardFigures.MonthSatisfaction]
    /// Each specialist's plan in force and its targets' progress; empty where the caller read none.
    var plans: [PlanFigures.Plan] = []

    /// The characters a query value keeps as they are (RFC 3986 unreserved).
    static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The page's and the API's charts: the monthly report's and each specialist's plan.
    static var pageChartIDs: [String] { chartIDs + ["plans-by-person"] }

    /// The charts a monthly report keeps.
    static let chartIDs = [
        "funnel", "period-comparison", "inquiries-by-channel", "inquiries-by-weekday", "inquiries-by-hour",
        "response-times",
        "replies-on-time", "follow-ups-on-time", "complaints-by-category", "complaints-by-severity",
        "complaints-by-department", "overdue-by-person", "conversion-by-month", "satisfaction-trend",
    ]

    static func load(
        _ period: ReportPeriod, filter: DashboardFilter = .none, now: Date, database: any Database,
        plans: [PlanFigures.Plan]? = nil, t: (String) -> String
    ) async throws -> SupervisorDashboard {
        let figures = DashboardFigures(database: database, filter: filter)
        let span = period.instants(in: DisplayFormat.timeZone)
        let funnel = try await figures.funnel()
        let inquiries = try await figures.inquiriesByChannel(span)
        let followUps = try await figures.followUps(span, now: now)
        let complaints = try await figures.complaintsByCategory(span)
        var comparison: [(period: ReportPeriod, counts: DashboardFigures.PeriodCounts)] = []
        for compared in [period, period.previous, period.sameDaysLastYear] {
            comparison.append((compared, try await figures.counts(compared.instants(in: DisplayFormat.timeZone))))
        }
        let weekdays = try await figures.inquiriesByWeekday(span)
        let hours = try await figures.inquiriesByHour(span)
        let responses = try await figures.responseTimes(span)
        let replies = try await figures.replies(span, now: now)
        let severities = try await figures.complaintsBySeverity(span)
        let departments = try await figures.complaintsByDepartment(span)
        let overdue = try await figures.overdue(now: now)
        let conversions = try await figures.conversion(period)
        let satisfaction = try await figures.satisfaction(period)
        let range = "from=\(period.from)&to=\(period.to)" + filter.query
        func records(_ figure: DashboardFigures.Figure, _ key: String) -> String {
            SiteURL.reportRecords(figure.rawValue).path(
                rawQuery: "key=\(key.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "")&\(range)")
        }
        let specialist = filter.staffID.map { "&specialist=\($0)" } ?? ""
        let active = funnel.filter { $0.key != CustomerStage.lost.rawValue }
        typealias Point = (label: String, value: Double, link: String?)
        let stagePoints: [Point] = active.map { count in
            (
                t("customer.stage.\(count.key)"), Double(count.count),
                SiteURL.customers.path(rawQuery: "stage=\(count.key)") + specialist
            )
        }
        let channelPoints: [Point] = inquiries.map { count in
            (t("inquiry.channel.\(count.key)"), Double(count.count), records(.inquiriesByChannel, count.key))
        }
        let categoryPoints: [Point] = complaints.map { row in
            (row.name, Double(row.count), records(.complaintsByCategory, row.code))
        }
        let personKeys: [String] = followUps.map { person in person.staffID.map(String.init) ?? DashboardFigures.nobody
        }
        let names: [String] = followUps.map { person in person.name ?? t("report.nobody") }
        let onTime = ChartSeries(
            name: t("report.series.on_time"), values: followUps.map { Double($0.onTime) },
            links: personKeys.map { key in records(.followUpsOnTime, key) })
        let late = ChartSeries(
            name: t("report.series.late"), values: followUps.map { Double($0.late) },
            links: personKeys.map { key in records(.followUpsLate, key) })
        let comparisonSeries = comparison.enumerated().map { index, row in
            let range = "from=\(row.period.from)&to=\(row.period.to)" + filter.query
            return ChartSeries(
                name: t(
                    ["report.series.this_period", "report.series.previous_period", "report.series.last_year"][index]),
                values: [row.counts.inquiries, row.counts.complaints, row.counts.followUpsDue].map(Double.init),
                links: DashboardFigures.comparedFigures.map {
                    SiteURL.reportRecords($0.rawValue).path(rawQuery: "key=all&\(range)")
                })
        }
        let comparisonData = ChartData(
            categories: [
                t("report.compared.inquiries"), t("report.compared.complaints"), t("report.compared.follow_ups_due"),
            ],
            series: comparisonSeries)
        let weekdayPoints: [Point] = weekdays.enumerated().map { day, count in
            (t("report.weekday.\(day)"), Double(count), records(.inquiriesByWeekday, String(day)))
        }
        let hourPoints: [Point] = hours.enumerated().map { hour, count in
            (String(format: "%02d:00", hour), Double(count), records(.inquiriesByHour, String(hour)))
        }
        let responsePoints: [Point] = responses.map { person in
            (
                person.name ?? t("report.nobody"), (person.averageMinutes * 10).rounded() / 10,
                records(.inquiriesAnswered, person.staffID.map(String.init) ?? DashboardFigures.nobody)
            )
        }
        let replyKeys: [String] = replies.map { person in person.staffID.map(String.init) ?? DashboardFigures.nobody }
        let replyOnTime = ChartSeries(
            name: t("report.series.replied_on_time"), values: replies.map { Double($0.onTime) },
            links: replyKeys.map { key in records(.repliesOnTime, key) })
        let replyLate = ChartSeries(
            name: t("report.series.replied_late"), values: replies.map { Double($0.late) },
            links: replyKeys.map { key in records(.repliesLate, key) })
        let severityLinks = severities.map { records(.complaintsBySeverity, $0.severity) }
        let severityData = ChartData(
            categories: severities.map { t("complaint.severity.\($0.severity)") },
            series: [
                ChartSeries(
                    name: t("report.column.complaints"), values: severities.map { Double($0.count) },
                    links: severityLinks),
                ChartSeries(
                    name: t("report.series.resolved_in_time"), values: severities.map { Double($0.inTime) },
                    links: severityLinks),
            ])
        let shares = severities.map {
            $0.resolved == 0 ? "—" : ChartValueFormat.share.text(Double($0.inTime) / Double($0.resolved))
        }
        let departmentPoints: [Point] = departments.map { row in
            (row.name, Double(row.count), records(.complaintsByDepartment, String(row.departmentID)))
        }
        let overdueKeys = overdue.map { person in person.staffID.map(String.init) ?? DashboardFigures.nobody }
        let overdueData = ChartData(
            categories: overdue.map { $0.name ?? t("report.nobody") },
            series: [
                ChartSeries(
                    name: t("report.series.follow_ups_overdue"), values: overdue.map { Double($0.followUps) },
                    links: overdueKeys.map { records(.followUpsOverdue, $0) }),
                ChartSeries(
                    name: t("report.series.replies_overdue"), values: overdue.map { Double($0.replies) },
                    links: overdueKeys.map { records(.repliesOverdue, $0) }),
            ])
        let charts: [Chart] =
            [
                Chart(
                    id: "funnel", titleKey: "report.chart.funnel", kind: .funnel, data: ChartData(stagePoints),
                    columns: [t("report.column.customers")], noteKey: "report.funnel_note"),
                Chart(
                    id: "period-comparison", titleKey: "report.chart.period_comparison", kind: .bar,
                    data: comparisonData,
                    columns: comparisonSeries.map(\.name)),
                Chart(
                    id: "inquiries-by-channel", titleKey: "report.chart.inquiries_by_channel", kind: .bar,
                    data: ChartData(channelPoints),
                    columns: [t("report.column.inquiries")]),
                Chart(
                    id: "inquiries-by-weekday", titleKey: "report.chart.inquiries_by_weekday", kind: .bar,
                    data: ChartData(weekdayPoints),
                    columns: [t("report.column.inquiries")]),
                Chart(
                    id: "inquiries-by-hour", titleKey: "report.chart.inquiries_by_hour", kind: .line,
                    data: ChartData(hourPoints, name: t("report.column.inquiries")),
                    columns: [t("report.column.inquiries")]),
                Chart(
                    id: "response-times", titleKey: "report.chart.response_times", kind: .bar,
                    data: ChartData(responsePoints),
                    columns: [t("report.column.average_minutes")]),
                Chart(
                    id: "replies-on-time", titleKey: "report.chart.replies", kind: .stackedBar,
                    data: ChartData(
                        categories: replies.map { $0.name ?? t("report.nobody") }, series: [replyOnTime, replyLate]),
                    columns: [replyOnTime.name, replyLate.name]),
                Chart(
                    id: "follow-ups-on-time", titleKey: "report.chart.follow_ups", kind: .stackedBar,
                    data: ChartData(categories: names, series: [onTime, late]),
                    columns: [t("report.series.on_time"), t("report.series.late")]),
                Chart(
                    id: "complaints-by-category", titleKey: "report.chart.complaints_by_category", kind: .bar,
                    data: ChartData(categoryPoints),
                    columns: [t("report.column.complaints")]),
                Chart(
                    id: "complaints-by-severity", titleKey: "report.chart.complaints_by_severity", kind: .bar,
                    data: severityData,
                    columns: severityData.series.map(\.name),
                    extra: .init(column: t("report.column.share_in_time"), values: shares)),
                Chart(
                    id: "complaints-by-department", titleKey: "report.chart.complaints_by_department", kind: .bar,
                    data: ChartData(departmentPoints),
                    columns: [t("report.column.complaints")]),
                Chart(
                    id: "overdue-by-person", titleKey: "report.chart.overdue_by_person", kind: .stackedBar,
                    data: overdueData,
                    columns: overdueData.series.map(\.name)),
                conversionChart(conversions, link: records, t: t),
                satisfactionChart(satisfaction, link: records, t: t),
            ] + (plans.map { [planChart($0, t: t)] } ?? [])
        return SupervisorDashboard(
            period: period, filter: filter, charts: charts, funnel: funnel, inquiries: inquiries, followUps: followUps,
            complaints: complaints,
            comparison: comparison, weekdays: weekdays, hours: hours, responses: responses, replies: replies,
            severities: severities, departments: departments, overdue: overdue, conversions: conversions,
            satisfaction: satisfaction, plans: plans ?? [])
    }

    /// Per month the files came in, the share that went on at each step (a month with nobody at the step
    /// before is a gap in the line and "—" in the table); each point leads to the files that reached the step, the
    /// table's row to all of the month's, its last column the counts behind the shares.
    static func conversionChart(
        _ months: [DashboardFigures.MonthConversion], link: (DashboardFigures.Figure, String) -> String,
        t: (String) -> String
    ) -> Chart {
        let steps = StageConversion.steps
        let series = steps.indices.map { step in
            ChartSeries(
                name: t("report.series.reached_\(steps[step].rawValue)"),
                values: months.map { $0.conversion.rate(step) ?? .nan },
                links: months.map { link(.customersReached, DashboardFigures.cohortKey($0.month, steps[step])) })
        }
        return Chart(
            id: "conversion-by-month", titleKey: "report.chart.conversion_by_month", kind: .line,
            data: ChartData(categories: months.map(\.month.description), series: series, format: .share),
            columns: series.map(\.name),
            extra: .init(
                column: t("report.column.files_reached"),
                values: months.map { month in
                    ([month.conversion.files] + month.conversion.reached).map(String.init).joined(separator: " → ")
                }),
            rowLinks: months.map { link(.customersReached, DashboardFigures.cohortKey($0.month, nil)) },
            noteKey: "report.conversion_note")
    }

    /// The surveys answered per month and their average score (1–5); a point leads to the month's surveys.
    static func satisfactionChart(
        _ months: [DashboardFigures.MonthSatisfaction], link: (DashboardFigures.Figure, String) -> String,
        t: (String) -> String
    ) -> Chart {
        Chart(
            id: "satisfaction-trend", titleKey: "report.chart.satisfaction_trend", kind: .line,
            data: ChartData(
                categories: months.map(\.month.description),
                series: [
                    ChartSeries(
                        name: t("report.series.average_score"),
                        values: months.map { (($0.average ?? .nan) * 10).rounded() / 10 },
                        links: months.map { link(.surveysAnswered, $0.month.description) })
                ]),
            columns: [t("report.series.average_score")],
            extra: .init(column: t("report.column.surveys_answered"), values: months.map { String($0.surveys) }))
    }

    /// Per specialist, how far their plan is reached: the mean of its targets' shares reached (each at most
    /// 100 %, as the plan's page shows them; a target with nothing measured counts as 0), leading to the plan
    /// with every target; the table says how many targets are met.
    static func planChart(_ plans: [PlanFigures.Plan], t: (String) -> String) -> Chart {
        Chart(
            id: "plans-by-person", titleKey: "report.chart.plans_by_person", kind: .bar,
            data: ChartData(
                categories: plans.map { $0.staffName ?? t("report.nobody") },
                series: [
                    ChartSeries(
                        name: t("report.series.share_of_plan"),
                        values: plans.map { plan in
                            plan.progress.isEmpty
                                ? 0
                                : plan.progress.reduce(0) { $0 + ($1.percent ?? 0) } / Double(plan.progress.count) / 100
                        },
                        links: plans.map { SiteURL.workPlan($0.planID).path })
                ], format: .share),
            columns: [t("report.series.share_of_plan")],
            extra: .init(
                column: t("report.column.targets_met"),
                values: plans.map { plan in "\(plan.progress.filter(\.isMet).count) / \(plan.progress.count)" }))
    }

    /// The funnel's table also shows lost files, which the funnel itself leaves out.
    func tableRows(_ chart: Chart, t: (String) -> String) -> [(label: String, values: [String], link: String?)] {
        var rows = chart.data.categories.indices.map { c in
            (
                label: chart.data.categories[c],
                values: chart.data.series.indices.map { series in
                    if chart.data.isMissing(series, c) { return "—" }
                    return chart.data.format.text(chart.data.value(series, c))
                }
                    + (chart.extra.map { [$0.values[c]] } ?? []),
                link: chart.rowLinks?[c] ?? chart.data.link(0, c)
            )
        }
        if chart.id == "funnel", let lost = funnel.first(where: { $0.key == CustomerStage.lost.rawValue }) {
            rows.append(
                (
                    t("customer.stage.lost"), [ChartValueFormat.count.text(Double(lost.count))],
                    SiteURL.customers.path(rawQuery: "stage=lost") + (filter.staffID.map { "&specialist=\($0)" } ?? "")
                ))
        }
        return rows
    }

    /// The chart's table as CSV for Excel: UTF-8 with BOM, formulas neutralized.
    func csv(_ chart: Chart, t: (String) -> String) -> String {
        let rows = tableRows(chart, t: t).map { row in
            [row.label] + row.values.map { $0.replacingOccurrences(of: ",", with: "") }
        }
        return "\u{FEFF}" + CSVTable.write(header: [t("report.column.label")] + chart.tableColumns, rows: rows)
    }

    /// The card of a chart: the SVG and, beside it, its table whose labels lead to the same records.
    func card(_ chart: Chart, t: (String) -> String) -> HTMLFragment {
        var w = HTMLWriter(reservingCapacity: 8_192)
        w.raw("<div class=\"report-chart\">")
        w.fragment(
            SVGChart.render(
                chart.kind, chart.data, title: t(chart.titleKey), emptyText: t("report.empty"),
                valueSeparator: t("report.chart.value_separator")))
        w.raw("</div><div class=\"table-wrap report-table\"><table class=\"table\"><thead><tr><th scope=\"col\">")
        w.text(t("report.column.label"))
        w.raw("</th>")
        for column in chart.tableColumns { w.element("<th scope=\"col\" class=\"num\">", column, "</th>") }
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
        struct PersonFollowUps: Content, Equatable {
            var staffID: Int?; var staffName: String?; var onTime: Int; var late: Int
        }
        struct CategoryCount: Content, Equatable { var category: String; var label: String; var count: Int }
        var from: String, to: String
        var funnel: [StageCount]
        var inquiriesByChannel: [ChannelCount]
        var followUps: [PersonFollowUps]
        var complaintsByCategory: [CategoryCount]
        struct ComparedPeriod: Content, Equatable {
            var from: String; var to: String; var inquiries: Int; var complaints: Int; var followUpsDue: Int
        }
        struct PersonResponse: Content, Equatable {
            var staffID: Int?; var staffName: String?; var answered: Int; var averageMinutes: Double
        }
        /// This period, the one before and the same days last year.
        var comparison: [ComparedPeriod]
        /// Monday first.
        var inquiriesByWeekday: [Int]
        var inquiriesByHour: [Int]
        var responseTimes: [PersonResponse]
        var promisedReplies: [PersonFollowUps]
        struct SeverityCount: Content, Equatable {
            var severity: String; var label: String; var count: Int; var resolved: Int; var resolvedInTime: Int
        }
        struct DepartmentCount: Content, Equatable { var departmentID: Int; var departmentName: String; var count: Int }
        struct PersonOverdue: Content, Equatable {
            var staffID: Int?; var staffName: String?; var followUps: Int; var promisedReplies: Int
        }
        /// Complaints received by severity; of them resolved, and resolved within the severity's time limit.
        var complaintsBySeverity: [SeverityCount]
        var complaintsByDepartment: [DepartmentCount]
        /// R6.3: open follow-ups and promised replies past their time now, per person.
        var overdue: [PersonOverdue]
        struct PlanTarget: Content, Equatable {
            var figure: String; var label: String; var target: Double; var measured: Double?; var percent: Double?
            var isMet: Bool
        }
        struct PersonPlan: Content, Equatable {
            var planID: Int; var staffID: Int; var staffName: String?; var title: String; var periodStart: String
            var periodEnd: String; var targets: [PlanTarget]
        }
        /// Each specialist's plan in force in the period (the latest-starting) and its targets' progress now.
        var plans: [PersonPlan]
        struct MonthConversion: Content, Equatable {
            var month: String; var newFiles: Int; var reachedIntent: Int; var reachedNegotiating: Int
            var reachedSigned: Int
        }
        struct MonthSatisfaction: Content, Equatable {
            var month: String; var surveysAnswered: Int; var averageScore: Double?
        }
        /// Per month of the period, the live files that came and how many are at intent, talks, signing or beyond now.
        var conversion: [MonthConversion]
        /// Per month of the period, the satisfaction surveys answered and their average score (1–5).
        var satisfaction: [MonthSatisfaction]
    }

    func dto(t: (String) -> String) -> DTO {
        DTO(
            from: period.from.description, to: period.to.description,
            funnel: funnel.map { .init(stage: $0.key, label: t("customer.stage.\($0.key)"), count: $0.count) },
            inquiriesByChannel: inquiries.map {
                .init(channel: $0.key, label: t("inquiry.channel.\($0.key)"), count: $0.count)
            },
            followUps: followUps.map {
                .init(staffID: $0.staffID, staffName: $0.name, onTime: $0.onTime, late: $0.late)
            },
            complaintsByCategory: complaints.map { .init(category: $0.code, label: $0.name, count: $0.count) },
            comparison: comparison.map {
                .init(
                    from: $0.period.from.description, to: $0.period.to.description, inquiries: $0.counts.inquiries,
                    complaints: $0.counts.complaints, followUpsDue: $0.counts.followUpsDue)
            },
            inquiriesByWeekday: weekdays, inquiriesByHour: hours,
            responseTimes: responses.map {
                .init(staffID: $0.staffID, staffName: $0.name, answered: $0.answered, averageMinutes: $0.averageMinutes)
            },
            promisedReplies: replies.map {
                .init(staffID: $0.staffID, staffName: $0.name, onTime: $0.onTime, late: $0.late)
            },
            complaintsBySeverity: severities.map {
                .init(
                    severity: $0.severity, label: t("complaint.severity.\($0.severity)"), count: $0.count,
                    resolved: $0.resolved, resolvedInTime: $0.inTime)
            },
            complaintsByDepartment: departments.map {
                .init(departmentID: $0.departmentID, departmentName: $0.name, count: $0.count)
            },
            overdue: overdue.map {
                .init(staffID: $0.staffID, staffName: $0.name, followUps: $0.followUps, promisedReplies: $0.replies)
            },
            plans: plans.map { plan in
                .init(
                    planID: plan.planID, staffID: plan.staffID, staffName: plan.staffName, title: plan.title,
                    periodStart: plan.periodStart, periodEnd: plan.periodEnd,
                    targets: plan.progress.map {
                        .init(
                            figure: $0.figure.rawValue, label: t("assessment.figure.\($0.figure.rawValue)"),
                            target: $0.target, measured: $0.measured, percent: $0.percent, isMet: $0.isMet)
                    })
            },
            conversion: conversions.map {
                .init(
                    month: $0.month.description, newFiles: $0.conversion.files, reachedIntent: $0.conversion.reached[0],
                    reachedNegotiating: $0.conversion.reached[1], reachedSigned: $0.conversion.reached[2])
            },
            satisfaction: satisfaction.map {
                .init(month: $0.month.description, surveysAnswered: $0.surveys, averageScore: $0.average)
            })
    }
}
