import Fluent
import Foundation
import KefuDomain
import SQLKit

/// A project as stored: its current facts, version and times.
struct ProjectRecord: Sendable {
    var id: Int
    var facts: ProjectFacts
    var version: Int
    var createdAt: Date
    var updatedAt: Date
}

/// Reads and writes the project catalog (R3.2). Every change of the facts writes a version row in
/// the same transaction, with the fields that changed, and an audit entry.
struct ProjectStore {
    let database: any Database

    /// The row as SQL returns it; amounts in yuan, as customers' budgets are kept.
    struct Row: Decodable {
        var id: Int, code: String, name: String, type: String, industries: String
        var province: String?, city: String?, address: String?
        var area_square_meters: Double?, investment_min_yuan: Int64?, investment_max_yuan: Int64?
        var annual_return_percent: Double?, payback_years: Double?
        var incentives: String?, highlights: String?, status: String, responsible_department: String?
        var created_at: Date, updated_at: Date, version: Int

        var record: ProjectRecord {
            ProjectRecord(
                id: id,
                facts: ProjectFacts(
                    code: code, name: name, type: ProjectType(rawValue: type) ?? .other,
                    industries: industries.split(separator: ",").map(String.init), province: province, city: city,
                    address: address,
                    areaSquareMeters: area_square_meters.map { Decimal($0) },
                    investmentMinWan: investment_min_yuan.map(CustomerModel.wan),
                    investmentMaxWan: investment_max_yuan.map(CustomerModel.wan),
                    annualReturnPercent: annual_return_percent.map { Decimal($0) },
                    paybackYears: payback_years.map { Decimal($0) }, incentives: incentives, highlights: highlights,
                    status: ProjectStatus(rawValue: status) ?? .closed, responsibleDepartment: responsible_department
                ),
                version: version, createdAt: created_at, updatedAt: updated_at
            )
        }
    }

    static let columns: SQLQueryString = """
        id, code, name, type, industries, province, city, address, area_square_meters, investment_min_yuan, investment_max_yuan,
        annual_return_percent, payback_years, incentives, highlights, status, responsible_department, created_at, updated_at, version
        """

    struct Filter: Sendable {
        var text: String?
        var status: ProjectStatus?
        var type: ProjectType?
        var industry: String?
    }

    func list(_ filter: Filter) async throws -> [ProjectRecord] {
        var condition: SQLQueryString = "TRUE"
        if let text = filter.text?.trimmed, !text.isEmpty {
            let pattern = "%" + escapeLike(text.lowercased()) + "%"
            condition =
                condition
                + " AND (LOWER(code) LIKE \(bind: pattern) OR name LIKE \(bind: pattern) OR COALESCE(province, '') LIKE \(bind: pattern) OR COALESCE(city, '') LIKE \(bind: pattern))"
        }
        if let status = filter.status { condition = condition + " AND status = \(bind: status.rawValue)" }
        if let type = filter.type { condition = condition + " AND type = \(bind: type.rawValue)" }
        if let industry = filter.industry { condition = condition + " AND industries LIKE \(bind: "%,\(industry),%")" }
        return try await database.sql().raw(
            "SELECT \(Self.columns) FROM projects WHERE \(condition) ORDER BY status = 'open' DESC, code"
        )
        .all(decoding: Row.self).map(\.record)
    }

    func find(_ id: Int) async throws -> ProjectRecord? {
        try await database.sql().raw("SELECT \(Self.columns) FROM projects WHERE id = \(bind: id)").first(
            decoding: Row.self)?.record
    }

    func create(_ facts: ProjectFacts, context: AuditContext) async throws -> ProjectRecord {
        if try await codeTaken(facts.code, except: nil) { throw FieldErrors(["code": "validation.project.code_taken"]) }
        return try await database.writeTransaction { tx in
            let row = try await tx.sql().raw(
                """
                INSERT INTO projects (code, name, type, industries, province, city, address, area_square_meters, investment_min_yuan,
                    investment_max_yuan, annual_return_percent, payback_years, incentives, highlights, status, responsible_department,
                    created_at, updated_at, version)
                VALUES (\(Self.values(facts)), \(bind: context.now), \(bind: context.now), 1)
                RETURNING \(Self.columns)
                """
            ).first(decoding: Row.self)
            guard let record = row?.record else { throw KefuError.notFound }
            try await Self.writeVersion(record, changes: [], context: context, on: tx)
            try await AuditLog.record(
                "project.created", recordType: "project", recordID: String(record.id), fields: ["code", "name"],
                message: AuditMessage.number(facts.code), context: context, on: tx)
            return record
        }
    }

    /// Changes the facts from `version`; a stale version is a conflict, never an overwrite.
    func update(_ id: Int, with facts: ProjectFacts, version: Int, context: AuditContext) async throws -> ProjectRecord
    {
        guard let current = try await find(id) else { throw KefuError.notFound }
        if current.version != version { throw RecordConflict(ProjectKind.self, id: id, readVersion: version) }
        if try await codeTaken(facts.code, except: id) { throw FieldErrors(["code": "validation.project.code_taken"]) }
        let changes = facts.changes(from: current.facts)
        if changes.isEmpty { return current }
        return try await database.writeTransaction { tx in
            // Someone saved in between the read and this write: the write path refuses it.
            let written = try await RecordWrites.change(
                ProjectKind.self, id: id, version: version,
                RecordWrite(
                    set: """
                        (code, name, type, industries, province, city, address, area_square_meters, investment_min_yuan,
                        investment_max_yuan, annual_return_percent, payback_years, incentives, highlights, status, responsible_department) =
                        (\(Self.values(facts)))
                        """,
                    audit: .init(
                        action: "project.changed", fields: changes.map(\.field),
                        message: AuditMessage.version("\(version + 1)"))),
                context: context, on: tx)
            guard let record = try await ProjectStore(database: tx).find(id), record.version == written.version else {
                throw RecordConflict(ProjectKind.self, id: id, readVersion: version)
            }
            try await Self.writeVersion(record, changes: changes, context: context, on: tx)
            return record
        }
    }

    private func codeTaken(_ code: String, except id: Int?) async throws -> Bool {
        try await database.sql().raw("SELECT id FROM projects WHERE code = \(bind: code) AND id <> \(bind: id ?? 0)")
            .first() != nil
    }

    private static func values(_ facts: ProjectFacts) -> SQLQueryString {
        """
        \(bind: facts.code), \(bind: facts.name), \(bind: facts.type.rawValue), \(bind: "," + facts.industries.joined(separator: ",") + ","),
        \(bind: facts.province), \(bind: facts.city), \(bind: facts.address), \(bind: facts.areaSquareMeters.map { NSDecimalNumber(decimal: $0).doubleValue }),
        \(bind: facts.investmentMinWan.map(CustomerModel.yuan)), \(bind: facts.investmentMaxWan.map(CustomerModel.yuan)),
        \(bind: facts.annualReturnPercent.map { NSDecimalNumber(decimal: $0).doubleValue }), \(bind: facts.paybackYears.map { NSDecimalNumber(decimal: $0).doubleValue }),
        \(bind: facts.incentives), \(bind: facts.highlights), \(bind: facts.status.rawValue), \(bind: facts.responsibleDepartment)
        """
    }

    private static func writeVersion(
        _ record: ProjectRecord, changes: [(field: String, old: String, new: String)], context: AuditContext,
        on database: any Database
    ) async throws {
        let facts = String(decoding: try JSONEncoder().encode(record.facts), as: UTF8.self)
        let summary = String(
            decoding: try JSONEncoder().encode(
                changes.map { FieldChange(field: $0.field, oldValue: $0.old, newValue: $0.new) }), as: UTF8.self)
        try await database.sql().raw(
            """
            INSERT INTO project_versions (project_id, version, facts, changes, staff_id, actor_name, changed_at)
            VALUES (\(bind: record.id), \(bind: record.version), \(bind: facts), \(bind: summary), \(bind: context.actorStaffID),
                    \(bind: context.actorName), \(bind: context.now))
            """
        ).run()
    }

    struct Version: Decodable, Sendable {
        var version: Int
        var facts: String
        var changes: String
        var actorName: String
        var changedAt: Date
        enum CodingKeys: String, CodingKey {
            case version, facts, changes, actorName = "actor_name", changedAt = "changed_at"
        }

        var decodedFacts: ProjectFacts? { try? JSONDecoder().decode(ProjectFacts.self, from: Data(facts.utf8)) }
        /// The fields that changed from the version before (none for the first).
        var fieldChanges: [FieldChange] {
            (try? JSONDecoder().decode([FieldChange].self, from: Data(changes.utf8))) ?? []
        }
    }

    func versions(of projectID: Int) async throws -> [Version] {
        try await database.sql().raw(
            """
            SELECT project_versions.version, project_versions.facts, project_versions.changes,
                   COALESCE(staff.display_name, project_versions.actor_name) AS actor_name, project_versions.changed_at
            FROM project_versions LEFT JOIN staff ON staff.id = project_versions.staff_id
            WHERE project_versions.project_id = \(bind: projectID) ORDER BY project_versions.version DESC
            """
        ).all(decoding: Version.self)
    }

    /// The facts as they stood at a moment: the last version saved at or before it.
    func facts(of projectID: Int, at moment: Date) async throws -> Version? {
        try await database.sql().raw(
            """
            SELECT version, facts, changes, actor_name, changed_at FROM project_versions
            WHERE project_id = \(bind: projectID) AND changed_at <= \(bind: moment) ORDER BY version DESC LIMIT 1
            """
        ).first(decoding: Version.self)
    }

    struct CaseRow: Decodable, Sendable { var id: Int; var title: String; var summary: String; var figures: String }

    func cases(of projectID: Int) async throws -> [CaseRow] {
        try await database.sql().raw(
            "SELECT id, title, summary, figures FROM project_cases WHERE project_id = \(bind: projectID) ORDER BY id"
        )
        .all(decoding: CaseRow.self)
    }

    func addCase(_ projectCase: ProjectCase, to projectID: Int, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO project_cases (project_id, title, summary, figures, created_at)
                    VALUES (\(bind: projectID), \(bind: projectCase.title), \(bind: projectCase.summary), \(bind: projectCase.figures), \(bind: context.now))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "project.case_added", recordType: "project", recordID: String(projectID), fields: ["title"],
                message: AuditMessage.name(projectCase.title), context: context, on: tx)
            return id
        }
    }

    /// Per project: how often recommended, how many reactions were interest, and the reasons given
    /// for rejection (R3.2).
    struct Statistics: Sendable {
        var recommended = 0
        var reacted = 0
        var interested = 0
        /// Reasons given for no interest, most frequent first, with how often each was given.
        var rejectionReasons: [(reason: String, count: Int)] = []
        var interestRate: Double? { reacted == 0 ? nil : Double(interested) / Double(reacted) }
    }

    func statistics() async throws -> [Int: Statistics] {
        struct Counts: Decodable { var projectID: Int; var recommended: Int; var reacted: Int; var interested: Int? }
        let rows = try await database.sql().raw(
            """
            SELECT project_id, COUNT(*) AS recommended, COUNT(reaction) AS reacted,
                   SUM(CASE WHEN reaction IN ('interested', 'wants_more_information') THEN 1 ELSE 0 END) AS interested
            FROM recommendations GROUP BY project_id
            """
        ).allRows(Counts.self)
        var result: [Int: Statistics] = [:]
        for row in rows {
            result[row.projectID] = Statistics(
                recommended: row.recommended, reacted: row.reacted, interested: row.interested ?? 0)
        }
        return result
    }

    func statistics(of projectID: Int) async throws -> Statistics {
        struct Reason: Decodable { var reactionReason: String; var n: Int }
        var statistics = try await self.statistics()[projectID] ?? Statistics()
        statistics.rejectionReasons = try await database.sql().raw(
            """
            SELECT reaction_reason, COUNT(*) AS n FROM recommendations WHERE project_id = \(bind: projectID) AND reaction = 'not_interested'
            AND reaction_reason IS NOT NULL AND reaction_reason <> '' GROUP BY reaction_reason ORDER BY n DESC, reaction_reason LIMIT 20
            """
        ).allRows(Reason.self).map { ($0.reactionReason, $0.n) }
        return statistics
    }
}
