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
    }

    private var jobs: [String: Snapshot] = [:]

    func start(_ id: String, total: Int, ownerID: Int?) { jobs[id] = Snapshot(total: total, done: 0, status: "running", ownerID: ownerID) }
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
            guard let jobs = storage[ImportJobsKey.self] else { fatalError("importJobs is used before configure(_:) set it") }
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
    }

    struct Page: Encodable {
        var encodings: [ChoiceOption]
        var sources: [ChoiceOption]
        var duplicateChoices: [ChoiceOption]
        var errors: [String: String]
        var report: ImportReport?
        var hasProblems: Bool
        var hasReport: Bool
        var jobID: String?
        var isRunning: Bool
        var isFinished: Bool
        var isFailed: Bool
        var percent: Int
        var done: Int
        var total: Int
        var created: Int
        var skipped: Int
        var totalRows: Int
        var validRows: Int
        var duplicateCount: Int

        init(errors: [String: String] = [:], report: ImportReport? = nil, form: UploadForm? = nil) {
            encodings = ChoiceOption.list(["auto", "utf8", "utf8-bom", "gb18030"], labelPrefix: "import.encoding", selected: form?.encoding ?? "auto")
            sources = ChoiceOption.list(SourceChannel.allCases.map(\.rawValue), labelPrefix: "customer.source", selected: form?.defaultSource ?? "phone")
            duplicateChoices = ChoiceOption.list(CustomerImporter.DuplicateHandling.allCases.map(\.rawValue), labelPrefix: "import.duplicates", selected: form?.duplicates ?? "skip")
            self.errors = errors
            self.report = report
            hasProblems = !(report?.problems.isEmpty ?? true)
            hasReport = report != nil
            isRunning = false; isFinished = false; isFailed = false; percent = 0; done = 0; total = 0
            created = report?.created ?? 0
            skipped = report?.skippedLines.count ?? 0
            totalRows = report?.totalRows ?? 0
            validRows = report?.validRows ?? 0
            duplicateCount = report?.duplicateLines.count ?? 0
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let importing = routes.grouped("customers", "import").requiring(.importCustomers)
        importing.get(use: form)
        importing.on(.POST, body: .collect(maxSize: "64mb"), use: upload)
        importing.get("jobs", ":job", use: job)
    }

    @Sendable func form(req: Request) async throws -> Response {
        try await req.renderPage("customers/import", titleKey: "import.title", Page())
    }

    @Sendable func upload(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let form = try req.content.decode(UploadForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await req.renderPage("customers/import", titleKey: "import.title", Page(errors: ["file": "import.choose_file"], form: form), status: .unprocessableEntity)
        }
        let encodingText = form.encoding ?? "auto"
        let defaultSource = SourceChannel(rawValue: form.defaultSource ?? "") ?? .phone
        let handling = CustomerImporter.DuplicateHandling(rawValue: form.duplicates ?? "") ?? .skip
        let plan: CustomerImportPlan, encoding: CSVEncoding
        do {
            (plan, encoding) = try req.customerImportPlan(bytes: Array(file.data.readableBytesView), encoding: CSVEncoding(rawValue: encodingText), mapping: nil, defaultSource: defaultSource)
        } catch let errors as FieldErrors {
            return try await req.renderPage("customers/import", titleKey: "import.title", Page(errors: errors.messages, form: form), status: .unprocessableEntity)
        }
        let duplicates = try await CustomerImporter(database: req.db).duplicateLines(in: plan)
        let checkOnly = form.step != "import"
        if checkOnly || !plan.problems.isEmpty {
            let report = req.importReport(plan, encoding: encoding, duplicates: duplicates, dryRun: true, outcome: nil)
            return try await req.renderPage("customers/import", titleKey: "import.title", Page(report: report, form: form), status: plan.problems.isEmpty ? .ok : .unprocessableEntity)
        }
        // The import runs on after this response; the progress page follows it.
        let jobID = UUID().uuidString.lowercased()
        let jobs = req.application.importJobs
        // Only values cross into the task: models and the request stay with this request.
        let staffID = staff.id
        await jobs.start(jobID, total: plan.rows.count, ownerID: staffID)
        let context = req.auditContext
        let logger = req.logger
        let importer = CustomerImporter(database: req.application.db)
        Task {
            do {
                let outcome = try await importer.run(plan, handling: handling, responsibleStaffID: staffID, jobLabel: "import-\(jobID.prefix(8))",
                                                     context: context) { done in await jobs.progress(jobID, done: done) }
                let report = ImportReport(encoding: encoding.rawValue, mapping: [:], totalRows: plan.totalRows, validRows: plan.rows.count,
                                          problems: [], duplicateLines: duplicates.keys.sorted(), dryRun: false, created: outcome.created,
                                          skippedLines: outcome.skippedLines)
                await jobs.finish(jobID, report: report)
            } catch {
                logger.error("import \(jobID) failed: \(error)")
                await jobs.fail(jobID)
            }
        }
        return req.redirect(to: "/customers/import/jobs/\(jobID)", redirectType: .normal)
    }

    @Sendable func job(req: Request) async throws -> Response {
        guard let id = req.parameters.get("job"), let snapshot = await req.application.importJobs.snapshot(id),
              snapshot.ownerID == req.staff?.id || req.staff?.roleValue == .supervisor
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
        return try await req.renderPage("customers/import", titleKey: "import.title", page)
    }
}
