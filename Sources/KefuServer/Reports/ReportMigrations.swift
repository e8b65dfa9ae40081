import Fluent
import SQLKit

/// Indexes the dashboard's period figures read (issue 16): a period's inquiries by channel, follow-ups by
/// due time with their person and completion, complaints by category — each a range on the first column,
/// the rest read from the index without the table.
struct CreateReportIndexes: AsyncMigration {
    static let indexes = [
        "CREATE INDEX inquiries_received_channel ON inquiries (received_at, channel)",
        "CREATE INDEX follow_ups_due_staff ON follow_ups (due_at, staff_id, completed_at)",
        "CREATE INDEX complaints_received_category ON complaints (received_at, category)",
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        for statement in Self.indexes { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for index in ["inquiries_received_channel", "follow_ups_due_staff", "complaints_received_category"] {
            try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
        }
    }
}

/// Indexes of the service figures, the step times and the needs analysis (issue 16 §2, R1.4, R2.2): inquiries by the time received
/// with person and first answer (weekday, hour, response time), promised replies by their deadline, and
/// each step by the moment it was completed with the moment it started, so a period's steps are a range
/// read from the index alone; new customers by when they came with the needs they stated, reactions by when given.
struct CreateServiceReportIndexes: AsyncMigration {
    static let indexes = [
        ("inquiries_received_staff_answer", "inquiries (received_at, staff_id, first_answered_at)"),
        ("inquiries_promised_staff", "inquiries (promised_by, staff_id, replied_at)"),
        ("inquiries_first_answered", "inquiries (first_answered_at, received_at)"),
        ("inquiries_replied", "inquiries (replied_at, first_answered_at, promised_by)"),
        ("complaints_first_responded", "complaints (first_responded_at, received_at)"),
        ("complaints_resolved", "complaints (resolved_at, received_at)"),
        ("complaint_forwards_answered", "complaint_forwards (answered_at, created_at)"),
        ("contracts_signed_on", "contracts (signed_on, customer_id, state, project_id, amount_yuan)"),
        ("customer_changes_field_value", "customer_changes (field, new_value, customer_id, changed_at)"),
        (
            "customers_created_needs",
            "customers (created_at, merged_into_id, province, timing, budget_max_yuan, budget_min_yuan, industries)"
        ),
        ("recommendations_reaction_at", "recommendations (reaction_at, reaction, project_id)"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        for (name, target) in Self.indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: name) ON \(unsafeRaw: target)").run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        for (name, _) in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run() }
    }
}

/// New customers who stated an industry, by when they came (issue 16 §4 drill-down): the list behind an industry's bar
/// reads these newest first, and files without an industry — an import of a hundred thousand brings them — are not in
/// the index to be skipped one by one. Partial, so `NeedsFigures.source` repeats its condition word for word.
struct AddCustomerIndustryIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw(
            """
            CREATE INDEX customers_created_industries ON customers (created_at, merged_into_id, industries)
            WHERE industries IS NOT NULL AND industries <> ''
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX IF EXISTS customers_created_industries").run()
    }
}
