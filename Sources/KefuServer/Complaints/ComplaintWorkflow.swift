import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// The writes of complaints (R3.5, R1.3): intake, forwarding, the department's answer, updates given
/// to the customer and the state machine's steps. Each write runs in one transaction with its
/// version claim, its timeline entry on the customer's file and its audit entry; the complaint's
/// next deadline is recomputed on the working calendar in the same transaction.
struct ComplaintWorkflow {
    let database: any Database

    static let china = TimeZone(secondsFromGMT: WorkingCalendar.chinaOffset)!

    struct Intake: Content {
        var customerID: Int?
        var channel: String?
        var receivedAt: String?
        var description: String?
        var demands: String?
        var category: String?
        var severity: String?
        var projectID: Int?
        var contractID: Int?
        var acknowledged: Bool?
        var apologised: Bool?
        var staffID: Int?
        /// A customer without a file, created with the complaint (issue 13 §1).
        var customer: InquiryInput.NewCustomer? = nil
    }

    /// Checks an intake; the problems by field.
    func validate(_ input: Intake, now: Date) async throws -> (FieldErrors, Date) {
        var errors = FieldErrors()
        let sql = try database.sql()
        if let id = input.customerID {
            if try await sql.raw("SELECT id FROM customers WHERE id = \(bind: id)").first() == nil {
                errors.add("customerID", "validation.inquiry.customer_unknown")
            }
        } else {
            errors.add("customerID", "validation.required")
        }
        if ComplaintChannel(rawValue: input.channel ?? "") == nil {
            errors.add("channel", "validation.choose_from_list")
        }
        if ComplaintSeverity(rawValue: input.severity ?? "") == nil {
            errors.add("severity", "validation.choose_from_list")
        }
        let description = (input.description ?? "").trimmed
        if description.isEmpty {
            errors.add("description", "validation.required")
        } else if description.count > 5000 {
            errors.add("description", "validation.too_long")
        }
        if (input.demands ?? "").count > 5000 { errors.add("demands", "validation.too_long") }
        let category = input.category ?? ""
        if try await sql.raw(
            "SELECT code FROM complaint_categories WHERE code = \(bind: category) AND is_active = \(bind: true)"
        ).first() == nil {
            errors.add("category", "validation.choose_from_list")
        }
        if let id = input.projectID, try await sql.raw("SELECT id FROM projects WHERE id = \(bind: id)").first() == nil
        {
            errors.add("projectID", "validation.choose_from_list")
        }
        if let id = input.contractID {
            let row = try await sql.raw("SELECT customer_id FROM contracts WHERE id = \(bind: id)").first()
            if try row?.decode(column: "customer_id", as: Int.self) != input.customerID {
                errors.add("contractID", "complaint.contract_other_customer")
            }
        }
        if let id = input.staffID,
            try await sql.raw("SELECT id FROM staff WHERE id = \(bind: id) AND is_active = \(bind: true)").first()
                == nil
        {
            errors.add("staffID", "validation.choose_from_list")
        }
        var receivedAt = now
        if let text = input.receivedAt, !text.trimmed.isEmpty {
            if let date = LocalDateTime.parse(text, timeZone: Self.china) {
                if date > now {
                    errors.add("receivedAt", "validation.inquiry.received_future")
                } else {
                    receivedAt = date
                }
            } else {
                errors.add("receivedAt", "validation.datetime")
            }
        }
        return (errors, receivedAt)
    }

    /// Records a complaint (`TS-2026-000123`); urgent and major ones reach the supervisor at once
    /// through the escalation scan. Answers the new id.
    func create(_ input: Intake, context: AuditContext, calendar: WorkingCalendar) async throws -> Int {
        let (errors, receivedAt) = try await validate(input, now: context.now)
        try errors.throwIfAny()
        return try await database.writeTransaction { tx in
            let number = try await RecordNumbers.next(ComplaintKind.numbering!, at: context.now, on: tx)
            let staffID = input.staffID ?? context.actorStaffID
            let row = try await tx.sql().raw(
                """
                INSERT INTO complaints (number, customer_id, channel, received_at, description, demands, category, severity, project_id, contract_id,
                    acknowledged, apologised, staff_id, state, state_changed_at, reopen_count, escalation_level, created_by_staff_id, created_at,
                    updated_at, version)
                VALUES (\(bind: number), \(bind: input.customerID!), \(bind: input.channel!), \(bind: receivedAt), \(bind: input.description!.trimmed),
                    \(bind: (input.demands ?? "").trimmed), \(bind: input.category!), \(bind: input.severity!), \(bind: input.projectID), \(bind: input.contractID),
                    \(bind: input.acknowledged ?? false), \(bind: input.apologised ?? false), \(bind: staffID), 'received', \(bind: context.now), 0, 0,
                    \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                RETURNING id
                """
            ).first()
            let id = try row!.decode(column: "id", as: Int.self)
            try await refreshDeadline(id, calendar: calendar, now: context.now, on: tx)
            try await Timeline.record(
                .complaintReceived, customerID: input.customerID!, recordType: ComplaintKind.recordType, recordID: id,
                message: StoredMessage("timeline.message.number_text", ["number": "\(number)"]),
                quoting: String(input.description!.trimmed.prefix(80)), occurredAt: receivedAt, context: context, on: tx
            )
            try await AuditLog.record(
                "complaint.created", recordType: ComplaintKind.recordType, recordID: String(id),
                fields: ["channel", "category", "severity", "description", "demands"],
                message: AuditMessage.number(number), context: context, on: tx)
            return id
        }
    }

    private func facts(_ row: ComplaintStore.Row, on tx: any Database) async throws -> ComplaintFacts {
        let open = try await tx.sql().raw(
            "SELECT COUNT(*) AS n FROM complaint_forwards WHERE complaint_id = \(bind: row.id) AND status = 'open'"
        ).first()!
        .decode(column: "n", as: Int.self)
        return ComplaintFacts(
            state: row.complaintState, outcomeToldAt: row.outcomeToldAt, customerAccepts: row.customerAccepts,
            openForwards: open)
    }

    private func apply(_ step: ComplaintStep, _ row: ComplaintStore.Row, on tx: any Database) async throws
        -> ComplaintState
    {
        switch ComplaintStateMachine.apply(step, to: try await facts(row, on: tx)) {
        case .success(let state): return state
        case .failure(let refusal): throw refusal
        }
    }

    struct ForwardInput: Content {
        var departmentID: Int?; var request: String?; var dueAt: String?; var needsContact: Bool?; var version: Int?
    }

    /// Forwards the complaint to a department with a request and the department's own due date (R1.3).
    func forward(_ row: ComplaintStore.Row, _ input: ForwardInput, context: AuditContext, calendar: WorkingCalendar)
        async throws -> Int
    {
        var errors = FieldErrors()
        let version = try requireFormVersion(input.version)
        var departmentName = ""
        if let id = input.departmentID,
            let department = try await database.sql().raw("SELECT name, code FROM departments WHERE id = \(bind: id)")
                .first()
        {
            departmentName = try department.decode(column: "name", as: String.self)
        } else {
            errors.add(
                "departmentID", input.departmentID == nil ? "validation.required" : "validation.choose_from_list")
        }
        let request = (input.request ?? "").trimmed
        if request.isEmpty {
            errors.add("request", "validation.required")
        } else if request.count > 2000 {
            errors.add("request", "validation.too_long")
        }
        var dueAt: Date?
        if let text = input.dueAt, !text.trimmed.isEmpty {
            if let date = LocalDateTime.parse(text, timeZone: Self.china) {
                if date <= context.now { errors.add("dueAt", "complaint.forward.due_past") } else { dueAt = date }
            } else {
                errors.add("dueAt", "validation.datetime")
            }
        } else {
            errors.add("dueAt", "complaint.forward.due_required")
        }
        try errors.throwIfAny()
        let (department, due) = (departmentName, dueAt!)
        return try await database.writeTransaction { tx in
            guard let current = try await ComplaintStore(database: tx).find(row.id, on: tx) else {
                throw KefuError.notFound
            }
            let state = try await apply(.forward, current, on: tx)
            try await RecordWrites.change(
                ComplaintKind.self, id: row.id, version: version,
                RecordWrite(
                    set: """
                        state = \(bind: state.rawValue), state_changed_at = CASE WHEN state = \(bind: state.rawValue) THEN state_changed_at ELSE \(bind: context.now) END,
                        first_responded_at = COALESCE(first_responded_at, \(bind: context.now))
                        """,
                    timeline: .init(
                        kind: .complaintForwarded,
                        message: StoredMessage(
                            "timeline.message.forwarded", ["number": "\(row.number)", "department": "\(department)"])),
                    audit: .init(
                        action: "complaint.forwarded", fields: ["department_id", "request", "due_at"],
                        message: AuditMessage.forwarded(number: row.number, department: department))),
                context: context, on: tx)
            let inserted = try await tx.sql().raw(
                """
                INSERT INTO complaint_forwards (complaint_id, department_id, request, due_at, needs_contact, status, forwarded_by_staff_id, created_at, updated_at, version)
                VALUES (\(bind: row.id), \(bind: input.departmentID!), \(bind: request), \(bind: due), \(bind: input.needsContact ?? false), 'open',
                        \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                RETURNING id
                """
            ).first()
            let forwardID = try inserted!.decode(column: "id", as: Int.self)
            try await refreshDeadline(row.id, calendar: calendar, now: context.now, on: tx)
            return forwardID
        }
    }

    struct AnswerInput: Content { var answer: String?; var sendBack: Bool?; var version: Int? }

    /// The department's answer to a forwarded request, or the request sent back with a reason.
    func answer(
        _ forward: ComplaintStore.Forward, complaint: ComplaintStore.Row, _ input: AnswerInput, context: AuditContext
    ) async throws {
        let version = try requireFormVersion(input.version)
        let answer = (input.answer ?? "").trimmed
        if answer.isEmpty { throw FieldErrors(["answer": "validation.required"]) }
        if answer.count > 5000 { throw FieldErrors(["answer": "validation.too_long"]) }
        if complaint.complaintState == .closed { throw ComplaintRefusal("state", "complaint.refused.closed") }
        guard forward.status == "open" else { throw ComplaintRefusal("answer", "complaint.forward.already_answered") }
        let status = input.sendBack == true ? "returned" : "answered"
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                ComplaintForwardKind.self, id: forward.id, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status), answer = \(bind: answer), answered_at = \(bind: context.now),
                        answered_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    condition: "status = 'open'",
                    timeline: .init(
                        kind: .complaintAnswered,
                        message: StoredMessage(
                            "timeline.message.complaint_answered",
                            ["number": "\(complaint.number)", "department": "\(forward.departmentName)"]),
                        about: .complaint(complaint)),
                    audit: .init(
                        action: status == "answered" ? "complaint.forward_answered" : "complaint.forward_returned",
                        fields: ["answer"], message: AuditMessage.number(complaint.number))),
                context: context, on: tx)
            try await tx.sql().raw(
                // An answer changes what the complaint's forms were read at; the path stamped its time.
                "UPDATE complaints SET version = version + 1 WHERE id = \(bind: complaint.id)"
            ).run()
        }
    }

    struct UpdateInput: Content {
        var kind: String?; var channel: String?; var content: String?; var customerAccepts: Bool?; var toldAt: String?;
        var version: Int?
    }

    /// Records an update given to the customer (R3.5): progress, or the outcome with whether they accept
    /// it. The outcome moves the complaint to resolved (refused while a department has not answered).
    func recordUpdate(_ row: ComplaintStore.Row, _ input: UpdateInput, context: AuditContext, calendar: WorkingCalendar)
        async throws
    {
        var errors = FieldErrors()
        let version = try requireFormVersion(input.version)
        let kind = input.kind ?? "progress"
        if !["progress", "outcome"].contains(kind) { errors.add("kind", "validation.choose_from_list") }
        if FollowUpChannel(rawValue: input.channel ?? "") == nil {
            errors.add("channel", "validation.choose_from_list")
        }
        let content = (input.content ?? "").trimmed
        if content.isEmpty {
            errors.add("content", "validation.required")
        } else if content.count > 5000 {
            errors.add("content", "validation.too_long")
        }
        if kind == "outcome", input.customerAccepts == nil {
            errors.add("customerAccepts", "complaint.update.acceptance_required")
        }
        var toldAt = context.now
        if let text = input.toldAt, !text.trimmed.isEmpty {
            if let date = LocalDateTime.parse(text, timeZone: Self.china), date <= context.now, date >= row.receivedAt {
                toldAt = date
            } else {
                errors.add("toldAt", "validation.datetime")
            }
        }
        try errors.throwIfAny()
        let told = toldAt
        try await database.writeTransaction { tx in
            guard let current = try await ComplaintStore(database: tx).find(row.id, on: tx) else {
                throw KefuError.notFound
            }
            if current.complaintState == .closed { throw ComplaintRefusal("state", "complaint.refused.closed") }
            var set: SQLQueryString = """
                last_told_at = \(bind: told), first_responded_at = COALESCE(first_responded_at, \(bind: told))
                """
            if kind == "outcome" {
                let state = current.complaintState == .resolved ? .resolved : try await apply(.resolve, current, on: tx)
                set = """
                    \(set), state = \(bind: state.rawValue), state_changed_at = \(bind: context.now), outcome_told_at = \(bind: told),
                    customer_accepts = \(bind: input.customerAccepts!), resolved_at = COALESCE(resolved_at, \(bind: told))
                    """
                try await closeOpenPause(row.id, at: told, on: tx)
            }
            try await RecordWrites.change(
                ComplaintKind.self, id: row.id, version: version,
                RecordWrite(
                    set: set,
                    timeline: .init(
                        kind: .complaintUpdate,
                        message: StoredMessage("timeline.message.number_text", ["number": "\(row.number)"]),
                        quoting: String(content.prefix(80)), occurredAt: told),
                    audit: .init(
                        action: "complaint.customer_told", fields: ["kind", "channel", "content"],
                        message: AuditMessage.numbered(row.number, .term("complaint.update.kind.\(kind)")))),
                context: context, on: tx)
            try await tx.sql().raw(
                """
                INSERT INTO complaint_updates (complaint_id, customer_id, kind, channel, content, customer_accepts, told_at, staff_id, created_at)
                VALUES (\(bind: row.id), \(bind: row.customerID), \(bind: kind), \(bind: input.channel!), \(bind: content),
                        \(bind: kind == "outcome" ? input.customerAccepts : nil), \(bind: told), \(bind: context.actorStaffID), \(bind: context.now))
                """
            ).run()
            try await refreshDeadline(row.id, calendar: calendar, now: context.now, on: tx)
        }
    }

    struct StepInput: Content { var step: String?; var reason: String?; var version: Int? }

    /// A step of the state machine: start, wait for the customer (the clock pauses), resume, close
    /// (only after the outcome was told and accepted), reopen (the customer does not accept; a reason).
    func step(_ row: ComplaintStore.Row, _ input: StepInput, context: AuditContext, calendar: WorkingCalendar)
        async throws
    {
        let version = try requireFormVersion(input.version)
        guard let step = ComplaintStep(rawValue: input.step ?? ""), ![.forward, .resolve].contains(step) else {
            throw FieldErrors(["step": "validation.choose_from_list"])
        }
        let reason = (input.reason ?? "").trimmed
        if step == .reopen || step == .waitForCustomer, reason.isEmpty {
            throw FieldErrors(["reason": "validation.required"])
        }
        if reason.count > 2000 { throw FieldErrors(["reason": "validation.too_long"]) }
        try await database.writeTransaction { tx in
            guard let current = try await ComplaintStore(database: tx).find(row.id, on: tx) else {
                throw KefuError.notFound
            }
            let state = try await apply(step, current, on: tx)
            var set: SQLQueryString = "state = \(bind: state.rawValue), state_changed_at = \(bind: context.now)"
            switch step {
            case .start: set = "\(set), first_responded_at = COALESCE(first_responded_at, \(bind: context.now))"
            case .waitForCustomer:
                try await tx.sql().raw(
                    """
                    INSERT INTO complaint_pauses (complaint_id, started_at, reason, updated_at, version)
                    VALUES (\(bind: row.id), \(bind: context.now), \(bind: reason), \(bind: context.now), 1)
                    """
                ).run()
                set = "\(set), first_responded_at = COALESCE(first_responded_at, \(bind: context.now))"
            case .resume: try await closeOpenPause(row.id, at: context.now, on: tx)
            case .close: set = "\(set), closed_at = \(bind: context.now), next_due_at = NULL"
            case .reopen:
                set =
                    "\(set), reopen_count = reopen_count + 1, reopen_reason = \(bind: reason), outcome_told_at = NULL, customer_accepts = NULL, resolved_at = NULL"
            case .forward, .resolve: break
            }
            try await RecordWrites.change(
                ComplaintKind.self, id: row.id, version: version,
                RecordWrite(
                    set: set,
                    timeline: .init(
                        kind: .complaintState,
                        message: StoredMessage(
                            "timeline.message.state",
                            ["number": "\(row.number)", "state": .term("complaint.state.\(state.rawValue)")])),
                    audit: .init(
                        action: "complaint.\(step.rawValue)", fields: ["state"],
                        message: AuditMessage.stateChanged(
                            number: row.number, from: current.state, to: state.rawValue, in: "complaint.state"))),
                context: context, on: tx)
            try await refreshDeadline(row.id, calendar: calendar, now: context.now, on: tx)
        }
    }

    private func closeOpenPause(_ id: Int, at date: Date, on tx: any Database) async throws {
        try await tx.sql().raw(
            """
            UPDATE complaint_pauses SET ended_at = \(bind: date), updated_at = \(bind: date), version = version + 1
            WHERE complaint_id = \(bind: id) AND ended_at IS NULL
            """
        ).run()
    }

    /// Recomputes the earliest open deadline and the escalation level reached, on the working calendar.
    func refreshDeadline(_ id: Int, calendar: WorkingCalendar, now: Date, on tx: any Database) async throws {
        let store = ComplaintStore(database: tx)
        guard let row = try await store.find(id, on: tx) else { return }
        let limits = try await store.limits(on: tx)[row.complaintSeverity] ?? .defaults(row.complaintSeverity)
        let deadlines = ComplaintClock.openDeadlines(
            ComplaintEscalation.clockFacts(row, pauses: try await store.pauses(id, on: tx)),
            limits: limits, calendar: calendar, now: now)
        let next = deadlines.compactMap(\.dueAt).min()
        let level = EscalationLadder.level(
            deadlines: deadlines, ladder: try await ComplaintSettingsStore(database: tx).ladder().levels)
        try await tx.sql().raw(
            """
            UPDATE complaints SET next_due_at = \(bind: next), escalation_level = \(bind: level) WHERE id = \(bind: id)
            """
        ).run()
    }
}
