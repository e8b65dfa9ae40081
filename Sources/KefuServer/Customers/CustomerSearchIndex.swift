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
            try await sql.raw("CREATE VIRTUAL TABLE customer_search USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')").run()
        case .postgres:
            try await sql.raw("ALTER TABLE customers ADD COLUMN search_terms text[] NOT NULL DEFAULT '{}'").run()
            try await sql.raw("CREATE INDEX customers_search_terms ON customers USING GIN (search_terms)").run()
        }
    }

    static func drop(on database: any Database) async throws {
        if database.dialect == .sqlite {
            try await database.sql().raw("DROP TABLE IF EXISTS customer_search").run()
        }
    }

    /// Writes a customer's terms; call it in the transaction that changes the customer.
    static func update(customerID: Int, text: String, on database: any Database) async throws {
        let terms = SearchGrams.indexTerms(text)
        let sql = try database.sql()
        switch database.dialect {
        case .sqlite:
            try await sql.raw("DELETE FROM customer_search WHERE rowid = \(bind: customerID)").run()
            try await sql.raw("INSERT INTO customer_search (rowid, terms) VALUES (\(bind: customerID), \(bind: terms))").run()
        case .postgres:
            let array = terms.split(separator: " ").map(String.init)
            try await sql.raw("UPDATE customers SET search_terms = \(bind: Array(Set(array)).sorted()) WHERE id = \(bind: customerID)").run()
        }
    }

    /// Takes a customer out of search (merged or anonymized files).
    static func remove(customerID: Int, on database: any Database) async throws {
        let sql = try database.sql()
        switch database.dialect {
        case .sqlite: try await sql.raw("DELETE FROM customer_search WHERE rowid = \(bind: customerID)").run()
        case .postgres: try await sql.raw("UPDATE customers SET search_terms = '{}' WHERE id = \(bind: customerID)").run()
        }
    }

    /// A condition on `customers` that holds for rows containing every phrase of the query, or nil
    /// when the query has nothing the index can use.
    static func condition(for phrases: [[String]], dialect: DatabaseDialect) -> SQLQueryString? {
        guard !phrases.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            let match = phrases.map { phrase in
                phrase.count == 1 && !phrase[0].unicodeScalars.contains { $0.value > 0x2FFF }
                    ? "\"\(phrase[0])\"*"
                    : "\"" + phrase.joined(separator: " ") + "\""
            }.joined(separator: " AND ")
            return "customers.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH \(bind: match))"
        case .postgres:
            var condition: SQLQueryString = "TRUE"
            for phrase in phrases {
                if phrase.count == 1, !phrase[0].unicodeScalars.contains(where: { $0.value > 0x2FFF }) {
                    condition = condition + " AND EXISTS (SELECT 1 FROM unnest(customers.search_terms) AS term WHERE term LIKE \(bind: phrase[0] + "%"))"
                } else {
                    condition = condition + " AND customers.search_terms @> \(bind: Array(Set(phrase)).sorted())::text[]"
                }
            }
            return condition
        }
    }
}
