import Foundation

/// The lists a customer's classification is chosen from (R4.2). Keys are stored; labels come from
/// the localization files (`customer.industry.<key>` …).
public enum CustomerVocabulary {
    public static let industries = [
        "manufacturing", "technology", "biomedicine", "new_energy", "logistics", "retail", "catering",
        "education", "culture_tourism", "finance", "real_estate", "agriculture", "other",
    ]
    public static let grades = ["A", "B", "C", "D"]
    public static let categories = ["investor", "tenant", "franchisee", "agency"]
    public static let consentChannels = ["verbal_phone", "written", "web_form", "email", "wechat"]
}

/// A customer file as a form or a JSON body gives it: text as typed, parsed by ``CustomerValidation``.
public struct CustomerDraft: Equatable, Sendable {
    public var kind = CustomerKind.company.rawValue
    public var name = ""
    public var companyName = ""
    public var creditCode = ""
    public var mobile = ""
    public var landline = ""
    public var email = ""
    public var wechatID = ""
    public var province = ""
    public var city = ""
    public var address = ""
    public var businessScope = ""
    public var industries: [String] = []
    public var budgetMinWan = ""
    public var budgetMaxWan = ""
    public var preferredRegions = ""
    public var timing = InvestmentTiming.undecided.rawValue
    public var source = ""
    public var category = ""
    public var grade = ""
    public var stage = CustomerStage.lead.rawValue
    public var lostReason = ""
    public var tags = ""
    public var remarks = ""
    public var consentChannel = ""
    public var consentNoticeVersion = ""

    public init() {}
}

/// A customer file's values after validation: normalized, typed, ready to store.
public struct CustomerValues: Equatable, Sendable {
    public var kind: CustomerKind
    public var name: String
    public var companyName: String?
    public var creditCode: String?
    public var mobile: String?
    public var landline: String?
    public var email: String?
    public var wechatID: String?
    public var province: String?
    public var city: String?
    public var address: String?
    public var businessScope: String?
    public var industries: [String]
    public var budgetMinWan: Decimal?
    public var budgetMaxWan: Decimal?
    public var preferredRegions: String?
    public var timing: InvestmentTiming
    public var source: SourceChannel
    public var category: String?
    public var grade: String?
    public var stage: CustomerStage
    public var lostReason: String?
    public var tags: [String]
    public var remarks: String?
    public var consentChannel: String?
    public var consentNoticeVersion: String?

    public init(
        kind: CustomerKind, name: String, companyName: String?, creditCode: String?, mobile: String?, landline: String?,
        email: String?, wechatID: String?, province: String?, city: String?, address: String?, businessScope: String?,
        industries: [String], budgetMinWan: Decimal?, budgetMaxWan: Decimal?, preferredRegions: String?,
        timing: InvestmentTiming, source: SourceChannel, category: String?, grade: String?, stage: CustomerStage,
        lostReason: String?, tags: [String], remarks: String?, consentChannel: String?, consentNoticeVersion: String?
    ) {
        self.kind = kind
        self.name = name
        self.companyName = companyName
        self.creditCode = creditCode
        self.mobile = mobile
        self.landline = landline
        self.email = email
        self.wechatID = wechatID
        self.province = province
        self.city = city
        self.address = address
        self.businessScope = businessScope
        self.industries = industries
        self.budgetMinWan = budgetMinWan
        self.budgetMaxWan = budgetMaxWan
        self.preferredRegions = preferredRegions
        self.timing = timing
        self.source = source
        self.category = category
        self.grade = grade
        self.stage = stage
        self.lostReason = lostReason
        self.tags = tags
        self.remarks = remarks
        self.consentChannel = consentChannel
        self.consentNoticeVersion = consentNoticeVersion
    }

    /// The text the search index holds for this customer (names, company, contacts, code is added by
    /// the store). Contact digits are searchable so a number read out on the phone finds its file.
    public var searchText: String {
        [name, companyName, email, wechatID, city, tags.joined(separator: " ")].compactMap { $0 }.joined(separator: " ")
    }

    /// The field-by-field view used for change history: field name → printable value.
    public var historyFields: [String: String] {
        func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }
        return [
            "kind": kind.rawValue, "name": name, "companyName": companyName ?? "", "creditCode": creditCode ?? "",
            "mobile": mobile ?? "", "landline": landline ?? "", "email": email ?? "", "wechatID": wechatID ?? "",
            "province": province ?? "", "city": city ?? "", "address": address ?? "",
            "businessScope": businessScope ?? "",
            "industries": industries.joined(separator: ","), "budgetMinWan": text(budgetMinWan),
            "budgetMaxWan": text(budgetMaxWan),
            "preferredRegions": preferredRegions ?? "", "timing": timing.rawValue, "source": source.rawValue,
            "category": category ?? "", "grade": grade ?? "", "stage": stage.rawValue, "lostReason": lostReason ?? "",
            "tags": tags.joined(separator: ","), "remarks": remarks ?? "", "consentChannel": consentChannel ?? "",
            "consentNoticeVersion": consentNoticeVersion ?? "",
        ]
    }

    /// Fields that hold contact details, masked for viewers who may not see them (R4.4).
    public static let contactFields: Set<String> = ["mobile", "landline", "email", "wechatID", "address", "creditCode"]
}

/// One changed field: who changed what from what to what is kept for every customer (R4.3).
public struct FieldChange: Equatable, Codable, Sendable {
    public var field: String
    public var oldValue: String
    public var newValue: String

    public init(field: String, oldValue: String, newValue: String) {
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// The fields that differ between two versions, in a stable order.
    public static func between(_ old: [String: String], _ new: [String: String]) -> [FieldChange] {
        Set(old.keys).union(new.keys).sorted().compactMap { field in
            let before = old[field] ?? "", after = new[field] ?? ""
            return before == after ? nil : FieldChange(field: field, oldValue: before, newValue: after)
        }
    }
}
