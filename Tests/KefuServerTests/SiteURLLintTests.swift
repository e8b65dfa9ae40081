import Foundation
import Testing

@testable import KefuServer

/// No page path is written as a literal in Swift outside `SiteURL` (issue 9 §9): a link or redirect spelled
/// `"/customers/\(id)"` would not follow a renamed route, and the round-trip test would not see it. Leaf
/// templates keep their literal hrefs; API paths (`/api/v1/…`) are not pages.
@Suite("SiteURL lint: no page-path literal in Swift outside SiteURL")
struct SiteURLLintTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/KefuServer").standardizedFileURL

    /// The first segments of every page (`customers`, `contracts`, `settings` …).
    static let roots = Set(
        SiteURL.Page.allCases.compactMap { $0.rawValue.split(separator: "/").first.map(String.init) })

    /// Lines holding a string that starts with `/` and a page's first segment — in a literal (`"/customers/`) or in
    /// markup written by a Swift view (`href=\"/customers/`).
    static func offences(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #""/([a-z][a-z0-9-]*)(?=[/?#"\\.])"#)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let line = String(line)
            let range = NSRange(line.startIndex..., in: line)
            let hit = pattern.matches(in: line, range: range).contains { match in
                Range(match.range(at: 1), in: line).map { roots.contains(String(line[$0])) } ?? false
            }
            return hit ? "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))" : nil
        }
    }

    @Test("the lint finds what it looks for")
    func lintFindsLiterals() {
        #expect(Self.roots.isSuperset(of: ["customers", "contracts", "settings", "reports", "survey"]))
        #expect(Self.offences(in: #"return req.redirect(to: "/customers/\(id)", flash: flash)"#).count == 1)
        #expect(Self.offences(in: #"html.element("<a href=\"/contracts/", id, "\">")"#).count == 1)
        #expect(Self.offences(in: #"let link = "/inquiries?status=waiting""#).count == 1)
        #expect(Self.offences(in: #"path: "/api/v1/customers/{id}", base + "/files/projects""#).isEmpty)
        #expect(Self.offences(in: "SiteURL.customer(id).path").isEmpty)
    }

    @Test("no Swift file under Sources/KefuServer but SiteURL's own writes a page path")
    func noPagePathLiterals() throws {
        let files = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
        var found: [String] = []
        var scanned = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            scanned += 1
            guard !file.lastPathComponent.hasPrefix("SiteURL") else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            found += Self.offences(in: text).map { "\(file.lastPathComponent):\($0)" }
        }
        #expect(scanned > 100, "scanned \(scanned) files under \(Self.sources.path)")
        #expect(found.isEmpty, "page paths outside SiteURL:\n\(found.joined(separator: "\n"))")
    }
}
