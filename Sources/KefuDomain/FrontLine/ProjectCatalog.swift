import Foundation

/// The kind of investment project the company offers (R3.2).
public enum ProjectType: String, CaseIterable, Codable, Sendable {
    case industrialPark = "industrial_park"
    case commercialProperty = "commercial_property"
    case franchise
    case other
}

/// Whether a project is being offered: only open projects are recommended.
public enum ProjectStatus: String, CaseIterable, Codable, Sendable {
    case open, paused, closed
}

/// An investment project as a form or a JSON body gives it: text as typed, parsed by
/// ``ProjectValidation``.
public struct ProjectDraft: Equatable, Sendable {
    public var code = ""
    public var name = ""
    public var type = ""
    /// Keys from ``CustomerVocabulary/industries``, the same list customers are classified by, so
    /// the two can be matched.
    public var industries: [String] = []
    public var province = ""
    public var city = ""
    public var address = ""
    public var areaSquareMeters = ""
    public var investmentMinWan = ""
    public var investmentMaxWan = ""
    public var annualReturnPercent = ""
    public var paybackYears = ""
    public var incentives = ""
    public var highlights = ""
    public var status = ProjectStatus.open.rawValue
    /// The name of the department in charge of the project, or empty.
    public var responsibleDepartment = ""

    public init() {}
}

/// A project's facts after validation. These are what customers are told, so they are versioned
/// (R1.2): a change is stored as a new version, listed by ``changes(from:)``.
public struct ProjectFacts: Equatable, Codable, Sendable {
    /// Uppercase letters, digits and dashes, e.g. `XM-2026-001`.
    public var code: String
    public var name: String
    public var type: ProjectType
    public var industries: [String]
    public var province: String?
    public var city: String?
    public var address: String?
    public var areaSquareMeters: Decimal?
    public var investmentMinWan: Decimal?
    public var investmentMaxWan: Decimal?
    public var annualReturnPercent: Decimal?
    public var paybackYears: Decimal?
    public var incentives: String?
    public var highlights: String?
    public var status: ProjectStatus
    public var responsibleDepartment: String?

    public init(
        code: String, name: String, type: ProjectType, industries: [String], province: String? = nil,
        city: String? = nil,
        address: String? = nil, areaSquareMeters: Decimal? = nil, investmentMinWan: Decimal? = nil,
        investmentMaxWan: Decimal? = nil,
        annualReturnPercent: Decimal? = nil, paybackYears: Decimal? = nil, incentives: String? = nil,
        highlights: String? = nil,
        status: ProjectStatus = .open, responsibleDepartment: String? = nil
    ) {
        self.code = code
        self.name = name
        self.type = type
        self.industries = industries
        self.province = province
        self.city = city
        self.address = address
        self.areaSquareMeters = areaSquareMeters
        self.investmentMinWan = investmentMinWan
        self.investmentMaxWan = investmentMaxWan
        self.annualReturnPercent = annualReturnPercent
        self.paybackYears = paybackYears
        self.incentives = incentives
        self.highlights = highlights
        self.status = status
        self.responsibleDepartment = responsibleDepartment
    }

    /// Every field as printable text, in the order of the form, for change history and for showing
    /// a past version exactly as it was.
    public var historyFields: [(field: String, value: String)] {
        func text(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }
        return [
            ("code", code), ("name", name), ("type", type.rawValue), ("industries", industries.joined(separator: ",")),
            ("province", province ?? ""), ("city", city ?? ""), ("address", address ?? ""),
            ("areaSquareMeters", text(areaSquareMeters)), ("investmentMinWan", text(investmentMinWan)),
            ("investmentMaxWan", text(investmentMaxWan)), ("annualReturnPercent", text(annualReturnPercent)),
            ("paybackYears", text(paybackYears)), ("incentives", incentives ?? ""), ("highlights", highlights ?? ""),
            ("status", status.rawValue), ("responsibleDepartment", responsibleDepartment ?? ""),
        ]
    }

    /// The fields that differ from an earlier version, in the order of the form, as printable text.
    /// Amounts compare by value, so `100` and `100.00` are no change.
    public func changes(from old: ProjectFacts) -> [(field: String, old: String, new: String)] {
        zip(old.historyFields, historyFields).compactMap { before, after in
            before.value == after.value ? nil : (field: after.field, old: before.value, new: after.value)
        }
    }
}

/// Checks a project draft, collecting every problem at once.
public enum ProjectValidation {
    static let limits: [String: Int] = [
        "name": 128, "province": 32, "city": 32, "address": 200, "incentives": 2000, "highlights": 2000,
        "responsibleDepartment": 64,
    ]

    public static func validate(_ draft: ProjectDraft) -> Result<ProjectFacts, FieldErrors> {
        var errors = FieldErrors()
        func clean(_ field: String, _ text: String) -> String? {
            let trimmed = text.trimmed
            if let limit = limits[field], trimmed.count > limit { errors.add(field, "validation.too_long") }
            return trimmed.isEmpty ? nil : trimmed
        }
        let code = draft.code.trimmed.uppercased()
        if code.isEmpty {
            errors.add("code", "validation.required")
        } else if !isValidCode(code) {
            errors.add("code", "validation.project.code_format")
        }
        let name = clean("name", draft.name)
        if name == nil { errors.add("name", "validation.required") }
        let type = ProjectType(rawValue: draft.type)
        if type == nil {
            errors.add("type", draft.type.isEmpty ? "validation.required" : "validation.choose_from_list")
        }

        var industries: [String] = []
        for industry in draft.industries.map(\.trimmed) where !industry.isEmpty && !industries.contains(industry) {
            industries.append(industry)
        }
        if industries.isEmpty {
            errors.add("industries", "validation.required")
        } else if industries.contains(where: { !CustomerVocabulary.industries.contains($0) }) {
            errors.add("industries", "validation.choose_from_list")
        }

        let area = parseNumber("areaSquareMeters", draft.areaSquareMeters, within: 0...100_000_000, &errors)
        let investmentMin = CustomerValidation.parseWan("investmentMinWan", draft.investmentMinWan, &errors)
        let investmentMax = CustomerValidation.parseWan("investmentMaxWan", draft.investmentMaxWan, &errors)
        if let investmentMin, let investmentMax, investmentMin > investmentMax {
            errors.add("investmentMaxWan", "validation.project.investment_range")
        }
        let annualReturn = parseNumber(
            "annualReturnPercent", draft.annualReturnPercent, within: 0...100, allowPercentSign: true, &errors)
        let payback = parseNumber("paybackYears", draft.paybackYears, within: 0...50, &errors)

        let status = ProjectStatus(rawValue: draft.status)
        if status == nil {
            errors.add("status", draft.status.isEmpty ? "validation.required" : "validation.choose_from_list")
        }
        let province = clean("province", draft.province), city = clean("city", draft.city),
            address = clean("address", draft.address)
        let incentives = clean("incentives", draft.incentives), highlights = clean("highlights", draft.highlights)
        let department = clean("responsibleDepartment", draft.responsibleDepartment)

        guard errors.isEmpty, let name, let type, let status else { return .failure(errors) }
        return .success(
            ProjectFacts(
                code: code, name: name, type: type, industries: industries, province: province, city: city,
                address: address,
                areaSquareMeters: area, investmentMinWan: investmentMin, investmentMaxWan: investmentMax,
                annualReturnPercent: annualReturn, paybackYears: payback, incentives: incentives,
                highlights: highlights,
                status: status, responsibleDepartment: department
            ))
    }

    /// 2–32 of A–Z, 0–9 and `-`, starting and ending with a letter or digit: codes appear in URLs,
    /// file names and spoken references, so nothing else is allowed.
    static func isValidCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool { (65...90).contains(byte) || (48...57).contains(byte) }
        guard (2...32).contains(bytes.count), let first = bytes.first, let last = bytes.last,
            isAlphanumeric(first), isAlphanumeric(last)
        else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// A plain decimal number (at most two decimals): "validation.number" when it is not one,
    /// "validation.number_range" when it is outside `range`. A leading minus is read so that "-5"
    /// is told it is out of range rather than not a number.
    static func parseNumber(
        _ field: String, _ text: String, within range: ClosedRange<Decimal>, allowPercentSign: Bool = false,
        _ errors: inout FieldErrors
    ) -> Decimal? {
        var trimmed = text.trimmed.replacingOccurrences(of: ",", with: "")
        if allowPercentSign, trimmed.hasSuffix("%") { trimmed = String(trimmed.dropLast()).trimmed }
        guard !trimmed.isEmpty else { return nil }
        let unsigned = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        guard !unsigned.isEmpty, unsigned.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            unsigned.filter({ $0 == "." }).count <= 1, unsigned.first != ".", unsigned.last != ".",
            (unsigned.split(separator: ".").dropFirst().first?.count ?? 0) <= 2,
            let value = Decimal(string: trimmed)
        else {
            errors.add(field, "validation.number")
            return nil
        }
        guard range.contains(value) else {
            errors.add(field, "validation.number_range")
            return nil
        }
        return value
    }
}

/// A supporting case shown with a project: a customer who invested, and what came of it (R3.2).
public struct ProjectCase: Codable, Equatable, Sendable {
    public var title: String
    public var summary: String
    /// Key figures as the department states them, e.g. "年产值 2.3 亿元，用工 180 人".
    public var figures: String

    public init(title: String, summary: String = "", figures: String = "") {
        self.title = title
        self.summary = summary
        self.figures = figures
    }

    /// The case from form text: title required (≤128), summary ≤2000, figures ≤500.
    public static func validate(title: String, summary: String, figures: String) -> Result<ProjectCase, FieldErrors> {
        var errors = FieldErrors()
        let title = title.trimmed, summary = summary.trimmed, figures = figures.trimmed
        if title.isEmpty { errors.add("title", "validation.required") }
        if title.count > 128 { errors.add("title", "validation.too_long") }
        if summary.count > 2000 { errors.add("summary", "validation.too_long") }
        if figures.count > 500 { errors.add("figures", "validation.too_long") }
        return errors.isEmpty
            ? .success(ProjectCase(title: title, summary: summary, figures: figures)) : .failure(errors)
    }
}

/// What may be uploaded as a project brochure: documents and pictures customers can open, up to 20 MiB.
public enum BrochureRules {
    public static let allowedExtensions = ["pdf", "jpg", "jpeg", "png", "docx", "pptx", "xlsx"]
    public static let maximumBytes = 20 * 1024 * 1024

    /// Why the file is refused, as a localization key; nil when it may be stored.
    public static func problem(fileName: String, byteCount: Int) -> String? {
        let name = fileName.trimmed
        if name.isEmpty || byteCount <= 0 { return "validation.required" }
        guard let dot = name.lastIndex(of: "."),
            allowedExtensions.contains(name[name.index(after: dot)...].lowercased())
        else { return "validation.file.type" }
        return byteCount > maximumBytes ? "validation.file.too_large" : nil
    }

    /// Whether the first bytes are what the extension claims: a renamed executable or HTML page is
    /// refused ("validation.file.type") even with a .pdf name.
    public static func contentMatches(fileName: String, prefix: [UInt8]) -> Bool {
        guard let dot = fileName.lastIndex(of: ".") else { return false }
        func starts(_ magic: [UInt8]) -> Bool {
            prefix.count >= magic.count && Array(prefix.prefix(magic.count)) == magic
        }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "pdf": return starts(Array("%PDF-".utf8))
        case "png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "jpg", "jpeg": return starts([0xFF, 0xD8, 0xFF])
        // Office files are ZIP archives.
        case "docx", "pptx", "xlsx": return starts([0x50, 0x4B, 0x03, 0x04])
        default: return false
        }
    }

    /// The Content-Type to serve a stored file with.
    public static func contentType(fileName: String) -> String {
        switch fileName.split(separator: ".").last?.lowercased() ?? "" {
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"
        case "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        default: "application/octet-stream"
        }
    }
}
