import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The reports' per-day summaries (issue 16 "Speed"): after writes of every kind — records inserted as
/// imports do, created and changed through the API and the stores, a merge of two files, an anonymization,
/// reassignments, completions and deletions — every summary equals a recount from the records, on both
/// databases; `kefu summaries rebuild` gives the same; the severity figures follow a change of a complaint.
@Suite("Reports: the per-day summaries equal a recount from the records after every kind of write")
struct ReportSummaryTests {
    /// A summary's rows (those that count anything) as comparable lines.
    static func lines(_ t: TestApp, _ summary: ReportSummary, recounted: Bool) async throws -> [String] {
        let sql = try t.app.db.sql()
        let statement =
            recounted
            ? summary.recount(t.app.db.dialect)
            : "SELECT \(summary.columns.joined(separator: ", ")) FROM \(summary.table)"
        var lines: [String] = []
        for row in try await sql.raw(SQLQueryString(statement)).all() {
            var fields: [String] = []
            var counts = false
            for column in summary.columns {
                let isValue = summary.values.contains { $0.name == column }
                let isDouble =
                    (summary.keys.map(\.type) + summary.values.map(\.type))[
                        summary.columns.firstIndex(of: column)!] == "DOUBLE PRECISION"
                if !isDouble, let number = try? row.decode(column: column, as: Int.self) {
                    fields.append(String(number))
                    if isValue, number != 0 { counts = true }
                } else if let number = try? row.decode(column: column, as: Double.self) {
                    // Seconds are sums of fractions: compared to the millisecond.
                    fields.append(String(format: "%.3f", number))
                    if isValue, number != 0 { counts = true }
                } else {
                    fields.append(try row.decode(column: column, as: String.self))
                }
            }
            if counts { lines.append(fields.joined(separator: "|")) }
        }
        return lines.sorted()
    }

    static func expectInStep(_ t: TestApp, _ moment: String, _ summaries: [ReportSummary] = ReportSummary.dashboard)
        async throws
    {
        for summary in summaries where !summary.countsChanges {
            let kept = try await lines(t, summary, recounted: false)
            let recounted = try await lines(t, summary, recounted: true)
            #expect(
                !recounted.isEmpty || summary.table == "report_inquiry_answer_days" && moment.contains("import"),
                "\(summary.table) has records to count (\(moment))")
            #expect(kept == recounted, "\(summary.table) equals a recount from the records (\(moment))")
        }
    }

    @Test(
        "every summary equals a recount after inserts, API writes, a merge, an anonymization, changes and deletions; a rebuild gives the same",
        arguments: TestDatabase.available)
    func summariesInStep(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            _ = try await ReportTests.generate(t)
            let sql = try t.app.db.sql()
            // Forwards to departments, some complaints forwarded twice to the same one (counted once).
            let departments = try await sql.raw("SELECT id FROM departments ORDER BY id").all().map {
                try $0.decode(column: "id", as: Int.self)
            }
            for row in try await sql.raw("SELECT id, received_at FROM complaints WHERE id % 3 = 0 ORDER BY id").all() {
                let id = try row.decode(column: "id", as: Int.self),
                    received = try row.decode(column: "received_at", as: Date.self)
                for department in [
                    departments[id % departments.count], departments[id % departments.count],
                    departments[(id + 1) % departments.count],
                ].prefix(id % 2 == 0 ? 3 : 1) {
                    try await sql.raw(
                        """
                        INSERT INTO complaint_forwards (complaint_id, department_id, request, due_at, needs_contact, status, created_at, version)
                        VALUES (\(bind: id), \(bind: department), '请核实', \(bind: received), \(bind: false), 'open', \(bind: received), 1)
                        """
                    ).run()
                }
            }
            try await Self.expectInStep(t, "after records inserted as an import does")
            let lina = try await t.token(.specialist)
            let linaID = try await t.staff("lina").requireID(), zhangwei = try await t.staff("zhangwei").requireID()
            // Through the API and the stores: two files of one person, an inquiry answered at intake, a follow-up planned.
            let survivor = try await createCustomer(
                t, token: lina, ["name": "孙立", "companyName": "苏州立信精密有限公司", "mobile": "13912345670"])
            let duplicate = try await createCustomer(
                t, token: lina, ["name": "孙立", "companyName": "苏州立信精密有限公司", "email": "sl@lixin.cn"],
                duplicateReason: "邮件来询，未留手机")
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customerID: duplicate.id, channel: "email", question: "厂房租金多少？", answer: "每平方米每月 28 元"))
                }
            ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
            _ = try await FollowUpStore(database: t.app.db).plan(
                .init(dueAt: "2026-12-07T10:00", channel: "phone", purpose: "约看厂房"),
                customerID: duplicate.id, context: .console(now: testStart), timeZone: DisplayFormat.timeZone)
            try await Self.expectInStep(t, "after writes through the API and the stores")
            // The merge moves the duplicate's records and leaves one live file.
            let supervisor = try await t.token(.supervisor)
            let currentSurvivor = try #require(try await CustomerModel.find(survivor.id, on: t.app.db))
            let currentDuplicate = try #require(try await CustomerModel.find(duplicate.id, on: t.app.db))
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/merge",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        PrivacyAPIController.MergeRequest(
                            duplicateID: duplicate.id, version: currentSurvivor.version,
                            duplicateVersion: currentDuplicate.version, reason: "同一客户的两份档案"))
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            try await Self.expectInStep(t, "after a merge")
            // Erasure under PIPL: the file is anonymized, its statistics stay.
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/anonymize",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(["reason": "客户 2026-11-30 书面申请删除个人信息"])
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            try await Self.expectInStep(t, "after an anonymization")
            // Changes as any write path makes them: reassigned, answered, done, moved, reclassified, a stage reached.
            try await sql.raw("UPDATE inquiries SET staff_id = \(bind: zhangwei) WHERE id % 3 = 0").run()
            try await sql.raw("UPDATE inquiries SET staff_id = NULL WHERE id % 7 = 0").run()
            try await sql.raw(
                "UPDATE inquiries SET first_answered_at = received_at + \(unsafeRaw: database == .postgres ? "INTERVAL '90 seconds'" : "90") WHERE first_answered_at IS NULL AND id % 2 = 0"
            ).run()
            try await sql.raw("UPDATE inquiries SET first_answered_at = NULL WHERE id % 5 = 0").run()
            try await sql.raw("UPDATE inquiries SET channel = 'wechat' WHERE id % 4 = 1").run()
            try await sql.raw("UPDATE follow_ups SET completed_at = due_at WHERE completed_at IS NULL AND id % 2 = 0")
                .run()
            try await sql.raw("UPDATE follow_ups SET staff_id = \(bind: linaID) WHERE id % 3 = 1").run()
            try await sql.raw(
                "UPDATE complaints SET severity = 'urgent', category = 'service_attitude' WHERE id % 3 = 2"
            ).run()
            try await sql.raw("UPDATE customers SET stage = 'intent' WHERE id % 2 = 0 AND merged_into_id IS NULL").run()
            try await sql.raw("UPDATE customers SET responsible_staff_id = \(bind: zhangwei) WHERE id % 3 = 0").run()
            try await Self.expectInStep(t, "after changes")
            // Deletions.
            try await sql.raw("DELETE FROM follow_ups WHERE id % 5 = 0").run()
            // Forwards are answered and never deleted or moved to another department (no write path does).
            try await sql.raw(
                "UPDATE complaint_forwards SET status = 'answered', answer = '已核实', answered_at = due_at WHERE id % 2 = 0"
            ).run()
            try await sql.raw("DELETE FROM inquiries WHERE id % 6 = 0 AND created_by_staff_id IS NULL").run()
            try await Self.expectInStep(t, "after deletions")
            try await ReportSummary.rebuild(on: t.app.db)
            try await Self.expectInStep(t, "after a rebuild")
        }
    }

    /// The step times', the needs analysis' and the partners' summaries, after the same kinds of writes.
    static var later: [ReportSummary] {
        StepTimeSummaries.summaries + NeedsSummaries.summaries + PartnerSummaries.summaries + ReplySummaries.summaries
            + MonthSummaries.summaries + ContractSummaries.summaries + TrendSummaries.summaries
    }

    @Test(
        "the step times', needs', partners' and conversion summaries equal a recount after inserts, API writes, a merge, an anonymization, changes and deletions",
        arguments: TestDatabase.available)
    func laterSummariesInStep(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            _ = try await ServiceReportTests.generate(t)
            _ = try await NeedsReportTests.generate(t)
            let sql = try t.app.db.sql()
            let seconds: (Int) -> String = { database == .postgres ? "INTERVAL '\($0) seconds'" : "\($0)" }
            let customers = try await sql.raw("SELECT id FROM customers WHERE merged_into_id IS NULL ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int.self) }
            let lina = try await t.staff("lina").requireID()
            for (index, customer) in customers.prefix(12).enumerated() {
                let at = ReportTests.start.addingTimeInterval(Double(index) * 86_400 - 20 * 86_400)
                try await sql.raw(
                    """
                    INSERT INTO return_visits (customer_id, staff_id, reason, due_at, state, done_at, satisfaction, created_at, updated_at, version)
                    VALUES (\(bind: customer), \(bind: lina), 'scheduled', \(bind: at), \(bind: index % 4 == 3 ? "due" : "done"),
                      \(bind: index % 4 == 3 ? nil : at as Date?), \(bind: index % 3 == 0 ? nil : 1 + index % 5 as Int?), \(bind: at), \(bind: at), 1)
                    """
                ).run()
            }
            try await Self.expectInStep(t, "after records inserted as an import does", Self.later)
            // Through the API: a new customer (a need) whose inquiry is answered at intake (a step).
            let token = try await t.token(.specialist)
            let survivor = try await createCustomer(
                t, token: token, ["name": "孙立", "companyName": "苏州立信精密有限公司", "mobile": "13912345670"],
                industries: ["technology"])
            let duplicate = try await createCustomer(
                t, token: token, ["name": "孙立", "companyName": "苏州立信精密有限公司", "email": "sl@lixin.cn"],
                industries: ["manufacturing"], duplicateReason: "邮件来询，未留手机")
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(token)
                    try req.content.encode(
                        InquiryInput(
                            customerID: duplicate.id, channel: "email", question: "厂房租金多少？", answer: "每平方米每月 28 元"))
                }
            ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
            try await Self.expectInStep(t, "after writes through the API", Self.later)
            let supervisor = try await t.token(.supervisor)
            let currentSurvivor = try #require(try await CustomerModel.find(survivor.id, on: t.app.db))
            let currentDuplicate = try #require(try await CustomerModel.find(duplicate.id, on: t.app.db))
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/merge",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        PrivacyAPIController.MergeRequest(
                            duplicateID: duplicate.id, version: currentSurvivor.version,
                            duplicateVersion: currentDuplicate.version, reason: "同一客户的两份档案"))
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            try await Self.expectInStep(t, "after a merge", Self.later)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/anonymize",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(["reason": "客户 2026-11-30 书面申请删除个人信息"])
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            try await Self.expectInStep(t, "after an anonymization", Self.later)
            // Changes: answered later, replied, responded, resolved (one before its receipt: counts as zero),
            // needs restated, reactions changed, visits rated and done.
            try await sql.raw(
                "UPDATE inquiries SET first_answered_at = received_at + \(unsafeRaw: seconds(600)) WHERE id % 3 = 0"
            ).run()
            try await sql.raw("UPDATE inquiries SET replied_at = NULL WHERE id % 5 = 0").run()
            try await sql.raw(
                "UPDATE complaints SET first_responded_at = received_at + \(unsafeRaw: seconds(7_200)) WHERE id % 2 = 0"
            ).run()
            try await sql.raw(
                "UPDATE complaints SET resolved_at = received_at + \(unsafeRaw: seconds(200_000)) WHERE id % 3 = 1"
            ).run()
            try await sql.raw(
                "UPDATE complaints SET resolved_at = received_at - \(unsafeRaw: seconds(60)) WHERE id % 7 = 0"
            ).run()
            try await sql.raw(
                "UPDATE complaint_forwards SET answered_at = created_at + \(unsafeRaw: seconds(4_000)) WHERE id % 2 = 1"
            ).run()
            try await sql.raw(
                "UPDATE customers SET industries = ',retail,', province = NULL, budget_max_yuan = 70000000 WHERE id % 3 = 0"
            ).run()
            try await sql.raw(
                "UPDATE customers SET stage = 'signed', responsible_staff_id = \(bind: lina) WHERE id % 5 = 2"
            ).run()
            try await sql.raw(
                "UPDATE customers SET timing = 'within_year', created_at = created_at + \(unsafeRaw: seconds(86_400)) WHERE id % 4 = 1"
            ).run()
            try await sql.raw(
                "UPDATE recommendations SET reaction = 'not_interested', reaction_reason = '预算不足' WHERE id % 3 = 0"
            ).run()
            try await sql.raw(
                "UPDATE recommendations SET reaction = 'interested', reaction_reason = NULL WHERE id % 4 = 1"
            ).run()
            try await sql.raw("UPDATE projects SET type = \(bind: ProjectType.allCases[0].rawValue) WHERE id % 2 = 0")
                .run()
            try await sql.raw("UPDATE contracts SET state = 'cancelled' WHERE id % 4 = 2").run()
            try await sql.raw(
                """
                UPDATE contracts SET amount_yuan = amount_yuan + 1000, signed_on = '2026-10-30',
                  project_id = (SELECT MIN(id) FROM projects) WHERE id % 4 = 1
                """
            ).run()
            try await sql.raw("UPDATE return_visits SET satisfaction = 5 WHERE satisfaction IS NULL").run()
            try await sql.raw(
                "UPDATE return_visits SET state = 'done', done_at = due_at + \(unsafeRaw: seconds(3_600)) WHERE state = 'due'"
            ).run()
            try await Self.expectInStep(t, "after changes", Self.later)
            try await sql.raw("DELETE FROM recommendations WHERE id % 5 = 0").run()
            try await sql.raw("DELETE FROM return_visits WHERE id % 5 = 0").run()
            try await sql.raw("DELETE FROM contracts WHERE id % 4 = 0").run()
            try await sql.raw("DELETE FROM inquiries WHERE id % 6 = 0 AND created_by_staff_id IS NULL").run()
            try await Self.expectInStep(t, "after deletions", Self.later)
            try await ReportSummary.rebuild(on: t.app.db)
            try await Self.expectInStep(t, "after a rebuild", Self.later)
        }
    }

    @Test(
        "the severity figures follow a change of a complaint and of the time limits", arguments: TestDatabase.available)
    func severityFollowsChanges(_ database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            _ = try await ReportTests.generate(t)
            let sql = try t.app.db.sql()
            let span = ReportPeriod(
                from: CalendarDay(ReportTests.start, timeZone: DisplayFormat.timeZone),
                to: CalendarDay(ReportTests.end.addingTimeInterval(-1), timeZone: DisplayFormat.timeZone)
            ).instants(in: DisplayFormat.timeZone)
            // Every complaint resolved a minute after receipt: in time under any limit.
            try await sql.raw(
                "UPDATE complaints SET resolved_at = received_at + \(unsafeRaw: database == .postgres ? "INTERVAL '60 seconds'" : "60")"
            ).run()
            let figures = DashboardFigures(database: t.app.db)
            func direct(_ severity: String) async throws -> (count: Int, resolved: Int) {
                let row = try await sql.raw(
                    """
                    SELECT COUNT(*) AS n, COUNT(resolved_at) AS r FROM complaints
                    WHERE severity = \(bind: severity) AND received_at >= \(bind: span.start) AND received_at < \(bind: span.end)
                    """
                ).first()!
                return (try row.decode(column: "n", as: Int.self), try row.decode(column: "r", as: Int.self))
            }
            let first = try await figures.complaintsBySeverity(span)
            let normal = try #require(first.first { $0.severity == "normal" })
            #expect(normal.count > 1)
            #expect((normal.count, normal.resolved) == (try await direct("normal")))
            #expect(normal.inTime == normal.resolved)
            // One complaint reopened: the next read has one resolved less.
            try await sql.raw(
                """
                UPDATE complaints SET resolved_at = NULL WHERE id = (SELECT MIN(id) FROM complaints WHERE severity = 'normal'
                  AND received_at >= \(bind: span.start) AND received_at < \(bind: span.end))
                """
            ).run()
            let second = try #require(try await figures.complaintsBySeverity(span).first { $0.severity == "normal" })
            #expect(
                second.count == normal.count && second.resolved == normal.resolved - 1
                    && second.inTime == normal.inTime - 1)
            // A limit of no time at all: nothing resolved a minute later is in time any more.
            try await sql.raw("UPDATE complaint_time_limits SET resolution_hours = 0.001 WHERE severity = 'normal'")
                .run()
            let third = try #require(try await figures.complaintsBySeverity(span).first { $0.severity == "normal" })
            let calendar = try await WorkingCalendarStore(database: t.app.db).load()
            var inTime = 0
            for row in try await sql.raw(
                """
                SELECT received_at, resolved_at FROM complaints WHERE severity = 'normal' AND resolved_at IS NOT NULL
                  AND received_at >= \(bind: span.start) AND received_at < \(bind: span.end)
                """
            ).all() {
                let seconds = calendar.workingSeconds(
                    from: try row.decode(column: "received_at", as: Date.self),
                    to: try row.decode(column: "resolved_at", as: Date.self))
                if seconds / 3600 <= 0.001 { inTime += 1 }
            }
            #expect(third.resolved == second.resolved && third.inTime == inTime && inTime < second.inTime)
        }
    }
}
