import Fluent
import Foundation
import KefuDomain
import Vapor

/// What an import (or its dry run) found and did.
struct ImportReport: Content {
    struct Problem: Content { var line: Int; var column: String; var field: String; var message: String }
    var encoding: String
    var mapping: [String: String]
    var totalRows: Int
    var validRows: Int
    var problems: [Problem]
    var duplicateLines: [Int]
    var dryRun: Bool
    var created: Int
    var skippedLines: [Int]
}

extension Localizer {
    /// Localized labels (both languages, lower-cased) and raw keys → stored key, so a spreadsheet can
    /// say 电话 or phone, 意向 or intent.
    func importLabelKeys() -> [String: String] {
        let vocabularies: [(String, [String])] = [
            ("customer.kind", CustomerKind.allCases.map(\.rawValue)),
            ("customer.source", SourceChannel.allCases.map(\.rawValue)),
            ("customer.stage", CustomerStage.allCases.map(\.rawValue)),
            ("customer.timing", InvestmentTiming.allCases.map(\.rawValue)),
            ("customer.category", CustomerVocabulary.categories), ("customer.industry", CustomerVocabulary.industries),
        ]
        var keys: [String: String] = [:]
        for (prefix, values) in vocabularies {
            for value in values {
                keys["\(prefix)|\(value.lowercased())"] = value
                for language in Language.allCases {
                    keys["\(prefix)|\(text("\(prefix).\(value)", language).lowercased())"] = value
                }
            }
        }
        return keys
    }
}

extension Request {
    /// Reads, maps and checks an uploaded file; throws a field error for an unreadable file.
    func customerImportPlan(
        bytes: [UInt8], encoding: CSVEncoding?, mapping: ColumnMapping?, defaultSource: SourceChannel
    ) throws -> (CustomerImportPlan, CSVEncoding) {
        do {
            let (text, detected) = try CSVText.decode(bytes, as: encoding)
            let table = try CSVTable.parse(text, maximumRows: 200_000)
            let mapping =
                mapping ?? ColumnMapping.guess(header: table.header, fields: CustomerImportPlan.headerSpellings)
            return (
                CustomerImportPlan.check(
                    table, mapping: mapping, defaultSource: defaultSource, labelKeys: kefu.localizer.importLabelKeys()),
                detected
            )
        } catch {
            // Both steps throw only CSVError (typed throws).
            throw FieldErrors(["file": error.messageKey])
        }
    }

    func importReport(
        _ plan: CustomerImportPlan, encoding: CSVEncoding, duplicates: [Int: String], dryRun: Bool,
        outcome: CustomerImporter.Outcome?
    ) -> ImportReport {
        ImportReport(
            encoding: encoding.rawValue,
            mapping: Dictionary(
                uniqueKeysWithValues: plan.mapping.fieldForColumn.map {
                    (plan.header.indices.contains($0.key) ? plan.header[$0.key] : "\($0.key)", $0.value)
                }),
            totalRows: plan.totalRows, validRows: plan.rows.count,
            problems: plan.problems.map {
                .init(line: $0.line, column: $0.column, field: $0.field, message: t($0.messageKey))
            },
            duplicateLines: duplicates.keys.sorted(), dryRun: dryRun, created: outcome?.created ?? 0,
            skippedLines: outcome?.skippedLines ?? []
        )
    }
}

/// `POST /api/v1/customers/imports`: the CSV file as the body; a dry run reports every bad row and
/// duplicate and writes nothing; a real run writes all rows or none.
struct CustomerImportAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("customers").requiring(.importCustomers)
            .on(.POST, "imports", body: .collect(maxSize: "64mb"), use: importFile)
    }

    static let operations: [APIOperation] = [
        APIOperation(
            method: .POST, path: "/api/v1/customers/imports", tag: "Customers",
            summary:
                "Import customers from CSV (UTF-8, UTF-8 with BOM or GB18030/GBK; body is the file). dryRun=true only checks.",
            parameters: [
                OpenAPIParameters.query("dryRun", "boolean"),
                OpenAPIParameters.query("encoding", "string", "auto | utf8 | utf8-bom | gb18030"),
                OpenAPIParameters.query("defaultSource", "string", "source channel for rows without one"),
                OpenAPIParameters.query("duplicates", "string", "skip | import"),
                OpenAPIParameters.query(
                    "partial", "boolean",
                    "true: write the lines without a problem, report the others (default: all rows or none)"),
                OpenAPIParameters.query(
                    "rejected", "string", "csv: answer the rejected rows with their problems as a CSV file"),
                OpenAPIParameters.query(
                    "owner", "string",
                    "me (default) | round_robin | a staff id: whose the new files are (others than me: supervisor)"),
            ],
            responses: [200: "ImportReport"])
    ]

    static let schemas: [String: JSONValue] = [
        "ImportReport": Schema.object(
            [
                "encoding": Schema.string, "mapping": ["type": "object", "additionalProperties": Schema.string],
                "totalRows": Schema.integer, "validRows": Schema.integer,
                "problems": [
                    "type": "array",
                    "items": Schema.object(
                        [
                            "line": Schema.integer, "column": Schema.string, "field": Schema.string,
                            "message": Schema.string,
                        ],
                        required: ["line", "column", "field", "message"]),
                ],
                "duplicateLines": ["type": "array", "items": Schema.integer], "dryRun": Schema.boolean,
                "created": Schema.integer,
                "skippedLines": ["type": "array", "items": Schema.integer],
            ],
            required: [
                "encoding", "totalRows", "validRows", "problems", "duplicateLines", "dryRun", "created", "skippedLines",
            ])
    ]

    @Sendable func importFile(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let buffer = req.body.data, buffer.readableBytes > 0 else {
            throw KefuError.validation(FieldErrors(["file": "csv.error.empty"]))
        }
        let encodingText = req.query[String.self, at: "encoding"] ?? "auto"
        let encoding = encodingText == "auto" ? nil : CSVEncoding(rawValue: encodingText)
        if encodingText != "auto", encoding == nil {
            throw KefuError.validation(FieldErrors(["encoding": "validation.choose_from_list"]))
        }
        let defaultSource = SourceChannel(rawValue: req.query[String.self, at: "defaultSource"] ?? "phone") ?? .phone
        let handling =
            CustomerImporter.DuplicateHandling(rawValue: req.query[String.self, at: "duplicates"] ?? "skip") ?? .skip
        let dryRun = req.query[String.self, at: "dryRun"].map { $0 == "true" || $0 == "1" } ?? false
        var (plan, detected) = try req.customerImportPlan(
            bytes: Array(buffer.readableBytesView), encoding: encoding, mapping: nil, defaultSource: defaultSource)
        // issue 10: `rejected=csv` answers the rejected rows with their problems as a file; `partial=true`
        // writes the lines without a problem and reports the others (all-or-nothing stays the default).
        if req.query[String.self, at: "rejected"] == "csv" {
            return CustomerImportController.rejectedResponse(plan, localize: { req.t($0) })
        }
        let partial = req.query[String.self, at: "partial"].map { $0 == "true" || $0 == "1" } ?? false
        let reported = plan
        if partial { plan.rows = plan.importableRows; plan.problems = [] }
        let importer = CustomerImporter(database: req.db)
        let duplicates = try await importer.duplicateLines(in: plan)
        try await DuplicateCheck.admitImport(
            matchingExisting: CustomerImporter.matchesOnRecord(duplicates), rows: plan.rows.count,
            actor: staff.actor, context: req.auditContext, on: req.db)
        if dryRun || !plan.problems.isEmpty {
            let report = req.importReport(plan, encoding: detected, duplicates: duplicates, dryRun: true, outcome: nil)
            return try await report.encodeResponse(status: dryRun ? .ok : .unprocessableEntity, for: req)
        }
        let owners = try await ImportOwners.resolve(req.query[String.self, at: "owner"], rows: plan.rows, req: req)
        let outcome = try await importer.run(
            plan, duplicates: duplicates, handling: handling, responsibleStaffID: owners.everyone,
            jobLabel: "api-\(req.requestID.prefix(8))",
            context: req.auditContext, owners: owners.byLine)
        var report = req.importReport(plan, encoding: detected, duplicates: duplicates, dryRun: false, outcome: outcome)
        if partial {
            report.problems =
                req.importReport(reported, encoding: detected, duplicates: duplicates, dryRun: false, outcome: outcome)
                .problems
        }
        return try await report.encodeResponse(status: .ok, for: req)
    }
}
