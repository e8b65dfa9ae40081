import Fluent
import Foundation
import KefuDomain
import NIOCore
import SQLKit

/// Every change to a contract (R3.4): one transaction each, the rule asked inside it with the facts
/// it reads, the contract's `version` claimed where its own fields change, a timeline entry and an
/// audit entry. A refused step throws before anything is written.
struct ContractWorkflow {
    let database: any Database
    let labels: ContractLabels

    var store: ContractStore { ContractStore(database: database) }

    // MARK: Creating

    struct CreateInput: Codable, Sendable {
        var customerID: Int
        var projectID: Int?
        var type: String
        var title: String
        var amountWan: String
        var paymentPlan: [InstallmentDraft]?
        var parties: String?
    }

    /// A new contract in draft for the customer, owned by the customer's specialist (or the creator),
    /// with the checklist and clauses of its type's template and the departments involved.
    func create(_ input: CreateInput, context: AuditContext) async throws -> Int {
        let templates = try await ContractTemplateStore(database: database).all().map(\.template).filter(\.isActive)
        let values = try ContractValidation.validate(
            ContractDraft(
                type: input.type, title: input.title, amountWan: input.amountWan,
                paymentPlan: input.paymentPlan ?? [], parties: input.parties ?? ""),
            types: Set(templates.map(\.code))
        ).get()
        guard let template = templates.first(where: { $0.code == values.type }) else {
            throw FieldErrors(["type": "validation.choose_from_list"])
        }
        let plan = String(decoding: try JSONEncoder().encode(values.paymentPlan), as: UTF8.self)
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            guard
                let customer = try await sql.raw(
                    """
                    SELECT responsible_staff_id FROM customers WHERE id = \(bind: input.customerID) AND merged_into_id IS NULL
                    """
                ).first()
            else { throw KefuError.notFound }
            let owner = try customer.decode(column: "responsible_staff_id", as: Int?.self) ?? context.actorStaffID
            var projectVersion: Int?
            if let projectID = input.projectID {
                guard
                    let project = try await sql.raw("SELECT version FROM projects WHERE id = \(bind: projectID)")
                        .first()
                else {
                    throw FieldErrors(["projectID": "validation.choose_from_list"])
                }
                projectVersion = try project.decode(column: "version", as: Int.self)
            }
            struct Department: Decodable { var id: Int; var code: String }
            let departments = try await sql.raw(
                "SELECT id, code FROM departments WHERE code IN ('legal', 'finance', 'engineering')"
            ).allRows(Department.self)
                .reduce(into: [String: Int]()) { $0[$1.code] = $1.id }
            let number = try await RecordNumbers.next(ContractKind.numbering!, at: context.now, on: tx)
            let id =
                try await sql.raw(
                    """
                    INSERT INTO contracts (number, customer_id, project_id, project_version, type, title, amount_yuan, payment_plan, parties, staff_id,
                        legal_department_id, finance_department_id, engineering_department_id, state, state_changed_at, review_status,
                        created_by_staff_id, created_at, updated_at, version)
                    VALUES (\(bind: number), \(bind: input.customerID), \(bind: input.projectID), \(bind: projectVersion), \(bind: values.type),
                            \(bind: values.title), \(bind: values.amount.value), \(bind: plan), \(bind: values.parties), \(bind: owner),
                            \(bind: departments["legal"]), \(bind: departments["finance"]), \(bind: departments["engineering"]), 'draft', \(bind: context.now),
                            'none', \(bind: context.actorStaffID), \(bind: context.now), \(bind: context.now), 1)
                    RETURNING id
                    """
                ).first()?.decode(column: "id", as: Int.self) ?? 0
            for (position, line) in template.documents.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO contract_checklist_items (contract_id, position, code, name, is_required, status, created_at, updated_at, version)
                    VALUES (\(bind: id), \(bind: position + 1), \(bind: line.code), \(bind: line.name), \(bind: line.isRequired), 'missing', \(bind: context.now),
                            \(bind: context.now), 1)
                    """
                ).run()
            }
            for (position, line) in template.clauses.enumerated() {
                try await sql.raw(
                    """
                    INSERT INTO contract_clauses (contract_id, position, code, name, created_at, updated_at, version)
                    VALUES (\(bind: id), \(bind: position + 1), \(bind: line.code), \(bind: line.name), \(bind: context.now), \(bind: context.now), 1)
                    """
                ).run()
            }
            try await Timeline.record(
                .contractCreated, customerID: input.customerID, recordType: ContractKind.recordType, recordID: id,
                message: StoredMessage(
                    "timeline.message.contract_created",
                    ["number": "\(number)", "title": "\(values.title)", "amount": "\(values.amount.wanText)"]),
                context: context, on: tx)
            try await sql.raw(
                "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: input.customerID)"
            ).run()
            try await AuditLog.record(
                "contract.created", recordType: ContractKind.recordType, recordID: String(id),
                fields: ["type", "title", "amount", "paymentPlan", "parties", "projectID"],
                message: AuditMessage.numberCustomer(number, customer: "\(input.customerID)"), context: context, on: tx)
            return id
        }
    }

    // MARK: The checklist

    /// Marks a document received, missing or rejected (with the reason), while the contract is a draft.
    func setChecklistItem(
        contractID: Int, itemID: Int, status: String, reason: String?, version: Int, context: AuditContext
    ) async throws {
        guard let status = ChecklistStatus(rawValue: status) else {
            throw FieldErrors(["status": "validation.choose_from_list"])
        }
        let reason = (reason ?? "").trimmed
        if let problem = DocumentChecklist.problem(status: status, reason: reason) {
            throw FieldErrors(["reason": problem])
        }
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, on: tx)
            guard row.contractState == .draft else {
                throw ContractRefused(field: "status", reason: ContractReason("contract.refusal.checklist_closed"))
            }
            guard let item = try await store.checklist(contractID, on: tx).first(where: { $0.id == itemID }) else {
                throw KefuError.notFound
            }
            let key =
                switch status {
                case .received: "timeline.message.contract_document_received"
                case .missing: "timeline.message.contract_document_missing"
                case .rejected: "timeline.message.contract_document_rejected"
                }
            let document = StoredArgument.name(item.name, orTerm: "contract.document.\(item.code)")
            try await RecordWrites.change(
                ChecklistItemKind.self, id: itemID, version: version,
                RecordWrite(
                    set: """
                        status = \(bind: status.rawValue), reason = \(bind: reason.isEmpty ? nil : reason),
                        updated_by_staff_id = \(bind: context.actorStaffID)
                        """,
                    condition: "contract_id = \(bind: contractID)",
                    timeline: .init(
                        kind: .contractDocument,
                        message: StoredMessage(key, ["number": "\(row.number)", "document": document]),
                        quoting: status == .rejected ? reason : "",
                        about: .init(recordType: ContractKind.recordType, recordID: row.id, customerID: row.customerID)),
                    audit: .init(
                        action: "contract.document_marked", fields: ["status", "reason"],
                        message: AuditMessage.contractDocument(row.number, document: document, status: status.rawValue))
                ),
                context: context, on: tx)
        }
    }

    // MARK: States

    /// Moves the contract one state on (documents complete, terms explained, in execution, completed)
    /// or cancels it with a reason. The legal review and signing have their own steps.
    func move(contractID: Int, to target: String, reason: String?, version: Int, context: AuditContext) async throws {
        guard let target = ContractState(rawValue: target) else {
            throw FieldErrors(["to": "validation.choose_from_list"])
        }
        if target == .legalReviewPassed {
            throw ContractRefused(field: "to", reason: ContractReason("contract.refusal.review_not_passed"))
        }
        if target == .signed {
            throw ContractRefused(field: "to", reason: ContractReason("contract.refusal.signing_details"))
        }
        try await database.writeTransaction { tx in
            let row = try await contract(contractID, version: version, on: tx)
            let facts = try await store.facts(of: row, labels: labels, on: tx)
            if let refusal = ContractStateMachine.refusal(facts, to: target, cancelReason: reason ?? "") {
                throw ContractRefused(field: target == .cancelled ? "reason" : "to", reason: refusal)
            }
            let cancelReason = target == .cancelled ? reason?.trimmed : nil
            let reasonText = cancelReason ?? ""
            try await claim(
                row,
                set:
                    "state = \(bind: target.rawValue), state_changed_at = \(bind: context.now), cancel_reason = \(bind: cancelReason)",
                timeline: .init(
                    kind: .contractState,
                    message: StoredMessage(
                        reasonText.isEmpty
                            ? "timeline.message.contract_state" : "timeline.message.contract_state_reason",
                        [
                            "number": "\(row.number)", "from": .term("contract.state.\(row.state)"),
                            "to": .term("contract.state.\(target.rawValue)"),
                        ]), quoting: reasonText),
                audit: .init(
                    action: "contract.state_changed", fields: ["state"],
                    message: AuditMessage.stateChanged(
                        number: row.number, from: row.state, to: target.rawValue, in: "contract.state")),
                context: context, on: tx)
        }
    }

    // MARK: Shared steps

    /// The contract, read inside the transaction; with `version`, a stale one is a conflict.
    func contract(_ id: Int, version: Int? = nil, on tx: any Database) async throws -> ContractStore.Row {
        guard let row = try await ContractStore(database: tx).find(id) else { throw KefuError.notFound }
        if let version, row.version != version {
            throw RecordConflict(ContractKind.self, id: id, readVersion: version)
        }
        return row
    }

    /// Claims the version read and applies the change through the write path (S6); the customer's
    /// file counts as changed for its lists.
    func claim(
        _ row: ContractStore.Row, set assignments: SQLQueryString, timeline: RecordWrite.TimelineNote,
        audit: RecordWrite.AuditNote, context: AuditContext, on tx: any Database
    ) async throws {
        try await RecordWrites.change(
            ContractKind.self, id: row.id, version: row.version,
            RecordWrite(set: assignments, timeline: timeline, audit: audit), context: context, on: tx)
        try await tx.sql().raw(
            "UPDATE customers SET updated_at = \(bind: context.now) WHERE id = \(bind: row.customerID)"
        ).run()
    }

    /// A change to a part of the contract (a document, a clause): on the timeline, and the contract
    /// counts as changed for the lists, without claiming its version.
    func touch(
        _ row: ContractStore.Row, _ kind: Timeline.Kind, message: StoredMessage, quoting text: String = "",
        context: AuditContext, on tx: any Database
    ) async throws {
        try await tx.sql().raw("UPDATE contracts SET updated_at = \(bind: context.now) WHERE id = \(bind: row.id)")
            .run()
        try await Timeline.record(
            kind, customerID: row.customerID, recordType: ContractKind.recordType, recordID: row.id, message: message,
            quoting: text, context: context, on: tx)
    }

    // MARK: Files

    /// A scan of a checklist document, while the contract is a draft.
    func addScan(
        contractID: Int, itemID: Int, fileName: String, bytes: ByteBuffer, dataDirectory: String, context: AuditContext
    ) async throws -> Int {
        guard let row = try await store.find(contractID) else { throw KefuError.notFound }
        guard row.contractState == .draft else {
            throw ContractRefused(field: "file", reason: ContractReason("contract.refusal.checklist_closed"))
        }
        guard let item = try await store.checklist(contractID).first(where: { $0.id == itemID }) else {
            throw KefuError.notFound
        }
        let message = StoredMessage(
            "timeline.message.contract_scan",
            [
                "number": "\(row.number)", "document": .name(item.name, orTerm: "contract.document.\(item.code)"),
                "file": "\(fileName)",
            ])
        return try await AttachmentStore(database: database, dataDirectory: dataDirectory).add(
            ChecklistItemKind.self, recordID: itemID, fileName: fileName, bytes: bytes, context: context
        ) { tx, _ in
            try await Timeline.record(
                .contractDocument, customerID: row.customerID, recordType: ContractKind.recordType, recordID: row.id,
                message: message, context: context, on: tx)
        }
    }

    /// The signed contract's file, once it is signed and until it is closed.
    func addSignedFile(
        contractID: Int, fileName: String, bytes: ByteBuffer, dataDirectory: String, context: AuditContext
    ) async throws -> Int {
        guard let row = try await store.find(contractID) else { throw KefuError.notFound }
        guard row.contractState.hasReached(.signed), row.contractState.isOpen else {
            throw ContractRefused(field: "file", reason: ContractReason("contract.refusal.sign_first"))
        }
        let message = StoredMessage("timeline.message.number_file", ["number": "\(row.number)", "file": "\(fileName)"])
        return try await AttachmentStore(database: database, dataDirectory: dataDirectory).add(
            ContractKind.self, recordID: contractID, fileName: fileName, bytes: bytes, context: context
        ) { tx, _ in
            try await Timeline.record(
                .contractSigned, customerID: row.customerID, recordType: ContractKind.recordType, recordID: row.id,
                message: message, context: context, on: tx)
        }
    }
}
