import Fluent
import Foundation
import KefuDomain
import Vapor

/// Imports running in this instance, for the progress page (issue 3 §6: progress shown for a long
/// import). The import itself is one transaction; this only counts what it has written so far.
actor ImportJobs {
    struct Snapshot: Sendable {
        var total: Int
        var done: Int
        var status: String
        var report: ImportReport?
        var ownerID: Int?
        var startedAt = Date()
    }

    /// An uploaded file kept between its check and its import, so a changed column mapping does not
    /// need the file again. Kept 30 minutes, in this instance.
    struct Upload: Sendable {
        var bytes: [UInt8]
        var encoding: CSVEncoding?
        var ownerID: Int?
        var storedAt: Date
    }

    private var jobs: [String: Snapshot] = [:]
    private var uploads: [String: Upload] = [:]

    func keep(_ upload: Upload) -> String {
        uploads = uploads.filter { upload.storedAt.timeIntervalSince($0.value.storedAt) < 1800 }
        let token = UUID().uuidString.lowercased()
        uploads[token] = upload
        return token
    }

    func upload(_ token: String, ownerID: Int?) -> Upload? {
        guard let upload = uploads[token], upload.ownerID == ownerID else { return nil }
        return upload
    }

    func start(_ id: String, total: Int, ownerID: Int?) {
        // Finished jobs are shown for a day, then forgotten.
        jobs = jobs.filter { $0.value.status == "running" || Date().timeIntervalSince($0.value.startedAt) < 86_400 }
        jobs[id] = Snapshot(total: total, done: 0, status: "running", ownerID: ownerID)
    }
    func progress(_ id: String, done: Int) { jobs[id]?.done = done }
    func finish(_ id: String, report: ImportReport) {
        guard var job = jobs[id] else { return }
        job.status = "finished"
        job.report = report
        job.done = job.total
        jobs[id] = job
    }
    func fail(_ id: String) { jobs[id]?.status = "failed"; jobs[id]?.done = 0 }
    func snapshot(_ id: String) -> Snapshot? { jobs[id] }
}

extension Application {
    private struct ImportJobsKey: StorageKey { typealias Value = ImportJobs }

    /// Set once in `configure`: the application's storage must not change while requests read it.
    var importJobs: ImportJobs {
        get {
            guard let jobs = storage[ImportJobsKey.self] else {
                fatalError("importJobs is used before configure(_:) set it")
            }
            return jobs
        }
        set { storage[ImportJobsKey.self] = newValue }
    }
}

/// The import pages: upload with options, a check that lists every bad row, the import with its
/// progress and result.
struct CustomerImportController: RouteCollection {
    struct UploadForm: Content {
        var file: File?
        var encoding: String?
        var defaultSource: String?
        var duplicates: String?
        var step: String?
        /// The kept upload to check or import again, instead of a new file.
        var upload: String?
        /// Whose the imported files are (issue 10): `me`, `round_robin`, or a person's id (supervisor).
        var owner: String?
        /// Column index → field name ("" leaves the column out).
        var mapping: ColumnChoices?
    }

    /// The `mapping[N]` selects of the check page. A browser posts them as multipart form data, whose
    /// decoder reads numbered keys as an array; a URL-encoded post reads them as keys. Both are
    /// accepted (issue 10 #1: the array form was refused as unreadable, so a mapping could never change).
    struct ColumnChoices: Codable, Sendable {
        var fieldForColumn: [Int: String]

        init(_ fieldForColumn: [Int: String]) { self.fieldForColumn = fieldForColumn }

        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int?
            init(stringValue: String) { self.stringValue = stringValue; intValue = Int(stringValue) }
            init(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
        }

        init(from decoder: any Decoder) throws {
            if let keyed = try? decoder.container(keyedBy: Key.self) {
                var fields: [Int: String] = [:]
                for key in keyed.allKeys {
                    guard let index = Int(key.stringValue), index >= 0 else { continue }
                    fields[index] = try keyed.decodeIfPresent(String.self, forKey: key) ?? ""
                }
                fieldForColumn = fields
                return
            }
            var list = try decoder.unkeyedContainer()
            var fields: [Int: String] = [:]
            while !list.isAtEnd {
                fields[list.currentIndex] = try list.decodeIfPresent(String.self) ?? ""
            }
            fieldForColumn = fields
        }

        func encode(to encoder: any Encoder) throws {
            var keyed = encoder.container(keyedBy: Key.self)
            for (index, field) in fieldForColumn { try keyed.encode(field, forKey: Key(intValue: index)) }
        }
    }

    /// The fields a column can go to, in the order of the customer form.
    static let importFields = [
        "name", "kind", "companyName", "creditCode", "mobile", "landline", "email", "wechatID", "province", "city",
        "address",
        "businessScope", "industries", "budgetMinWan", "budgetMaxWan", "preferredRegions", "timing", "source",
        "category", "grade",
        "stage", "tags", "remarks",
    ]

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.importCustomers).get(.customerImport, use: form)
        routes.requiring(.importCustomers).on(.POST, .customerImport, body: .collect(maxSize: "64mb"), use: upload)
        routes.requiring(.importCustomers).get(.customerImportJob, use: job)
        routes.requiring(.importCustomers).get(.customerImportTemplateCSV, use: template)
    }

    static func rejectedResponse(_ plan: CustomerImportPlan, localize: (String) -> String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value: "attachment; filename=\"rejected-rows.csv\"; filename*=UTF-8''%E9%97%AE%E9%A2%98%E8%A1%8C.csv")
        return Response(status: .ok, headers: headers, body: .init(string: plan.rejectedFile(localize: localize)))
    }

    static func render(_ req: Request, _ page: Page, status: HTTPResponseStatus = .ok) async throws -> Response {
        var page = page
        let staff = try req.requireStaff()
        if AccessPolicy.allows(staff.role, .reassignCustomers) {
            let chosen = (try? req.content.get(String.self, at: "owner")) ?? "me"
            page.canChooseOwner = true
            page.owners =
                [
                    ChoiceOption(value: "me", labelKey: "import.owner.me", isSelected: chosen == "me"),
                    ChoiceOption(
                        value: "round_robin", labelKey: "import.owner.round_robin", isSelected: chosen == "round_robin"),
                ]
                + (try await req.application.assigneeDirectory.assignees(on: req.db)).filter { $0.id != staff.id }.map {
                    ChoiceOption(
                        value: String($0.id), labelKey: "", label: $0.displayName, isSelected: chosen == String($0.id))
                }
        }
        return try await req.renderPage("customers/import", titleKey: "import.title", page, status: status)
    }

    /// 下载模板: the header the import reads best and one example row, as Excel opens it (UTF-8 with BOM).
    @Sendable func template(req: Request) async throws -> Response {
        let header = [
            "客户姓名", "手机号码", "公司名称", "统一社会信用代码", "邮箱", "省份", "城市", "意向行业", "投资预算", "投资时间", "客户来源", "客户阶段", "客户等级", "备注",
        ]
        let example = [
            "王先生", "13800138000", "示例科技有限公司", "", "wang@example.cn", "江苏省", "苏州", "先进制造", "500-1500万", "6 个月内", "电话",
            "线索", "B", "示例行，导入前请删除",
        ]
        let csv = "\u{FEFF}" + [header, example].map { $0.joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(
            name: .contentDisposition,
            value:
                "attachment; filename=\"customer-import-template.csv\"; filename*=UTF-8''%E5%AE%A2%E6%88%B7%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.csv"
        )
        return Response(status: .ok, headers: headers, body: .init(string: csv))
    }

    @Sendable func form(req: Request) async throws -> Response {
        try await Self.render(req, Page())
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(UploadForm.self)
        let jobs = req.application.importJobs
        let token: String
        let upload: ImportJobs.Upload
        // A browser posts the file input even when no file was chosen: an empty part, not a new file.
        let newFile = form.file.flatMap { $0.data.readableBytes > 0 ? $0 : nil }
        if let file = newFile {
            upload = ImportJobs.Upload(
                bytes: Array(file.data.readableBytesView), encoding: CSVEncoding(rawValue: form.encoding ?? "auto"),
                ownerID: staff.id, storedAt: req.now)
            token = await jobs.keep(upload)
        } else if let kept = form.upload, let stored = await jobs.upload(kept, ownerID: staff.id) {
            (token, upload) = (kept, stored)
        } else {
            return try await Self.render(
                req, Page(errors: ["file": "import.choose_file"], form: form), status: .unprocessableEntity)
        }
        let defaultSource = SourceChannel(rawValue: form.defaultSource ?? "") ?? .phone
        let handling = CustomerImporter.DuplicateHandling(rawValue: form.duplicates ?? "") ?? .skip
        let chosen = form.mapping.map { choices in
            ColumnMapping(fieldForColumn: choices.fieldForColumn.filter { Self.importFields.contains($0.value) })
        }
        var plan: CustomerImportPlan, encoding: CSVEncoding
        do {
            (plan, encoding) = try req.customerImportPlan(
                bytes: upload.bytes, encoding: upload.encoding, mapping: newFile == nil ? chosen : nil,
                defaultSource: defaultSource)
        } catch let errors as FieldErrors {
            return try await Self.render(req, Page(errors: errors.messages, form: form), status: .unprocessableEntity)
        }
        let duplicates = try await CustomerImporter(database: req.db).duplicateLines(in: plan)
        try await DuplicateCheck.admitImport(
            matchingExisting: CustomerImporter.matchesOnRecord(duplicates), rows: plan.rows.count,
            actor: staff.actor, context: req.auditContext, on: req.db)
        // 下载问题行: the rejected rows with their problems, as a file (issue 10).
        if form.step == "rejected" { return Self.rejectedResponse(plan, localize: { req.t($0) }) }
        // 只导入有效行: the lines without a problem are written, the others left for the file of rejected rows.
        let partial = form.step == "import_valid"
        if partial { plan.rows = plan.importableRows; plan.problems = [] }
        let checkOnly = form.step != "import" && !partial
        if checkOnly || !plan.problems.isEmpty {
            let report = req.importReport(plan, encoding: encoding, duplicates: duplicates, dryRun: true, outcome: nil)
            var page = Page(report: report, form: form)
            page.uploadToken = token
            page.columns = plan.header.enumerated().map { index, header in
                let selected = plan.mapping.fieldForColumn[index] ?? ""
                return Column(
                    index: index, header: header,
                    options: [ChoiceOption(value: "", labelKey: "import.skip_column", isSelected: selected.isEmpty)]
                        + Self.importFields.map {
                            ChoiceOption(value: $0, labelKey: "customer.field.\($0)", isSelected: $0 == selected)
                        })
            }
            page.hasColumns = !page.columns.isEmpty
            return try await Self.render(req, page, status: plan.problems.isEmpty ? .ok : .unprocessableEntity)
        }
        // The import runs on after this response; the progress page follows it.
        let jobID = UUID().uuidString.lowercased()
        // Only values cross into the task: models and the request stay with this request.
        let staffID = staff.id
        let owners: ImportOwners
        do {
            owners = try await ImportOwners.resolve(form.owner, rows: plan.rows, req: req)
        } catch let errors as FieldErrors {
            return try await Self.render(req, Page(errors: errors.messages, form: form), status: .unprocessableEntity)
        }
        await jobs.start(jobID, total: plan.rows.count, ownerID: staffID)
        let context = req.auditContext
        let logger = req.logger
        let importer = CustomerImporter(database: req.application.db)
        Task {
            do {
                let outcome = try await importer.run(
                    plan, duplicates: duplicates, handling: handling, responsibleStaffID: owners.everyone,
                    jobLabel: "import-\(jobID.prefix(8))",
                    context: context, owners: owners.byLine
                ) { done in await jobs.progress(jobID, done: done) }
                let report = ImportReport(
                    encoding: encoding.rawValue, mapping: [:], totalRows: plan.totalRows, validRows: plan.rows.count,
                    problems: [], duplicateLines: duplicates.keys.sorted(), dryRun: false, created: outcome.created,
                    skippedLines: outcome.skippedLines)
                await jobs.finish(jobID, report: report)
            } catch {
                logger.error("import \(jobID) failed: \(error)")
                await jobs.fail(jobID)
            }
        }
        return req.redirect(to: SiteURL.customerImportJob(jobID).path, redirectType: .normal)
    }

    @Sendable func job(req: Request) async throws -> Response {
        guard let id = req.parameters.get("job"), let snapshot = await req.application.importJobs.snapshot(id),
            snapshot.ownerID == req.staff?.id || req.staff?.role == .supervisor
        else { throw KefuError.notFound }
        var page = Page(report: snapshot.report)
        page.jobID = id
        page.isRunning = snapshot.status == "running"
        page.isFinished = snapshot.status == "finished"
        page.isFailed = snapshot.status == "failed"
        page.done = snapshot.done
        page.total = snapshot.total
        page.percent = snapshot.total == 0 ? 100 : snapshot.done * 100 / snapshot.total
        if page.isRunning { req.pageRefreshSeconds = 2 }
        return try await Self.render(req, page)
    }
}
