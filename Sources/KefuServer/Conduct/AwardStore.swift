import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Awards (R7.1): the monthly excellent-service award decided from the shortlist (its place and
/// reasons kept with it), the annual award citing the annual assessment, the special-contribution award
/// citing its cause. Granted at once, or — when the supervisor asks for it — after leadership approves.
/// A granted award with public praise is a notice on everyone's workbench.
struct AwardStore {
    let database: any Database
    var notices: ConductNotices?

    struct Row: Decodable, Sendable {
        var id: Int, staffID: Int, staffName: String, departmentID: Int, kind: String, period: String?,
            causeType: String?, causeID: Int?
        var forms: String, bonus: Int?, citation: String, shortlistPlace: Int?, shortlistReasons: String?,
            status: String
        var decidedByName: String?, decidedAt: Date, approvedByName: String?, approvedAt: Date?, createdAt: Date,
            updatedAt: Date, version: Int

        var cause: RecordReference? {
            causeType.flatMap { type in causeID.map { RecordReference(type: type, id: $0) } }
        }
        var formList: [String] { forms.split(separator: ",").map(String.init) }
        var reasons: [CalculationLine] {
            shortlistReasons.flatMap { try? JSONDecoder().decode([CalculationLine].self, from: Data($0.utf8)) } ?? []
        }
    }

    static let select: SQLQueryString = """
        SELECT a.id AS "id", a.staff_id AS "staffID", person.display_name AS "staffName", a.department_id AS "departmentID", a.kind AS "kind",
               a.period AS "period", a.cause_type AS "causeType", a.cause_id AS "causeID", a.forms AS "forms", a.bonus AS "bonus",
               a.citation AS "citation", a.shortlist_place AS "shortlistPlace", a.shortlist_reasons AS "shortlistReasons", a.status AS "status",
               decider.display_name AS "decidedByName", a.decided_at AS "decidedAt", approver.display_name AS "approvedByName",
               a.approved_at AS "approvedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version AS "version"
        FROM awards a JOIN staff person ON person.id = a.staff_id LEFT JOIN staff decider ON decider.id = a.decided_by_staff_id
        LEFT JOIN staff approver ON approver.id = a.approved_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE a.id = \(bind: id)").first(decoding: Row.self)
    }

    func list(_ filter: ConductFilter, limit: Int = 200) async throws -> [Row] {
        try await database.sql().raw(
            "\(Self.select) WHERE \(filter.condition("a")) ORDER BY a.decided_at DESC, a.id DESC LIMIT \(unsafeRaw: String(limit))"
        )
        .all(decoding: Row.self)
    }

    /// Public praise granted in the last `days` days: the notices on everyone's workbench.
    func praise(since: Date, limit: Int = 5) async throws -> [Row] {
        try await database.sql().raw(
            """
            \(Self.select) WHERE a.status = 'granted' AND a.forms LIKE '%public_praise%' AND a.decided_at >= \(bind: since)
            ORDER BY a.decided_at DESC, a.id DESC LIMIT \(unsafeRaw: String(limit))
            """
        ).all(decoding: Row.self)
    }

    // MARK: The shortlist

    /// R7.1: the month's shortlist for a department, ranked from the figures assessments read (satisfaction,
    /// replies and follow-ups on time, complaints in time), the month's confirmed violations and the
    /// month's outstanding-trainee results of training.
    func shortlist(departmentID: Int, month: MonthPeriod, now: Date, serviceQuality: any ServiceQualityFigures)
        async throws -> [ShortlistPlace]
    {
        let people = try await database.sql().raw(
            """
            SELECT id, display_name FROM staff WHERE department_id = \(bind: departmentID) AND role = 'specialist' AND is_active = \(bind: true) ORDER BY id
            """
        ).all().map {
            (
                id: try $0.decode(column: "id", as: Int.self),
                name: try $0.decode(column: "display_name", as: String.self)
            )
        }
        let ids = people.map(\.id)
        let figures = try await WorkFigureReader(database: database, serviceQuality: serviceQuality).figures(
            staffIDs: ids, period: month.period, now: now)
        let span = PeriodInstants(month.period)
        let violations = try await ViolationStore(database: database).confirmedCounts(
            staffIDs: ids, from: span.from, until: span.until)
        // R7.1 reads training's results too: the sessions of the month where each was an outstanding trainee.
        let outstanding = Dictionary(
            grouping: try await TrainingStore(database: database).outstandingTrainees(
                departmentID: departmentID, from: month.period.start, through: month.period.end), by: \.staffID)
        return AwardShortlist.rank(
            people.map {
                ShortlistCandidate(
                    staffID: $0.id, name: $0.name, figures: figures[$0.id] ?? [:], violations: violations[$0.id] ?? 0,
                    outstandingTraining: (outstanding[$0.id] ?? []).reversed().map {
                        "\($0.sessionTitle)（\($0.heldOn)）"
                    })
            })
    }

    // MARK: Writes

    struct Input: Codable, Sendable {
        var staffID: Int?
        var kind: String?
        /// 2026-11, for a monthly award.
        var period: String?
        var causeType: String?
        var causeID: Int?
        var forms: [String]?
        var bonus: Int?
        var citation: String?
        /// Ask leadership to approve before the award is granted.
        var needsApproval: Bool?
    }

    /// Grants (or submits for approval) an award to `person`. A monthly award keeps the person's place
    /// and reasons on the month's shortlist, as they stood when it was decided.
    func grant(_ input: Input, person: ConductPerson, shortlist: [ShortlistPlace]?, context: AuditContext) async throws
        -> Int
    {
        let citation = (input.citation ?? "").trimmed
        let cause = input.causeType.map { RecordReference(type: $0, id: input.causeID.map(String.init)) } ?? nil
        let forms = input.forms ?? []
        var errors = AwardRules.check(
            kind: input.kind ?? "", forms: forms, bonus: input.bonus, cause: cause, period: input.period,
            citation: citation)
        if input.causeType != nil && !(input.causeType ?? "").isEmpty && cause == nil {
            errors.add("cause", "conduct.error.unknown_record")
        }
        if let cause {
            if let facts = try await RecordReferences.facts(of: cause, on: database) {
                if let responsible = facts.responsibleStaffID, responsible != person.id {
                    errors.add("cause", "conduct.error.cause_other_person")
                }
            } else {
                errors.add("cause", "conduct.error.unknown_record")
            }
        }
        let kind = AwardKind(rawValue: input.kind ?? "")
        var place: ShortlistPlace?
        if kind == .monthly, errors.messages["period"] == nil {
            place = shortlist?.first { $0.staffID == person.id }
            if place?.place == nil { errors.add("staffID", "conduct.error.not_on_shortlist") }
            let taken = try await database.sql().raw(
                """
                SELECT id FROM awards WHERE staff_id = \(bind: person.id) AND kind = 'monthly' AND period = \(bind: input.period ?? "") AND status <> 'declined'
                """
            ).first()
            if taken != nil { errors.add("staffID", "conduct.error.already_awarded") }
        }
        try errors.throwIfAny()
        let orderedForms = AwardForm.allCases.filter { forms.contains($0.rawValue) }.map(\.rawValue).joined(
            separator: ",")
        let status: AwardStatus = input.needsApproval == true ? .awaitingApproval : .granted
        let reasons = try place.map { String(decoding: try JSONEncoder().encode($0.reasons), as: UTF8.self) }
        let placeNumber = place?.place
        let approvers =
            status == .awaitingApproval
            ? try await ConductNotices.people(role: "leadership", departmentID: nil, on: database) : []
        return try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO awards (staff_id, department_id, kind, period, cause_type, cause_id, forms, bonus, citation, shortlist_place, shortlist_reasons,
                        status, decided_by_staff_id, decided_at, created_at, updated_at, version)
                    VALUES (\(bind: person.id), \(bind: person.departmentID), \(bind: kind!.rawValue), \(bind: kind == .monthly ? input.period : nil),
                            \(bind: cause?.type), \(bind: cause?.id), \(bind: orderedForms), \(bind: input.bonus), \(bind: citation), \(bind: placeNumber),
                            \(bind: reasons), \(bind: status.rawValue), \(bind: context.actorStaffID ?? 0), \(bind: context.now), \(bind: context.now),
                            \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await AuditLog.record(
                "award.decided", recordType: AwardRecordKind.recordType, recordID: String(id),
                fields: ["staffID", "kind", "forms", "bonus", "citation"],
                message: AuditMessage.awardDecided(
                    person: person.displayName, kind: kind!.rawValue,
                    forms: orderedForms.split(separator: ",").map(String.init), status: status.rawValue),
                context: context,
                on: tx)
            if status == .granted {
                try await notices?.add(
                    to: person.id, event: "award.granted", arguments: ["number": String(id)], body: citation,
                    link: SiteURL.conductAward(id).path, context: context, on: tx)
            }
            for approver in approvers {
                try await notices?.add(
                    to: approver, event: "award.awaiting_approval", arguments: ["name": person.displayName],
                    body: citation,
                    link: SiteURL.conductAward(id).path, context: context, on: tx)
            }
            return id
        }
    }

    /// Leadership approves (granted) or declines an award waiting for it.
    func approve(_ row: Row, approve: Bool, version: Int, context: AuditContext) async throws {
        guard row.status == AwardStatus.awaitingApproval.rawValue else {
            // Decided by someone else after this person read it: what they did is the answer (S6).
            if row.version != version { throw RecordConflict(AwardRecordKind.self, id: row.id, readVersion: version) }
            throw KefuError.conflict("conduct.error.not_awaiting")
        }
        let status: AwardStatus = approve ? .granted : .declined
        let notices = self.notices
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                AwardRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status.rawValue), approved_by_staff_id = \(bind: context.actorStaffID), approved_at = \(bind: context.now)
                        """,
                    condition: "status = 'awaiting_approval'",
                    audit: .init(
                        action: approve ? "award.approved" : "award.declined", fields: ["status"],
                        message: AuditMessage.term("conduct.award_status.\(status.rawValue)"))), context: context,
                on: tx)
            if approve {
                try await notices?.add(
                    to: row.staffID, event: "award.granted", arguments: ["number": String(row.id)], body: row.citation,
                    link: SiteURL.conductAward(row.id).path, context: context, on: tx)
            }
        }
    }
}
