import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// A step the contract's rules refuse, with the field it belongs to and the reason in words
/// (which documents are missing, which clauses were not explained). Answered as 422 with the
/// reason at the field; pages show it there.
struct ContractRefused: KefuErrorConvertible, Sendable {
    var field: String
    var reason: ContractReason

    var kefuError: KefuError {
        var error = KefuError(
            .unprocessableEntity, code: "refused", messageKey: reason.key, arguments: reason.arguments,
            fields: [field: reason.key])
        error.fieldArguments = [field: reason.arguments]
        return error
    }
}

/// How a contract's parts are named in words: a template's document or clause by its localized label,
/// a line typed by the supervisor by its own name, states by their labels.
struct ContractLabels: Sendable {
    let localizer: Localizer
    let language: Language

    func document(_ code: String, _ name: String?) -> String {
        name ?? localizer.text("contract.document.\(code)", language)
    }
    func clause(_ code: String, _ name: String?) -> String {
        name ?? localizer.text("contract.clause.\(code)", language)
    }
    func state(_ state: String) -> String { localizer.text("contract.state.\(state)", language) }

    /// The same names as stored terms, for the timeline: shown in the reader's language.
    func storedDocument(_ code: String, _ name: String?) -> String {
        name ?? StoredText.term("contract.document.\(code)")
    }
    func storedClause(_ code: String, _ name: String?) -> String { name ?? StoredText.term("contract.clause.\(code)") }
    func storedState(_ state: String) -> String { StoredText.term("contract.state.\(state)") }
}

extension Request {
    var contractLabels: ContractLabels { ContractLabels(localizer: kefu.localizer, language: language) }
}

/// Reads contracts and their parts (R3.4); the writes are in `ContractWorkflow`.
struct ContractStore {
    let database: any Database

    struct Row: Decodable, Sendable {
        var id: Int, number: String, customerID: Int, customerCode: String, customerName: String,
            customerCompany: String?
        var projectID: Int?, projectName: String?, projectVersion: Int?, type: String, title: String, amountYuan: Int64,
            paymentPlan: String
        var parties: String, staffID: Int?, staffName: String?, legalDepartmentID: Int?, financeDepartmentID: Int?,
            engineeringDepartmentID: Int?
        var state: String, stateChangedAt: Date, cancelReason: String?, reviewStatus: String, reviewForwardedAt: Date?,
            reviewAnsweredAt: Date?
        var reviewStaffName: String?, reviewComment: String?, termsConfirmedAt: Date?, termsConfirmation: String?
        var signedOn: String?, signedPlace: String?, signatories: String?, createdAt: Date, updatedAt: Date,
            version: Int

        enum CodingKeys: String, CodingKey {
            case id, number, type, title, parties, state, signatories, version
            case customerID = "customer_id", customerCode = "customer_code", customerName = "customer_name",
                customerCompany = "customer_company"
            case projectID = "project_id", projectName = "project_name", projectVersion = "project_version",
                amountYuan = "amount_yuan"
            case paymentPlan = "payment_plan", staffID = "staff_id", staffName = "staff_name", legalDepartmentID =
                "legal_department_id"
            case financeDepartmentID = "finance_department_id", engineeringDepartmentID = "engineering_department_id"
            case stateChangedAt = "state_changed_at", cancelReason = "cancel_reason", reviewStatus = "review_status"
            case reviewForwardedAt = "review_forwarded_at", reviewAnsweredAt = "review_answered_at", reviewStaffName =
                "review_staff_name"
            case reviewComment = "review_comment", termsConfirmedAt = "terms_confirmed_at", termsConfirmation =
                "terms_confirmation"
            case signedOn = "signed_on", signedPlace = "signed_place", createdAt = "created_at", updatedAt =
                "updated_at"
        }

        var contractState: ContractState { ContractState(rawValue: state) ?? .draft }
        var review: LegalReviewStatus { LegalReviewStatus(rawValue: reviewStatus) ?? .none }
        var installments: [Installment] {
            (try? JSONDecoder().decode([Installment].self, from: Data(paymentPlan.utf8))) ?? []
        }

        /// R4.4, R1.3: the specialist responsible owns it; the 法务部 sees it once it was forwarded there.
        var recordFacts: RecordFacts {
            RecordFacts(
                responsibleStaffID: staffID,
                forwardedToDepartmentIDs: review != .none ? Set([legalDepartmentID].compactMap { $0 }) : [])
        }
    }

    static let select: SQLQueryString = """
        SELECT contracts.id, contracts.number, contracts.customer_id, customers.code AS customer_code, customers.name AS customer_name,
               customers.company_name AS customer_company, contracts.project_id, projects.name AS project_name, contracts.project_version,
               contracts.type, contracts.title, contracts.amount_yuan, contracts.payment_plan, contracts.parties, contracts.staff_id,
               staff.display_name AS staff_name, contracts.legal_department_id, contracts.finance_department_id,
               contracts.engineering_department_id, contracts.state, contracts.state_changed_at, contracts.cancel_reason,
               contracts.review_status, contracts.review_forwarded_at, contracts.review_answered_at, reviewer.display_name AS review_staff_name,
               contracts.review_comment, contracts.terms_confirmed_at, contracts.terms_confirmation, contracts.signed_on, contracts.signed_place,
               contracts.signatories, contracts.created_at, contracts.updated_at, contracts.version
        FROM contracts JOIN customers ON customers.id = contracts.customer_id LEFT JOIN projects ON projects.id = contracts.project_id
        LEFT JOIN staff ON staff.id = contracts.staff_id LEFT JOIN staff AS reviewer ON reviewer.id = contracts.review_staff_id
        """

    func find(_ id: Int) async throws -> Row? {
        try await database.sql().raw("\(Self.select) WHERE contracts.id = \(bind: id)").first(decoding: Row.self)
    }

    struct ChecklistItem: Decodable, Sendable {
        var id: Int, contractID: Int, position: Int, code: String, name: String?, isRequired: Bool, status: String,
            reason: String?
        var updatedAt: Date, version: Int
        enum CodingKeys: String, CodingKey {
            case id, position, code, name, status, reason, version
            case contractID = "contract_id", isRequired = "is_required", updatedAt = "updated_at"
        }
    }

    func checklist(_ contractID: Int, on database: (any Database)? = nil) async throws -> [ChecklistItem] {
        try await (database ?? self.database).sql().raw(
            """
            SELECT id, contract_id, position, code, name, is_required, status, reason, updated_at, version FROM contract_checklist_items
            WHERE contract_id = \(bind: contractID) ORDER BY position, id
            """
        ).all(decoding: ChecklistItem.self)
    }

    struct Clause: Decodable, Sendable {
        var id: Int, position: Int, code: String, name: String?, explainedAt: Date?, explainedByName: String?,
            note: String?
        enum CodingKeys: String, CodingKey {
            case id, position, code, name, note
            case explainedAt = "explained_at", explainedByName = "explained_by_name"
        }
    }

    func clauses(_ contractID: Int, on database: (any Database)? = nil) async throws -> [Clause] {
        try await (database ?? self.database).sql().raw(
            """
            SELECT contract_clauses.id, contract_clauses.position, contract_clauses.code, contract_clauses.name, contract_clauses.explained_at,
                   staff.display_name AS explained_by_name, contract_clauses.note
            FROM contract_clauses LEFT JOIN staff ON staff.id = contract_clauses.explained_by_staff_id
            WHERE contract_clauses.contract_id = \(bind: contractID) ORDER BY contract_clauses.position, contract_clauses.id
            """
        ).all(decoding: Clause.self)
    }

    struct Question: Decodable, Sendable {
        var id: Int, clauseID: Int?, question: String, answer: String?, askedAt: Date, staffName: String?
        enum CodingKeys: String, CodingKey {
            case id, question, answer
            case clauseID = "clause_id", askedAt = "asked_at", staffName = "staff_name"
        }
    }

    func questions(_ contractID: Int) async throws -> [Question] {
        try await database.sql().raw(
            """
            SELECT contract_questions.id, contract_questions.clause_id, contract_questions.question, contract_questions.answer,
                   contract_questions.asked_at, staff.display_name AS staff_name
            FROM contract_questions LEFT JOIN staff ON staff.id = contract_questions.staff_id
            WHERE contract_questions.contract_id = \(bind: contractID) ORDER BY contract_questions.asked_at, contract_questions.id
            """
        ).all(decoding: Question.self)
    }

    /// What the state machine looks at, read in the transaction that will act on it.
    func facts(of row: Row, labels: ContractLabels, on database: any Database) async throws -> ContractFacts {
        let sql = try database.sql()
        let open =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM contract_obligations WHERE contract_id = \(bind: row.id) AND done_at IS NULL"
            )
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let files = try await AttachmentStore(database: database, dataDirectory: "").count(
            ContractKind.self, recordID: row.id, on: database)
        return Self.facts(
            of: row, labels: labels, checklist: try await checklist(row.id, on: database),
            clauses: try await clauses(row.id, on: database),
            openObligations: open, signedFiles: files)
    }

    /// The facts from what the caller has already read (the contract page reads all of it anyway).
    static func facts(
        of row: Row, labels: ContractLabels, checklist: [ChecklistItem], clauses: [Clause], openObligations: Int,
        signedFiles: Int
    ) -> ContractFacts {
        ContractFacts(
            state: row.contractState,
            checklist: checklist.map {
                ChecklistItemFacts(
                    name: labels.document($0.code, $0.name), isRequired: $0.isRequired,
                    status: ChecklistStatus(rawValue: $0.status) ?? .missing)
            },
            clauses: clauses.map {
                ClauseFacts(title: labels.clause($0.code, $0.name), isExplained: $0.explainedAt != nil)
            },
            termsConfirmed: row.termsConfirmedAt != nil, review: row.review, isSigningRecorded: row.signedOn != nil,
            hasSignedFile: signedFiles > 0, openObligations: openObligations
        )
    }

    struct Filter: Sendable {
        var state: ContractState?
        /// One specialist's contracts; nil for all the caller may see.
        var staffID: Int?
        var projectID: Int?
        var customerID: Int?
        /// Only contracts forwarded to this department (a liaison's list).
        var forwardedToDepartmentID: Int?
        /// Only contracts with an obligation overdue on this day.
        var overdueOn: CalendarDay?
    }

    struct ListRow: Decodable, Sendable {
        var id: Int, number: String, customerID: Int, customerName: String, projectName: String?, type: String,
            title: String
        var amountYuan: Int64, staffName: String?, state: String, reviewStatus: String, updatedAt: Date, overdue: Int
        enum CodingKeys: String, CodingKey {
            case id, number, type, title, state, overdue
            case customerID = "customer_id", customerName = "customer_name", projectName = "project_name", amountYuan =
                "amount_yuan"
            case staffName = "staff_name", reviewStatus = "review_status", updatedAt = "updated_at"
        }
    }

    /// A page of contracts, most recently changed first; counts stop at 1,000 ("1,000+").
    func list(_ filter: Filter, paging: Paging, today: CalendarDay) async throws -> (items: [ListRow], total: Int) {
        var condition: SQLQueryString = "1 = 1"
        // A state is one of a few words, written into the SQL so that the index on (state, …) applies.
        if let state = filter.state { condition = condition + " AND contracts.state = '\(unsafeRaw: state.rawValue)'" }
        if let staffID = filter.staffID { condition = condition + " AND contracts.staff_id = \(bind: staffID)" }
        if let projectID = filter.projectID { condition = condition + " AND contracts.project_id = \(bind: projectID)" }
        if let customerID = filter.customerID {
            condition = condition + " AND contracts.customer_id = \(bind: customerID)"
        }
        if let department = filter.forwardedToDepartmentID {
            condition =
                condition
                + " AND contracts.review_status <> 'none' AND contracts.legal_department_id = \(bind: department)"
        }
        if let day = filter.overdueOn {
            condition =
                condition + """
                     AND EXISTS (SELECT 1 FROM contract_obligations WHERE contract_obligations.contract_id = contracts.id
                        AND contract_obligations.done_at IS NULL AND contract_obligations.due_on < \(bind: day.description))
                    """
        }
        let sql = try database.sql()
        let total =
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM contracts WHERE \(condition) LIMIT 1001) AS counted"
            )
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let items = try await sql.raw(
            """
            SELECT contracts.id, contracts.number, contracts.customer_id, customers.name AS customer_name, projects.name AS project_name,
                   contracts.type, contracts.title, contracts.amount_yuan, staff.display_name AS staff_name, contracts.state,
                   contracts.review_status, contracts.updated_at,
                   (SELECT COUNT(*) FROM contract_obligations WHERE contract_obligations.contract_id = contracts.id
                       AND contract_obligations.done_at IS NULL AND contract_obligations.due_on < \(bind: today.description)) AS overdue
            FROM contracts JOIN customers ON customers.id = contracts.customer_id LEFT JOIN projects ON projects.id = contracts.project_id
            LEFT JOIN staff ON staff.id = contracts.staff_id
            WHERE contracts.id IN (SELECT contracts.id FROM contracts WHERE \(condition)
                ORDER BY contracts.updated_at DESC, contracts.id DESC LIMIT \(bind: paging.size) OFFSET \(bind: paging.offset))
            ORDER BY contracts.updated_at DESC, contracts.id DESC
            """
        ).all(decoding: ListRow.self)
        return (items, total)
    }
}

extension ContractStore {
    /// The contract's own entries on the customer's timeline (its obligations' included), newest
    /// first, with the display names of who acted.
    func timeline(of row: Row, obligationIDs: [Int]) async throws -> [Timeline.Entry] {
        var condition: SQLQueryString =
            "(timeline_entries.record_type = \(bind: ContractKind.recordType) AND timeline_entries.record_id = \(bind: row.id))"
        if !obligationIDs.isEmpty {
            condition =
                condition
                + " OR (timeline_entries.record_type = \(bind: ObligationRecordKind.recordType) AND timeline_entries.record_id IN (\(binds: obligationIDs)))"
        }
        return try await database.sql().raw(
            """
            SELECT timeline_entries.id, timeline_entries.occurred_at, timeline_entries.kind, timeline_entries.record_type, timeline_entries.record_id,
                   COALESCE(staff.display_name, timeline_entries.actor_name) AS actor_name, timeline_entries.summary,
                   timeline_entries.message_key, timeline_entries.message_args
            FROM timeline_entries LEFT JOIN staff ON staff.id = timeline_entries.staff_id
            WHERE timeline_entries.customer_id = \(bind: row.customerID) AND (\(condition))
            ORDER BY timeline_entries.occurred_at DESC, timeline_entries.id DESC LIMIT 200
            """
        ).all(decoding: Timeline.Entry.self)
    }
}
