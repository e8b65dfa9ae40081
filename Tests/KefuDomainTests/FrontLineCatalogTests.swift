import Foundation
import KefuDomain
import Testing

@Suite("Project catalog: facts, cases and brochures (R3.2, R1.2)")
struct FrontLineCatalogTests {
    static func draft() -> ProjectDraft {
        var draft = ProjectDraft()
        draft.code = "XM-2026-001"
        draft.name = "苏州工业园三期标准厂房"
        draft.type = "industrial_park"
        draft.industries = ["manufacturing", "new_energy"]
        draft.province = "江苏省"
        draft.city = "苏州市"
        draft.address = "苏州工业园区星湖街 328 号"
        draft.areaSquareMeters = "12,000"
        draft.investmentMinWan = "500"
        draft.investmentMaxWan = "2,000.50"
        draft.annualReturnPercent = "8.5%"
        draft.paybackYears = "6"
        draft.incentives = "前三年租金减半"
        draft.highlights = "紧邻高铁站"
        draft.responsibleDepartment = "招商一部"
        return draft
    }

    static func errors(_ draft: ProjectDraft) -> [String: String] {
        guard case .failure(let errors) = ProjectValidation.validate(draft) else { return [:] }
        return errors.messages
    }

    @Test("a complete project is parsed into its facts")
    func validProject() throws {
        var draft = Self.draft()
        draft.code = " xm-2026-001 "
        let facts = try ProjectValidation.validate(draft).get()
        #expect(facts.code == "XM-2026-001")
        #expect(facts.type == .industrialPark)
        #expect(facts.industries == ["manufacturing", "new_energy"])
        #expect(facts.areaSquareMeters == 12_000)
        #expect(facts.investmentMinWan == 500)
        #expect(facts.investmentMaxWan == Decimal(string: "2000.5"))
        #expect(facts.annualReturnPercent == Decimal(string: "8.5"))
        #expect(facts.paybackYears == 6)
        #expect(facts.status == .open)
        #expect(facts.responsibleDepartment == "招商一部")
    }

    @Test("only the required facts are needed")
    func minimalProject() throws {
        var draft = ProjectDraft()
        draft.code = "XM-9"
        draft.name = "连锁茶饮加盟"
        draft.type = "franchise"
        draft.industries = ["catering", ""]
        let facts = try ProjectValidation.validate(draft).get()
        #expect(facts == ProjectFacts(code: "XM-9", name: "连锁茶饮加盟", type: .franchise, industries: ["catering"]))
    }

    @Test("every problem is reported at once")
    func everyProblem() {
        var draft = ProjectDraft()
        draft.status = "archived"
        #expect(
            Self.errors(draft) == [
                "code": "validation.required", "name": "validation.required", "type": "validation.required",
                "industries": "validation.required", "status": "validation.choose_from_list",
            ])
    }

    @Test("an investment minimum above the maximum is refused on the maximum")
    func investmentRange() {
        var draft = Self.draft()
        draft.investmentMinWan = "3000"
        #expect(Self.errors(draft) == ["investmentMaxWan": "validation.project.investment_range"])
        draft.investmentMaxWan = "3000"
        #expect(Self.errors(draft).isEmpty)
        draft.investmentMinWan = "-1"
        #expect(Self.errors(draft) == ["investmentMinWan": "validation.customer.amount"])
    }

    @Test(
        "project codes: uppercase letters, digits and dashes, 2 to 32 long",
        arguments: [
            ("XM-2026-001", true), ("xm-2026-001", true), ("A1", true), (String(repeating: "A", count: 32), true),
            ("A", false), (String(repeating: "A", count: 33), false), ("XM 2026", false), ("XM_2026", false),
            ("项目-001", false), ("-XM", false), ("XM-", false),
        ])
    func codes(code: String, valid: Bool) {
        var draft = Self.draft()
        draft.code = code
        #expect(Self.errors(draft)["code"] == (valid ? nil : "validation.project.code_format"))
    }

    @Test("industries come from the customer list; names and texts have limits")
    func listsAndLimits() {
        var draft = Self.draft()
        draft.industries = ["manufacturing", "mining"]
        draft.name = String(repeating: "园", count: 129)
        draft.type = "warehouse"
        draft.incentives = String(repeating: "惠", count: 2001)
        draft.responsibleDepartment = String(repeating: "部", count: 65)
        #expect(
            Self.errors(draft) == [
                "industries": "validation.choose_from_list", "name": "validation.too_long",
                "type": "validation.choose_from_list",
                "incentives": "validation.too_long", "responsibleDepartment": "validation.too_long",
            ])
        draft = Self.draft()
        draft.name = String(repeating: "园", count: 128)
        #expect(Self.errors(draft).isEmpty)
    }

    @Test(
        "return, payback and area must be numbers within their range",
        arguments: [
            ("annualReturnPercent", "100", nil), ("annualReturnPercent", "100.01", "validation.number_range"),
            ("annualReturnPercent", "-2", "validation.number_range"), ("annualReturnPercent", "八", "validation.number"),
            ("paybackYears", "50", nil), ("paybackYears", "51", "validation.number_range"),
            ("paybackYears", "3.125", "validation.number"),
            ("areaSquareMeters", "1.2.3", "validation.number"), ("areaSquareMeters", "0", nil),
        ] as [(String, String, String?)])
    func numbers(field: String, text: String, key: String?) {
        var draft = Self.draft()
        switch field {
        case "annualReturnPercent": draft.annualReturnPercent = text
        case "paybackYears": draft.paybackYears = text
        default: draft.areaSquareMeters = text
        }
        #expect(Self.errors(draft)[field] == key)
    }

    @Test("a new version lists what changed, in form order, with the old and new text")
    func changes() throws {
        let old = try ProjectValidation.validate(Self.draft()).get()
        var draft = Self.draft()
        draft.investmentMinWan = "600"
        draft.highlights = ""
        draft.areaSquareMeters = "12000.00"
        draft.status = "paused"
        let new = try ProjectValidation.validate(draft).get()
        let changes = new.changes(from: old).map { "\($0.field): \($0.old) → \($0.new)" }
        #expect(changes == ["investmentMinWan: 500 → 600", "highlights: 紧邻高铁站 → ", "status: open → paused"])
        #expect(old.changes(from: old).isEmpty)
    }

    @Test("facts survive JSON, so a version can be shown exactly as it was")
    func codable() throws {
        let facts = try ProjectValidation.validate(Self.draft()).get()
        let decoded = try JSONDecoder().decode(ProjectFacts.self, from: JSONEncoder().encode(facts))
        #expect(decoded == facts)
    }

    @Test("supporting cases need a title; texts have limits")
    func cases() throws {
        let valid = try ProjectCase.validate(title: " 某新能源企业落户案例 ", summary: "2024 年入驻", figures: "年产值 2.3 亿元").get()
        #expect(valid == ProjectCase(title: "某新能源企业落户案例", summary: "2024 年入驻", figures: "年产值 2.3 亿元"))
        guard
            case .failure(let errors) = ProjectCase.validate(
                title: "  ", summary: String(repeating: "字", count: 2001), figures: String(repeating: "1", count: 501)
            )
        else {
            Issue.record("an empty title must be refused")
            return
        }
        #expect(
            errors.messages == [
                "title": "validation.required", "summary": "validation.too_long", "figures": "validation.too_long",
            ])
    }

    @Test(
        "brochures: documents and pictures up to 20 MiB",
        arguments: [
            ("招商手册.pdf", 1_000, nil), ("园区照片.JPG", 1_000, nil), ("方案.pptx", 20 * 1024 * 1024, nil),
            ("方案.pptx", 20 * 1024 * 1024 + 1, "validation.file.too_large"), ("脚本.exe", 1_000, "validation.file.type"),
            ("说明", 1_000, "validation.file.type"), ("旧版.doc", 1_000, "validation.file.type"),
            ("", 1_000, "validation.required"),
            ("空文件.pdf", 0, "validation.required"),
        ] as [(String, Int, String?)])
    func brochures(fileName: String, byteCount: Int, problem: String?) {
        #expect(BrochureRules.problem(fileName: fileName, byteCount: byteCount) == problem)
    }
}

@Suite("Brochure contents")
struct BrochureContentTests {
    @Test(
        "the first bytes must match the extension",
        arguments: [
            ("册子.pdf", Array("%PDF-1.7".utf8), true), ("册子.pdf", Array("<html>".utf8), false),
            ("图.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0], true),
            ("图.jpg", [0xFF, 0xD8, 0xFF, 0xE0], true),
            ("表.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14], true), ("表.xlsx", Array("MZ\u{90}".utf8), false),
            ("无扩展名", Array("%PDF-".utf8), false),
        ] as [(String, [UInt8], Bool)])
    func sniff(name: String, prefix: [UInt8], allowed: Bool) {
        #expect(BrochureRules.contentMatches(fileName: name, prefix: prefix) == allowed)
    }

    @Test("content types by extension")
    func contentTypes() {
        #expect(BrochureRules.contentType(fileName: "a.PDF") == "application/pdf")
        #expect(BrochureRules.contentType(fileName: "a.exe") == "application/octet-stream")
    }
}
