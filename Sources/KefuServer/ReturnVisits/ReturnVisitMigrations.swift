import Fluent
import SQLKit

/// Return visits (回访, R4.3 #3, issue 13 §7) and feedback and suggestions (issue 13 §6): the visits due
/// and done, the problems raised at each (each opened as a complaint or a feedback), the supervisor's
/// settings, and the feedback forwarded to departments. Frozen once landed.
struct CreateReturnVisits: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await database.schema("return_visit_settings")
            .field("id", .int, .identifier(auto: false))
            .field("days_a", .int, .required)
            .field("days_b", .int, .required)
            .field("days_c", .int, .required)
            .field("days_d", .int, .required)
            .field("ungraded_days", .int, .required)
            .field("low_score", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("return_visits")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            // The specialist responsible for the customer when the visit was opened.
            .field("staff_id", .int, .references("staff", "id"))
            // scheduled | low_score
            .field("reason", .string, .required)
            // The survey whose low score opened the visit.
            .field("survey_id", .int, .references("surveys", "id"))
            .field("due_at", .datetime, .required)
            // due | done
            .field("state", .string, .required)
            .field("done_at", .datetime)
            .field("channel", .string)
            .field("satisfaction", .int)
            .field("cooperation", .string)
            .field("notes", .string)
            .field("done_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        // One visit due per customer at a time: the scheduler's insert cannot make a second.
        try await sql.raw(
            "CREATE UNIQUE INDEX return_visits_one_due ON return_visits (customer_id) WHERE state = 'due'"
        ).run()
        // The overdue scan and the lists: visits due by due time, all and per person.
        try await sql.raw("CREATE INDEX return_visits_due ON return_visits (due_at, id) WHERE state = 'due'").run()
        try await sql.raw(
            "CREATE INDEX return_visits_staff_due ON return_visits (staff_id, due_at, id) WHERE state = 'due'"
        ).run()
        try await sql.raw("CREATE INDEX return_visits_customer ON return_visits (customer_id, done_at)").run()
        try await sql.raw(
            "CREATE UNIQUE INDEX return_visits_survey ON return_visits (survey_id) WHERE survey_id IS NOT NULL"
        ).run()
        try await database.schema("feedback")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("customer_id", .int, .required, .references("customers", "id"))
            // opinion | suggestion
            .field("kind", .string, .required)
            // project | service
            .field("topic", .string, .required)
            .field("project_id", .int, .references("projects", "id"))
            .field("content", .string, .required)
            // The specialist responsible.
            .field("staff_id", .int, .references("staff", "id"))
            .field("return_visit_id", .int, .references("return_visits", "id"))
            // recorded | forwarded | answered | closed
            .field("state", .string, .required)
            .field("department_id", .int, .references("departments", "id"))
            .field("request", .string)
            .field("due_at", .datetime)
            .field("forwarded_at", .datetime)
            .field("chased_at", .datetime)
            .field("response", .string)
            .field("responded_at", .datetime)
            .field("responded_by_staff_id", .int, .references("staff", "id"))
            .field("closed_at", .datetime)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        try await sql.raw("CREATE INDEX feedback_created ON feedback (created_at, id)").run()
        try await sql.raw("CREATE INDEX feedback_staff ON feedback (staff_id, created_at, id)").run()
        try await sql.raw("CREATE INDEX feedback_department ON feedback (department_id, state, due_at)").run()
        try await sql.raw("CREATE INDEX feedback_project ON feedback (project_id, created_at)").run()
        try await sql.raw("CREATE INDEX feedback_customer ON feedback (customer_id, created_at)").run()
        try await database.schema("return_visit_problems")
            .field("id", .int, .identifier(auto: true))
            .field("return_visit_id", .int, .required, .references("return_visits", "id"))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("text", .string, .required)
            // complaint | feedback
            .field("route", .string, .required)
            .field("complaint_id", .int, .references("complaints", "id"))
            .field("feedback_id", .int, .references("feedback", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await sql.raw("CREATE INDEX return_visit_problems_visit ON return_visit_problems (return_visit_id, id)")
            .run()
        try await sql.raw("CREATE INDEX return_visit_problems_customer ON return_visit_problems (customer_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in ["return_visit_problems", "feedback", "return_visits", "return_visit_settings"] {
            try await database.schema(table).delete()
        }
    }
}

/// The return-visit scan reads the partners and signed customers without a visit due: a partial
/// covering index holds just them (about one customer in eight), so the scan reads a compact index and
/// the small index of due visits instead of every such customer's row across the table (5 s at a
/// million customers, 80 ms with it).
struct CreateReturnVisitCandidateIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw(
            """
            CREATE INDEX customers_return_visit_candidates
            ON customers (stage, merged_into_id, anonymized_at, id, grade, created_at, responsible_staff_id)
            WHERE stage IN ('signed', 'partner') AND merged_into_id IS NULL AND anonymized_at IS NULL
            """
        ).run()
        try await SQLiteStatistics.analyze(indexes: ["customers_return_visit_candidates"], on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX customers_return_visit_candidates").run()
    }
}
