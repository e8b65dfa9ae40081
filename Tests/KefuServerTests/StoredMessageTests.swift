import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

/// Timeline entries and notifications store a message key and its arguments and are put in words
/// when read (issue 9 §7): what a Chinese colleague wrote reads in English for an English one.
@Suite("Stored messages read in the reader's language")
struct StoredMessageTests {
    struct TimelinePage: Decodable { var items: [CustomersAPIController.TimelineEntryDTO] }

    static func setLanguage(_ t: TestApp, _ role: Role, _ language: Language) async throws {
        try await t.app.db.sql().raw(
            "UPDATE staff SET language = \(bind: language.rawValue) WHERE username = \(bind: TestApp.usernames[role]!)"
        ).run()
    }

    /// The customer's timeline through the API as `role` reads it in `language`, oldest first.
    static func timeline(
        _ t: TestApp, customer: Int, as role: Role, in language: Language
    ) async throws -> [CustomersAPIController.TimelineEntryDTO] {
        try await setLanguage(t, role, language)
        let (status, text) = try await ContractTests.call(
            t, .GET, "/api/v1/customers/\(customer)/timeline?size=100", token: try await t.token(role))
        #expect(status == .ok, "\(text)")
        return try AssessmentTests.decode(TimelinePage.self, text).items.reversed()
    }

    @Test(
        "a timeline entry written by a Chinese colleague reads in English, and in Chinese again, with its key and arguments",
        arguments: TestDatabase.available)
    func timelineInEitherLanguage(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let token = try await t.token(.specialist)
            _ = try await createCustomer(
                t, token: token, ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"])
            let again = try await createCustomer(
                t, token: token, ["name": "张先生", "companyName": "上海浦江科技有限公司", "mobile": "13812345678"],
                duplicateReason: "同一公司的另一位联系人")
            let english = try #require(
                try await Self.timeline(t, customer: again.id, as: .specialist, in: .en).first { $0.kind == "created" })
            let chinese = try #require(
                try await Self.timeline(t, customer: again.id, as: .specialist, in: .zhHans).first {
                    $0.kind == "created"
                })
            #expect(english.summary == "KH-2026-000002 · possible duplicate of KH-2026-000001 · 同一公司的另一位联系人")
            #expect(chinese.summary == "KH-2026-000002 · 疑似重复：KH-2026-000001 · 同一公司的另一位联系人")
            #expect(
                english.messageKey == "timeline.message.created_duplicate" && chinese.messageKey == english.messageKey)
            #expect(
                english.messageArgs == [
                    "code": .value("KH-2026-000002"), "duplicates": .value("KH-2026-000001"),
                    "text": .value("同一公司的另一位联系人"),
                ])
        }
    }

    @Test(
        "the migration converts old entries of known shapes to keys and keeps text of no known shape as it was",
        arguments: TestDatabase.available)
    func migratesOldEntries(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
            let en = { (key: String) in localizer.text(key, .en) }
            let lina = try await t.staff(.specialist)
            let customer = try await createCustomer(
                t, token: try await t.token(.specialist),
                ["name": "张伟", "companyName": "上海浦江科技有限公司", "mobile": "13912345678"])
            let old: [(kind: String, summary: String, key: String, english: String)] = [
                (
                    "created", "KH-2026-000009 · 疑似重复: KH-2026-000001 · 同一家公司", "timeline.message.created_duplicate",
                    "KH-2026-000009 · possible duplicate of KH-2026-000001 · 同一家公司"
                ),
                (
                    "inquiry", "ZX-2026-000003 · 网页咨询 · 想了解厂房租金", "timeline.message.inquiry_channel",
                    "ZX-2026-000003 · \(en("inquiry.channel.web_form")) · 想了解厂房租金"
                ),
                (
                    "inquiry", "ZX-2026-000004 · 厂房 · 承诺 2026-11-30 18:00 前答复", "timeline.message.inquiry_promised",
                    "ZX-2026-000004 · 厂房 · reply promised by 2026-11-30 18:00"
                ),
                (
                    "reaction", "interested: 价格合适", "timeline.message.reaction_reason",
                    "\(en("recommendation.reaction.interested")) · 价格合适"
                ),
                (
                    "consent", "marketing · granted", "timeline.message.consent",
                    "\(en("consent.purpose.marketing")) · \(en("consent.status.granted"))"
                ),
                (
                    "changed", "stage, city", "timeline.message.changed",
                    "Changed \(en("customer.field.stage")), \(en("customer.field.city"))"
                ),
                (
                    "reassigned", "→ \(try lina.requireID())", "timeline.message.reassigned",
                    "Reassigned to \(lina.displayName)"
                ),
                (
                    "contract_state",
                    "HT-2026-000001 · \(StoredText.term("contract.state.draft")) → \(StoredText.term("contract.state.documents_complete")) · 客户改投",
                    "timeline.message.contract_state_reason",
                    "HT-2026-000001 · \(en("contract.state.draft")) → \(en("contract.state.documents_complete")) · 客户改投"
                ),
                ("communication", "电话沟通，客户想看厂房", "timeline.legacy", "电话沟通，客户想看厂房"),
                ("consent", "一条看不懂的旧文字 · 另一段", "timeline.legacy", "一条看不懂的旧文字 · 另一段"),
            ]
            // Rows as they stood before: no key of their own (the new columns' default) and their text.
            for (index, row) in old.enumerated() {
                try await t.app.db.sql().raw(
                    """
                    INSERT INTO timeline_entries (customer_id, occurred_at, kind, record_type, record_id, staff_id, actor_name, summary)
                    VALUES (\(bind: customer.id), \(bind: testStart.addingTimeInterval(Double(60 + index))), \(bind: row.kind),
                            'customer', \(bind: customer.id), NULL, 'lina', \(bind: row.summary))
                    """
                ).run()
            }
            try await AddTimelineMessages.convertLegacyEntries(on: t.app.db)
            let read = try await Self.timeline(t, customer: customer.id, as: .supervisor, in: .en).suffix(old.count)
            #expect(read.map(\.messageKey) == old.map(\.key))
            #expect(read.map(\.summary) == old.map(\.english))
            let chinese = try await Self.timeline(t, customer: customer.id, as: .supervisor, in: .zhHans).suffix(
                old.count)
            #expect(
                Array(chinese)[1].summary
                    == "ZX-2026-000003 · \(localizer.text("inquiry.channel.web_form", .zhHans)) · 想了解厂房租金")
            #expect(Array(chinese)[0].summary == "KH-2026-000009 · 疑似重复：KH-2026-000001 · 同一家公司")
            // Converting again changes nothing: converted rows are no longer legacy, the others stay as they are.
            try await AddTimelineMessages.convertLegacyEntries(on: t.app.db)
            let twice = try await Self.timeline(t, customer: customer.id, as: .supervisor, in: .en).suffix(old.count)
            #expect(twice.map(\.summary) == old.map(\.english))
        }
    }

    struct NotificationPage: Decodable { var items: [NotificationsAPIController.NotificationDTO] }

    @Test(
        "a notification written while its reader read Chinese reads in English, with its key; an old title of no known shape stays as it was",
        arguments: TestDatabase.available)
    func notificationInEitherLanguage(database: TestDatabase) async throws {
        try await withApp(on: database) { t in
            let lina = try await t.staff(.specialist).requireID()
            let store = NotificationStore(database: t.app.db)
            _ = try await store.add(
                staffID: lina, event: .promisedReplyOverdue,
                title: t.app.kefu.localizer.text(
                    "reminder.title.promised_reply.overdue", .zhHans, ["number": "ZX-2026-000007"]),
                message: StoredMessage("reminder.title.promised_reply.overdue", ["number": "ZX-2026-000007"]),
                body: "ZX-2026-000007 · 张伟", link: "/inquiries/7", dedupeKey: "n1", now: testStart)
            _ = try await store.add(
                staffID: lina, event: .promisedReplyOverdue, title: "一条旧通知",
                message: StoredMessage(StoredMessage.legacyNotification), body: "", link: nil, dedupeKey: "n2",
                now: testStart)
            try await AddNotificationMessages.convertLegacyTitles(localizer: t.app.kefu.localizer, on: t.app.db)
            func read(_ language: Language) async throws -> [NotificationsAPIController.NotificationDTO] {
                try await Self.setLanguage(t, .specialist, language)
                let (status, text) = try await ContractTests.call(
                    t, .GET, "/api/v1/notifications", token: try await t.token(.specialist))
                #expect(status == .ok, "\(text)")
                return try AssessmentTests.decode(NotificationPage.self, text).items.sorted { $0.id < $1.id }
            }
            let english = try await read(.en), chinese = try await read(.zhHans)
            #expect(english.map(\.title) == ["Promised reply overdue: ZX-2026-000007", "一条旧通知"])
            #expect(
                chinese.first?.title
                    == t.app.kefu.localizer.text(
                        "reminder.title.promised_reply.overdue", .zhHans, ["number": "ZX-2026-000007"]))
            #expect(english.map(\.messageKey) == ["reminder.title.promised_reply.overdue", "notification.legacy"])
            #expect(english.first?.messageArgs == ["number": .value("ZX-2026-000007")])
        }
    }
}
