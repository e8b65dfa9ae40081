import KefuDomain
import Testing

@Suite("Customer formats and rules (R4.1–R4.3)")
struct CustomerRulesTests {
    @Test("mainland mobiles are normalized from what people type", arguments: [
        ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+86 138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
        ("12812345678", nil), ("1381234567", nil), ("138123456789", nil), ("021-68881234", nil), ("abcdefghijk", nil),
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

    @Test("e-mail addresses", arguments: [
        ("Zhang.Wei@Pujiang-Tech.cn", "zhang.wei@pujiang-tech.cn"), ("li@qq.com", "li@qq.com"),
        ("li@qq", nil), ("li qq@qq.com", nil), ("@qq.com", nil), ("li@@qq.com", nil), ("li@qq.c0m", nil),
    ] as [(String, String?)])
    func emails(text: String, normalized: String?) {
        #expect(EmailAddress.normalize(text) == normalized)
    }

    @Test("company names match without their legal form", arguments: [
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
        #expect(CustomerStage.problem(from: .negotiating, to: .lead, lostReason: nil) == "validation.customer.stage_order")
        #expect(CustomerStage.problem(from: .signed, to: .negotiating, lostReason: nil) == "validation.customer.stage_order")
        #expect(CustomerStage.problem(from: .intent, to: .lost, lostReason: "  ") == "validation.customer.lost_reason_required")
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
        #expect(SearchGrams.indexTerms("张伟") == "张伟")
        #expect(SearchGrams.indexTerms("上海浦江科技") == "上海 海浦 浦江 江科 科技")
        #expect(SearchGrams.indexTerms("ABC贸易 Co.") == "abc 贸易 co")
        #expect(SearchGrams.queryPhrases("浦江科技") == [["浦江", "江科", "科技"]])
        #expect(SearchGrams.queryPhrases("张伟") == [["张伟"]])
        #expect(SearchGrams.queryPhrases("张") == [])
        #expect(SearchGrams.queryPhrases("浦江 abc") == [["浦江"], ["abc"]])
    }
}
