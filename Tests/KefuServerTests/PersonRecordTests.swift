import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// A person's record (issue 15 §5, R5.3): the person, their supervisor and leadership reach it — nobody
/// else, checked on this record, page, JSON and CSV alike; its sections read what the parts recorded.
@Suite("Person's record: who reaches it, its sections, its CSV (R5.3)")
struct PersonRecordTests {
    static func status(_ t: TestApp, _ path: String, token: String) async throws -> (HTTPStatus, String) {
        try await ContractTests.call(t, .GET, path, token: token)
    }

    @Test(
        "only the person, their supervisor and leadership reach a person's record; a colleague, a liaison and the administrator are refused, audited",
        arguments: TestDatabase.available)
    func access(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.staff(.specialist).requireID()
            _ = try await ConductTests.confirmedViolation(t, staffID: lina)
            for (token, expected) in [
                (try await t.token(.specialist), HTTPStatus.ok), (try await t.token(.supervisor), .ok),
                (try await t.token(.leadership), .ok),
                (try await staffToken(t, "zhangwei"), .forbidden), (try await t.token(.liaison), .forbidden),
                (try await t.token(.administrator), .forbidden),
            ] {
                let (status, text) = try await Self.status(t, "/api/v1/people/\(lina)/record", token: token)
                #expect(status == expected, "\(text)")
            }
            #expect(
                try await t.auditEntries("auth.permission_denied").contains {
                    $0.recordType == "person_record" && $0.recordID == String(lina)
                })
            // Pages and the CSV the same way: 张伟 is refused 李娜's; 李娜 reads her own.
            let colleague = try await t.signIn("zhangwei"), own = try await t.signIn(.specialist)
            for path in ["/people/\(lina)/record", "/people/\(lina)/record.csv"] {
                try await t.app.testing().test(.GET, path, beforeRequest: { colleague.apply(to: &$0) }) {
                    res async throws in #expect(res.status == .forbidden)
                }
                try await t.app.testing().test(.GET, path, beforeRequest: { own.apply(to: &$0) }) { res async throws in
                    #expect(res.status == .ok)
                }
            }
            let (status, _) = try await Self.status(
                t, "/api/v1/people/9999/record", token: try await t.token(.leadership))
            #expect(status == .notFound)
        }
    }

    @Test(
        "the record's sections: attendance marks with their causes, violations, awards, penalties, assessments, plans; the CSV carries the same rows",
        arguments: TestDatabase.available)
    func sections(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await AttendanceTests.seedNovember(t)
            let violation = try await ConductTests.confirmedViolation(t, staffID: lina)
            let (status, text) = try await ContractTests.call(
                t, .POST, "/api/v1/penalties", token: try await t.token(.supervisor),
                [
                    "staffID": .number(Double(lina)), "kind": "bonus_deduction", "amount": 200,
                    "causeType": "violation", "causeID": .number(Double(violation)),
                    "reason": "擅离岗位，扣减奖金200元。",
                ])
            #expect(status == .created, "\(text)")
            let (_, body) = try await Self.status(
                t, "/api/v1/people/\(lina)/record", token: try await t.token(.specialist))
            let record = try AssessmentTests.decode(PersonRecordDocument.self, body)
            #expect(
                record.sections.map(\.key) == [
                    "attendance", "violations", "awards", "penalties", "assessments", "plans",
                ])
            // The attendance part's marks, newest first, each with its cause in words (the same as the attendance page).
            let attendance = record.sections[0]
            #expect(attendance.note == nil && attendance.rows.count == 7)
            #expect(
                attendance.rows.first?.first?.text == "2026-11-27"
                    && attendance.rows.first?.first?.link == "/attendance/people/\(lina)?month=2026-11")
            let fifth = try #require(attendance.rows.first { $0.first?.text == "2026-11-05" })
            #expect(fifth[1].text == "迟到" && fifth[3].text == "迟到 15 分钟（超过宽限 5 分钟），本月第 3 次，扣减" && fifth[4].text == "—")
            #expect(
                record.sections[1].rows.first?.map(\.text) == [
                    "2026-11-20 14:10", "擅离岗位", "工作时间离开座席40分钟，未报备。", "—", "已认定",
                ])
            // The cause is named by the violation's record number, as other kinds are.
            let number = try await t.app.db.sql().raw("SELECT number FROM violations WHERE id = \(bind: violation)")
                .first()?.decode(column: "number", as: String.self)
            #expect(number == "WJ-2026-000001")
            #expect(
                record.sections[3].rows.first?.map(\.text) == [
                    "2026-11-30 09:00", "扣减奖金", "¥200", "违纪记录 WJ-2026-000001", "擅离岗位，扣减奖金200元。", "已处罚",
                ])
            let browser = try await t.signIn(.supervisor)
            try await t.app.testing().test(
                .GET, "/people/\(lina)/record.csv", beforeRequest: { browser.apply(to: &$0) }
            ) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "csv")
                let csv = res.body.string
                #expect(csv.contains("擅离岗位，扣减奖金200元。") && csv.contains("李娜") && csv.contains("考勤"))
            }
            #expect(try await t.auditEntries("person_record.exported").count == 1)
        }
    }

    @Test(
        "a section that reaches its limit says only the latest are listed; one below it says nothing more; cells carry their column's name"
    )
    func sectionAtItsLimitSaysSo() async throws {
        try await withApp { t in
            let words = DisplayWords(localizer: t.app.kefu.localizer, language: .zhHans)
            let limit = try #require(PersonRecordReader.shownAtMost["attendance"])
            func document(rows: Int) -> PersonRecordDocument {
                PersonRecordDocument(
                    staffID: 1, name: "李娜", department: "客服部", role: "客服专员",
                    sections: [
                        .init(
                            key: "attendance", title: "考勤", columns: ["日期", "标记"],
                            rows: Array(repeating: [.init(text: "2026-11-03"), .init(text: "迟到")], count: rows),
                            note: nil)
                    ])
            }
            let full = PersonRecordView.sections(document(rows: limit), words: words)[0]
            #expect(full.more == "仅列出最近 \(limit) 条，更早的未列出。")
            #expect(PersonRecordView.sections(document(rows: limit - 1), words: words)[0].more == nil)
            #expect(full.rows.html.contains("<td data-label=\"日期\">2026-11-03</td>"))
        }
    }
}
