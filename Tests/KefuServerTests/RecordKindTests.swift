import AsyncKit
import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import SQLiteNIO
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Issue 9: what every kind declares is true of its table, no table that belongs to a customer is
/// left out of the declarations, and the mechanisms built on them (merge, anonymization, numbering)
/// cover every kind — on SQLite and on PostgreSQL.
@Suite("Record kinds: declared once, true of the tables, followed by merge, anonymization and numbering")
struct RecordKindTests {
    /// A file with one record of every kind that belongs to a customer, with personal text in each.
    /// A new kind belongs here too; `everyKindHasARecord` says which is missing.
    static func fileWithOneOfEach(_ t: TestApp, token: String, name: String, mobile: String) async throws -> Int {
        let customer = try await createCustomer(
            t, token: token, ["name": name, "companyName": "\(name)的科技有限公司", "mobile": mobile, "city": "上海"])
        try await PrivacyTests().communicate(t, token, customer.id, "\(name)说下周来看厂房")
        try await t.app.testing().test(
            .POST, "/api/v1/inquiries",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    InquiryInput(
                        customerID: customer.id, channel: "phone", question: "\(name)问 \(mobile) 能否回电", answer: "已回电"))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        let supervisor = try await t.token(.supervisor)
        let project = try await FrontLineTests().createProject(
            t, supervisor,
            FrontLineTests().project(
                "P-\(mobile.suffix(4))", "苏州工业园 \(mobile.suffix(4))", industries: ["technology"], city: "苏州",
                min: "100", max: "900"))
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(customer.id)/recommendations",
            beforeRequest: { req in
                req.bearer(token);
                try req.content.encode(
                    RecommendationStore.Input(projectID: project.id, presentation: "phone", material: "给\(name)的园区手册"))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        _ = try await FollowUpStore(database: t.app.db).plan(
            .init(dueAt: "2026-12-07T10:00", channel: "phone", purpose: "给\(name)回电"),
            customerID: customer.id, context: .console(now: testStart), timeZone: DisplayFormat.timeZone)
        try await PrivacyTests().consent(t, token, customer.id, .shareFinancing, .granted)
        try await t.app.testing().test(
            .POST, "/api/v1/customers/\(customer.id)/sharing-requests",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    SharingRequestDTO(
                        recipient: "浦发银行张江科技支行", purpose: "share_financing", fields: ["name", "mobile"],
                        note: "\(name)的融资对接"))
            }
        ) { res async throws in #expect(res.status == .created, "\(res.body.string)") }
        try await CustomerChangeModel(
            customerID: customer.id, change: FieldChange(field: "mobile", oldValue: "", newValue: mobile), version: nil,
            context: .console(now: testStart)
        ).create(on: t.app.db)
        try await contractRecords(t, token: token, customerID: customer.id, name: name, mobile: mobile)
        try await ComplaintTests.records(t, token: token, customerID: customer.id, name: name)
        try await ReturnVisitTests.records(t, token: token, customerID: customer.id, name: name)
        return customer.id
    }

    /// A contract with a question the customer asked, an obligation and a reminder given about it.
    static func contractRecords(_ t: TestApp, token: String, customerID: Int, name: String, mobile: String) async throws
    {
        var contractID = 0
        try await t.app.testing().test(
            .POST, "/api/v1/contracts",
            beforeRequest: { req in
                req.bearer(token)
                try req.content.encode(
                    ContractWorkflow.CreateInput(
                        customerID: customerID, type: "lease", title: "\(name)的厂房租赁合同", amountWan: "120",
                        parties: "乙方：\(name)，电话 \(mobile)"))
            }
        ) { res async throws in
            #expect(res.status == .created, "\(res.body.string)")
            contractID = try res.content.decode(ContractDTO.self).id
        }
        try await ContractTests.markAll(t, try await ContractTests.contract(t, contractID, token: token), token: token)
        let version = try await ContractTests.contract(t, contractID, token: token).version
        #expect(
            try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contractID)/transitions", token: token,
                ["to": "documents_complete", "version": .number(Double(version))]
            ).0 == .ok)
        #expect(
            try await ContractTests.call(
                t, .POST, "/api/v1/contracts/\(contractID)/questions", token: token,
                ["question": .string("\(name)问押金能否分期"), "answer": "可以分两期"]
            ).0 == .created)
        try await ObligationTests.addObligation(
            t, contractID: contractID, token: token, title: "\(name)支付押金", notice: "已微信提醒\(name)按期付款")
        try await ProcedureTests.start(t, customerID: customerID, token: token)
    }

    static func count(_ t: TestApp, _ kind: any RecordKind.Type, customerID: Int) async throws -> Int {
        guard let column = kind.customerColumn else { return 0 }
        return try await t.app.db.sql().raw(
            """
            SELECT COUNT(*) AS n FROM \(unsafeRaw: kind.table) WHERE \(unsafeRaw: column) = \(bind: customerID)
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    @Test(
        "every table with a customer_id column belongs to a declared kind, and every declared column exists",
        arguments: TestDatabase.available)
    func declarationsMatchTables(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let declared = Set(
                RecordKinds.ownedByCustomers.compactMap { $0.customerColumn == "customer_id" ? $0.table : nil })
            let found = try await t.tables(withColumn: "customer_id")
            #expect(
                found.subtracting(declared).isEmpty,
                "tables with customer_id that no kind declares: \(found.subtracting(declared).sorted())")
            for kind in RecordKinds.ownedByCustomers + RecordKinds.all {
                let columns = try await t.columns(of: kind.table)
                #expect(columns.contains("id"), "\(kind.table)")
                if let column = kind.customerColumn { #expect(columns.contains(column), "\(kind.table).\(column)") }
                for personal in kind.personal {
                    #expect(columns.contains(personal.column), "\(kind.table).\(personal.column)")
                }
            }
            #expect(
                Set(RecordKinds.all.map { $0.recordType }).count == RecordKinds.all.count, "record types are unique")
        }
    }

    @Test(
        "every kind's table has id and the column of when a record was made; every kind that is edited has version and updated_at, and one written once is never on the write path",
        arguments: TestDatabase.available)
    func tableShapes(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            for kind in RecordKinds.all {
                let columns = try await t.columns(of: kind.table)
                #expect(columns.contains("id"), "\(kind.table).id")
                #expect(columns.contains(kind.createdColumn), "\(kind.table).\(kind.createdColumn)")
                if kind.isAppendOnly {
                    #expect(kind.tracked.isEmpty, "\(kind.recordType) is written once: it tracks no changes")
                } else {
                    #expect(columns.contains("version"), "\(kind.table).version")
                    #expect(columns.contains("updated_at"), "\(kind.table).updated_at")
                }
                for column in kind.tracked + kind.personal.map(\.column) {
                    #expect(columns.contains(column), "\(kind.table).\(column)")
                }
            }
        }
    }

    @Test(
        "a merge moves one record of every kind that belongs to a customer — inquiries included",
        arguments: TestDatabase.available)
    func mergeMovesEveryKind(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let survivor = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let duplicate = try await Self.fileWithOneOfEach(t, token: lina, name: "张伟", mobile: "13912345678")
            for kind in RecordKinds.ownedByCustomers where kind.customerColumn != nil && kind.customerColumn != "id" {
                #expect(
                    try await Self.count(t, kind, customerID: duplicate) > 0,
                    "the test makes no \(kind.recordType): add one to fileWithOneOfEach")
            }
            let supervisor = try await t.token(.supervisor)
            let survivorVersion = try #require(try await CustomerModel.find(survivor.id, on: t.app.db)).version
            let duplicateVersion = try #require(try await CustomerModel.find(duplicate, on: t.app.db)).version
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(survivor.id)/merge",
                beforeRequest: { req in
                    req.bearer(supervisor)
                    try req.content.encode(
                        PrivacyAPIController.MergeRequest(
                            duplicateID: duplicate, version: survivorVersion, duplicateVersion: duplicateVersion,
                            reason: "同一客户的两份档案"))
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            for kind in RecordKinds.ownedByCustomers where kind.customerColumn != nil && kind.customerColumn != "id" {
                #expect(
                    try await Self.count(t, kind, customerID: duplicate) == 0,
                    "\(kind.recordType) left on the merged file")
                #expect(
                    try await Self.count(t, kind, customerID: survivor.id) > 0, "\(kind.recordType) not on the survivor"
                )
            }
        }
    }

    @Test(
        "anonymization clears every personal column of every kind, as each declares", arguments: TestDatabase.available)
    func anonymizationClearsEveryKind(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.token(.specialist)
            let customer = try await Self.fileWithOneOfEach(t, token: lina, name: "王秀英", mobile: "13712345678")
            // A second file keeps its data: the clearing is for one customer only.
            let other = try await Self.fileWithOneOfEach(t, token: lina, name: "李强", mobile: "13612340001")
            let supervisor = try await t.token(.supervisor)
            try await t.app.testing().test(
                .POST, "/api/v1/customers/\(customer)/anonymize",
                beforeRequest: { req in
                    req.bearer(supervisor); try req.content.encode(["reason": "客户 2026-11-30 书面申请删除个人信息"])
                }
            ) { res async throws in #expect(res.status == .ok, "\(res.body.string)") }
            let sql = try t.app.db.sql()
            for kind in RecordKinds.ownedByCustomers {
                guard let column = kind.customerColumn else { continue }
                for personal in kind.personal {
                    let rows = try await sql.raw(
                        """
                        SELECT \(unsafeRaw: personal.column) AS v FROM \(unsafeRaw: kind.table) WHERE \(unsafeRaw: column) = \(bind: customer)
                        """
                    ).all()
                    #expect(!rows.isEmpty, "no \(kind.table) row to check")
                    for row in rows {
                        let value = try row.decode(column: "v", as: String?.self)
                        let cleared =
                            switch personal.clearing {
                            case .null: value == nil
                            case .empty: value == ""
                            case .stars: value == "***"
                            case .marker:
                                value == "[已匿名化]"
                                    // The anonymization's own entry, written after: the file's code and nothing quoted.
                                    || (kind.table == TimelineEntryKind.table
                                        && (value == "" || value?.hasPrefix(#"{"code":"KH-"#) == true))
                            case .markerIfPresent: value == nil || value == "[已匿名化]"
                            }
                        #expect(cleared, "\(kind.table).\(personal.column) = \(value ?? "NULL")")
                        #expect(
                            value.map { !$0.contains("王秀英") && !$0.contains("13712345678") } ?? true,
                            "\(kind.table).\(personal.column)")
                    }
                }
            }
            let kept = try await sql.raw("SELECT summary FROM communication_records WHERE customer_id = \(bind: other)")
                .first()?.decode(column: "summary", as: String.self)
            #expect(kept == "李强说下周来看厂房")
        }
    }

    @Test(
        "numbers stay unique and gapless under 50 concurrent creates, per prefix and year",
        arguments: TestDatabase.available)
    func concurrentNumbers(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let numbering = Numbering.yearly(prefix: "HT")
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        // A connection not had within the pool's wait started no transaction and took no
                        // number (a loaded test machine); the creator tries again, as a client would on 503.
                        for _ in 0..<4 {
                            do {
                                return try await t.app.db.transaction { tx in
                                    try await RecordNumbers.next(numbering, at: testStart, on: tx)
                                }
                            } catch is ConnectionPoolTimeoutError { continue } catch let error as SQLiteError
                                where error.reason == .busy
                            { continue }
                        }
                        return try await t.app.db.transaction { tx in
                            try await RecordNumbers.next(numbering, at: testStart, on: tx)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(numbers).count == 50)
            #expect(Set(numbers) == Set((1...50).map { numbering.format(year: 2026, value: $0) }))
            // Another prefix counts on its own; the customers' and inquiries' numbers come from the same table.
            #expect(
                try await RecordNumbers.next(.yearly(prefix: "TS"), at: testStart, on: t.app.db) == "TS-2026-000001")
            let lina = try await t.token(.specialist)
            let customer = try await createCustomer(
                t, token: lina, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            #expect(customer.code == "KH-2026-000001")
            #expect(
                try await RecordNumbers.next(CustomerFileKind.numbering!, at: testStart, on: t.app.db)
                    == "KH-2026-000002")
        }
    }
}
