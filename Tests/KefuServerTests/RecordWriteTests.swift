import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 9 §2: every kind that declares tracked fields changes through the one write path — a stale
/// version answers 409 with the record as it is now and changes nothing anywhere; a change writes
/// exactly one timeline entry (for a kind of a customer), one audit entry and one change row per
/// tracked field that changed. On SQLite and on PostgreSQL.
@Suite("Record writes: one version claim, change rows, timeline and audit for every kind")
struct RecordWriteTests {
    /// How a test makes a record of a kind and changes it through its API.
    struct Case: Sendable, CustomStringConvertible {
        var recordType: String
        /// A record and the customer it belongs to (nil: none).
        var make: @Sendable (TestApp) async throws -> (id: Int, customerID: Int?)
        /// The change sent through the API from `version`.
        var change: @Sendable (TestApp, _ id: Int, _ version: Int) async throws -> (HTTPStatus, String)
        /// The tracked fields the change changes.
        var changed: Set<String>
        /// A change the record's rules allow after `change`, sent on the version read before it; nil:
        /// `change` again (a kind whose rules would refuse a repeated step before its version is read).
        var later: (@Sendable (TestApp, _ id: Int, _ version: Int) async throws -> (HTTPStatus, String))? = nil
        /// The conflict answers the record as it is now (`ConflictAnswering`); settings and types
        /// the supervisor keeps answer the error alone.
        var answersCurrent = true
        /// Writes of the record that its change sets off in the same transaction (an excused attendance
        /// mark is settled again), each a version of its own.
        var followingWrites = 0
        /// The record is the only one of its kind (the working calendar): its API shape has no id.
        var isSingleton = false
        var description: String { recordType }
    }

    static func number(_ value: Int) -> JSONValue { .number(Double(value)) }

    /// One case per kind with tracked fields; `everyWritingKindHasACase` holds the list to the registry.
    static var cases: [Case] { moved + frontLineCases + partCases }

    static let moved: [Case] = [
        Case(
            recordType: ComplaintKind.recordType,
            make: { t in
                let complaint = try await ComplaintTests.file(t, token: try await t.token(.specialist))
                return (complaint.id, complaint.customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/complaints/\(id)/steps", token: try await t.token(.specialist),
                    ["step": "start", "version": number(version)])
            }, changed: ["state"],
            later: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/complaints/\(id)/steps", token: try await t.token(.specialist),
                    ["step": "wait_for_customer", "reason": "等客户补充材料", "version": number(version)])
            }),
        Case(
            recordType: FeedbackRecordKind.recordType,
            make: { t in
                let (feedback, _) = try await FeedbackTests.file(t, token: try await t.token(.specialist))
                return (feedback.id, feedback.customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/feedback/\(id)/forward", token: try await t.token(.specialist),
                    [
                        "departmentID": number(try await FeedbackTests.department(t, "legal")), "request": "请核实并答复",
                        "dueAt": "2026-12-04T17:00", "version": number(version),
                    ])
            }, changed: ["state", "department_id", "request", "due_at"]),
        Case(
            recordType: ContractKind.recordType,
            make: { t in
                let contract = try await ContractTests.draft(t, token: try await t.token(.specialist))
                return (contract.id, contract.customerID)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .POST, "/api/v1/contracts/\(id)/transitions", token: try await t.token(.specialist),
                    ["to": "cancelled", "reason": "客户改为租赁", "version": number(version)])
            }, changed: ["state", "cancel_reason"]),
        Case(
            recordType: MonthlyReportKind.recordType,
            make: { t in
                t.clock.set(MonthlyReportTests.december)
                let (_, text) = try await ContractTests.call(
                    t, .POST, "/api/v1/reports/monthly", token: try await t.token(.supervisor), ["month": "2026-11"])
                return (try #require(try MonthlyReportTests.json(text)["id"] as? Int), nil)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/reports/monthly/\(id)", token: try await t.token(.supervisor),
                    ["summary": "十一月咨询量平稳。", "problems": "物业响应慢。", "version": number(version)])
            }, changed: ["summary", "problems"]),
        Case(
            recordType: ProjectKind.recordType,
            make: { t in
                let project = try await FrontLineTests().createProject(
                    t, try await t.token(.supervisor),
                    FrontLineTests().project(
                        "P-0009", "苏州工业园 B 区", industries: ["technology"], city: "苏州", min: "100", max: "900"))
                return (project.id, nil)
            },
            change: { t, id, version in
                try await ContractTests.call(
                    t, .PATCH, "/api/v1/projects/\(id)", token: try await t.token(.supervisor),
                    ["name": "苏州工业园 C 区", "version": number(version)])
            }, changed: ["name"]),
    ]

    static func kind(_ recordType: String) throws -> any RecordKind.Type {
        try #require(RecordKinds.all.first { $0.recordType == recordType })
    }

    /// Everything a write touches: the record's columns, its change rows, the customer's timeline and
    /// the record's audit entries.
    struct Snapshot: Equatable {
        var record: [String?]
        var changes: [String]
        var timeline: Int
        var audit: Int
    }

    static func snapshot(_ t: TestApp, _ kind: any RecordKind.Type, _ id: Int, customerID: Int?) async throws
        -> Snapshot
    {
        let sql = try t.app.db.sql()
        let columns = try await t.columns(of: kind.table).sorted()
        let list = columns.map { "CAST(\($0) AS TEXT) AS \($0)" }.joined(separator: ", ")
        let row = try #require(
            try await sql.raw("SELECT \(unsafeRaw: list) FROM \(unsafeRaw: kind.table) WHERE id = \(bind: id)").first())
        let changes = try await sql.raw(
            """
            SELECT field FROM record_changes WHERE record_type = \(bind: kind.recordType) AND record_id = \(bind: id) ORDER BY id
            """
        ).all().map { try $0.decode(column: "field", as: String.self) }
        func count(_ query: SQLQueryString) async throws -> Int {
            try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return Snapshot(
            record: try columns.map { try row.decode(column: $0, as: String?.self) }, changes: changes,
            timeline: try await customerID.asyncMap {
                try await count("SELECT COUNT(*) AS n FROM timeline_entries WHERE customer_id = \(bind: $0)")
            } ?? 0,
            audit: try await count(
                """
                SELECT COUNT(*) AS n FROM audit_entries WHERE record_type = \(bind: kind.recordType) AND record_id = \(bind: String(id))
                """))
    }

    static func version(_ t: TestApp, _ kind: any RecordKind.Type, _ id: Int) async throws -> Int {
        try await t.app.db.sql().raw("SELECT version FROM \(unsafeRaw: kind.table) WHERE id = \(bind: id)").first()!
            .decode(column: "version", as: Int.self)
    }

    @Test("every kind that declares tracked fields has a case here, and each tracked field a label")
    func everyWritingKindHasACase() throws {
        let writing = Set(RecordKinds.all.filter { !$0.tracked.isEmpty }.map { $0.recordType })
        #expect(
            writing.isSubset(of: Set((Self.cases + Self.staffWorkCases).map(\.recordType))),
            "add a case for each kind that tracks fields")
        let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
        for kind in RecordKinds.all {
            for field in kind.tracked {
                let key = "record_change.field.\(kind.recordType).\(field)"
                #expect(
                    localizer.tables[.zhHans]?[key] != nil && localizer.tables[.en]?[key] != nil,
                    "no label for \(kind.recordType).\(field)")
            }
        }
    }

    @Test(
        "a change writes one timeline entry, one audit entry and a change row per tracked field; a stale version answers 409 with the current record and changes nothing",
        arguments: TestDatabase.available, Self.cases)
    func writePath(database: TestDatabase, example: Case) async throws {
        try await Self.checkWritePath(database, example)
    }

    /// Changes a record of the case's kind once and then again on the version read before, and checks
    /// what each wrote: the one test of the write path, run for every case list.
    static func checkWritePath(_ database: TestDatabase, _ example: Case) async throws {
        try await withApp(on: database) { t in
            let kind = try Self.kind(example.recordType)
            let (id, customerID) = try await example.make(t)
            let read = try await Self.version(t, kind, id)
            let before = try await Self.snapshot(t, kind, id, customerID: customerID)

            let (status, body) = try await example.change(t, id, read)
            #expect(status == .ok, "\(body)")
            let after = try await Self.snapshot(t, kind, id, customerID: customerID)
            let written = read + 1 + example.followingWrites
            #expect(try await Self.version(t, kind, id) == written)
            let rows = Array(after.changes.dropFirst(before.changes.count))
            #expect(Set(rows) == example.changed && rows.count == example.changed.count, "\(rows)")
            #expect(after.timeline == before.timeline + (customerID == nil ? 0 : 1))
            #expect(after.audit == before.audit + 1)

            // The same change again from the version read: someone changed it meanwhile.
            let (stale, answer) = try await (example.later ?? example.change)(t, id, read)
            #expect(stale == .conflict, "\(answer)")
            let json = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
            #expect((json?["error"] as? [String: Any])?["code"] as? String == "conflict")
            if example.answersCurrent {
                let current = json?["current"] as? [String: Any]
                #expect(
                    (example.isSingleton || current?["id"] as? Int == id) && current?["version"] as? Int == written,
                    "\(answer)")
            }
            #expect(try await Self.snapshot(t, kind, id, customerID: customerID) == after)
        }
    }

    @Test(
        "change rows mask personal values for a viewer who may not see contacts; anonymization clears them and keeps the rest",
        arguments: TestDatabase.available)
    func personalValues(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist), liaison = try await t.token(.liaison)
            let (feedback, _) = try await FeedbackTests.file(t, token: lina)
            let legal = try await FeedbackTests.department(t, "legal")
            var (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/forward", token: lina,
                [
                    "departmentID": Self.number(legal), "request": "请核实并答复", "dueAt": "2026-12-04T17:00",
                    "version": 1,
                ])
            #expect(status == .ok, "\(body)")
            (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/answer", token: liaison,
                ["response": "已联系陈晓东 13912345678 说明", "version": 2])
            #expect(status == .ok, "\(body)")
            func response(_ visibility: ContactVisibility) async throws -> RecordChanges.Entry? {
                try await RecordChanges.read(
                    recordType: FeedbackRecordKind.recordType, recordID: feedback.id, visibility: visibility,
                    on: t.app.db
                ).first { $0.field == "response" }
            }
            #expect(try await response(.full)?.newValue == "已联系陈晓东 13912345678 说明")
            let masked = try #require(try await response(.masked))
            #expect(masked.oldValue == nil && masked.newValue?.contains("13912345678") == false)
            #expect(masked.newValue?.contains("*") == true)
            // A state is not personal: it reads the same for everyone.
            let states = try await RecordChanges.read(
                recordType: FeedbackRecordKind.recordType, recordID: feedback.id, visibility: .masked, on: t.app.db
            ).filter { $0.field == "state" }.map { $0.newValue }
            #expect(states == ["answered", "forwarded"])

            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(feedback.customerID)/anonymize",
                beforeRequest: { req in
                    req.bearer(try await t.token(.supervisor))
                    try req.content.encode(["reason": "客户 2026-11-30 书面申请删除个人信息"])
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            #expect(try await response(.full)?.newValue == "[已匿名化]")
            #expect(try await response(.full)?.oldValue == nil)
            let kept = try await RecordChanges.read(
                recordType: FeedbackRecordKind.recordType, recordID: feedback.id, visibility: .full, on: t.app.db
            ).filter { $0.field == "request" }.map { $0.newValue }
            #expect(kept == ["请核实并答复"])
        }
    }

    @Test("a page form sent on a stale version shows what changed meanwhile and keeps what was typed")
    func conflictView() async throws {
        try await withApp { t in
            let lina = try await t.token(.specialist)
            let (feedback, _) = try await FeedbackTests.file(t, token: lina)
            let legal = try await FeedbackTests.department(t, "legal")
            let (status, body) = try await ContractTests.call(
                t, .POST, "/api/v1/feedback/\(feedback.id)/forward", token: lina,
                [
                    "departmentID": Self.number(legal), "request": "请核实并答复", "dueAt": "2026-12-04T17:00",
                    "version": 1,
                ])
            #expect(status == .ok, "\(body)")
            let before = try await Self.snapshot(
                t, FeedbackRecordKind.self, feedback.id, customerID: feedback.customerID)
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(
                .POST, "/feedback/\(feedback.id)/forward",
                beforeRequest: { req in
                    try req.form(
                        [
                            "departmentID": String(legal), "request": "请法务部再核实一次合同条款", "dueAt": "2026-12-05 17:00",
                            "version": "1",
                        ], browser: browser)
                }
            ) { res async throws in
                #expect(res.status == .conflict)
                let page = res.body.string
                #expect(page.contains("有人在您编辑期间修改了这条记录"))
                #expect(page.contains("转交要求") && page.contains("请核实并答复"), "what they changed, by label")
                #expect(page.contains("请法务部再核实一次合同条款"), "what was typed is kept")
                #expect(page.contains("name=\"version\" value=\"2\""), "sent again on the current version")
            }
            #expect(
                try await Self.snapshot(t, FeedbackRecordKind.self, feedback.id, customerID: feedback.customerID)
                    == before)
        }
    }
}
