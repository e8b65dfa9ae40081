import Foundation

/// What a customer consented to (R4.4, PIPL): the collection itself, being contacted with offers,
/// and each kind of third party their data may be shared with.
public enum ConsentPurpose: String, CaseIterable, Codable, Sendable {
    case collection
    case marketing
    case shareProjectOwner = "share_project_owner"
    case shareFinancing = "share_financing"
    case shareGovernment = "share_government"

    /// The purposes a sharing request can name.
    public static let sharing: [ConsentPurpose] = [.shareProjectOwner, .shareFinancing, .shareGovernment]
}

public enum ConsentStatus: String, CaseIterable, Codable, Sendable {
    case granted, withdrawn
}

/// One consent event: granted or withdrawn for a purpose, at a time.
public struct ConsentEvent: Equatable, Sendable {
    public var purpose: ConsentPurpose
    public var status: ConsentStatus
    public var at: Date

    public init(purpose: ConsentPurpose, status: ConsentStatus, at: Date) {
        self.purpose = purpose
        self.status = status
        self.at = at
    }

    /// Whether consent for the purpose holds at `now`: the latest event up to then is a grant.
    /// A withdrawal ends it; a later grant restores it.
    public static func isGranted(_ purpose: ConsentPurpose, in events: [ConsentEvent], at now: Date) -> Bool {
        events.filter { $0.purpose == purpose && $0.at <= now }.max { $0.at < $1.at }?.status == .granted
    }
}

/// A request to give a customer's information to a third party (R4.4): who receives it, which
/// fields, for which purpose — released only with consent for that purpose and the supervisor's
/// approval, and then exactly those fields.
public enum SharingRules {
    /// The fields a request may name.
    public static let shareableFields = [
        "name", "companyName", "creditCode", "mobile", "landline", "email", "wechatID", "province", "city", "address",
        "businessScope", "industries", "budget", "preferredRegions", "timing",
    ]

    public static func validate(recipient: String, purpose: String, fields: [String], note: String) -> FieldErrors {
        var errors = FieldErrors()
        let recipient = recipient.trimmed
        if recipient.isEmpty {
            errors.add("recipient", "validation.required")
        } else if recipient.count > 128 {
            errors.add("recipient", "validation.too_long")
        }
        if let purpose = ConsentPurpose(rawValue: purpose) {
            if !ConsentPurpose.sharing.contains(purpose) { errors.add("purpose", "validation.choose_from_list") }
        } else {
            errors.add("purpose", "validation.choose_from_list")
        }
        if fields.isEmpty { errors.add("fields", "validation.sharing.no_fields") }
        if fields.contains(where: { !shareableFields.contains($0) }) {
            errors.add("fields", "validation.choose_from_list")
        }
        if note.count > 500 { errors.add("note", "validation.too_long") }
        return errors
    }

    /// Why a request cannot be approved now, as a localization key, or nil.
    public static func approvalProblem(status: String, purpose: ConsentPurpose, consents: [ConsentEvent], now: Date)
        -> String?
    {
        guard status == "pending" else { return "validation.sharing.not_pending" }
        guard ConsentEvent.isGranted(purpose, in: consents, at: now) else { return "validation.sharing.no_consent" }
        return nil
    }
}
