import Foundation
import KefuDomain
import KefuTesting
import Testing

@testable import KefuServer

/// The audit details' keys exist in both languages with the same placeholders, and the old details of
/// the writers converted after `AddAuditMessages` are read into the messages their writers now store
/// (issue 9 §7). Named so that `.ci/run`'s PostgreSQL filter (`StoredMessageTests`) takes it.
@Suite("Audit details: keys in both languages, old shapes read")
struct AuditShapesStoredMessageTests {
    static let localizer = Result { try Localizer.load(from: packageRoot + "Resources/Localization") }

    static func placeholders(_ text: String) -> Set<String> {
        Set(text.matches(of: #/\{([A-Za-z0-9_]+)\}/#).map { String($0.output.1) })
    }

    /// Every `audit.detail.…` key written in Sources (and those built from a reason code).
    static func keysInSources() throws -> Set<String> {
        var keys: Set<String> = ["sign_in_unknown", "sign_in_inactive", "sign_in_password"].reduce(into: []) {
            $0.insert("audit.detail.\($1)")
        }
        let enumerator = FileManager.default.enumerator(atPath: packageRoot + "Sources/KefuServer")
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".swift") else { continue }
            let text = try String(contentsOfFile: packageRoot + "Sources/KefuServer/" + file, encoding: .utf8)
            for match in text.matches(of: #/"(audit\.detail\.[a-z0-9_]+)"/#) { keys.insert(String(match.output.1)) }
        }
        return keys
    }

    @Test("every audit.detail key used in Sources exists in both languages, with the same placeholders")
    func keysExist() throws {
        let localizer = try Self.localizer.get()
        let used = try Self.keysInSources()
        #expect(used.count > 90, "\(used.count) keys found: the scan reads the sources")
        let chinese = localizer.tables[.zhHans] ?? [:], english = localizer.tables[.en] ?? [:]
        for key in used.sorted() {
            let zh = try #require(chinese[key], "\(key) missing in zh-Hans")
            let en = try #require(english[key], "\(key) missing in en")
            #expect(Self.placeholders(zh) == Self.placeholders(en), "\(key): \(zh) / \(en)")
        }
        for key in chinese.keys where key.hasPrefix("audit.detail.") {
            #expect(Self.placeholders(chinese[key]!) == Self.placeholders(english[key] ?? ""), "\(key)")
        }
    }

    typealias Case = (action: String, detail: String, message: StoredMessage, text: String)

    /// One old detail of each shape, and what it reads as now.
    static let cases: [Case] = [
        ("customer.created", "KH-2026-000012", AuditMessage.number("KH-2026-000012"), ""),
        (
            "customer.created", "duplicate of KH-2026-000001,KH-2026-000003: 同一公司的另一位联系人",
            AuditMessage.createdDespiteDuplicates(["KH-2026-000001", "KH-2026-000003"]), "同一公司的另一位联系人"
        ),
        ("customer.reassigned", "李娜 → 张伟", AuditMessage.reassigned(from: "李娜", to: "张伟", withReason: false), ""),
        (
            "customer.reassigned", "李娜 → 张伟 · 李娜休产假",
            AuditMessage.reassigned(from: "李娜", to: "张伟", withReason: true), "李娜休产假"
        ),
        ("communication.created", "customer 12", AuditMessage.customer("12"), ""),
        ("follow_up.planned", "customer 7", AuditMessage.customer("7"), ""),
        ("follow_up.completed", "customer 7", AuditMessage.customer("7"), ""),
        ("saved_filter.saved", "我的意向客户", AuditMessage.name("我的意向客户"), ""),
        (
            "customer.exported", "2 rows; filter: stage=lead",
            AuditMessage.customersExported(rows: "2", filter: "stage=lead"), ""
        ),
        (
            "customer.duplicate_checked", "139****4780 · 上海浦江科技有限公司 → 1",
            AuditMessage.duplicateChecked(asked: "139****4780 · 上海浦江科技有限公司", matches: "1"), ""
        ),
        (
            "customer.import_checked", "rows 40, matching files on record 3",
            AuditMessage.importChecked(rows: "40", matches: "3"), ""
        ),
        (
            "customer.merged", "KH-2026-000002 into KH-2026-000001: 同一客户重复建档",
            AuditMessage.merged("KH-2026-000002", into: "KH-2026-000001"), "同一客户重复建档"
        ),
        ("inquiry.created", "customer 3, open", AuditMessage.inquiryCreated(customer: "3", status: "open"), ""),
        ("inquiry.submitted", "public form, notice 2026-01", AuditMessage.publicForm(notice: "2026-01"), ""),
        ("inquiry.assigned", "staff 4, customer 9", AuditMessage.staffCustomer(staff: "4", customer: "9"), ""),
        (
            "follow_up.rescheduled", "2026-12-01 09:00 → 2026-12-10 09:30 · 客户出差",
            AuditMessage.rescheduled(from: "2026-12-01 09:00", to: "2026-12-10 09:30"), "客户出差"
        ),
        (
            "sharing.downloaded", "customer 5 → 市招商局",
            AuditMessage.customerRecipient(customer: "5", recipient: "市招商局"), ""
        ),
        (
            "sharing.released", "customer 5 → 市招商局: 已核对授权",
            AuditMessage.customerRecipient(customer: "5", recipient: "市招商局", withNote: true), "已核对授权"
        ),
        (
            "sharing.rejected", "customer 5 → 市招商局: ",
            AuditMessage.customerRecipient(customer: "5", recipient: "市招商局"), ""
        ),
        (
            "sharing.requested", "customer 5 → 市招商局 (share_government)",
            AuditMessage.sharingRequested(customer: "5", recipient: "市招商局", purpose: "share_government"), ""
        ),
        ("customer.data_copied", "csv", AuditMessage.dataCopy(format: "csv"), ""),
        (
            "consent.recorded", "customer 5: marketing granted",
            AuditMessage.consent(customer: "5", purpose: "marketing", status: "granted"), ""
        ),
        (
            "attachment.removed", "2 file(s) of the customer's records removed by the anonymization",
            AuditMessage.filesRemoved("2"), ""
        ),
        (
            "return_visit.settings", "A=30 B=60 C=90 D=180 other=90 low≤2",
            AuditMessage.returnVisitSettings(days: ["30", "60", "90", "180"], ungraded: "90", low: "2"), ""
        ),
        ("return_visit.scheduled", "14", AuditMessage.visitsScheduled("14"), ""),
        ("return_visit.done", "4/5", AuditMessage.surveyScore("4"), ""),
        ("return_visit.opened", "survey 8: 2/5", AuditMessage.surveyScore(survey: "8", score: "2"), ""),
        (
            "recommendation.created", "customer 5, project XM-001 v3",
            AuditMessage.recommendation(customer: "5", project: "XM-001", version: "3"), ""
        ),
        ("recommendation.reaction", "project 4", AuditMessage.project("4"), ""),
        ("feedback.created", "FK-2026-000001", AuditMessage.number("FK-2026-000001"), ""),
        (
            "feedback.forwarded", "FK-2026-000001 → 规划部",
            AuditMessage.forwarded(number: "FK-2026-000001", department: "规划部"), ""
        ),
        ("project.created", "XM-001", AuditMessage.number("XM-001"), ""),
        ("project.changed", "version 4", AuditMessage.version("4"), ""),
        ("project.file_added", "园区 (一期).pdf (2048 bytes)", AuditMessage.file(name: "园区 (一期).pdf", bytes: "2048"), ""),
        ("project.case_added", "某科技公司落户案例", AuditMessage.name("某科技公司落户案例"), ""),
        ("department.created", "规划部", AuditMessage.name("规划部"), ""),
        ("webhook.changed", "值班群", AuditMessage.name("值班群"), ""),
        ("token.revoked_all", "2", AuditMessage.tokensRevoked("2"), ""),
        ("staff.created", "wuxia specialist", AuditMessage.staffCreated(username: "wuxia", role: "specialist"), ""),
        (
            "contract_template.updated", "standard: 5 / 7",
            AuditMessage.contractTemplate(code: "standard", documents: "5", clauses: "7"), ""
        ),
        ("procedure_template.created", "land: 6 steps", AuditMessage.procedureTemplate(code: "land", steps: "6"), ""),
        ("procedure_template.updated", "land: 7 steps", AuditMessage.procedureTemplate(code: "land", steps: "7"), ""),
        (
            "contract_template.created", "lease: 3 / 4",
            AuditMessage.contractTemplate(code: "lease", documents: "3", clauses: "4"), ""
        ),
        (
            "complaint.ladder", "L1 75% specialist · L2 100% 12 · L3 150% leadership",
            AuditMessage.ladder([("75", nil, "specialist"), ("100", "12", "supervisor"), ("150", nil, "leadership")]),
            ""
        ),
        ("complaint.category.added", "服务态度", AuditMessage.name("服务态度"), ""),
        (
            "complaint.category.changed", "服务态度 → 服务礼仪 (停用)",
            AuditMessage.renamed(from: "服务态度", to: "服务礼仪", isActive: false), ""
        ),
        (
            "calendar.hours_changed", "09:00–12:00, 13:30–18:00",
            AuditMessage.workingHours(start: "09:00", lunchStart: "12:00", lunchEnd: "13:30", end: "18:00"), ""
        ),
        (
            "calendar.day_set", "2026-10-01 holiday 国庆节",
            AuditMessage.calendarDay("2026-10-01", kind: "holiday", name: "国庆节"), ""
        ),
        (
            "calendar.imported", "12: 2026-01-01…2026-10-08",
            AuditMessage.calendarDays(count: "12", first: "2026-01-01", last: "2026-10-08"), ""
        ),
        ("calendar.day_removed", "2026-10-01", AuditMessage.day("2026-10-01"), ""),
    ]

    /// Entries from before whose detail must stay text: unknown shapes, and details that were only a reason.
    static let kept: [(action: String, detail: String)] = [
        ("customer.exported", "两行导出"), ("consent.recorded", "customer 5: 营销 同意"),
        ("calendar.day_set", "2026-13-01 holiday 元旦"), ("staff.created", "wuxia 专员"),
        ("customer.contact_revealed", "回拨客户"), ("customer.anonymized", "客户要求删除"),
        ("training_plan.submit", "年度计划: 草稿 → 已提交"), ("attendance.leave_approved", "注意休息"),
        ("assessment_cycle.created", "2026 年第四季度 2026-10-01–2026-12-31, weights {}, 三人"),
    ]

    @Test("old details of each known shape read as their writers' messages now; others stay text")
    func oldShapes() throws {
        let cases = Self.cases + AuditStaffShapes.cases
        for old in cases {
            let converted = LegacyAuditDetailMore.convert(action: old.action, detail: old.detail)
            #expect(converted?.0 == old.message, "\(old.action): \(old.detail)")
            #expect(converted?.1 == old.text, "\(old.action): \(old.detail)")
        }
        for old in Self.kept {
            #expect(LegacyAuditDetailMore.convert(action: old.action, detail: old.detail) == nil, "\(old)")
        }
        let covered = Set(cases.map(\.action))
        let uncovered = LegacyAuditDetailMore.actions.subtracting(covered)
        #expect(uncovered.isEmpty, "actions without a case: \(uncovered.sorted())")
        // The actions AddAuditMessages converts are not read again with other shapes.
        #expect(LegacyAuditDetailMore.actions.isDisjoint(with: LegacyAuditDetail.actions))
    }

    @Test("every converted message reads in both languages without a key or a placeholder showing")
    func convertedRead() throws {
        let localizer = try Self.localizer.get()
        for old in Self.cases + AuditStaffShapes.cases {
            for language in Language.allCases {
                let words = DisplayWords(localizer: localizer, language: language)
                let text = words.message(old.message, text: old.text)
                #expect(!text.contains("audit.detail") && Self.placeholders(text).isEmpty, "\(language): \(text)")
                for case .term(let key) in old.message.arguments.values {
                    #expect(localizer.hasKey(key), "\(old.action): term \(key)")
                }
                for case .terms(let keys) in old.message.arguments.values {
                    #expect(keys.allSatisfy(localizer.hasKey), "\(old.action): terms \(keys)")
                }
            }
        }
    }
}
