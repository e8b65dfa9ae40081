import Fluent
import Foundation
import KefuDomain
import SQLKit

/// Writes and reads inquiries (R3.1): intake during a call, promised replies and their closing, and
/// the public form's queue (R4.1 #2). Every change is on the customer's timeline and in the audit log.
struct InquiryStore {
    let database: any Database

    enum Status: String, CaseIterable, Codable, Sendable { case waiting, open, promised, closed }

    /// ZX-2026-000042: the year received and the next of that year's counter, never reused.
    static func nextNumber(receivedAt: Date, on database: any Database) async throws -> String {
        try await RecordNumbers.next(InquiryKind.numbering!, at: receivedAt, on: database)
    }

    /// Records an inquiry taken by `staffID` for a customer: closed when answered on the spot, a
    /// promised reply otherwise.
    func create(_ values: InquiryValues, customerID: Int, staffID: Int?, context: AuditContext) async throws -> Int {
        let (status, promisedBy, answeredAt): (Status, Date?, Date?) =
            switch values.outcome {
            case .answered: (.closed, nil, context.now)
            case .promised(let deadline): (.promised, deadline, nil)
            }
        return try await database.writeTransaction { tx in
            // The number goes in with the row: a later UPDATE of it would compile every summary trigger on
            // `inquiries` once more, on the writer's one path (issue 18 §9).
            let number = try await Self.nextNumber(receivedAt: values.receivedAt, on: tx)
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO inquiries (number, customer_id, channel, received_at, question, needs, answer, first_answered_at, status,
                        promised_by, staff_id, created_by_staff_id, created_at, updated_at, version)
                    VALUES (\(bind: number), \(bind: customerID), \(bind: values.channel.rawValue), \(bind: values.receivedAt),
                            \(bind: values.question), \(bind: values.needs), \(bind: values.answer), \(bind: answeredAt),
                            \(bind: status.rawValue), \(bind: promisedBy), \(bind: staffID), \(bind: context.actorStaffID),
                            \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            let message =
                promisedBy.map {
                    StoredMessage(
                        "timeline.message.inquiry_promised",
                        ["number": "\(number)", "deadline": "\(DisplayFormat.dateTime($0))"])
                } ?? StoredMessage("timeline.message.number_text", ["number": "\(number)"])
            try await tx.sql().runInOrder([
                Timeline.entry(
                    .inquiry, customerID: customerID, recordType: "inquiry", recordID: id, message: message,
                    quoting: values.question, occurredAt: values.receivedAt, context: context),
                "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: customerID)",
                AuditLog.entry(
                    "inquiry.created", recordType: "inquiry", recordID: String(id), fields: ["question", "status"],
                    message: AuditMessage.inquiryCreated(customer: "\(customerID)", status: status.rawValue),
                    context: context),
            ])
            return id
        }
    }

    /// Closes an open or promised inquiry with the reply given; the first answer's time is kept for
    /// the response-time figures. With `version` (the API's), a stale one is a conflict; without it
    /// (the page's), a reply someone else closed meanwhile is refused at the field as before.
    func reply(_ id: Int, reply: String, version: Int? = nil, context: AuditContext) async throws {
        let text = reply.trimmed
        if text.isEmpty { throw FieldErrors(["reply": "validation.required"]) }
        if text.count > 4000 { throw FieldErrors(["reply": "validation.too_long"]) }
        let closed = FieldErrors(["reply": "validation.inquiry.already_closed"])
        try await database.writeTransaction { tx in
            guard let current = try await Self.claimable(id, on: tx) else { throw KefuError.notFound }
            // Closed on the version read: the reply came too late, not from a stale form.
            if version.map({ $0 == current.version }) ?? true, !["open", "promised"].contains(current.status) {
                throw closed
            }
            do {
                let written = try await RecordWrites.change(
                    InquiryKind.self, id: id, version: version ?? current.version,
                    RecordWrite(
                        set: """
                            status = 'closed', reply = \(bind: text), replied_at = \(bind: context.now),
                            first_answered_at = COALESCE(first_answered_at, \(bind: context.now))
                            """,
                        condition: "status IN ('open', 'promised')",
                        timeline: .init(
                            kind: .reply,
                            message: StoredMessage(
                                "timeline.message.number_text", ["number": "\(current.number ?? "")"]),
                            quoting: text),
                        audit: .init(action: "inquiry.replied", fields: ["reply"], message: AuditMessage.none)),
                    context: context, on: tx)
                if let customerID = written.customerID {
                    try await tx.sql().raw(
                        "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: customerID)"
                    ).run()
                }
            } catch is RecordConflict where version == nil {
                throw closed
            }
        }
    }

    /// The version, state and number of an inquiry, read in the transaction that changes it.
    private static func claimable(_ id: Int, on tx: any Database) async throws -> (
        version: Int, status: String, number: String?
    )? {
        guard
            let row = try await tx.sql().raw("SELECT version, status, number FROM inquiries WHERE id = \(bind: id)")
                .first()
        else { return nil }
        return (
            try row.decode(column: "version", as: Int.self), try row.decode(column: "status", as: String.self),
            try row.decode(column: "number", as: String?.self)
        )
    }

    /// A public-form submission: waits in the queue, with the visitor's consent and the address it
    /// came from. Returns its id and number.
    func submit(_ inquiry: PublicInquiry, noticeVersion: String, address: String, context: AuditContext) async throws
        -> (id: Int, number: String)
    {
        try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO inquiries (channel, received_at, question, status, visitor_name, visitor_mobile, visitor_company, visitor_intent,
                        consent_notice_version, consent_at, source_address, created_at, updated_at, version)
                    VALUES ('web_form', \(bind: context.now), \(bind: inquiry.question), 'waiting', \(bind: inquiry.name), \(bind: inquiry.mobile),
                            \(bind: inquiry.company), \(bind: inquiry.intent), \(bind: noticeVersion), \(bind: context.now), \(bind: address),
                            \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            let number = try await Self.nextNumber(receivedAt: context.now, on: tx)
            try await tx.sql().raw("UPDATE inquiries SET number = \(bind: number) WHERE id = \(bind: id)").run()
            try await AuditLog.record(
                "inquiry.submitted", recordType: "inquiry", recordID: String(id),
                fields: ["name", "mobile", "question", "consent"],
                message: AuditMessage.publicForm(notice: "\(noticeVersion)"), context: context, on: tx)
            return (id, number)
        }
    }

    /// Gives a queued inquiry to a specialist and files it on a customer: the file with the visitor's
    /// mobile if there is one, else a new file with the consent the visitor gave. A rule's choice
    /// yields to the existing file's specialist, who knows the customer (`keepOwner`); the
    /// supervisor's explicit choice does not. All of it in one transaction: a race leaves nothing.
    func assign(_ id: Int, to requestedStaffID: Int, keepOwner: Bool, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            guard
                let row = try await tx.sql().raw(
                    """
                    SELECT visitor_name, visitor_mobile, visitor_company, visitor_intent, consent_notice_version, consent_at, question, status, number,
                        version
                    FROM inquiries WHERE id = \(bind: id)
                    """
                ).first(decoding: QueuedRow.self)
            else { throw KefuError.notFound }
            guard row.status == Status.waiting.rawValue else {
                throw FieldErrors(["staffID": "validation.inquiry.not_waiting"])
            }
            let existing = try await tx.sql().raw(
                """
                SELECT id, responsible_staff_id FROM customers WHERE mobile = \(bind: row.visitor_mobile ?? "") AND merged_into_id IS NULL ORDER BY id LIMIT 1
                """
            ).first()
            var customerID = try existing?.decode(column: "id", as: Int.self)
            let owner = try existing?.decode(column: "responsible_staff_id", as: Int?.self)
            let staffID = keepOwner ? owner ?? requestedStaffID : requestedStaffID
            if customerID == nil {
                var draft = CustomerDraft()
                draft.kind =
                    (row.visitor_company ?? "").isEmpty
                    ? CustomerKind.individual.rawValue : CustomerKind.company.rawValue
                draft.name = row.visitor_name ?? ""
                draft.companyName = row.visitor_company ?? ""
                draft.mobile = row.visitor_mobile ?? ""
                draft.industries = row.visitor_intent.map { [$0] } ?? []
                draft.source = SourceChannel.webForm.rawValue
                draft.consentChannel = "web_form"
                draft.consentNoticeVersion = row.consent_notice_version ?? ""
                let values = try CustomerValidation.validate(draft).get()
                let customer = try await CustomerStore(database: tx).create(
                    values, responsibleStaffID: staffID,
                    duplicateReason: "网页咨询 \(row.number ?? "")", context: context)
                let newID = try customer.requireID()
                customerID = newID
                _ = try await ConsentStore(database: tx).record(
                    ConsentDTO(
                        purpose: ConsentPurpose.collection.rawValue, status: ConsentStatus.granted.rawValue,
                        effectiveAt: row.consent_at,
                        channel: "web_form", evidence: "网页咨询表单勾选同意 \(row.number ?? "")",
                        noticeVersion: row.consent_notice_version),
                    customerID: newID, context: context)
            }
            guard let customerID else { throw KefuError.notFound }
            // Filed once: an assignment that finds the inquiry no longer waiting changes nothing.
            do {
                try await RecordWrites.change(
                    InquiryKind.self, id: id, version: row.version,
                    RecordWrite(
                        set: "customer_id = \(bind: customerID), staff_id = \(bind: staffID), status = 'open'",
                        condition: "status = 'waiting'",
                        timeline: .init(
                            kind: .inquiry,
                            message: StoredMessage(
                                "timeline.message.inquiry_channel",
                                ["number": "\(row.number ?? "")", "channel": .term("inquiry.channel.web_form")]),
                            quoting: row.question),
                        audit: .init(
                            action: "inquiry.assigned", fields: ["staffID", "customerID"],
                            message: AuditMessage.staffCustomer(staff: "\(staffID)", customer: "\(customerID)"))),
                    context: context, on: tx)
            } catch is RecordConflict {
                throw FieldErrors(["staffID": "validation.inquiry.not_waiting"])
            }
            return staffID
        }
    }

    private struct QueuedRow: Decodable {
        var visitor_name: String?, visitor_mobile: String?, visitor_company: String?, visitor_intent: String?
        var consent_notice_version: String?, consent_at: Date?, question: String, status: String, number: String?
        var version: Int
    }

    /// The last specialist a public-form inquiry went to, for round robin.
    func lastAssignedStaffID() async throws -> Int? {
        try await database.sql().raw(
            """
            SELECT staff_id FROM inquiries WHERE channel = 'web_form' AND staff_id IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT 1
            """
        ).first()?.decode(column: "staff_id", as: Int?.self)
    }

    struct Row: Decodable, Sendable {
        var id: Int, number: String?, customerID: Int?, customerCode: String?, customerName: String?,
            customerOwnerID: Int?
        var channel: String, receivedAt: Date, question: String, needs: String?, answer: String?, firstAnsweredAt: Date?
        var status: String, promisedBy: Date?, repliedAt: Date?, reply: String?, staffID: Int?, staffName: String?
        var visitorName: String?, visitorMobile: String?, visitorCompany: String?, visitorIntent: String?
        var version: Int

        enum CodingKeys: String, CodingKey {
            case id, number, channel, question, needs, answer, status, reply, version
            case customerID = "customer_id", customerCode = "customer_code", customerName = "customer_name",
                customerOwnerID = "customer_owner_id"
            case receivedAt = "received_at", firstAnsweredAt = "first_answered_at", promisedBy = "promised_by",
                repliedAt = "replied_at"
            case staffID = "staff_id", staffName = "staff_name", visitorName = "visitor_name", visitorMobile =
                "visitor_mobile"
            case visitorCompany = "visitor_company", visitorIntent = "visitor_intent"
        }

        /// Who is responsible for the inquiry, for the access rules: its handler.
        var recordFacts: RecordFacts { RecordFacts(responsibleStaffID: staffID) }
    }

    private static let select: SQLQueryString = """
        SELECT inquiries.id, inquiries.number, inquiries.customer_id, customers.code AS customer_code, customers.name AS customer_name,
               customers.responsible_staff_id AS customer_owner_id, inquiries.channel, inquiries.received_at, inquiries.question,
               inquiries.needs, inquiries.answer, inquiries.first_answered_at, inquiries.status, inquiries.promised_by, inquiries.replied_at,
               inquiries.reply, inquiries.staff_id, staff.display_name AS staff_name, inquiries.visitor_name, inquiries.visitor_mobile,
               inquiries.visitor_company, inquiries.visitor_intent, inquiries.version
        FROM inquiries LEFT JOIN customers ON customers.id = inquiries.customer_id LEFT JOIN staff ON staff.id = inquiries.staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE inquiries.id = \(bind: id)").first(decoding: Row.self)
    }

    struct Filter: Sendable {
        var status: Status?
        /// Only this person's inquiries; nil for all.
        var staffID: Int?
        var customerID: Int?
        /// Open promised replies due before this moment (the due and overdue list).
        var dueBefore: Date?
    }

    /// Lists count their matches up to here and say "more" beyond: the web form's queue of tens of
    /// thousands waiting cost a millisecond to count exactly on every workbench.
    static let countCap = 1_000

    /// The total is counted up to ``countCap`` + 1, so a total above the cap means "more than the cap".
    func list(_ filter: Filter, paging: Paging) async throws -> (items: [Row], total: Int) {
        var condition: SQLQueryString = "TRUE"
        // The status is one of four words, written into the SQL so the partial indexes (`WHERE status = 'promised'`,
        // `'waiting'`) apply: SQLite cannot match a bound value to an index's condition.
        if let status = filter.status {
            condition = condition + " AND inquiries.status = '\(unsafeRaw: status.rawValue)'"
        }
        if let staffID = filter.staffID { condition = condition + " AND inquiries.staff_id = \(bind: staffID)" }
        if let customerID = filter.customerID {
            condition = condition + " AND inquiries.customer_id = \(bind: customerID)"
        }
        if let dueBefore = filter.dueBefore {
            condition = condition + " AND inquiries.status = 'promised' AND inquiries.promised_by < \(bind: dueBefore)"
        }
        let order: SQLQueryString =
            filter.status == .promised || filter.dueBefore != nil
            ? "inquiries.promised_by ASC, inquiries.id" : "inquiries.received_at DESC, inquiries.id DESC"
        let sql = try database.sql()
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM inquiries WHERE \(condition) LIMIT \(bind: Self.countCap + 1)) AS capped"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        // The page's ids first, from the inquiries table alone (an index in the list's order answers
        // it), then the joins for those rows only.
        let items = try await sql.raw(
            """
            \(Self.select) WHERE inquiries.id IN (SELECT inquiries.id FROM inquiries WHERE \(condition) ORDER BY \(order)
                LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset))
            ORDER BY \(order)
            """
        ).all(decoding: Row.self)
        return (items, total)
    }

    /// Response time and punctuality over inquiries received since `since` (R3.1).
    struct Figures: Sendable {
        var answered: Int; var averageResponseMinutes: Int?; var punctuality: PromisedReplyRule.Punctuality
    }

    func figures(staffID: Int?, since: Date) async throws -> Figures {
        var condition: SQLQueryString = "received_at >= \(bind: since)"
        if let staffID { condition = condition + " AND staff_id = \(bind: staffID)" }
        let rows = try await database.sql().raw(
            """
            SELECT received_at, first_answered_at, promised_by, replied_at FROM inquiries WHERE \(condition) AND status <> 'waiting'
            """
        ).all()
        var minutes: [Int] = []
        var replies: [(deadline: Date, repliedAt: Date?)] = []
        for row in rows {
            let received = try row.decode(column: "received_at", as: Date.self)
            if let answered = try row.decode(column: "first_answered_at", as: Date?.self) {
                minutes.append(PromisedReplyRule.responseMinutes(receivedAt: received, firstAnsweredAt: answered))
            }
            if let deadline = try row.decode(column: "promised_by", as: Date?.self) {
                replies.append((deadline, try row.decode(column: "replied_at", as: Date?.self)))
            }
        }
        return Figures(
            answered: minutes.count,
            averageResponseMinutes: minutes.isEmpty ? nil : minutes.reduce(0, +) / minutes.count,
            punctuality: PromisedReplyRule.punctuality(replies))
    }
}
