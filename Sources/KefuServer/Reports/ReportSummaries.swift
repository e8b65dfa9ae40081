import Fluent
import Foundation
import SQLKit
import Vapor

/// Per-day counts behind the supervisor's dashboard (issue 16 "Speed"): a year of a million customers'
/// records is too much to count per request, so each summary keeps, per office day and key, what its
/// figure counts. The database keeps them: a trigger on the record's table adds a row's contribution and
/// takes back the old one in the same statement, so every write path — the stores, merges, erasure,
/// plain SQL of imports and the bench generators — keeps them in step without knowing of them, and a
/// write that does not touch a summarized column costs nothing. `kefu summaries rebuild` recounts them.
struct ReportSummary: Sendable {
    /// A key column: its name and its value on a record row (`r` stands for the row: NEW, OLD or the table).
    var keys: [(name: String, type: String, value: @Sendable (String, DatabaseDialect) -> String)]
    /// A summed column and a record row's contribution to it.
    var values: [(name: String, type: String, value: @Sendable (String, DatabaseDialect) -> String)]
    var table: String
    var source: String
    /// Which rows count at all.
    var condition: @Sendable (String) -> String
    /// The record columns the summary reads: an update of none of them is no change.
    var watched: [String]
    /// A count of changes rather than of rows: the old row's contribution is added too, not taken back.
    var countsChanges = false
    /// Rows kept in key order (SQLite's `WITHOUT ROWID`): a range of keys reads its values without a second lookup.
    var clustered = false

    static func day(_ column: String) -> @Sendable (String, DatabaseDialect) -> String {
        { row, dialect in ReportSQL.localDayText("\(row).\(column)", dialect) }
    }

    static func nonNull(_ column: String) -> @Sendable (String, DatabaseDialect) -> String {
        { row, _ in "COALESCE(\(row).\(column), 0)" }
    }

    static func plain(_ column: String) -> @Sendable (String, DatabaseDialect) -> String {
        { row, _ in "\(row).\(column)" }
    }

    static let one: @Sendable (String, DatabaseDialect) -> String = { _, _ in "1" }

    /// Live customer files by stage and responsible person (0: nobody) — the funnel.
    static let customerStages = ReportSummary(
        keys: [("stage", "TEXT", plain("stage")), ("staff_id", "BIGINT", nonNull("responsible_staff_id"))],
        values: [("n", "BIGINT", one)],
        table: "report_customer_stages", source: "customers", condition: { "\($0).merged_into_id IS NULL" },
        watched: ["stage", "responsible_staff_id", "merged_into_id"])

    /// Inquiries received per office day and channel — channels, weekdays, the period's count.
    static let inquiryChannels = ReportSummary(
        keys: [("day", "BIGINT", day("received_at")), ("channel", "TEXT", plain("channel"))],
        values: [("received", "BIGINT", one)],
        table: "report_inquiry_channel_days", source: "inquiries", condition: { _ in "TRUE" },
        watched: ["received_at", "channel"])

    /// Inquiries received per office day and hour.
    static let inquiryHours = ReportSummary(
        keys: [
            ("day", "BIGINT", day("received_at")),
            ("hour", "BIGINT", { row, dialect in ReportSQL.localHourText("\(row).received_at", dialect) }),
        ],
        values: [("received", "BIGINT", one)],
        table: "report_inquiry_hour_days", source: "inquiries", condition: { _ in "TRUE" }, watched: ["received_at"])

    /// Inquiries received per office day and person (0: nobody) that were answered, and the seconds to their first answers.
    static let inquiryAnswers = ReportSummary(
        keys: [("day", "BIGINT", day("received_at")), ("staff_id", "BIGINT", nonNull("staff_id"))],
        values: [
            ("answered", "BIGINT", one),
            (
                "seconds", "DOUBLE PRECISION",
                { row, dialect in
                    "(" + ReportSQL.epochText("\(row).first_answered_at", dialect) + " - "
                        + ReportSQL.epochText("\(row).received_at", dialect) + ")"
                }
            ),
        ],
        table: "report_inquiry_answer_days", source: "inquiries", condition: { "\($0).first_answered_at IS NOT NULL" },
        watched: ["received_at", "staff_id", "first_answered_at"])

    /// Follow-ups per due day and person (0: nobody): due, done by their due time, not done yet.
    static let followUps = ReportSummary(
        keys: [("day", "BIGINT", day("due_at")), ("staff_id", "BIGINT", nonNull("staff_id"))],
        values: [
            ("due", "BIGINT", one),
            (
                "on_time", "BIGINT",
                { row, _ in
                    "CASE WHEN \(row).completed_at IS NOT NULL AND \(row).completed_at <= \(row).due_at THEN 1 ELSE 0 END"
                }
            ),
            ("pending", "BIGINT", { row, _ in "CASE WHEN \(row).completed_at IS NULL THEN 1 ELSE 0 END" }),
        ],
        table: "report_follow_up_days", source: "follow_ups", condition: { "\($0).due_at IS NOT NULL" },
        watched: ["due_at", "staff_id", "completed_at"])

    /// Complaints received per office day, category and severity.
    static let complaints = ReportSummary(
        keys: [
            ("day", "BIGINT", day("received_at")), ("category", "TEXT", plain("category")),
            ("severity", "TEXT", plain("severity")),
        ],
        values: [("received", "BIGINT", one)],
        table: "report_complaint_days", source: "complaints", condition: { _ in "TRUE" },
        watched: ["received_at", "category", "severity"])

    /// Complaints forwarded to each department, per office day of the complaint's receipt: a complaint
    /// counts once per department, by its first forward there. Forwards are added and answered, never
    /// deleted or moved to another department, and a complaint's receipt never changes; a write that did
    /// so by hand would need `kefu summaries rebuild`.
    static let complaintForwards = ReportSummary(
        keys: [
            (
                "day", "BIGINT",
                { row, dialect in
                    ReportSQL.localDayText(
                        "(SELECT received_at FROM complaints WHERE complaints.id = \(row).complaint_id)", dialect)
                }
            ),
            ("department_id", "BIGINT", plain("department_id")),
        ],
        values: [("complaints", "BIGINT", one)],
        table: "report_complaint_forward_days", source: "complaint_forwards",
        condition: { row in
            "NOT EXISTS (SELECT 1 FROM complaint_forwards earlier WHERE earlier.complaint_id = \(row).complaint_id "
                + "AND earlier.department_id = \(row).department_id AND earlier.id < \(row).id)"
        },
        watched: ["complaint_id", "department_id"])

    /// Office days whose complaints changed since their severity figures (``ComplaintSeverityDays``) were
    /// counted: a change count per day, so a recount that raced with a write is not taken as current.
    static let complaintChanges = ReportSummary(
        keys: [("day", "BIGINT", day("received_at"))],
        values: [("changes", "BIGINT", one)],
        table: "report_complaint_changed_days", source: "complaints", condition: { _ in "TRUE" },
        watched: ["received_at", "severity", "resolved_at"], countsChanges: true)

    /// The dashboard's summaries, created by ``CreateReportSummaries``.
    static let dashboard = [
        customerStages, inquiryChannels, inquiryHours, inquiryAnswers, followUps, complaints, complaintForwards,
        complaintChanges,
    ]

    /// Every summary, as `kefu summaries rebuild` recounts them.
    static var all: [ReportSummary] {
        dashboard + StepTimeSummaries.summaries + NeedsSummaries.summaries + PartnerSummaries.summaries
            + ReplySummaries.summaries + MonthSummaries.summaries + ContractSummaries.summaries
            + TrendSummaries.summaries
    }

    /// Creates the summaries' tables, fills them from the records and adds their triggers (a migration's work).
    static func create(_ summaries: [ReportSummary], on database: any Database) async throws {
        let sql = try database.sql()
        for summary in summaries {
            try await sql.raw(SQLQueryString(summary.createTable(database.dialect))).run()
            try await sql.raw(SQLQueryString(summary.fill(database.dialect))).run()
            for statement in summary.triggers(database.dialect) { try await sql.raw(SQLQueryString(statement)).run() }
        }
    }

    static func drop(_ summaries: [ReportSummary], on database: any Database) async throws {
        let sql = try database.sql()
        for summary in summaries {
            for statement in summary.dropTriggers(database.dialect) {
                try await sql.raw(SQLQueryString(statement)).run()
            }
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: summary.table)").run()
        }
    }

    // MARK: Statements

    private var keyNames: String { keys.map(\.name).joined(separator: ", ") }
    private var columnNames: String { (keys.map(\.name) + values.map(\.name)).joined(separator: ", ") }

    func createTable(_ dialect: DatabaseDialect) -> String {
        let columns = keys.map { "\($0.name) \($0.type) NOT NULL" } + values.map { "\($0.name) \($0.type) NOT NULL" }
        let clustering = clustered && dialect == .sqlite ? " WITHOUT ROWID" : ""
        return "CREATE TABLE \(table) (\(columns.joined(separator: ", ")), PRIMARY KEY (\(keyNames)))\(clustering)"
    }

    /// Adds (sign "+") or takes back (sign "-") a row's contribution: one UPSERT.
    private func upsert(_ row: String, sign: String, _ dialect: DatabaseDialect, guarded: Bool) -> String {
        let selected = keys.map { $0.value(row, dialect) } + values.map { "\(sign)(\($0.value(row, dialect)))" }
        let add = values.map { "\($0.name) = \(table).\($0.name) + excluded.\($0.name)" }.joined(separator: ", ")
        // SQLite's trigger body has no IF: the row's condition is the SELECT's WHERE.
        let body =
            guarded
            ? "SELECT \(selected.joined(separator: ", ")) WHERE \(condition(row))"
            : "VALUES (\(selected.joined(separator: ", ")))"
        return "INSERT INTO \(table) (\(columnNames)) \(body) ON CONFLICT (\(keyNames)) DO UPDATE SET \(add)"
    }

    private var takeBack: String { countsChanges ? "+" : "-" }

    /// The trigger(s) that keep the summary in step with its records' table.
    func triggers(_ dialect: DatabaseDialect) -> [String] {
        switch dialect {
        case .sqlite:
            return [
                "CREATE TRIGGER \(table)_insert AFTER INSERT ON \(source) WHEN \(condition("NEW")) BEGIN \(upsert("NEW", sign: "+", dialect, guarded: false)); END",
                "CREATE TRIGGER \(table)_delete AFTER DELETE ON \(source) WHEN \(condition("OLD")) BEGIN \(upsert("OLD", sign: takeBack, dialect, guarded: false)); END",
                sqliteUpdateTrigger,
            ]
        case .postgres:
            let changed = watched.map { "OLD.\($0) IS DISTINCT FROM NEW.\($0)" }.joined(separator: " OR ")
            return [
                """
                CREATE OR REPLACE FUNCTION \(table)_keep() RETURNS trigger AS $$
                BEGIN
                  IF TG_OP = 'UPDATE' THEN
                    IF NOT (\(changed)) THEN RETURN NULL; END IF;
                  END IF;
                  IF TG_OP IN ('UPDATE', 'DELETE') THEN
                    IF \(condition("OLD")) THEN \(upsert("OLD", sign: takeBack, dialect, guarded: false)); END IF;
                  END IF;
                  IF TG_OP IN ('UPDATE', 'INSERT') THEN
                    IF \(condition("NEW")) THEN \(upsert("NEW", sign: "+", dialect, guarded: false)); END IF;
                  END IF;
                  RETURN NULL;
                END $$ LANGUAGE plpgsql
                """,
                "CREATE TRIGGER \(table)_keep AFTER INSERT OR UPDATE OR DELETE ON \(source) FOR EACH ROW EXECUTE FUNCTION \(table)_keep()",
            ]
        }
    }

    /// `UPDATE OF` the watched columns, not every UPDATE: SQLite compiles a statement's triggers each time
    /// it prepares it, and an update of other columns (a file's `updated_at` after every conversation)
    /// then skips this one without compiling it (issue 18 §9).
    var sqliteUpdateTrigger: String {
        let changed = watched.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
        return "CREATE TRIGGER \(table)_update AFTER UPDATE OF \(watched.joined(separator: ", ")) ON \(source) "
            + "WHEN \(changed) BEGIN "
            + "\(upsert("OLD", sign: takeBack, .sqlite, guarded: true)); \(upsert("NEW", sign: "+", .sqlite, guarded: true)); END"
    }

    func dropTriggers(_ dialect: DatabaseDialect) -> [String] {
        switch dialect {
        case .sqlite: ["insert", "delete", "update"].map { "DROP TRIGGER IF EXISTS \(table)_\($0)" }
        case .postgres:
            ["DROP TRIGGER IF EXISTS \(table)_keep ON \(source)", "DROP FUNCTION IF EXISTS \(table)_keep()"]
        }
    }

    /// Recounts the summary from its records.
    func fill(_ dialect: DatabaseDialect) -> String {
        "INSERT INTO \(table) (\(columnNames)) \(recount(dialect))"
    }

    /// The summary's rows counted from the records, its columns by name.
    func recount(_ dialect: DatabaseDialect) -> String {
        let groups = keys.indices.map { String($0 + 1) }.joined(separator: ", ")
        let selected =
            keys.map { "\($0.value(source, dialect)) AS \($0.name)" }
            + values.map { "CAST(SUM(\($0.value(source, dialect))) AS \($0.type)) AS \($0.name)" }
        return "SELECT \(selected.joined(separator: ", ")) FROM \(source) WHERE \(condition(source)) GROUP BY \(groups)"
    }

    var columns: [String] { keys.map(\.name) + values.map(\.name) }

    /// Recounts every summary from the records (`kefu summaries rebuild`), in one transaction.
    static func rebuild(on database: any Database) async throws {
        try await database.writeTransaction { db in
            let sql = try db.sql()
            for summary in all {
                try await sql.raw("DELETE FROM \(unsafeRaw: summary.table)").run()
                try await sql.raw(SQLQueryString(summary.fill(db.dialect))).run()
            }
            // Every day's severity figures are recounted when next read.
            try await sql.raw("DELETE FROM report_complaint_severity_days").run()
        }
    }
}

/// Creates the report summaries, their triggers, and fills them from the records already there.
struct CreateReportSummaries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await ReportSummary.create(ReportSummary.dashboard, on: database)
        let sql = try database.sql()
        for statement in ComplaintSeverityDays.tables { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        try await ReportSummary.drop(ReportSummary.dashboard, on: database)
        let sql = try database.sql()
        for table in ["report_complaint_severity_days", "report_summary_stamps"] {
            try await sql.raw("DROP TABLE IF EXISTS \(unsafeRaw: table)").run()
        }
    }
}

extension ConsoleOperations {
    /// `kefu summaries rebuild`.
    package static func rebuildReportSummaries(_ app: Application) async throws {
        try await ReportSummary.rebuild(on: app.db)
    }
}
