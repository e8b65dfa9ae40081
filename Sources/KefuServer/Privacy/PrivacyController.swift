import Fluent
import Foundation
import KefuDomain
import Vapor

/// The privacy forms on the customer file page: consent, sharing requests and their decision,
/// merging, the customer's data copy and anonymization.
struct PrivacyController: RouteCollection {
    struct ConsentForm: Content {
        var purpose: String?; var status: String?; var channel: String?; var evidence: String?;
        var noticeVersion: String?
    }
    struct SharingForm: Content {
        var recipient: String?; var purpose: String?; var fields: [String]?; var note: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.recordConsent).post(.customerConsents, use: recordConsent)
        routes.requiring(.requestSharing).post(.customerSharingRequests, use: requestSharing)
        routes.requiring(.mergeCustomers).post(.customerMerge, use: merge)
        routes.requiring(.handleDataSubjectRequests).get(.customerDataCopyJSON, use: copyJSON)
        routes.requiring(.handleDataSubjectRequests).get(.customerDataCopyCSV, use: copyCSV)
        routes.requiring(.handleDataSubjectRequests).post(.customerAnonymize, use: anonymize)
        routes.requiring(.approveSharing).post(.sharingRequestApprove, use: approve)
        routes.requiring(.approveSharing).post(.sharingRequestReject, use: reject)
        routes.requiring(.requestSharing).get(.sharingRequestReleaseJSON, use: release)
    }

    @Sendable func recordConsent(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .recordConsent)
        let form = try req.content.decode(ConsentForm.self)
        let input = ConsentDTO(
            purpose: form.purpose ?? "", status: form.status ?? "", channel: form.channel ?? "",
            evidence: form.evidence, noticeVersion: form.noticeVersion)
        do {
            _ = try await ConsentStore(database: req.db).record(
                input, customerID: try customer.requireID(), context: req.auditContext)
        } catch let errors as FieldErrors {
            return try await req.renderCustomerFile(
                customer, revealed: false,
                errors: errors.messages.reduce(into: [:]) { $0["consent_" + $1.key] = $1.value },
                status: .unprocessableEntity)
        }
        return req.redirect(
            to: SiteURL.customer(try customer.requireID()).path, flash: FlashMessage(.success, "flash.consent_recorded")
        )
    }

    @Sendable func requestSharing(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .requestSharing)
        let form = try req.content.decode(SharingForm.self)
        let input = SharingRequestDTO(
            recipient: form.recipient ?? "", purpose: form.purpose ?? "", fields: form.fields ?? [], note: form.note)
        do {
            _ = try await SharingStore(database: req.db).request(
                input, customerID: try customer.requireID(), context: req.auditContext)
        } catch let errors as FieldErrors {
            return try await req.renderCustomerFile(
                customer, revealed: false,
                errors: errors.messages.reduce(into: [:]) { $0["sharing_" + $1.key] = $1.value },
                status: .unprocessableEntity)
        }
        return req.redirect(
            to: SiteURL.customer(try customer.requireID()).path,
            flash: FlashMessage(.success, "flash.sharing_requested"))
    }

    @Sendable func approve(req: Request) async throws -> Response { try await decide(req, approve: true) }
    @Sendable func reject(req: Request) async throws -> Response { try await decide(req, approve: false) }

    private func decide(_ req: Request, approve: Bool) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self),
            let request = try await SharingStore(database: req.db).find(id),
            let customer = try await CustomerModel.find(request.customerID, on: req.db)
        else { throw KefuError.notFound }
        let version = (try? req.content.get(Int.self, at: "version")) ?? -1
        let note = (try? req.content.get(String.self, at: "note")) ?? ""
        let back = SiteURL.customer(request.customerID).path
        do {
            try await SharingStore(database: req.db).decide(
                request, approve: approve, note: note, version: version, customer: customer, context: req.auditContext)
        } catch let errors as FieldErrors {
            return req.redirect(
                to: back, flash: FlashMessage(.error, errors.messages.values.first ?? "error.validation"))
        } catch let conflict as RecordConflict {
            return req.redirect(to: back, flash: FlashMessage(.error, conflict.messageKey))
        }
        return req.redirect(
            to: back, flash: FlashMessage(.success, approve ? "flash.sharing_approved" : "flash.sharing_rejected"))
    }

    @Sendable func release(req: Request) async throws -> Response { try await releaseResponse(req) }

    @Sendable func merge(req: Request) async throws -> Response {
        let survivor = try await req.customer(for: .mergeCustomers)
        let code = ((try? req.content.get(String.self, at: "duplicateCode")) ?? "").trimmed.uppercased()
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        let version = (try? req.content.get(Int.self, at: "version")) ?? -1
        guard let duplicate = try await CustomerModel.query(on: req.db).filter(\.$code == code).first() else {
            return try await req.renderCustomerFile(
                survivor, revealed: false, errors: ["merge_duplicateCode": "validation.customer.merge_unknown"],
                status: .unprocessableEntity)
        }
        do {
            try await CustomerMerge(database: req.db).merge(
                duplicate, into: survivor, duplicateVersion: duplicate.version, survivorVersion: version,
                reason: reason, context: req.auditContext)
        } catch let refusal as CustomerMerge.Refusal {
            return try await req.renderCustomerFile(
                survivor, revealed: false, errors: ["merge_duplicateCode": refusal.messageKey],
                status: .unprocessableEntity)
        } catch let errors as FieldErrors {
            return try await req.renderCustomerFile(
                survivor, revealed: false,
                errors: errors.messages.reduce(into: [:]) { $0["merge_" + $1.key] = $1.value },
                status: .unprocessableEntity)
        } catch is RecordConflict {
            return req.redirect(
                to: SiteURL.customer(try survivor.requireID()).path,
                flash: FlashMessage(.error, "error.conflict.customer"))
        }
        return req.redirect(
            to: SiteURL.customer(try survivor.requireID()).path, flash: FlashMessage(.success, "flash.customers_merged")
        )
    }

    @Sendable func copyJSON(req: Request) async throws -> Response {
        try await dataCopyResponse(req, try await req.customer(for: .handleDataSubjectRequests), csv: false)
    }

    @Sendable func copyCSV(req: Request) async throws -> Response {
        try await dataCopyResponse(req, try await req.customer(for: .handleDataSubjectRequests), csv: true)
    }

    @Sendable func anonymize(req: Request) async throws -> Response {
        let customer = try await req.customer(for: .handleDataSubjectRequests)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        let confirmation = ((try? req.content.get(String.self, at: "confirmCode")) ?? "").trimmed.uppercased()
        guard confirmation == customer.code else {
            return try await req.renderCustomerFile(
                customer, revealed: false, errors: ["anonymize_confirmCode": "validation.customer.confirm_code"],
                status: .unprocessableEntity)
        }
        do {
            try await DataSubjectRights(database: req.db, dataDirectory: req.kefu.configuration.dataDirectory)
                .anonymize(customer, reason: reason, context: req.auditContext)
        } catch let errors as FieldErrors {
            return try await req.renderCustomerFile(
                customer, revealed: false,
                errors: errors.messages.reduce(into: [:]) { $0["anonymize_" + $1.key] = $1.value },
                status: .unprocessableEntity)
        }
        return req.redirect(
            to: SiteURL.customer(try customer.requireID()).path,
            flash: FlashMessage(.success, "flash.customer_anonymized"))
    }
}
