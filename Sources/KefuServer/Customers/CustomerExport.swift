import Fluent
import Foundation
import KefuDomain
import SQLKit
import Vapor

/// Customer lists as CSV files that Excel opens correctly (issue 3 §7): UTF-8 with BOM, formula
/// cells neutralized, contact details masked unless the exporter may see them, every export audited
/// with its filter and row count.
struct CustomerExport {
    let database: any Database
    static let maximumRows = 200_000

    struct Row: Decodable {
        var id: Int; var code: String; var kind: String; var name: String; var companyName: String?;
        var creditCode: String?
        var mobile: String?; var landline: String?; var email: String?; var wechatID: String?; var province: String?
        var city: String?; var address: String?; var industries: String; var budgetMinYuan: Int64?;
        var budgetMaxYuan: Int64?
        var source: String; var category: String?; var grade: String?; var stage: String; var responsibleStaffID: Int?
        var responsibleName: String?; var tags: String; var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, code, kind, name, mobile, landline, email, province, city, address, industries, source, category,
                grade, stage, tags
            case companyName = "company_name", creditCode = "credit_code", wechatID = "wechat_id"
            case budgetMinYuan = "budget_min_yuan", budgetMaxYuan = "budget_max_yuan", responsibleStaffID =
                "responsible_staff_id"
            case responsibleName = "responsible_name", updatedAt = "updated_at"
        }
    }

    static let columns = [
        "code", "kind", "name", "companyName", "creditCode", "mobile", "landline", "email", "wechatID", "province",
        "city",
        "address", "industries", "budgetMinWan", "budgetMaxWan", "source", "category", "grade", "stage", "responsible",
        "tags", "updatedAt",
    ]

    /// The CSV text and the number of rows, for what `actor` may see of the filtered list.
    func csv(_ filter: CustomerFilter, for actor: Actor, localize: (String) -> String, now: Date) async throws -> (
        text: String, count: Int
    ) {
        let queries = CustomerQueries(database: database)
        let condition = try await queries.whereClause(filter, visibleTo: actor, now: now)
        var rows: [[String]] = []
        var lastID = 0
        let sql = try database.sql()
        while rows.count < Self.maximumRows {
            let batch = try await sql.raw(
                """
                SELECT customers.id, code, kind, name, company_name, credit_code, mobile, landline, email, wechat_id, province, city, address,
                       industries, budget_min_yuan, budget_max_yuan, source, category, grade, stage, responsible_staff_id,
                       staff.display_name AS responsible_name, tags, customers.updated_at
                FROM customers LEFT JOIN staff ON staff.id = customers.responsible_staff_id
                WHERE \(condition) AND customers.id > \(bind: lastID) ORDER BY customers.id LIMIT 1000
                """
            ).all(decoding: Row.self)
            guard let last = batch.last else { break }
            lastID = last.id
            for row in batch {
                let masked =
                    ContactVisibility.decide(
                        for: actor, on: RecordFacts(responsibleStaffID: row.responsibleStaffID), revealed: false)
                    == .masked
                func contact(_ value: String?, _ mask: (String) -> String) -> String {
                    guard let value else { return "" }
                    return masked ? mask(value) : value
                }
                rows.append([
                    row.code, localize("customer.kind.\(row.kind)"), row.name, row.companyName ?? "",
                    contact(row.creditCode, ContactMasking.maskMiddle), contact(row.mobile, MainlandMobile.masked),
                    contact(row.landline, ContactMasking.landline), contact(row.email, ContactMasking.email),
                    contact(row.wechatID, ContactMasking.maskMiddle), row.province ?? "", row.city ?? "",
                    contact(row.address) { _ in "***" },
                    row.industries.split(separator: ",").map { localize("customer.industry.\($0)") }.joined(
                        separator: "、"),
                    row.budgetMinYuan.map { "\(CustomerModel.wan($0))" } ?? "",
                    row.budgetMaxYuan.map { "\(CustomerModel.wan($0))" } ?? "",
                    localize("customer.source.\(row.source)"),
                    row.category.map { localize("customer.category.\($0)") } ?? "",
                    row.grade ?? "", localize("customer.stage.\(row.stage)"), row.responsibleName ?? "", row.tags,
                    DisplayFormat.dateTime(row.updatedAt),
                ])
            }
        }
        let header = Self.columns.map { localize("customer.field.\($0)") }
        return (CSVTable.write(header: header, rows: rows), rows.count)
    }
}

extension Request {
    /// Builds the export, writes its audit entry, and answers with the file.
    func customerExportResponse() async throws -> Response {
        let staff = try requireStaff()
        let filter = customerFilter
        let (text, count) = try await CustomerExport(database: db).csv(
            filter, for: staff.actor, localize: { self.t($0) }, now: now)
        try await AuditLog.record(
            "customer.exported", recordType: "customer", recordID: "export", fields: CustomerExport.columns,
            message: AuditMessage.customersExported(rows: "\(count)", filter: url.query ?? ""), context: auditContext,
            on: db
        )
        let response = Response(status: .ok, body: .init(data: Data(CSVText.encodeForExcel(text))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        let name = "customers-\(DisplayFormat.dateTime(now).prefix(10)).csv"
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
