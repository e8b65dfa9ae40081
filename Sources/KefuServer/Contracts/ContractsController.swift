import Foundation
import KefuDomain
import Vapor

/// The contract pages (合同): the list with its filters, a new contract for a customer, and the
/// contract's page, whose forms take it from draft to completed (R3.4). A refused form comes back
/// with the reason at its field and what was typed kept.
struct ContractsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.viewContracts).get(.contracts, use: list)
        routes.requiring(.manageContracts).get(.newContract, use: newForm)
        routes.requiring(.manageContracts).post(.contracts, use: create)
        routes.requiring(.viewContracts).get(.contract, use: show)
        routes.requiring(.manageContracts).post(.contractChecklistItem, use: markDocument)
        routes.requiring(.manageContracts).on(
            .POST, .contractChecklistItemFiles, body: .collect(maxSize: "21mb"), use: addScan)
        routes.requiring(.manageContracts).post(.contractClauseExplanation, use: explain)
        routes.requiring(.manageContracts).post(.contractQuestions, use: addQuestion)
        routes.requiring(.manageContracts).post(.contractTermsConfirmation, use: confirmTerms)
        routes.requiring(.manageContracts).post(.contractTransitions, use: move)
        routes.requiring(.manageContracts).post(.contractForwarding, use: forward)
        routes.requiring(.reviewContracts).post(.contractReview, use: review)
        routes.requiring(.manageContracts).post(.contractSigning, use: sign)
        routes.requiring(.manageContracts).post(.contractTerms, use: changeTerms)
        routes.requiring(.manageContracts).on(
            .POST, .contractSignedFiles, body: .collect(maxSize: "21mb"), use: addSignedFile)
        routes.requiring(.viewContracts).get(.contractFile, use: download)
        routes.requiring(.manageContracts).post(.contractObligations, use: addObligation)
    }

    // MARK: The list

    struct ListPage: Encodable {
        struct Row: Encodable {
            var id: Int; var number: String; var customerName: String; var projectName: String; var typeLabel: String;
            var title: String
            var amountWan: String; var staffName: String; var state: String; var stateKey: String; var overdue: Int
            var reviewKey: String; var isForwarded: Bool; var updatedAt: String
        }
        var rows: HTMLFragment
        var hasItems: Bool
        var pager: Pager
        var states: [ChoiceOption]
        var specialists: [ChoiceOption]
        var canSeeTeam: Bool
        var isLiaison: Bool
        var canCreate: Bool
        var canConfigure: Bool
        var overdue: Bool
        var project: String
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let paging = try req.paging
        let filter = try req.contractFilter()
        let (rows, total) = try await ContractStore(database: req.db).list(filter, paging: paging, today: req.today)
        let scope = AccessPolicy.widestScope(of: staff.role, for: .viewContracts)
        let specialists =
            scope == .any
            ? try await req.application.assigneeDirectory.assignees(on: req.db).map {
                ChoiceOption(
                    value: String($0.id), labelKey: "", label: $0.displayName, isSelected: filter.staffID == $0.id)
            } : []
        let query = req.queryParameters
        let labels = req.contractLabels,
            templates = try await ContractTemplateStore(database: req.db).all().map(\.template)
        let items: [ListPage.Row] = rows.map {
            .init(
                id: $0.id, number: $0.number, customerName: $0.customerName, projectName: $0.projectName ?? "—",
                typeLabel: labels.type($0.type, among: templates),
                title: $0.title, amountWan: Yuan($0.amountYuan).wanText, staffName: $0.staffName ?? "—",
                state: $0.state,
                stateKey: "contract.state.\($0.state)", overdue: $0.overdue,
                reviewKey: "contract.review.\($0.reviewStatus)",
                isForwarded: $0.reviewStatus == LegalReviewStatus.forwarded.rawValue,
                updatedAt: DisplayFormat.dateTime($0.updatedAt))
        }
        let page = ListPage(
            rows: ContractListView.rows(items, t: { req.t($0, $1) }),
            hasItems: !rows.isEmpty,
            pager: Pager(
                request: paging, total: total, path: SiteURL.contracts,
                query: [
                    "state": query["state"] ?? "", "specialist": query["specialist"] ?? "",
                    "project": query["project"] ?? "",
                    "overdue": query["overdue"] ?? "", "scope": query["scope"] ?? "",
                ], cap: 1000),
            states: [ChoiceOption(value: "", labelKey: "contracts.all_states", isSelected: filter.state == nil)]
                + ChoiceOption.list(
                    ContractState.allCases.map(\.rawValue), labelPrefix: "contract.state",
                    selected: filter.state?.rawValue ?? "-"),
            specialists: [ChoiceOption(value: "", labelKey: "contracts.everyone", isSelected: filter.staffID == nil)]
                + specialists,
            canSeeTeam: scope == .any, isLiaison: scope == .forwardedToMyDepartment,
            canCreate: AccessPolicy.allows(staff.role, .manageContracts),
            canConfigure: AccessPolicy.allows(staff.role, .configureContracts),
            overdue: filter.overdueOn != nil, project: query["project"] ?? ""
        )
        return try await req.renderPage("contracts/index", titleKey: "contracts.title", page)
    }

    // MARK: A new contract

    struct NewPage: Encodable {
        var customerID: Int
        var customerCode: String
        var customerName: String
        var types: [ChoiceOption]
        var projects: [ChoiceOption]
        var form: [String: String]
        var installments: [[String: String]]
        var errors: [String: String] = [:]
    }

    struct NewForm: Content {
        var customerID: Int?; var projectID: String?; var type: String?; var title: String?; var amountWan: String?;
        var parties: String?
        var planLabel: [String]?; var planAmount: [String]?; var planDue: [String]?

        /// The installments typed, without the empty rows the form always offers.
        var installments: [InstallmentDraft] {
            let labels = planLabel ?? [], amounts = planAmount ?? [], dues = planDue ?? []
            return (0..<max(labels.count, amounts.count)).compactMap { index in
                let label = index < labels.count ? labels[index] : "",
                    amount = index < amounts.count ? amounts[index] : ""
                let due = index < dues.count ? dues[index] : ""
                guard !(label.trimmed.isEmpty && amount.trimmed.isEmpty && due.trimmed.isEmpty) else { return nil }
                return InstallmentDraft(label: label, amountWan: amount, dueOn: due)
            }
        }
    }

    private func newPage(_ req: Request, customer: CustomerModel, form: NewForm?) async throws -> NewPage {
        let projects = try await ProjectStore(database: req.db).list(.init()).map {
            ChoiceOption(
                value: String($0.id), labelKey: "", label: "\($0.facts.code) \($0.facts.name)",
                isSelected: form?.projectID == String($0.id))
        }
        let rows = ContractPage.planRows(form?.installments ?? [])
        return NewPage(
            customerID: try customer.requireID(), customerCode: customer.code, customerName: customer.name,
            types: try await ContractTemplateStore(database: req.db).all().filter(\.template.isActive).map {
                ChoiceOption(
                    value: $0.template.code, labelKey: "",
                    label: req.contractLabels.type($0.template.code, among: [$0.template]),
                    isSelected: $0.template.code == (form?.type ?? ContractType.investmentAgreement.rawValue))
            },
            projects: [
                ChoiceOption(value: "", labelKey: "contracts.no_project", isSelected: (form?.projectID ?? "").isEmpty)
            ] + projects,
            form: ["title": form?.title ?? "", "amountWan": form?.amountWan ?? "", "parties": form?.parties ?? ""],
            installments: rows
        )
    }

    private func customerForNew(_ req: Request, id: Int?) async throws -> CustomerModel {
        guard let id, let customer = try await CustomerModel.read(id, on: req.db), customer.mergedIntoID == nil else {
            throw KefuError.notFound
        }
        try await req.authorize(
            .manageContracts, on: customer.recordFacts, recordType: "customer", recordID: String(id))
        return customer
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let customer = try await customerForNew(req, id: req.query[Int.self, at: "customer"])
        return try await req.renderPage(
            "contracts/new", titleKey: "contracts.new", try await newPage(req, customer: customer, form: nil))
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(NewForm.self)
        let customer = try await customerForNew(req, id: form.customerID)
        let input = ContractWorkflow.CreateInput(
            customerID: try customer.requireID(), projectID: form.projectID.flatMap { Int($0) }, type: form.type ?? "",
            title: form.title ?? "", amountWan: form.amountWan ?? "", paymentPlan: form.installments,
            parties: form.parties)
        do {
            let id = try await ContractWorkflow(database: req.db, labels: req.contractLabels).create(
                input, context: req.auditContext)
            return req.redirect(to: SiteURL.contract(id), flash: FlashMessage(.success, "flash.contract_created"))
        } catch let errors as FieldErrors {
            var page = try await newPage(req, customer: customer, form: form)
            // Leaf reads dots as a path: paymentPlan.2 is shown as paymentPlan_2.
            page.errors = Dictionary(
                uniqueKeysWithValues: errors.messages.map {
                    ($0.key.replacingOccurrences(of: ".", with: "_"), req.t($0.value))
                })
            return try await req.renderPage(
                "contracts/new", titleKey: "contracts.new", page, status: .unprocessableEntity)
        }
    }

    // MARK: The contract's page

    func render(
        _ req: Request, _ row: ContractStore.Row, errors: [String: String] = [:], typed: [String: String] = [:],
        typedTerms: TermsForm? = nil, failedNotice: (id: Int, message: String, typed: String)? = nil,
        failedItem: (id: Int, message: String, reason: String)? = nil, survey outcome: SurveyOffer.Outcome? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let staff = try req.requireStaff()
        let labels = req.contractLabels
        let detail = try await ContractDetail.load(row, labels: labels, on: req.db)
        let timeline = try await ContractStore(database: req.db).timeline(
            of: row, obligationIDs: detail.obligations.map(\.id))
        let may = ContractPage.Permissions(
            manage: AccessPolicy.permits(staff.actor, .manageContracts, on: row.recordFacts),
            review: AccessPolicy.permits(staff.actor, .reviewContracts, on: row.recordFacts),
            receivePayments: AccessPolicy.allows(staff.role, .receivePayments),
            openCustomer: AccessPolicy.permits(
                staff.actor, .viewCustomers, on: RecordFacts(responsibleStaffID: row.staffID)) && staff.role != .liaison
        )
        let templates = try await ContractTemplateStore(database: req.db).all().map(\.template)
        var page = ContractPage(
            detail, timeline: timeline, may: may, labels: labels, typeLabel: labels.type(row.type, among: templates),
            today: req.today, csrf: req.csrfToken ?? "", failedItem: failedItem, failedNotice: failedNotice)
        page.errors = errors
        page.typed = ContractPage.untyped.merging(typed) { $1 }
        if let typedTerms {
            page.terms = [
                "title": typedTerms.title ?? "", "amountWan": typedTerms.amountWan ?? "",
                "parties": typedTerms.parties ?? "",
            ]
            page.termsPlan = ContractPage.planRows(typedTerms.installments)
        }
        if (may.manage && SurveyRules.refusal(.contract, contractState: row.state) == nil) || outcome != nil {
            page.survey = try await SurveyOffer.load(
                .contract, id: row.id, action: SiteURL.contractSurvey(row.id).path, outcome: outcome, now: req.now,
                on: req.db
            )
        }
        return try await req.renderPage("contracts/show", titleKey: "contracts.title", page, status: status)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, try await req.contract(for: .viewContracts))
    }

    /// Runs one form's step; a refusal, a problem with a field or a stale version re-renders the
    /// page with the message at `field` (or the form's fields) and what was typed.
    private func act(
        _ req: Request, _ row: ContractStore.Row, field: String, typed: [String: String] = [:],
        typedTerms: TermsForm? = nil,
        flash: String, itemID: Int? = nil, _ step: () async throws -> Void
    ) async throws -> Response {
        do {
            try await step()
            return req.redirect(to: SiteURL.contract(row.id), flash: FlashMessage(.success, flash))
        } catch let errors as FieldErrors {
            let messages = Dictionary(uniqueKeysWithValues: errors.messages.map { ($0.key, req.t($0.value)) })
            if let itemID {
                return try await render(
                    req, try await reload(req, row),
                    failedItem: (itemID, messages.values.joined(separator: " "), typed["reason"] ?? ""),
                    status: .unprocessableEntity)
            }
            return try await render(
                req, try await reload(req, row), errors: messages, typed: typed, typedTerms: typedTerms,
                status: .unprocessableEntity)
        } catch let refused as ContractRefused {
            let message = req.t(refused.reason.key, refused.reason.arguments)
            if let itemID {
                return try await render(
                    req, try await reload(req, row), failedItem: (itemID, message, typed["reason"] ?? ""),
                    status: .unprocessableEntity)
            }
            return try await render(
                req, try await reload(req, row), errors: [field: message], typed: typed, typedTerms: typedTerms,
                status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            return try await render(
                req, try await reload(req, row), errors: [field: req.t(conflict.messageKey)], typed: typed,
                typedTerms: typedTerms, status: .conflict)
        } catch let error as KefuError where error.status == .conflict {
            return try await render(
                req, try await reload(req, row), errors: [field: req.t(error.messageKey)], typed: typed,
                typedTerms: typedTerms, status: .conflict)
        }
    }

    private func reload(_ req: Request, _ row: ContractStore.Row) async throws -> ContractStore.Row {
        try await ContractStore(database: req.db).find(row.id) ?? row
    }

    private func workflow(_ req: Request) -> ContractWorkflow {
        ContractWorkflow(database: req.db, labels: req.contractLabels)
    }

    struct DocumentForm: Content { var status: String?; var reason: String?; var version: Int? }

    @Sendable func markDocument(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        guard let itemID = req.parameters.get("itemID", as: Int.self) else { throw KefuError.notFound }
        let form = try req.content.decode(DocumentForm.self)
        return try await act(
            req, row, field: "checklist", typed: ["reason": form.reason ?? ""], flash: "flash.contract_saved",
            itemID: itemID
        ) {
            try await workflow(req).setChecklistItem(
                contractID: row.id, itemID: itemID, status: form.status ?? "", reason: form.reason,
                version: form.version ?? -1, context: req.auditContext)
        }
    }

    @Sendable func addScan(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        guard let itemID = req.parameters.get("itemID", as: Int.self) else { throw KefuError.notFound }
        let file = (try? req.content.decode(ContractsAPIController.Upload.self))?.file
        return try await act(req, row, field: "checklist", flash: "flash.file_uploaded", itemID: itemID) {
            guard let file else { throw FieldErrors(["file": "validation.required"]) }
            _ = try await workflow(req).addScan(
                contractID: row.id, itemID: itemID, fileName: file.filename, bytes: file.data,
                dataDirectory: req.kefu.configuration.dataDirectory, context: req.auditContext)
        }
    }

    @Sendable func addSignedFile(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let file = (try? req.content.decode(ContractsAPIController.Upload.self))?.file
        return try await act(req, row, field: "signedFile", flash: "flash.file_uploaded") {
            guard let file else { throw FieldErrors(["signedFile": "validation.required"]) }
            do {
                _ = try await workflow(req).addSignedFile(
                    contractID: row.id, fileName: file.filename, bytes: file.data,
                    dataDirectory: req.kefu.configuration.dataDirectory, context: req.auditContext)
            } catch let errors as FieldErrors {
                throw FieldErrors(["signedFile": errors.messages["file"] ?? "validation.required"])
            }
        }
    }

    @Sendable func download(req: Request) async throws -> Response {
        try await ContractsAPIController().download(req: req)
    }

    struct NoteForm: Content { var note: String?; var version: Int? }

    @Sendable func explain(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        guard let clauseID = req.parameters.get("clauseID", as: Int.self) else { throw KefuError.notFound }
        let form = try req.content.decode(NoteForm.self)
        return try await act(req, row, field: "clause", flash: "flash.contract_saved") {
            try await workflow(req).explainClause(
                contractID: row.id, clauseID: clauseID, note: form.note, context: req.auditContext)
        }
    }

    struct QuestionForm: Content { var clauseID: String?; var question: String?; var answer: String? }

    @Sendable func addQuestion(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(QuestionForm.self)
        return try await act(
            req, row, field: "question", typed: ["question": form.question ?? "", "answer": form.answer ?? ""],
            flash: "flash.contract_saved"
        ) {
            try await workflow(req).addQuestion(
                contractID: row.id,
                .init(
                    clauseID: form.clauseID.flatMap { Int($0) }, question: form.question ?? "",
                    answer: form.answer), context: req.auditContext)
        }
    }

    @Sendable func confirmTerms(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(NoteForm.self)
        return try await act(
            req, row, field: "confirmation", typed: ["confirmation": form.note ?? ""], flash: "flash.contract_saved"
        ) {
            try await workflow(req).confirmTerms(
                contractID: row.id, note: form.note, version: form.version ?? -1, context: req.auditContext)
        }
    }

    struct MoveForm: Content { var to: String?; var reason: String?; var version: Int? }

    @Sendable func move(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(MoveForm.self)
        let field = form.to == ContractState.cancelled.rawValue ? "reason" : "to"
        return try await act(
            req, row, field: field, typed: ["reason": form.reason ?? ""], flash: "flash.contract_saved"
        ) {
            try await workflow(req).move(
                contractID: row.id, to: form.to ?? "", reason: form.reason, version: form.version ?? -1,
                context: req.auditContext)
        }
    }

    @Sendable func forward(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(NoteForm.self)
        return try await act(req, row, field: "review", flash: "flash.contract_forwarded") {
            try await workflow(req).forward(contractID: row.id, version: form.version ?? -1, context: req.auditContext)
        }
    }

    struct ReviewForm: Content { var decision: String?; var comment: String?; var version: Int? }

    @Sendable func review(req: Request) async throws -> Response {
        let row = try await req.contract(for: .reviewContracts)
        let form = try req.content.decode(ReviewForm.self)
        return try await act(
            req, row, field: "comment", typed: ["comment": form.comment ?? ""], flash: "flash.contract_reviewed"
        ) {
            try await workflow(req).review(
                contractID: row.id, approve: form.decision == "approve", comment: form.comment,
                version: form.version ?? -1,
                context: req.auditContext)
        }
    }

    struct TermsForm: Content {
        var title: String?; var amountWan: String?; var parties: String?; var planLabel: [String]?;
        var planAmount: [String]?; var planDue: [String]?
        var version: Int?

        var installments: [InstallmentDraft] {
            NewForm(planLabel: planLabel, planAmount: planAmount, planDue: planDue).installments
        }
    }

    /// The terms form's fields carry a `terms` prefix on the page, which has other forms with a title or an amount.
    @Sendable func changeTerms(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(TermsForm.self)
        return try await act(req, row, field: "terms", typedTerms: form, flash: "flash.contract_terms_changed") {
            do {
                try await workflow(req).changeTerms(
                    contractID: row.id,
                    .init(
                        title: form.title ?? "", amountWan: form.amountWan ?? "", paymentPlan: form.installments,
                        parties: form.parties, version: form.version ?? -1), context: req.auditContext)
            } catch let errors as FieldErrors {
                var prefixed = FieldErrors()
                for (field, key) in errors.messages.sorted(by: { $0.key < $1.key }) {
                    let base = String(field.split(separator: ".").first ?? "")
                    prefixed.add("terms" + base.prefix(1).uppercased() + base.dropFirst(), key)
                }
                throw prefixed
            }
        }
    }

    struct SigningForm: Content {
        var signedOn: String?; var place: String?; var signatories: String?; var version: Int?
    }

    @Sendable func sign(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(SigningForm.self)
        let typed = ["signedOn": form.signedOn ?? "", "place": form.place ?? "", "signatories": form.signatories ?? ""]
        return try await act(req, row, field: "signedOn", typed: typed, flash: "flash.contract_signed") {
            try await workflow(req).sign(
                contractID: row.id,
                SigningDraft(
                    signedOn: form.signedOn ?? "", place: form.place ?? "", signatories: form.signatories ?? ""),
                version: form.version ?? -1, today: req.today, context: req.auditContext)
        }
    }

    struct ObligationForm: Content {
        var kind: String?; var party: String?; var title: String?; var dueOn: String?; var amountWan: String?;
        var remindDaysBefore: String?
    }

    @Sendable func addObligation(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let form = try req.content.decode(ObligationForm.self)
        let typed = [
            "obligationTitle": form.title ?? "", "dueOn": form.dueOn ?? "", "amountWan": form.amountWan ?? "",
            "remindDaysBefore": form.remindDaysBefore ?? "",
        ]
        return try await act(req, row, field: "dueOn", typed: typed, flash: "flash.obligation_added") {
            let lead = form.remindDaysBefore.flatMap { $0.trimmed.isEmpty ? nil : $0 }
            guard lead == nil || Int(lead!) != nil else {
                throw FieldErrors(["remindDaysBefore": "validation.obligation.remind_days"])
            }
            do {
                _ = try await ObligationStore(database: req.db).add(
                    contractID: row.id,
                    .init(
                        kind: form.kind ?? "", party: form.party ?? "", title: form.title ?? "",
                        dueOn: form.dueOn ?? "", amountWan: form.amountWan,
                        remindDaysBefore: lead.flatMap { Int($0) }, staffID: nil), context: req.auditContext)
            } catch let errors as FieldErrors {
                // The title field is `obligationTitle` on the page (the contract has a title too).
                var renamed = FieldErrors()
                for (field, key) in errors.messages { renamed.add(field == "title" ? "obligationTitle" : field, key) }
                throw renamed
            }
        }
    }
}
