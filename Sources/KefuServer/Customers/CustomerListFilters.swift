import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The customer list's filter as parameters (issue 10, improvement 3): read from a query string, a
/// form body or a saved filter alike, and written back as the query string that shows the same list —
/// so a bulk action returns to the list it was taken from, and a saved filter is the list's own URL.
extension CustomerFilter {
    /// The names the filter reads, in the order a query string is written.
    static let parameterNames = [
        "q", "stage", "grade", "specialist", "industry", "region", "source", "notUpdatedDays", "withoutFollowUp",
        "notContactedDays", "sort",
    ]

    init(parameters: QueryParameters, staffID: Int?) {
        func text(_ name: String) -> String? {
            guard let value = parameters[name]?.trimmed, !value.isEmpty else { return nil }
            return String(value.prefix(64))
        }
        let searchText = text("q")
        self.init(
            text: searchText, stage: text("stage").flatMap(CustomerStage.init(rawValue:)), grade: text("grade"),
            // `me` is the viewer: a saved filter 我的意向客户 means whoever uses it.
            responsibleStaffID: text("specialist") == "me" ? staffID : text("specialist").flatMap(Int.init),
            industry: text("industry"), region: text("region"),
            source: text("source").flatMap(SourceChannel.init(rawValue:)),
            notUpdatedDays: text("notUpdatedDays").flatMap(Int.init).map { min(max($0, 1), 3650) },
            // Search results come newest first unless asked otherwise: the order the index answers at once.
            sort: text("sort").flatMap(CustomerFilter.Sort.init(rawValue:))
                ?? (searchText == nil ? .updated : .created),
            withoutOpenFollowUp: text("withoutFollowUp") == "1",
            notContactedDays: text("notContactedDays").flatMap(Int.init).map { min(max($0, 1), 3650) }
        )
    }

    /// The filter's parameters that are set, by name (the sort always).
    var parameters: [String: String] {
        var values: [String: String] = ["sort": sort.rawValue]
        values["q"] = text
        values["stage"] = stage?.rawValue
        values["grade"] = grade
        values["specialist"] = responsibleStaffID.map(String.init)
        values["industry"] = industry
        values["region"] = region
        values["source"] = source?.rawValue
        values["notUpdatedDays"] = notUpdatedDays.map(String.init)
        values["withoutFollowUp"] = withoutOpenFollowUp ? "1" : nil
        values["notContactedDays"] = notContactedDays.map(String.init)
        return values
    }

    /// `stage=intent&sort=updated`: the list's query string, in a fixed order.
    var queryString: String {
        let values = parameters
        return Self.parameterNames.compactMap { name in
            values[name].map {
                "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: .urlQueryValueAllowed) ?? "")"
            }
        }.joined(separator: "&")
    }

    /// Whether two filters show the same files (the sort aside).
    func sameFiles(as other: CustomerFilter) -> Bool {
        var a = self, b = other
        a.sort = .updated
        b.sort = .updated
        return a == b
    }
}

/// Filters a person keeps for the customer list (issue 10, improvement 3): the built-in three for
/// everyone, and their own saved ones, each stored as the list's query string.
struct SavedFilterStore {
    let database: any Database
    static let maximumPerPerson = 30

    struct Row: Content, Equatable {
        var id: Int; var name: String; var query: String
    }

    /// The built-in filters: 我的意向客户, 意向无跟进, 30 天未联系.
    static let builtIns: [(key: String, query: String)] = [
        ("saved_filters.builtin.my_intent", "stage=intent&specialist=me"),
        ("saved_filters.builtin.intent_without_follow_up", "withoutFollowUp=1"),
        ("saved_filters.builtin.not_contacted_30", "notContactedDays=30"),
    ]

    func list(staffID: Int) async throws -> [Row] {
        try await database.sql().raw(
            """
            SELECT id, name, query FROM saved_filters WHERE staff_id = \(bind: staffID) ORDER BY name, id
            """
        ).all(decoding: Row.self)
    }

    /// Saves the filter under a name; the same name again replaces that filter. Refused: an empty or
    /// long name, an empty filter, more than ``maximumPerPerson``.
    func save(name: String, filter: CustomerFilter, staffID: Int, context: AuditContext) async throws -> Row {
        let name = name.trimmed
        var errors: [String: String] = [:]
        if name.isEmpty || name.count > 40 { errors["name"] = "validation.saved_filter.name" }
        let query = filter.queryString
        if filter.sameFiles(as: CustomerFilter()) { errors["filter"] = "validation.saved_filter.empty" }
        guard errors.isEmpty else { throw FieldErrors(errors) }
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            if let existing = try await sql.raw(
                """
                SELECT id FROM saved_filters WHERE staff_id = \(bind: staffID) AND name = \(bind: name)
                """
            ).first()?.decode(column: "id", as: Int.self) {
                try await sql.raw("UPDATE saved_filters SET query = \(bind: query) WHERE id = \(bind: existing)").run()
                try await AuditLog.record(
                    "saved_filter.saved", recordType: "saved_filter", recordID: String(existing), fields: ["query"],
                    message: AuditMessage.name(name), context: context, on: tx)
                return Row(id: existing, name: name, query: query)
            }
            let count =
                try await sql.raw("SELECT COUNT(*) AS n FROM saved_filters WHERE staff_id = \(bind: staffID)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            guard count < Self.maximumPerPerson else { throw FieldErrors(["name": "validation.saved_filter.too_many"]) }
            let id =
                try await sql.raw(
                    """
                    INSERT INTO saved_filters (staff_id, name, query, created_at) VALUES (\(bind: staffID), \(bind: name), \(bind: query), \(bind: context.now))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "saved_filter.saved", recordType: "saved_filter", recordID: String(id), fields: ["query"],
                message: AuditMessage.name(name),
                context: context, on: tx)
            return Row(id: id, name: name, query: query)
        }
    }

    /// Deletes one of the person's own filters; false when they have none with this id.
    func delete(_ id: Int, staffID: Int, context: AuditContext) async throws -> Bool {
        try await database.writeTransaction { tx in
            let rows = try await tx.sql().raw(
                "DELETE FROM saved_filters WHERE id = \(bind: id) AND staff_id = \(bind: staffID) RETURNING id"
            ).all()
            guard !rows.isEmpty else { return false }
            try await AuditLog.record(
                "saved_filter.deleted", recordType: "saved_filter", recordID: String(id), fields: [],
                context: context, on: tx)
            return true
        }
    }
}

/// `saved_filters` (issue 10): a person's filters of the customer list, and the index that serves the
/// list sorted by name at a million files.
struct CreateSavedFilters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("saved_filters")
            .field("id", .int, .identifier(auto: true))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("name", .string, .required)
            .field("query", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "staff_id", "name")
            .create()
        try await database.sql().raw("CREATE INDEX customers_name ON customers (name, id) WHERE merged_into_id IS NULL")
            .run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX customers_name").run()
        try await database.schema("saved_filters").delete()
    }
}

extension CustomerQueries {
    /// The ids of every file matching the filter that the viewer may list, up to `limit` (select all
    /// across the filter): one indexed read of ids, no rows.
    func matchingIDs(_ filter: CustomerFilter, visibleTo actor: Actor, now: Date, limit: Int) async throws -> [Int] {
        let condition = try await whereClause(filter, visibleTo: actor, now: now)
        return try await database.sql().raw(
            "SELECT customers.id FROM customers WHERE \(condition) LIMIT \(bind: limit)"
        )
        .all().map { try $0.decode(column: "id", as: Int.self) }
    }
}
