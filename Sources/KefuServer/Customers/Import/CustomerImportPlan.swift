import Foundation
import KefuDomain

/// One problem with one cell of an import file: the line and column people see in Excel.
struct ImportProblem: Codable, Equatable, Sendable {
    var line: Int
    var column: String
    var field: String
    var messageKey: String
}

/// An import file read, mapped and checked — before anything is written (issue 3 §6).
struct CustomerImportPlan: Sendable {
    /// Field name → header spellings a Chinese or English spreadsheet may use.
    static let headerSpellings: [String: [String]] = [
        "kind": ["客户类型", "类型", "kind", "type"],
        "name": ["姓名", "客户姓名", "联系人", "name", "contact"],
        "companyName": ["公司名称", "公司", "企业名称", "单位", "company", "companyname"],
        "creditCode": ["统一社会信用代码", "信用代码", "creditcode", "credit code"],
        "mobile": ["手机", "手机号", "手机号码", "移动电话", "mobile", "phone"],
        "landline": ["固定电话", "座机", "电话", "landline"],
        "email": ["邮箱", "电子邮箱", "email", "e-mail"],
        "wechatID": ["微信", "微信号", "wechat"],
        "province": ["省份", "省", "province"],
        "city": ["城市", "市", "city"],
        "address": ["地址", "详细地址", "address"],
        "businessScope": ["经营范围", "businessscope"],
        "industries": ["意向行业", "行业", "industries", "industry"],
        "budgetMinWan": ["预算下限（万元）", "预算下限", "budgetmin", "budget from"],
        "budgetMaxWan": ["预算上限（万元）", "预算上限", "budgetmax", "budget to"],
        // One column with the whole range, "500-1500万" (issue 10): split by `BudgetText`.
        "budget": ["投资预算", "投资预算（万元）", "预算", "投资额", "budget"],
        "preferredRegions": ["意向区域", "preferredregions"],
        "timing": ["投资时间", "timing"],
        "source": ["来源渠道", "客户来源", "来源", "source"],
        "category": ["客户类别", "类别", "category"],
        "grade": ["客户等级", "等级", "grade"],
        "stage": ["客户阶段", "阶段", "stage"],
        "tags": ["标签", "tags"],
        "remarks": ["备注", "remarks", "notes"],
    ]

    struct Row: Sendable {
        var line: Int
        var values: CustomerValues
    }

    var header: [String]
    var mapping: ColumnMapping
    var rows: [Row] = []
    var problems: [ImportProblem] = []
    var totalRows = 0
    /// The cells of each line with a problem, for the file of rejected rows (issue 10, partial import).
    var rejectedCells: [Int: [String]] = [:]

    /// Lines with a problem; a partial import leaves them out, valid or not.
    var problemLines: Set<Int> { Set(problems.map(\.line)) }

    /// The valid rows of lines without any problem: what a partial import writes.
    var importableRows: [Row] { rows.filter { !problemLines.contains($0.line) } }

    /// The rejected rows as they were, with the line and what is wrong in words, as a CSV Excel opens.
    func rejectedFile(localize: (String) -> String) -> String {
        var byLine: [Int: [String]] = [:]
        for problem in problems {
            byLine[problem.line, default: []].append(
                (problem.column.isEmpty ? "" : problem.column + "：") + localize(problem.messageKey))
        }
        let rows = byLine.keys.sorted().filter { $0 > 1 }.map { line in
            [String(line)] + (rejectedCells[line] ?? []) + [byLine[line, default: []].joined(separator: "；")]
        }
        return "\u{FEFF}"
            + CSVTable.write(
                header: [localize("import.line")] + header + [localize("import.problems_column")], rows: rows)
    }

    /// Reads the table with the mapping, turning labels people type ("电话", "意向") into stored keys
    /// through `labelKeys` (localized label → key), and validates every row.
    static func check(
        _ table: CSVTable, mapping: ColumnMapping, defaultSource: SourceChannel, labelKeys: [String: String]
    ) -> CustomerImportPlan {
        var plan = CustomerImportPlan(header: table.header, mapping: mapping)
        plan.totalRows = table.rows.count
        let columnName = { (field: String) -> String in
            let source = field.hasPrefix("budget") && mapping.column(of: field) == nil ? "budget" : field
            guard let index = mapping.column(of: source), index < table.header.count else { return field }
            return "\(Self.columnLetter(index)) \(table.header[index])"
        }
        for row in table.rows {
            let cells = mapping.values(in: row)
            func value(_ field: String, prefix: String? = nil) -> String {
                let text = (cells[field] ?? "").trimmed
                guard let prefix, !text.isEmpty else { return text }
                return labelKeys["\(prefix)|\(text.lowercased())"] ?? text
            }
            var draft = CustomerDraft()
            draft.kind = value("kind", prefix: "customer.kind")
            if draft.kind.isEmpty {
                draft.kind =
                    value("companyName").isEmpty ? CustomerKind.individual.rawValue : CustomerKind.company.rawValue
            }
            draft.name = value("name")
            draft.companyName = value("companyName")
            draft.creditCode = value("creditCode")
            draft.mobile = value("mobile")
            draft.landline = value("landline")
            draft.email = value("email")
            draft.wechatID = value("wechatID")
            draft.province = value("province")
            draft.city = value("city")
            draft.address = value("address")
            draft.businessScope = value("businessScope")
            draft.industries = value("industries").split(whereSeparator: { ",，、;；/".contains($0) }).map {
                let text = $0.trimmed
                return labelKeys["customer.industry|\(text.lowercased())"] ?? text
            }
            draft.budgetMinWan = value("budgetMinWan")
            draft.budgetMaxWan = value("budgetMaxWan")
            let budget = value("budget")
            if !budget.isEmpty, draft.budgetMinWan.isEmpty, draft.budgetMaxWan.isEmpty {
                (draft.budgetMinWan, draft.budgetMaxWan) = BudgetText.split(budget)
            }
            draft.preferredRegions = value("preferredRegions")
            let timing = value("timing", prefix: "customer.timing")
            draft.timing = timing.isEmpty ? InvestmentTiming.undecided.rawValue : timing
            let source = value("source", prefix: "customer.source")
            draft.source = source.isEmpty ? defaultSource.rawValue : source
            draft.category = value("category", prefix: "customer.category")
            draft.grade = value("grade").uppercased().prefix(1).description
            let stage = value("stage", prefix: "customer.stage")
            draft.stage = stage.isEmpty ? CustomerStage.lead.rawValue : stage
            draft.tags = value("tags")
            draft.remarks = value("remarks")
            switch CustomerValidation.validate(draft) {
            case .success(let values):
                plan.rows.append(Row(line: row.line, values: values))
            case .failure(let errors):
                plan.rejectedCells[row.line] = row.fields
                for (field, key) in errors.messages.sorted(by: { $0.key < $1.key }) {
                    plan.problems.append(
                        ImportProblem(line: row.line, column: columnName(field), field: field, messageKey: key))
                }
            }
            if row.extraFieldCount > 0 {
                plan.rejectedCells[row.line] = row.fields
                plan.problems.append(
                    ImportProblem(
                        line: row.line, column: Self.columnLetter(table.header.count), field: "",
                        messageKey: "import.extra_cells"))
            }
        }
        if mapping.column(of: "name") == nil {
            plan.problems.insert(
                ImportProblem(line: 1, column: "", field: "name", messageKey: "import.name_not_mapped"), at: 0)
        }
        return plan
    }

    /// A, B, … Z, AA — the column names of a spreadsheet.
    static func columnLetter(_ index: Int) -> String {
        var index = index
        var letters = ""
        repeat {
            letters = String(UnicodeScalar(UInt8(65 + index % 26))) + letters
            index = index / 26 - 1
        } while index >= 0
        return letters
    }
}
