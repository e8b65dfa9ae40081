import Fluent
import Foundation
import KefuDomain
import SQLKit

/// A contract's obligations (R3.4): dated duties of the customer and of the company, fulfilled by the
/// specialist or — payments — received by the 财务部; the reminders given to the customer about them.
struct ObligationStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, contractID: Int, contractNumber: String, contractState: String, customerID: Int,
            customerName: String, kind: String
        var party: String, title: String, dueOn: String, amountYuan: Int64?, remindDaysBefore: Int, staffID: Int?,
            staffName: String?
        var contractStaffID: Int?, financeDepartmentID: Int?, doneAt: Date?, doneByName: String?, version: Int

        enum CodingKeys: String, CodingKey {
            case id, kind, party, title, version
            case contractID = "contract_id", contractNumber = "contract_number", contractState = "contract_state",
                customerID = "customer_id"
            case customerName = "customer_name", dueOn = "due_on", amountYuan = "amount_yuan", remindDaysBefore =
                "remind_days_before"
            case staffID = "staff_id", staffName = "staff_name", contractStaffID = "contract_staff_id",
                financeDepartmentID = "finance_department_id"
            case doneAt = "done_at", doneByName = "done_by_name"
        }

        var day: CalendarDay { CalendarDay(dueOn) ?? CalendarDay(year: 2000, month: 1, day: 1)! }
        var isPayment: Bool { kind == ObligationKind.payment.rawValue }

        /// The contract's specialist owns it; a payment is the 财务部's business too.
        var recordFacts: RecordFacts {
            RecordFacts(
                responsibleStaffID: contractStaffID,
                forwardedToDepartmentIDs: isPayment ? Set([financeDepartmentID].compactMap { $0 }) : [])
        }
    }

    static let select: SQLQueryString = """
        SELECT contract_obligations.id, contract_obligations.contract_id, contracts.number AS contract_number, contracts.state AS contract_state,
               contract_obligations.customer_id, customers.name AS customer_name, contract_obligations.kind, contract_obligations.party,
               contract_obligations.title, contract_obligations.due_on, contract_obligations.amount_yuan, contract_obligations.remind_days_before,
               contract_obligations.staff_id, staff.display_name AS staff_name, contracts.staff_id AS contract_staff_id,
               contracts.finance_department_id, contract_obligations.done_at, doer.display_name AS done_by_name, contract_obligations.version
        FROM contract_obligations JOIN contracts ON contracts.id = contract_obligations.contract_id
        JOIN customers ON customers.id = contract_obligations.customer_id LEFT JOIN staff ON staff.id = contract_obligations.staff_id
        LEFT JOIN staff AS doer ON doer.id = contract_obligations.done_by_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE contract_obligations.id = \(bind: id)").first(
            decoding: Row.self)
    }

    func list(contractID: Int) async throws -> [Row] {
        try await database.sql().raw(
            """
            \(Self.select) WHERE contract_obligations.contract_id = \(bind: contractID) ORDER BY contract_obligations.due_on, contract_obligations.id
            """
        ).all(decoding: Row.self)
    }

    /// The lists: overdue (open, due before today), this week (open, due from Monday through Sunday
    /// of today's week, overdue ones included), all open.
    enum View: String, CaseIterable, Sendable { case overdue, week, open }

    struct Filter: Sendable {
        var view: View = .overdue
        /// One person's; nil for all.
        var staffID: Int?
        /// Payments only, of contracts whose payments go to this department (a 财务部 liaison).
        var paymentsOfDepartment: Int?
        var paymentsOnly = false
    }

    /// A page of the list, earliest due first. A supervisor's overdue list can hold tens of thousands;
    /// a page is read through the partial index over open obligations by due day.
    func list(_ filter: Filter, today: CalendarDay, paging: Paging = Paging(number: 1, size: 50)) async throws -> [Row]
    {
        try await database.sql().raw(
            """
            \(Self.select) WHERE \(condition(filter, today: today)) ORDER BY contract_obligations.due_on, contract_obligations.id
            LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset)
            """
        ).all(decoding: Row.self)
    }

    /// How many the list holds, counted to `cap` at most (a pager says "more than" beyond it).
    func count(_ filter: Filter, today: CalendarDay, cap: Int = 1000) async throws -> Int {
        try await database.sql().raw(
            """
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM contract_obligations JOIN contracts ON contracts.id = contract_obligations.contract_id
            WHERE \(condition(filter, today: today)) LIMIT \(bind: cap + 1)) AS capped
            """
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    private func condition(_ filter: Filter, today: CalendarDay) -> SQLQueryString {
        var condition: SQLQueryString = "contract_obligations.done_at IS NULL"
        switch filter.view {
        case .overdue: condition = condition + " AND contract_obligations.due_on < \(bind: today.description)"
        case .week:
            let sunday = today.adding(days: 6 - (today.daysSinceEpoch + 3) % 7)
            condition = condition + " AND contract_obligations.due_on <= \(bind: sunday.description)"
        case .open: break
        }
        if let staffID = filter.staffID {
            condition = condition + " AND contract_obligations.staff_id = \(bind: staffID)"
        }
        if filter.paymentsOnly || filter.paymentsOfDepartment != nil {
            condition = condition + " AND contract_obligations.kind = 'payment'"
        }
        if let department = filter.paymentsOfDepartment {
            condition = condition + " AND contracts.finance_department_id = \(bind: department)"
        }
        return condition
    }

    struct Input: Codable, Sendable {
        var kind: String; var party: String; var title: String; var dueOn: String; var amountWan: String?;
        var remindDaysBefore: Int?
        var staffID: Int?
    }

    /// Adds an obligation to an open contract; its due day is not before the signing day.
    func add(contractID: Int, _ input: Input, context: AuditContext) async throws -> Int {
        try await database.writeTransaction { tx in
            guard let contract = try await ContractStore(database: tx).find(contractID) else {
                throw KefuError.notFound
            }
            guard contract.contractState.isOpen else {
                throw ContractRefused(
                    field: "dueOn", reason: ContractReason("contract.refusal.closed", ["state": contract.state]))
            }
            let values = try ObligationRules.validate(
                ObligationDraft(
                    kind: input.kind, party: input.party, title: input.title, dueOn: input.dueOn,
                    amountWan: input.amountWan,
                    remindDaysBefore: input.remindDaysBefore),
                signedOn: contract.signedOn.flatMap(CalendarDay.init)
            ).get()
            let sql = try tx.sql()
            var staffID = contract.staffID
            if let chosen = input.staffID {
                guard
                    try await sql.raw("SELECT id FROM staff WHERE id = \(bind: chosen) AND is_active = \(bind: true)")
                        .first() != nil
                else {
                    throw FieldErrors(["staffID": "validation.choose_from_list"])
                }
                staffID = chosen
            }
            let id =
                try await sql.raw(
                    """
                    INSERT INTO contract_obligations (contract_id, customer_id, kind, party, title, due_on, amount_yuan, remind_days_before, remind_on,
                        staff_id, created_at, updated_at, version)
                    VALUES (\(bind: contractID), \(bind: contract.customerID), \(bind: values.kind.rawValue), \(bind: values.party.rawValue), \(bind: values.title),
                            \(bind: values.dueOn.description), \(bind: values.amount?.value), \(bind: values.remindDaysBefore),
                            \(bind: values.dueOn.adding(days: -values.remindDaysBefore).description), \(bind: staffID), \(bind: context.now),
                            \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await sql.raw("UPDATE contracts SET updated_at = \(bind: context.now) WHERE id = \(bind: contractID)")
                .run()
            var arguments: [String: StoredArgument] = [
                "number": "\(contract.number)", "title": "\(values.title)", "due": "\(values.dueOn)",
            ]
            if let amount = values.amount { arguments["amount"] = "\(amount.wanText)" }
            try await Timeline.record(
                .obligation, customerID: contract.customerID, recordType: ObligationRecordKind.recordType, recordID: id,
                message: StoredMessage(
                    values.amount == nil
                        ? "timeline.message.obligation_added" : "timeline.message.obligation_added_amount",
                    arguments), context: context, on: tx)
            try await AuditLog.record(
                "obligation.added", recordType: ObligationRecordKind.recordType, recordID: String(id),
                fields: ["kind", "party", "title", "dueOn", "amount", "remindDaysBefore", "staffID"],
                message: AuditMessage.number(contract.number), context: context, on: tx)
            return id
        }
    }

    /// Marks an obligation fulfilled (a payment: received, by the 财务部) with the version read.
    func fulfil(_ row: Row, version: Int, context: AuditContext) async throws {
        try await database.writeTransaction { tx in
            try await RecordWrites.change(
                ObligationRecordKind.self, id: row.id, version: version,
                RecordWrite(
                    set: "done_at = \(bind: context.now), done_by_staff_id = \(bind: context.actorStaffID)",
                    condition: "done_at IS NULL",
                    timeline: .init(
                        kind: .obligation,
                        message: StoredMessage(
                            "timeline.message.obligation_done",
                            ["number": "\(row.contractNumber)", "title": "\(row.title)"])),
                    audit: .init(
                        action: row.isPayment ? "obligation.payment_received" : "obligation.fulfilled",
                        fields: ["doneAt"], message: AuditMessage.number(row.contractNumber))),
                context: context, on: tx)
        }
    }

    struct NoticeInput: Codable, Sendable { var channel: String; var content: String }

    /// Logs a reminder given to the customer about an obligation: the channel, what was said, when.
    func addNotice(_ row: Row, _ input: NoticeInput, context: AuditContext) async throws -> Int {
        var errors = FieldErrors()
        if FollowUpChannel(rawValue: input.channel) == nil { errors.add("channel", "validation.choose_from_list") }
        let content = input.content.trimmed
        if content.isEmpty {
            errors.add("content", "validation.required")
        } else if content.count > 2000 {
            errors.add("content", "validation.too_long")
        }
        try errors.throwIfAny()
        return try await database.writeTransaction { tx in
            let id =
                try await tx.sql().raw(
                    """
                    INSERT INTO obligation_notices (obligation_id, customer_id, channel, content, given_at, staff_id)
                    VALUES (\(bind: row.id), \(bind: row.customerID), \(bind: input.channel), \(bind: content), \(bind: context.now), \(bind: context.actorStaffID))
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            try await Timeline.record(
                .obligation, customerID: row.customerID, recordType: ObligationRecordKind.recordType, recordID: row.id,
                message: StoredMessage(
                    "timeline.message.obligation_reminded",
                    ["number": "\(row.contractNumber)", "title": "\(row.title)"]),
                quoting: content, context: context, on: tx)
            try await AuditLog.record(
                "obligation.customer_reminded", recordType: ObligationRecordKind.recordType, recordID: String(row.id),
                fields: ["channel", "content"], message: AuditMessage.number(row.contractNumber), context: context,
                on: tx)
            return id
        }
    }

    struct Notice: Decodable, Sendable {
        var id: Int, obligationID: Int, channel: String, content: String, givenAt: Date, staffName: String?
        enum CodingKeys: String, CodingKey {
            case id, channel, content
            case obligationID = "obligation_id", givenAt = "given_at", staffName = "staff_name"
        }
    }

    func notices(obligationIDs: [Int]) async throws -> [Notice] {
        guard !obligationIDs.isEmpty else { return [] }
        return try await database.sql().raw(
            """
            SELECT obligation_notices.id, obligation_notices.obligation_id, obligation_notices.channel, obligation_notices.content,
                   obligation_notices.given_at, staff.display_name AS staff_name
            FROM obligation_notices LEFT JOIN staff ON staff.id = obligation_notices.staff_id
            WHERE obligation_notices.obligation_id IN (\(binds: obligationIDs)) ORDER BY obligation_notices.given_at, obligation_notices.id
            """
        ).all(decoding: Notice.self)
    }
}
