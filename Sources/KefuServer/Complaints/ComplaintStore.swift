import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

extension ComplaintRefusal: KefuErrorConvertible {
    var kefuError: KefuError {
        KefuError(.unprocessableEntity, code: "refused", messageKey: messageKey, fields: [field: messageKey])
    }
}

/// Reads complaints and their parts (R3.5); the writes are in `ComplaintWorkflow`.
struct ComplaintStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, number: String, customerID: Int, customerName: String, customerCompany: String?, channel: String,
            receivedAt: Date
        var description: String, demands: String, category: String, categoryName: String?, severity: String,
            projectID: Int?, projectName: String?
        var contractID: Int?, contractNumber: String?, acknowledged: Bool, apologised: Bool, staffID: Int?,
            staffName: String?, state: String
        var stateChangedAt: Date, firstRespondedAt: Date?, lastToldAt: Date?, outcomeToldAt: Date?,
            customerAccepts: Bool?, resolvedAt: Date?
        var closedAt: Date?, reopenCount: Int, reopenReason: String?, nextDueAt: Date?, escalationLevel: Int,
            createdAt: Date, updatedAt: Date, version: Int

        enum CodingKeys: String, CodingKey {
            case id, number, channel, description, demands, category, severity, acknowledged, apologised, state, version
            case customerID = "customer_id", customerName = "customer_name", customerCompany = "customer_company",
                receivedAt = "received_at"
            case categoryName = "category_name", projectID = "project_id", projectName = "project_name", contractID =
                "contract_id"
            case contractNumber = "contract_number", staffID = "staff_id", staffName = "staff_name", stateChangedAt =
                "state_changed_at"
            case firstRespondedAt = "first_responded_at", lastToldAt = "last_told_at", outcomeToldAt = "outcome_told_at"
            case customerAccepts = "customer_accepts", resolvedAt = "resolved_at", closedAt = "closed_at", reopenCount =
                "reopen_count"
            case reopenReason = "reopen_reason", nextDueAt = "next_due_at", escalationLevel = "escalation_level",
                createdAt = "created_at"
            case updatedAt = "updated_at"
        }

        var complaintState: ComplaintState { ComplaintState(rawValue: state) ?? .received }
        var complaintSeverity: ComplaintSeverity { ComplaintSeverity(rawValue: severity) ?? .normal }
    }

    static let select: SQLQueryString = """
        SELECT complaints.id, complaints.number, complaints.customer_id, customers.name AS customer_name, customers.company_name AS customer_company,
               complaints.channel, complaints.received_at, complaints.description, complaints.demands, complaints.category,
               complaint_categories.name AS category_name, complaints.severity, complaints.project_id, projects.name AS project_name,
               complaints.contract_id, contracts.number AS contract_number, complaints.acknowledged, complaints.apologised, complaints.staff_id,
               staff.display_name AS staff_name, complaints.state, complaints.state_changed_at, complaints.first_responded_at, complaints.last_told_at,
               complaints.outcome_told_at, complaints.customer_accepts, complaints.resolved_at, complaints.closed_at, complaints.reopen_count,
               complaints.reopen_reason, complaints.next_due_at, complaints.escalation_level, complaints.created_at, complaints.updated_at, complaints.version
        FROM complaints JOIN customers ON customers.id = complaints.customer_id
        LEFT JOIN complaint_categories ON complaint_categories.code = complaints.category
        LEFT JOIN projects ON projects.id = complaints.project_id LEFT JOIN contracts ON contracts.id = complaints.contract_id
        LEFT JOIN staff ON staff.id = complaints.staff_id
        """

    func find(_ id: Int, on database: (any Database)? = nil) async throws -> Row? {
        try await (database ?? self.database).sql().raw("\(Self.select) WHERE complaints.id = \(bind: id)").first(
            decoding: Row.self)
    }

    /// The departments a complaint was forwarded to (any status): their liaisons may see it.
    func forwardedDepartments(_ id: Int) async throws -> [Int] {
        try await database.sql().raw(
            "SELECT DISTINCT department_id FROM complaint_forwards WHERE complaint_id = \(bind: id)"
        ).all()
            .map { try $0.decode(column: "department_id", as: Int.self) }
    }

    func pauses(_ id: Int, on database: (any Database)? = nil) async throws -> [TimeSpan] {
        try await (database ?? self.database).sql().raw(
            """
            SELECT started_at, ended_at FROM complaint_pauses WHERE complaint_id = \(bind: id) ORDER BY started_at
            """
        ).allRows(Pause.self).map(\.span)
    }

    /// A stored pause of a complaint's clock, open while `endedAt` is nil; `complaintID` where the query reads it.
    struct Pause: Decodable {
        var complaintID: Int?
        var startedAt: Date
        var endedAt: Date?
        var span: TimeSpan { TimeSpan(start: startedAt, end: endedAt) }

        /// Pauses by complaint.
        static func byComplaint(_ pauses: [Pause]) -> [Int: [TimeSpan]] {
            pauses.reduce(into: [:]) { result, pause in result[pause.complaintID ?? 0, default: []].append(pause.span) }
        }
    }

    /// The pauses of several complaints in one query, by complaint.
    func pauses(of ids: [Int]) async throws -> [Int: [TimeSpan]] {
        guard !ids.isEmpty else { return [:] }
        return Pause.byComplaint(
            try await database.sql().raw(
                """
                SELECT complaint_id, started_at, ended_at FROM complaint_pauses WHERE complaint_id IN (\(binds: ids)) ORDER BY complaint_id, started_at
                """
            ).allRows(Pause.self))
    }

    struct Forward: Decodable, Sendable {
        var id: Int, complaintID: Int, departmentID: Int, departmentName: String, request: String, dueAt: Date,
            needsContact: Bool, status: String
        var answer: String?, answeredAt: Date?, answeredByName: String?, chasedAt: Date?, forwardedByName: String?,
            createdAt: Date, version: Int
        enum CodingKeys: String, CodingKey {
            case id, request, status, answer, version
            case complaintID = "complaint_id", departmentID = "department_id", departmentName = "department_name",
                dueAt = "due_at"
            case needsContact = "needs_contact", answeredAt = "answered_at", answeredByName = "answered_by_name",
                chasedAt = "chased_at"
            case forwardedByName = "forwarded_by_name", createdAt = "created_at"
        }
    }

    static let forwardSelect: SQLQueryString = """
        SELECT complaint_forwards.id, complaint_forwards.complaint_id, complaint_forwards.department_id, departments.name AS department_name,
               complaint_forwards.request, complaint_forwards.due_at, complaint_forwards.needs_contact, complaint_forwards.status,
               complaint_forwards.answer, complaint_forwards.answered_at, answerer.display_name AS answered_by_name, complaint_forwards.chased_at,
               forwarder.display_name AS forwarded_by_name, complaint_forwards.created_at, complaint_forwards.version
        FROM complaint_forwards JOIN departments ON departments.id = complaint_forwards.department_id
        LEFT JOIN staff AS answerer ON answerer.id = complaint_forwards.answered_by_staff_id
        LEFT JOIN staff AS forwarder ON forwarder.id = complaint_forwards.forwarded_by_staff_id
        """

    func forwards(_ complaintID: Int, on database: (any Database)? = nil) async throws -> [Forward] {
        try await (database ?? self.database).sql().raw(
            "\(Self.forwardSelect) WHERE complaint_forwards.complaint_id = \(bind: complaintID) ORDER BY complaint_forwards.id"
        )
        .all(decoding: Forward.self)
    }

    func forward(_ id: Int, on database: (any Database)? = nil) async throws -> Forward? {
        try await (database ?? self.database).sql().raw(
            "\(Self.forwardSelect) WHERE complaint_forwards.id = \(bind: id)"
        ).first(decoding: Forward.self)
    }

    struct Update: Decodable, Sendable {
        var id: Int, kind: String, channel: String, content: String, customerAccepts: Bool?, toldAt: Date,
            staffName: String?
        enum CodingKeys: String, CodingKey {
            case id, kind, channel, content
            case customerAccepts = "customer_accepts", toldAt = "told_at", staffName = "staff_name"
        }
    }

    func updates(_ complaintID: Int) async throws -> [Update] {
        try await database.sql().raw(
            """
            SELECT complaint_updates.id, complaint_updates.kind, complaint_updates.channel, complaint_updates.content, complaint_updates.customer_accepts,
                   complaint_updates.told_at, staff.display_name AS staff_name
            FROM complaint_updates LEFT JOIN staff ON staff.id = complaint_updates.staff_id
            WHERE complaint_updates.complaint_id = \(bind: complaintID) ORDER BY complaint_updates.told_at, complaint_updates.id
            """
        ).all(decoding: Update.self)
    }

    /// The time limits per severity as configured.
    func limits(on database: (any Database)? = nil) async throws -> [ComplaintSeverity: ComplaintTimeLimits] {
        struct Limits: Decodable {
            var severity: String; var firstResponseHours: Double; var updateHours: Double; var resolutionHours: Double
        }
        let rows = try await (database ?? self.database).sql().raw(
            """
            SELECT severity, first_response_hours, update_hours, resolution_hours FROM complaint_time_limits
            """
        ).allRows(Limits.self)
        var result: [ComplaintSeverity: ComplaintTimeLimits] = [:]
        for severity in ComplaintSeverity.allCases { result[severity] = .defaults(severity) }
        for row in rows {
            guard let severity = ComplaintSeverity(rawValue: row.severity) else { continue }
            result[severity] = ComplaintTimeLimits(
                firstResponseHours: row.firstResponseHours, updateHours: row.updateHours,
                resolutionHours: row.resolutionHours)
        }
        return result
    }

    struct Category: Decodable, Sendable { var code: String; var name: String }

    func categories() async throws -> [Category] {
        try await database.sql().raw(
            "SELECT code, name FROM complaint_categories WHERE is_active = \(bind: true) ORDER BY position, id"
        ).all(decoding: Category.self)
    }

    /// A page of complaints, newest first; `staffID` limits to one person's (a specialist's own),
    /// `openOnly` to those not closed.
    func page(staffID: Int?, state: ComplaintState?, severity: ComplaintSeverity?, paging: Paging) async throws -> (
        items: [Row], total: Int
    ) {
        var conditions: [SQLQueryString] = []
        if let staffID { conditions.append("complaints.staff_id = \(bind: staffID)") }
        if let state {
            conditions.append("complaints.state = \(bind: state.rawValue)")
            // Spelled out so SQLite reads the partial index of open complaints (a few thousand of
            // 200,000) instead of every complaint newest first until a page of this state is found.
            if state != .closed { conditions.append("complaints.state <> 'closed'") }
        }
        if let severity { conditions.append("complaints.severity = \(bind: severity.rawValue)") }
        var filter: SQLQueryString = "1 = 1"
        for condition in conditions { filter = "\(filter) AND \(condition)" }
        let sql = try database.sql()
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM complaints WHERE \(filter) LIMIT 1001) AS counted"
            ).first()?
            .decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            """
            \(Self.select) WHERE \(filter) ORDER BY complaints.received_at DESC, complaints.id DESC LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: Row.self)
        return (items, total)
    }

    struct InboxRow: Decodable, Sendable {
        var forwardID: Int, complaintID: Int, number: String, severity: String, request: String, dueAt: Date,
            status: String, receivedAt: Date
        enum CodingKeys: String, CodingKey {
            case number, severity, request, status
            case forwardID = "forward_id", complaintID = "complaint_id", dueAt = "due_at", receivedAt = "received_at"
        }
    }

    /// R1.3: a liaison's inbox — only the requests forwarded to their department, open ones first by due time.
    func inbox(departmentID: Int, limit: Int = 200) async throws -> [InboxRow] {
        try await database.sql().raw(
            """
            SELECT complaint_forwards.id AS forward_id, complaints.id AS complaint_id, complaints.number, complaints.severity, complaint_forwards.request,
                   complaint_forwards.due_at, complaint_forwards.status, complaints.received_at
            FROM complaint_forwards JOIN complaints ON complaints.id = complaint_forwards.complaint_id
            WHERE complaint_forwards.department_id = \(bind: departmentID)
            ORDER BY CASE WHEN complaint_forwards.status = 'open' THEN 0 ELSE 1 END, complaint_forwards.due_at, complaint_forwards.id LIMIT \(bind: limit)
            """
        ).all(decoding: InboxRow.self)
    }
}
