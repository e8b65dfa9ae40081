import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Quality inspection (R2.2, R6.5): the department's checklist, sampling the team's communication
/// records, inquiries and complaint updates per period (random N per person with a seed, or by rule:
/// long calls, complaints, low survey scores), scoring, the specialist's
/// acknowledgement or dispute and the supervisor's answer. Every write in one transaction with its
/// audit entry; edits carry the version they were made on (stale → 409).
struct InspectionStore {
    let database: any Database

    enum Status: String, CaseIterable, Sendable { case sampled, scored, acknowledged, disputed, answered }
    /// Which records a sample draws from: communication records at random or only long calls, the
    /// inquiries answered, the updates told to complaining customers, or the inquiries and complaint
    /// updates behind a low survey score attributed to the person.
    enum Rule: String, CaseIterable, Sendable {
        case random, longCalls = "long_calls", inquiries, complaints, lowScores = "low_scores"
    }

    /// What an inspection looks at: `record_type` with the record's id.
    enum RecordType: String, CaseIterable, Sendable {
        case communication, inquiry, complaintUpdate = "complaint_update"
    }

    /// A call this long or longer is a "long call" for the rule.
    static let longCallMinutes = 20
    /// A survey score this low or lower (on 1–5) is a "low score" for the rule.
    static let lowSurveyScore = 2

    // MARK: Settings

    struct Settings: Sendable { var checklist: [ChecklistItem]; var phrases: [String]; var version: Int }

    func settings(departmentID: Int) async throws -> Settings {
        guard
            let row = try await database.sql().raw(
                """
                SELECT checklist, phrases, version FROM inspection_settings WHERE department_id = \(bind: departmentID)
                """
            ).first()
        else { return Settings(checklist: InspectionChecklist.standard, phrases: PhrasesToAvoid.standard, version: 0) }
        let checklist = try row.decode(column: "checklist", as: String.self),
            phrases = try row.decode(column: "phrases", as: String.self)
        return Settings(
            checklist: (try? JSONDecoder().decode([ChecklistItem].self, from: Data(checklist.utf8)))
                ?? InspectionChecklist.standard,
            phrases: (try? JSONDecoder().decode([String].self, from: Data(phrases.utf8))) ?? [],
            version: try row.decode(column: "version", as: Int.self))
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Saves the checklist (weights adding up to 100) and, when given, the phrases to avoid.
    func saveSettings(
        departmentID: Int, checklist: [ChecklistItem], phrases: [String]?, version: Int, context: AuditContext
    ) async throws {
        var errors = InspectionChecklist.problems(checklist)
        let phrases = phrases.map { $0.map(\.trimmed).filter { !$0.isEmpty } }
        if let phrases, phrases.contains(where: { $0.count > 50 }) { errors.add("phrases", "validation.too_long") }
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            let sql = try tx.sql()
            let current = try await InspectionStore(database: tx).settings(departmentID: departmentID)
            let checklistJSON = try Self.json(checklist), phrasesJSON = try Self.json(phrases ?? current.phrases)
            let audit = RecordWrite.AuditNote(
                action: "inspection.settings_saved", fields: phrases == nil ? ["checklist"] : ["checklist", "phrases"],
                message: AuditMessage.checklist(checklist.map { "\($0.name) \($0.weight)%" }.joined(separator: ", ")))
            guard version == 0 else {
                // Settings never saved have no row to claim: the version read is stale.
                guard
                    let id = try await sql.raw(
                        "SELECT id FROM inspection_settings WHERE department_id = \(bind: departmentID)"
                    ).first()?.decode(column: "id", as: Int.self)
                else { throw RecordConflict(InspectionSettingsKind.self, id: 0, readVersion: version) }
                try await RecordWrites.change(
                    InspectionSettingsKind.self, id: id, version: version,
                    RecordWrite(
                        set: "checklist = \(bind: checklistJSON), phrases = \(bind: phrasesJSON)", audit: audit),
                    context: context, on: tx)
                return
            }
            guard
                let id = try await sql.raw(
                    """
                    INSERT INTO inspection_settings (department_id, checklist, phrases, created_at, updated_at, version)
                    VALUES (\(bind: departmentID), \(bind: checklistJSON), \(bind: phrasesJSON), \(bind: context.now), \(bind: context.now), 1)
                    ON CONFLICT (department_id) DO NOTHING RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self)
            else { throw RecordConflict(InspectionSettingsKind.self, id: 0, readVersion: version) }
            try await AuditLog.record(
                audit.action, recordType: InspectionSettingsKind.recordType, recordID: String(id), fields: audit.fields,
                message: audit.message, context: context, on: tx)
        }
    }

    // MARK: Reads

    struct Row: Decodable, Sendable {
        var id: Int, departmentID: Int, staffID: Int, staffName: String?, recordType: String, recordID: Int,
            periodStart: String, periodEnd: String
        var sampleRule: String, seed: Int64, checklist: String, scores: String?, score: Double?, comment: String?,
            scoredByName: String?, scoredAt: Date?
        var status: String, disputeReason: String?, answer: String?, createdAt: Date, updatedAt: Date, version: Int
        // The record inspected: a communication record, an inquiry (question and answer) or a
        // complaint update (the complaint's number and what the customer was told).
        var recordAt: Date?, recordChannel: String?, recordDuration: Int?, recordSummary: String?,
            recordContent: String?, customerID: Int?, phrasesFound: String?

        var checklistItems: [ChecklistItem] {
            (try? JSONDecoder().decode([ChecklistItem].self, from: Data(checklist.utf8))) ?? []
        }
        /// The phrases to avoid marked in the record when it was saved, each once, in the order found.
        var avoidedPhrases: [String] {
            let found =
                phrasesFound.flatMap { try? JSONDecoder().decode([AvoidedPhrase].self, from: Data($0.utf8)) } ?? []
            var seen: Set<String> = []
            return found.map(\.phrase).filter { seen.insert($0).inserted }
        }
        var itemScores: [String: Double] {
            scores.flatMap { try? JSONDecoder().decode([String: Double].self, from: Data($0.utf8)) } ?? [:]
        }
    }

    static let select: SQLQueryString = """
        SELECT i.id AS "id", i.department_id AS "departmentID", i.staff_id AS "staffID", person.display_name AS "staffName",
               i.record_type AS "recordType", i.record_id AS "recordID", i.period_start AS "periodStart", i.period_end AS "periodEnd",
               i.sample_rule AS "sampleRule", i.seed AS "seed", i.checklist AS "checklist", i.scores AS "scores", i.score AS "score",
               i.comment AS "comment", scorer.display_name AS "scoredByName", i.scored_at AS "scoredAt", i.status AS "status",
               i.dispute_reason AS "disputeReason", i.answer AS "answer", i.created_at AS "createdAt", i.updated_at AS "updatedAt", i.version AS "version",
               COALESCE(c.occurred_at, q.received_at, u.told_at) AS "recordAt", COALESCE(c.channel, q.channel, u.channel) AS "recordChannel",
               c.duration_minutes AS "recordDuration", COALESCE(c.summary, q.question, k.number) AS "recordSummary",
               COALESCE(c.content, CASE WHEN q.reply IS NULL THEN q.answer ELSE COALESCE(q.answer, '') || ' / ' || q.reply END, u.content) AS "recordContent",
               COALESCE(c.customer_id, q.customer_id, u.customer_id) AS "customerID", m.phrases AS "phrasesFound"
        FROM inspections i JOIN staff person ON person.id = i.staff_id LEFT JOIN staff scorer ON scorer.id = i.scored_by_staff_id
        LEFT JOIN communication_records c ON i.record_type = 'communication' AND c.id = i.record_id
        LEFT JOIN communication_phrase_marks m ON i.record_type = 'communication' AND m.communication_record_id = i.record_id
        LEFT JOIN inquiries q ON i.record_type = 'inquiry' AND q.id = i.record_id
        LEFT JOIN complaint_updates u ON i.record_type = 'complaint_update' AND u.id = i.record_id
        LEFT JOIN complaints k ON k.id = u.complaint_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE i.id = \(bind: id)").first(decoding: Row.self)
    }

    struct Filter: Sendable { var departmentID: Int?; var staffID: Int?; var status: String?; var periodStart: String? }

    /// Inspections of a department (nil: all) or of one person, newest first.
    func list(_ filter: Filter, limit: Int = 200) async throws -> [Row] {
        var condition: SQLQueryString = "1 = 1"
        if let departmentID = filter.departmentID {
            condition = condition + " AND i.department_id = \(bind: departmentID)"
        }
        if let staffID = filter.staffID { condition = condition + " AND i.staff_id = \(bind: staffID)" }
        if let status = filter.status { condition = condition + " AND i.status = \(bind: status)" }
        if let start = filter.periodStart { condition = condition + " AND i.period_start = \(bind: start)" }
        return try await database.sql().raw(
            "\(Self.select) WHERE \(condition) ORDER BY i.period_start DESC, i.id DESC LIMIT \(unsafeRaw: String(limit))"
        )
        .all(decoding: Row.self)
    }

    /// The inspection scores of each person's records of the period, for the assessment's service
    /// quality (R5.3): scored, acknowledged or answered; a score under dispute waits for the answer.
    func scores(staffIDs: [Int], period: AssessmentPeriod) async throws -> [Int: [Double]] {
        guard !staffIDs.isEmpty else { return [:] }
        let instants = PeriodInstants(period)
        let rows = try await database.sql().raw(
            """
            SELECT i.staff_id AS "staffID", i.score AS "score" FROM inspections i
            LEFT JOIN communication_records c ON i.record_type = 'communication' AND c.id = i.record_id
            LEFT JOIN inquiries q ON i.record_type = 'inquiry' AND q.id = i.record_id
            LEFT JOIN complaint_updates u ON i.record_type = 'complaint_update' AND u.id = i.record_id
            WHERE i.staff_id IN (\(binds: staffIDs)) AND i.score IS NOT NULL AND i.status IN ('scored', 'acknowledged', 'answered')
              AND COALESCE(c.occurred_at, q.received_at, u.told_at) >= \(bind: instants.from)
              AND COALESCE(c.occurred_at, q.received_at, u.told_at) < \(bind: instants.until)
            ORDER BY i.id
            """
        ).all()
        var result: [Int: [Double]] = [:]
        for row in rows {
            result[try row.decode(column: "staffID", as: Int.self), default: []].append(
                try row.decode(column: "score", as: Double.self))
        }
        return result
    }

    // MARK: Sampling

    struct SampleInput: Codable, Sendable {
        var periodStart: String
        var periodEnd: String
        var perPerson: Int
        var seed: Int64?
        /// random (default), long_calls, inquiries, complaints or low_scores.
        var rule: String?
    }

    /// A record a rule may draw: what it is, whose, and whether phrases to avoid were marked in it.
    struct Candidate: Sendable { var recordType: RecordType; var recordID: Int; var staffID: Int; var marked: Bool }

    /// The records of the department's active specialists in the period that `rule` draws from,
    /// leaving out records already inspected, in a stable order.
    func candidates(_ rule: Rule, departmentID: Int, period: AssessmentPeriod) async throws -> [Candidate] {
        let instants = PeriodInstants(period)
        let sql = try database.sql()
        let team: SQLQueryString =
            "s.department_id = \(bind: departmentID) AND s.role = 'specialist' AND s.is_active = \(bind: true)"
        func notInspected(_ type: RecordType, _ column: String) -> SQLQueryString {
            "NOT EXISTS (SELECT 1 FROM inspections i WHERE i.record_type = \(bind: type.rawValue) AND i.record_id = \(unsafeRaw: column))"
        }
        func rows(_ type: RecordType, _ query: SQLQueryString) async throws -> [Candidate] {
            try await sql.raw(query).all().map {
                Candidate(
                    recordType: type, recordID: try $0.decode(column: "recordID", as: Int.self),
                    staffID: try $0.decode(column: "staffID", as: Int.self),
                    marked: try $0.decode(column: "marked", as: Int.self) == 1)
            }
        }
        switch rule {
        case .random, .longCalls:
            var longCalls: SQLQueryString = ""
            if rule == .longCalls { longCalls = " AND c.duration_minutes >= \(bind: Self.longCallMinutes)" }
            return try await rows(
                .communication,
                """
                SELECT c.id AS "recordID", c.staff_id AS "staffID", CASE WHEN m.id IS NULL THEN 0 ELSE 1 END AS "marked"
                FROM communication_records c JOIN staff s ON s.id = c.staff_id
                LEFT JOIN communication_phrase_marks m ON m.communication_record_id = c.id
                WHERE \(team) AND c.occurred_at >= \(bind: instants.from) AND c.occurred_at < \(bind: instants.until)\(longCalls)
                  AND \(notInspected(.communication, "c.id")) ORDER BY c.id
                """)
        case .inquiries:
            // As the work figure counts them: received in the period and answered.
            return try await rows(
                .inquiry,
                """
                SELECT q.id AS "recordID", q.staff_id AS "staffID", 0 AS "marked" FROM inquiries q JOIN staff s ON s.id = q.staff_id
                WHERE \(team) AND q.received_at >= \(bind: instants.from) AND q.received_at < \(bind: instants.until)
                  AND q.first_answered_at IS NOT NULL AND \(notInspected(.inquiry, "q.id")) ORDER BY q.id
                """)
        case .complaints:
            return try await rows(
                .complaintUpdate,
                """
                SELECT u.id AS "recordID", u.staff_id AS "staffID", 0 AS "marked" FROM complaint_updates u JOIN staff s ON s.id = u.staff_id
                WHERE \(team) AND u.told_at >= \(bind: instants.from) AND u.told_at < \(bind: instants.until)
                  AND \(notInspected(.complaintUpdate, "u.id")) ORDER BY u.id
                """)
        case .lowScores:
            // The surveys answered in the period with a low score given to the person: the inquiry
            // they answered, or what they told the customer about the complaint.
            let inquiries = try await rows(
                .inquiry,
                """
                SELECT DISTINCT q.id AS "recordID", a.staff_id AS "staffID", 0 AS "marked"
                FROM survey_attributions a JOIN staff s ON s.id = a.staff_id JOIN inquiries q ON a.subject_type = 'inquiry' AND q.id = a.subject_id
                WHERE \(team) AND a.score <= \(bind: Self.lowSurveyScore) AND a.answered_at >= \(bind: instants.from) AND a.answered_at < \(bind: instants.until)
                  AND \(notInspected(.inquiry, "q.id")) ORDER BY 1, 2
                """)
            let updates = try await rows(
                .complaintUpdate,
                """
                SELECT DISTINCT u.id AS "recordID", a.staff_id AS "staffID", 0 AS "marked"
                FROM survey_attributions a JOIN staff s ON s.id = a.staff_id
                JOIN complaint_updates u ON a.subject_type = 'complaint' AND u.complaint_id = a.subject_id AND u.staff_id = a.staff_id
                WHERE \(team) AND a.score <= \(bind: Self.lowSurveyScore) AND a.answered_at >= \(bind: instants.from) AND a.answered_at < \(bind: instants.until)
                  AND \(notInspected(.complaintUpdate, "u.id")) ORDER BY 1, 2
                """)
            // An inquiry scored low for two people who handled it is inspected once, for the first.
            var seen = Set<Int>()
            return inquiries.filter { seen.insert($0.recordID).inserted } + updates
        }
    }

    /// Samples up to N records per active specialist of the department in the period by the rule,
    /// reproducibly with the seed, leaving out records already inspected. Returns the new inspections' ids.
    func sample(_ input: SampleInput, departmentID: Int, context: AuditContext) async throws -> [Int] {
        var errors = FieldErrors()
        let start = CalendarDay(input.periodStart), end = CalendarDay(input.periodEnd)
        if start == nil { errors.add("periodStart", "validation.date") }
        if end == nil { errors.add("periodEnd", "validation.date") }
        if let start, let end, end < start { errors.add("periodEnd", "inspection.error.period_order") }
        if !(1...50).contains(input.perPerson) { errors.add("perPerson", "inspection.error.per_person") }
        let rule = Rule(rawValue: input.rule ?? "random")
        if rule == nil { errors.add("rule", "validation.choose_from_list") }
        try errors.throwIfAny()
        let period = AssessmentPeriod(start: start!, end: end!)!
        let seed = input.seed ?? Int64(context.now.timeIntervalSince1970)
        let settings = try await settings(departmentID: departmentID)
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            // The sampling draws positions in a list ordered by record type and id, so that records
            // of two types (a low-score rule) never share a number and the draw does not depend on
            // the order the database returned them in.
            let candidates = try await InspectionStore(database: tx).candidates(
                rule!, departmentID: departmentID, period: period
            )
            .sorted { ($0.recordType.rawValue, $0.recordID) < ($1.recordType.rawValue, $1.recordID) }
            let indexed = Array(candidates.enumerated())
            // Records where phrases to avoid were marked are offered first; the rest of each person's N at random.
            let marked = InspectionSampling.sample(
                indexed.filter(\.element.marked).map { ($0.offset, $0.element.staffID) }, perPerson: input.perPerson,
                seed: UInt64(bitPattern: seed))
            var picks = marked
            let markedCount = Dictionary(grouping: marked, by: \.staffID).mapValues(\.count)
            let rest = Dictionary(grouping: indexed.filter { !$0.element.marked }, by: \.element.staffID)
            for staffID in rest.keys.sorted() {
                let remaining = input.perPerson - markedCount[staffID, default: 0]
                picks += InspectionSampling.sample(
                    rest[staffID]!.map { ($0.offset, $0.element.staffID) }, perPerson: remaining,
                    seed: UInt64(bitPattern: seed))
            }
            let checklist = try Self.json(settings.checklist)
            var ids: [Int] = []
            for pick in picks {
                let record = candidates[pick.recordID]
                let id =
                    try await sql.raw(
                        """
                        INSERT INTO inspections (department_id, staff_id, record_type, record_id, period_start, period_end, sample_rule, seed, checklist,
                            status, created_at, updated_at, version)
                        VALUES (\(bind: departmentID), \(bind: record.staffID), \(bind: record.recordType.rawValue), \(bind: record.recordID),
                                \(bind: period.start.description), \(bind: period.end.description), \(bind: rule!.rawValue), \(bind: seed), \(bind: checklist),
                                'sampled', \(bind: context.now), \(bind: context.now), 1)
                        RETURNING id
                        """
                    ).first()?.decode(column: "id", as: Int.self) ?? 0
                ids.append(id)
            }
            try await AuditLog.record(
                "inspection.sampled", recordType: InspectionKind.recordType,
                recordID: ids.map(String.init).joined(separator: ","),
                fields: ["period", "perPerson", "rule", "seed"],
                message: AuditMessage.sampled(
                    start: "\(period.start)", end: "\(period.end)", perPerson: "\(input.perPerson)",
                    rule: rule!.rawValue,
                    seed: "\(seed)", count: "\(ids.count)"),
                context: context, on: tx)
            return ids
        }
    }

    // MARK: Decisions

    /// Moves an inspection from one of `from` to `to` with the given columns, at the version it was read.
    private func transition(
        _ row: Row, from: Set<Status>, to: Status, set: SQLQueryString, version: Int, audit: String, fields: [String],
        message: StoredMessage = AuditMessage.none, quoting text: String = "", context: AuditContext
    ) async throws {
        guard let current = Status(rawValue: row.status), from.contains(current) else {
            throw KefuError.conflict("inspection.error.state")
        }
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                InspectionKind.self, id: row.id, version: version,
                RecordWrite(
                    set: "\(set), status = \(bind: to.rawValue)", condition: "status = \(bind: row.status)",
                    audit: .init(action: audit, fields: fields, message: message, quoting: text)), context: context,
                on: tx)
        }
    }

    /// The supervisor scores each item of the checklist (0–100) and comments.
    func score(_ row: Row, scores: [String: Double], comment: String, version: Int, context: AuditContext) async throws
    {
        let comment = comment.trimmed
        var errors = FieldErrors()
        var total = 0.0
        switch InspectionChecklist.score(row.checklistItems, scores: scores) {
        case .success(let value): total = value
        case .failure(let problems): errors.merge(problems)
        }
        if comment.count > 4000 { errors.add("comment", "validation.too_long") }
        try errors.throwIfAny()
        try await transition(
            row, from: [.sampled, .scored], to: .scored,
            set:
                "scores = \(bind: try Self.json(scores)), score = \(bind: total), comment = \(bind: comment.isEmpty ? nil : comment), scored_by_staff_id = \(bind: context.actorStaffID), scored_at = \(bind: context.now)",
            version: version, audit: "inspection.scored", fields: ["scores", "score", "comment"],
            message: AuditMessage.points("\(total)"),
            context: context)
    }

    /// The specialist accepts the result.
    func acknowledge(_ row: Row, version: Int, context: AuditContext) async throws {
        try await transition(
            row, from: [.scored], to: .acknowledged, set: "dispute_reason = dispute_reason", version: version,
            audit: "inspection.acknowledged", fields: ["status"], context: context)
    }

    /// The specialist disputes the result, with a reason.
    func dispute(_ row: Row, reason: String, version: Int, context: AuditContext) async throws {
        let reason = reason.trimmed
        if reason.isEmpty { throw FieldErrors(["reason": "validation.required"]) }
        if reason.count > 4000 { throw FieldErrors(["reason": "validation.too_long"]) }
        try await transition(
            row, from: [.scored], to: .disputed, set: "dispute_reason = \(bind: reason)", version: version,
            audit: "inspection.disputed", fields: ["disputeReason"], message: AuditMessage.typed,
            quoting: reason, context: context)
    }

    /// The supervisor answers a dispute (and may correct the scores at the same time).
    func answer(_ row: Row, answer: String, scores: [String: Double]?, version: Int, context: AuditContext) async throws
    {
        let answer = answer.trimmed
        var errors = FieldErrors()
        if answer.isEmpty { errors.add("answer", "validation.required") }
        if answer.count > 4000 { errors.add("answer", "validation.too_long") }
        var total = row.score ?? 0
        if let scores {
            switch InspectionChecklist.score(row.checklistItems, scores: scores) {
            case .success(let value): total = value
            case .failure(let problems): errors.merge(problems)
            }
        }
        try errors.throwIfAny()
        let newScores = try scores.map(Self.json) ?? row.scores
        try await transition(
            row, from: [.disputed], to: .answered,
            set: "answer = \(bind: answer), scores = \(bind: newScores), score = \(bind: total)", version: version,
            audit: "inspection.answered", fields: scores == nil ? ["answer"] : ["answer", "scores", "score"],
            message: AuditMessage.pointsChanged(from: row.score.map { "\($0)" } ?? "—", to: "\(total)"),
            context: context)
    }
}
