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
            req: self, customer: customer, visibility: visibility, responsibleName: responsibleName,
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
            req: self, consents: try await ConsentStore(database: db).all(customerID: id),
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

/// The consent, sharing, merge and rights parts of the file page.
struct CustomerPrivacySection: Encodable {
    struct Consent: Encodable {
        var effectiveAt: String; var purposeKey: String; var statusKey: String; var status: String;
        var channelKey: String; var noticeVersion: String; var actorName: String
    }
    struct Sharing: Encodable {
        var id: Int; var recipient: String; var purposeKey: String; var fields: String; var status: String;
        var statusKey: String
        var requestedAt: String; var version: Int; var canDownload: Bool; var isPending: Bool
    }
    var consents: [Consent]
    var hasConsents: Bool
    var sharing: [Sharing]
    var hasSharing: Bool
    var canRecordConsent: Bool
    var canRequestSharing: Bool
    var canApprove: Bool
    var canMerge: Bool
    var canHandleRights: Bool
    var isAnonymized: Bool
    var purposes: [ChoiceOption]
    var sharingPurposes: [ChoiceOption]
    var consentChannels: [ChoiceOption]
    var shareableFields: [ChoiceOption]

    init(
        req: Request, consents: [ConsentStore.Row], sharing: [SharingStore.Row], canRecordConsent: Bool,
        canRequestSharing: Bool,
        canApprove: Bool, canMerge: Bool, canHandleRights: Bool, isAnonymized: Bool, staffID: Int?
    ) {
        self.consents = consents.map {
            Consent(
                effectiveAt: DisplayFormat.dateTime($0.effectiveAt), purposeKey: "consent.purpose.\($0.purpose)",
                statusKey: "consent.status.\($0.status)",
                status: $0.status, channelKey: "customer.consent_channel.\($0.channel)",
                noticeVersion: $0.noticeVersion, actorName: $0.actorName)
        }
        hasConsents = !consents.isEmpty
        self.sharing = sharing.map {
            Sharing(
                id: $0.id, recipient: $0.recipient, purposeKey: "consent.purpose.\($0.purpose)",
                fields: $0.fields.split(separator: ",").map { req.t("customer.field.\($0)") }.joined(
                    separator: req.words.listSeparator),
                status: $0.status, statusKey: "sharing.status.\($0.status)",
                requestedAt: DisplayFormat.dateTime($0.requestedAt), version: $0.version,
                canDownload: $0.status == "approved" && (canApprove || $0.requestedByStaffID == staffID),
                isPending: $0.status == "pending")
        }
        hasSharing = !sharing.isEmpty
        self.canRecordConsent = canRecordConsent && !isAnonymized
        self.canRequestSharing = canRequestSharing && !isAnonymized
        self.canApprove = canApprove
        self.canMerge = canMerge && !isAnonymized
        self.canHandleRights = canHandleRights
        self.isAnonymized = isAnonymized
        purposes = ChoiceOption.list(
            ConsentPurpose.allCases.map(\.rawValue), labelPrefix: "consent.purpose", selected: "collection")
        sharingPurposes = ChoiceOption.list(
            ConsentPurpose.sharing.map(\.rawValue), labelPrefix: "consent.purpose", selected: "")
        consentChannels = ChoiceOption.list(
            CustomerVocabulary.consentChannels, labelPrefix: "customer.consent_channel", selected: "written")
        shareableFields = ChoiceOption.list(SharingRules.shareableFields, labelPrefix: "customer.field", selected: "")
    }
}

extension CustomerPrivacySection: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "consents": consents.leafData, "hasConsents": .bool(hasConsents), "sharing": sharing.leafData,
            "hasSharing": .bool(hasSharing),
            "canRecordConsent": .bool(canRecordConsent), "canRequestSharing": .bool(canRequestSharing),
            "canApprove": .bool(canApprove),
            "canMerge": .bool(canMerge), "canHandleRights": .bool(canHandleRights), "isAnonymized": .bool(isAnonymized),
            "purposes": purposes.leafData, "sharingPurposes": sharingPurposes.leafData,
            "consentChannels": consentChannels.leafData,
            "shareableFields": shareableFields.leafData,
        ])
    }
}

extension CustomerPrivacySection.Consent: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "effectiveAt": .string(effectiveAt), "purposeKey": .string(purposeKey), "statusKey": .string(statusKey),
            "status": .string(status),
            "channelKey": .string(channelKey), "noticeVersion": .string(noticeVersion), "actorName": .string(actorName),
        ])
    }
}

extension CustomerPrivacySection.Sharing: LeafDataRepresentable {
    var leafData: LeafData {
        .dictionary([
            "id": .int(id), "recipient": .string(recipient), "purposeKey": .string(purposeKey),
            "fields": .string(fields),
            "status": .string(status), "statusKey": .string(statusKey), "requestedAt": .string(requestedAt),
            "version": .int(version),
            "canDownload": .bool(canDownload), "isPending": .bool(isPending),
        ])
    }
}
