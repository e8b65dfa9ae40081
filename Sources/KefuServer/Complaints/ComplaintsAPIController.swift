import Foundation
import KefuDomain
import SQLKit
import Vapor

/// `/api/v1/complaints` (R3.5): intake, the list with the time left, a complaint with its forwarding
/// and updates, forwarding, telling the customer, the state machine's steps; and
/// `/api/v1/complaint-forwards` — a liaison's inbox of what was forwarded to their department, their
/// answer, and the customer's contact details when the request needs them (audited).
struct ComplaintsAPIController: RouteCollection {
    struct DeadlineDTO: Content {
        var target: String; var dueAt: Date?; var remainingWorkingMinutes: Int; var isBreached: Bool
    }
    struct ForwardDTO: Content {
        var id: Int; var departmentID: Int; var departmentName: String; var request: String; var dueAt: Date;
        var needsContact: Bool
        var status: String; var answer: String?; var answeredAt: Date?; var answeredBy: String?; var version: Int
        init(_ f: ComplaintStore.Forward) {
            id = f.id; departmentID = f.departmentID; departmentName = f.departmentName; request = f.request;
            dueAt = f.dueAt
            needsContact = f.needsContact; status = f.status; answer = f.answer; answeredAt = f.answeredAt;
            answeredBy = f.answeredByName; version = f.version
        }
    }
    struct UpdateDTO: Content {
        var id: Int; var kind: String; var channel: String; var content: String; var customerAccepts: Bool?;
        var toldAt: Date; var staffName: String?
    }
    struct ComplaintDTO: Content {
        var id: Int; var number: String; var customerID: Int; var customerName: String; var channel: String;
        var receivedAt: Date
        var description: String; var demands: String; var category: String; var categoryName: String?;
        var severity: String
        var projectID: Int?; var contractID: Int?; var acknowledged: Bool; var apologised: Bool; var staffID: Int?;
        var staffName: String?
        var state: String; var firstRespondedAt: Date?; var lastToldAt: Date?; var outcomeToldAt: Date?;
        var customerAccepts: Bool?
        var resolvedAt: Date?; var closedAt: Date?; var reopenCount: Int; var nextDueAt: Date?; var escalationLevel: Int
        /// Working minutes left before the nearest deadline (negative once missed); nil when none runs.
        var remainingWorkingMinutes: Int?
        /// The customer has not been told anything for longer than the severity's update limit.
        var isSilent: Bool
        var deadlines: [DeadlineDTO]
        var forwards: [ForwardDTO]?
        var updates: [UpdateDTO]?
        var version: Int
    }
    struct InboxDTO: Content {
        var forwardID: Int; var complaintID: Int; var number: String; var severity: String; var request: String;
        var dueAt: Date; var status: String
    }
    struct ContactDTO: Content {
        var customerName: String; var mobile: String?; var landline: String?; var email: String?
    }
    struct AnswerResult: Content { var forward: ForwardDTO }

    func boot(routes: any RoutesBuilder) throws {
        let complaints = routes.grouped("complaints")
        complaints.requiring(.viewComplaints).get(use: list)
        complaints.requiring(.recordComplaint).post(use: create)
        complaints.requiring(.viewComplaints).get(":id", use: show)
        let manage = complaints.requiring(.manageComplaints)
        manage.post(":id", "forwards", use: forward)
        manage.post(":id", "updates", use: recordUpdate)
        manage.post(":id", "steps", use: step)
        let forwards = routes.grouped("complaint-forwards").requiring(.answerComplaintForwards)
        forwards.get(use: inbox)
        forwards.post(":id", "answer", use: answer)
        forwards.get(":id", "contact", use: contact)
    }

    /// A complaint as JSON, with its deadlines computed on the working calendar at `now`.
    /// `forwards`, when the caller has read them already (the complaint's page), are not read again.
    static func dto(
        _ row: ComplaintStore.Row, store: ComplaintStore, calendar: WorkingCalendar, now: Date, detail: Bool,
        forwards: [ComplaintStore.Forward]? = nil
    ) async throws -> ComplaintDTO {
        try await dto(
            row, limits: try await store.limits(), pauses: try await store.pauses(row.id), store: store,
            calendar: calendar, now: now, detail: detail, forwards: forwards)
    }

    /// A page of complaints: the time limits and every row's pauses read once for the page, not per row.
    static func dtos(_ rows: [ComplaintStore.Row], store: ComplaintStore, calendar: WorkingCalendar, now: Date)
        async throws -> [ComplaintDTO]
    {
        let limits = try await store.limits()
        let pauses = try await store.pauses(of: rows.map(\.id))
        var items: [ComplaintDTO] = []
        for row in rows {
            items.append(
                try await dto(
                    row, limits: limits, pauses: pauses[row.id] ?? [], store: store, calendar: calendar, now: now,
                    detail: false))
        }
        return items
    }

    private static func dto(
        _ row: ComplaintStore.Row, limits all: [ComplaintSeverity: ComplaintTimeLimits], pauses: [TimeSpan],
        store: ComplaintStore,
        calendar: WorkingCalendar, now: Date, detail: Bool, forwards: [ComplaintStore.Forward]? = nil
    ) async throws -> ComplaintDTO {
        let limits = all[row.complaintSeverity] ?? .defaults(row.complaintSeverity)
        var forwardRows = forwards ?? []
        if detail, forwards == nil { forwardRows = try await store.forwards(row.id) }
        let deadlines = ComplaintClock.openDeadlines(
            ComplaintEscalation.clockFacts(row, pauses: pauses), limits: limits, calendar: calendar, now: now)
        let nearest = ComplaintClock.nearest(deadlines)
        let silence =
            row.complaintState.isOpen && row.complaintState != .resolved
            && calendar.workingSeconds(from: row.lastToldAt ?? row.receivedAt, to: now, pausedDuring: pauses) > limits
                .updateHours * 3600
        return ComplaintDTO(
            id: row.id, number: row.number, customerID: row.customerID, customerName: row.customerName,
            channel: row.channel, receivedAt: row.receivedAt,
            description: row.description, demands: row.demands, category: row.category, categoryName: row.categoryName,
            severity: row.severity,
            projectID: row.projectID, contractID: row.contractID, acknowledged: row.acknowledged,
            apologised: row.apologised, staffID: row.staffID,
            staffName: row.staffName, state: row.state, firstRespondedAt: row.firstRespondedAt,
            lastToldAt: row.lastToldAt, outcomeToldAt: row.outcomeToldAt,
            customerAccepts: row.customerAccepts, resolvedAt: row.resolvedAt, closedAt: row.closedAt,
            reopenCount: row.reopenCount, nextDueAt: row.nextDueAt,
            escalationLevel: row.escalationLevel,
            remainingWorkingMinutes: nearest.map { Int(($0.remainingSeconds / 60).rounded(.down)) }, isSilent: silence,
            deadlines: deadlines.map {
                DeadlineDTO(
                    target: $0.target.rawValue, dueAt: $0.dueAt,
                    remainingWorkingMinutes: Int(($0.remainingSeconds / 60).rounded(.down)),
                    isBreached: $0.isBreached)
            },
            forwards: detail ? forwardRows.map(ForwardDTO.init) : nil,
            updates: detail
                ? try await store.updates(row.id).map {
                    UpdateDTO(
                        id: $0.id, kind: $0.kind, channel: $0.channel, content: $0.content,
                        customerAccepts: $0.customerAccepts, toldAt: $0.toldAt, staffName: $0.staffName)
                } : nil,
            version: row.version
        )
    }

    @Sendable func list(req: Request) async throws -> PageDTO<ComplaintDTO> {
        let staff = try req.requireStaff()
        let paging = try req.paging
        var errors = FieldErrors()
        let state = req.query[String.self, at: "state"].flatMap { text in
            ComplaintState(rawValue: text)
                ?? {
                    errors.add("state", "validation.choose_from_list"); return nil
                }()
        }
        let severity = req.query[String.self, at: "severity"].flatMap { text in
            ComplaintSeverity(rawValue: text)
                ?? {
                    errors.add("severity", "validation.choose_from_list"); return nil
                }()
        }
        if !errors.isEmpty { throw KefuError.invalidQuery(errors) }
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewComplaints)
        let store = ComplaintStore(database: req.db)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        if scope == .forwardedToMyDepartment {
            // A liaison's list is their inbox: the complaints forwarded to their department.
            let ids = Array(Set(try await store.inbox(departmentID: staff.departmentID).map(\.complaintID))).sorted(
                by: >)
            var rows: [ComplaintDTO] = []
            for id in ids.dropFirst(paging.offset).prefix(paging.size) {
                if let row = try await store.find(id) {
                    rows.append(try await Self.dto(row, store: store, calendar: calendar, now: req.now, detail: false))
                }
            }
            return PageDTO(items: rows, request: paging, total: ids.count)
        }
        let (rows, total) = try await store.page(
            staffID: scope == .own ? staff.id : nil, state: state, severity: severity, paging: paging)
        return PageDTO(
            items: try await Self.dtos(rows, store: store, calendar: calendar, now: req.now), request: paging,
            total: total)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(ComplaintWorkflow.Intake.self)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        let id: Int
        do {
            id = try await req.recordComplaint(input)
        } catch let duplicates as PossibleDuplicates {
            let body = CustomersAPIController.DuplicateBody(
                error: .init(
                    code: "possible_duplicate", message: req.t("error.customer.possible_duplicate"),
                    fields: ["customer.duplicateReason": req.t("validation.required")]),
                duplicates: duplicates.matches)
            return try await body.encodeResponse(status: .conflict, for: req)
        }
        let store = ComplaintStore(database: req.db)
        let row = try await store.find(id)!
        return try await Self.dto(row, store: store, calendar: calendar, now: req.now, detail: true).encodeResponse(
            status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> ComplaintDTO {
        let row = try await req.record(ComplaintKind.self, for: .viewComplaints)
        let store = ComplaintStore(database: req.db)
        return try await Self.dto(
            row, store: store, calendar: try await WorkingCalendarStore(database: req.db).load(), now: req.now,
            detail: true)
    }

    @Sendable func forward(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        _ = try await ComplaintWorkflow(database: req.db).forward(
            row, try req.content.decode(ComplaintWorkflow.ForwardInput.self), context: req.auditContext,
            calendar: calendar)
        let store = ComplaintStore(database: req.db)
        return try await Self.dto(
            try await store.find(row.id)!, store: store, calendar: calendar, now: req.now, detail: true
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func recordUpdate(req: Request) async throws -> Response {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        try await ComplaintWorkflow(database: req.db).recordUpdate(
            row, try req.content.decode(ComplaintWorkflow.UpdateInput.self), context: req.auditContext,
            calendar: calendar)
        let store = ComplaintStore(database: req.db)
        return try await Self.dto(
            try await store.find(row.id)!, store: store, calendar: calendar, now: req.now, detail: true
        ).encodeResponse(status: .created, for: req)
    }

    @Sendable func step(req: Request) async throws -> ComplaintDTO {
        let row = try await req.record(ComplaintKind.self, for: .manageComplaints)
        let calendar = try await WorkingCalendarStore(database: req.db).load()
        try await ComplaintWorkflow(database: req.db).step(
            row, try req.content.decode(ComplaintWorkflow.StepInput.self), context: req.auditContext, calendar: calendar
        )
        let store = ComplaintStore(database: req.db)
        return try await Self.dto(
            try await store.find(row.id)!, store: store, calendar: calendar, now: req.now, detail: true)
    }

    @Sendable func inbox(req: Request) async throws -> [InboxDTO] {
        let staff = try req.requireStaff()
        return try await ComplaintStore(database: req.db).inbox(departmentID: staff.departmentID).map {
            InboxDTO(
                forwardID: $0.forwardID, complaintID: $0.complaintID, number: $0.number, severity: $0.severity,
                request: $0.request, dueAt: $0.dueAt, status: $0.status)
        }
    }

    /// The forwarded request, refused (403, audited) unless it was forwarded to the caller's department.
    static func forwardForLiaison(_ req: Request) async throws -> (ComplaintStore.Forward, ComplaintStore.Row) {
        let store = ComplaintStore(database: req.db)
        guard let id = req.parameters.get("id", as: Int.self), let forward = try await store.forward(id),
            let complaint = try await store.find(forward.complaintID)
        else {
            throw KefuError.notFound
        }
        try await req.authorize(
            .answerComplaintForwards, on: RecordFacts(forwardedToDepartmentIDs: [forward.departmentID]),
            recordType: ComplaintForwardKind.recordType, recordID: String(id))
        return (forward, complaint)
    }

    @Sendable func answer(req: Request) async throws -> AnswerResult {
        let (forward, complaint) = try await Self.forwardForLiaison(req)
        try await ComplaintWorkflow(database: req.db).answer(
            forward, complaint: complaint, try req.content.decode(ComplaintWorkflow.AnswerInput.self),
            context: req.auditContext)
        return AnswerResult(forward: ForwardDTO(try await ComplaintStore(database: req.db).forward(forward.id)!))
    }

    /// R1.3, R4.4: the customer's contact details, only when the request needs them, audited.
    @Sendable func contact(req: Request) async throws -> ContactDTO {
        let (forward, complaint) = try await Self.forwardForLiaison(req)
        guard forward.needsContact, forward.status == "open" else { throw KefuError.forbidden }
        let contact = try await req.db.sql().raw(
            "SELECT name AS customer_name, mobile, landline, email FROM customers WHERE id = \(bind: complaint.customerID)"
        ).firstRow(ContactDTO.self)!
        try await AuditLog.record(
            "complaint.contact_revealed", recordType: ComplaintKind.recordType, recordID: String(complaint.id),
            fields: ["mobile", "landline", "email"],
            message: AuditMessage.forwarded(number: complaint.number, department: forward.departmentName),
            context: req.auditContext, on: req.db)
        return contact
    }
}
