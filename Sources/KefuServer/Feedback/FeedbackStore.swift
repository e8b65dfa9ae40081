import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

extension FeedbackRefusal: KefuErrorConvertible {
    var kefuError: KefuError {
        KefuError(.unprocessableEntity, code: "refused", messageKey: messageKey, fields: [field: messageKey])
    }
}

/// Feedback and suggestions (issue 13 §6, R1.3): recorded (`YJ-YYYY-NNNNNN`), forwarded to the
/// responsible department with a request and a due date, chased, answered by the department's liaison,
/// closed. Each write claims the version read, in one transaction with its timeline and audit entries.
struct FeedbackStore {
    let database: any Database

    static let china = TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!

    struct Row: Decodable, Sendable {
        var id: Int, number: String, customerID: Int, customerName: String, kind: String, topic: String,
            projectID: Int?, projectName: String?
        var content: String, staffID: Int?, staffName: String?, returnVisitID: Int?, state: String, departmentID: Int?,
            departmentName: String?
        var request: String?, dueAt: Date?, forwardedAt: Date?, chasedAt: Date?, response: String?, respondedAt: Date?,
            respondedByName: String?
        var closedAt: Date?, createdAt: Date, version: Int

        enum CodingKeys: String, CodingKey {
            case id, number, kind, topic, content, state, request, response, version
            case customerID = "customer_id", customerName = "customer_name", projectID = "project_id", projectName =
                "project_name"
            case staffID = "staff_id", staffName = "staff_name", returnVisitID = "return_visit_id", departmentID =
                "department_id"
            case departmentName = "department_name", dueAt = "due_at", forwardedAt = "forwarded_at", chasedAt =
                "chased_at"
            case respondedAt = "responded_at", respondedByName = "responded_by_name", closedAt = "closed_at",
                createdAt = "created_at"
        }

        var feedbackState: FeedbackState { FeedbackState(rawValue: state) ?? .recorded }
    }

    static let select: SQLQueryString = """
        SELECT feedback.id, feedback.number, feedback.customer_id, customers.name AS customer_name, feedback.kind, feedback.topic, feedback.project_id,
               projects.name AS project_name, feedback.content, feedback.staff_id, staff.display_name AS staff_name, feedback.return_visit_id,
               feedback.state, feedback.department_id, departments.name AS department_name, feedback.request, feedback.due_at, feedback.forwarded_at,
               feedback.chased_at, feedback.response, feedback.responded_at, responder.display_name AS responded_by_name, feedback.closed_at,
               feedback.created_at, feedback.version
        FROM feedback JOIN customers ON customers.id = feedback.customer_id LEFT JOIN projects ON projects.id = feedback.project_id
        LEFT JOIN staff ON staff.id = feedback.staff_id LEFT JOIN departments ON departments.id = feedback.department_id
        LEFT JOIN staff AS responder ON responder.id = feedback.responded_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE feedback.id = \(bind: id)").first(decoding: Row.self)
    }

    struct Input: Content {
        var customerID: Int?
        var kind: String?
        var topic: String?
        var projectID: Int?
        var content: String?
        var staffID: Int?
    }

    /// Records a feedback; answers its id. `returnVisitID` names the visit where it was raised.
    func create(_ input: Input, returnVisitID: Int? = nil, context: AuditContext) async throws -> Int {
        var errors = FeedbackRules.validate(
            kind: input.kind, topic: input.topic, projectID: input.projectID, content: input.content)
        let sql = try database.sql()
        if let id = input.customerID {
            if try await sql.raw("SELECT id FROM customers WHERE id = \(bind: id) AND merged_into_id IS NULL").first()
                == nil
            {
                errors.add("customerID", "validation.inquiry.customer_unknown")
            }
        } else {
            errors.add("customerID", "validation.required")
        }
        if let id = input.projectID, try await sql.raw("SELECT id FROM projects WHERE id = \(bind: id)").first() == nil
        {
            errors.add("projectID", "validation.choose_from_list")
        }
        try errors.throwIfAny()
        let content = (input.content ?? "").trimmed
        let projectID = input.topic == FeedbackTopic.project.rawValue ? input.projectID : nil
        return try await database.writeTransaction { tx in
            let number = try await RecordNumbers.next(FeedbackRecordKind.numbering!, at: context.now, on: tx)
            let id = try await tx.sql().raw(
                """
                INSERT INTO feedback (number, customer_id, kind, topic, project_id, content, staff_id, return_visit_id, state, created_by_staff_id,
                    created_at, updated_at, version)
                VALUES (\(bind: number), \(bind: input.customerID!), \(bind: input.kind!), \(bind: input.topic!), \(bind: projectID), \(bind: content),
                    \(bind: input.staffID ?? context.actorStaffID), \(bind: returnVisitID), 'recorded', \(bind: context.actorStaffID), \(bind: context.now),
                    \(bind: context.now), 1)
                RETURNING id
                """
            ).first()!.decode(column: "id", as: Int.self)
            try await Timeline.record(
                .feedbackRecorded, customerID: input.customerID!, recordType: FeedbackRecordKind.recordType,
                recordID: id,
                message: StoredMessage("timeline.message.number_text", ["number": "\(number)"]),
                quoting: String(content.prefix(80)), context: context, on: tx)
            try await AuditLog.record(
                "feedback.created", recordType: FeedbackRecordKind.recordType, recordID: String(id),
                fields: ["kind", "topic", "projectID", "content"],
                message: AuditMessage.number(number), context: context, on: tx)
            return id
        }
    }

    struct ForwardInput: Content { var departmentID: Int?; var request: String?; var dueAt: String?; var version: Int? }

    /// Forwards to the responsible department with a request and a due date in the future.
    func forward(_ row: Row, _ input: ForwardInput, context: AuditContext) async throws {
        let version = try requireFormVersion(input.version)
        if let refusal = FeedbackRules.mayForward(row.feedbackState) { throw refusal }
        let department =
            try await input.departmentID.asyncMap { id in
                try await database.sql().raw("SELECT name FROM departments WHERE id = \(bind: id)").first()?.decode(
                    column: "name", as: String.self)
            } ?? nil
        let dueText = input.dueAt ?? ""
        let dueAt = dueText.trimmed.isEmpty ? nil : LocalDateTime.parse(dueText, timeZone: Self.china)
        let request = (input.request ?? "").trimmed
        try FeedbackRules.validateForward(
            departmentID: input.departmentID, departmentExists: department != nil, request: request, dueAt: dueAt,
            dueText: dueText, now: context.now
        ).throwIfAny()
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                FeedbackRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: """
                        state = 'forwarded', department_id = \(bind: input.departmentID!), request = \(bind: request), due_at = \(bind: dueAt!),
                        forwarded_at = \(bind: context.now), chased_at = NULL, response = NULL, responded_at = NULL, responded_by_staff_id = NULL
                        """,
                    timeline: .init(
                        kind: .feedbackForwarded,
                        message: StoredMessage(
                            "timeline.message.forwarded",
                            ["number": "\(row.number)", "department": "\(department ?? "")"])),
                    audit: .init(
                        action: "feedback.forwarded", fields: ["departmentID", "request", "dueAt"],
                        message: AuditMessage.forwarded(number: row.number, department: department ?? ""))),
                context: context, on: tx)
        }
    }

    /// The specialist chases the department: the time is kept and the liaisons are told (by the caller).
    func chase(_ row: Row, version: Int?, context: AuditContext) async throws {
        let version = try requireFormVersion(version)
        if let refusal = FeedbackRules.mayChase(row.feedbackState) { throw refusal }
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                FeedbackRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: "chased_at = \(bind: context.now)",
                    audit: .init(
                        action: "feedback.chased", fields: [],
                        message: AuditMessage.forwarded(number: row.number, department: row.departmentName ?? ""))),
                context: context, on: tx)
        }
    }

    struct AnswerInput: Content { var response: String?; var version: Int? }

    /// The department's liaison answers what was forwarded to them.
    func answer(_ row: Row, _ input: AnswerInput, context: AuditContext) async throws {
        let version = try requireFormVersion(input.version)
        if let refusal = FeedbackRules.mayAnswer(row.feedbackState) { throw refusal }
        let response = (input.response ?? "").trimmed
        var errors = FieldErrors()
        if response.isEmpty {
            errors.add("response", "validation.required")
        } else if response.count > 5000 {
            errors.add("response", "validation.too_long")
        }
        try errors.throwIfAny()
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                FeedbackRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: """
                        state = 'answered', response = \(bind: response), responded_at = \(bind: context.now), responded_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    timeline: .init(
                        kind: .feedbackAnswered,
                        message: StoredMessage(
                            "timeline.message.feedback_answered",
                            ["number": "\(row.number)", "department": "\(row.departmentName ?? "")"])),
                    audit: .init(
                        action: "feedback.answered", fields: ["response"], message: AuditMessage.number(row.number))),
                context: context, on: tx)
        }
    }

    func close(_ row: Row, version: Int?, context: AuditContext) async throws {
        let version = try requireFormVersion(version)
        if let refusal = FeedbackRules.mayClose(row.feedbackState) { throw refusal }
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                FeedbackRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: "state = 'closed', closed_at = \(bind: context.now)",
                    audit: .init(action: "feedback.closed", fields: [], message: AuditMessage.number(row.number))),
                context: context, on: tx)
        }
    }

    // MARK: Lists

    struct Filter: Sendable {
        var staffID: Int?
        var departmentID: Int?
        var projectID: Int?
        var state: FeedbackState?
    }

    /// A page of feedback newest first; a liaison's by their department (open ones first by due time).
    func page(_ filter: Filter, paging: Paging) async throws -> (items: [Row], total: Int) {
        var condition: SQLQueryString = "1 = 1"
        if let id = filter.staffID { condition = condition + " AND feedback.staff_id = \(bind: id)" }
        if let id = filter.departmentID { condition = condition + " AND feedback.department_id = \(bind: id)" }
        if let id = filter.projectID { condition = condition + " AND feedback.project_id = \(bind: id)" }
        if let state = filter.state { condition = condition + " AND feedback.state = \(bind: state.rawValue)" }
        let order: SQLQueryString =
            filter.departmentID != nil
            ? "CASE WHEN feedback.state = 'forwarded' THEN 0 ELSE 1 END, feedback.due_at, feedback.id"
            : "feedback.created_at DESC, feedback.id DESC"
        let sql = try database.sql()
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM feedback WHERE \(condition) LIMIT 1001) AS counted"
            ).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            "\(Self.select) WHERE \(condition) ORDER BY \(order) LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)"
        )
        .all(decoding: Row.self)
        return (items, total)
    }

    /// The liaisons of a department, to tell them of a forward or a chase.
    func liaisons(of departmentID: Int) async throws -> [Int] {
        try await database.sql().raw(
            "SELECT id FROM staff WHERE role = 'liaison' AND is_active = \(bind: true) AND department_id = \(bind: departmentID)"
        ).all()
            .map { try $0.decode(column: "id", as: Int.self) }
    }
}
