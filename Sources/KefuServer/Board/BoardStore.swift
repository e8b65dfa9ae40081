import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The pipeline by stage (issue 10, improvement 4): for each stage the most recently touched files of
/// one specialist or of the team, with a capped count, and each card's next open follow-up.
///
/// One query per column (served by `customers_responsible_updated` for a person, `customers_stage_updated`
/// for the team), one capped count per column, and one query for the cards' next follow-ups — never a
/// query per card.
struct BoardStore {
    let database: any Database
    static let cardsPerColumn = 30

    struct Card: Content {
        var id: Int; var code: String; var name: String; var companyName: String?; var stage: String; var version: Int
        var updatedAt: Date; var responsibleStaffID: Int?; var responsibleName: String?
        var nextFollowUpAt: Date?
    }

    struct Column: Content {
        var stage: String
        /// Exact up to ``CustomerQueries/countCap``; `isCapped` beyond.
        var count: Int
        var isCapped: Bool
        var cards: [Card]
    }

    /// The board of `staffID`'s files, or of everyone's when nil.
    func columns(staffID: Int?) async throws -> [Column] {
        let sql = try database.sql()
        let owner: SQLQueryString = staffID.map { " AND customers.responsible_staff_id = \(bind: $0)" } ?? ""
        var columns: [Column] = []
        for stage in CustomerStage.allCases {
            // The stage is one of six words, written into the SQL so the partial index's rows match.
            let condition: SQLQueryString =
                "customers.merged_into_id IS NULL AND customers.stage = '\(unsafeRaw: stage.rawValue)'" + owner
            let count =
                try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM (SELECT 1 FROM customers WHERE \(condition) LIMIT \(bind: CustomerQueries.countCap + 1)) AS capped
                    """
                ).first()?.decode(column: "n", as: Int.self) ?? 0
            struct Row: Decodable {
                var id: Int; var code: String; var name: String; var company_name: String?; var stage: String;
                var version: Int
                var updated_at: Date; var responsible_staff_id: Int?; var responsible_name: String?
            }
            let rows = try await sql.raw(
                """
                SELECT customers.id, customers.code, customers.name, customers.company_name, customers.stage, customers.version,
                       customers.updated_at, customers.responsible_staff_id, staff.display_name AS responsible_name
                FROM customers LEFT JOIN staff ON staff.id = customers.responsible_staff_id
                WHERE \(condition) ORDER BY customers.updated_at DESC, customers.id DESC LIMIT \(bind: Self.cardsPerColumn)
                """
            ).all(decoding: Row.self)
            columns.append(
                Column(
                    stage: stage.rawValue, count: min(count, CustomerQueries.countCap),
                    isCapped: count > CustomerQueries.countCap,
                    cards: rows.map {
                        Card(
                            id: $0.id, code: $0.code, name: $0.name, companyName: $0.company_name, stage: $0.stage,
                            version: $0.version,
                            updatedAt: $0.updated_at, responsibleStaffID: $0.responsible_staff_id,
                            responsibleName: $0.responsible_name)
                    }))
        }
        let ids = columns.flatMap { $0.cards.map(\.id) }
        if !ids.isEmpty {
            struct Next: Decodable { var customerID: Int; var dueAt: Date }
            let next = try await sql.raw(
                """
                SELECT customer_id, MIN(due_at) AS due_at FROM follow_ups
                WHERE customer_id IN (\(binds: ids)) AND completed_at IS NULL GROUP BY customer_id
                """
            ).allRows(Next.self)
            let due = Dictionary(next.map { ($0.customerID, $0.dueAt) }, uniquingKeysWith: { first, _ in first })
            for c in columns.indices {
                for k in columns[c].cards.indices { columns[c].cards[k].nextFollowUpAt = due[columns[c].cards[k].id] }
            }
        }
        return columns
    }
}
