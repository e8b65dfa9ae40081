import Foundation

/// Checks a customer draft against R4.1's formats and limits, collecting every problem at once.
public enum CustomerValidation {
    static let limits: [String: Int] = [
        "name": 64, "companyName": 128, "landline": 32, "wechatID": 64, "province": 32, "city": 32, "address": 200,
        "businessScope": 1000, "preferredRegions": 200, "lostReason": 500, "tags": 200, "remarks": 2000,
        "consentNoticeVersion": 32,
    ]

    public static func validate(_ draft: CustomerDraft, currentStage: CustomerStage? = nil) -> Result<
        CustomerValues, FieldErrors
    > {
        var errors = FieldErrors()
        func clean(_ field: String, _ text: String) -> String? {
            let trimmed = text.trimmed
            if let limit = limits[field], trimmed.count > limit { errors.add(field, "validation.too_long") }
            return trimmed.isEmpty ? nil : trimmed
        }
        let kind = CustomerKind(rawValue: draft.kind)
        if kind == nil { errors.add("kind", "validation.choose_from_list") }
        let name = clean("name", draft.name)
        if name == nil { errors.add("name", "validation.required") }
        let companyName = clean("companyName", draft.companyName)
        if kind == .company, companyName == nil { errors.add("companyName", "validation.customer.company_required") }

        var creditCode: String?
        if let text = clean("creditCode", draft.creditCode) {
            creditCode = UnifiedSocialCreditCode.normalize(text)
            if creditCode == nil { errors.add("creditCode", "validation.customer.credit_code") }
        }
        var mobile: String?
        if let text = clean("mobile", draft.mobile) {
            mobile = MainlandMobile.normalize(text)
            if mobile == nil { errors.add("mobile", "validation.customer.mobile") }
        }
        let landline = clean("landline", draft.landline)
        if let landline,
            !landline.allSatisfy({ $0.isASCII && ($0.isNumber || "-+() ".contains($0)) })
                || landline.filter(\.isNumber).count < 7
        {
            errors.add("landline", "validation.customer.landline")
        }
        var email: String?
        if let text = clean("email", draft.email) {
            email = EmailAddress.normalize(text)
            if email == nil { errors.add("email", "validation.customer.email") }
        }
        let wechatID = clean("wechatID", draft.wechatID)
        if mobile == nil, landline == nil, email == nil, wechatID == nil,
            errors.messages["mobile"] == nil, errors.messages["email"] == nil
        {
            errors.add("mobile", "validation.customer.contact_required")
        }

        let industries = draft.industries.filter { !$0.isEmpty }
        if industries.contains(where: { !CustomerVocabulary.industries.contains($0) }) {
            errors.add("industries", "validation.choose_from_list")
        }
        let budgetMin = parseWan("budgetMinWan", draft.budgetMinWan, &errors)
        let budgetMax = parseWan("budgetMaxWan", draft.budgetMaxWan, &errors)
        if let budgetMin, let budgetMax, budgetMin > budgetMax {
            errors.add("budgetMaxWan", "validation.customer.budget_range")
        }
        let timing = InvestmentTiming(rawValue: draft.timing)
        if timing == nil { errors.add("timing", "validation.choose_from_list") }
        let source = SourceChannel(rawValue: draft.source)
        if source == nil {
            errors.add("source", draft.source.isEmpty ? "validation.required" : "validation.choose_from_list")
        }
        let category = clean("category", draft.category)
        if let category, !CustomerVocabulary.categories.contains(category) {
            errors.add("category", "validation.choose_from_list")
        }
        let grade = clean("grade", draft.grade)
        if let grade, !CustomerVocabulary.grades.contains(grade) { errors.add("grade", "validation.choose_from_list") }
        let stage = CustomerStage(rawValue: draft.stage)
        let lostReason = clean("lostReason", draft.lostReason)
        if let stage {
            if let problem = CustomerStage.problem(from: currentStage ?? .lead, to: stage, lostReason: lostReason),
                currentStage != nil || stage == .lost
            {
                errors.add(stage == .lost ? "lostReason" : "stage", problem)
            }
        } else {
            errors.add("stage", "validation.choose_from_list")
        }
        let tagText = clean("tags", draft.tags)
        let tags = (tagText ?? "").split(whereSeparator: { ",，、 ".contains($0) }).map(String.init)
        if tags.count > 10 { errors.add("tags", "validation.customer.too_many_tags") }
        let consentChannel = clean("consentChannel", draft.consentChannel)
        if let consentChannel, !CustomerVocabulary.consentChannels.contains(consentChannel) {
            errors.add("consentChannel", "validation.choose_from_list")
        }
        let consentNoticeVersion = clean("consentNoticeVersion", draft.consentNoticeVersion)
        if consentChannel != nil, consentNoticeVersion == nil {
            errors.add("consentNoticeVersion", "validation.required")
        }

        let province = clean("province", draft.province), city = clean("city", draft.city),
            address = clean("address", draft.address)
        let businessScope = clean("businessScope", draft.businessScope),
            regions = clean("preferredRegions", draft.preferredRegions)
        let remarks = clean("remarks", draft.remarks)
        guard errors.isEmpty, let kind, let name, let timing, let source, let stage else { return .failure(errors) }
        return .success(
            CustomerValues(
                kind: kind, name: name, companyName: companyName, creditCode: creditCode, mobile: mobile,
                landline: landline,
                email: email, wechatID: wechatID, province: province, city: city, address: address,
                businessScope: businessScope,
                industries: industries, budgetMinWan: budgetMin, budgetMaxWan: budgetMax, preferredRegions: regions,
                timing: timing,
                source: source, category: category, grade: grade, stage: stage,
                lostReason: stage == .lost ? lostReason : nil,
                tags: tags, remarks: remarks, consentChannel: consentChannel, consentNoticeVersion: consentNoticeVersion
            ))
    }

    /// Amounts in 万元: non-negative, at most two decimals, below a trillion yuan.
    static func parseWan(_ field: String, _ text: String, _ errors: inout FieldErrors) -> Decimal? {
        let trimmed = text.trimmed.replacingOccurrences(of: ",", with: "")
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            trimmed.filter({ $0 == "." }).count <= 1,
            let value = Decimal(string: trimmed), value >= 0, value < 100_000_000,
            (trimmed.split(separator: ".").dropFirst().first?.count ?? 0) <= 2
        else {
            errors.add(field, "validation.customer.amount")
            return nil
        }
        return value
    }
}
