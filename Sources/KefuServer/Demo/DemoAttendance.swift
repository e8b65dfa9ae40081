import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Three months of attendance for the demo team (issue 15 §6): clock events on every working day up
/// to yesterday, with some latenesses, an early leave, a forgotten clock-out, approved leave, and a
/// leave request and a correction waiting in the supervisor's queue; the marks settled as the
/// scheduled job would.
enum DemoAttendance {
    static let team = ["wangjing", "lina", "zhangwei", "liuyang", "chenxiaomei", "yangfan"]

    static func load(_ app: Application) async throws {
        let sql = try app.db.sql()
        guard
            try await sql.raw("SELECT COUNT(*) AS n FROM clock_records").first()?.decode(column: "n", as: Int.self) == 0
        else { return }
        let calendar = try await WorkingCalendarStore(database: app.db).load()
        let now = app.kefu.clock.now
        let today = calendar.day(of: now)
        let first = AttendanceSheet.Month(today).previous.previous.first
        var found: [(id: Int, department: Int, username: String)] = []
        for username in team {
            if let person = try await DemoRows.person(username, on: sql) {
                found.append((person.id, person.departmentID, username))
            }
        }
        let people = found
        guard let supervisor = people.first(where: { $0.username == "wangjing" }) else { return }
        // Approved leave: 李娜 two days of annual leave, 刘洋 a day of sick leave, in the first month.
        let leave: [String: (LeaveKind, Int, Int)] = ["lina": (.annual, 12, 13), "liuyang": (.sick, 20, 20)]
        try await app.db.writeTransaction { tx in
            let sql = try tx.sql()
            for (index, person) in people.enumerated() {
                var day = first
                var number = 0
                while day < today {
                    defer { day = day.adding(days: 1) }
                    guard calendar.isWorkingDay(day) else { continue }
                    number += 1
                    if let (_, from, to) = leave[person.username], day.month == first.month,
                        (from...to).contains(day.day)
                    {
                        continue
                    }
                    let seed = (index * 31 + number * 17) % 41
                    // Mostly a few minutes early; now and then late (one well past the grace), rarely leaving early.
                    let arrival =
                        seed == 3
                        ? 9 * 60 + 12 : seed == 11 ? 9 * 60 + 25 : seed == 29 ? 9 * 60 + 7 : 8 * 60 + 35 + seed % 24
                    let departure = seed == 7 ? 17 * 60 + 40 : 18 * 60 + 2 + seed % 30
                    var punches = [(arrival, "in")]
                    if seed != 19 { punches.append((departure, "out")) }
                    for (minutes, direction) in punches {
                        let at = calendar.instant(day, DayTime(minutes: minutes)!).addingTimeInterval(
                            Double((seed * 7) % 60))
                        try await sql.raw(
                            """
                            INSERT INTO clock_records (staff_id, at, direction, source, address, network, created_by_staff_id, version, created_at, updated_at)
                            VALUES (\(bind: person.id), \(bind: at), \(bind: direction), 'app', '上海市浦东新区张江路100号 客服部', '10.20.1.\(unsafeRaw: String(20 + index))',
                                    \(bind: person.id), 1, \(bind: at), \(bind: at))
                            """
                        ).run()
                    }
                }
                if let (kind, from, to) = leave[person.username] {
                    let start = CalendarDay(year: first.year, month: first.month, day: from)!,
                        end = CalendarDay(year: first.year, month: first.month, day: to)!
                    try await sql.raw(
                        """
                        INSERT INTO leave_requests (staff_id, department_id, kind, start_day, end_day, reason, status, decided_by_staff_id, decided_at, version, created_at, updated_at)
                        VALUES (\(bind: person.id), \(bind: person.department), \(bind: kind.rawValue), \(bind: start.description), \(bind: end.description),
                                \(bind: kind == .annual ? "回老家探亲" : "发烧就医，有病历"), 'approved', \(bind: supervisor.id), \(bind: now), 2, \(bind: now), \(bind: now))
                        """
                    ).run()
                }
            }
            // Waiting for the supervisor: 张伟's half a day of personal leave next week and 杨帆's forgotten clock-out yesterday.
            if let zhangwei = people.first(where: { $0.username == "zhangwei" }),
                let yangfan = people.first(where: { $0.username == "yangfan" })
            {
                try await sql.raw(
                    """
                    INSERT INTO leave_requests (staff_id, department_id, kind, start_day, end_day, part, reason, status, version, created_at, updated_at)
                    VALUES (\(bind: zhangwei.id), \(bind: zhangwei.department), 'personal', \(bind: today.adding(days: 7).description),
                            \(bind: today.adding(days: 7).description), 'morning', '孩子学校家长会（上午）', 'pending', 1, \(bind: now), \(bind: now))
                    """
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO clock_corrections (staff_id, department_id, day, time, direction, reason, status, version, created_at, updated_at)
                    VALUES (\(bind: yangfan.id), \(bind: yangfan.department), \(bind: today.adding(days: -1).description), '18:05', 'out',
                            '陪客户看厂房后直接回家，忘记打下班卡', 'pending', 1, \(bind: now), \(bind: now))
                    """
                ).run()
            }
            let context = AuditContext(
                actorStaffID: nil, actorName: "demo", address: "demo", requestID: "demo", now: now)
            let store = AttendanceStore(database: tx)
            for person in people {
                var month = AttendanceSheet.Month(first)
                while month.first <= today {
                    try await store.settle(
                        staffID: person.id, year: month.year, month: month.month, calendar: calendar, context: context,
                        on: tx)
                    month = month.next
                }
            }
        }
    }
}
