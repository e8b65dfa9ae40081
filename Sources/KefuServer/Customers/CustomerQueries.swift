import Fluent
import Foundation
import KefuDomain
import SQLKit

/// A row of the customer list or of search results, read straight from SQL into this value — hot
/// lists do not hydrate models (issue 3, speed).
struct CustomerListRow: Decodable, Sendable {
    var id: Int
    var code: String
    var kind: String
    var name: String
    var companyName: String?
    var mobile: String?
    var email: String?
    var province: String?
    var city: String?
    var stage: String
    var grade: String?
    var responsibleStaffID: Int?
    var responsibleName: String?
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, code, kind, name, mobile, email, province, city, stage, grade
        case companyName = "company_name", responsibleStaffID = "responsible_staff_id"
        case responsibleName = "responsible_name", updatedAt = "updated_at"
    }
}

extension CustomerListRow {
    /// Read column by column: a list reads up to a hundred rows per request, and `Decodable` through
    /// `SQLRowDecoder` cost a tenth of a JSON list's time.
    init(row: any SQLRow) throws {
        func text(_ key: CodingKeys) throws -> String { try row.decode(column: key.rawValue, as: String.self) }
        func optional(_ key: CodingKeys) throws -> String? { try row.decode(column: key.rawValue, as: String?.self) }
        self.init(
            id: try row.decode(column: CodingKeys.id.rawValue, as: Int.self), code: try text(.code),
            kind: try text(.kind), name: try text(.name),
            companyName: try optional(.companyName), mobile: try optional(.mobile), email: try optional(.email),
            province: try optional(.province),
            city: try optional(.city), stage: try text(.stage), grade: try optional(.grade),
            responsibleStaffID: try row.decode(column: CodingKeys.responsibleStaffID.rawValue, as: Int?.self),
            responsibleName: try optional(.responsibleName),
            updatedAt: try row.decode(column: CodingKeys.updatedAt.rawValue, as: Date.self)
        )
    }
}

/// The filters and sort of the customer list (issue 3 §5).
struct CustomerFilter: Sendable, Equatable {
    /// Each order is served by an index at a million files (issue 10, improvement 3): `customers_updated`
    /// both ways, the unique code index both ways, `customers_name` both ways; the id for `created`.
    enum Sort: String, CaseIterable, Sendable {
        case updated, created, code, name
        case updatedAscending = "updated_asc", codeDescending = "code_desc", nameDescending = "name_desc"
    }

    var text: String?
    var stage: CustomerStage?
    var grade: String?
    var responsibleStaffID: Int?
    var industry: String?
    /// A province or city, as stored.
    var region: String?
    var source: SourceChannel?
    /// Only files not updated for at least this many days (R4.3).
    var notUpdatedDays: Int?
    var sort: Sort = .updated
    /// Only files at intent or negotiation without an open follow-up (issue 10, saved filter 意向无跟进).
    var withoutOpenFollowUp = false
    /// Only files older than this many days with no communication recorded in them (30 天未联系).
    var notContactedDays: Int?
}

/// Reads customers for lists and search, on SQLite and PostgreSQL alike.
struct CustomerQueries {
    let database: any Database
    var codeFormat = CustomerCodeFormat()
    /// Lists count at most this many matches exactly ("1,000+" beyond): counting a million rows for
    /// every page costs more than the page, and the filters narrow a long list.
    static let countCap = 1_000
    /// A search whose index match holds more rows than this is a common fragment (科技, 有限公司): sorted
    /// newest first, FTS5 hands out the page directly; in another order the list is read in that order
    /// and each row's text checked, which finds a page at once when the fragment is common. Rare
    /// fragments go through the index and sort what they find.
    var indexedSearchLimit = 1_000
    /// ``countCap`` for this reader (tests lower it to reach the capped count with a handful of files).
    var cap = Self.countCap

    /// A page of customers matching the filter among those the viewer may list.
    func list(_ filter: CustomerFilter, visibleTo actor: Actor, paging: Paging, now: Date) async throws -> (
        items: [CustomerListRow], total: Int
    ) {
        let sql = try database.sql()
        let plan = try await plan(filter, visibleTo: actor, now: now, indexOrderAllowed: true)
        let total = try await count(plan)
        let items = try await sql.raw(
            """
            SELECT customers.id, customers.code, customers.kind, customers.name, customers.company_name, customers.mobile,
                   customers.email, customers.province, customers.city, customers.stage, customers.grade,
                   customers.responsible_staff_id, staff.display_name AS responsible_name, customers.updated_at
            FROM \(plan.from) LEFT JOIN staff ON staff.id = customers.responsible_staff_id
            WHERE \(plan.where) ORDER BY \(plan.order) LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all().map(CustomerListRow.init(row:))
        return (items, total)
    }

    /// The matches counted up to ``cap`` + 1. A search with a ``Plan/countSample`` counts that part first:
    /// when it alone holds more than the cap, so does the whole, and the count ends there — the sample is
    /// read through an index, where the whole match of a common one-character or latin search is read
    /// row by row (王: ~100,000 rows to find 1,001 at a million files).
    func count(_ plan: Plan) async throws -> Int {
        func capped(from: SQLQueryString, where condition: SQLQueryString) async throws -> Int {
            try await database.sql().raw(
                """
                SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(from) WHERE \(condition) LIMIT \(bind: cap + 1)) AS capped
                """
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        if let sample = plan.countSample {
            let sampled = try await capped(from: sample.from, where: sample.where)
            if sampled > cap { return sampled }
        }
        return try await capped(from: plan.from, where: plan.where)
    }

    /// The WHERE condition for a filter and a viewer, shared by the list and the export.
    func whereClause(_ filter: CustomerFilter, visibleTo actor: Actor, now: Date) async throws -> SQLQueryString {
        try await plan(filter, visibleTo: actor, now: now, indexOrderAllowed: false).where
    }

    /// The ORDER BY of each sort; each is served by an index (a test reads the plans).
    static func order(_ sort: CustomerFilter.Sort) -> SQLQueryString {
        switch sort {
        case .updated: "customers.updated_at DESC, customers.id DESC"
        case .created: "customers.id DESC"
        case .code: "customers.code ASC"
        case .name: "customers.name ASC, customers.id ASC"
        case .updatedAscending: "customers.updated_at ASC, customers.id ASC"
        case .codeDescending: "customers.code DESC"
        case .nameDescending: "customers.name DESC, customers.id DESC"
        }
    }

    /// Where the rows come from, which of them match, and in what order.
    struct Plan {
        var from: SQLQueryString = "customers"; var `where`: SQLQueryString; var order: SQLQueryString
        /// Some of the matches, cheap to count (see ``count(_:)``): every row it holds is a match.
        var countSample: (from: SQLQueryString, where: SQLQueryString)?
    }

    func plan(_ filter: CustomerFilter, visibleTo actor: Actor, now: Date, indexOrderAllowed: Bool) async throws
        -> Plan
    {
        // Merged files live on only as pointers to their survivor.
        var conditions: [SQLQueryString] = ["customers.merged_into_id IS NULL"]
        var plan = Plan(where: "TRUE", order: Self.order(filter.sort))
        // The sample: the same conditions with the text's own replaced by a part of its matches.
        var sample: (from: SQLQueryString, text: SQLQueryString, index: Int)?
        switch AccessPolicy.widestScope(of: actor.role, for: .viewCustomers) {
        case .any?: break
        case .team?, .own?: conditions.append("customers.responsible_staff_id = \(bind: actor.staffID)")
        // Forwarding arrives with complaints; until then nothing is forwarded to a liaison.
        case .forwardedToMyDepartment?, nil: conditions.append("1 = 0")
        }
        if let text = filter.text?.trimmed, !text.isEmpty {
            switch try await textSearch(String(text.prefix(64)), unmasked: ContactVisibility.unmaskedRows(for: actor)) {
            case .condition(let condition):
                conditions.append(condition)
            case .commonFragment(let match, let check, let scan, let exactMatch):
                if let exactMatch {
                    sample = (
                        Self.searchJoin, "customer_search MATCH \(bind: exactMatch) AND " + check, conditions.count
                    )
                }
                if indexOrderAllowed, filter.sort == .created, database.dialect == .sqlite {
                    // FTS5 hands out its matches newest first and stops at the page: no scan of files
                    // without the fragment, however many of them come first in the list.
                    plan.from = Self.searchJoin
                    plan.order = "customer_search.rowid DESC"
                    conditions.append("customer_search MATCH \(bind: match) AND " + check)
                } else {
                    conditions.append(scan)
                }
            }
        }
        if let stage = filter.stage { conditions.append("customers.stage = \(bind: stage.rawValue)") }
        if let grade = filter.grade { conditions.append("customers.grade = \(bind: grade)") }
        if let staffID = filter.responsibleStaffID {
            conditions.append("customers.responsible_staff_id = \(bind: staffID)")
        }
        if let industry = filter.industry { conditions.append("customers.industries LIKE \(bind: "%,\(industry),%")") }
        if let region = filter.region {
            conditions.append("(customers.province = \(bind: region) OR customers.city = \(bind: region))")
        }
        if let source = filter.source { conditions.append("customers.source = \(bind: source.rawValue)") }
        if let days = filter.notUpdatedDays {
            conditions.append("customers.updated_at < \(bind: now.addingTimeInterval(-Double(days) * 86400))")
        }
        if filter.withoutOpenFollowUp {
            // Served per file by follow_ups_customer (customer_id, due_at).
            conditions.append(
                """
                customers.stage IN ('intent', 'negotiating') AND NOT EXISTS (SELECT 1 FROM follow_ups \
                WHERE follow_ups.customer_id = customers.id AND follow_ups.completed_at IS NULL)
                """)
        }
        if let days = filter.notContactedDays {
            let since = now.addingTimeInterval(-Double(days) * 86400)
            // Served per file by communication_records_customer (customer_id, occurred_at, id).
            conditions.append(
                """
                customers.created_at < \(bind: since) AND NOT EXISTS (SELECT 1 FROM communication_records \
                WHERE communication_records.customer_id = customers.id AND communication_records.occurred_at >= \(bind: since))
                """)
        }
        for condition in conditions { plan.where = plan.where + " AND (" + condition + ")" }
        if indexOrderAllowed, let sample {
            var sampled: SQLQueryString = "TRUE"
            for (index, condition) in conditions.enumerated() {
                sampled = sampled + " AND (" + (index == sample.index ? sample.text : condition) + ")"
            }
            plan.countSample = (sample.from, sampled)
        }
        return plan
    }

    static let searchJoin: SQLQueryString = "customer_search JOIN customers ON customers.id = customer_search.rowid"

    /// How a search text reaches its rows.
    enum TextSearch {
        /// A condition on `customers` answered through an index (or, for one latin letter, a scan).
        case condition(SQLQueryString)
        /// A fragment found in more files than ``indexedSearchLimit``: the FTS5 `match` expression with
        /// the text `check` that confirms each row, or the `scan` condition that reads the list in its
        /// order and checks the text alone. `exactMatch`, when set, is the expression of the latin words
        /// as whole terms (`pujiang`, not `pujiang*`), itself found in more files than the limit: a part
        /// of the matches FTS5 reads lazily, where a prefix query first merges every term it covers.
        case commonFragment(match: String, check: SQLQueryString, scan: SQLQueryString, exactMatch: String? = nil)
    }

    /// The first and last customer code. Two subqueries, not MIN and MAX in one SELECT: SQLite answers a lone
    /// MIN or MAX from an end of the code index but scans the whole index for the pair (130 ms at a million files).
    static let codeBounds: SQLQueryString =
        "SELECT (SELECT MIN(code) FROM customers) AS first, (SELECT MAX(code) FROM customers) AS last"

    /// What one search box means (issue 3 §5): a code, a whole mobile or its last four digits, an
    /// e-mail, or text (names and companies, Chinese substrings of two characters and more). On files
    /// whose contact details the viewer sees masked, a search matches only what the mask shows
    /// (``MaskedSearch``, issue 11 #2).
    func textSearch(_ text: String, unmasked: ContactVisibility.UnmaskedRows = .all) async throws -> TextSearch {
        let lowered = text.lowercased()
        let digits = text.filter { !" -".contains($0) }
        if codeFormat.looksLikeCode(text) {
            let upper = text.uppercased()
            return .condition("customers.code >= \(bind: upper) AND customers.code < \(bind: upper + "\u{FFFF}")")
        }
        // A short number is a code without prefix and year ("301" finds KH-2026-000301), one equality
        // per year codes were issued in, which the code index serves; four digits may also end a mobile.
        if let sequence = codeFormat.sequence(fromShortNumber: digits) {
            let bounds = try await database.sql().raw(Self.codeBounds).first()
            let first = try bounds?.decode(column: "first", as: String?.self).flatMap(codeFormat.year(of:))
            let last = try bounds?.decode(column: "last", as: String?.self).flatMap(codeFormat.year(of:))
            var codes: [String] = []
            if let first, let last, first <= last, last - first < 100 {
                codes = (first...last).map { codeFormat.code(year: $0, sequence: sequence) }
            }
            let byCode: SQLQueryString = codes.isEmpty ? "FALSE" : "customers.code IN (\(binds: codes))"
            if digits.count == 4 {
                return .condition("(customers.mobile_last4 = \(bind: digits) OR " + byCode + ")")
            }
            return .condition(byCode)
        }
        func onlyUnmasked(_ kind: MaskedSearch.Kind) -> SQLQueryString {
            MaskedSearch.mayMatchMasked(kind) ? "TRUE" : Self.unmaskedCondition(unmasked)
        }
        if let mobile = MainlandMobile.normalize(text) {
            return .condition("customers.mobile = \(bind: mobile) AND " + onlyUnmasked(.wholeMobile))
        }
        if text.contains("@") {
            return .condition(
                "customers.email >= \(bind: lowered) AND customers.email < \(bind: lowered + "\u{FFFF}") AND "
                    + onlyUnmasked(.email))
        }
        if let found = Self.nameAndLastFour(text) {
            // "张伟 5678": a name with a mobile's last four digits, as callers give them. The last-four
            // index narrows to about a hundred files at a million, the text search checks each; the
            // digits as a word of the index would look for them in codes and e-mails only.
            let byName: SQLQueryString =
                switch try await textSearch(found.name, unmasked: unmasked) {
                case .condition(let condition): condition
                case .commonFragment(_, _, let scan, _): scan
                }
            return .condition(
                "customers.mobile_last4 = \(bind: found.lastFour) AND " + onlyUnmasked(.mobileLastFour) + " AND "
                    + byName)
        }
        let guarded = Self.maskedTextGuard(lowered, unmasked: unmasked)
        switch try await indexedTextSearch(lowered) {
        case .condition(let condition):
            return .condition(condition + " AND " + guarded)
        case .commonFragment(let match, let check, let scan, let exactMatch):
            return .commonFragment(
                match: match, check: check + " AND " + guarded, scan: scan + " AND " + guarded, exactMatch: exactMatch)
        }
    }

    /// Chinese text and one group of exactly four digits, apart by spaces ("张伟 5678", "5678 浦江"): the
    /// text without the digits, and the digits. Nil for anything else.
    static func nameAndLastFour(_ text: String) -> (name: String, lastFour: String)? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let digitGroups = words.filter { $0.count == 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digitGroups.count == 1, words.count >= 2 else { return nil }
        let name = words.filter { $0 != digitGroups[0] }.joined(separator: " ")
        let hasChinese = SearchGrams.segments(name).contains { segment in
            if case .cjk = segment { return true }
            return false
        }
        guard hasChinese else { return nil }
        return (name, digitGroups[0])
    }

    /// The files whose contact details the viewer sees unmasked, as a condition on `customers`.
    static func unmaskedCondition(_ rows: ContactVisibility.UnmaskedRows) -> SQLQueryString {
        switch rows {
        case .all: "TRUE"
        case .responsibleFor(let staffID): "customers.responsible_staff_id = \(bind: staffID)"
        case .none: "FALSE"
        }
    }

    /// The fields shown unmasked to everyone who may list a file, as one lower-cased text with the
    /// usual separators turned into spaces (so a latin word can be found at the start of a word, as the
    /// index finds it).
    static let unmaskedText: SQLQueryString = """
        (' ' || LOWER(REPLACE(REPLACE(REPLACE(REPLACE(COALESCE(customers.name, '') || ' ' || COALESCE(customers.company_name, '') || ' ' \
        || COALESCE(customers.city, '') || ' ' || COALESCE(customers.tags, ''), ',', ' '), '(', ' '), '（', ' '), '-', ' ')))
        """

    /// A text search on a file seen masked must be answered by its unmasked fields: each Chinese run
    /// must occur there, and each latin word must begin a word there — never only in the e-mail or the
    /// WeChat id the index also holds, which could otherwise be rebuilt a character at a time.
    static func maskedTextGuard(_ lowered: String, unmasked: ContactVisibility.UnmaskedRows) -> SQLQueryString {
        if unmasked == .all { return "TRUE" }
        var visible: SQLQueryString = "TRUE"
        for segment in SearchGrams.segments(lowered) {
            switch segment {
            case .cjk(let run): visible = visible + " AND " + unmaskedText + " LIKE \(bind: "%" + String(run) + "%")"
            case .word(let word):
                visible = visible + " AND " + unmaskedText + " LIKE \(bind: "% " + escapeLike(word) + "%")"
            }
        }
        return "(" + unmaskedCondition(unmasked) + " OR (" + visible + "))"
    }

    /// Text through the search index: names, companies and the other indexed fields.
    private func indexedTextSearch(_ lowered: String) async throws -> TextSearch {
        let phrases = SearchGrams.queryPhrases(lowered)
        // The text itself confirms each Chinese run is contiguous (pairs of two fields can touch), and
        // holds a lone character the index has no term for ("王 138": the 王 as much as the 138).
        var confirmation: SQLQueryString = "TRUE"
        for case .cjk(let run) in SearchGrams.segments(lowered) {
            confirmation = confirmation + " AND customers.search_text LIKE \(bind: "%" + String(run) + "%")"
        }
        guard let indexed = CustomerSearchIndex.condition(for: phrases, dialect: database.dialect) else {
            // Nothing the index can use (one latin letter or digit): a plain substring scan.
            return .condition("customers.search_text LIKE \(bind: "%" + escapeLike(lowered) + "%")")
        }
        // Latin words as whole terms first: FTS5 reads an exact term lazily and stops at the limit,
        // where a prefix query (`"pujiang"*`) merges its terms' whole lists first (100,000 entries,
        // 4 ms). A common whole word makes its prefix common too.
        let exact = CustomerSearchIndex.matchExpression(phrases, prefixes: false)
        if database.dialect == .sqlite, exact != CustomerSearchIndex.matchExpression(phrases),
            try await CustomerSearchIndex.exactMatches(upTo: indexedSearchLimit, exact, on: database)
                > indexedSearchLimit
        {
            return .commonFragment(
                match: CustomerSearchIndex.matchExpression(phrases), check: confirmation,
                scan: Self.wordScan(lowered) + " AND " + confirmation, exactMatch: exact)
        }
        let matches = try await CustomerSearchIndex.matches(
            upTo: indexedSearchLimit, phrases, indexed: indexed, on: database)
        if matches > indexedSearchLimit {
            let match = CustomerSearchIndex.matchExpression(phrases)
            // Chinese alone (a surname like 王, 有限公司) has no prefix term, so FTS5 reads it lazily:
            // the count takes its first 1,001 files from the index instead of scanning the list for them.
            return .commonFragment(
                match: match, check: confirmation, scan: Self.wordScan(lowered) + " AND " + confirmation,
                exactMatch: database.dialect == .sqlite && match == exact ? match : nil)
        }
        return .condition(indexed + " AND " + confirmation)
    }

    /// Each latin word of the query as a substring of the text: the scan of a common fragment.
    static func wordScan(_ lowered: String) -> SQLQueryString {
        var scan: SQLQueryString = "TRUE"
        for case .word(let word) in SearchGrams.segments(lowered) where word.count >= 2 {
            scan = scan + " AND customers.search_text LIKE \(bind: "%" + escapeLike(word) + "%")"
        }
        return scan
    }
}
