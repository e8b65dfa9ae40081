import Foundation
import KefuDomain
import KefuTesting
import LeafKit
import SQLKit
import Testing
import Vapor

@testable import KefuServer

/// The view values that give Leaf their `LeafData` by hand must say exactly what their `Encodable`
/// form says; otherwise a field added to one would silently render empty on a page. The values are
/// registered once, with samples, in ``HandBuiltLeafValues``; a type missing there fails the scan below.
@Suite("Leaf values written by hand match their Encodable form")
struct LeafValueTests {
    /// LeafData as the JSON its `Encodable` twin would give: nil left out, as `encodeIfPresent` does.
    static func json(_ data: LeafData) -> JSONValue {
        if let dictionary = data.dictionary {
            return .object(dictionary.filter { !$0.value.isNil }.mapValues(Self.json))
        }
        if let array = data.array { return .array(array.map(Self.json)) }
        switch data.celf {
        case .bool: return data.bool.map(JSONValue.bool) ?? .null
        case .int: return data.int.map { .number(Double($0)) } ?? .null
        case .double: return data.double.map(JSONValue.number) ?? .null
        default: return data.string.map(JSONValue.string) ?? .null
        }
    }

    /// The types in `text` that write their `LeafData` by hand: declared or extended as `LeafDataRepresentable`.
    static func handBuiltTypes(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(
            pattern:
                #"\b(?:extension|struct|enum|class)\s+([A-Za-z_][\w.]*)(?:<[^>{]*>)?\s*:[^{]*\bLeafDataRepresentable\b"#
        )
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test("every registered sample gives Leaf what its Encodable form says")
    func samplesMatchTheirEncodableForm() throws {
        for sample in HandBuiltLeafValues.samples {
            let json = try JSONDecoder().decode(JSONValue.self, from: try sample.encoded())
            #expect(Self.json(sample.leafData) == json, "\(sample.typeName)")
        }
    }

    @Test("the scan finds what it looks for")
    func scanFindsConformances() {
        #expect(Self.handBuiltTypes(in: "extension Pager: LeafDataRepresentable {") == ["Pager"])
        #expect(
            Self.handBuiltTypes(in: "extension PageContext: LeafDataRepresentable where Body: LeafDataRepresentable {")
                == ["PageContext"])
        #expect(
            Self.handBuiltTypes(in: "extension GlobalSearch.Page: LeafDataRepresentable {") == ["GlobalSearch.Page"])
        #expect(Self.handBuiltTypes(in: "struct Row: Encodable,\n    LeafDataRepresentable {") == ["Row"])
        #expect(Self.handBuiltTypes(in: "if let context = context as? any LeafDataRepresentable {").isEmpty)
        #expect(Self.handBuiltTypes(in: "extension Request {\n    let x: any LeafDataRepresentable").isEmpty)
        #expect(HandBuiltLeafValues.Sample.name(of: PageContext<BoardPage>.self) == "PageContext")
        #expect(
            HandBuiltLeafValues.Sample.name(of: CustomerPrivacySection.Consent.self) == "CustomerPrivacySection.Consent"
        )
    }

    @Test("every type in Sources that writes its LeafData by hand has a sample in the registry")
    func everyHandBuiltTypeIsRegistered() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/KefuServer").standardizedFileURL
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let registered = Set(HandBuiltLeafValues.samples.map(\.typeName))
        var declared: [String] = []
        for case let file as URL in files where file.pathExtension == "swift" {
            declared += Self.handBuiltTypes(in: try String(contentsOf: file, encoding: .utf8))
        }
        // A type nested in an extension is found by its own name (`Page`), registered by its full one.
        let missing = declared.filter { name in !registered.contains { $0 == name || $0.hasSuffix("." + name) } }
        #expect(declared.count > 10, "found \(declared.count) hand-built types")
        #expect(missing.isEmpty, "hand-built LeafData without a sample in HandBuiltLeafValues: \(missing)")
    }
}

@Suite("Dates on pages")
struct DisplayFormatTests {
    @Test("the arithmetic for UTC+8 gives what the calendar gives, from 1992 to 2100")
    func dateTimeMatchesCalendar() {
        var generator = SystemRandomNumberGenerator()
        var samples: [Double] = [694_224_000, 951_753_600, 1_709_164_800, 1_798_732_799, 1_798_732_800, 4_102_415_999]
        for _ in 0..<5_000 {
            samples.append(Double(Int.random(in: 694_224_000...4_102_444_800, using: &generator)) + 0.75)
        }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(DisplayFormat.dateTime(date) == DisplayFormat.calendarDateTime(date), "\(seconds)")
        }
        #expect(DisplayFormat.dateTime(Date(timeIntervalSince1970: 1_798_732_800)) == "2027-01-01 00:00")
        #expect(
            DisplayFormat.dateTime(Date(timeIntervalSince1970: 600_000_000))
                == DisplayFormat.calendarDateTime(Date(timeIntervalSince1970: 600_000_000)))
    }
}

@Suite("HTML fragments written by Swift views")
struct HTMLFragmentTests {
    @Test("values are escaped as Leaf escapes them; markup comes only from code")
    func escaping() {
        var html = HTMLWriter()
        html.element("<td title=\"", "O'Brien & \"Sons\"", "\">")
        html.element("", "<script>alert(1)</script>", "</td>")
        #expect(
            html.fragment.html
                == "<td title=\"O&#39;Brien &amp; &quot;Sons&quot;\">&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        #expect("张伟 <b>".escapedForHTML == "张伟 &lt;b&gt;")
        #expect("张伟".escapedForHTML == "张伟")
    }

    @Test("#t escapes its text and its arguments, as Leaf would")
    func localizeTagEscapes() async throws {
        try await withApp { t in
            let username = try #require(TestApp.usernames[.specialist])
            try await t.app.db.sql().raw(
                "UPDATE staff SET display_name = \(bind: "<b>王 & 静</b>") WHERE username = \(bind: username)"
            ).run()
            let browser = try await t.signIn(.specialist)
            try await t.app.testing().test(.GET, "/", beforeRequest: { req in browser.apply(to: &req) }) {
                res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("&lt;b&gt;王 &amp; 静&lt;/b&gt;"))
                #expect(!res.body.string.contains("<b>王"))
            }
        }
    }

    @Test("customer rows: a checkbox only for who may reassign, the masked tag only on masked rows")
    func customerRows() {
        let masked = CustomerListPage.Row(
            id: 42, code: "KH-2026-000042", name: "张<伟>", companyName: nil, mobile: "138****5678", region: "江苏 苏州",
            stageLabel: "意向", stage: "intent", grade: "A", responsibleName: "李娜", updatedAt: "2026-11-29 10:00",
            isMasked: true
        )
        var open = masked
        open.id = 43
        open.isMasked = false
        open.mobile = "13812345678"
        let withBoxes = CustomerListView.rows(
            [masked, open], canReassign: true, maskedLabel: "已隐藏", maskedHint: "无权查看")
        let without = CustomerListView.rows([masked, open], canReassign: false, maskedLabel: "已隐藏", maskedHint: "无权查看")
        #expect(withBoxes.html.components(separatedBy: "name=\"customerIDs[]\" value=\"42\"").count == 2)
        #expect(!without.html.contains("customerIDs[]"))
        #expect(withBoxes.html.components(separatedBy: "已隐藏").count == 2)
        #expect(withBoxes.html.contains("<a href=\"/customers/42\">张&lt;伟&gt;</a>"))
        #expect(withBoxes.html.contains("<td class=\"nowrap\">13812345678</td>"))
        #expect(withBoxes.html.components(separatedBy: "<tr>").count == 3)
    }

    @Test("workbench: overdue counts and items marked, values escaped, links to each person's lists")
    func workbench() {
        let team = WorkbenchView.team([
            WorkbenchPage.Member(
                staffID: 7, name: "李<娜>", promisedOverdue: 2, promisedDue: 3, followUpsOverdue: 0, followUpsToday: 1,
                hasOverdue: true)
        ]).html
        #expect(team.contains("<td>李&lt;娜&gt;</td>"))
        #expect(
            team.contains("<td class=\"num overdue\"><a href=\"/inquiries?status=promised&amp;staff=7\">2</a></td>"))
        #expect(team.contains("<td class=\"num\"><a href=\"/follow-ups?view=overdue&amp;staff=7\">0</a></td>"))
        let promises = WorkbenchView.promises(
            [
                WorkbenchPage.Promise(
                    id: 5, number: "ZX-2026-000005", customer: "张伟", question: "税收 & 补贴?",
                    promisedBy: "2026-11-29 10:00", isOverdue: true),
                WorkbenchPage.Promise(
                    id: 6, number: "ZX-2026-000006", customer: "王芳", question: "厂房", promisedBy: "2026-11-30 10:00",
                    isOverdue: false),
            ], overdueLabel: "已逾期"
        ).html
        #expect(promises.contains("税收 &amp; 补贴?"))
        #expect(promises.components(separatedBy: "已逾期").count == 2)
        #expect(promises.contains("<span class=\"overdue\">2026-11-29 10:00 · 已逾期</span>"))
    }

    @Test("options: the chosen one selected unless selection is ignored, labels localized or literal")
    func options() {
        let options = [
            ChoiceOption(value: "9", labelKey: "", label: "李娜", isSelected: true),
            ChoiceOption(value: "lead", labelKey: "customer.stage.lead", isSelected: false),
        ]
        let localize = { (key: String) in key == "customer.stage.lead" ? "线索" : key }
        #expect(
            ChoiceOption.fragment(options, localize: localize).html
                == "<option value=\"9\" selected>李娜</option><option value=\"lead\">线索</option>")
        #expect(
            ChoiceOption.fragment(options, marksSelection: false, localize: localize).html
                == "<option value=\"9\">李娜</option><option value=\"lead\">线索</option>")
    }
}

@Suite("Reading a customer without Fluent")
struct CustomerReadTests {
    @Test("read(_:on:) fills every field as Fluent's find does")
    func readMatchesFind() async throws {
        try await withApp { t in
            let token = try await t.token(.supervisor)
            let dto = try await createCustomer(
                t, token: token,
                [
                    "name": "张伟", "companyName": "苏州传媒有限公司", "mobile": "13812345678", "email": "zw@example.cn",
                    "city": "苏州",
                ], industries: ["technology", "retail"])
            // Fill what the API form leaves empty, so no field is compared as nil on both sides.
            let stored = try #require(try await CustomerModel.find(dto.id, on: t.app.db))
            stored.budgetMinYuan = 1_000_000; stored.budgetMaxYuan = 5_000_000; stored.landline = "0512-66668888";
            stored.creditCode = "91320505MA1MXXXX0X"; stored.wechatID = "zhangwei"
            stored.province = "江苏"; stored.address = "工业园区 1 号"; stored.businessScope = "传媒";
            stored.preferredRegions = "苏州"
            stored.category = "enterprise"; stored.grade = "A"; stored.lostReason = "—"; stored.remarks = "备注";
            stored.tags = "重点,传媒"
            stored.consentAt = Date(timeIntervalSince1970: 1_796_000_000); stored.consentChannel = "written";
            stored.consentNoticeVersion = "2026-01"
            stored.mergedIntoID = nil; stored.anonymizedAt = Date(timeIntervalSince1970: 1_796_000_100)
            try await stored.update(on: t.app.db)
            let found = try #require(try await CustomerModel.find(dto.id, on: t.app.db))
            let read = try #require(try await CustomerModel.read(dto.id, on: t.app.db))
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            #expect(
                String(decoding: try encoder.encode(read), as: UTF8.self)
                    == String(decoding: try encoder.encode(found), as: UTF8.self))
            #expect(try await CustomerModel.read(999_999, on: t.app.db) == nil)
        }
    }
}
