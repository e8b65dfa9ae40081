import Foundation
import KefuDomain
import Vapor

/// `/api/v1/contracts`: contracts from draft to completed (R3.4) — the checklist and its scans, the
/// terms explained and confirmed (R1.2), the 法务部's review (R1.3), signing and the signed file.
struct ContractsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let contracts = routes.grouped("contracts")
        contracts.requiring(.viewContracts).get(use: list)
        contracts.requiring(.manageContracts).post(use: create)
        contracts.requiring(.viewContracts).get(":id", use: show)
        contracts.requiring(.manageContracts).patch(":id", use: changeTerms)
        contracts.requiring(.manageContracts).patch(":id", "checklist", ":itemID", use: markDocument)
        contracts.requiring(.manageContracts).on(
            .POST, ":id", "checklist", ":itemID", "files", body: .collect(maxSize: "21mb"), use: addScan)
        contracts.requiring(.manageContracts).post(":id", "clauses", ":clauseID", "explanation", use: explain)
        contracts.requiring(.manageContracts).post(":id", "questions", use: addQuestion)
        contracts.requiring(.manageContracts).post(":id", "terms-confirmation", use: confirmTerms)
        contracts.requiring(.manageContracts).post(":id", "transitions", use: move)
        contracts.requiring(.manageContracts).post(":id", "forwarding", use: forward)
        contracts.requiring(.reviewContracts).post(":id", "review", use: review)
        contracts.requiring(.manageContracts).post(":id", "signing", use: sign)
        contracts.requiring(.manageContracts).on(
            .POST, ":id", "signed-files", body: .collect(maxSize: "21mb"), use: addSignedFile)
        contracts.requiring(.viewContracts).get(":id", "files", ":fileID", use: download)
        routes.grouped("customers", ":id", "contracts").requiring(.viewContracts).get(use: forCustomer)
    }

    struct ListItemDTO: Content {
        var id: Int; var number: String; var customerID: Int; var customerName: String; var projectName: String?;
        var type: String; var title: String
        var amountWan: String; var staffName: String?; var state: String; var reviewStatus: String;
        var overdueObligations: Int; var updatedAt: Date

        init(_ row: ContractStore.ListRow) {
            id = row.id; number = row.number; customerID = row.customerID; customerName = row.customerName;
            projectName = row.projectName
            type = row.type; title = row.title; amountWan = Yuan(row.amountYuan).wanText; staffName = row.staffName;
            state = row.state
            reviewStatus = row.reviewStatus; overdueObligations = row.overdue; updatedAt = row.updatedAt
        }
    }

    /// `state`, `project`, `overdue=1`; `scope=mine` or `specialist=ID` for the supervisor and leadership.
    @Sendable func list(req: Request) async throws -> PageDTO<ListItemDTO> {
        let paging = try req.paging
        let (rows, total) = try await ContractStore(database: req.db).list(
            try req.contractFilter(), paging: paging, today: req.today)
        return PageDTO(items: rows.map(ListItemDTO.init), request: paging, total: total, cap: 1000)
    }

    @Sendable func forCustomer(req: Request) async throws -> [ListItemDTO] {
        let customer = try await req.customerToShow(for: .viewContracts)
        var filter = ContractStore.Filter()
        filter.customerID = try customer.requireID()
        return try await ContractStore(database: req.db).list(
            filter, paging: Paging(number: 1, size: 100), today: req.today
        ).items.map(ListItemDTO.init)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let input = try req.content.decode(ContractWorkflow.CreateInput.self)
        guard let customer = try await CustomerModel.read(input.customerID, on: req.db), customer.mergedIntoID == nil
        else {
            throw KefuError.validation(FieldErrors(["customerID": "validation.choose_from_list"]))
        }
        try await req.authorize(
            .manageContracts, on: customer.recordFacts, recordType: "customer", recordID: String(input.customerID))
        let id = try await ContractWorkflow(database: req.db, labels: req.contractLabels).create(
            input, context: req.auditContext)
        return try await detail(req, id).encodeResponse(status: .created, for: req)
    }

    @Sendable func show(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .viewContracts)
        return try await ContractDetail.load(row, labels: req.contractLabels, on: req.db).dto(
            labels: req.contractLabels, today: req.today)
    }

    private func detail(_ req: Request, _ id: Int) async throws -> ContractDTO {
        guard let row = try await ContractStore(database: req.db).find(id) else { throw KefuError.notFound }
        return try await ContractDetail.load(row, labels: req.contractLabels, on: req.db).dto(
            labels: req.contractLabels, today: req.today)
    }

    private func workflow(_ req: Request) -> ContractWorkflow {
        ContractWorkflow(database: req.db, labels: req.contractLabels)
    }

    private func required(_ version: Int?) throws -> Int {
        guard let version else { throw KefuError.validation(FieldErrors(["version": "validation.required"])) }
        return version
    }

    struct DocumentMark: Content { var status: String; var reason: String?; var version: Int? }

    @Sendable func markDocument(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(DocumentMark.self)
        guard let itemID = req.parameters.get("itemID", as: Int.self) else { throw KefuError.notFound }
        try await workflow(req).setChecklistItem(
            contractID: row.id, itemID: itemID, status: input.status, reason: input.reason,
            version: try required(input.version), context: req.auditContext)
        return try await detail(req, row.id)
    }

    struct Upload: Content { var file: File? }

    @Sendable func addScan(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        guard let itemID = req.parameters.get("itemID", as: Int.self) else { throw KefuError.notFound }
        guard let file = (try? req.content.decode(Upload.self))?.file else {
            throw KefuError.validation(FieldErrors(["file": "validation.required"]))
        }
        _ = try await workflow(req).addScan(
            contractID: row.id, itemID: itemID, fileName: file.filename, bytes: file.data,
            dataDirectory: req.kefu.configuration.dataDirectory, context: req.auditContext)
        return try await detail(req, row.id).encodeResponse(status: .created, for: req)
    }

    @Sendable func addSignedFile(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        guard let file = (try? req.content.decode(Upload.self))?.file else {
            throw KefuError.validation(FieldErrors(["file": "validation.required"]))
        }
        _ = try await workflow(req).addSignedFile(
            contractID: row.id, fileName: file.filename, bytes: file.data,
            dataDirectory: req.kefu.configuration.dataDirectory, context: req.auditContext)
        return try await detail(req, row.id).encodeResponse(status: .created, for: req)
    }

    /// A scan or the signed file, for whoever may read the contract; each download is audited.
    @Sendable func download(req: Request) async throws -> Response {
        let row = try await req.contract(for: .viewContracts)
        guard let fileID = req.parameters.get("fileID", as: Int.self),
            let file = try await AttachmentStore(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
                .find(fileID)
        else { throw KefuError.notFound }
        let itemIDs = try await ContractStore(database: req.db).checklist(row.id).map(\.id)
        let belongs =
            (file.recordType == ContractKind.recordType && file.recordID == row.id)
            || (file.recordType == ChecklistItemKind.recordType && itemIDs.contains(file.recordID))
        guard belongs else { throw KefuError.notFound }
        return try await req.attachmentResponse(file)
    }

    struct Explanation: Content { var note: String? }

    @Sendable func explain(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        guard let clauseID = req.parameters.get("clauseID", as: Int.self) else { throw KefuError.notFound }
        let input = (try? req.content.decode(Explanation.self)) ?? Explanation(note: nil)
        try await workflow(req).explainClause(
            contractID: row.id, clauseID: clauseID, note: input.note, context: req.auditContext)
        return try await detail(req, row.id)
    }

    @Sendable func addQuestion(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(ContractWorkflow.QuestionInput.self)
        try await workflow(req).addQuestion(contractID: row.id, input, context: req.auditContext)
        return try await detail(req, row.id).encodeResponse(status: .created, for: req)
    }

    struct Confirmation: Content { var note: String?; var version: Int? }

    @Sendable func confirmTerms(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(Confirmation.self)
        try await workflow(req).confirmTerms(
            contractID: row.id, note: input.note, version: try required(input.version), context: req.auditContext)
        return try await detail(req, row.id)
    }

    struct Transition: Content { var to: String; var reason: String?; var version: Int? }

    @Sendable func move(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(Transition.self)
        try await workflow(req).move(
            contractID: row.id, to: input.to, reason: input.reason, version: try required(input.version),
            context: req.auditContext)
        return try await detail(req, row.id)
    }

    struct VersionOnly: Content { var version: Int? }

    @Sendable func forward(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(VersionOnly.self)
        try await workflow(req).forward(
            contractID: row.id, version: try required(input.version), context: req.auditContext)
        return try await detail(req, row.id)
    }

    struct ReviewInput: Content { var decision: String; var comment: String?; var version: Int? }

    @Sendable func review(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .reviewContracts)
        let input = try req.content.decode(ReviewInput.self)
        guard ["approve", "return"].contains(input.decision) else {
            throw KefuError.validation(FieldErrors(["decision": "validation.choose_from_list"]))
        }
        try await workflow(req).review(
            contractID: row.id, approve: input.decision == "approve", comment: input.comment,
            version: try required(input.version), context: req.auditContext)
        return try await detail(req, row.id)
    }

    @Sendable func changeTerms(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(ContractWorkflow.TermsInput.self)
        try await workflow(req).changeTerms(contractID: row.id, input, context: req.auditContext)
        return try await detail(req, row.id)
    }

    struct SigningInput: Content { var signedOn: String; var place: String; var signatories: String; var version: Int? }

    @Sendable func sign(req: Request) async throws -> ContractDTO {
        let row = try await req.contract(for: .manageContracts)
        let input = try req.content.decode(SigningInput.self)
        try await workflow(req).sign(
            contractID: row.id,
            SigningDraft(signedOn: input.signedOn, place: input.place, signatories: input.signatories),
            version: try required(input.version), today: req.today, context: req.auditContext)
        return try await detail(req, row.id)
    }
}

extension ContractWorkflow.CreateInput: Content {}
extension ContractWorkflow.TermsInput: Content {}
extension ContractWorkflow.QuestionInput: Content {}
