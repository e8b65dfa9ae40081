import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 15 §1 (R6.1): a month of clock events settled into numbered marks and the team's sheet;
/// leave and corrections (补卡) with the supervisor's decisions; the time clock's import; who sees a
/// person's attendance; bad input and stale edits refused with nothing changed — on SQLite and PostgreSQL.
@Suite("Attendance: marks, sheets, leave, corrections, import, access, refusals (R6.1)")
struct AttendanceTests {
    static let calendar = WorkingCalendar()

    static func at(_ day: String, _ time: String) -> Date { calendar.instant(CalendarDay(day)!, DayTime(time)!) }

    /// November 2026 for 李娜: on time except late on the 3rd (20 min), 4th (10) and 5th (15); nobody on
    /// the 6th, 26th and 27th; no clock-out on the 9th. The test clock stands at Monday 30 November 09:00.
    static func seedNovember(_ t: TestApp) async throws -> Int {
        let lina = try await t.staff(.specialist).requireID()
        let arrivals = ["2026-11-03": "09:20", "2026-11-04": "09:10", "2026-11-05": "09:15"]
        let sql = try t.app.db.sql()
        for day in AttendanceRules.days(ofMonth: 2026, 11) where calendar.isWorkingDay(day) && day.day < 30 {
            let text = day.description
            if ["2026-11-06", "2026-11-26", "2026-11-27"].contains(text) { continue }
            var punches = [(at(text, arrivals[text] ?? "08:55"), "in")]
            if text != "2026-11-09" { punches.append((at(text, "18:05"), "out")) }
            for (instant, direction) in punches {
                try await sql.raw(
                    """
                    INSERT INTO clock_records (staff_id, at, direction, source, address, network, version, created_at, updated_at)
                    VALUES (\(bind: lina), \(bind: instant), \(bind: direction), 'app', '公司', '10.0.0.8', 1, \(bind: instant), \(bind: instant))
                    """
                ).run()
            }
        }
        try await settle(t)
        return lina
    }

    static func settle(_ t: TestApp) async throws {
        try await AttendanceStore(database: t.app.db).settleAll(
            calendar: try await WorkingCalendarStore(database: t.app.db).load(),
            context: .console(now: t.clock.clock.now))
    }

    static func team(_ t: TestApp, token: String) async throws -> [Int: AttendanceAPIController.SummaryDTO] {
        let (status, text) = try await AssessmentTests.call(
            t, .GET, "/api/v1/attendance/team?month=2026-11", token: token)
        #expect(status == .ok, "\(text)")
        let sheet = try AssessmentTests.decode(AttendanceAPIController.TeamSheetDTO.self, text)
        return Dictionary(uniqueKeysWithValues: sheet.lines.map { ($0.staffID, $0.summary) })
    }

    static func count(_ t: TestApp, _ table: String, _ condition: String = "1 = 1") async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// What a refusal must leave as it was: every attendance table and the attendance audit entries.
    static func snapshot(_ t: TestApp) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["clock_records", "leave_requests", "clock_corrections", "attendance_marks"] {
            counts.append(try await count(t, table))
        }
        counts.append(try await count(t, "audit_entries", "action LIKE 'attendance.%'"))
        counts.append(try await count(t, "leave_requests", "status <> 'pending'"))
        counts.append(try await count(t, "attendance_marks", "excused_reason IS NOT NULL"))
        return counts
    }

    @Test(
        "a month settles into numbered marks with their causes; the team's sheet and the payroll CSV sum them; an excuse deducts nothing",
        arguments: TestDatabase.available)
    func monthToSheet(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let supervisor = try await t.token(.supervisor)
            let marks = try await AttendanceStore(database: t.app.db).marks(
                staffID: lina, from: CalendarDay("2026-11-01")!, to: CalendarDay("2026-11-30")!)
            #expect(
                marks.map { "\($0.day) \($0.kind) \($0.deductionDays)" } == [
                    "2026-11-03 late 0.0", "2026-11-04 late 0.0", "2026-11-05 late 0.25", "2026-11-06 absence 1.0",
                    "2026-11-09 missing_clock 0.5",
                    "2026-11-26 absence 1.0", "2026-11-27 absence 1.0",
                ])
            #expect(Set(marks.map(\.number)).count == 7 && marks.allSatisfy { $0.number.hasPrefix("KQ-2026-") })
            #expect(
                marks[2].cause == "attendance.cause.late"
                    && marks[2].arguments == ["grace": "5", "minutes": "15", "number": "3"])
            // Settling again changes nothing: the same marks keep their numbers.
            try await Self.settle(t)
            #expect(
                try await AttendanceStore(database: t.app.db).marks(
                    staffID: lina, from: CalendarDay("2026-11-01")!, to: CalendarDay("2026-11-30")!
                )
                .map(\.number) == marks.map(\.number))

            let sheet = try await Self.team(t, token: supervisor)
            let summary = try #require(sheet[lina])
            #expect(
                summary.workingDays == 21 && summary.attendedDays == 17 && summary.latenesses == 3
                    && summary.missingClocks == 1)
            #expect(summary.absenceDays == 3 && summary.deductionDays == 3.75)
            // 张伟 has never clocked: nothing is judged for him.
            let zhangwei = try await t.staff("zhangwei").requireID()
            #expect(sheet[zhangwei]?.deductionDays == 0)

            // The person's own month shows the same marks, with the cause in words.
            let (status, text) = try await AssessmentTests.call(
                t, .GET, "/api/v1/attendance/me?month=2026-11", token: try await t.token(.specialist))
            #expect(status == .ok, "\(text)")
            let month = try AssessmentTests.decode(AttendanceAPIController.PersonMonthDTO.self, text)
            let fifth = try #require(month.days.first { $0.day == "2026-11-05" }?.marks.first)
            #expect(fifth.number == marks[2].number && fifth.causeText == "迟到 15 分钟（超过宽限 5 分钟），本月第 3 次，扣减")

            // The supervisor excuses the lateness of the 5th: it stays, deducts nothing, and its audit entry is written.
            let (excused, body) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/marks/\(marks[2].id)/excuse", token: supervisor,
                ["reason": "地铁故障，有延误证明", "version": .number(Double(marks[2].version))])
            #expect(excused == .ok, "\(body)")
            let mark = try AssessmentTests.decode(AttendanceAPIController.MarkDTO.self, body)
            #expect(mark.deductionDays == 0 && mark.excusedReason == "地铁故障，有延误证明" && mark.number == marks[2].number)
            #expect(try await Self.count(t, "audit_entries", "action = 'attendance.mark_excused'") == 1)
            #expect(try await Self.team(t, token: supervisor)[lina]?.deductionDays == 3.5)

            // The payroll CSV: UTF-8 with BOM, a row per person.
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/attendance/team/export?month=2026-11",
                beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async in
                #expect(res.status == .ok)
                let bytes = Array(res.body.readableBytesView)
                #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                #expect(text.hasPrefix("工号,姓名,应出勤天数,实际出勤天数,迟到次数"))
                #expect(text.contains("lina,李娜,21,17,3,0,1,3,0,0,0,0,3.5"), "\(text)")
            }
        }
    }

    @Test(
        "a penalty by the attendance rules cites the person's attendance mark; a colleague's mark is refused as its cause, nothing changed (R7.2)"
    )
    func penaltyCitesAMark() async throws {
        try await withApp { t in
            let lina = try await Self.seedNovember(t)
            let mark = try #require(
                try await AttendanceStore(database: t.app.db).marks(
                    staffID: lina, from: CalendarDay("2026-11-01")!, to: CalendarDay("2026-11-30")!
                )
                .first { $0.kind == "absence" })
            let supervisor = try await t.token(.supervisor)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let before = try await Self.count(t, "penalties")
            let (refused, refusal) = try await ContractTests.call(
                t, .POST, "/api/v1/penalties", token: supervisor,
                [
                    "staffID": .number(Double(zhangwei)), "kind": "warning", "causeType": "attendance_mark",
                    "causeID": .number(Double(mark.id)),
                    "reason": "旷工一天。",
                ])
            #expect(refused == .unprocessableEntity && refusal.contains("cause"), "\(refusal)")
            #expect(try await Self.count(t, "penalties") == before)
            let (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/penalties", token: supervisor,
                [
                    "staffID": .number(Double(lina)), "kind": "warning", "causeType": "attendance_mark",
                    "causeID": .number(Double(mark.id)),
                    "reason": "11月26日旷工一天。",
                ])
            #expect(status == .created, "\(text)")
            let penalty = try AssessmentTests.decode(ConductAPIController.PenaltyDTO.self, text)
            #expect(penalty.cause == RecordReference(type: "attendance_mark", id: mark.id) && penalty.staffID == lina)
            // The person's record names the cited mark by its number, not its id.
            let (_, record) = try await AssessmentTests.call(
                t, .GET, "/api/v1/people/\(lina)/record", token: supervisor)
            let document = try AssessmentTests.decode(PersonRecordDocument.self, record)
            let cause = try #require(document.sections.first { $0.key == "penalties" }?.rows.first?[3].text)
            #expect(cause.hasSuffix(mark.number) && mark.number.hasPrefix("KQ-2026-"), "\(cause)")
            // The rules withdraw the mark (a correction approved later): the penalty keeps its citation, says the
            // record was withdrawn and links nowhere, instead of to a page that no longer exists.
            try await t.app.db.sql().raw("DELETE FROM attendance_marks WHERE id = \(bind: mark.id)").run()
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/conduct/penalties/\(penalty.id)", beforeRequest: { browser.apply(to: &$0) }
            ) { page async in
                #expect(page.status == .ok)
                #expect(page.body.string.contains("#\(mark.id)（该记录已撤销）"), "\(page.body.string)")
                #expect(!page.body.string.contains("/attendance/marks/\(mark.id)"))
            }
            let (_, after) = try await AssessmentTests.call(t, .GET, "/api/v1/people/\(lina)/record", token: supervisor)
            let withdrawn = try #require(
                try AssessmentTests.decode(PersonRecordDocument.self, after).sections.first { $0.key == "penalties" }?
                    .rows.first?[3])
            #expect(withdrawn.text.contains("已撤销") && withdrawn.link == nil, "\(withdrawn)")
        }
    }

    @Test(
        "the administrator's system account keeps no attendance: no marks, no line on the team's sheet, no payroll row, no shortlist place"
    )
    func administratorKeepsNoAttendance() async throws {
        try await withApp { t in
            // Even a clock event from the administrator's account (testing the app) judges nothing.
            let admin = try await t.staff(.administrator).requireID()
            try await t.app.db.sql().raw(
                """
                INSERT INTO clock_records (staff_id, at, direction, source, address, network, version, created_at, updated_at)
                VALUES (\(bind: admin), \(bind: Self.at("2026-11-02", "10:30")), 'in', 'app', '公司', '10.0.0.9', 1, \(bind: testStart), \(bind: testStart))
                """
            ).run()
            let lina = try await Self.seedNovember(t)
            #expect(try await Self.count(t, "attendance_marks", "staff_id = \(admin)") == 0)
            #expect(try await Self.count(t, "attendance_marks", "staff_id = \(lina)") == 7)
            let supervisor = try await t.token(.supervisor)
            let sheet = try await Self.team(t, token: supervisor)
            #expect(sheet[admin] == nil && sheet[lina] != nil && sheet.count == 3, "王静, 李娜, 张伟 — not 系统管理员")
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/attendance/team/export?month=2026-11", beforeRequest: { browser.apply(to: &$0) }
            ) { res async in
                let text = String(decoding: Array(res.body.readableBytesView).dropFirst(3), as: UTF8.self)
                #expect(
                    res.status == .ok && text.contains("lina,李娜") && !text.contains("系统管理员")
                        && !text.contains("admin,"), "\(text)")
            }
            let (status, body) = try await AssessmentTests.call(
                t, .GET, "/api/v1/awards/shortlist?month=2026-11", token: supervisor)
            #expect(status == .ok, "\(body)")
            let shortlist = try AssessmentTests.decode(ConductAPIController.ShortlistDTO.self, body)
            #expect(
                !shortlist.places.contains { $0.staffID == admin } && shortlist.places.contains { $0.staffID == lina })
        }
    }

    @Test(
        "pages: a deducting mark offers 依规处罚 with its number filled in; the penalty cites the mark, which opens on its day; an unknown number is refused at the field, nothing changed"
    )
    func penaltyFromTheMarkPage() async throws {
        try await withApp { t in
            let lina = try await Self.seedNovember(t)
            let mark = try #require(
                try await AttendanceStore(database: t.app.db).marks(
                    staffID: lina, from: CalendarDay("2026-11-01")!, to: CalendarDay("2026-11-30")!
                )
                .first { $0.day == "2026-11-26" })
            let browser = try await t.signIn(.supervisor)
            func get(_ path: String, _ browser: Browser) async throws -> (HTTPStatus, String, String) {
                var result: (HTTPStatus, String, String) = (.ok, "", "")
                try await t.app.testing().test(.GET, path, beforeRequest: { browser.apply(to: &$0) }) { res async in
                    result = (res.status, res.body.string, res.headers.first(name: .location) ?? "")
                }
                return result
            }
            func post(_ fields: [String: String]) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.ok, "")
                try await t.app.testing().test(
                    .POST, "/conduct/penalties", beforeRequest: { try $0.form(fields, browser: browser) }
                ) { res async in
                    result = (res.status, res.body.string)
                }
                return result
            }
            let month = try await get("/attendance/people/\(lina)?month=2026-11", browser).1
            #expect(
                month.contains("causeType=attendance_mark&amp;causeID=\(mark.number)") && month.contains("依规处罚"),
                "\(month)")
            let form = try await get(
                "/conduct/penalties/new?staffID=\(lina)&causeType=attendance_mark&causeID=\(mark.number)", browser
            ).1
            #expect(form.contains("value=\"\(mark.number)\""))

            let before = try await Self.count(t, "penalties")
            var fields = [
                "staffID": String(lina), "kind": "warning", "causeType": "attendance_mark", "causeID": "KQ-2026-999999",
                "reason": "11月26日旷工一天。",
            ]
            let (refused, html) = try await post(fields)
            #expect(
                refused == .unprocessableEntity && html.contains("找不到该记录，请核对类型和编号")
                    && html.contains("value=\"KQ-2026-999999\""), "\(html)")
            #expect(try await Self.count(t, "penalties") == before)
            fields["causeID"] = mark.number.lowercased()
            #expect(try await post(fields).0 == .seeOther)
            let cited = try await t.app.db.sql().raw("SELECT cause_type, cause_id FROM penalties").all()
            #expect(try cited.map { try $0.decode(column: "cause_id", as: Int.self) } == [mark.id])

            // The cited mark opens on its day: the supervisor's view of the person's month, the person's own month.
            #expect(
                try await get("/attendance/marks/\(mark.id)", browser).2
                    == "/attendance/people/\(lina)?month=2026-11#day-2026-11-26")
            let own = try await t.signIn(.specialist)
            #expect(try await get("/attendance/marks/\(mark.id)", own).2 == "/attendance?month=2026-11#day-2026-11-26")
            #expect(try await get("/attendance/marks/\(mark.id)", try await t.signIn("zhangwei")).0 == .forbidden)
            // The person's record: the penalty's cause reads 考勤记录 KQ-… and links to the mark; the mark carries its number.
            let record = try await get("/people/\(lina)/record", own).1
            #expect(record.contains("<a href=\"/attendance/marks/\(mark.id)\">考勤记录 \(mark.number)</a>"), "\(record)")
            #expect(record.contains("<a href=\"/attendance/marks/\(mark.id)\">\(mark.number)</a>"))
        }
    }

    @Test(
        "the assessment's attendance input: 100 less 10 points per day deducted, only for a person who clocked in the period",
        arguments: TestDatabase.available)
    func assessmentInput(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let store = AttendanceStore(database: t.app.db)
            let november = try #require(
                AssessmentPeriod(start: CalendarDay("2026-11-01")!, end: CalendarDay("2026-11-30")!))
            // 3.75 days deducted in November (see monthToSheet); 张伟 never clocked: no data rather than a zero.
            #expect(try await store.scores(staffIDs: [lina, zhangwei], period: november) == [lina: 62.5])
            let october = try #require(
                AssessmentPeriod(start: CalendarDay("2026-10-01")!, end: CalendarDay("2026-10-31")!))
            #expect(try await store.scores(staffIDs: [lina], period: october).isEmpty)
        }
    }

    @Test("the team's sheet and a person's clock events are read through their indexes (EXPLAIN QUERY PLAN)")
    func sheetQueriesUseIndexes() async throws {
        try await withApp { t in
            for (statement, index) in [
                (
                    "SELECT staff_id, kind, deduction_days FROM attendance_marks WHERE department_id = 1 AND day >= '2026-11-01' AND day <= '2026-11-30'",
                    "attendance_marks_department_day"
                ),
                (
                    "SELECT staff_id FROM leave_requests WHERE department_id = 1 AND status = 'approved' AND start_day <= '2026-11-30' AND end_day >= '2026-11-01'",
                    "leave_requests_department"
                ),
                (
                    "SELECT at FROM clock_records WHERE staff_id = 1 AND at >= 0 AND at <= 1 ORDER BY at",
                    "clock_records_staff_at"
                ),
            ] {
                let plan = try await t.app.db.sql().raw("EXPLAIN QUERY PLAN \(unsafeRaw: statement)").all()
                    .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: " | ")
                #expect(plan.contains(index) && !plan.contains("TEMP B-TREE"), "\(plan)")
            }
        }
    }

    /// A field's message as the API gives it: in the person's language (Chinese).
    static func message(_ t: TestApp, _ key: String) -> String { t.app.kefu.localizer.text(key, .zhHans, [:]) }

    static func json(_ value: some Encodable) throws -> [String: JSONValue] {
        try JSONDecoder().decode([String: JSONValue].self, from: try JSONEncoder().encode(value))
    }

    @Test(
        "pages: 我的考勤 clocks in; a leave form with an overlapping range shows the message at the field and keeps what was typed"
    )
    func pages() async throws {
        try await withApp { t in
            var browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .POST, "/attendance/clock",
                beforeRequest: { req in try req.form(["direction": "in", "address": "公司"], browser: browser) }
            ) { res async in
                #expect(res.status == .seeOther || res.status == .found, "\(res.body.string)")
                browser.take(res)
            }
            #expect(try await Self.count(t, "clock_records", "source = 'app' AND address = '公司'") == 1)
            try await t.app.testing().test(
                .GET, "/attendance", beforeRequest: { req in req.headers.cookie = browser.cookies }
            ) { res async in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("我的考勤") && res.body.string.contains("id=\"last-clock\""))
            }
            for (start, end) in [("2026-12-01", "2026-12-02"), ("2026-12-02", "2026-12-03")] {
                try await t.app.testing().test(
                    .POST, "/attendance/leave",
                    beforeRequest: { req in
                        try req.form(
                            ["kind": "annual", "startDay": start, "endDay": end, "reason": "回老家探亲"], browser: browser)
                    }
                ) { res async in
                    if start == "2026-12-01" {
                        #expect(res.status == .seeOther || res.status == .found)
                    } else {
                        #expect(res.status == .unprocessableEntity)
                        #expect(res.body.string.contains("与已有的请假时间重叠。") && res.body.string.contains("value=\"回老家探亲\""))
                    }
                }
            }
            #expect(try await Self.count(t, "leave_requests") == 1)
        }
    }
}
