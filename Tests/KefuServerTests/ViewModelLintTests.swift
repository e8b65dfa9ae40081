import Foundation
import Testing

@testable import KefuServer

/// A view model is built from values — the signed-in person, their permissions, the localizer (``Viewer``) and
/// the rows the controller read — never from the `Request` (issue 9 §10, STYLE.md). Two rules, read from the
/// sources:
/// - a view-model file (named `…Page.swift`, `…Pages.swift`, `…View.swift` or `…ViewModel….swift`) does not
///   name `Request` or use a `req`;
/// - no initializer anywhere in KefuServer takes a `Request`: a type built from the request is a controller's
///   job (a controller reads the request and passes values in).
@Suite("View-model lint: view models take values, never the Request")
struct ViewModelLintTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/KefuServer").standardizedFileURL

    static func isViewModelFile(_ name: String) -> Bool {
        name.hasSuffix("Page.swift") || name.hasSuffix("Pages.swift") || name.hasSuffix("View.swift")
            || (name.contains("ViewModel") && name.hasSuffix(".swift"))
    }

    /// Lines of a view-model file that name the request.
    static func requestMentions(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\bRequest\b|\breq\."#)
        return lines(of: text, matching: pattern)
    }

    /// Initializers whose parameter list names a `Request` (the list may span lines).
    static func requestInitializers(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: #"\binit\??\s*\([^)]*:\s*Request\b"#)
        let range = NSRange(text.startIndex..., in: text)
        return pattern.matches(in: text, range: range).compactMap { match in
            guard let found = Range(match.range, in: text) else { return nil }
            let number = text[..<found.lowerBound].filter { $0 == "\n" }.count + 1
            return "\(number): \(text[found].split(separator: "\n").first ?? "")"
        }
    }

    static func lines(of text: String, matching pattern: NSRegularExpression) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let line = String(line)
            let hit = pattern.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
            return hit ? "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))" : nil
        }
    }

    @Test("the lint finds what it looks for")
    func lintFindsRequests() {
        #expect(Self.isViewModelFile("WorkbenchPage.swift") && Self.isViewModelFile("ProjectPages.swift"))
        #expect(Self.isViewModelFile("CustomerFileView.swift") && Self.isViewModelFile("ReportViewModel+Rows.swift"))
        #expect(!Self.isViewModelFile("CustomersController.swift") && !Self.isViewModelFile("Viewer.swift"))
        #expect(Self.requestMentions(in: "static func make(_ req: Request) -> Self").count == 1)
        #expect(Self.requestMentions(in: "let name = req.t(\"customer.field.name\")").count == 1)
        #expect(Self.requestMentions(in: "var canRequestSharing: Bool\nlet requested = true").isEmpty)
        #expect(Self.requestInitializers(in: "init(\n    req: Request, rows: [Row]\n) {").count == 1)
        #expect(Self.requestInitializers(in: "init(_ request: Request)").count == 1)
        #expect(Self.requestInitializers(in: "init(viewer: Viewer, rows: [Row]) {}\nfunc f(req: Request)").isEmpty)
    }

    @Test("no view-model file names the Request, and no initializer takes one")
    func viewModelsTakeValues() throws {
        let files = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
        var found: [String] = []
        var scanned = 0
        var viewModelFiles = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            scanned += 1
            let name = file.lastPathComponent
            let text = try String(contentsOf: file, encoding: .utf8)
            if Self.isViewModelFile(name) {
                viewModelFiles += 1
                found += Self.requestMentions(in: text).map { "\(name):\($0)" }
            }
            found += Self.requestInitializers(in: text).map { "\(name):\($0)" }
        }
        #expect(scanned > 100, "scanned \(scanned) files under \(Self.sources.path)")
        #expect(viewModelFiles > 10, "found \(viewModelFiles) view-model files")
        #expect(found.isEmpty, "view models built from the Request:\n\(found.joined(separator: "\n"))")
    }
}
