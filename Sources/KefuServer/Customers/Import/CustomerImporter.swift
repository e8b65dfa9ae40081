import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Writes a checked import plan in one transaction (issue 3 §6): every row is created, or — when
/// anything fails — none is. Codes are taken as one block; rows go in multi-row statements.
struct CustomerImporter {
    enum DuplicateHandling: String, CaseIterable, Codable, Sendable {
        /// Rows matching an existing file (or an earlier row) are left out and reported.
        case skip
        /// Rows are imported anyway, marked on the timeline with the duplicate they match.
        case importAnyway = "import"
    }

    struct Outcome: Codable, Sendable {
        var created = 0
        var skippedLines: [Int] = []
    }

    let database: any Database
    var codeFormat = CustomerCodeFormat()
    /// Rows per statement: 33 columns × 900 rows stays under SQLite's 32,766 bound parameters.
    static let chunk = 900

    /// The lines whose mobile, credit code or company matches an existing file or an earlier row.
    /// How many of the duplicates are files on record (not an earlier line of the same upload).
    static func matchesOnRecord(_ duplicates: [Int: String]) -> Int {
        duplicates.values.filter { !$0.hasPrefix(Self.earlierLinePrefix) }.count
    }

    static let earlierLinePrefix = "line "

    func duplicateLines(in plan: CustomerImportPlan) async throws -> [Int: String] {
        // Each row's keys once: the company key folds and strips the name, which costs at 100,000 rows.
        let rowKeys = plan.rows.map { row in
            (
                line: row.line, mobile: row.values.mobile, creditCode: row.values.creditCode,
                companyKey: row.values.companyName.flatMap(CompanyName.matchKey)
            )
        }
        var found: [Int: String] = [:]
        var seen: [String: Int] = [:]
        for row in rowKeys {
            for key in [
                row.mobile.map { "m:" + $0 }, row.creditCode.map { "c:" + $0 }, row.companyKey.map { "k:" + $0 },
            ].compactMap({ $0 }) {
                if let first = seen[key] {
                    found[row.line] = found[row.line] ?? "\(Self.earlierLinePrefix)\(first)"
                } else {
                    seen[key] = row.line
                }
            }
        }
        let sql = try database.sql()
        var batches = 0
        for (column, wanted) in [
            ("mobile", rowKeys.compactMap { row in row.mobile.map { ($0, row.line) } }),
            ("credit_code", rowKeys.compactMap { row in row.creditCode.map { ($0, row.line) } }),
            ("company_key", rowKeys.compactMap { row in row.companyKey.map { ($0, row.line) } }),
        ] {
            for start in stride(from: 0, to: wanted.count, by: 500) {
                batches += 1
                if batches % 4 == 0 { try await Self.releaseMappedPages(on: database) }
                let slice = wanted[start..<min(start + 500, wanted.count)]
                // One row per value, however many files share it: a file imported again would otherwise
                // bring back every earlier copy (ten copies made the check ten times slower).
                let existing = try await sql.raw(
                    """
                    SELECT \(unsafeRaw: column) AS v, MIN(code) AS code FROM customers
                    WHERE \(unsafeRaw: column) IN (\(binds: slice.map(\.0))) AND merged_into_id IS NULL GROUP BY \(unsafeRaw: column)
                    """
                ).all()
                var codes: [String: String] = [:]
                for row in existing {
                    codes[try row.decode(column: "v", as: String.self)] = try row.decode(
                        column: "code", as: String.self)
                }
                for (value, line) in slice { if let code = codes[value] { found[line] = found[line] ?? code } }
            }
        }
        return found
    }

    /// Writes the plan; `duplicates` are those its check just found (``duplicateLines(in:)``), so a
    /// large file is not compared with every file twice.
    func run(
        _ plan: CustomerImportPlan, duplicates: [Int: String], handling: DuplicateHandling, responsibleStaffID: Int?,
        jobLabel: String,
        context: AuditContext, owners: [Int: Int] = [:], progress: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> Outcome {
        let rows = handling == .skip ? plan.rows.filter { duplicates[$0.line] == nil } : plan.rows
        let outcome = Outcome(created: rows.count, skippedLines: handling == .skip ? duplicates.keys.sorted() : [])
        guard !rows.isEmpty else { return outcome }
        // Alone in its transaction: in a savepoint SQLite kept a copy of every page of the file the import
        // changed, 1.2 GB at a million files (issue 18 §8).
        try await database.largeTransaction { tx in
            let sql = try tx.sql()
            // One reservation for the whole file, from the counters every numbered kind shares.
            let (year, first) = try await RecordNumbers.reserve(
                CustomerFileKind.numbering!, count: rows.count, at: context.now, on: tx)
            var sequence = first - 1
            var done = 0
            for start in stride(from: 0, to: rows.count, by: Self.chunk) {
                let slice = rows[start..<min(start + Self.chunk, rows.count)]
                // Values, not models: a Fluent model per row cost a tenth of the import.
                let written = slice.map {
                    row -> (code: String, values: CustomerValues, derived: CustomerModel.DerivedColumns, owner: Int?) in
                    sequence += 1
                    let code = codeFormat.code(year: year, sequence: sequence)
                    return (
                        code, row.values, CustomerModel.DerivedColumns(row.values, code: code),
                        owners[row.line] ?? responsibleStaffID
                    )
                }
                let insert = sql.insert(into: "customers").columns(
                    "code", "kind", "name", "company_name", "company_key", "credit_code", "mobile", "mobile_last4",
                    "landline", "email",
                    "wechat_id", "province", "city", "address", "business_scope", "industries", "budget_min_yuan",
                    "budget_max_yuan",
                    "preferred_regions", "timing", "source", "category", "grade", "stage", "lost_reason",
                    "responsible_staff_id", "tags",
                    "remarks", "search_text", "created_by_staff_id", "created_at", "updated_at", "version"
                )
                for (code, v, d, owner) in written {
                    insert.values(
                        SQLBind(code), SQLBind(v.kind.rawValue), SQLBind(v.name), SQLBind(v.companyName),
                        SQLBind(d.companyKey), SQLBind(v.creditCode),
                        SQLBind(v.mobile), SQLBind(d.mobileLast4), SQLBind(v.landline), SQLBind(v.email),
                        SQLBind(v.wechatID),
                        SQLBind(v.province), SQLBind(v.city), SQLBind(v.address), SQLBind(v.businessScope),
                        SQLBind(d.industries),
                        SQLBind(d.budgetMinYuan), SQLBind(d.budgetMaxYuan), SQLBind(v.preferredRegions),
                        SQLBind(v.timing.rawValue),
                        SQLBind(v.source.rawValue), SQLBind(v.category), SQLBind(v.grade), SQLBind(v.stage.rawValue),
                        SQLBind(v.lostReason),
                        SQLBind(owner), SQLBind(d.tags), SQLBind(v.remarks), SQLBind(d.searchText),
                        SQLBind(context.actorStaffID),
                        SQLBind(context.now), SQLBind(context.now), SQLBind(1)
                    )
                }
                let ids = try await insert.returning("id").all().map { try $0.decode(column: "id", as: Int.self) }
                try await CustomerSearchIndex.insertNew(
                    zip(ids, written).map { (id: $0.0, text: $0.1.derived.searchText) }, on: tx)
                let timeline = sql.insert(into: "timeline_entries").columns(
                    "customer_id", "occurred_at", "kind", "record_type", "record_id", "staff_id", "actor_name",
                    "summary", "message_key", "message_args")
                for ((id, customer), row) in zip(
                    zip(ids, written.map { (code: $0.code, values: $0.values, derived: $0.derived) }), slice)
                {
                    var arguments: [String: StoredArgument] = [
                        "code": "\(customer.code)", "job": "\(jobLabel)", "line": "\(row.line)",
                    ]
                    if let duplicate = duplicates[row.line] { arguments["duplicates"] = "\(duplicate)" }
                    let message = StoredMessage(
                        arguments["duplicates"] == nil
                            ? "timeline.message.imported" : "timeline.message.imported_duplicate", arguments)
                    timeline.values(
                        SQLBind(id), SQLBind(context.now), SQLBind(Timeline.Kind.created.rawValue), SQLBind("customer"),
                        SQLBind(id),
                        SQLBind(context.actorStaffID), SQLBind(context.actorName), SQLBind(""),
                        SQLBind(message.key), SQLBind(message.argumentsJSON))
                }
                try await timeline.run()
                done += slice.count
                await progress(done)
                try await Self.releaseMappedPages(on: tx)
            }
            try await AuditLog.record(
                "customer.imported", recordType: "customer", recordID: jobLabel,
                fields: Array(plan.mapping.fieldForColumn.values),
                message: AuditMessage.imported(created: "\(rows.count)", skipped: "\(outcome.skippedLines.count)"),
                context: context, on: tx)
        }
        return outcome
    }

    /// Lets go of the file pages SQLite read through its memory mapping on this connection. An import
    /// reads index pages all over a file of gigabytes, and every page read through the mapping stays
    /// resident in the server until the mapping goes (415 MB of the 3.6 GB file for 100,000 rows);
    /// mapping the file anew after every chunk keeps that to the pages of one chunk (the kernel maps
    /// 64 KB around each page read, so a few thousand random reads map hundreds of megabytes). Without the
    /// mapping at all the import ran three times slower, its pages going through the 64 MB page cache.
    static func releaseMappedPages(on database: any Database) async throws {
        guard database.dialect == .sqlite else { return }
        let sql = try database.sql()
        let size = try await sql.raw("PRAGMA mmap_size").first()?.decode(column: "mmap_size", as: Int.self) ?? 0
        guard size > 0 else { return }
        try await sql.raw("PRAGMA mmap_size = 0").run()
        try await sql.raw("PRAGMA mmap_size = \(unsafeRaw: String(size))").run()
    }
}

/// Whose imported files are (issue 10, owner rules): the importer's own (`me`, the default and the only
/// rule for a specialist), one person's (a staff id), or dealt in turn among the active specialists
/// (`round_robin`) — the latter two for whoever may reassign customers.
struct ImportOwners: Sendable {
    var everyone: Int?
    var byLine: [Int: Int] = [:]

    static func resolve(_ rule: String?, rows: [CustomerImportPlan.Row], req: Request) async throws -> ImportOwners {
        let staff = try req.requireStaff()
        let rule = (rule ?? "me").trimmed
        if rule.isEmpty || rule == "me" { return ImportOwners(everyone: staff.id) }
        guard AccessPolicy.allows(staff.role, .reassignCustomers) else {
            throw FieldErrors(["owner": "validation.import.owner_not_allowed"])
        }
        let specialists = try await StaffStore(database: req.db).specialistIDs()
        if rule == "round_robin" {
            guard !specialists.isEmpty else { throw FieldErrors(["owner": "validation.customer.reassign_target"]) }
            var owners = ImportOwners(everyone: staff.id)
            for (index, row) in rows.enumerated() { owners.byLine[row.line] = specialists[index % specialists.count] }
            return owners
        }
        guard let id = Int(rule), try await StaffStore(database: req.db).isAssignee(id) else {
            throw FieldErrors(["owner": "validation.customer.reassign_target"])
        }
        return ImportOwners(everyone: id)
    }
}

extension StaffStore {
    /// The active specialists in a fixed order, for dealing imported files in turn.
    func specialistIDs() async throws -> [Int] {
        try await database.sql().raw(
            """
            SELECT id FROM staff WHERE is_active = \(bind: true) AND role = \(bind: Role.specialist.rawValue) ORDER BY id
            """
        ).all().map { try $0.decode(column: "id", as: Int.self) }
    }
}
