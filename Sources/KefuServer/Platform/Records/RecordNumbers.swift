import Fluent
import Foundation
import SQLKit

/// Numbers for every kind that has them (KH, ZX, and the prefixes new parts bring), from one table of
/// counters per prefix and year (issue 9 §3). A counter only goes up, inside the transaction of the
/// record it numbers: a number is never reused, and concurrent creates on PostgreSQL take distinct
/// numbers because the UPDATE locks the counter's row until commit.
enum RecordNumbers {
    /// The year a number carries: the department's calendar year (Beijing time).
    static func year(of date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = DisplayFormat.timeZone
        return calendar.component(.year, from: date)
    }

    /// Reserves `count` consecutive numbers of `numbering` for the year of `date`; returns the year
    /// and the first of them.
    static func reserve(_ numbering: Numbering, count: Int = 1, at date: Date, on database: any Database) async throws
        -> (year: Int, first: Int)
    {
        let year = year(of: date)
        // One statement: the counter's first use and every later one, on the writer's path (issue 18 §9).
        let last =
            try await database.sql().raw(
                """
                INSERT INTO record_number_counters (prefix, year, next_value) VALUES (\(bind: numbering.prefix), \(bind: year), \(bind: count))
                ON CONFLICT (prefix, year) DO UPDATE SET next_value = record_number_counters.next_value + excluded.next_value
                RETURNING next_value
                """
            ).first()?.decode(column: "next_value", as: Int.self) ?? count
        return (year, last - count + 1)
    }

    /// The next number of `numbering`, formatted (`ZX-2026-000042`).
    static func next(_ numbering: Numbering, at date: Date, on database: any Database) async throws -> String {
        let (year, value) = try await reserve(numbering, at: date, on: database)
        return numbering.format(year: year, value: value)
    }
}

/// One table of counters for every prefix; the customers' own counter and the inquiries' numbers
/// (which were their row ids) carry over, so no number already given is given again.
struct CreateRecordNumberCounters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("record_number_counters")
            .field("prefix", .string, .required)
            .field("year", .int, .required)
            .field("next_value", .int, .required)
            .unique(on: "prefix", "year")
            .create()
        let sql = try database.sql()
        try await sql.raw(
            """
            INSERT INTO record_number_counters (prefix, year, next_value) SELECT 'KH', year, next_value FROM customer_code_sequences
            """
        ).run()
        try await sql.raw(
            """
            INSERT INTO record_number_counters (prefix, year, next_value)
            SELECT 'ZX', CAST(substr(number, 4, 4) AS INTEGER), (SELECT MAX(id) FROM inquiries)
            FROM inquiries WHERE number IS NOT NULL GROUP BY CAST(substr(number, 4, 4) AS INTEGER)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("record_number_counters").delete()
    }
}
