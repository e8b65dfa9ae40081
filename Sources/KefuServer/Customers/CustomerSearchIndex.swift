import Fluent
import Foundation
import KefuDomain
import SQLKit

/// The Chinese substring index of customers (issue 3 §5), the one place where SQLite and PostgreSQL
/// differ for search. Both hold the same terms (``SearchGrams/indexTerms(_:)``: overlapping
/// character pairs and whole latin words) and both answer a query the same way: every phrase of the
/// query must occur, then the text itself is checked, so the two give identical results.
///
/// - SQLite: an FTS5 table `customer_search` (rowid = customer id) with the unicode61 tokenizer, which
///   keeps each pair as one token; a phrase query `"浦江 江科 科技"` finds adjacent pairs.
/// - PostgreSQL: a `text[]` column `customers.search_terms` with a GIN index; `@>` finds rows holding
///   every pair of the phrase.
enum CustomerSearchIndex {
    static func create(on database: any Database) async throws {
        let sql = try database.sql()
        switch database.dialect {
        case .sqlite:
            try await sql.raw(
                "CREATE VIRTUAL TABLE customer_search USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')"
            ).run()
            // Term statistics; search no longer reads them (see `matches(upTo:)`), the table stays for its migration.
            try await sql.raw("CREATE VIRTUAL TABLE customer_search_terms USING fts5vocab(customer_search, 'row')")
                .run()
        case .postgres:
            try await sql.raw("ALTER TABLE customers ADD COLUMN search_terms text[] NOT NULL DEFAULT '{}'").run()
            try await sql.raw("CREATE INDEX customers_search_terms ON customers USING GIN (search_terms)").run()
        }
    }

    static func drop(on database: any Database) async throws {
        if database.dialect == .sqlite {
            try await database.sql().raw("DROP TABLE IF EXISTS customer_search_terms").run()
            try await database.sql().raw("DROP TABLE IF EXISTS customer_search").run()
        }
    }

    /// Writes a customer's terms; call it in the transaction that changes the customer (`isNew` when the
    /// transaction creates it). In a writer batch on SQLite the row is staged and written with the batch's
    /// others before its commit (``FullTextWrites``).
    static func update(customerID: Int, text: String, isNew: Bool = false, on database: any Database) async throws {
        let terms = SearchGrams.indexTerms(text)
        let sql = try database.sql()
        switch database.dialect {
        case .sqlite:
            if let staged = database.fullTextWrites {
                return staged.stage(
                    table: "customer_search", column: "terms", rowid: customerID, text: terms, replaces: !isNew)
            }
            if !isNew { try await sql.raw("DELETE FROM customer_search WHERE rowid = \(bind: customerID)").run() }
            try await sql.raw("INSERT INTO customer_search (rowid, terms) VALUES (\(bind: customerID), \(bind: terms))")
                .run()
        case .postgres:
            let array = terms.split(separator: " ").map(String.init)
            try await sql.raw(
                "UPDATE customers SET search_terms = \(bind: Array(Set(array)).sorted()) WHERE id = \(bind: customerID)"
            ).run()
        }
    }

    /// Indexes customers that are new (an import's chunk) in one statement where the database allows.
    static func insertNew(_ customers: [(id: Int, text: String)], on database: any Database) async throws {
        guard !customers.isEmpty else { return }
        switch database.dialect {
        case .sqlite:
            let insert = try database.sql().insert(into: "customer_search").columns("rowid", "terms")
            for customer in customers {
                insert.values(SQLBind(customer.id), SQLBind(SearchGrams.indexTerms(customer.text)))
            }
            try await insert.run()
        case .postgres:
            for customer in customers { try await update(customerID: customer.id, text: customer.text, on: database) }
        }
    }

    /// How many files the index match holds, counted up to `limit + 1`: enough to tell a common
    /// fragment from a rare one. FTS5 stops at the limit and drives a phrase by its rarest pair, so the
    /// probe costs well under a millisecond either way (term statistics from `fts5vocab` would read a
    /// common term's whole list: 50 ms for 有限 at a million files).
    static func matches(upTo limit: Int, _ phrases: [[String]], indexed: SQLQueryString, on database: any Database)
        async throws -> Int
    {
        let probe: SQLQueryString =
            switch database.dialect {
            case .sqlite:
                "SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: matchExpression(phrases)) LIMIT \(bind: limit + 1)"
            case .postgres: "SELECT customers.id FROM customers WHERE \(indexed) LIMIT \(bind: limit + 1)"
            }
        return try await database.sql().raw("SELECT COUNT(*) AS n FROM (\(probe)) AS probe").first()?.decode(
            column: "n", as: Int.self) ?? 0
    }

    /// Takes a customer out of search (merged or anonymized files).
    static func remove(customerID: Int, on database: any Database) async throws {
        let sql = try database.sql()
        switch database.dialect {
        case .sqlite:
            if let staged = database.fullTextWrites {
                return staged.stage(
                    table: "customer_search", column: "terms", rowid: customerID, text: nil, replaces: true)
            }
            try await sql.raw("DELETE FROM customer_search WHERE rowid = \(bind: customerID)").run()
        case .postgres:
            try await sql.raw("UPDATE customers SET search_terms = '{}' WHERE id = \(bind: customerID)").run()
        }
    }

    /// The FTS5 query for the phrases: each Chinese phrase as adjacent pairs, a latin word as a prefix
    /// (or, without `prefixes`, as a whole term: a part of the prefix query's matches).
    static func matchExpression(_ phrases: [[String]], prefixes: Bool = true) -> String {
        phrases.map { phrase in
            phrase.count == 1 && !phrase[0].unicodeScalars.contains { $0.value > 0x2FFF }
                ? "\"\(phrase[0])\"" + (prefixes ? "*" : "")
                : "\"" + phrase.joined(separator: " ") + "\""
        }.joined(separator: " AND ")
    }

    /// How many files an FTS5 expression matches, counted up to `limit + 1` (SQLite only).
    static func exactMatches(upTo limit: Int, _ expression: String, on database: any Database) async throws -> Int {
        try await database.sql().raw(
            """
            SELECT COUNT(*) AS n FROM (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: expression) \
            LIMIT \(bind: limit + 1)) AS probe
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// A condition on `customers` that holds for rows containing every phrase of the query, or nil
    /// when the query has nothing the index can use.
    static func condition(for phrases: [[String]], dialect: DatabaseDialect) -> SQLQueryString? {
        guard !phrases.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            return
                "customers.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: matchExpression(phrases)))"
        case .postgres:
            var condition: SQLQueryString = "TRUE"
            for phrase in phrases {
                if phrase.count == 1, !phrase[0].unicodeScalars.contains(where: { $0.value > 0x2FFF }) {
                    condition =
                        condition
                        + " AND EXISTS (SELECT 1 FROM unnest(customers.search_terms) AS term WHERE term LIKE \(bind: phrase[0] + "%"))"
                } else {
                    condition =
                        condition + " AND customers.search_terms @> \(bind: Array(Set(phrase)).sorted())::text[]"
                }
            }
            return condition
        }
    }
}

extension CustomerSearchIndex {
    /// Writes every indexed customer's terms again from its search text, a chunk at a time: for a
    /// change of what a text's terms are. Files taken out of search (merged, anonymized) stay out.
    static func rebuild(on database: any Database, chunk: Int = 2_000) async throws {
        let sql = try database.sql()
        var after = 0
        while true {
            let rows =
                switch database.dialect {
                case .sqlite:
                    try await sql.raw(
                        """
                        SELECT customers.id, customers.search_text FROM customer_search
                        JOIN customers ON customers.id = customer_search.rowid
                        WHERE customer_search.rowid > \(bind: after) ORDER BY customer_search.rowid LIMIT \(bind: chunk)
                        """
                    ).all(decoding: Indexed.self)
                case .postgres:
                    try await sql.raw(
                        """
                        SELECT id, search_text FROM customers WHERE id > \(bind: after) AND cardinality(search_terms) > 0
                        ORDER BY id LIMIT \(bind: chunk)
                        """
                    ).all(decoding: Indexed.self)
                }
            guard let last = rows.last else {
                // A million rows written again leave FTS5 thousands of segments and their deleted
                // entries, which every query then reads (pujiang 7 → 31 ms); one merge, 7 s, ends that.
                if database.dialect == .sqlite {
                    try await sql.raw("INSERT INTO customer_search (customer_search) VALUES ('optimize')").run()
                }
                return
            }
            try await database.writeTransaction { tx in
                if tx.dialect == .sqlite {
                    try await tx.sql().raw("DELETE FROM customer_search WHERE rowid IN (\(binds: rows.map(\.id)))")
                        .run()
                    for part in rows.slices(of: 200) {
                        try await insertNew(part.map { ($0.id, $0.search_text) }, on: tx)
                    }
                } else {
                    for row in rows { try await update(customerID: row.id, text: row.search_text, on: tx) }
                }
            }
            after = last.id
        }
    }

    private struct Indexed: Decodable { var id: Int; var search_text: String }
}

/// One Chinese character became a term of its own (a rare surname like 冷 was found only by reading
/// every file): the terms of every indexed file are written again.
struct IndexSearchCharacters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await CustomerSearchIndex.rebuild(on: database)
    }

    /// The extra terms do no harm to the older search, which never asks for them.
    func revert(on database: any Database) async throws {}
}
