import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The dashboard's service figures and the step times (issue 16 §2, R1.4): every figure equals a direct
/// computation over generated records on both databases, the list behind a mark holds what it counts,
/// and bad input is a message, never a 500.
@Suite(
    "Reports: comparison periods, weekday and hour, response times, promised replies and step times equal the records")
struct ServiceReportTests {
    static let start = ReportTests.start, end = ReportTests.end
    static let office = DisplayFormat.timeZone
    /// The step times are read for October and November 2026.
    static let stepsFrom = ReportTests.start.addingTimeInterval(-31 * 86_400)

    struct Expected {
        var weekdays = [Int](repeating: 0, count: 7)
        var hours = [Int](repeating: 0, count: 24)
        var answered: [Int?: [Double]] = [:]
        var onTime: [Int?: Int] = [:]
        var late: [Int?: Int] = [:]
        var inquiries = [0, 0, 0]
        var complaints = [0, 0, 0]
        /// Seconds per step, by the month it was completed.
        var steps: [ReportStep: [ReportMonth: [Double]]] = [:]
    }

    /// Which compared period an instant falls in: 0 November 2026, 1 October 2–31, 2 November 2025.
    static func compared(_ at: Date) -> Int? {
        let day = CalendarDay(at, timeZone: office)
        if day >= CalendarDay("2026-11-01")!, day <= CalendarDay("2026-11-30")! { return 0 }
        if day >= CalendarDay("2026-10-02")!, day <= CalendarDay("2026-10-31")! { return 1 }
        if day >= CalendarDay("2025-11-01")!, day <= CalendarDay("2025-11-30")! { return 2 }
        return nil
    }

    static func month(_ at: Date) -> ReportMonth { ReportMonth(CalendarDay(at, timeZone: office)) }

    static func generate(_ t: TestApp) async throws -> (Expected, lina: Int, zhangwei: Int) {
        var random = ReportTests.Generator(state: 20_261_202)
        var expected = Expected()
        let lina = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
        let people: [Int?] = [lina, zhangwei, nil]
        let token = try await t.token(.specialist)
        let sql = try t.app.db.sql()
        var customers: [Int] = []
        for (index, name) in ["陈立", "王芳", "刘洋", "赵敏"].enumerated() {
            customers.append(
                try await createCustomer(
                    t, token: token, ["name": name, "companyName": "\(name)实业有限公司", "mobile": "1390000\(2000 + index)"]
                ).id)
        }
        let now = testStart
        // Inquiries from last November to mid-December: received, answered, promised and replied.
        let lastYear = start.addingTimeInterval(-365 * 86_400)
        for n in 0..<140 {
            let at =
                n < 20
                ? lastYear.addingTimeInterval(Double(random.next(30 * 86_400)))
                : start.addingTimeInterval(-40 * 86_400 + Double(random.next(80 * 86_400)))
            let staff = people[random.next(3)]
            let answered: Date? = random.next(4) == 0 ? nil : at.addingTimeInterval(Double(60 + random.next(8 * 3_600)))
            let promised: Date? = answered.flatMap {
                random.next(2) == 0 ? $0.addingTimeInterval(Double(3_600 + random.next(3 * 86_400))) : nil
            }
            let replied: Date? = promised.flatMap { deadline in
                switch random.next(3) {
                case 0: nil
                case 1: deadline.addingTimeInterval(-Double(random.next(3_600)))
                default: deadline.addingTimeInterval(Double(1 + random.next(86_400)))
                }
            }
            try await sql.raw(
                """
                INSERT INTO inquiries (number, customer_id, channel, received_at, question, first_answered_at, status, promised_by, replied_at, staff_id,
                  created_at, updated_at, version)
                VALUES (\(bind: "ZX-\(n)"), \(bind: customers[n % 4]), 'phone', \(bind: at), '园区有哪些优惠政策？', \(bind: answered),
                  \(bind: promised == nil ? "open" : "promised"), \(bind: promised), \(bind: replied), \(bind: staff), \(bind: at), \(bind: at), 1)
                """
            ).run()
            if let period = compared(at) { expected.inquiries[period] += 1 }
            if at >= start, at < end {
                let local = CalendarDay(at, timeZone: office)
                expected.weekdays[LocalClock.weekday(daysSinceEpoch: local.daysSinceEpoch)] += 1
                expected.hours[Int((at.timeIntervalSince1970 + 8 * 3_600) / 3_600) % 24] += 1
                if let answered { expected.answered[staff, default: []].append(answered.timeIntervalSince(at)) }
            }
            if let promised, promised >= start, promised < min(end, now) {
                if let replied, replied <= promised {
                    expected.onTime[staff, default: 0] += 1
                } else {
                    expected.late[staff, default: 0] += 1
                }
            }
            if let answered, answered >= stepsFrom, answered < end {
                expected.steps[.inquiryToFirstAnswer, default: [:]][month(answered), default: []].append(
                    answered.timeIntervalSince(at))
            }
            if let answered, promised != nil, let replied, replied >= stepsFrom, replied < end {
                expected.steps[.promiseToReply, default: [:]][month(replied), default: []].append(
                    replied.timeIntervalSince(answered))
            }
        }
        // Complaints with their first response, resolution and a forward answered by a department.
        let department = try await sql.raw("SELECT id FROM departments WHERE code = 'legal'").first()!.decode(
            column: "id", as: Int.self)
        for n in 0..<50 {
            let at =
                n < 8
                ? lastYear.addingTimeInterval(Double(random.next(30 * 86_400)))
                : start.addingTimeInterval(-40 * 86_400 + Double(random.next(70 * 86_400)))
            let responded: Date? =
                random.next(5) == 0 ? nil : at.addingTimeInterval(Double(600 + random.next(20 * 3_600)))
            let resolved: Date? = responded.flatMap {
                random.next(2) == 0 ? $0.addingTimeInterval(Double(random.next(6 * 86_400))) : nil
            }
            let id = try await sql.raw(
                """
                INSERT INTO complaints (number, customer_id, channel, received_at, description, demands, category, severity, acknowledged, apologised,
                  staff_id, state, state_changed_at, first_responded_at, resolved_at, reopen_count, escalation_level, created_at, updated_at, version)
                VALUES (\(bind: "TS-2026-\(String(format: "%06d", n + 1))"), \(bind: customers[n % 4]), 'phone', \(bind: at), '物业维修不及时', '尽快维修',
                  'property_site', 'normal', \(bind: true), \(bind: false), \(bind: people[random.next(3)]), 'received', \(bind: at), \(bind: responded),
                  \(bind: resolved), 0, 0, \(bind: at), \(bind: at), 1) RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
            if let period = compared(at) { expected.complaints[period] += 1 }
            if let responded, responded >= stepsFrom, responded < end {
                expected.steps[.complaintToFirstResponse, default: [:]][month(responded), default: []].append(
                    responded.timeIntervalSince(at))
            }
            if let resolved, resolved >= stepsFrom, resolved < end {
                expected.steps[.complaintToResolution, default: [:]][month(resolved), default: []].append(
                    resolved.timeIntervalSince(at))
            }
            if n % 3 == 0 {
                let forwarded = at.addingTimeInterval(3_600)
                let answer: Date? = n % 2 == 0 ? forwarded.addingTimeInterval(Double(random.next(5 * 86_400))) : nil
                try await sql.raw(
                    """
                    INSERT INTO complaint_forwards (complaint_id, department_id, request, due_at, needs_contact, status, answered_at, forwarded_by_staff_id, created_at, version)
                    VALUES (\(bind: id), \(bind: department), '请核实维修进度', \(bind: forwarded.addingTimeInterval(3 * 86_400)), \(bind: false),
                      \(bind: answer == nil ? "open" : "answered"), \(bind: answer), \(bind: lina), \(bind: forwarded), 1)
                    """
                ).run()
                if let answer, answer >= stepsFrom, answer < end {
                    expected.steps[.forwardToAnswer, default: [:]][month(answer), default: []].append(
                        answer.timeIntervalSince(forwarded))
                }
            }
        }
        // Customers marked as intent (twice for one: the first time counts) and their contracts signed on a day.
        for (index, customer) in customers.enumerated() {
            let intentAt = start.addingTimeInterval(-Double(10 + index * 7) * 86_400 + 3_600)
            let repeats: [Double] = index == 0 ? [0, 2 * 86_400] : [0]
            for again in repeats {
                try await sql.raw(
                    """
                    INSERT INTO customer_changes (customer_id, changed_at, staff_id, actor_name, field, old_value, new_value)
                    VALUES (\(bind: customer), \(bind: intentAt.addingTimeInterval(again)), \(bind: lina), '李娜', 'stage', 'potential', 'intent')
                    """
                ).run()
            }
            let signedOn = CalendarDay("2026-11-0\(index * 2 + 1)")!
            try await sql.raw(
                """
                INSERT INTO contracts (number, customer_id, type, title, amount_yuan, payment_plan, parties, staff_id, state, state_changed_at, review_status,
                  signed_on, created_at, updated_at, version)
                VALUES (\(bind: "HT-\(index)"), \(bind: customer), 'lease', '厂房租赁合同', 1200000, '按季度支付', '甲方、乙方', \(bind: lina),
                  \(bind: index == 3 ? "cancelled" : "signed"), \(bind: start), 'none', \(bind: signedOn.description), \(bind: start), \(bind: start), 1)
                """
            ).run()
            if index != 3 {
                let ended = ReportPeriod(from: signedOn, to: signedOn).instants(in: office).end
                expected.steps[.intentToSigned, default: [:]][ReportMonth(signedOn), default: []].append(
                    ended.timeIntervalSince(intentAt))
            }
        }
        return (expected, lina, zhangwei)
    }

    @Test(
        "each service figure equals a direct count over the generated records, and each mark's list holds exactly what it counts",
        arguments: TestDatabase.available)
    func serviceFiguresEqualCounts(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let (expected, lina, zhangwei) = try await Self.generate(t)
            let token = try await t.token(.supervisor)
            let range = "from=2026-11-01&to=2026-11-30"
            let (status, text) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/dashboard?\(range)", token: token)
            #expect(status == .ok, "\(text)")
            let dto = try JSONDecoder().decode(SupervisorDashboard.DTO.self, from: Data(text.utf8))
            #expect(dto.comparison.map(\.from) == ["2026-11-01", "2026-10-02", "2025-11-01"])
            #expect(dto.comparison.map(\.inquiries) == expected.inquiries)
            #expect(dto.comparison.map(\.complaints) == expected.complaints)
            #expect(
                dto.comparison[0].inquiries > 0 && dto.comparison[1].inquiries > 0 && dto.comparison[2].inquiries > 0)
            #expect(
                try await ReportTests.total(
                    t, "/api/v1/reports/records/inquiries-received?key=all&from=2026-10-02&to=2026-10-31", token: token)
                    == expected.inquiries[1])
            #expect(dto.inquiriesByWeekday == expected.weekdays)
            #expect(dto.inquiriesByHour == expected.hours)
            for day in 0..<7 {
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/inquiries-by-weekday?key=\(day)&\(range)", token: token)
                        == expected.weekdays[day])
            }
            for hour in [0, 9, 15, 23] {
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/inquiries-by-hour?key=\(hour)&\(range)", token: token)
                        == expected.hours[hour])
            }
            for person in [lina, zhangwei, nil] as [Int?] {
                let key = person.map(String.init) ?? "none"
                let seconds = expected.answered[person] ?? []
                let row = dto.responseTimes.first { $0.staffID == person }
                #expect((row?.answered ?? 0) == seconds.count, "answered \(key)")
                if !seconds.isEmpty {
                    #expect(
                        abs((row?.averageMinutes ?? -1) - seconds.reduce(0, +) / Double(seconds.count) / 60) < 0.01,
                        "average \(key)")
                }
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/inquiries-answered?key=\(key)&\(range)", token: token)
                        == seconds.count)
                let replies = dto.promisedReplies.first { $0.staffID == person }
                #expect((replies?.onTime ?? 0) == expected.onTime[person, default: 0], "on time \(key)")
                #expect((replies?.late ?? 0) == expected.late[person, default: 0], "late \(key)")
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/replies-on-time?key=\(key)&\(range)", token: token)
                        == (replies?.onTime ?? 0))
                #expect(
                    try await ReportTests.total(
                        t, "/api/v1/reports/records/replies-late?key=\(key)&\(range)", token: token)
                        == (replies?.late ?? 0))
            }
            #expect(dto.promisedReplies.map { $0.onTime + $0.late }.reduce(0, +) > 0)

            // Step times: each month's count, median and 90th percentile computed here from the generated times.
            let (stepStatus, stepText) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/step-times?from=2026-10-01&to=2026-11-30", token: token)
            #expect(stepStatus == .ok, "\(stepText)")
            let steps = try JSONDecoder().decode(StepTimesReport.DTO.self, from: Data(stepText.utf8))
            #expect(steps.steps.map(\.step) == ReportStep.allCases.map(\.rawValue))
            let november = ReportMonth(year: 2026, month: 11)
            for step in steps.steps {
                let kind = ReportStep(rawValue: step.step)!
                #expect(step.months.map(\.month) == ["2026-10", "2026-11"])
                for month in step.months {
                    let samples = expected.steps[kind]?[ReportMonth(month.month)!] ?? []
                    let want = StepTimeStatistics.summarize(seconds: samples)
                    #expect(month.count == want.count, "\(step.step) \(month.month)")
                    #expect(
                        abs((month.medianHours ?? -1) - (want.medianHours ?? -1)) < 1e-6,
                        "\(step.step) \(month.month) median")
                    #expect(
                        abs((month.p90Hours ?? -1) - (want.p90Hours ?? -1)) < 1e-6, "\(step.step) \(month.month) p90")
                }
                #expect((step.months.last?.count ?? 0) > 0, "\(step.step) has November steps")
                let list = try await ReportTests.total(
                    t, "/api/v1/reports/step-times/records/\(step.step)?month=2026-11&from=2026-10-01&to=2026-11-30",
                    token: token)
                #expect(list == (expected.steps[kind]?[november]?.count ?? 0))
            }
            #expect(expected.steps[.intentToSigned]?[november]?.count == 3, "a cancelled contract does not count")

            // The pages draw every chart with marks that lead to the records.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports?\(range)", beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == SupervisorDashboard.pageChartIDs.count)
                #expect(
                    html.contains("/reports/records/inquiries-by-weekday?key=0&amp;from=2026-11-01&amp;to=2026-11-30"))
                #expect(
                    html.contains("/reports/records/inquiries-received?key=all&amp;from=2025-11-01&amp;to=2025-11-30"))
                #expect(html.contains("去年同期") && html.contains("星期一"))
            }
            try await t.app.testing().test(
                .GET, "/reports/step-times?from=2026-10-01&to=2026-11-30",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                let html = res.body.string
                #expect(html.components(separatedBy: "<svg xmlns=").count - 1 == ReportStep.allCases.count)
                #expect(
                    html.contains(
                        "/reports/step-times/records/complaint-resolution?month=2026-11&amp;from=2026-10-01&amp;to=2026-11-30"
                    ))
                #expect(!html.contains("<script>"))
            }
            try await t.app.testing().test(
                .GET, "/reports/step-times/export/inquiry-first-answer?from=2026-10-01&to=2026-11-30",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.hasPrefix("\u{FEFF}月份,完成数,中位数（小时）,90分位（小时）\r\n2026-10,"))
            }
            try await t.app.testing().test(
                .GET, "/reports/step-times/records/forward-answer?month=2026-11&from=2026-10-01&to=2026-11-30",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(
                    res.body.string.components(separatedBy: "href=\"/complaints/").count - 1 == expected.steps[
                        .forwardToAnswer]?[november]?.count ?? 0)
            }
        }
    }

    @Test(
        "bad input on the step times: a reversed or too long period, a month outside it or malformed, an unknown step — a message or 404, never a 500; only the supervisor and leadership"
    )
    func badInputAndAccess() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            for (path, field) in [
                ("/api/v1/reports/step-times?from=2026-11-30&to=2026-11-01", "to"),
                ("/api/v1/reports/step-times?from=2020-01-01&to=2026-11-01", "to"),
                (
                    "/api/v1/reports/step-times/records/inquiry-first-answer?month=2026-09&from=2026-10-01&to=2026-11-30",
                    "month"
                ),
                (
                    "/api/v1/reports/step-times/records/inquiry-first-answer?month=2026-1&from=2026-10-01&to=2026-11-30",
                    "month"
                ),
                ("/api/v1/reports/step-times/records/inquiry-first-answer", "month"),
            ] {
                let (status, text) = try await ContractTests.call(t, .GET, path, token: token)
                #expect(status == .unprocessableEntity, "\(path): \(text)")
                #expect(text.contains("\"\(field)\""), "\(path): \(text)")
            }
            let (unknown, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/step-times/records/teatime?month=2026-11", token: token)
            #expect(unknown == .notFound)
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/reports/step-times?from=2026-11-30&to=2026-11-01",
                beforeRequest: { $0.headers.cookie = browser.cookies }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("value=\"2026-11-30\""), "what was typed is kept")
                #expect(res.body.string.contains("field-error"))
            }
            for role in [Role.specialist, .liaison, .administrator] {
                let (status, _) = try await ContractTests.call(
                    t, .GET, "/api/v1/reports/step-times", token: try await t.token(role))
                #expect(status == .forbidden, "\(role)")
                let other = try await t.signIn(role)
                try await t.app.testing().test(
                    .GET, "/reports/step-times", beforeRequest: { $0.headers.cookie = other.cookies }
                ) { res async throws in
                    #expect(res.status == .forbidden, "\(role)")
                }
            }
            let (leadership, _) = try await ContractTests.call(
                t, .GET, "/api/v1/reports/step-times", token: try await t.token(.leadership))
            #expect(leadership == .ok)
        }
    }
}
