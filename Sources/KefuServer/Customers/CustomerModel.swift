import Fluent
import Foundation
import KefuDomain
import SQLKit

/// A customer file (客户档案, R4.1–R4.2). Lists and search read rows straight into DTOs
/// (``CustomerQueries``); this model is for the file page and for writes.
final class CustomerModel: Model, @unchecked Sendable {
    static let schema = "customers"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    @OptionalField(key: "company_name") var companyName: String?
    @OptionalField(key: "company_key") var companyKey: String?
    @OptionalField(key: "credit_code") var creditCode: String?
    @OptionalField(key: "mobile") var mobile: String?
    @OptionalField(key: "mobile_last4") var mobileLast4: String?
    @OptionalField(key: "landline") var landline: String?
    @OptionalField(key: "email") var email: String?
    @OptionalField(key: "wechat_id") var wechatID: String?
    @OptionalField(key: "province") var province: String?
    @OptionalField(key: "city") var city: String?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "business_scope") var businessScope: String?
    /// `,technology,retail,` — bracketed by commas so one industry is found with `LIKE '%,retail,%'`.
    @Field(key: "industries") var industries: String
    @OptionalField(key: "budget_min_yuan") var budgetMinYuan: Int64?
    @OptionalField(key: "budget_max_yuan") var budgetMaxYuan: Int64?
    @OptionalField(key: "preferred_regions") var preferredRegions: String?
    @Field(key: "timing") var timing: String
    @Field(key: "source") var source: String
    @OptionalField(key: "category") var category: String?
    @OptionalField(key: "grade") var grade: String?
    @Field(key: "stage") var stage: String
    @OptionalField(key: "lost_reason") var lostReason: String?
    @OptionalField(key: "responsible_staff_id") var responsibleStaffID: Int?
    @Field(key: "tags") var tags: String
    @OptionalField(key: "remarks") var remarks: String?
    @OptionalField(key: "consent_at") var consentAt: Date?
    @OptionalField(key: "consent_channel") var consentChannel: String?
    @OptionalField(key: "consent_notice_version") var consentNoticeVersion: String?
    @Field(key: "search_text") var searchText: String
    @OptionalField(key: "created_by_staff_id") var createdByStaffID: Int?
    /// Set when this file was merged into another: the survivor holds its records now (R4.3).
    @OptionalField(key: "merged_into_id") var mergedIntoID: Int?
    /// Set when the customer's personal data was removed at their request (PIPL).
    @OptionalField(key: "anonymized_at") var anonymizedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date
    @Field(key: "version") var version: Int

    init() {}

    var recordFacts: RecordFacts { RecordFacts(responsibleStaffID: responsibleStaffID) }

    /// Copies validated values onto the model (everything but code, owner and bookkeeping).
    func apply(_ values: CustomerValues) {
        let derived = DerivedColumns(values, code: code)
        kind = values.kind.rawValue
        name = values.name
        companyName = values.companyName
        companyKey = derived.companyKey
        creditCode = values.creditCode
        mobile = values.mobile
        mobileLast4 = derived.mobileLast4
        landline = values.landline
        email = values.email
        wechatID = values.wechatID
        province = values.province
        city = values.city
        address = values.address
        businessScope = values.businessScope
        industries = derived.industries
        budgetMinYuan = derived.budgetMinYuan
        budgetMaxYuan = derived.budgetMaxYuan
        preferredRegions = values.preferredRegions
        timing = values.timing.rawValue
        source = values.source.rawValue
        category = values.category
        grade = values.grade
        stage = values.stage.rawValue
        lostReason = values.lostReason
        tags = derived.tags
        remarks = values.remarks
        consentChannel = values.consentChannel
        consentNoticeVersion = values.consentNoticeVersion
        searchText = derived.searchText
    }

    /// The columns a customer's values are stored as beyond themselves: match keys, the list forms of
    /// industries and tags, 元 amounts, the search text. One place for `apply` and for the import,
    /// which writes rows without building a model for each.
    struct DerivedColumns {
        var companyKey: String?
        var mobileLast4: String?
        var industries: String
        var budgetMinYuan: Int64?
        var budgetMaxYuan: Int64?
        var tags: String
        var searchText: String

        init(_ values: CustomerValues, code: String, companyKey: String?? = nil) {
            self.companyKey = companyKey ?? values.companyName.flatMap(CompanyName.matchKey)
            mobileLast4 = values.mobile.map { String($0.suffix(4)) }
            industries = values.industries.isEmpty ? "" : "," + values.industries.joined(separator: ",") + ","
            budgetMinYuan = values.budgetMinWan.map(CustomerModel.yuan)
            budgetMaxYuan = values.budgetMaxWan.map(CustomerModel.yuan)
            tags = values.tags.joined(separator: ",")
            searchText = (code + " " + values.searchText).lowercased()
        }
    }

    /// The values as stored, for change history and for the edit form.
    var values: CustomerValues {
        CustomerValues(
            kind: CustomerKind(rawValue: kind) ?? .company, name: name, companyName: companyName,
            creditCode: creditCode,
            mobile: mobile, landline: landline, email: email, wechatID: wechatID, province: province, city: city,
            address: address, businessScope: businessScope, industries: industryList,
            budgetMinWan: budgetMinYuan.map(Self.wan), budgetMaxWan: budgetMaxYuan.map(Self.wan),
            preferredRegions: preferredRegions, timing: InvestmentTiming(rawValue: timing) ?? .undecided,
            source: SourceChannel(rawValue: source) ?? .phone, category: category, grade: grade,
            stage: CustomerStage(rawValue: stage) ?? .lead, lostReason: lostReason,
            tags: tags.split(separator: ",").map(String.init), remarks: remarks, consentChannel: consentChannel,
            consentNoticeVersion: consentNoticeVersion
        )
    }

    var industryList: [String] { industries.split(separator: ",").map(String.init) }

    static func yuan(_ wan: Decimal) -> Int64 {
        Int64(truncating: (wan * 10_000) as NSDecimalNumber)
    }

    static func wan(_ yuan: Int64) -> Decimal {
        // Shifting the exponent is exact and avoids Decimal division (a tenth of a ranking's time).
        Decimal(sign: yuan < 0 ? .minus : .plus, exponent: -4, significand: Decimal(yuan.magnitude))
    }
}

/// One changed field of a customer.
final class CustomerChangeModel: Model, @unchecked Sendable {
    static let schema = "customer_changes"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "customer_id") var customerID: Int
    @Field(key: "changed_at") var changedAt: Date
    @OptionalField(key: "staff_id") var staffID: Int?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "field") var field: String
    @Field(key: "old_value") var oldValue: String
    @Field(key: "new_value") var newValue: String
    /// The file's version the change made (rows from before `AddVersionToCustomerChanges` have none):
    /// a conflict shows the changes made after the version the form was read at.
    @OptionalField(key: "version") var version: Int?

    init() {}

    init(customerID: Int, change: FieldChange, version: Int?, context: AuditContext) {
        self.customerID = customerID
        self.version = version
        self.changedAt = context.now
        self.staffID = context.actorStaffID
        self.actorName = context.actorName
        self.field = change.field
        self.oldValue = String(change.oldValue.prefix(2000))
        self.newValue = String(change.newValue.prefix(2000))
    }
}

extension CustomerChangeModel {
    /// One line of a file's change history as the file page shows it.
    struct Row: Sendable {
        var changedAt: Date
        var actorName: String
        var field: String
        var oldValue: String
        var newValue: String
    }

    /// The latest changes of a customer, newest first, read into values (the file page shows twenty);
    /// with `version`, only those that made a later version (what a conflict shows).
    static func recent(customerID: Int, after version: Int? = nil, limit: Int, on database: any Database) async throws
        -> [Row]
    {
        let since: SQLQueryString = version.map { " AND customer_changes.version > \(bind: $0)" } ?? ""
        return try await database.sql().raw(
            """
            SELECT changed_at, COALESCE(staff.display_name, customer_changes.actor_name) AS actor_name, field, old_value, new_value
            FROM customer_changes LEFT JOIN staff ON staff.id = customer_changes.staff_id
            WHERE customer_id = \(bind: customerID)\(since) ORDER BY changed_at DESC, customer_changes.id DESC LIMIT \(bind: limit)
            """
        ).all().map { row in
            Row(
                changedAt: try row.decode(column: "changed_at", as: Date.self),
                actorName: try row.decode(column: "actor_name", as: String.self),
                field: try row.decode(column: "field", as: String.self),
                oldValue: try row.decode(column: "old_value", as: String.self),
                newValue: try row.decode(column: "new_value", as: String.self)
            )
        }
    }
}

extension CustomerModel {
    /// One customer read with a plain statement and filled in here, for pages and API calls that only
    /// show it: Fluent's reflection over forty fields and the statement it builds cost a tenth of the
    /// file page. Changes load the model with Fluent (`find`), which tracks what was read.
    /// A test compares the two readings field by field.
    static func read(_ id: Int, on database: any Database) async throws -> CustomerModel? {
        guard let row = try await database.sql().raw("SELECT * FROM customers WHERE id = \(bind: id)").first() else {
            return nil
        }
        func text(_ column: String) throws -> String { try row.decode(column: column, as: String.self) }
        func optional(_ column: String) throws -> String? { try row.decode(column: column, as: String?.self) }
        let customer = CustomerModel()
        customer.id = try row.decode(column: "id", as: Int.self)
        customer.code = try text("code")
        customer.kind = try text("kind")
        customer.name = try text("name")
        customer.companyName = try optional("company_name")
        customer.companyKey = try optional("company_key")
        customer.creditCode = try optional("credit_code")
        customer.mobile = try optional("mobile")
        customer.mobileLast4 = try optional("mobile_last4")
        customer.landline = try optional("landline")
        customer.email = try optional("email")
        customer.wechatID = try optional("wechat_id")
        customer.province = try optional("province")
        customer.city = try optional("city")
        customer.address = try optional("address")
        customer.businessScope = try optional("business_scope")
        customer.industries = try text("industries")
        customer.budgetMinYuan = try row.decode(column: "budget_min_yuan", as: Int64?.self)
        customer.budgetMaxYuan = try row.decode(column: "budget_max_yuan", as: Int64?.self)
        customer.preferredRegions = try optional("preferred_regions")
        customer.timing = try text("timing")
        customer.source = try text("source")
        customer.category = try optional("category")
        customer.grade = try optional("grade")
        customer.stage = try text("stage")
        customer.lostReason = try optional("lost_reason")
        customer.responsibleStaffID = try row.decode(column: "responsible_staff_id", as: Int?.self)
        customer.tags = try text("tags")
        customer.remarks = try optional("remarks")
        customer.consentAt = try row.decode(column: "consent_at", as: Date?.self)
        customer.consentChannel = try optional("consent_channel")
        customer.consentNoticeVersion = try optional("consent_notice_version")
        customer.searchText = try text("search_text")
        customer.createdByStaffID = try row.decode(column: "created_by_staff_id", as: Int?.self)
        customer.mergedIntoID = try row.decode(column: "merged_into_id", as: Int?.self)
        customer.anonymizedAt = try row.decode(column: "anonymized_at", as: Date?.self)
        customer.createdAt = try row.decode(column: "created_at", as: Date.self)
        customer.updatedAt = try row.decode(column: "updated_at", as: Date.self)
        customer.version = try row.decode(column: "version", as: Int.self)
        return customer
    }
}
