import Fluent
import SQLKit

/// Contracts (R3.4): the contract, its document checklist, its clauses and the customer's questions
/// about them, its obligations and the reminders given to the customer about them. Frozen once
/// landed: add a new migration for any change.
struct CreateContracts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contracts")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("project_id", .int, .references("projects", "id"))
            // The version of the project's facts the terms were based on (R1.2).
            .field("project_version", .int)
            .field("type", .string, .required)
            .field("title", .string, .required)
            .field("amount_yuan", .int64, .required)
            // The installments as JSON: [{label, amount, dueOn}], adding up to amount_yuan.
            .field("payment_plan", .string, .required)
            .field("parties", .string, .required)
            .field("staff_id", .int, .references("staff", "id"))
            // The departments involved: 法务部 reviews, 财务部 receives payments, 工程管理部 for site work.
            .field("legal_department_id", .int, .references("departments", "id"))
            .field("finance_department_id", .int, .references("departments", "id"))
            .field("engineering_department_id", .int, .references("departments", "id"))
            .field("state", .string, .required)
            .field("state_changed_at", .datetime, .required)
            .field("cancel_reason", .string)
            .field("review_status", .string, .required)
            .field("review_forwarded_at", .datetime)
            .field("review_answered_at", .datetime)
            .field("review_staff_id", .int, .references("staff", "id"))
            .field("review_comment", .string)
            .field("terms_confirmed_at", .datetime)
            .field("terms_confirmation", .string)
            .field("signed_on", .string)
            .field("signed_place", .string)
            .field("signatories", .string)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        try await database.schema("contract_checklist_items")
            .field("id", .int, .identifier(auto: true))
            .field("contract_id", .int, .required, .references("contracts", "id"))
            .field("position", .int, .required)
            // A template's document (`business_license`, its label localized) or a name typed in.
            .field("code", .string, .required)
            .field("name", .string)
            .field("is_required", .bool, .required)
            .field("status", .string, .required)
            .field("reason", .string)
            .field("updated_by_staff_id", .int, .references("staff", "id"))
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("contract_clauses")
            .field("id", .int, .identifier(auto: true))
            .field("contract_id", .int, .required, .references("contracts", "id"))
            .field("position", .int, .required)
            .field("code", .string, .required)
            .field("name", .string)
            .field("explained_at", .datetime)
            .field("explained_by_staff_id", .int, .references("staff", "id"))
            .field("note", .string)
            .create()
        try await database.schema("contract_questions")
            .field("id", .int, .identifier(auto: true))
            .field("contract_id", .int, .required, .references("contracts", "id"))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("clause_id", .int, .references("contract_clauses", "id"))
            .field("question", .string, .required)
            .field("answer", .string)
            .field("asked_at", .datetime, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .create()
        try await database.schema("contract_obligations")
            .field("id", .int, .identifier(auto: true))
            .field("contract_id", .int, .required, .references("contracts", "id"))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("kind", .string, .required)
            .field("party", .string, .required)
            .field("title", .string, .required)
            .field("due_on", .string, .required)
            .field("amount_yuan", .int64)
            .field("remind_days_before", .int, .required)
            // The day reminders start (due_on − remind_days_before), and the days the specialist was
            // reminded: the scheduler reads only obligations with a reminder still to give.
            .field("remind_on", .string, .required)
            .field("due_soon_reminded_on", .string)
            .field("overdue_reminded_on", .string)
            .field("staff_id", .int, .references("staff", "id"))
            .field("done_at", .datetime)
            .field("done_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.schema("obligation_notices")
            .field("id", .int, .identifier(auto: true))
            .field("obligation_id", .int, .required, .references("contract_obligations", "id"))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("channel", .string, .required)
            .field("content", .string, .required)
            .field("given_at", .datetime, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .create()
        let sql = try database.sql()
        // The list: everyone's or one person's, by state, newest change first; a page stops early.
        try await sql.raw("CREATE INDEX contracts_staff ON contracts (staff_id, updated_at, id)").run()
        try await sql.raw("CREATE INDEX contracts_state ON contracts (state, updated_at, id)").run()
        try await sql.raw("CREATE INDEX contracts_updated ON contracts (updated_at, id)").run()
        try await sql.raw("CREATE INDEX contracts_customer ON contracts (customer_id)").run()
        try await sql.raw("CREATE INDEX contracts_project ON contracts (project_id, updated_at)").run()
        try await sql.raw(
            "CREATE INDEX contracts_review ON contracts (legal_department_id, review_forwarded_at) WHERE review_status <> 'none'"
        ).run()
        try await sql.raw(
            "CREATE INDEX contract_checklist_items_contract ON contract_checklist_items (contract_id, position)"
        ).run()
        try await sql.raw("CREATE INDEX contract_clauses_contract ON contract_clauses (contract_id, position)").run()
        try await sql.raw("CREATE INDEX contract_questions_contract ON contract_questions (contract_id, asked_at)")
            .run()
        try await sql.raw("CREATE INDEX contract_questions_customer ON contract_questions (customer_id)").run()
        // Open obligations by due day (the overdue and this-week lists, the scheduler's scan), per person too.
        try await sql.raw(
            "CREATE INDEX contract_obligations_open_due ON contract_obligations (due_on, id) WHERE done_at IS NULL"
        ).run()
        try await sql.raw(
            "CREATE INDEX contract_obligations_staff_due ON contract_obligations (staff_id, due_on) WHERE done_at IS NULL"
        ).run()
        try await sql.raw(
            """
            CREATE INDEX contract_obligations_due_soon ON contract_obligations (remind_on) WHERE done_at IS NULL AND due_soon_reminded_on IS NULL
            """
        ).run()
        try await sql.raw(
            """
            CREATE INDEX contract_obligations_overdue ON contract_obligations (due_on) WHERE done_at IS NULL AND overdue_reminded_on IS NULL
            """
        ).run()
        try await sql.raw("CREATE INDEX contract_obligations_contract ON contract_obligations (contract_id, due_on)")
            .run()
        try await sql.raw("CREATE INDEX contract_obligations_customer ON contract_obligations (customer_id)").run()
        try await sql.raw("CREATE INDEX obligation_notices_obligation ON obligation_notices (obligation_id, given_at)")
            .run()
        try await sql.raw("CREATE INDEX obligation_notices_customer ON obligation_notices (customer_id)").run()
    }

    func revert(on database: any Database) async throws {
        for table in [
            "obligation_notices", "contract_obligations", "contract_questions", "contract_clauses",
            "contract_checklist_items", "contracts",
        ] {
            try await database.schema(table).delete()
        }
    }
}

/// Issue 9 §2: an obligation and a procedure's step change through the one write path, which stamps
/// `updated_at`; obligations had no such column and steps no times at all (they take their
/// procedure's). Frozen once landed.
struct AddTimesToContractParts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("contract_obligations").field("updated_at", .datetime).update()
        try await database.sql().raw("UPDATE contract_obligations SET updated_at = COALESCE(done_at, created_at)").run()
        // SQLite adds one column per statement.
        for column in ["created_at", "updated_at"] {
            try await database.schema("procedure_steps").field(.string(column), .datetime).update()
        }
        try await database.sql().raw(
            """
            UPDATE procedure_steps SET created_at = (SELECT created_at FROM procedures WHERE procedures.id = procedure_steps.procedure_id),
                updated_at = (SELECT updated_at FROM procedures WHERE procedures.id = procedure_steps.procedure_id)
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contract_obligations").deleteField("updated_at").update()
        for column in ["created_at", "updated_at"] {
            try await database.schema("procedure_steps").deleteField(.string(column)).update()
        }
    }
}
