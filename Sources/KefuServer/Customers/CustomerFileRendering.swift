import Fluent
import Foundation
import KefuDomain
import LeafKit
import Vapor

extension Request {
    /// Renders a customer's file page: masked or revealed, with its timeline, history, consents and
    /// sharing requests, and the forms the viewer may use. `errors` and `communication` bring back a
    /// refused form's messages and what was typed.
    func renderCustomerFile(
        _ customer: CustomerModel, revealed: Bool, errors: [String: String] = [:],
        communication: CommunicationForm? = nil, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let id = try customer.requireID()
        let visibility = try contactVisibility(of: customer.recordFacts, revealed: revealed)
        let paging = try self.paging
        let group = query[String.self, at: "kind"].flatMap(Timeline.Group.init(rawValue:))
        let (entries, total) = try await Timeline.page(customerID: id, group: group, paging: paging, on: db)
        let changes = try await CustomerChangeModel.recent(customerID: id, limit: 20, on: db)
        // What was said, agreed and how long, for the communications on this page of the timeline (issue 10 #4).
        let communications = try await CommunicationStore(database: db).rows(
            ids: entries.filter { $0.recordType == "communication_record" }.compactMap(\.recordID), customerID: id)
        let responsibleName =
            try await customer.responsibleStaffID.asyncMap {
                try await StaffStore(database: self.db).displayName(of: $0)
            } ?? nil
        let staff = try requireStaff()
        let actor = staff.actor
        var page = CustomerFilePage(
            viewer: viewer, customer: customer, visibility: visibility, responsibleName: responsibleName,
            timeline: entries, timelineTotal: total, paging: paging, changes: changes, communications: communications,
            group: group,
            canEdit: AccessPolicy.permits(actor, .editCustomer, on: customer.recordFacts)
                && customer.anonymizedAt == nil,
            canReveal: visibility == .masked
                && AccessPolicy.permits(actor, .revealCustomerContact, on: customer.recordFacts),
            canRecord: AccessPolicy.permits(actor, .recordCommunication, on: customer.recordFacts),
            errors: errors, communication: communication ?? CommunicationForm()
        )
        page.privacy = CustomerPrivacySection(
            words: words, consents: try await ConsentStore(database: db).all(customerID: id),
            sharing: try await SharingStore(database: db).all(customerID: id),
            canRecordConsent: AccessPolicy.permits(actor, .recordConsent, on: customer.recordFacts),
            canRequestSharing: AccessPolicy.permits(actor, .requestSharing, on: customer.recordFacts),
            canApprove: AccessPolicy.allows(staff.role, .approveSharing),
            canMerge: AccessPolicy.allows(staff.role, .mergeCustomers) && customer.mergedIntoID == nil,
            canHandleRights: AccessPolicy.allows(staff.role, .handleDataSubjectRequests),
            isAnonymized: customer.anonymizedAt != nil, staffID: staff.id
        )
        page.glance = CustomerGlance(
            try await CustomerOverview.load(
                customerID: id, facts: customer.recordFacts, actor: actor, now: now, on: db), words: words)
        page.privacyHasPending =
            page.privacy?.sharing.contains(where: \.isPending) ?? false
            || errors.keys.contains {
                $0.hasPrefix("consent_") || $0.hasPrefix("sharing_") || $0.hasPrefix("merge_")
                    || $0.hasPrefix("anonymize_")
            }
        return try await renderPage("customers/show", titleKey: "customers.file", page, status: status)
    }
}
