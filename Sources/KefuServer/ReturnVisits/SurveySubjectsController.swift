import Foundation
import KefuDomain
import Vapor

/// Issue 13 §5: the satisfaction survey after an inquiry is answered, a contract is signed and a return
/// visit is done — the same single-use, expiring, hash-only link as after a complaint, its score given to
/// each person and department who handled the matter. The API for all three, and a button on each
/// one's page that shows the text to copy (WeChat, SMS, e-mail).
struct SurveySubjectsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.grouped("inquiries").requiring(.replyInquiry).post(":id", "survey", use: inquiry)
        api.grouped("contracts").requiring(.manageContracts).post(":id", "survey", use: contract)
        api.grouped("return-visits").requiring(.manageReturnVisits).post(":id", "survey", use: returnVisit)
        routes.requiring(.manageReturnVisits).post(.returnVisitSurvey, use: returnVisitPage)
        routes.requiring(.replyInquiry).post(.inquirySurvey, use: inquiryPage)
        routes.requiring(.manageContracts).post(.contractSurvey, use: contractPage)
    }

    /// Why an inquiry cannot be surveyed yet (not answered), or nil.
    static func refusal(of row: InquiryStore.Row) -> String? {
        SurveyRules.refusal(.inquiry, inquiryAnswered: row.firstAnsweredAt != nil || row.repliedAt != nil)
    }

    static func matter(_ row: InquiryStore.Row) throws -> SurveyStore.Matter {
        guard let customerID = row.customerID else {
            throw KefuError(.unprocessableEntity, code: "refused", messageKey: "survey.inquiry_not_answered")
        }
        return .init(
            subject: .inquiry, id: row.id, customerID: customerID, label: row.number ?? "",
            recordType: InquiryKind.recordType)
    }

    static func matter(_ row: ContractStore.Row) -> SurveyStore.Matter {
        .init(
            subject: .contract, id: row.id, customerID: row.customerID, label: row.number,
            recordType: ContractKind.recordType)
    }

    static func issue(_ req: Request, _ matter: SurveyStore.Matter, refusal: String?) async throws -> SurveyStore.Issued
    {
        if let refusal {
            throw KefuError(.unprocessableEntity, code: "refused", messageKey: refusal, fields: ["state": refusal])
        }
        return try await SurveyStore(database: req.db).issue(
            for: matter, baseURL: req.kefu.configuration.baseURL, expiryDays: SurveyRules.defaultExpiryDays,
            localizer: req.kefu.localizer, context: req.auditContext)
    }

    @Sendable func inquiry(req: Request) async throws -> Response {
        let row = try await req.inquiry(for: .replyInquiry)
        let issued = try await Self.issue(req, try Self.matter(row), refusal: Self.refusal(of: row))
        return try await issued.encodeResponse(status: .created, for: req)
    }

    @Sendable func contract(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        let issued = try await Self.issue(
            req, Self.matter(row), refusal: SurveyRules.refusal(.contract, contractState: row.state))
        return try await issued.encodeResponse(status: .created, for: req)
    }

    /// The inquiry's page with the link just issued and its text to copy, or the refusal at the survey card.
    @Sendable func inquiryPage(req: Request) async throws -> Response {
        let row = try await req.inquiry(for: .replyInquiry)
        do {
            let issued = try await Self.issue(req, try Self.matter(row), refusal: Self.refusal(of: row))
            return try await InquiriesController().render(req, row, survey: .issued(issued), status: .created)
        } catch let error as KefuError where error.status == .unprocessableEntity {
            return try await InquiriesController().render(
                req, row, survey: .refused(messageKey: error.messageKey), status: .unprocessableEntity)
        }
    }

    /// The contract's page with the link just issued and its text to copy, or the refusal at the survey card.
    @Sendable func contractPage(req: Request) async throws -> Response {
        let row = try await req.contract(for: .manageContracts)
        do {
            let issued = try await Self.issue(
                req, Self.matter(row), refusal: SurveyRules.refusal(.contract, contractState: row.state))
            return try await ContractsController().render(req, row, survey: .issued(issued), status: .created)
        } catch let error as KefuError where error.status == .unprocessableEntity {
            return try await ContractsController().render(
                req, row, survey: .refused(messageKey: error.messageKey), status: .unprocessableEntity)
        }
    }

    static func visitMatter(_ row: ReturnVisitStore.Row) -> SurveyStore.Matter {
        .init(
            subject: .returnVisit, id: row.id, customerID: row.customerID,
            label: row.doneAt.map(ReturnVisitsController.day) ?? "", recordType: ReturnVisitKind.recordType)
    }

    @Sendable func returnVisit(req: Request) async throws -> Response {
        let row = try await req.record(ReturnVisitKind.self, for: .manageReturnVisits)
        let issued = try await Self.issue(
            req, Self.visitMatter(row), refusal: SurveyRules.refusal(.returnVisit, visitDone: row.visitState == .done))
        return try await issued.encodeResponse(status: .created, for: req)
    }

    @Sendable func returnVisitPage(req: Request) async throws -> Response {
        let row = try await req.record(ReturnVisitKind.self, for: .manageReturnVisits)
        var page = try await ReturnVisitsController().showPage(req, row)
        do {
            let issued = try await Self.issue(
                req, Self.visitMatter(row),
                refusal: SurveyRules.refusal(.returnVisit, visitDone: row.visitState == .done))
            page.surveyText = issued.text
            return try await req.renderPage(
                "return-visits/show", titleKey: "return_visits.title", page, status: .created)
        } catch let error as KefuError where error.status == .unprocessableEntity {
            page.formErrorKey = error.messageKey
            return try await req.renderPage(
                "return-visits/show", titleKey: "return_visits.title", page, status: .unprocessableEntity)
        }
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .POST, path: "/api/v1/inquiries/{id}/survey", tag: "Inquiries",
            summary:
                "Issue a satisfaction-survey link for an answered inquiry (single use, expires in 14 days) with the text to send",
            parameters: [OpenAPIParameters.id], responses: [201: "SurveyLink"]),
        APIOperation(
            method: .POST, path: "/api/v1/contracts/{id}/survey", tag: "Contracts",
            summary:
                "Issue a satisfaction-survey link for a signed contract (single use, expires in 14 days) with the text to send",
            parameters: [OpenAPIParameters.id], responses: [201: "SurveyLink"]),
        APIOperation(
            method: .POST, path: "/api/v1/return-visits/{id}/survey", tag: "Return visits",
            summary:
                "Issue a satisfaction-survey link for a return visit done (single use, expires in 14 days) with the text to send",
            parameters: [OpenAPIParameters.id], responses: [201: "SurveyLink"]),
    ]
}
