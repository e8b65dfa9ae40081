import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The reminder scan reads only what still has a reminder to give (the marks on follow-ups and
/// inquiries): the reminders given over a day must be the very ones the rules give when every open
/// follow-up is read at every scan, as the scan did before the marks — none lost, none twice.
@Suite("Reminder marks: an incremental scan gives what the full scan gave")
struct ReminderMarkTests {
    /// What the full scan gave: the rules over every open follow-up planned in the last 30 days, one
    /// notification per person and key.
    static func expected(_ t: TestApp, now: Date, into given: inout Set<String>) async throws {
        struct Row: Decodable { var id: Int, staff_id: Int?, due_at: Date }
        let rows = try await t.app.db.sql().raw(
            """
            SELECT id, staff_id, due_at FROM follow_ups WHERE completed_at IS NULL AND due_at > \(bind: now.addingTimeInterval(-30 * 86400))
            """
        ).all(decoding: Row.self)
        let reminders = ReminderRules.followUps(
            rows.map {
                ReminderCandidate(recordType: "follow_up", recordID: $0.id, staffID: $0.staff_id, dueAt: $0.due_at)
            },
            now: now, timeZone: DisplayFormat.timeZone)
        for reminder in reminders { given.insert("\(reminder.staffID ?? 0):\(reminder.dedupeKey)") }
    }

    static func given(_ t: TestApp) async throws -> [String] {
        try await t.app.db.sql().raw(
            "SELECT staff_id, dedupe_key FROM notifications WHERE event LIKE 'follow_up.%' ORDER BY id"
        ).all().map {
            "\(try $0.decode(column: "staff_id", as: Int.self)):\(try $0.decode(column: "dedupe_key", as: String.self))"
        }
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    @Test(
        "follow-ups planned, rescheduled, reassigned and completed over two days: the same reminders as the full scan, each once, and a scan with nothing new reads no follow-up",
        arguments: TestDatabase.available)
    func sameRemindersAsTheFullScan(on database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let zhangwei = try await t.staff("zhangwei").requireID()
            let store = FollowUpStore(database: t.app.db)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let other = try await createCustomer(
                t, token: lina, ["name": "王芳", "companyName": "杭州云帆贸易有限公司", "mobile": "13912345678"])
            let context = AuditContext.console(now: testStart)
            // testStart is 09:00 in Shanghai: a follow-up later today is due at once, tomorrow's from 09:00 tomorrow.
            let soon = try await store.plan(
                .init(dueAt: Self.iso(testStart.addingTimeInterval(600)), channel: "phone", purpose: "确认考察时间"),
                customerID: customer.id, context: context, timeZone: DisplayFormat.timeZone)
            _ = try await store.plan(
                .init(
                    dueAt: Self.iso(testStart.addingTimeInterval(86400 + 3600)), channel: "wechat", purpose: "发送租金方案"),
                customerID: customer.id, context: context, timeZone: DisplayFormat.timeZone)
            let completed = try await store.plan(
                .init(dueAt: Self.iso(testStart.addingTimeInterval(1800)), channel: "phone", purpose: "回访"),
                customerID: other.id, context: context, timeZone: DisplayFormat.timeZone)
            _ = try await store.plan(
                .init(dueAt: Self.iso(testStart.addingTimeInterval(3 * 86400)), channel: "phone", purpose: "月底回访"),
                customerID: other.id, context: context, timeZone: DisplayFormat.timeZone)
            var expected = Set<String>()
            let reminders = Reminders(app: t.app)
            func scan(_ offset: TimeInterval, _ change: (() async throws -> Void)? = nil) async throws -> [Reminders
                .Message]
            {
                let now = testStart.addingTimeInterval(offset)
                try await change?()
                try await Self.expected(t, now: now, into: &expected)
                return try await reminders.scan(now: now).filter { $0.reminder.recordType == "follow_up" }
            }
            #expect(try await scan(0).map(\.reminder.event) == [.followUpDue, .followUpDue])
            #expect(try await scan(60).isEmpty, "nothing new: nothing given")
            #expect(
                try await scan(601).map { [$0.reminder.event.rawValue, String($0.reminder.recordID)] } == [
                    ["follow_up.overdue", String(soon)]
                ])
            #expect(try await scan(700).isEmpty)
            // Completed before its time: no overdue reminder.
            _ = try await store.complete(
                completed, .init(outcome: "已电话沟通，客户确认下周考察", next: nil),
                context: .console(now: testStart.addingTimeInterval(900)), timeZone: DisplayFormat.timeZone)
            #expect(try await scan(1801).isEmpty)
            // Moved later: reminded again for the new time, due now and overdue after it.
            try await store.reschedule(
                soon, .init(dueAt: Self.iso(testStart.addingTimeInterval(7200)), reason: "客户改约下午"),
                context: .console(now: testStart.addingTimeInterval(1900)), timeZone: DisplayFormat.timeZone)
            #expect(try await scan(1960).map(\.reminder.event) == [.followUpDue])
            #expect(try await scan(2020).isEmpty)
            #expect(try await scan(7201).map(\.reminder.event) == [.followUpOverdue])
            // Before 09:00 the next day nothing; from 09:00 tomorrow's follow-up.
            #expect(try await scan(86400 - 60).isEmpty)
            #expect(try await scan(86400).map(\.reminder.event) == [.followUpDue])
            // The customer goes to another specialist: what is open is reminded to the new one, once.
            _ = try await CustomerStore(database: t.app.db).reassign(
                [customer.id], to: zhangwei, reason: "调整分工",
                context: .console(now: testStart.addingTimeInterval(86400 + 60)))
            let afterReassign = try await scan(86400 + 120)
            #expect(
                afterReassign.map(\.reminder.event).sorted { $0.rawValue < $1.rawValue } == [
                    .followUpDue, .followUpOverdue,
                ])
            #expect(afterReassign.allSatisfy { $0.recipients == [zhangwei] })
            #expect(try await scan(86400 + 180).isEmpty)

            let given = try await Self.given(t)
            #expect(given.count == Set(given).count, "each reminder once per person")
            #expect(Set(given) == expected, "the reminders the full scan gave")
            // Everything given is marked: the scan's queries find no follow-up at all.
            let sql = try t.app.db.sql()
            let unmarked = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM follow_ups WHERE completed_at IS NULL AND overdue_reminded_at IS NULL
                  AND due_at < \(bind: testStart.addingTimeInterval(86400 + 180))
                """
            ).first()?.decode(column: "n", as: Int.self)
            #expect(unmarked == 0)
        }
    }

    @Test(
        "promised replies and waiting web inquiries are marked once reminded, and a scan with nothing new reads none of them",
        arguments: TestDatabase.available)
    func inquiriesMarked(on database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            try await t.app.testing().test(
                .POST, "/api/v1/inquiries",
                beforeRequest: { req in
                    req.bearer(lina)
                    try req.content.encode(
                        InquiryInput(
                            customerID: customer.id, channel: "phone", question: "电费怎么算？", answeredOnTheSpot: false,
                            promisedBy: Self.iso(testStart.addingTimeInterval(3 * 3600))))
                }
            ) { res async throws in #expect(res.status == .created) }
            let reminders = Reminders(app: t.app)
            #expect(
                try await reminders.scan(now: testStart.addingTimeInterval(3600)).map(\.reminder.event) == [
                    .promisedReplyDueSoon
                ])
            #expect(try await reminders.scan(now: testStart.addingTimeInterval(3660)).isEmpty)
            #expect(
                try await reminders.scan(now: testStart.addingTimeInterval(3 * 3600 + 1)).map(\.reminder.event) == [
                    .promisedReplyOverdue
                ])
            #expect(try await reminders.scan(now: testStart.addingTimeInterval(3 * 3600 + 60)).isEmpty)
            let marks = try await t.app.db.sql().raw("SELECT due_soon_reminded_at, overdue_reminded_at FROM inquiries")
                .first()
            #expect(
                try marks?.decode(column: "due_soon_reminded_at", as: Date?.self) == testStart.addingTimeInterval(3600))
            #expect(
                try marks?.decode(column: "overdue_reminded_at", as: Date?.self)
                    == testStart.addingTimeInterval(3 * 3600 + 1))
            let linaID = try await t.staff("lina").requireID()
            #expect(try await NotificationStore(database: t.app.db).unreadCount(staffID: linaID) == 2)
        }
    }
}
