import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Violations of work discipline (R6.2, R6.4): recorded by the supervisor with linked evidence (records
/// of any declared kind, or audit entries — an unjustified reveal), the person's response, the outcome.
/// Every write in one transaction with its audit entry; edits carry the version they were made on.
struct ViolationStore {
    let database: any Database

    /// What may be linked besides the declared kinds: audit entries (who revealed what, and when).
    static let auditEntryType = "audit_entry"

    struct Row: Decodable, Sendable {
        var id: Int, number: String?, staffID: Int, staffName: String, departmentID: Int, type: String,
            occurredAt: Date, description: String
        var response: String?, respondedAt: Date?, outcome: String, outcomeNote: String?, decidedAt: Date?,
            recordedByName: String?
        var createdAt: Date, updatedAt: Date, version: Int
    }

    static let select: SQLQueryString = """
        SELECT v.id AS "id", v.number AS "number", v.staff_id AS "staffID", person.display_name AS "staffName", v.department_id AS "departmentID", v.type AS "type",
               v.occurred_at AS "occurredAt", v.description AS "description", v.response AS "response", v.responded_at AS "respondedAt",
               v.outcome AS "outcome", v.outcome_note AS "outcomeNote", v.decided_at AS "decidedAt", recorder.display_name AS "recordedByName",
               v.created_at AS "createdAt", v.updated_at AS "updatedAt", v.version AS "version"
        FROM violations v JOIN staff person ON person.id = v.staff_id LEFT JOIN staff recorder ON recorder.id = v.recorded_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE v.id = \(bind: id)").first(decoding: Row.self)
    }

    /// Newest first, at most `limit`.
    func list(_ filter: ConductFilter, limit: Int = 200) async throws -> [Row] {
        try await database.sql().raw(
            "\(Self.select) WHERE \(filter.condition("v")) ORDER BY v.occurred_at DESC, v.id DESC LIMIT \(unsafeRaw: String(limit))"
        )
        .all(decoding: Row.self)
    }

    func links(_ id: Int) async throws -> [RecordReference] {
        try await database.sql().raw(
            "SELECT record_type, record_id FROM violation_links WHERE violation_id = \(bind: id) ORDER BY id"
        ).all().map {
            RecordReference(
                type: try $0.decode(column: "record_type", as: String.self),
                id: try $0.decode(column: "record_id", as: Int.self))
        }
    }

    /// Confirmed violations of each person in the span, for the award shortlist (R7.1: none).
    func confirmedCounts(staffIDs: [Int], from: Date, until: Date) async throws -> [Int: Int] {
        guard !staffIDs.isEmpty else { return [:] }
        var counts: [Int: Int] = [:]
        for row in try await database.sql().raw(
            """
            SELECT staff_id, COUNT(*) AS n FROM violations WHERE staff_id IN (\(binds: staffIDs)) AND outcome = 'confirmed'
              AND occurred_at >= \(bind: from) AND occurred_at < \(bind: until) GROUP BY staff_id
            """
        ).all() {
            counts[try row.decode(column: "staff_id", as: Int.self)] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }

    struct Input: Codable, Sendable {
        var staffID: Int?
        var type: String?
        /// `2026-11-28T14:30` (office time) or ISO 8601.
        var occurredAt: String?
        var description: String?
        var links: [RecordReference]?
    }

    /// Whether a linked record exists: a record of a declared kind, or an audit entry.
    static func linkExists(_ reference: RecordReference, on database: any Database) async throws -> Bool {
        if reference.type == auditEntryType {
            return try await database.sql().raw("SELECT id FROM audit_entries WHERE id = \(bind: reference.id)").first()
                != nil
        }
        return try await RecordReferences.facts(of: reference, on: database) != nil
    }

    func record(_ input: Input, person: ConductPerson, context: AuditContext) async throws -> Int {
        let occurredAt = input.occurredAt.flatMap { LocalDateTime.parse($0, timeZone: DisplayFormat.timeZone) }
        let description = (input.description ?? "").trimmed
        var errors = ConductRules.checkViolation(
            type: input.type ?? "", occurredAt: occurredAt, description: description, now: context.now)
        let links = Array(Set(input.links ?? [])).sorted { ($0.type, $0.id) < ($1.type, $1.id) }
        if links.count > 20 { errors.add("links", "conduct.error.too_many_links") }
        for link in links.prefix(20) {
            if !(try await Self.linkExists(link, on: database)) { errors.add("links", "conduct.error.unknown_record") }
        }
        try errors.throwIfAny()
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            let number = try await RecordNumbers.next(ViolationRecordKind.numbering!, at: context.now, on: tx)
            let id =
                try await sql.raw(
                    """
                    INSERT INTO violations (number, staff_id, department_id, type, occurred_at, description, outcome, recorded_by_staff_id, created_at, updated_at,
                                            version)
                    VALUES (\(bind: number), \(bind: person.id), \(bind: person.departmentID), \(bind: input.type ?? ""), \(bind: occurredAt!), \(bind: description),
                            'pending', \(bind: context.actorStaffID ?? 0), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            for link in links {
                try await sql.raw(
                    """
                    INSERT INTO violation_links (violation_id, record_type, record_id, created_at)
                    VALUES (\(bind: id), \(bind: link.type), \(bind: link.id), \(bind: context.now))
                    """
                ).run()
            }
            try await AuditLog.record(
                "violation.recorded", recordType: ViolationRecordKind.recordType, recordID: String(id),
                fields: ["staffID", "type", "occurredAt", "description", "links"],
                message: AuditMessage.violationRecorded(
                    person: person.displayName, type: input.type ?? "", links: links.map { "\($0.type):\($0.id)" }),
                context: context, on: tx)
            return id
        }
    }

    private func update(
        _ row: Row, set: SQLQueryString, version: Int, audit: String, fields: [String], message: StoredMessage,
        quoting text: String = "", context: AuditContext
    ) async throws {
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                ViolationRecordKind.self, id: row.id, version: version,
                RecordWrite(set: set, audit: .init(action: audit, fields: fields, message: message, quoting: text)),
                context: context,
                on: tx)
        }
    }

    /// R6.2: the person's response, once, while the outcome is open.
    func respond(_ row: Row, response: String, version: Int, context: AuditContext) async throws {
        let response = response.trimmed
        var errors = FieldErrors()
        ConductRules.text(response, field: "response", required: true, into: &errors)
        try errors.throwIfAny()
        guard row.response == nil, row.outcome == ViolationOutcome.pending.rawValue else {
            throw KefuError.conflict("conduct.error.already_responded")
        }
        try await update(
            row, set: "response = \(bind: response), responded_at = \(bind: context.now)", version: version,
            audit: "violation.responded", fields: ["response"], message: AuditMessage.typed,
            quoting: response, context: context)
    }

    /// The supervisor's outcome: confirmed or dismissed, with a note.
    func decide(_ row: Row, outcome: String, note: String, version: Int, context: AuditContext) async throws {
        let note = note.trimmed
        var errors = FieldErrors()
        let outcome = ViolationOutcome(rawValue: outcome)
        if outcome == nil || outcome == .pending { errors.add("outcome", "validation.choose_from_list") }
        ConductRules.text(note, field: "note", required: false, into: &errors)
        try errors.throwIfAny()
        guard row.outcome == ViolationOutcome.pending.rawValue else {
            throw KefuError.conflict("conduct.error.already_decided")
        }
        try await update(
            row,
            set:
                "outcome = \(bind: outcome!.rawValue), outcome_note = \(bind: note.isEmpty ? nil : note), decided_at = \(bind: context.now)",
            version: version, audit: "violation.decided", fields: ["outcome", "outcomeNote"],
            message: AuditMessage.term("conduct.outcome.\(outcome!.rawValue)", withNote: !note.isEmpty), quoting: note,
            context: context)
    }
}
