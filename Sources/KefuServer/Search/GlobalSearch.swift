import Fluent
import Foundation
import KefuDomain
import LeafKit
import SQLKit
import Vapor

/// The top bar's one search box (issue 10, improvement 8): customers (by code, name, company, mobile —
/// the customer search itself, masked as the viewer's role requires), inquiries by number, projects by
/// number or name — each part only for who may see it, a few of each.
struct GlobalSearch: RouteCollection {
    static let limit = 8

    struct Customer: Content {
        var id: Int; var code: String; var name: String; var companyName: String?; var mobile: String?;
        var contactVisibility: String
    }
    struct Inquiry: Content {
        var id: Int; var number: String; var question: String; var status: String; var canOpen: Bool
    }
    struct Project: Content { var id: Int; var code: String; var name: String; var status: String }
    struct Results: Content {
        var q: String
        /// nil where the viewer may not search that part.
        var customers: [Customer]?
        var inquiries: [Inquiry]?
        var projects: [Project]?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewDashboard).get(.search, use: page)
        routes.grouped("api", "v1").requiring(.viewDashboard).get("search", use: api)
    }

    static func search(_ req: Request) async throws -> Results {
        let staff = try req.requireStaff()
        let actor = staff.actor
        let q = String((req.queryParameters["q"] ?? "").trimmed.prefix(64))
        var results = Results(q: q)
        guard !q.isEmpty else { return results }
        let sql = try req.db.sql()
        if AccessPolicy.allows(staff.role, .viewCustomers) {
            let rows = try await CustomerQueries(database: req.db).list(
                CustomerFilter(text: q), visibleTo: actor, paging: Paging(number: 1, size: limit), now: req.now
            ).items
            results.customers = rows.map { row in
                let masked =
                    ContactVisibility.decide(
                        for: actor, on: RecordFacts(responsibleStaffID: row.responsibleStaffID), revealed: false)
                    == .masked
                return Customer(
                    id: row.id, code: row.code, name: row.name, companyName: row.companyName,
                    mobile: masked ? row.mobile.map(MainlandMobile.masked) : row.mobile,
                    contactVisibility: masked ? "masked" : "full")
            }
        }
        let upper = q.uppercased()
        if AccessPolicy.allows(staff.role, .viewInquiries) {
            // By number: a prefix range on the unique number index. A specialist finds their own and the queue.
            let own: SQLQueryString =
                AccessPolicy.scopes(of: staff.role, for: .viewInquiries).contains(.any)
                ? "" : " AND (staff_id = \(bind: staff.id) OR status = 'waiting')"
            struct Row: Decodable {
                var id: Int; var number: String; var question: String; var status: String; var staff_id: Int?
            }
            let rows = try await sql.raw(
                """
                SELECT id, number, question, status, staff_id FROM inquiries
                WHERE number >= \(bind: upper) AND number < \(bind: upper + "\u{FFFF}")\(own) ORDER BY number DESC LIMIT \(bind: limit)
                """
            ).all(decoding: Row.self)
            results.inquiries = rows.map {
                Inquiry(
                    id: $0.id, number: $0.number, question: String($0.question.prefix(80)), status: $0.status,
                    canOpen: AccessPolicy.permits(
                        actor, .viewInquiries, on: RecordFacts(responsibleStaffID: $0.staff_id)))
            }
        }
        if AccessPolicy.allows(staff.role, .viewProjects) {
            // The catalog is hundreds of projects: its code by prefix, its name anywhere.
            struct Row: Decodable { var id: Int; var code: String; var name: String; var status: String }
            results.projects = try await sql.raw(
                """
                SELECT id, code, name, status FROM projects
                WHERE (code >= \(bind: upper) AND code < \(bind: upper + "\u{FFFF}")) OR name LIKE \(bind: "%" + escapeLike(q) + "%")
                ORDER BY code LIMIT \(bind: limit)
                """
            ).all(decoding: Row.self).map { Project(id: $0.id, code: $0.code, name: $0.name, status: $0.status) }
        }
        return results
    }

    @Sendable func api(req: Request) async throws -> Results { try await Self.search(req) }

    struct Page: Encodable {
        var q: String
        var results: HTMLFragment
        var hasQuery: Bool
    }

    @Sendable func page(req: Request) async throws -> Response {
        let results = try await Self.search(req)
        return try await req.renderPage(
            "search/index", titleKey: "search.title",
            Page(q: results.q, results: Self.fragment(results, words: req.words), hasQuery: !results.q.isEmpty))
    }

    static func fragment(_ results: Results, words: DisplayWords) -> HTMLFragment {
        var html = HTMLWriter(reservingCapacity: 4_000)
        func section(_ id: StaticString, _ titleKey: String, count: Int) {
            html.raw("<section class=\"card search-section\" id=\"")
            html.raw(id)
            html.element("\"><h2 class=\"card-title\">", words.t(titleKey), "")
            html.element(" <span class=\"count\">", String(count), "</span></h2>")
        }
        if let customers = results.customers {
            section("search-customers", "search.customers", count: customers.count)
            if customers.isEmpty { html.element("<p class=\"muted\">", words.t("search.none"), "</p>") }
            html.raw("<ul class=\"glance-list\">")
            for c in customers {
                html.element("<li><a href=\"", SiteURL.customer(c.id).path, "\">")
                html.element("<code>", c.code, "</code> ")
                html.element("", c.name, "</a>")
                html.element(" <span class=\"muted\">", words.orDash(c.companyName), "")
                html.element(" · ", words.orDash(c.mobile), "</span>")
                if c.contactVisibility == "masked" {
                    html.element(" <span class=\"tag tag-grey\">", words.t("customers.masked"), "</span>")
                }
                html.raw("</li>")
            }
            html.raw("</ul></section>")
        }
        if let inquiries = results.inquiries {
            section("search-inquiries", "search.inquiries", count: inquiries.count)
            if inquiries.isEmpty { html.element("<p class=\"muted\">", words.t("search.none_inquiries"), "</p>") }
            html.raw("<ul class=\"glance-list\">")
            for i in inquiries {
                if i.canOpen {
                    html.element("<li><a href=\"", SiteURL.inquiry(i.id).path, "\">")
                    html.element("<code>", i.number, "</code></a>")
                } else {
                    html.element("<li><code>", i.number, "</code>")
                }
                html.element(" <span class=\"tag\">", words.label("inquiry.status", i.status), "</span>")
                html.element(" <span class=\"muted\">", i.question, "</span></li>")
            }
            html.raw("</ul></section>")
        }
        if let projects = results.projects {
            section("search-projects", "search.projects", count: projects.count)
            if projects.isEmpty { html.element("<p class=\"muted\">", words.t("search.none"), "</p>") }
            html.raw("<ul class=\"glance-list\">")
            for p in projects {
                html.element("<li><a href=\"", SiteURL.project(p.id).path, "\">")
                html.element("<code>", p.code, "</code> ")
                html.element("", p.name, "</a>")
                html.element(" <span class=\"tag\">", words.label("project.status", p.status), "</span></li>")
            }
            html.raw("</ul></section>")
        }
        return html.fragment
    }
}

extension GlobalSearch.Page: LeafDataRepresentable {
    var leafData: LeafData { .dictionary(["q": .string(q), "results": results.leafData, "hasQuery": .bool(hasQuery)]) }
}

extension GlobalSearch {
    static let operations: [APIOperation] = [
        APIOperation(
            method: .GET, path: "/api/v1/search", tag: "Customers",
            summary:
                "One search over customers (code, name, company, mobile; masked as your role requires), inquiries by number and projects by number or name; a part is absent where you may not see it",
            parameters: [OpenAPIParameters.query("q", "string", "What to look for (up to 64 characters)")],
            responses: [200: "SearchResults"])
    ]

    static var schemas: [String: JSONValue] {
        let text = Schema.string, nullableText = Schema.nullable("string")
        return [
            "SearchResults": Schema.object(
                [
                    "q": text,
                    "customers": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "code": text, "name": text, "companyName": nullableText,
                                "mobile": nullableText, "contactVisibility": text,
                            ], required: ["id", "code", "name", "contactVisibility"]),
                    ],
                    "inquiries": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "number": text, "question": text, "status": text,
                                "canOpen": Schema.boolean,
                            ], required: ["id", "number", "question", "status", "canOpen"]),
                    ],
                    "projects": [
                        "type": ["array", "null"],
                        "items": Schema.object(
                            [
                                "id": Schema.integer, "code": text, "name": text, "status": text,
                            ], required: ["id", "code", "name", "status"]),
                    ],
                ], required: ["q"])
        ]
    }
}
