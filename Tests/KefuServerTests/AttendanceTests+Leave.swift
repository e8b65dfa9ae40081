import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Leave, half days, corrections (补卡), the time clock's import, who sees attendance and the rules — on SQLite and PostgreSQL.
extension AttendanceTests {
    @Test(
        "leave: overlapping leave refused with nothing changed; approval clears the days' absences; a stale or repeated decision is refused",
        arguments: TestDatabase.available)
    func leave(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let specialist = try await t.token(.specialist), supervisor = try await t.token(.supervisor)
            let (created, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests", token: specialist,
                ["kind": "sick", "startDay": "2026-11-26", "endDay": "2026-11-27", "reason": "发烧，有病历"])
            #expect(created == .created, "\(text)")
            let request = try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, text)

            let before = try await Self.snapshot(t)
            let (overlap, overlapText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests", token: specialist,
                ["kind": "personal", "startDay": "2026-11-27", "endDay": "2026-12-01", "reason": "家中有事"])
            #expect(
                overlap == .unprocessableEntity
                    && AssessmentTests.fields(overlapText) == [
                        "startDay": Self.message(t, "attendance.error.leave_overlaps")
                    ])
            #expect(try await Self.snapshot(t) == before)

            // A stale version is refused and changes nothing.
            let (stale, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests/\(request.id)/decision", token: supervisor,
                ["approve": true, "version": .number(Double(request.version + 1))])
            #expect(stale == .conflict)
            #expect(try await Self.snapshot(t) == before)
            // The person cannot approve their own request (a specialist may not decide at all).
            let (own, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests/\(request.id)/decision", token: specialist,
                ["approve": true, "version": .number(Double(request.version))])
            #expect(own == .forbidden)

            let (approved, approvedText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests/\(request.id)/decision", token: supervisor,
                ["approve": true, "note": "注意休息", "version": .number(Double(request.version))])
            #expect(approved == .ok, "\(approvedText)")
            #expect(
                try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, approvedText).status == "approved")
            let summary = try #require(try await Self.team(t, token: supervisor)[lina])
            #expect(summary.leaveDays["sick"] == 2 && summary.absenceDays == 1 && summary.deductionDays == 1.75)
            #expect(try await Self.count(t, "attendance_marks", "day IN ('2026-11-26', '2026-11-27')") == 0)

            let afterApproval = try await Self.snapshot(t)
            let (again, againText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests/\(request.id)/decision", token: supervisor,
                ["approve": false, "version": .number(Double(request.version + 1))])
            #expect(again == .conflict, "\(againText)")
            #expect(try await Self.snapshot(t) == afterApproval)
        }
    }

    @Test(
        "half a day's leave: approved, the day's absence becomes half a day; a half day over two days is refused at the field, nothing changed",
        arguments: TestDatabase.available)
    func halfDayLeave(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let specialist = try await t.token(.specialist), supervisor = try await t.token(.supervisor)
            let before = try await Self.snapshot(t)
            let (refused, refusal) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests", token: specialist,
                [
                    "kind": "personal", "startDay": "2026-11-26", "endDay": "2026-11-27", "part": "morning",
                    "reason": "办证",
                ])
            #expect(
                refused == .unprocessableEntity
                    && AssessmentTests.fields(refusal) == [
                        "endDay": Self.message(t, "attendance.error.half_day_one_day")
                    ])
            #expect(try await Self.snapshot(t) == before)
            let (created, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests", token: specialist,
                [
                    "kind": "personal", "startDay": "2026-11-26", "endDay": "2026-11-26", "part": "morning",
                    "reason": "办证",
                ])
            #expect(created == .created, "\(text)")
            let request = try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, text)
            #expect(request.part == "morning")
            // The afternoon of the same day is no overlap.
            #expect(
                try await AssessmentTests.call(
                    t, .POST, "/api/v1/attendance/leave-requests", token: specialist,
                    [
                        "kind": "sick", "startDay": "2026-11-27", "endDay": "2026-11-27", "part": "afternoon",
                        "reason": "复诊",
                    ]
                ).0 == .created)
            let (approved, approvedText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests/\(request.id)/decision", token: supervisor,
                ["approve": true, "version": .number(Double(request.version))])
            #expect(approved == .ok, "\(approvedText)")
            let marks = try await AttendanceStore(database: t.app.db).marks(
                staffID: lina, from: CalendarDay("2026-11-26")!, to: CalendarDay("2026-11-26")!)
            #expect(
                marks.map { "\($0.kind) \($0.deductionDays) \($0.cause)" } == [
                    "half_day_absence 0.5 attendance.cause.no_clock_half_leave"
                ])
            let summary = try #require(try await Self.team(t, token: supervisor)[lina])
            #expect(summary.leaveDays["personal"] == 0.5 && summary.absenceDays == 2.5 && summary.deductionDays == 3.25)
        }
    }

    @Test(
        "corrections (补卡): after the deadline, beyond the month's allowance, or a clock-out before the clock-in refused; an approved one becomes a clock event",
        arguments: TestDatabase.available)
    func corrections(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let specialist = try await t.token(.specialist), supervisor = try await t.token(.supervisor)
            try await t.app.db.sql().raw(
                """
                INSERT INTO clock_records (staff_id, at, direction, source, address, network, version, created_at, updated_at)
                VALUES (\(bind: lina), \(bind: Self.at("2026-11-29", "10:00")), 'in', 'app', '', '', 1, \(bind: testStart), \(bind: testStart))
                """
            ).run()
            let before = try await Self.snapshot(t)
            for (body, field, key) in [
                (
                    ["day": "2026-11-26", "time": "18:00", "direction": "out", "reason": "忘记打卡"], "day",
                    "attendance.error.correction_deadline"
                ),
                (
                    ["day": "2026-11-29", "time": "09:00", "direction": "out", "reason": "忘记打卡"], "time",
                    "attendance.error.out_before_in"
                ),
                (
                    ["day": "2026-12-01", "time": "09:00", "direction": "in", "reason": "忘记打卡"], "day",
                    "attendance.error.future_day"
                ),
                (
                    ["day": "2026-11-27", "time": "9点", "direction": "in", "reason": ""], "time",
                    "attendance.error.time"
                ),
            ] as [([String: JSONValue], String, String)] {
                let (status, text) = try await AssessmentTests.call(
                    t, .POST, "/api/v1/attendance/corrections", token: specialist, body)
                #expect(
                    status == .unprocessableEntity && AssessmentTests.fields(text)[field] == Self.message(t, key),
                    "\(text)")
            }
            #expect(try await Self.snapshot(t) == before)

            var ids: [Int] = []
            for day in ["2026-11-27", "2026-11-28", "2026-11-29"] {
                let (status, text) = try await AssessmentTests.call(
                    t, .POST, "/api/v1/attendance/corrections", token: specialist,
                    ["day": .string(day), "time": "18:00", "direction": "out", "reason": "忘记打下班卡"])
                #expect(status == .created, "\(text)")
                ids.append(try AssessmentTests.decode(AttendanceAPIController.RequestDTO.self, text).id)
            }
            let full = try await Self.snapshot(t)
            let (beyond, beyondText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/corrections", token: specialist,
                ["day": "2026-11-27", "time": "08:58", "direction": "in", "reason": "忘记打上班卡"])
            #expect(
                beyond == .unprocessableEntity
                    && AssessmentTests.fields(beyondText) == [
                        "day": Self.message(t, "attendance.error.correction_allowance")
                    ])
            #expect(try await Self.snapshot(t) == full)

            let (approved, text) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/corrections/\(ids[0])/decision", token: supervisor,
                ["approve": true, "version": 1])
            #expect(approved == .ok, "\(text)")
            #expect(try await Self.count(t, "clock_records", "source = 'correction'") == 1)
            // The 27th now has a clock-out but no clock-in: a missing clock instead of an absence.
            let marks = try await AttendanceStore(database: t.app.db).marks(
                staffID: lina, from: CalendarDay("2026-11-27")!, to: CalendarDay("2026-11-27")!)
            #expect(marks.map(\.cause) == ["attendance.cause.no_clock_in"])
        }
    }

    @Test(
        "a time clock's CSV: problems listed line by line; nothing imported until fixed or skipped",
        arguments: TestDatabase.available)
    func importFile(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor)
            let text =
                "工号,日期,时间,方向\nlina,2026-11-27,08:57,上班\nlina,2026-11-27,18:02,下班\nnobody,2026-11-27,08:50,上班\nzhangwei,2026-11-27,8点,上班\nlina,2026-11-27,08:57,上班\n"
            let (previewStatus, previewText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/imports/preview", token: supervisor, ["text": .string(text)])
            #expect(previewStatus == .ok, "\(previewText)")
            let preview = try AssessmentTests.decode(AttendanceAPIController.PreviewDTO.self, previewText)
            #expect(preview.layout == "kefu" && preview.importable == 2)
            #expect(
                preview.problems.map { "\($0.line) \($0.code)" } == [
                    "4 attendance.import.unknown_person", "5 attendance.import.bad_time",
                    "6 attendance.import.duplicate_line",
                ])
            #expect(preview.problems[0].message == "工号「nobody」不是系统中的人员。")

            let before = try await Self.snapshot(t)
            let (refused, refusedText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/imports", token: supervisor, ["text": .string(text)])
            #expect(
                refused == .unprocessableEntity
                    && AssessmentTests.fields(refusedText)["line.4"] == "工号「nobody」不是系统中的人员。")
            #expect(try await Self.snapshot(t) == before)

            let (imported, importedText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/imports", token: supervisor,
                ["text": .string(text), "skipProblems": true])
            #expect(imported == .created, "\(importedText)")
            #expect(
                try AssessmentTests.decode(AttendanceAPIController.ImportResultDTO.self, importedText).imported == 2)
            #expect(try await Self.count(t, "clock_records", "source = 'import'") == 2)
            // The same file again: its lines are duplicates of what is stored now.
            let (_, againText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/imports/preview", token: supervisor, ["text": .string(text)])
            #expect(try AssessmentTests.decode(AttendanceAPIController.PreviewDTO.self, againText).importable == 0)
            // A specialist may not import.
            let (forbidden, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/imports", token: try await t.token(.specialist), ["text": .string(text)])
            #expect(forbidden == .forbidden)
        }
    }

    @Test(
        "only the person, their supervisor and leadership see a person's attendance and marks",
        arguments: TestDatabase.available)
    func access(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await Self.seedNovember(t)
            let mark = try #require(
                try await AttendanceStore(database: t.app.db).marks(
                    staffID: lina, from: CalendarDay("2026-11-01")!,
                    to: CalendarDay("2026-11-30")!
                ).first)
            var seen: [String: [HTTPStatus]] = [:]
            for username in ["lina", "zhangwei", "wangjing", "zhaoguoqiang", "zhoumin", "admin"] {
                let staff = try await t.staff(username)
                let (_, plain) = try await APITokenStore(database: t.app.db).create(
                    for: try staff.requireID(), name: "walk", context: .console(now: testStart))
                var statuses: [HTTPStatus] = []
                for path in [
                    "/api/v1/attendance/people/\(lina)?month=2026-11", "/api/v1/attendance/marks/\(mark.id)",
                    "/api/v1/attendance/team?month=2026-11",
                ] {
                    statuses.append(try await AssessmentTests.call(t, .GET, path, token: plain).0)
                }
                seen[username] = statuses
            }
            #expect(seen["lina"] == [.ok, .ok, .forbidden])
            #expect(seen["zhangwei"] == [.forbidden, .forbidden, .forbidden])
            #expect(seen["wangjing"] == [.ok, .ok, .ok])
            #expect(seen["zhaoguoqiang"] == [.ok, .ok, .ok])
            #expect(seen["zhoumin"] == [.forbidden, .forbidden, .forbidden])
            #expect(seen["admin"] == [.forbidden, .forbidden, .forbidden])
            // The refusals are audited; a colleague's excuse attempt changes nothing.
            #expect(try await Self.count(t, "audit_entries", "action = 'auth.permission_denied'") >= 9)
            let before = try await Self.snapshot(t)
            let (excuse, _) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/marks/\(mark.id)/excuse", token: try await t.token(.specialist),
                ["reason": "自己免责", "version": 1])
            #expect(excuse == .forbidden)
            #expect(try await Self.snapshot(t) == before)
        }
    }

    @Test(
        "rules: out of range refused at the field, a stale version refused, nothing changed",
        arguments: TestDatabase.available)
    func rules(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let admin = try await t.token(.administrator)
            let (status, text) = try await AssessmentTests.call(t, .GET, "/api/v1/attendance/rules", token: admin)
            #expect(status == .ok, "\(text)")
            var rules = try AssessmentTests.decode(AttendanceAPIController.RulesDTO.self, text)
            rules.rules.graceMinutes = 120
            let before = try await Self.snapshot(t)
            let (bad, badText) = try await AssessmentTests.call(
                t, .PUT, "/api/v1/attendance/rules", token: admin, try Self.json(rules))
            #expect(
                bad == .unprocessableEntity
                    && AssessmentTests.fields(badText)["graceMinutes"]
                        == Self.message(t, "attendance.error.out_of_range")
            )
            rules.rules.graceMinutes = 10
            rules.version += 1
            let (stale, _) = try await AssessmentTests.call(
                t, .PUT, "/api/v1/attendance/rules", token: admin, try Self.json(rules))
            #expect(stale == .conflict)
            #expect(try await Self.snapshot(t) == before)
            rules.version -= 1
            let (saved, savedText) = try await AssessmentTests.call(
                t, .PUT, "/api/v1/attendance/rules", token: try await t.token(.supervisor), try Self.json(rules))
            #expect(saved == .ok, "\(savedText)")
            #expect(
                try AssessmentTests.decode(AttendanceAPIController.RulesDTO.self, savedText).rules.graceMinutes == 10)
        }
    }
}
