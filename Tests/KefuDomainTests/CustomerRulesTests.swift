import Foundation
import KefuDomain
import Testing

@Suite("Customer formats and rules (R4.1–R4.3)")
struct CustomerRulesTests {
    @Test(
        "mainland mobiles are normalized from what people type",
        arguments: [
            ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
            ("0086 13812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
            ("12812345678", nil), ("1381234567", nil), ("138123456789", nil), ("021-68881234", nil),
            ("abcdefghijk", nil),
        ] as [(String, String?)])
    func mobiles(text: String, normalized: String?) {
        #expect(MainlandMobile.normalize(text) == normalized)
    }

    @Test("masking keeps just enough to recognise")
    func masking() {
        #expect(MainlandMobile.masked("13812345678") == "138****5678")
        #expect(ContactMasking.email("zhang.wei@pujiang-tech.cn") == "z***@pujiang-tech.cn")
        #expect(ContactMasking.landline("021-68881234") == "021-6888****")
    }

    @Test("unified social credit codes: the check character is verified")
    func creditCodes() throws {
        let first17 = "91310115MA1K4XXX0"
        let check = try #require(UnifiedSocialCreditCode.checkCharacter(for: first17))
        let valid = first17 + String(check)
        #expect(UnifiedSocialCreditCode.normalize(valid) == valid)
        #expect(UnifiedSocialCreditCode.normalize(valid.lowercased()) == valid)
        let wrong = first17 + (check == "0" ? "1" : "0")
        #expect(UnifiedSocialCreditCode.normalize(wrong) == nil)
        #expect(UnifiedSocialCreditCode.normalize("91350100M000100Y43") == "91350100M000100Y43")
        #expect(UnifiedSocialCreditCode.normalize("9135010") == nil)
        #expect(UnifiedSocialCreditCode.normalize("91350100M000100YI3") == nil, "I is not in the code alphabet")
    }

    @Test(
        "e-mail addresses",
        arguments: [
            ("Zhang.Wei@Pujiang-Tech.cn", "zhang.wei@pujiang-tech.cn"), ("li@qq.com", "li@qq.com"),
            ("li@qq", nil), ("li qq@qq.com", nil), ("@qq.com", nil), ("li@@qq.com", nil), ("li@qq.c0m", nil),
        ] as [(String, String?)])
    func emails(text: String, normalized: String?) {
        #expect(EmailAddress.normalize(text) == normalized)
    }

    @Test(
        "company names match without their legal form",
        arguments: [
            ("上海浦江科技有限公司", "上海浦江科技"), ("上海 浦江科技 有限责任公司", "上海浦江科技"),
            ("上海浦江科技（集团）股份有限公司", "上海浦江科技"), ("ＡＢＣ Trading Co., Ltd.", "abctrading"),
        ])
    func companyKeys(name: String, key: String) {
        #expect(CompanyName.matchKey(name) == key)
    }

    @Test("stages move forward, step back once, end lost only with a reason, and reopen from lost")
    func stages() {
        #expect(CustomerStage.problem(from: .lead, to: .negotiating, lostReason: nil) == nil)
        #expect(CustomerStage.problem(from: .negotiating, to: .intent, lostReason: nil) == nil)
        #expect(
            CustomerStage.problem(from: .negotiating, to: .lead, lostReason: nil) == "validation.customer.stage_order")
        #expect(
            CustomerStage.problem(from: .signed, to: .negotiating, lostReason: nil) == "validation.customer.stage_order"
        )
        #expect(
            CustomerStage.problem(from: .intent, to: .lost, lostReason: "  ")
                == "validation.customer.lost_reason_required")
        #expect(CustomerStage.problem(from: .intent, to: .lost, lostReason: "预算不足") == nil)
        #expect(CustomerStage.problem(from: .lost, to: .intent, lostReason: nil) == nil)
        #expect(CustomerStage.problem(from: .lost, to: .signed, lostReason: nil) == "validation.customer.stage_order")
    }

    @Test("customer codes have one format and are recognised in search")
    func codes() {
        let format = CustomerCodeFormat()
        #expect(format.code(year: 2026, sequence: 123) == "KH-2026-000123")
        #expect(format.code(year: 2026, sequence: 1_234_567) == "KH-2026-1234567")
        #expect(format.looksLikeCode("kh-2026-0001"))
        #expect(!format.looksLikeCode("张伟"))
    }

    @Test("search terms: Chinese in overlapping pairs, so two-character names and fragments are found")
    func grams() {
        #expect(SearchGrams.indexTerms("张伟") == "张伟 张 伟")
        #expect(SearchGrams.indexTerms("上海浦江科技") == "上海 海浦 浦江 江科 科技 上 海 浦 江 科 技")
        #expect(SearchGrams.indexTerms("ABC贸易 Co.") == "abc 贸易 贸 易 co")
        #expect(SearchGrams.indexTerms("冷") == "冷")
        #expect(SearchGrams.queryPhrases("浦江科技") == [["浦江", "江科", "科技"]])
        #expect(SearchGrams.queryPhrases("张伟") == [["张伟"]])
        #expect(SearchGrams.queryPhrases("张") == [["张"]], "one character is a term of its own")
        #expect(SearchGrams.queryPhrases("王 物流") == [["王"], ["物流"]])
        #expect(SearchGrams.queryPhrases("a") == [])
        #expect(SearchGrams.queryPhrases("浦江 abc") == [["浦江"], ["abc"]])
    }
}

@Suite("Customer confidentiality (R4.4)")
struct CustomerConfidentialityTests {
    let mine = RecordFacts(responsibleStaffID: 3, departmentID: 1)
    let colleagues = RecordFacts(responsibleStaffID: 4, departmentID: 1)

    @Test("the responsible specialist and the supervisor see contact details; others see them masked")
    func visibility() {
        let specialist = Actor(staffID: 3, role: .specialist, departmentID: 1)
        let supervisor = Actor(staffID: 2, role: .supervisor, departmentID: 1)
        let leadership = Actor(staffID: 7, role: .leadership, departmentID: 5)
        let liaison = Actor(staffID: 9, role: .liaison, departmentID: 4)
        #expect(ContactVisibility.decide(for: specialist, on: mine, revealed: false) == .full)
        #expect(ContactVisibility.decide(for: specialist, on: colleagues, revealed: false) == .masked)
        #expect(ContactVisibility.decide(for: specialist, on: colleagues, revealed: true) == .full)
        #expect(ContactVisibility.decide(for: supervisor, on: colleagues, revealed: false) == .full)
        #expect(ContactVisibility.decide(for: leadership, on: colleagues, revealed: true) == .masked)
        #expect(
            ContactVisibility.decide(
                for: liaison, on: RecordFacts(responsibleStaffID: 4, forwardedToDepartmentIDs: [4]), revealed: true)
                == .masked)
    }

    @Test("who may view, edit and reassign customer files")
    func grants() {
        #expect(
            !AccessPolicy.allows(.administrator, .viewCustomers), "the administrator sees no customer data by default")
        #expect(AccessPolicy.permits(Actor(staffID: 3, role: .specialist, departmentID: 1), .editCustomer, on: mine))
        #expect(
            !AccessPolicy.permits(Actor(staffID: 3, role: .specialist, departmentID: 1), .editCustomer, on: colleagues))
        #expect(
            !AccessPolicy.permits(Actor(staffID: 9, role: .liaison, departmentID: 4), .viewCustomers, on: colleagues))
        #expect(
            AccessPolicy.permits(
                Actor(staffID: 9, role: .liaison, departmentID: 4), .viewCustomers,
                on: RecordFacts(forwardedToDepartmentIDs: [4])))
        #expect(
            AccessPolicy.allows(.supervisor, .reassignCustomers)
                && !AccessPolicy.allows(.specialist, .reassignCustomers))
    }
}

@Suite("Customer validation (R4.1)")
struct CustomerValidationTests {
    func draft() -> CustomerDraft {
        var draft = CustomerDraft()
        draft.kind = "company"
        draft.name = "张伟"
        draft.companyName = "上海浦江科技有限公司"
        draft.mobile = "138 1234 5678"
        draft.source = "phone"
        draft.industries = ["technology"]
        draft.budgetMinWan = "500"
        draft.budgetMaxWan = "1,200.50"
        return draft
    }

    @Test("a good draft is normalized")
    func valid() throws {
        let values = try CustomerValidation.validate(draft()).get()
        #expect(values.mobile == "13812345678")
        #expect(values.budgetMaxWan == Decimal(string: "1200.5"))
        #expect(values.stage == .lead)
    }

    @Test("every problem is reported at its field")
    func invalid() {
        var bad = draft()
        bad.name = " "
        bad.mobile = "1234"
        bad.email = "li@qq"
        bad.creditCode = "91310115MA1K4XXX00"
        bad.budgetMinWan = "900"
        bad.budgetMaxWan = "100"
        bad.source = "pigeon"
        bad.stage = "lost"
        bad.remarks = String(repeating: "很", count: 2001)
        guard case .failure(let errors) = CustomerValidation.validate(bad) else {
            Issue.record("expected failure")
            return
        }
        #expect(
            errors.messages == [
                "name": "validation.required", "mobile": "validation.customer.mobile",
                "email": "validation.customer.email",
                "creditCode": "validation.customer.credit_code", "budgetMaxWan": "validation.customer.budget_range",
                "source": "validation.choose_from_list", "lostReason": "validation.customer.lost_reason_required",
                "remarks": "validation.too_long",
            ])
    }

    @Test("a customer needs some way to be reached")
    func contactRequired() {
        var bad = draft()
        bad.mobile = ""
        guard case .failure(let errors) = CustomerValidation.validate(bad) else {
            Issue.record("expected failure"); return
        }
        #expect(errors.messages["mobile"] == "validation.customer.contact_required")
    }

    @Test("history lists exactly the changed fields")
    func history() throws {
        let before = try CustomerValidation.validate(draft()).get()
        var changed = draft()
        changed.mobile = "13900001111"
        changed.grade = "A"
        let after = try CustomerValidation.validate(changed).get()
        #expect(
            FieldChange.between(before.historyFields, after.historyFields) == [
                FieldChange(field: "grade", oldValue: "", newValue: "A"),
                FieldChange(field: "mobile", oldValue: "13812345678", newValue: "13900001111"),
            ])
    }
}

@Suite("Consent and sharing (R4.4)")
struct ConsentTests {
    let day = 86_400.0
    let start = Date(timeIntervalSince1970: 1_796_000_400)

    @Test("the latest event decides: a withdrawal ends consent, a later grant restores it")
    func ledger() {
        let events = [
            ConsentEvent(purpose: .shareFinancing, status: .granted, at: start),
            ConsentEvent(purpose: .shareFinancing, status: .withdrawn, at: start.addingTimeInterval(10 * day)),
            ConsentEvent(purpose: .marketing, status: .granted, at: start),
        ]
        #expect(ConsentEvent.isGranted(.shareFinancing, in: events, at: start.addingTimeInterval(day)))
        #expect(!ConsentEvent.isGranted(.shareFinancing, in: events, at: start.addingTimeInterval(11 * day)))
        #expect(!ConsentEvent.isGranted(.shareGovernment, in: events, at: start))
        let regranted =
            events + [ConsentEvent(purpose: .shareFinancing, status: .granted, at: start.addingTimeInterval(20 * day))]
        #expect(ConsentEvent.isGranted(.shareFinancing, in: regranted, at: start.addingTimeInterval(21 * day)))
    }

    @Test("a sharing request names a recipient, a sharing purpose and known fields")
    func requests() {
        #expect(
            SharingRules.validate(
                recipient: "浦发银行张江支行", purpose: "share_financing", fields: ["name", "mobile"], note: ""
            ).isEmpty)
        let bad = SharingRules.validate(recipient: " ", purpose: "collection", fields: ["password"], note: "")
        #expect(
            bad.messages == [
                "recipient": "validation.required", "purpose": "validation.choose_from_list",
                "fields": "validation.choose_from_list",
            ])
        #expect(
            SharingRules.approvalProblem(status: "pending", purpose: .shareFinancing, consents: [], now: start)
                == "validation.sharing.no_consent")
        #expect(
            SharingRules.approvalProblem(status: "approved", purpose: .shareFinancing, consents: [], now: start)
                == "validation.sharing.not_pending")
    }
}
