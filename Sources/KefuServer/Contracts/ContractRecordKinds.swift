import KefuDomain
import Vapor

/// Contracts (R3.4): a contract belongs to its customer; the parties and signatories name people.
enum ContractKind: RecordKind {
    static let recordType = "contract", table = "contracts"
    static var row: RecordRow? {
        .decoded(
            ContractStore.Row.self,
            fromElsewhere: [
                "customer_code", "customer_company", "customer_name", "project_name", "review_staff_name", "staff_name",
            ])
    }
    static let customerColumn: String? = "customer_id"
    static let numbering: Numbering? = .yearly(prefix: "HT")
    static let personal: [PersonalColumn] = [.init("parties", .marker), .init("signatories", .markerIfPresent)]
    static let tracked = [
        "state", "title", "amount_yuan", "parties", "review_status", "signed_on", "signed_place", "signatories",
        "cancel_reason",
    ]
    /// The signed contract, scanned or as the final file.
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
}

/// A document of a contract's checklist; it moves and is cleared with its contract.
enum ChecklistItemKind: RecordKind {
    static let recordType = "contract_checklist_item", table = "contract_checklist_items"
    static var row: RecordRow? { .decoded(ContractStore.ChecklistItem.self) }
    static var owner: RecordOwner? { RecordOwner(kind: ContractKind.self, column: "contract_id") }
    /// Scans of the document the customer handed in.
    static let attachments: AttachmentRules? = AttachmentRules(types: [.pdf, .jpg, .png, .docx], maxBytes: 20 << 20)
    static let tracked = ["status", "reason"]
}

/// A clause of a contract and whether it was explained (R1.2).
enum ContractClauseKind: RecordKind {
    static let recordType = "contract_clause", table = "contract_clauses"
    static var row: RecordRow? { .decoded(ContractStore.Clause.self, fromElsewhere: ["explained_by_name"]) }
    static var owner: RecordOwner? { RecordOwner(kind: ContractKind.self, column: "contract_id") }
}

/// The customer's questions about a contract and the answers given (R1.2): what they asked is personal.
enum ContractQuestionKind: RecordKind {
    static let recordType = "contract_question", table = "contract_questions"
    static var row: RecordRow? { .decoded(ContractStore.Question.self, fromElsewhere: ["staff_name"]) }
    static let isAppendOnly = true, createdColumn = "asked_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("question", .marker), .init("answer", .markerIfPresent)]
}

/// A dated duty under a contract (payments, construction start, opening, reports).
enum ObligationRecordKind: RecordKind {
    static let recordType = "obligation", table = "contract_obligations"
    static var row: RecordRow? {
        .decoded(
            ObligationStore.Row.self,
            fromElsewhere: [
                "contract_number", "contract_staff_id", "contract_state", "customer_name", "done_by_name",
                "finance_department_id", "staff_name",
            ])
    }
    static let customerColumn: String? = "customer_id"
    static var owner: RecordOwner? { RecordOwner(kind: ContractKind.self, column: "contract_id") }
    static let tracked = ["done_at", "done_by_staff_id"]
    static let trackedValues: [String: TrackedValue] = ["done_at": .instant, "done_by_staff_id": .staff]
}

/// A reminder given to the customer about an obligation: channel, what was said, when.
enum ObligationNoticeKind: RecordKind {
    static let recordType = "obligation_notice", table = "obligation_notices"
    static var row: RecordRow? { .decoded(ObligationStore.Notice.self, fromElsewhere: ["staff_name"]) }
    static let isAppendOnly = true, createdColumn = "given_at"
    static let customerColumn: String? = "customer_id"
    static let personal: [PersonalColumn] = [.init("content", .marker)]
}

/// A procedure the customer goes through (工商注册, 税务登记 …).
enum ProcedureRecordKind: RecordKind {
    static let recordType = "procedure", table = "procedures"
    static var row: RecordRow? { .decoded(ProcedureStore.Procedure.self, fromElsewhere: ["contract_number"]) }
    static let customerColumn: String? = "customer_id"
}

/// One step of a procedure; it moves with its procedure.
enum ProcedureStepKind: RecordKind {
    static let recordType = "procedure_step", table = "procedure_steps"
    static var row: RecordRow? { .decoded(ProcedureStore.Step.self, fromElsewhere: ["helper_name"]) }
    static var owner: RecordOwner? { RecordOwner(kind: ProcedureRecordKind.self, column: "procedure_id") }
    static let tracked = ["status", "started_on", "done_on", "helper_staff_id", "note"]
    static let trackedValues: [String: TrackedValue] = ["helper_staff_id": .staff]
}

extension ContractKind: ConflictAnswering {
    static func current(_ id: Int, for request: Request) async throws -> ContractDTO? {
        guard let row = try await ContractStore(database: request.db).find(id) else { return nil }
        return try await ContractDetail.load(row, labels: request.contractLabels, on: request.db).dto(
            labels: request.contractLabels, today: request.today)
    }
}
