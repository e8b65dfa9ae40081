import Fluent
import Foundation
import KefuDomain
import KefuTesting
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import KefuServer

@Suite("Platform: routes, OpenAPI, localization")
struct PlatformTests {
    @Test("every route declares its permission (issue 2 §4)")
    func everyRouteDeclaresPermission() async throws {
        try await withApp { t in
            let undeclared = t.app.routes.all.filter { $0.permission == nil }.map { "\($0.method) \($0.path.string)" }
            #expect(undeclared.isEmpty, "routes without a permission: \(undeclared)")
            #expect(t.app.routes.all.count > 30)
        }
    }

    @Test("every kind of timeline entry has its label (the tables' parity test covers English)")
    func timelineKindsAreLocalized() async throws {
        try await withApp { t in
            for kind in Timeline.Kind.allCases {
                #expect(t.app.kefu.localizer.hasKey("timeline.kind.\(kind.rawValue)"), "timeline.kind.\(kind.rawValue)")
            }
        }
    }

    @Test("every /api/v1 route is in the OpenAPI document, and every documented operation is a route")
    func openAPICoversRoutes() async throws {
        try await withApp { t in
            let document = APIDocumentation.document
            let documented = Set(document.operations.map { "\($0.method.rawValue) \($0.routePath)" })
            let routes = Set(
                t.app.routes.all.filter { $0.path.string.hasPrefix("api/v1") }.map {
                    "\($0.method.rawValue) /\($0.path.string)"
                })
            #expect(
                routes.subtracting(documented).isEmpty,
                "missing from OpenAPI: \(routes.subtracting(documented).sorted())")
            #expect(
                documented.subtracting(routes).isEmpty,
                "documented but not routed: \(documented.subtracting(routes).sorted())")
        }
    }

    @Test("the OpenAPI document is 3.1, served, and every $ref resolves")
    func openAPIValid() async throws {
        try await withApp { t in
            try await t.app.testing().test(.GET, "/api/v1/openapi.json") { res async throws in
                #expect(res.status == .ok)
                let document = try JSONDecoder().decode(JSONValue.self, from: Data(res.body.readableBytesView))
                #expect(document["openapi"]?.stringValue == "3.1.0")
                let schemas = try #require(document["components"]?["schemas"]?.objectValue)
                var refs: [String] = []
                func collect(_ value: JSONValue) {
                    switch value {
                    case .object(let object):
                        if let ref = object["$ref"]?.stringValue { refs.append(ref) }
                        object.values.forEach(collect)
                    case .array(let array): array.forEach(collect)
                    default: break
                    }
                }
                collect(document)
                #expect(!refs.isEmpty)
                // Shared responses (the one conflict answer) are components too.
                let responses = document["components"]?["responses"]?.objectValue ?? [:]
                for ref in refs where ref.hasPrefix("#/components/responses/") {
                    #expect(
                        responses[String(ref.dropFirst("#/components/responses/".count))] != nil, "unresolved \(ref)")
                }
                for ref in refs where !ref.hasPrefix("#/components/responses/") {
                    let name = String(ref.dropFirst("#/components/schemas/".count))
                    #expect(ref.hasPrefix("#/components/schemas/") && schemas[name] != nil, "unresolved \(ref)")
                }
                let paths = try #require(document["paths"]?.objectValue)
                for (path, item) in paths {
                    for (method, operation) in item.objectValue ?? [:] {
                        #expect(
                            operation["responses"]?.objectValue?.isEmpty == false, "\(method) \(path) has no responses")
                        #expect(operation["operationId"]?.stringValue != nil)
                    }
                }
            }
            try await t.app.testing().test(.GET, "/api/docs") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("/api/v1/staff/{id}"))
            }
        }
    }

    @Test("texts take their arguments in one pass: unknown names stay, an argument's braces are not replaced again")
    func localizedArguments() {
        let localizer = Localizer(tables: [.zhHans: ["k": "{a} 与 {b}，{unknown}"], .en: [:]])
        #expect(localizer.text("k", .zhHans, ["a": "{b}", "b": "乙"]) == "{b} 与 乙，{unknown}")
        #expect(localizer.text("k", .en, [:]) == "{a} 与 {b}，{unknown}", "English falls back to Chinese")
        #expect(localizer.text("missing", .zhHans) == "missing")
    }

    @Test("both languages have exactly the same keys")
    func localizationParity() throws {
        let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
        let chinese = Set(localizer.tables[.zhHans]!.keys), english = Set(localizer.tables[.en]!.keys)
        #expect(chinese.subtracting(english).isEmpty, "missing in en: \(chinese.subtracting(english).sorted())")
        #expect(english.subtracting(chinese).isEmpty, "missing in zh-Hans: \(english.subtracting(chinese).sorted())")
    }

    @Test("every key used in templates and code exists, and every role and navigation entry has a label")
    func localizationComplete() throws {
        let localizer = try Localizer.load(from: packageRoot + "Resources/Localization")
        var used: Set<String> = []
        let templateKey = try Regex(#"#t\("([a-z0-9_.\-]+)""#)
        let codeKey = try Regex(
            #""((?:error|validation|flash|dashboard|staff|auth|ranking|workbench|reminder)\.[a-z0-9_.]+)""#)
        for (folder, pattern) in [
            ("Resources/Views", templateKey), ("Sources/KefuServer", codeKey), ("Sources/KefuDomain", codeKey),
        ] {
            let enumerator = FileManager.default.enumerator(atPath: packageRoot + folder)
            while let file = enumerator?.nextObject() as? String {
                // Action names (`staff.view`) look like keys but are not texts.
                guard file.hasSuffix(".leaf") || file.hasSuffix(".swift"), !file.hasPrefix("Access/") else { continue }
                let text = try String(contentsOfFile: packageRoot + folder + "/" + file, encoding: .utf8)
                for match in text.matches(of: pattern) { used.insert(String(match.output[1].substring ?? "")) }
            }
        }
        used.formUnion(Role.allCases.map { "role.\($0.rawValue)" })
        used.formUnion(Language.allCases.map { "language.\($0.rawValue)" })
        used.formUnion((NavigationEntry.all + NavigationEntry.settings).map(\.key))
        used.formUnion([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500].map { "error.title.\($0)" })
        // Audit action names look like keys but are data, not text.
        // Label prefixes completed at run time ("staff.filter.active" + ".true") are not keys either.
        let auditActions: Set<String> = [
            "staff.filter.active", "auth.signed_in", "auth.sign_in_failed", "auth.signed_out", "auth.permission_denied",
            "staff.created", "staff.updated", "staff.activated", "staff.deactivated", "staff.password_reset",
        ]
        let missing = used.subtracting(auditActions).filter { !localizer.hasKey($0) }
        #expect(missing.isEmpty, "keys without text: \(missing.sorted())")
    }

    @Test("every page address in SiteURL is served by a route")
    func siteURLsRouted() async throws {
        try await withApp { t in
            let paths = Set(t.app.routes.all.filter { $0.method == .GET }.map { "/" + $0.path.string })
            for address in [
                SiteURL.dashboard.path, SiteURL.login.path, SiteURL.profile.path, SiteURL.staff.path,
                SiteURL.newStaff.path,
                SiteURL.departments.path, SiteURL.auditLog.path, SiteURL.apiDocs, SiteURL.openAPIDocument,
            ] {
                #expect(paths.contains(address) || (address == "/" && paths.contains("/")), "\(address) has no route")
            }
            #expect(paths.contains("/staff/:id"))
        }
    }
}
