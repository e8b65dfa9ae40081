import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// What the change rows keep of an instant, a person and a department, and how the conflict view reads them
/// (issue 9 §2: one mechanism for every kind): an instant as ISO 8601 on both databases, read in the office's
/// time; a person or a department by name — never seconds since 1970 or an id on a page.
extension RecordWriteTests {
    @Test("every tracked instant, person and department column declares what it holds, and only tracked ones")
    func trackedValuesDeclared() {
        for kind in RecordKinds.all {
            for column in kind.tracked {
                let expected: TrackedValue? =
                    column.hasSuffix("_at")
                    ? .instant
                    : column.hasSuffix("staff_id") ? .staff : column.hasSuffix("department_id") ? .department : nil
                #expect(kind.trackedValues[column] == expected, "\(kind.recordType).\(column)")
            }
            #expect(Set(kind.trackedValues.keys).isSubset(of: kind.tracked), "\(kind.recordType)")
        }
    }

    @Test(
        "an instant reads back from what rows keep now and from what they kept before (SQLite's seconds, PostgreSQL's text)"
    )
    func instantsReadBack() {
        let moment = Date(timeIntervalSince1970: 1_796_799_600.25)  // 2026-12-09T07:00:00.25Z
        #expect(RecordChanges.instantText(moment) == "2026-12-09T07:00:00.250Z")
        #expect(RecordChanges.instant(from: RecordChanges.instantText(moment)) == moment)
        #expect(RecordChanges.instant(from: "1796799600.25") == moment)
        #expect(RecordChanges.instant(from: "2026-12-09 07:00:00.25+00") == moment)
        #expect(RecordChanges.instant(from: "2026-12-09 15:00:00+08") == Date(timeIntervalSince1970: 1_796_799_600))
        #expect(RecordChanges.instant(from: "客户出差") == nil)
    }

    @Test(
        "a rescheduled follow-up keeps its times as ISO 8601; a stale page form shows them in office time and people by name",
        arguments: TestDatabase.available)
    func instantsAndNamesOnTheConflictPage(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let customerID = try await Self.customer(t, "孙立", "13700003333")
            var (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/customers/\(customerID)/follow-ups", token: lina,
                ["dueAt": "2026-12-08T10:00", "channel": "phone", "purpose": "确认选址意向"])
            #expect(status == .created, "\(body)")
            let followUp = try Self.id(body)
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/follow-ups/\(followUp)/reschedule", token: lina,
                ["dueAt": "2026-12-09T15:00", "reason": "客户出差", "version": Self.number(1)])
            #expect(status == .ok, "\(body)")
            let row = try #require(
                try await RecordChanges.read(
                    recordType: FollowUpKind.recordType, recordID: followUp, visibility: .full, on: t.app.db
                ).first { $0.field == "due_at" })
            #expect(row.oldValue == "2026-12-08T02:00:00.000Z" && row.newValue == "2026-12-09T07:00:00.000Z")

            // The page's form on the version read before: a conflict that lists the change in office time.
            let browser = try await t.signIn(.specialist)
            let before = try await RecordWriteTests.snapshot(t, FollowUpKind.self, followUp, customerID: customerID)
            try await t.app.testing().test(
                .POST, "/follow-ups/\(followUp)/reschedule",
                beforeRequest: { req in
                    req.headers.cookie = browser.cookies
                    req.headers.contentType = .urlEncodedForm
                    req.body = ByteBuffer(
                        string: "_csrf=\(browser.csrf)&dueAt=2026-12-10T09%3A00&reason=%E6%94%B9%E6%9C%9F&version=1")
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                let html = res.body.string
                #expect(html.contains("2026-12-08 10:00") && html.contains("2026-12-09 15:00"), "\(html.suffix(3000))")
                #expect(!html.contains("2026-12-09T07:00:00.000Z") && !html.contains("1796"))
            }
            #expect(
                try await RecordWriteTests.snapshot(t, FollowUpKind.self, followUp, customerID: customerID) == before)

            // People and departments by name, whatever kind names them.
            let zhangwei = try await t.staff("zhangwei").requireID(), liNa = try await t.staff("lina").requireID()
            let entries = [
                RecordChanges.Entry(
                    version: 2, changedAt: Date(), actorName: "王静", field: "staff_id", oldValue: String(liNa),
                    newValue: String(zhangwei))
            ]
            let names = try await RecordConflict.names(
                of: entries, meanings: InquiryKind.trackedValues, on: t.app.db)
            #expect(names.staff == [String(liNa): "李娜", String(zhangwei): "张伟"])
        }
    }
}
