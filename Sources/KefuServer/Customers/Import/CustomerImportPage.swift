import KefuDomain

/// The import pages' view model: the upload's options, the check's report and column mapping, the job's progress.
extension CustomerImportController {
    struct Column: Encodable {
        var index: Int
        var header: String
        var options: [ChoiceOption]
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
        var uploadToken: String?
        var columns: [Column] = []
        var hasColumns = false
        /// The owner rules the importer may choose from (the supervisor); a specialist's files are their own.
        var owners: [ChoiceOption] = []
        var canChooseOwner = false

        init(errors: [String: String] = [:], report: ImportReport? = nil, form: UploadForm? = nil) {
            encodings = ChoiceOption.list(
                ["auto", "utf8", "utf8-bom", "gb18030"], labelPrefix: "import.encoding",
                selected: form?.encoding ?? "auto")
            sources = ChoiceOption.list(
                SourceChannel.allCases.map(\.rawValue), labelPrefix: "customer.source",
                selected: form?.defaultSource ?? "phone")
            duplicateChoices = ChoiceOption.list(
                CustomerImporter.DuplicateHandling.allCases.map(\.rawValue), labelPrefix: "import.duplicates",
                selected: form?.duplicates ?? "skip")
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
            uploadToken = nil
        }
    }
}
