import Foundation
import KefuDomain
import Vapor

/// A customer file in the JSON API. Contact fields are masked unless the viewer may see them
/// (R4.4); `contactVisibility` says which the caller got.
struct CustomerDTO: Content {
    var id: Int
    var code: String
    var kind: String
    var name: String
    var companyName: String?
    var creditCode: String?
    var mobile: String?
    var landline: String?
    var email: String?
    var wechatID: String?
    var province: String?
    var city: String?
    var address: String?
    var businessScope: String?
    var industries: [String]
    var budgetMinWan: Decimal?
    var budgetMaxWan: Decimal?
    var preferredRegions: String?
    var timing: String
    var source: String
    var category: String?
    var grade: String?
    var stage: String
    var lostReason: String?
    var responsibleStaffID: Int?
    var tags: [String]
    var remarks: String?
    var consentAt: Date?
    var consentChannel: String?
    var consentNoticeVersion: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int
    var contactVisibility: String

    init(_ customer: CustomerModel, visibility: ContactVisibility) {
        let masked = visibility == .masked
        id = customer.id ?? 0
        code = customer.code
        kind = customer.kind
        name = customer.name
        companyName = customer.companyName
        creditCode = masked ? customer.creditCode.map(ContactMasking.maskMiddle) : customer.creditCode
        mobile = masked ? customer.mobile.map(MainlandMobile.masked) : customer.mobile
        landline = masked ? customer.landline.map(ContactMasking.landline) : customer.landline
        email = masked ? customer.email.map(ContactMasking.email) : customer.email
        wechatID = masked ? customer.wechatID.map(ContactMasking.maskMiddle) : customer.wechatID
        province = customer.province
        city = customer.city
        address = masked ? customer.address.map { _ in "***" } : customer.address
        businessScope = customer.businessScope
        industries = customer.industryList
        budgetMinWan = customer.budgetMinYuan.map(CustomerModel.wan)
        budgetMaxWan = customer.budgetMaxYuan.map(CustomerModel.wan)
        preferredRegions = customer.preferredRegions
        timing = customer.timing
        source = customer.source
        category = customer.category
        grade = customer.grade
        stage = customer.stage
        lostReason = customer.lostReason
        responsibleStaffID = customer.responsibleStaffID
        tags = customer.tags.split(separator: ",").map(String.init)
        remarks = customer.remarks
        consentAt = customer.consentAt
        consentChannel = customer.consentChannel
        consentNoticeVersion = customer.consentNoticeVersion
        createdAt = customer.createdAt
        updatedAt = customer.updatedAt
        version = customer.version
        contactVisibility = visibility.rawValue
    }
}

/// A row of the customer list in the JSON API, masked like the file.
struct CustomerSummaryDTO: Content {
    var id: Int
    var code: String
    var name: String
    var companyName: String?
    var mobile: String?
    var email: String?
    var region: String?
    var stage: String
    var grade: String?
    var responsibleStaffID: Int?
    var responsibleName: String?
    var updatedAt: Date
    var contactVisibility: String

    init(_ row: CustomerListRow, visibility: ContactVisibility) {
        let masked = visibility == .masked
        id = row.id
        code = row.code
        name = row.name
        companyName = row.companyName
        mobile = masked ? row.mobile.map(MainlandMobile.masked) : row.mobile
        email = masked ? row.email.map(ContactMasking.email) : row.email
        region = [row.province, row.city].compactMap { $0 }.joined(separator: " ")
        stage = row.stage
        grade = row.grade
        responsibleStaffID = row.responsibleStaffID
        responsibleName = row.responsibleName
        updatedAt = row.updatedAt
        contactVisibility = visibility.rawValue
    }
}

/// The body of `POST /api/v1/customers` and `PATCH /api/v1/customers/{id}`: the file's fields as
/// text; on PATCH, omitted fields keep their value and `version` is required.
struct CustomerInput: Content {
    var version: Int?
    var kind: String?
    var name: String?
    var companyName: String?
    var creditCode: String?
    var mobile: String?
    var landline: String?
    var email: String?
    var wechatID: String?
    var province: String?
    var city: String?
    var address: String?
    var businessScope: String?
    var industries: [String]?
    var budgetMinWan: String?
    var budgetMaxWan: String?
    var preferredRegions: String?
    var timing: String?
    var source: String?
    var category: String?
    var grade: String?
    var stage: String?
    var lostReason: String?
    var tags: String?
    var remarks: String?
    var consentChannel: String?
    var consentNoticeVersion: String?
    /// Required when the customer looks like an existing one (same mobile, credit code or company).
    var duplicateReason: String?
    var responsibleStaffID: Int?
    /// The next follow-up, required when the customer moves to intent or negotiation without one (R3.3).
    var followUpDueAt: String?
    var followUpChannel: String?
    var followUpPurpose: String?

    init(
        version: Int? = nil, kind: String? = nil, name: String? = nil, companyName: String? = nil,
        creditCode: String? = nil,
        mobile: String? = nil, landline: String? = nil, email: String? = nil, wechatID: String? = nil,
        province: String? = nil,
        city: String? = nil, address: String? = nil, businessScope: String? = nil, industries: [String]? = nil,
        budgetMinWan: String? = nil, budgetMaxWan: String? = nil, preferredRegions: String? = nil,
        timing: String? = nil,
        source: String? = nil, category: String? = nil, grade: String? = nil, stage: String? = nil,
        lostReason: String? = nil,
        tags: String? = nil, remarks: String? = nil, consentChannel: String? = nil, consentNoticeVersion: String? = nil,
        duplicateReason: String? = nil, responsibleStaffID: Int? = nil, followUpDueAt: String? = nil,
        followUpChannel: String? = nil,
        followUpPurpose: String? = nil
    ) {
        self.version = version; self.kind = kind; self.name = name; self.companyName = companyName;
        self.creditCode = creditCode
        self.mobile = mobile; self.landline = landline; self.email = email; self.wechatID = wechatID;
        self.province = province
        self.city = city; self.address = address; self.businessScope = businessScope; self.industries = industries
        self.budgetMinWan = budgetMinWan; self.budgetMaxWan = budgetMaxWan; self.preferredRegions = preferredRegions
        self.timing = timing; self.source = source; self.category = category; self.grade = grade; self.stage = stage
        self.lostReason = lostReason; self.tags = tags; self.remarks = remarks; self.consentChannel = consentChannel
        self.consentNoticeVersion = consentNoticeVersion; self.duplicateReason = duplicateReason
        self.responsibleStaffID = responsibleStaffID
        self.followUpDueAt = followUpDueAt; self.followUpChannel = followUpChannel;
        self.followUpPurpose = followUpPurpose
    }

    /// The draft this input describes, starting from `base` (the stored file on PATCH).
    func draft(over base: CustomerDraft = CustomerDraft()) -> CustomerDraft {
        var draft = base
        if let kind { draft.kind = kind }
        if let name { draft.name = name }
        if let companyName { draft.companyName = companyName }
        if let creditCode { draft.creditCode = creditCode }
        if let mobile { draft.mobile = mobile }
        if let landline { draft.landline = landline }
        if let email { draft.email = email }
        if let wechatID { draft.wechatID = wechatID }
        if let province { draft.province = province }
        if let city { draft.city = city }
        if let address { draft.address = address }
        if let businessScope { draft.businessScope = businessScope }
        if let industries { draft.industries = industries }
        if let budgetMinWan { draft.budgetMinWan = budgetMinWan }
        if let budgetMaxWan { draft.budgetMaxWan = budgetMaxWan }
        if let preferredRegions { draft.preferredRegions = preferredRegions }
        if let timing { draft.timing = timing }
        if let source { draft.source = source }
        if let category { draft.category = category }
        if let grade { draft.grade = grade }
        if let stage { draft.stage = stage }
        if let lostReason { draft.lostReason = lostReason }
        if let tags { draft.tags = tags }
        if let remarks { draft.remarks = remarks }
        if let consentChannel { draft.consentChannel = consentChannel }
        if let consentNoticeVersion { draft.consentNoticeVersion = consentNoticeVersion }
        return draft
    }
}

extension CustomerModel {
    /// The stored file as a draft, so an edit starts from what is saved.
    var draft: CustomerDraft {
        var draft = CustomerDraft()
        draft.kind = kind
        draft.name = name
        draft.companyName = companyName ?? ""
        draft.creditCode = creditCode ?? ""
        draft.mobile = mobile ?? ""
        draft.landline = landline ?? ""
        draft.email = email ?? ""
        draft.wechatID = wechatID ?? ""
        draft.province = province ?? ""
        draft.city = city ?? ""
        draft.address = address ?? ""
        draft.businessScope = businessScope ?? ""
        draft.industries = industryList
        draft.budgetMinWan = budgetMinYuan.map { "\(CustomerModel.wan($0))" } ?? ""
        draft.budgetMaxWan = budgetMaxYuan.map { "\(CustomerModel.wan($0))" } ?? ""
        draft.preferredRegions = preferredRegions ?? ""
        draft.timing = timing
        draft.source = source
        draft.category = category ?? ""
        draft.grade = grade ?? ""
        draft.stage = stage
        draft.lostReason = lostReason ?? ""
        draft.tags = tags
        draft.remarks = remarks ?? ""
        draft.consentChannel = consentChannel ?? ""
        draft.consentNoticeVersion = consentNoticeVersion ?? ""
        return draft
    }
}
