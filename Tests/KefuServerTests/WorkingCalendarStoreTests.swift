import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 13: the one working calendar kept in the database — loaded as the value other parts count
/// on, edited by the administrator on its page and through the API, imported from CSV and iCalendar;
/// refusals change nothing. Runs on SQLite and, when configured, PostgreSQL.
@Suite("Working calendar: store, page, API, import (issue 13)")
struct WorkingCalendarStoreTests {
    static let ics = """
        BEGIN:VCALENDAR
        VERSION:2.0
        BEGIN:VEVENT
        DTSTART;VALUE=DATE:20261001
        DTEND;VALUE=DATE:20261008
        SUMMARY:国庆节 (休)
        END:VEVENT
        BEGIN:VEVENT
        DTSTART;VALUE=DATE:20261010
        SUMMARY:国庆节补班
        END:VEVENT
        END:VCALENDAR

        """

    static func auditCount(_ t: TestApp) async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM audit_entries WHERE record_type = 'working_calendar'")
            .first()!.decode(column: "n", as: Int.self)
    }

    static func dayCount(_ t: TestApp) async throws -> Int {
        try await t.app.db.sql().raw("SELECT COUNT(*) AS n FROM calendar_days").first()!.decode(
            column: "n", as: Int.self)
    }

    @Test("the default calendar: 09:00–12:00 and 13:30–18:00, Monday to Friday", arguments: TestDatabase.available)
    func defaults(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let calendar = try await WorkingCalendarStore(database: t.app.db).load()
            #expect(calendar.hours == .standard)
            #expect(calendar.weekdays == [1, 2, 3, 4, 5])
            // testStart is Monday 2026-11-30 09:00 in China.
            #expect(calendar.isWorkingTime(testStart))
            #expect(calendar.adding(workingHours: 4, to: testStart) == testStart.addingTimeInterval(4 * 3600 + 90 * 60))
        }
    }

    @Test(
        "the API imports an iCalendar schedule; the loaded calendar skips the holiday and works the 调休 Saturday",
        arguments: TestDatabase.available)
    func importICS(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let admin = try await t.token(.administrator)
            let (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/working-calendar/import", token: admin, ["content": .string(Self.ics)])
            #expect(status == .created, "\(body)")
            #expect(body.contains("\"imported\":8"))
            let calendar = try await WorkingCalendarStore(database: t.app.db).load()
            #expect(!calendar.isWorkingDay(CalendarDay("2026-10-05")!))
            #expect(calendar.isWorkingDay(CalendarDay("2026-10-10")!))
            // Importing again overwrites rather than duplicates, and the year filter reads the same rows.
            _ = try await ContractTests.call(
                t, .POST, "/api/v1/working-calendar/import", token: admin,
                ["content": .string(Self.ics), "format": "ics"])
            #expect(try await Self.dayCount(t) == 8)
            let (_, year) = try await ContractTests.call(
                t, .GET, "/api/v1/working-calendar?year=2026", token: try await t.token(.specialist))
            #expect(year.contains("\"day\":\"2026-10-10\"") && year.contains("\"kind\":\"workday\""))
            let (_, other) = try await ContractTests.call(t, .GET, "/api/v1/working-calendar?year=2027", token: admin)
            #expect(other.contains("\"days\":[]"))
            // The deadline endpoint counts on the same calendar: Wednesday 30 September 17:00 + 2 h = Thursday 8 October 10:00.
            let (_, deadline) = try await ContractTests.call(
                t, .GET, "/api/v1/working-calendar/deadline?from=2026-09-30T17:00&hours=2", token: admin)
            #expect(deadline.contains("2026-10-08T02:00:00Z"), "\(deadline)")
        }
    }

    @Test(
        "a CSV with a bad line is refused with the line named, and nothing is imported or audited",
        arguments: TestDatabase.available)
    func importRefused(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let admin = try await t.token(.administrator)
            let before = try await Self.auditCount(t)
            let (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/working-calendar/import", token: admin,
                ["content": "日期,类型,名称\n2026-10-01,休,国庆节\n2026-13-01,休,坏日期\n", "format": "csv"])
            #expect(status == .unprocessableEntity)
            #expect(body.contains("\"content\":\"calendar.import.date\"") || body.contains("\"content\""), "\(body)")
            #expect(body.contains("3"))
            #expect(try await Self.dayCount(t) == 0)
            #expect(try await Self.auditCount(t) == before)
        }
    }

    @Test("hours: a stale version is 409, hours out of order 422, neither changes anything; a good change is audited")
    func hoursAPI() async throws {
        try await withApp { t in
            let admin = try await t.token(.administrator)
            let good: [String: JSONValue] = [
                "start": "08:30", "lunchStart": "12:00", "lunchEnd": "13:00", "end": "17:30",
                "weekdays": [1, 2, 3, 4, 5, 6], "version": 1,
            ]
            var bad = good
            bad["lunchEnd"] = "11:00"
            let (badStatus, badBody) = try await ContractTests.call(
                t, .PUT, "/api/v1/working-calendar/hours", token: admin, bad)
            #expect(badStatus == .unprocessableEntity)
            #expect(badBody.contains("lunch_end"))
            var stale = good
            stale["version"] = 7
            #expect(
                try await ContractTests.call(t, .PUT, "/api/v1/working-calendar/hours", token: admin, stale).0
                    == .conflict)
            #expect(try await WorkingCalendarStore(database: t.app.db).load().hours == .standard)
            #expect(try await Self.auditCount(t) == 0)
            let (status, body) = try await ContractTests.call(
                t, .PUT, "/api/v1/working-calendar/hours", token: admin, good)
            #expect(status == .ok, "\(body)")
            let calendar = try await WorkingCalendarStore(database: t.app.db).load()
            #expect(calendar.hours.secondsPerDay == 8 * 3600)
            #expect(calendar.isWorkingDay(CalendarDay("2026-12-05")!))
            #expect(try await Self.auditCount(t) == 1)
            // The same version again is now stale.
            #expect(
                try await ContractTests.call(t, .PUT, "/api/v1/working-calendar/hours", token: admin, good).0
                    == .conflict)
        }
    }

    @Test("only the administrator changes the calendar; everyone reads it")
    func access() async throws {
        try await withApp { t in
            for role in [Role.supervisor, .specialist, .leadership, .liaison] {
                let token = try await t.token(role)
                #expect(try await ContractTests.call(t, .GET, "/api/v1/working-calendar", token: token).0 == .ok)
                #expect(
                    try await ContractTests.call(
                        t, .PUT, "/api/v1/working-calendar/days/2026-10-01", token: token, ["kind": "holiday"]
                    ).0 == .forbidden)
                #expect(
                    try await ContractTests.call(
                        t, .POST, "/api/v1/working-calendar/import", token: token, ["content": .string(Self.ics)]
                    ).0 == .forbidden)
            }
            #expect(try await Self.dayCount(t) == 0)
        }
    }

    @Test("one day set and removed through the API; a bad day or kind is 422")
    func dayAPI() async throws {
        try await withApp { t in
            let admin = try await t.token(.administrator)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/working-calendar/days/2026-10-10", token: admin, ["kind": "sometimes"]
                ).0 == .unprocessableEntity)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/working-calendar/days/2026-02-30", token: admin, ["kind": "holiday"]
                ).0 == .unprocessableEntity)
            #expect(try await Self.dayCount(t) == 0)
            #expect(
                try await ContractTests.call(
                    t, .PUT, "/api/v1/working-calendar/days/2026-10-10", token: admin,
                    ["kind": "workday", "name": "国庆节补班"]
                ).0 == .ok)
            #expect(try await WorkingCalendarStore(database: t.app.db).load().isWorkingDay(CalendarDay("2026-10-10")!))
            #expect(
                try await ContractTests.call(t, .DELETE, "/api/v1/working-calendar/days/2026-10-10", token: admin).0
                    == .noContent)
            #expect(
                try await ContractTests.call(t, .DELETE, "/api/v1/working-calendar/days/2026-10-10", token: admin).0
                    == .notFound)
            #expect(try await Self.dayCount(t) == 0)
        }
    }

    @Test(
        "the page: the administrator sees the forms, a bad time stays at its field, an import is uploaded; a specialist only reads"
    )
    func page() async throws {
        try await withApp { t in
            let admin = try await t.signIn(.administrator)
            try await t.app.testing().test(
                .GET, "/settings/calendar?year=2026", beforeRequest: { req in admin.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("id=\"hours-form\""))
                #expect(res.body.string.contains("工作日历"))
            }
            try await t.app.testing().test(
                .POST, "/settings/calendar/hours?year=2026",
                beforeRequest: { req in
                    try req.form(
                        [
                            "start": "09:00", "lunchStart": "12:00", "lunchEnd": "abc", "end": "18:00",
                            "weekdays[]": "1", "version": "1",
                        ], browser: admin)
                }
            ) { res async throws in
                #expect(res.status == .unprocessableEntity)
                #expect(res.body.string.contains("value=\"abc\""))
                #expect(res.body.string.contains("请输入时间"))
            }
            try await t.app.testing().test(
                .POST, "/settings/calendar/days?year=2026",
                beforeRequest: { req in
                    try req.form(["day": "2026-10-01", "kind": "holiday", "name": "国庆节"], browser: admin)
                }
            ) { res async throws in #expect(res.status == .seeOther) }
            try await t.app.testing().test(
                .GET, "/settings/calendar?year=2026", beforeRequest: { req in admin.apply(to: &req) }
            ) { res async throws in
                #expect(res.body.string.contains("国庆节"))
                #expect(res.body.string.contains("星期四"))
            }
            let specialist = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .GET, "/settings/calendar?year=2026", beforeRequest: { req in specialist.apply(to: &req) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(!res.body.string.contains("id=\"hours-form\""))
                #expect(res.body.string.contains("国庆节"))
            }
            try await t.app.testing().test(
                .POST, "/settings/calendar/days",
                beforeRequest: { req in
                    try req.form(["day": "2026-10-02", "kind": "holiday"], browser: specialist)
                }
            ) { res async throws in #expect(res.status == .forbidden) }
            #expect(try await Self.dayCount(t) == 1)
        }
    }
}
