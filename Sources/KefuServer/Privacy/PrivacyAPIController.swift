import Fluent
import Foundation
import KefuDomain
import Vapor

/// Consent, sharing, merging and the customer's own rights as JSON (R4.3, R4.4, PIPL).
struct PrivacyAPIController: RouteCollection {
    struct ConsentList: Content { var items: [ConsentDTO] }
    struct SharingList: Content { var items: [SharingRequestDTO] }
    struct Decision: Content { var version: Int; var note: String? }
    struct MergeRequest: Content {
        var duplicateID: Int; var version: Int; var duplicateVersion: Int; var reason: String
    }
    struct AnonymizeRequest: Content { var reason: String }

    func boot(routes: any RoutesBuilder) throws {
        let customer = routes.grouped("customers", ":id")
        customer.requiring(.viewCustomers).get("consents", use: consents)
        customer.requiring(.recordConsent).post("consents", use: recordConsent)
        customer.requiring(.viewCustomers).get("sharing-requests", use: sharingRequests)
        customer.requiring(.requestSharing).post("sharing-requests", use: requestSharing)
        customer.requiring(.mergeCustomers).post("merge", use: merge)
        customer.requiring(.handleDataSubjectRequests).get("data-copy", use: dataCopy)
        customer.requiring(.handleDataSubjectRequests).post("anonymize", use: anonymize)
        let sharing = routes.grouped("sharing-requests")
        sharing.requiring(.approveSharing).get(use: pending)
        sharing.requiring(.approveSharing).post(":id", "approve", use: approve)
        sharing.requiring(.approveSharing).post(":id", "reject", use: reject)
        sharing.requiring(.requestSharing).get(":id", "release", use: release)
    }

    @Sendable func consents(req: Request) async throws -> ConsentList {
        let customer = try await req.customer(for: .viewCustomers)
        return ConsentList(
            items: try await ConsentStore(database: req.db).all(customerID: try customer.requireID()).map(\.dto))
    }

    @Sendable func recordConsent(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .recordConsent)
        var input = try req.content.decode(ConsentDTO.self)
        input.id = try await ConsentStore(database: req.db).record(
            input, customerID: try customer.requireID(), context: req.auditContext)
        input.recordedAt = req.now
        input.effectiveAt = input.effectiveAt ?? req.now
        return try await input.encodeResponse(status: .created, for: req)
    }

    @Sendable func sharingRequests(req: Request) async throws -> SharingList {
        let customer = try await req.customer(for: .viewCustomers)
        return SharingList(
            items: try await SharingStore(database: req.db).all(customerID: try customer.requireID()).map(\.dto))
    }

    @Sendable func requestSharing(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .requestSharing)
        let input = try req.content.decode(SharingRequestDTO.self)
        let id = try await SharingStore(database: req.db).request(
            input, customerID: try customer.requireID(), context: req.auditContext)
        let row = try await SharingStore(database: req.db).find(id)
        return try await (row?.dto ?? input).encodeResponse(status: .created, for: req)
    }

    @Sendable func pending(req: Request) async throws -> SharingList {
        SharingList(items: try await SharingStore(database: req.db).pending().map(\.dto))
    }

    @Sendable func approve(req: Request) async throws -> SharingRequestDTO { try await decide(req, approve: true) }
    @Sendable func reject(req: Request) async throws -> SharingRequestDTO { try await decide(req, approve: false) }

    private func decide(_ req: Request, approve: Bool) async throws -> SharingRequestDTO {
        guard let id = req.parameters.get("id", as: Int.self),
            let request = try await SharingStore(database: req.db).find(id),
            let customer = try await CustomerModel.find(request.customerID, on: req.db)
        else { throw KefuError.notFound }
        let decision = try req.content.decode(Decision.self)
        try await SharingStore(database: req.db).decide(
            request, approve: approve, note: decision.note ?? "", version: decision.version, customer: customer,
            context: req.auditContext)
        return try await SharingStore(database: req.db).find(id)?.dto ?? request.dto
    }

    /// The released file: exactly the approved fields. Only the requester and the supervisor may
    /// fetch it, and every fetch is audited.
    @Sendable func release(req: Request) async throws -> Response {
        try await releaseResponse(req)
    }

    @Sendable func merge(req: Request) async throws -> CustomerDTO {
        let survivor = try await req.customer(for: .mergeCustomers)
        let input = try req.content.decode(MergeRequest.self)
        guard let duplicate = try await CustomerModel.find(input.duplicateID, on: req.db) else {
            throw KefuError.validation(FieldErrors(["duplicateID": "validation.customer.merge_unknown"]))
        }
        do {
            try await CustomerMerge(database: req.db).merge(
                duplicate, into: survivor, duplicateVersion: input.duplicateVersion,
                survivorVersion: input.version, reason: input.reason, context: req.auditContext)
        } catch let refusal as CustomerMerge.Refusal {
            throw KefuError.validation(FieldErrors(["duplicateID": refusal.messageKey]))
        }
        return CustomerDTO(survivor, visibility: .full)
    }

    @Sendable func dataCopy(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .handleDataSubjectRequests)
        return try await dataCopyResponse(req, customer, csv: req.query[String.self, at: "format"] == "csv")
    }

    @Sendable func anonymize(req: Request) async throws -> CustomerDTO {
        let customer = try await req.customer(for: .handleDataSubjectRequests)
        let input = try req.content.decode(AnonymizeRequest.self)
        try await DataSubjectRights(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory).anonymize(
            customer, reason: input.reason, context: req.auditContext)
        let fresh = try await CustomerModel.find(customer.id, on: req.db) ?? customer
        return CustomerDTO(fresh, visibility: .full)
    }
}

/// Responses shared by the privacy pages and API.
func releaseResponse(_ req: Request) async throws -> Response {
    guard let id = req.parameters.get("id", as: Int.self),
        let request = try await SharingStore(database: req.db).find(id)
    else {
        throw KefuError.notFound
    }
    let staff = try req.requireStaff()
    guard staff.role == .supervisor || request.requestedByStaffID == staff.id else {
        try await req.recordDenial(
            of: Action.requestSharing.rawValue, recordType: "sharing_request", recordID: String(id))
        throw KefuError.forbidden
    }
    guard request.status == "approved", let data = request.releaseData else { throw KefuError.notFound }
    try await AuditLog.record(
        "sharing.downloaded", recordType: "sharing_request", recordID: String(id),
        fields: request.fields.split(separator: ",").map(String.init),
        message: AuditMessage.customerRecipient(customer: "\(request.customerID)", recipient: request.recipient),
        context: req.auditContext, on: req.db)
    let response = Response(status: .ok, body: .init(string: data))
    response.headers.contentType = .json
    response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"sharing-\(id).json\"")
    response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
    return response
}

func dataCopyResponse(_ req: Request, _ customer: CustomerModel, csv: Bool) async throws -> Response {
    let copy = try await DataSubjectRights(database: req.db).copy(of: customer, request: req)
    try await AuditLog.record(
        "customer.data_copied", recordType: "customer", recordID: String(try customer.requireID()),
        message: AuditMessage.dataCopy(format: csv ? "csv" : "json"), context: req.auditContext, on: req.db)
    let response: Response
    if csv {
        response = Response(
            status: .ok, body: .init(data: Data(CSVText.encodeForExcel(try DataSubjectRights.csv(copy)))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
    } else {
        response = Response(status: .ok)
        try response.content.encode(copy, as: .json)
    }
    response.headers.replaceOrAdd(
        name: .contentDisposition, value: "attachment; filename=\"\(customer.code)-data.\(csv ? "csv" : "json")\"")
    response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
    return response
}
