import Fluent
import Foundation
import KefuDomain
import Vapor

/// The duplicate check says whether a whole mobile number or credit code is on file — which someone
/// who sees contact details masked could otherwise use to confirm a guessed number. So every answer
/// that could confirm one (the check itself, and a save refused as a possible duplicate) is counted
/// per person and audited (issue 11 #2); the answer says whose file it is, never its hidden fields.
enum DuplicateCheck {
    /// Checks one person may make in an hour: plenty for entering files, far too few to guess numbers.
    static let limit = RateLimit(bucket: "duplicate_check", limit: 60, window: 3600)

    static let tooMany = KefuError(
        .tooManyRequests, code: "too_many_duplicate_checks", messageKey: "error.customer.too_many_duplicate_checks",
        headers: ["Retry-After": "3600"]
    )

    /// Counts a check for the person acting; 429 when their hour's allowance is used up.
    static func admit(_ context: AuditContext, on database: any Database) async throws {
        guard try await limit.admit("staff:\(context.actorStaffID ?? 0)", now: context.now, on: database) else {
            throw tooMany
        }
    }

    /// Writes the audit entry of a check: what was asked (the mobile masked) and which files matched.
    static func record(
        _ matches: [DuplicateMatch], for values: CustomerValues, context: AuditContext, on database: any Database
    ) async throws {
        var asked: [String] = []
        if let mobile = values.mobile { asked.append(MainlandMobile.masked(mobile)) }
        if let code = values.creditCode { asked.append(ContactMasking.maskMiddle(code)) }
        if let company = values.companyName, company != "-" { asked.append(company) }
        try await AuditLog.record(
            "customer.duplicate_checked", recordType: "customer",
            recordID: matches.isEmpty ? "-" : matches.map { String($0.id) }.joined(separator: ","),
            fields: [values.mobile.map { _ in "mobile" }, values.creditCode.map { _ in "creditCode" }].compactMap {
                $0
            },
            message: AuditMessage.duplicateChecked(asked: asked.joined(separator: " · "), matches: "\(matches.count)"),
            context: context, on: database
        )
    }

    /// Counts, audits and throws the possible duplicates of a file being saved.
    static func refuse(
        _ matches: [DuplicateMatch], for values: CustomerValues, context: AuditContext, on database: any Database
    ) async throws -> Never {
        try await admit(context, on: database)
        try await record(matches, for: values, context: context, on: database)
        throw PossibleDuplicates(matches: matches)
    }

    /// An import's check answers the duplicate question for every row at once: a file of guessed
    /// numbers would confirm each of them. So for anyone who does not see every file unmasked, each
    /// row matching a file on record counts against the same hourly allowance, and the check is
    /// audited with its counts; over the allowance the check is refused whole (the supervisor, who
    /// sees every file, imports such a list).
    static func admitImport(
        matchingExisting matches: Int, rows: Int, actor: Actor, context: AuditContext, on database: any Database
    ) async throws {
        try await AuditLog.record(
            "customer.import_checked", recordType: "customer", recordID: "-",
            fields: ["mobile", "creditCode", "companyName"],
            message: AuditMessage.importChecked(rows: "\(rows)", matches: "\(matches)"), context: context, on: database)
        guard ContactVisibility.unmaskedRows(for: actor) != .all, matches > 0 else { return }
        guard matches <= limit.limit else { throw tooMany }
        for _ in 0..<matches { try await admit(context, on: database) }
    }
}
