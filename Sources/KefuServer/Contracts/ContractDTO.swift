import Fluent
import Foundation
import KefuDomain
import Vapor

/// A contract as the JSON API gives it: its record, where it stands and what is needed next, the
/// checklist with its scans, the clauses explained, the customer's questions, the review, the
/// signing. No contact details: a liaison reads it too.
struct ContractDTO: Content {
    struct InstallmentDTO: Content { var label: String; var amountWan: String; var dueOn: String? }
    struct FileDTO: Content {
        var id: Int; var fileName: String; var byteCount: Int; var sha256: String; var uploadedAt: Date;
        var uploadedBy: String?
    }
    struct ChecklistItemDTO: Content {
        var id: Int; var code: String; var name: String; var isRequired: Bool; var status: String; var reason: String?;
        var version: Int
        var files: [FileDTO]
    }
    struct ClauseDTO: Content {
        var id: Int; var code: String; var title: String; var explainedAt: Date?; var explainedBy: String?;
        var note: String?
    }
    struct QuestionDTO: Content {
        var id: Int; var clauseID: Int?; var question: String; var answer: String?; var askedAt: Date;
        var recordedBy: String?
    }
    struct ReviewDTO: Content {
        var status: String; var forwardedAt: Date?; var answeredAt: Date?; var reviewer: String?; var comment: String?
    }
    struct SigningDTO: Content { var signedOn: String; var place: String; var signatories: String }

    var id: Int
    var number: String
    var customerID: Int
    var customerCode: String
    var customerName: String
    var projectID: Int?
    var projectName: String?
    var projectVersion: Int?
    var type: String
    var title: String
    var amountWan: String
    var paymentPlan: [InstallmentDTO]
    var parties: String
    var staffID: Int?
    var staffName: String?
    var state: String
    var stateChangedAt: Date
    var cancelReason: String?
    /// What is needed for the contract to move on, in the caller's language.
    var nextNeeds: [String]
    /// The list of documents still missing, ready to paste into WeChat or an e-mail; nil when none.
    var missingDocumentsText: String?
    var checklist: [ChecklistItemDTO]
    var clauses: [ClauseDTO]
    var questions: [QuestionDTO]
    var termsConfirmedAt: Date?
    var termsConfirmation: String?
    var review: ReviewDTO
    var signing: SigningDTO?
    var signedFiles: [FileDTO]
    var obligations: [ObligationsAPIController.ObligationDTO]
    var createdAt: Date
    var updatedAt: Date
    var version: Int
}

/// Everything the contract's page and its JSON read, in one place.
struct ContractDetail: Sendable {
    var row: ContractStore.Row
    var checklist: [ContractStore.ChecklistItem]
    var clauses: [ContractStore.Clause]
    var questions: [ContractStore.Question]
    var scans: [AttachmentStore.Row]
    var signedFiles: [AttachmentStore.Row]
    var obligations: [ObligationStore.Row]
    var notices: [ObligationStore.Notice]
    var facts: ContractFacts

    static func load(_ row: ContractStore.Row, labels: ContractLabels, on database: any Database) async throws
        -> ContractDetail
    {
        let store = ContractStore(database: database)
        let files = AttachmentStore(database: database, dataDirectory: "")
        let checklist = try await store.checklist(row.id)
        let clauses = try await store.clauses(row.id)
        let obligations = try await ObligationStore(database: database).list(contractID: row.id)
        let (signedFiles, scans) = try await files.list(
            ContractKind.self, recordIDs: [row.id], and: ChecklistItemKind.self, otherIDs: checklist.map(\.id))
        return ContractDetail(
            row: row, checklist: checklist, clauses: clauses, questions: try await store.questions(row.id),
            scans: scans,
            signedFiles: signedFiles, obligations: obligations,
            notices: try await ObligationStore(database: database).notices(obligationIDs: obligations.map(\.id)),
            facts: ContractStore.facts(
                of: row, labels: labels, checklist: checklist, clauses: clauses,
                openObligations: obligations.filter { $0.doneAt == nil }.count, signedFiles: signedFiles.count)
        )
    }

    /// R3.4: the documents still to bring, as a message the specialist pastes to the customer.
    func missingDocumentsText(labels: ContractLabels) -> String? {
        let outstanding = checklist.filter { $0.isRequired && $0.status != ChecklistStatus.received.rawValue }
        guard !outstanding.isEmpty else { return nil }
        let lines = outstanding.enumerated().map { index, item in
            let name = labels.document(item.code, item.name)
            return item.status == ChecklistStatus.rejected.rawValue
                ? labels.localizer.text(
                    "contract.missing_text.rejected", labels.language,
                    ["n": String(index + 1), "name": name, "reason": item.reason ?? ""])
                : "\(index + 1). \(name)"
        }
        let head = labels.localizer.text(
            "contract.missing_text.head", labels.language,
            ["customer": row.customerName, "title": row.title, "number": row.number])
        let tail = labels.localizer.text("contract.missing_text.tail", labels.language, ["staff": row.staffName ?? ""])
        return ([head] + lines + [tail]).joined(separator: "\n")
    }

    func dto(labels: ContractLabels, today: CalendarDay) -> ContractDTO {
        func file(_ row: AttachmentStore.Row) -> ContractDTO.FileDTO {
            .init(
                id: row.id, fileName: row.fileName, byteCount: row.byteCount, sha256: row.sha256,
                uploadedAt: row.uploadedAt, uploadedBy: row.uploaderName)
        }
        let scansByItem = Dictionary(grouping: scans, by: \.recordID)
        return ContractDTO(
            id: row.id, number: row.number, customerID: row.customerID, customerCode: row.customerCode,
            customerName: row.customerName,
            projectID: row.projectID, projectName: row.projectName, projectVersion: row.projectVersion, type: row.type,
            title: row.title,
            amountWan: Yuan(row.amountYuan).wanText,
            paymentPlan: row.installments.map {
                .init(label: $0.label, amountWan: $0.amount.wanText, dueOn: $0.dueOn?.description)
            },
            parties: row.parties, staffID: row.staffID, staffName: row.staffName, state: row.state,
            stateChangedAt: row.stateChangedAt,
            cancelReason: row.cancelReason,
            nextNeeds: ContractStateMachine.nextNeeds(facts).map {
                labels.localizer.text($0.key, labels.language, $0.arguments)
            },
            missingDocumentsText: missingDocumentsText(labels: labels),
            checklist: checklist.map {
                .init(
                    id: $0.id, code: $0.code, name: labels.document($0.code, $0.name), isRequired: $0.isRequired,
                    status: $0.status, reason: $0.reason,
                    version: $0.version, files: (scansByItem[$0.id] ?? []).map(file))
            },
            clauses: clauses.map {
                .init(
                    id: $0.id, code: $0.code, title: labels.clause($0.code, $0.name), explainedAt: $0.explainedAt,
                    explainedBy: $0.explainedByName, note: $0.note)
            },
            questions: questions.map {
                .init(
                    id: $0.id, clauseID: $0.clauseID, question: $0.question, answer: $0.answer, askedAt: $0.askedAt,
                    recordedBy: $0.staffName)
            },
            termsConfirmedAt: row.termsConfirmedAt, termsConfirmation: row.termsConfirmation,
            review: .init(
                status: row.reviewStatus, forwardedAt: row.reviewForwardedAt, answeredAt: row.reviewAnsweredAt,
                reviewer: row.reviewStaffName,
                comment: row.reviewComment),
            signing: row.signedOn.map {
                .init(signedOn: $0, place: row.signedPlace ?? "", signatories: row.signatories ?? "")
            },
            signedFiles: signedFiles.map(file), obligations: obligations.map { .init($0, today: today) },
            createdAt: row.createdAt, updatedAt: row.updatedAt, version: row.version
        )
    }
}

extension Request {
    /// The contract addressed by `:id` if the caller may perform `action` on it; 404 when there is
    /// none, 403 (audited) when it is not the caller's to touch.
    func contract(for action: Action) async throws -> ContractStore.Row {
        guard let id = parameters.get("id", as: Int.self), let row = try await ContractStore(database: db).find(id)
        else { throw KefuError.notFound }
        try await authorize(action, on: row.recordFacts, recordType: ContractKind.recordType, recordID: String(id))
        return row
    }

    /// The contract list's filter from the query string, shared by the page and the API; a liaison
    /// sees only what was forwarded to their department.
    func contractFilter() throws -> ContractStore.Filter {
        let staff = try requireStaff()
        let query = queryParameters
        var filter = ContractStore.Filter()
        if let text = query["state"], !text.isEmpty {
            guard let state = ContractState(rawValue: text) else {
                throw KefuError.invalidQuery(FieldErrors(["state": "validation.choose_from_list"]))
            }
            filter.state = state
        }
        filter.projectID = query["project"].flatMap(Int.init)
        if query["overdue"] == "1" { filter.overdueOn = CalendarDay(now, timeZone: DisplayFormat.timeZone) }
        switch AccessPolicy.widestScope(of: staff.role, for: .viewContracts) {
        case .forwardedToMyDepartment?: filter.forwardedToDepartmentID = staff.departmentID
        case .any?: filter.staffID = query["scope"] == "mine" ? staff.id : query["specialist"].flatMap(Int.init)
        default: filter.staffID = staff.id
        }
        return filter
    }

    var today: CalendarDay { CalendarDay(now, timeZone: DisplayFormat.timeZone) }
}
