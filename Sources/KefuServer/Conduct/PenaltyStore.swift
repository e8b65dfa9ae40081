import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Penalties (R7.2): each cites its cause — a record of any declared kind that concerns the person (a
/// violation, a complaint, a contract, an attendance mark) — the person is notified and may appeal once
/// within the configured days; the supervisor decides the appeal, or leadership above the configured
/// level. Every change in one transaction with its audit entry and, where someone must know, a note on
/// their bell.
struct PenaltyStore {
    let database: any Database
    var settings = ConductSettings()
    var notices: ConductNotices?

    struct Row: Decodable, Sendable {
        var id: Int, staffID: Int, staffName: String, departmentID: Int, kind: String, causeType: String, causeID: Int,
            reason: String, amount: Int?
        var imposedAt: Date, imposedByName: String?, appealUntil: Date, status: String, appealReason: String?,
            appealedAt: Date?
        var decisionNote: String?, decidedByName: String?, decidedAt: Date?, createdAt: Date, updatedAt: Date,
            version: Int

        var cause: RecordReference { RecordReference(type: causeType, id: causeID) }
        var penaltyKind: PenaltyKind { PenaltyKind(rawValue: kind) ?? .warning }
        var penaltyStatus: PenaltyStatus { PenaltyStatus(rawValue: status) ?? .imposed }
    }

    static let select: SQLQueryString = """
        SELECT p.id AS "id", p.staff_id AS "staffID", person.display_name AS "staffName", p.department_id AS "departmentID", p.kind AS "kind",
               p.cause_type AS "causeType", p.cause_id AS "causeID", p.reason AS "reason", p.amount AS "amount", p.imposed_at AS "imposedAt",
               imposer.display_name AS "imposedByName", p.appeal_until AS "appealUntil", p.status AS "status", p.appeal_reason AS "appealReason",
               p.appealed_at AS "appealedAt", p.decision_note AS "decisionNote", decider.display_name AS "decidedByName", p.decided_at AS "decidedAt",
               p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.version AS "version"
        FROM penalties p JOIN staff person ON person.id = p.staff_id LEFT JOIN staff imposer ON imposer.id = p.imposed_by_staff_id
        LEFT JOIN staff decider ON decider.id = p.decided_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE p.id = \(bind: id)").first(decoding: Row.self)
    }

    func list(_ filter: ConductFilter, limit: Int = 200) async throws -> [Row] {
        try await database.sql().raw(
            "\(Self.select) WHERE \(filter.condition("p")) ORDER BY p.imposed_at DESC, p.id DESC LIMIT \(unsafeRaw: String(limit))"
        )
        .all(decoding: Row.self)
    }

    struct Input: Codable, Sendable {
        var staffID: Int?
        var kind: String?
        var causeType: String?
        var causeID: Int?
        var amount: Int?
        var reason: String?
    }

    /// Imposes a penalty on `person`, citing a cause that exists and concerns them.
    func impose(_ input: Input, person: ConductPerson, context: AuditContext) async throws -> Int {
        let reason = (input.reason ?? "").trimmed
        let cause = RecordReference(type: input.causeType, id: input.causeID.map(String.init))
        var errors = ConductRules.checkPenalty(
            kind: input.kind ?? "", cause: cause, amount: input.amount, reason: reason)
        if let cause {
            if let facts = try await RecordReferences.facts(of: cause, on: database) {
                if let responsible = facts.responsibleStaffID, responsible != person.id {
                    errors.add("cause", "conduct.error.cause_other_person")
                }
            } else {
                errors.add("cause", "conduct.error.unknown_record")
            }
        }
        try errors.throwIfAny()
        let kind = PenaltyKind(rawValue: input.kind ?? "")!
        return try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO penalties (staff_id, department_id, kind, cause_type, cause_id, reason, amount, imposed_at, imposed_by_staff_id, appeal_until,
                        status, created_at, updated_at, version)
                    VALUES (\(bind: person.id), \(bind: person.departmentID), \(bind: kind.rawValue), \(bind: cause!.type), \(bind: cause!.id), \(bind: reason),
                            \(bind: input.amount), \(bind: context.now), \(bind: context.actorStaffID ?? 0),
                            \(bind: settings.appealDeadline(imposedAt: context.now)), 'imposed', \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "penalty.imposed", recordType: PenaltyRecordKind.recordType, recordID: String(id),
                fields: ["staffID", "kind", "cause", "amount", "reason"],
                message: AuditMessage.penaltyImposed(
                    person: person.displayName, kind: kind.rawValue, amount: input.amount.map { "\($0)" },
                    cause: "\(cause!.type):\(cause!.id)"),
                context: context, on: tx)
            try await notices?.add(
                to: person.id, event: "penalty.imposed", arguments: ["number": String(id)], body: reason,
                link: SiteURL.conductPenalty(id).path,
                context: context, on: tx)
            return id
        }
    }

    private func update(
        _ row: Row, from: PenaltyStatus, set: SQLQueryString, version: Int, audit: String, fields: [String],
        message: StoredMessage, quoting text: String,
        context: AuditContext, alongside: @escaping @Sendable (any Database) async throws -> Void
    ) async throws {
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                PenaltyRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: set, condition: "status = \(bind: from.rawValue)",
                    audit: .init(action: audit, fields: fields, message: message, quoting: text)), context: context,
                on: tx)
            try await alongside(tx)
        }
    }

    /// R7.2: the person appeals once, within the window, with a reason.
    func appeal(_ row: Row, reason: String, version: Int, context: AuditContext) async throws {
        let reason = reason.trimmed
        var errors = FieldErrors()
        ConductRules.text(reason, field: "reason", required: true, into: &errors)
        try errors.throwIfAny()
        if let refusal = ConductRules.appealRefusal(
            staffID: row.staffID, appellantID: context.actorStaffID ?? 0, status: row.penaltyStatus,
            deadline: row.appealUntil, now: context.now)
        {
            throw refusal == "conduct.error.not_yours" ? KefuError.forbidden : KefuError.conflict(refusal)
        }
        let deciders = try await ConductNotices.people(
            role: settings.decider(for: row.penaltyKind) == .leadership ? "leadership" : "supervisor",
            departmentID: settings.decider(for: row.penaltyKind) == .leadership ? nil : row.departmentID,
            on: database)
        let notices = self.notices
        try await update(
            row, from: .imposed,
            set: "status = 'appealed', appeal_reason = \(bind: reason), appealed_at = \(bind: context.now)",
            version: version, audit: "penalty.appealed", fields: ["status", "appealReason"],
            message: AuditMessage.typed, quoting: reason,
            context: context
        ) { tx in
            for decider in deciders {
                try await notices?.add(
                    to: decider, event: "penalty.appealed", arguments: ["name": row.staffName], body: reason,
                    link: SiteURL.conductPenalty(row.id).path, context: context, on: tx)
            }
        }
    }

    /// The decision on an appeal: upheld (the penalty stands) or revoked, with a note; by the supervisor,
    /// or by leadership for penalties at or above the configured level.
    func decide(
        _ row: Row, decision: String, note: String, deciderIsLeadership: Bool, version: Int, context: AuditContext
    ) async throws {
        let note = note.trimmed
        var errors = FieldErrors()
        let decision = PenaltyStatus(rawValue: decision)
        if decision != .upheld && decision != .revoked { errors.add("decision", "validation.choose_from_list") }
        ConductRules.text(note, field: "note", required: true, into: &errors)
        try errors.throwIfAny()
        if let refusal = ConductRules.decisionRefusal(
            kind: row.penaltyKind, status: row.penaltyStatus, deciderIsLeadership: deciderIsLeadership,
            settings: settings)
        {
            throw refusal == "conduct.error.no_appeal"
                ? KefuError.conflict(refusal) : KefuError(.forbidden, code: "forbidden", messageKey: refusal)
        }
        let notices = self.notices
        try await update(
            row, from: .appealed,
            set:
                "status = \(bind: decision!.rawValue), decision_note = \(bind: note), decided_by_staff_id = \(bind: context.actorStaffID), decided_at = \(bind: context.now)",
            version: version, audit: "penalty.appeal_decided", fields: ["status", "decisionNote"],
            message: AuditMessage.term("conduct.decision.\(decision!.rawValue)", withNote: !note.isEmpty),
            quoting: note,
            context: context
        ) { tx in
            try await notices?.add(
                to: row.staffID, event: "penalty.appeal_decided", arguments: ["number": String(row.id)], body: note,
                link: SiteURL.conductPenalty(row.id).path, context: context, on: tx)
        }
    }
}
