import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// The writers converted after `AddAuditMessages` store keys and arguments that read in either
/// language, and `ConvertMoreAuditDetails` converts their old rows with the log kept append-only
/// (issue 9 §7). Named so that `.ci/run`'s PostgreSQL filter (`StoredMessageTests`) takes it.
@Suite("Audit details of training, attendance, customers and privacy read in the reader's language")
struct AuditWritersStoredMessageTests {
    typealias Entries = [String: AuditEntryDTO]

    /// The entries of `action` in both languages, after checking that none shows a key or a placeholder.
    static func read(_ t: TestApp, _ action: String) async throws -> (en: Entries, zh: Entries) {
        let en = try await AuditStoredMessageTests.entries(t, query: "action=\(action)", in: .en)
        let zh = try await AuditStoredMessageTests.entries(t, query: "action=\(action)", in: .zhHans)
        for entry in Array(en.values) + Array(zh.values) {
            #expect(!entry.detail.contains("audit.detail") && !entry.detail.contains("{"), "\(action): \(entry.detail)")
        }
        return (en, zh)
    }

    static func text(_ key: String, _ language: Language) throws -> String {
        try AuditStoredMessageTests.text(key, language)
    }

    @Test(
        "a training plan, a leave request, a customer created despite a duplicate and a consent are audited as keys and arguments",
        arguments: TestDatabase.available)
    func writers(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let supervisor = try await t.token(.supervisor), lina = try await t.token(.specialist)
            let (planStatus, planText) = try await TrainingTests.call(
                t, .POST, "/api/v1/training/plans", token: supervisor, TrainingTests.planBody)
            #expect(planStatus == .created, "\(planText)")
            let plan = try #require(try await Self.read(t, "training_plan.created").en.values.first)
            #expect(plan.messageKey == "audit.detail.training_plan")
            #expect(plan.messageArgs["title"] == .value("2026 年度客服培训计划"))
            #expect(plan.messageArgs["year"] == .value("2026"))
            #expect(plan.detail.hasPrefix("2026 2026 年度客服培训计划: ") && plan.detail.contains("budget 10000 yuan"))

            let (leaveStatus, leaveText) = try await AssessmentTests.call(
                t, .POST, "/api/v1/attendance/leave-requests", token: lina,
                ["kind": "sick", "startDay": "2026-11-26", "endDay": "2026-11-27", "reason": "发烧，有病历"])
            #expect(leaveStatus == .created, "\(leaveText)")
            let leave = try await Self.read(t, "attendance.leave_requested")
            let leaveEntry = try #require(leave.en.values.first)
            #expect(leaveEntry.messageKey == "audit.detail.leave_requested")
            #expect(
                leaveEntry.messageArgs == [
                    "kind": .term("attendance.leave.sick"), "start": .value("2026-11-26"), "end": .value("2026-11-27"),
                    "part": .term("attendance.leave_part.whole"),
                ])
            #expect(leaveEntry.detail.hasPrefix("\(try Self.text("attendance.leave.sick", .en)) 2026-11-26–2026-11-27"))
            #expect(
                leave.zh.values.first?.detail.hasPrefix("\(try Self.text("attendance.leave.sick", .zhHans)) 2026-11-26")
                    == true)
            #expect(leave.zh.values.first?.detail.contains("发烧") == false, "the reason is not in the detail")

            let first = try await createCustomer(
                t, token: lina, ["name": "张先生", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let again = try await createCustomer(
                t, token: lina, ["name": "张先生", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"],
                duplicateReason: "同一公司的另一位联系人")
            let customers = try await Self.read(t, "customer.created")
            #expect(customers.en["\(first.id)"]?.messageKey == "audit.detail.number")
            #expect(customers.en["\(first.id)"]?.detail == first.code)
            let duplicate = try #require(customers.en["\(again.id)"])
            #expect(duplicate.messageKey == "audit.detail.created_duplicate")
            #expect(duplicate.messageArgs["duplicates"] == .value(first.code))
            #expect(duplicate.detail == "Created despite possible duplicates \(first.code): 同一公司的另一位联系人")
            #expect(customers.zh["\(again.id)"]?.detail == "与 \(first.code) 疑似重复，仍新建：同一公司的另一位联系人")

            try await PrivacyTests().consent(t, lina, first.id, .marketing, .granted)
            let consent = try await Self.read(t, "consent.recorded")
            let consentEntry = try #require(consent.en.values.first)
            #expect(consentEntry.messageKey == "audit.detail.consent")
            #expect(
                consentEntry.messageArgs == [
                    "customer": .value("\(first.id)"), "purpose": .term("consent.purpose.marketing"),
                    "status": .term("consent.status.granted"),
                ])
            #expect(
                consent.zh.values.first?.detail
                    == "客户 \(first.id)：\(try Self.text("consent.purpose.marketing", .zhHans))，\(try Self.text("consent.status.granted", .zhHans))"
            )
            #expect(
                consentEntry.detail
                    == "Customer \(first.id): \(try Self.text("consent.purpose.marketing", .en)), \(try Self.text("consent.status.granted", .en))"
            )
        }
    }

    @Test(
        "the new migration converts old details of the later writers, keeps the rest as text, and the log stays append-only",
        arguments: TestDatabase.available)
    func migratesOldDetails(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let old: [(action: String, detail: String, key: String)] = [
                ("training_session.held", "政策答复规范: 2026-11-10", "audit.detail.title_date"),
                ("attendance.leave_requested", "sick 2026-11-26–2026-11-27 whole", "audit.detail.leave_requested"),
                ("customer.reassigned", "李娜 → 张伟 · 李娜休产假", "audit.detail.reassigned_reason"),
                ("consent.recorded", "customer 5: marketing granted", "audit.detail.consent"),
                ("customer.contact_revealed", "回拨客户", "audit.detail.text"),
                ("consent.recorded", "一段看不懂的旧文字", "audit.detail.text"),
                // Converted by AddAuditMessages before; this migration leaves its actions alone.
                ("contract.state_changed", "HT-2026-000001: draft → signed", "audit.detail.text"),
            ]
            try await AuditStoredMessageTests.insertOld(t, old.map { ($0.action, $0.detail) })
            try await ConvertMoreAuditDetails().prepare(on: t.app.db)

            let english = try await AuditStoredMessageTests.entries(t, query: "actor=zhaolei", in: .en)
            #expect(old.indices.map { english[String($0)]?.messageKey ?? "—" } == old.map(\.key))
            #expect(english["2"]?.detail == "李娜 → 张伟, reason: 李娜休产假")
            #expect(english["4"]?.detail == "回拨客户" && english["5"]?.detail == "一段看不懂的旧文字")
            let chinese = try await AuditStoredMessageTests.entries(t, query: "actor=zhaolei", in: .zhHans)
            #expect(chinese["2"]?.detail == "李娜 → 张伟，原因：李娜休产假")
            #expect(chinese["0"]?.detail == "政策答复规范：2026-11-10")
            #expect(chinese.values.allSatisfy { !$0.detail.contains("audit.detail") && !$0.detail.contains("{") })
            // The reason that was part of the text is now the entry's quoted text.
            let reassigned = try await t.auditEntries("customer.reassigned")
            #expect(reassigned.first?.detail == "李娜休产假")

            // Running it again changes nothing.
            try await ConvertMoreAuditDetails().prepare(on: t.app.db)
            let twice = try await AuditStoredMessageTests.entries(t, query: "actor=zhaolei", in: .en)
            #expect(old.indices.map { twice[String($0)]?.detail } == old.indices.map { english[String($0)]?.detail })

            let sql = try t.app.db.sql()
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET detail = 'x' WHERE actor_name = 'zhaolei'").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_entries WHERE actor_name = 'zhaolei'").run()
            }
            let after = try await AuditStoredMessageTests.entries(t, query: "actor=zhaolei", in: .en)
            #expect(after.count == old.count && after["4"]?.detail == "回拨客户")
        }
    }
}
