import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A possible duplicate of a customer being entered (R4.3).
struct DuplicateMatch: Content, Equatable {
    enum Reason: String, Codable { case mobile, creditCode, companyName }
    var id: Int
    var code: String
    var name: String
    var companyName: String?
    var reason: Reason
    /// Whose file it is, so the person asking knows whom to talk to; never the file's contact details.
    var responsibleName: String?
}

/// Thrown when a new or edited customer looks like an existing one and no reason to go on was given.
struct PossibleDuplicates: Error {
    var matches: [DuplicateMatch]
}

/// Writes customer files: numbering, change history, timeline, search index and audit, each change in
/// one transaction (R4.2, R4.3, R4.4).
struct CustomerStore {
    let database: any Database
    var codeFormat = CustomerCodeFormat()

    /// Existing customers sharing the mobile, the credit code or the company name.
    func duplicates(of values: CustomerValues, excluding id: Int? = nil) async throws -> [DuplicateMatch] {
        var conditions: [(SQLQueryString, DuplicateMatch.Reason)] = []
        if let mobile = values.mobile { conditions.append(("customers.mobile = \(bind: mobile)", .mobile)) }
        if let code = values.creditCode { conditions.append(("customers.credit_code = \(bind: code)", .creditCode)) }
        if let key = values.companyName.flatMap(CompanyName.matchKey) {
            conditions.append(("customers.company_key = \(bind: key)", .companyName))
        }
        var matches: [DuplicateMatch] = []
        let sql = try database.sql()
        for (condition, reason) in conditions {
            let rows = try await sql.raw(
                """
                SELECT customers.id, customers.code, customers.name, customers.company_name, staff.display_name AS responsible_name
                FROM customers LEFT JOIN staff ON staff.id = customers.responsible_staff_id
                WHERE \(condition) AND customers.id <> \(bind: id ?? 0) AND customers.merged_into_id IS NULL ORDER BY customers.id LIMIT 5
                """
            ).all()
            for row in rows {
                let matchID = try row.decode(column: "id", as: Int.self)
                guard !matches.contains(where: { $0.id == matchID }) else { continue }
                matches.append(
                    DuplicateMatch(
                        id: matchID, code: try row.decode(column: "code", as: String.self),
                        name: try row.decode(column: "name", as: String.self),
                        companyName: try row.decode(column: "company_name", as: String?.self), reason: reason,
                        responsibleName: try row.decode(column: "responsible_name", as: String?.self)
                    ))
            }
        }
        return matches
    }

    /// Creates a customer with the next code. `duplicateReason` must be given when duplicates exist.
    /// Creates a file; `followUp` is the plan the follow-up rule asks for at the intent and
    /// negotiating stages (R3.3), written in the same transaction.
    func create(
        _ values: CustomerValues, responsibleStaffID: Int?, duplicateReason: String?, context: AuditContext,
        followUp: FollowUpPlan? = nil
    ) async throws -> CustomerModel {
        let duplicates = try await duplicates(of: values)
        let reason = duplicateReason?.trimmed ?? ""
        if !duplicates.isEmpty, reason.isEmpty {
            try await DuplicateCheck.refuse(duplicates, for: values, context: context, on: database)
        }
        let customer = CustomerModel()
        try await database.writeTransaction { tx in
            customer.code = try await nextCode(on: tx, now: context.now)
            customer.apply(values)
            customer.responsibleStaffID = responsibleStaffID
            customer.createdByStaffID = context.actorStaffID
            customer.consentAt = values.consentChannel == nil ? nil : context.now
            customer.createdAt = context.now
            customer.updatedAt = context.now
            customer.version = 1
            // One statement that returns the id, not the model's `create`: Fluent reflects over the file's forty
            // fields several times per create, on the writer's one path every write waits on (issue 18 §9).
            let id = try await tx.sql().raw(customer.insertStatement).first()?.decode(column: "id", as: Int.self)
            guard let id else { throw DatabaseSetupError(message: "INSERT INTO customers returned no id") }
            customer.id = id
            customer.$id.exists = true
            try await CustomerSearchIndex.update(customerID: id, text: customer.searchText, isNew: true, on: tx)
            let message =
                reason.isEmpty
                ? StoredMessage("timeline.message.code", ["code": "\(customer.code)"])
                : StoredMessage(
                    "timeline.message.created_duplicate",
                    ["code": "\(customer.code)", "duplicates": "\(duplicates.map(\.code).joined(separator: ", "))"])
            try await tx.sql().runInOrder([
                Timeline.entry(
                    .created, customerID: id, recordType: "customer", recordID: id, message: message, quoting: reason,
                    context: context),
                AuditLog.entry(
                    "customer.created", recordType: "customer", recordID: String(id),
                    fields: Array(values.historyFields.filter { !$0.value.isEmpty }.keys),
                    message: reason.isEmpty
                        ? AuditMessage.number(customer.code)
                        : AuditMessage.createdDespiteDuplicates(duplicates.map(\.code)),
                    quoting: reason, context: context),
            ])
            if let followUp { _ = try await FollowUpStore.insert(followUp, customerID: id, context: context, on: tx) }
        }
        return customer
    }

    /// Saves new values over the version the editor read; a stale version is a conflict (S6).
    @discardableResult
    func update(
        _ customer: CustomerModel, with values: CustomerValues, version: Int, duplicateReason: String?,
        context: AuditContext,
        followUp: FollowUpPlan? = nil
    ) async throws -> [FieldChange] {
        let id = try customer.requireID()
        guard customer.version == version else {
            throw RecordConflict(CustomerFileKind.self, id: id, readVersion: version)
        }
        let changes = FieldChange.between(customer.values.historyFields, values.historyFields)
        guard !changes.isEmpty else { return [] }
        let identityChanged = changes.contains { ["mobile", "creditCode", "companyName"].contains($0.field) }
        if identityChanged {
            let duplicates = try await duplicates(of: values, excluding: customer.id)
            if !duplicates.isEmpty, (duplicateReason ?? "").trimmed.isEmpty {
                try await DuplicateCheck.refuse(duplicates, for: values, context: context, on: database)
            }
        }
        customer.apply(values)
        let written = try await database.writeTransaction { tx in
            // Of two saves from one version, only one claims the row; the claim holds it until the
            // transaction ends, on SQLite and PostgreSQL alike.
            let written = try await RecordWrites.change(
                CustomerFileKind.self, id: id, version: version,
                RecordWrite(
                    set: customer.valueAssignments,
                    timeline: .init(
                        kind: .changed,
                        message: StoredMessage(
                            "timeline.message.changed", ["fields": .terms(changes.map { "customer.field.\($0.field)" })]
                        )
                    ),
                    audit: .init(action: "customer.updated", fields: changes.map(\.field), message: AuditMessage.none)),
                context: context, on: tx)
            for change in changes {
                try await CustomerChangeModel(
                    customerID: id, change: change, version: written.version, context: context
                )
                .create(on: tx)
            }
            try await CustomerSearchIndex.update(customerID: id, text: customer.searchText, on: tx)
            if let followUp { _ = try await FollowUpStore.insert(followUp, customerID: id, context: context, on: tx) }
            return written
        }
        customer.version = written.version
        customer.updatedAt = context.now
        return changes
    }

    /// Gives customers to another specialist, e.g. when one leaves (R4.3); audited per customer.
    /// The most files one reassignment moves, on the page and the API alike.
    static let maximumReassignment = 5000

    /// Gives the files to `staffID` with the reason (issue 10, improvement 3): each change on the file's
    /// history, timeline and audit log with the reason; the receiving person gets one notification on
    /// the bell for the batch, in the same transaction.
    func reassign(
        _ ids: [Int], to staffID: Int, reason: String = "", notice: ReassignmentNotice? = nil, context: AuditContext
    ) async throws -> Int {
        try await database.writeTransaction { tx -> Int in
            var moved = 0
            // One query for all of them, not one per customer.
            let customers = try await CustomerModel.query(on: tx).filter(\.$id ~~ Array(Set(ids))).sort(\.$id).all()
            // The audit log reads the people by name (issue 10 #5), looked up once for the batch.
            let people = Set(customers.compactMap(\.responsibleStaffID) + [staffID])
            var names: [Int: String] = [:]
            for row in try await tx.sql().raw(
                "SELECT id, display_name FROM staff WHERE id IN (\(binds: Array(people)))"
            ).all() {
                names[try row.decode(column: "id", as: Int.self)] = try row.decode(
                    column: "display_name", as: String.self)
            }
            let name = { (id: Int?) in id.map { names[$0] ?? String($0) } ?? "—" }
            for customer in customers where customer.responsibleStaffID != staffID {
                let id = try customer.requireID()
                let old = customer.responsibleStaffID.map(String.init) ?? ""
                // The version just read in this transaction: only a save racing this one conflicts.
                let written = try await RecordWrites.change(
                    CustomerFileKind.self, id: id, version: customer.version,
                    RecordWrite(
                        set: "responsible_staff_id = \(bind: staffID)",
                        timeline: .init(
                            kind: .reassigned,
                            message: StoredMessage("timeline.message.reassigned", ["staff": "\(name(staffID))"])),
                        audit: .init(
                            action: "customer.reassigned", fields: ["responsibleStaffID"],
                            message: AuditMessage.reassigned(
                                from: name(Int(old)), to: name(staffID), withReason: !reason.isEmpty),
                            quoting: String(reason.prefix(200)))),
                    context: context, on: tx)
                // Open follow-ups go with the customer to the new specialist's lists, and their
                // reminder marks are cleared: the new specialist is reminded of what is due or overdue.
                try await tx.sql().raw(
                    """
                    UPDATE follow_ups SET staff_id = \(bind: staffID), due_reminded_at = NULL, overdue_reminded_at = NULL,
                        updated_at = \(bind: context.now), version = version + 1
                    WHERE customer_id = \(bind: id) AND completed_at IS NULL
                    """
                ).run()
                try await CustomerChangeModel(
                    customerID: id,
                    change: FieldChange(field: "responsibleStaffID", oldValue: old, newValue: String(staffID)),
                    version: written.version, context: context
                ).create(on: tx)
                moved += 1
            }
            if moved > 0, let notice, staffID != context.actorStaffID {
                // Not a scheduled reminder (no ReminderEvent, no webhook): a note on the bell only.
                try await tx.sql().raw(
                    """
                    INSERT INTO notifications (staff_id, event, title, body, link, dedupe_key, created_at)
                    VALUES (\(bind: staffID), 'customers.assigned', \(bind: notice.title(moved)), \(bind: reason), \(bind: notice.link),
                            \(bind: "customers.assigned:\(UUID().uuidString)"), \(bind: context.now))
                    """
                ).run()
            }
            return moved
        }
    }

    /// The next code of the year, from the counters every numbered kind shares.
    private func nextCode(on database: any Database, now: Date) async throws -> String {
        let (year, sequence) = try await RecordNumbers.reserve(CustomerFileKind.numbering!, at: now, on: database)
        return codeFormat.code(year: year, sequence: sequence)
    }
}

/// What the person receiving reassigned files reads on the bell: the title for the number moved, and where their list is.
struct ReassignmentNotice: Sendable {
    var title: @Sendable (Int) -> String
    var link: String
}

extension CustomerModel {
    /// The columns ``apply(_:)`` sets, with their values: one list for a new file's INSERT and a change's UPDATE.
    private var valueColumns: [(column: String, value: any Encodable & Sendable)] {
        [
            ("kind", kind), ("name", name), ("company_name", companyName), ("company_key", companyKey),
            ("credit_code", creditCode), ("mobile", mobile), ("mobile_last4", mobileLast4), ("landline", landline),
            ("email", email), ("wechat_id", wechatID), ("province", province), ("city", city), ("address", address),
            ("business_scope", businessScope), ("industries", industries), ("budget_min_yuan", budgetMinYuan),
            ("budget_max_yuan", budgetMaxYuan), ("preferred_regions", preferredRegions), ("timing", timing),
            ("source", source), ("category", category), ("grade", grade), ("stage", stage), ("lost_reason", lostReason),
            ("tags", tags), ("remarks", remarks), ("consent_channel", consentChannel),
            ("consent_notice_version", consentNoticeVersion), ("search_text", searchText),
        ]
    }

    /// A new file in one statement, returning its id: the values, its number, owner and bookkeeping (a new file
    /// has no merge or anonymization mark).
    var insertStatement: SQLQueryString {
        let columns =
            valueColumns + [
                ("code", code), ("responsible_staff_id", responsibleStaffID), ("consent_at", consentAt),
                ("created_by_staff_id", createdByStaffID), ("created_at", createdAt), ("updated_at", updatedAt),
                ("version", version),
            ]
        let names = columns.map { "\(unsafeRaw: $0.column)" as SQLQueryString }.joined(separator: ", ")
        let values = columns.map { "\(bind: $0.value)" as SQLQueryString }.joined(separator: ", ")
        return "INSERT INTO customers (\(names)) VALUES (\(values)) RETURNING id"
    }

    /// The same columns as the write path's assignments: a change claims the version and writes them in one
    /// statement.
    var valueAssignments: SQLQueryString {
        valueColumns.map { "\(unsafeRaw: $0.column) = \(bind: $0.value)" as SQLQueryString }.joined(separator: ", ")
    }
}
