import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A survey declared as a record kind: it belongs to the customer; their comment is personal.
enum SurveyKind: RecordKind {
    static let recordType = "survey", table = "surveys"
    static var row: RecordRow? { .decoded(SurveyStore.Row.self) }
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("comment", .null)]
}

/// The score a survey gave to one person and department (read by staff assessment, R5.3).
enum SurveyAttributionKind: RecordKind {
    static let recordType = "survey_attribution", table = "survey_attributions"
    static let isAppendOnly = true, createdColumn = "answered_at"
}

/// Satisfaction surveys (issue 13 §5): a link per matter — random, single use, expiring; only its
/// SHA-256 is stored, so an altered or guessed link finds nothing — and the answer, attributed to
/// every person and department that handled the matter. A low score tells the supervisor.
struct SurveyStore {
    let database: any Database

    struct Issued: Content { var link: String; var text: String; var expiresAt: Date }

    /// What a survey is about: the matter, its customer and the number the customer knows it by.
    struct Matter: Sendable {
        var subject: SurveySubject
        var id: Int
        var customerID: Int
        var label: String
        var recordType: String
    }

    /// Issues a new link for a closed complaint; an earlier unanswered link of the same complaint
    /// expires at once (only the newest one sent counts).
    func issue(
        forComplaint row: ComplaintStore.Row, baseURL: String?, expiryDays: Int, localizer: Localizer,
        context: AuditContext
    ) async throws -> Issued {
        if let refusal = SurveyRules.refusal(.complaint, complaintClosed: row.complaintState == .closed) {
            throw ComplaintRefusal("state", refusal)
        }
        return try await issue(
            for: Matter(
                subject: .complaint, id: row.id, customerID: row.customerID, label: row.number,
                recordType: ComplaintKind.recordType),
            baseURL: baseURL, expiryDays: expiryDays, localizer: localizer, context: context)
    }

    /// Issues a new link for any finished matter (issue 13 §5); the caller has checked it is finished.
    func issue(for matter: Matter, baseURL: String?, expiryDays: Int, localizer: Localizer, context: AuditContext)
        async throws -> Issued
    {
        let row = (id: matter.id, customerID: matter.customerID, number: matter.label)
        let subject = matter.subject.rawValue
        let token = Secrets.randomToken()
        let expires = context.now.addingTimeInterval(Double(expiryDays) * 86400)
        try await database.writeTransaction { tx in
            try await tx.sql().raw(
                """
                UPDATE surveys SET expires_at = \(bind: context.now), updated_at = \(bind: context.now), version = version + 1 WHERE subject_type = \(bind: subject) AND subject_id = \(bind: row.id)
                AND answered_at IS NULL AND expires_at > \(bind: context.now)
                """
            ).run()
            try await tx.sql().raw(
                """
                INSERT INTO surveys (subject_type, subject_id, customer_id, token_hash, created_at, created_by_staff_id, expires_at, updated_at, version)
                VALUES (\(bind: subject), \(bind: row.id), \(bind: row.customerID), \(bind: Secrets.fingerprint(token)), \(bind: context.now),
                        \(bind: context.actorStaffID), \(bind: expires), \(bind: context.now), 1)
                """
            ).run()
            try await AuditLog.record(
                "survey.issued", recordType: matter.recordType, recordID: String(row.id),
                message: AuditMessage.number(row.number),
                context: context, on: tx)
        }
        let link = (baseURL ?? "") + SiteURL.publicSurvey(token).path
        let text = localizer.text(
            matter.subject == .complaint ? "survey.message" : "survey.message.\(subject)", .zhHans,
            ["number": row.number, "link": link, "days": String(expiryDays)])
        return Issued(link: link, text: text, expiresAt: expires)
    }

    struct Row: Decodable, Sendable {
        var id: Int, subjectType: String, subjectID: Int, customerID: Int, expiresAt: Date, answeredAt: Date?
        enum CodingKeys: String, CodingKey {
            case id, subjectType = "subject_type", subjectID = "subject_id", customerID = "customer_id", expiresAt =
                "expires_at", answeredAt = "answered_at"
        }
    }

    /// The survey a link names; nil for an altered or unknown link.
    func find(token: String) async throws -> Row? {
        guard token.count == 64, token.allSatisfy(\.isHexDigit) else { return nil }
        return try await database.sql().raw(
            """
            SELECT id, subject_type, subject_id, customer_id, expires_at, answered_at FROM surveys WHERE token_hash = \(bind: Secrets.fingerprint(token))
            """
        ).first(decoding: Row.self)
    }

    /// Who handled a complaint: its specialist, every liaison who answered a request (with the
    /// department it was forwarded to) and everyone who told the customer an update.
    /// A person (and department) who handled the matter, as the handler queries read them.
    private struct Handler: Decodable {
        var staffID: Int?; var departmentID: Int?
        var handler: SurveyHandler { SurveyHandler(staffID: staffID, departmentID: departmentID) }
    }

    func handlers(ofComplaint id: Int, on database: any Database) async throws -> [SurveyHandler] {
        let rows = try await database.sql().raw(
            """
            SELECT staff.id AS staff_id, staff.department_id AS department_id, 1 AS position FROM complaints JOIN staff ON staff.id = complaints.staff_id
              WHERE complaints.id = \(bind: id)
            UNION ALL
            SELECT complaint_forwards.answered_by_staff_id, complaint_forwards.department_id, 2 FROM complaint_forwards
              WHERE complaint_forwards.complaint_id = \(bind: id) AND complaint_forwards.answered_at IS NOT NULL
            UNION ALL
            SELECT staff.id, staff.department_id, 3 FROM complaint_updates JOIN staff ON staff.id = complaint_updates.staff_id
              WHERE complaint_updates.complaint_id = \(bind: id)
            ORDER BY position
            """
        ).allRows(Handler.self)
        return rows.map(\.handler)
    }

    /// Who handled any matter: a complaint's people and departments; an inquiry's specialist and who
    /// took it in; a contract's specialist, the 法务部 reviewer, who explained its clauses and who
    /// answered the customer's questions; a return visit's assigned person and who made the visit.
    func handlers(of subjectType: String, id: Int, on database: any Database) async throws -> [SurveyHandler] {
        let query: SQLQueryString
        switch SurveySubject(rawValue: subjectType) {
        case .complaint: return try await handlers(ofComplaint: id, on: database)
        case .inquiry:
            query = """
                SELECT staff.id AS staff_id, staff.department_id AS department_id, 1 AS position FROM inquiries JOIN staff ON staff.id = inquiries.staff_id
                  WHERE inquiries.id = \(bind: id)
                UNION ALL
                SELECT staff.id, staff.department_id, 2 FROM inquiries JOIN staff ON staff.id = inquiries.created_by_staff_id WHERE inquiries.id = \(bind: id)
                ORDER BY position
                """
        case .contract:
            query = """
                SELECT staff.id AS staff_id, staff.department_id AS department_id, 1 AS position FROM contracts JOIN staff ON staff.id = contracts.staff_id
                  WHERE contracts.id = \(bind: id)
                UNION ALL
                SELECT staff.id, staff.department_id, 2 FROM contracts JOIN staff ON staff.id = contracts.review_staff_id WHERE contracts.id = \(bind: id)
                UNION ALL
                SELECT staff.id, staff.department_id, 3 FROM contract_clauses JOIN staff ON staff.id = contract_clauses.explained_by_staff_id
                  WHERE contract_clauses.contract_id = \(bind: id)
                UNION ALL
                SELECT staff.id, staff.department_id, 4 FROM contract_questions JOIN staff ON staff.id = contract_questions.staff_id
                  WHERE contract_questions.contract_id = \(bind: id) AND contract_questions.answer IS NOT NULL
                ORDER BY position
                """
        case .returnVisit:
            query = """
                SELECT staff.id AS staff_id, staff.department_id AS department_id, 1 AS position FROM return_visits JOIN staff ON staff.id = return_visits.staff_id
                  WHERE return_visits.id = \(bind: id)
                UNION ALL
                SELECT staff.id, staff.department_id, 2 FROM return_visits JOIN staff ON staff.id = return_visits.done_by_staff_id WHERE return_visits.id = \(bind: id)
                ORDER BY position
                """
        case nil: return []
        }
        return try await database.sql().raw(query).allRows(Handler.self).map(\.handler)
    }

    /// Records the answer once: the conditional UPDATE claims the unanswered, unexpired survey, so a
    /// link used twice (even at the same moment) records one answer. Answers the state it found.
    /// `then` writes what the answer brings (a low score's visit and notice) in the same transaction:
    /// on SQLite's one writer a single short job per answer instead of three.
    func answer(
        _ survey: Row, _ answer: SurveyAnswer, now: Date,
        then: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws -> SurveyLinkState {
        let state = SurveyRules.state(expiresAt: survey.expiresAt, answeredAt: survey.answeredAt, now: now)
        guard state == .open else { return state }
        return try await database.writeTransaction { tx in
            let claimed = try await tx.sql().raw(
                """
                UPDATE surveys SET answered_at = \(bind: now), score = \(bind: answer.score), resolved = \(bind: answer.resolved), comment = \(bind: answer.comment),
                    updated_at = \(bind: now), version = version + 1
                WHERE id = \(bind: survey.id) AND answered_at IS NULL AND expires_at > \(bind: now) RETURNING id
                """
            ).first()
            guard claimed != nil else { return SurveyLinkState.answered }
            let handlers = try await handlers(of: survey.subjectType, id: survey.subjectID, on: tx)
            // One statement for all the attributions.
            let attributions = SurveyRules.attributions(handlers)
            if !attributions.isEmpty {
                var values: SQLQueryString = ""
                for (index, handler) in attributions.enumerated() {
                    values =
                        values + (index == 0 ? "" : ", ") + """
                            (\(bind: survey.id), \(bind: survey.subjectType), \(bind: survey.subjectID), \(bind: handler.staffID), \(bind: handler.departmentID), \
                            \(bind: answer.score), \(bind: now))
                            """
                }
                try await tx.sql().raw(
                    """
                    INSERT INTO survey_attributions (survey_id, subject_type, subject_id, staff_id, department_id, score, answered_at) VALUES \(values)
                    """
                ).run()
            }
            try await AuditLog.record(
                "survey.answered", recordType: SurveyKind.recordType, recordID: String(survey.id),
                fields: ["score", "resolved", "comment"],
                message: AuditMessage.surveyScore("\(answer.score)"),
                context: AuditContext(actorStaffID: nil, actorName: "customer", address: "-", requestID: "-", now: now),
                on: tx)
            try await then?(tx)
            return .open
        }
    }
}
