import Foundation
import KefuDomain
import Testing

/// Issue 17: the rules every request's values pass through, tested directly.
@Suite("Input rules: paging, control characters, plausible dates")
struct InputRulesTests {
    @Test("paging: absent or empty is the default; the limits themselves are accepted")
    func pagingDefaults() throws {
        #expect(try Paging.parse(number: nil, size: nil).get() == Paging(number: 1, size: 20))
        #expect(try Paging.parse(number: " ", size: "").get() == Paging(number: 1, size: 20))
        #expect(try Paging.parse(number: "100000", size: "100").get() == Paging(number: 100_000, size: 100))
        #expect(try Paging.parse(number: " 3 ", size: "1").get() == Paging(number: 3, size: 1))
    }

    @Test(
        "paging: extreme, negative, zero, fractional and twenty-digit values are problems named by parameter",
        arguments: [
            "9223372036854775807", "-9223372036854775808", "4611686018427387904", "1000000000000000001",
            "99999999999999999999", "-1", "0", "+1", "1.5", "1e3", "abc", "１",
        ])
    func pagingRefusals(value: String) {
        guard case .failure(let pageErrors) = Paging.parse(number: value, size: nil) else {
            Issue.record("page=\(value) accepted")
            return
        }
        #expect(pageErrors.messages == ["page": "validation.paging.page"])
        guard case .failure(let sizeErrors) = Paging.parse(number: nil, size: value, sizeName: "per_page") else {
            Issue.record("per_page=\(value) accepted")
            return
        }
        #expect(sizeErrors.messages == ["per_page": "validation.paging.size"])
    }

    @Test("paging: over the maximum is refused; the largest offset fits easily; clamping for the server's own lists")
    func pagingBounds() {
        if case .success = Paging.parse(number: "100001", size: nil) { Issue.record("page over the maximum accepted") }
        if case .success = Paging.parse(number: nil, size: "101") { Issue.record("size over the maximum accepted") }
        #expect(Paging(number: .max, size: .max).offset == (Paging.maximumNumber - 1) * Paging.maximumSize)
        #expect(Paging(number: .min, size: .min) == Paging(number: 1, size: 1))
        #expect(Paging(number: 1, size: 20).pageCount(total: .max) == Int.max / 20 + 1)
        #expect(Paging(number: 1, size: 20).pageCount(total: 0) == 1)
        #expect(Paging(number: 1, size: 20).pageCount(total: 40) == 2)
    }

    @Test("text: C0 controls other than tab, line feed and carriage return, and DEL, are refused")
    func controlCharacters() {
        for scalar in (0..<0x20).compactMap(Unicode.Scalar.init) + [Unicode.Scalar(0x7F)!] {
            let text = "询问\(Character(scalar))政策"
            #expect(
                TextInput.hasControlCharacters(text) == ![0x09, 0x0A, 0x0D].contains(scalar.value),
                "U+\(String(scalar.value, radix: 16))")
        }
        #expect(!TextInput.hasControlCharacters("上海浦东新区　招商 Project №1 😀"))
    }

    @Test(
        "JSON text: every way of writing a refused character is noticed before decoding; clean bodies, escapes and all, are not"
    )
    func jsonControlCharacters() throws {
        struct Body: Codable { var q: String }
        for value in UInt32(0)...0x7F {
            let scalar = try #require(Unicode.Scalar(value))
            let hex = String(format: "%04x", value)
            var spellings = [
                String(decoding: try JSONEncoder().encode(Body(q: "询问\(Character(scalar))政策")), as: UTF8.self),
                #"{"q":"询问\u"# + hex + #"政策"}"#, #"{"q":"\u"# + hex.uppercased() + #""}"#,
            ]
            if value == 0x7F || value >= 0x20 { spellings.append("{\"q\":\"a\(Character(scalar))b\"}") }
            for json in spellings {
                // On every body that decodes, the bytes tell exactly what the decoded text would.
                guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(json.utf8)) else { continue }
                #expect(
                    TextInput.jsonMayHoldControlCharacters(Array(json.utf8))
                        == TextInput.hasControlCharacters(decoded.q), "\(json)")
            }
        }
        let clean = #"{"name":"张伟\n王\t\"引号\" \\b 反斜杠","note":"\u4e0a\u6d77","n":1}"#
        #expect(!TextInput.jsonMayHoldControlCharacters(Array(clean.utf8)))
        #expect(TextInput.jsonMayHoldControlCharacters(Array(#"{"q":"\u00"}"#.utf8)), "a cut escape is not trusted")
    }

    @Test("query values: a search over 100 characters, any value over 2048, control characters")
    func queryValues() {
        #expect(TextInput.queryValueProblem(name: "q", value: String(repeating: "张", count: 100)) == nil)
        #expect(
            TextInput.queryValueProblem(name: "q", value: String(repeating: "张", count: 101))
                == "validation.search_too_long")
        #expect(TextInput.queryValueProblem(name: "stage", value: String(repeating: "a", count: 2048)) == nil)
        #expect(
            TextInput.queryValueProblem(name: "stage", value: String(repeating: "a", count: 2049))
                == "validation.too_long")
        #expect(TextInput.queryValueProblem(name: "next", value: "/customers\u{0}") == "validation.control_characters")
    }

    @Test("dates: nothing happened before 2000; nothing is planned more than five years ahead")
    func plausibleDates() {
        let now = Date(timeIntervalSince1970: 1_796_000_400)
        #expect(
            PlausibleTime.pastProblem(Date(timeIntervalSince1970: -62_167_219_200)) == "validation.datetime.too_early")
        #expect(
            PlausibleTime.pastProblem(PlausibleTime.earliest.addingTimeInterval(-1)) == "validation.datetime.too_early")
        #expect(PlausibleTime.pastProblem(PlausibleTime.earliest) == nil)
        #expect(PlausibleTime.planProblem(now.addingTimeInterval(4 * 365 * 86_400), now: now) == nil)
        #expect(
            PlausibleTime.planProblem(now.addingTimeInterval(6 * 365 * 86_400), now: now)
                == "validation.datetime.too_far")
        #expect(PlausibleTime.planProblem(Date.distantFuture, now: now) == "validation.datetime.too_far")
    }
}
