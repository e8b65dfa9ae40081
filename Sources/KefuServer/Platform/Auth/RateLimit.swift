import Fluent
import Foundation
import SQLKit
import Vapor

/// A limit on how often one subject (an address, a person) may do something, counted in the database
/// so that it holds across instances and against parallel requests (issue 11 #6): the public form per
/// address, the duplicate check per person.
struct RateLimit: Sendable {
    /// What is counted, e.g. `public_form`.
    var bucket: String
    var limit: Int
    var window: TimeInterval

    /// Counts an attempt if fewer than `limit` were made within the window; false when refused (and
    /// then nothing is counted).
    func admit(_ subject: String, now: Date, on database: any Database) async throws -> Bool {
        let subject = String(subject.prefix(128))
        let id = try await database.insertIfUnderLimit(
            """
            INSERT INTO rate_limit_hits (bucket, subject, occurred_at)
            SELECT \(bind: bucket), \(bind: subject), \(bind: now)
            WHERE (SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = \(bind: bucket) AND subject = \(bind: subject)
                   AND occurred_at > \(bind: now.addingTimeInterval(-window))) < \(bind: limit)
            RETURNING id
            """, lockKey: "rate:\(bucket)")
        return id != nil
    }

    /// Forgets attempts older than a day (the longest window), from the housekeeping job.
    static func purge(before cutoff: Date, on database: any Database) async throws {
        try await database.sql().raw("DELETE FROM rate_limit_hits WHERE occurred_at < \(bind: cutoff)").run()
    }
}

struct CreateRateLimitHits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("rate_limit_hits")
            .field("id", .int, .identifier(auto: true))
            .field("bucket", .string, .required)
            .field("subject", .string, .required)
            .field("occurred_at", .datetime, .required)
            .create()
        try await database.sql().raw(
            "CREATE INDEX rate_limit_hits_subject ON rate_limit_hits (bucket, subject, occurred_at)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("rate_limit_hits").delete()
    }
}
