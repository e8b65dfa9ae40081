import KefuDomain
import LeafKit

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
        words: DisplayWords, consents: [ConsentStore.Row], sharing: [SharingStore.Row], canRecordConsent: Bool,
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
                fields: words.list($0.fields.split(separator: ",").map { words.t("customer.field.\($0)") }),
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
