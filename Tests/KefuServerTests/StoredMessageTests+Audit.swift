import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Audit details are stored as a message key and its arguments (issue 9 §7) and read in the reader's
/// language on the audit page and the API; old details are converted by the migration.
/// Named so that `.ci/run`'s PostgreSQL filter (`StoredMessageTests`) takes it.
@Suite("Audit details read in the reader's language")
struct AuditStoredMessageTests {
    struct AuditPage: Decodable { var items: [AuditEntryDTO] }

    static func text(_ key: String, _ language: Language) throws -> String {
        try Localizer.load(from: packageRoot + "Resources/Localization").text(key, language)
    }

    /// The audit entries through the API as the supervisor reads them in `language`, by record id.
    static func entries(_ t: TestApp, query: String, in language: Language) async throws -> [String: AuditEntryDTO] {
        try await StoredMessageTests.setLanguage(t, .supervisor, language)
        let (status, body) = try await ContractTests.call(
            t, .GET, "/api/v1/audit-entries?\(query)&size=100", token: try await t.token(.supervisor))
        #expect(status == .ok, "\(body)")
        let items = try AssessmentTests.decode(AuditPage.self, body).items
        return Dictionary(items.map { ($0.recordID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The audit page's HTML as the supervisor reads it in `language`.
    static func page(_ t: TestApp, query: String, in language: Language) async throws -> String {
        try await StoredMessageTests.setLanguage(t, .supervisor, language)
        let supervisor = try await t.signIn(.supervisor)
        var html = ""
        try await t.app.testing().test(.GET, "/audit?\(query)", beforeRequest: { req in supervisor.apply(to: &req) }) {
            res async throws in
            #expect(res.status == .ok)
            html = res.body.string
        }
        return html
    }

    @Test(
        "an audit entry written by a Chinese colleague reads in English and in Chinese on the page and the API, with its key and arguments",
        arguments: TestDatabase.available)
    func entryInEitherLanguage(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            try await StoredMessageTests.setLanguage(t, .specialist, .zhHans)
            let lina = try await t.staff(.specialist)
            let context = AuditContext(
                actorStaffID: try lina.requireID(), actorName: lina.username, address: "10.0.0.8", requestID: "r-1",
                now: testStart)
            try await AuditLog.record(
                "contract.state_changed", recordType: "contract", recordID: "7", fields: ["state"],
                message: AuditMessage.stateChanged(
                    number: "HT-2026-000007", from: "draft", to: "documents_complete", in: "contract.state"),
                context: context, on: t.app.db)
            // A wrong password through the sign-in form writes its entry the same way.
            let browser = try await Browser.anonymous(t.app)
            try await t.app.testing().test(
                .POST, "/login",
                beforeRequest: { req in
                    try req.form(["username": lina.username, "password": "wrong-password-123"], browser: browser)
                }
            ) { res async throws in #expect(res.status == .unauthorized) }

            let english = try await Self.entries(t, query: "recordType=contract", in: .en)
            let chinese = try await Self.entries(t, query: "recordType=contract", in: .zhHans)
            let state = try #require(english["7"])
            #expect(state.detail == "HT-2026-000007: Draft → Documents complete")
            #expect(
                chinese["7"]?.detail
                    == "HT-2026-000007：\(try Self.text("contract.state.draft", .zhHans)) → \(try Self.text("contract.state.documents_complete", .zhHans))"
            )
            #expect(state.messageKey == "audit.detail.state_changed")
            #expect(
                state.messageArgs == [
                    "number": .value("HT-2026-000007"), "from": .term("contract.state.draft"),
                    "to": .term("contract.state.documents_complete"),
                ])
            let failed = try #require(
                try await Self.entries(t, query: "action=auth.sign_in_failed", in: .en)[lina.username])
            #expect(failed.messageKey == "audit.detail.sign_in_password" && failed.detail == "Wrong password")
            let failedInChinese = try await Self.entries(t, query: "action=auth.sign_in_failed", in: .zhHans)
            #expect(failedInChinese[lina.username]?.detail == "密码错误")

            let englishPage = try await Self.page(t, query: "action=contract.state_changed", in: .en)
            #expect(englishPage.contains("HT-2026-000007: Draft → Documents complete"))
            let chinesePage = try await Self.page(t, query: "action=contract.state_changed", in: .zhHans)
            #expect(chinesePage.contains("HT-2026-000007：\(try Self.text("contract.state.draft", .zhHans)) → "))
            #expect(!chinesePage.contains("Documents complete"))
        }
    }

    /// Entries as they stood before messages: the new columns' default key and their old text.
    static func insertOld(_ t: TestApp, _ rows: [(action: String, detail: String)]) async throws {
        for (index, row) in rows.enumerated() {
            try await t.app.db.sql().raw(
                """
                INSERT INTO audit_entries (occurred_at, actor_staff_id, actor_name, action, record_type, record_id, fields, detail, address, request_id)
                VALUES (\(bind: testStart.addingTimeInterval(Double(index))), NULL, 'zhaolei', \(bind: row.action), 'legacy',
                        \(bind: String(index)), '', \(bind: row.detail), '10.0.0.9', '-')
                """
            ).run()
        }
    }

    @Test(
        "the migration converts old details of known shapes, keeps the rest as text, and the log stays append-only",
        arguments: TestDatabase.available)
    func migratesOldDetails(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let en = { (key: String) in try Self.text(key, .en) }
            let old: [(action: String, detail: String, key: String, english: String)] = [
                (
                    "contract.state_changed", "HT-2026-000001: draft → documents_complete",
                    "audit.detail.state_changed",
                    "HT-2026-000001: \(try en("contract.state.draft")) → \(try en("contract.state.documents_complete"))"
                ),
                ("complaint.chased", "TS-2026-000003 → 招商服务部", "audit.detail.forwarded", "TS-2026-000003 → 招商服务部"),
                ("auth.sign_in_failed", "unknown", "audit.detail.sign_in_unknown", "No such username"),
                (
                    "monthly_report.issued", "YB-2026-000002 · 2026-11", "audit.detail.number_month",
                    "YB-2026-000002 · 2026-11"
                ),
                (
                    "attachment.added", "attachment 12: 营业执照.pdf (2048 bytes, sha256 0123456789abcdef)",
                    "audit.detail.attachment_added",
                    "Attachment 12: 营业执照.pdf (2048 bytes, SHA-256 0123456789abcdef)"
                ),
                (
                    "customer.imported", "3 created, 1 skipped as duplicates", "audit.detail.imported",
                    "3 created, 1 skipped as possible duplicates"
                ),
                (
                    "customer.updated", "negotiating → signed (contract signed)", "audit.detail.stage_signed",
                    "\(try en("customer.stage.negotiating")) → \(try en("customer.stage.signed")) (contract signed)"
                ),
                // An action whose writer is not converted yet, and a known action in a shape of its own.
                ("customer.reassigned", "李娜 → 张伟 · 李娜休产假", "audit.detail.text", "李娜 → 张伟 · 李娜休产假"),
                ("contract.state_changed", "一段看不懂的旧文字", "audit.detail.text", "一段看不懂的旧文字"),
            ]
            try await Self.insertOld(t, old.map { ($0.action, $0.detail) })
            try await AddAuditMessages.convertLegacyEntries(on: t.app.db)

            let read = try await Self.entries(t, query: "actor=zhaolei", in: .en)
            #expect(old.indices.map { read[String($0)]?.messageKey ?? "—" } == old.map(\.key))
            #expect(old.indices.map { read[String($0)]?.detail ?? "—" } == old.map(\.english))
            let chinese = try await Self.entries(t, query: "actor=zhaolei", in: .zhHans)
            #expect(chinese["2"]?.detail == "用户名不存在")
            #expect(chinese["7"]?.detail == "李娜 → 张伟 · 李娜休产假")
            // Converting again changes nothing: converted entries are no longer text, the others stay as they are.
            try await AddAuditMessages.convertLegacyEntries(on: t.app.db)
            let twice = try await Self.entries(t, query: "actor=zhaolei", in: .en)
            #expect(old.indices.map { twice[String($0)]?.detail ?? "—" } == old.map(\.english))

            // The triggers were dropped and created again inside the conversion: the log is still append-only.
            let sql = try t.app.db.sql()
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET detail = 'x' WHERE actor_name = 'zhaolei'").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_entries WHERE actor_name = 'zhaolei'").run()
            }
            let after = try await Self.entries(t, query: "actor=zhaolei", in: .en)
            #expect(after.count == old.count && after["7"]?.detail == "李娜 → 张伟 · 李娜休产假")
        }
    }
}
