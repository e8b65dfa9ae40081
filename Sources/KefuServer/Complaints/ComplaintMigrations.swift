import Fluent
import SQLKit

/// Complaints (issue 13, R3.5): the complaint, the spans its clock was paused, the requests forwarded
/// to departments, every update given to the customer, the time limits per severity and the
/// categories. Frozen once landed: add a new migration for any change.
struct CreateComplaints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("complaint_categories")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("position", .int, .required)
            .field("is_active", .bool, .required)
            .unique(on: "code")
            .create()
        try await database.schema("complaint_time_limits")
            .field("severity", .string, .required)
            .field("first_response_hours", .double, .required)
            .field("update_hours", .double, .required)
            .field("resolution_hours", .double, .required)
            .field("version", .int, .required)
            .unique(on: "severity")
            .create()
        let sql = try database.sql()
        for (severity, first, update, resolution) in [
            ("urgent", 2.0, 4.0, 24.0), ("major", 4.0, 8.0, 72.0), ("normal", 8.0, 24.0, 120.0),
        ] {
            try await sql.raw(
                """
                INSERT INTO complaint_time_limits (severity, first_response_hours, update_hours, resolution_hours, version)
                VALUES (\(bind: severity), \(bind: first), \(bind: update), \(bind: resolution), 1)
                """
            ).run()
        }
        try await database.schema("complaints")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("channel", .string, .required)
            .field("received_at", .datetime, .required)
            .field("description", .string, .required)
            .field("demands", .string, .required)
            .field("category", .string, .required)
            .field("severity", .string, .required)
            .field("project_id", .int, .references("projects", "id"))
            .field("contract_id", .int, .references("contracts", "id"))
            .field("acknowledged", .bool, .required)
            .field("apologised", .bool, .required)
            // The specialist responsible.
            .field("staff_id", .int, .references("staff", "id"))
            .field("state", .string, .required)
            .field("state_changed_at", .datetime, .required)
            .field("first_responded_at", .datetime)
            .field("last_told_at", .datetime)
            .field("outcome_told_at", .datetime)
            .field("customer_accepts", .bool)
            .field("resolved_at", .datetime)
            .field("closed_at", .datetime)
            .field("reopen_count", .int, .required)
            .field("reopen_reason", .string)
            // The earliest open deadline, kept by every write and the scan, for the list's order and the
            // scheduler's index; null while paused or closed.
            .field("next_due_at", .datetime)
            .field("escalation_level", .int, .required)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .create()
        try await sql.raw("CREATE INDEX complaints_customer ON complaints (customer_id, received_at)").run()
        try await sql.raw("CREATE INDEX complaints_staff ON complaints (staff_id, received_at, id)").run()
        try await sql.raw("CREATE INDEX complaints_received ON complaints (received_at, id)").run()
        try await sql.raw("CREATE INDEX complaints_open ON complaints (state, received_at) WHERE state <> 'closed'")
            .run()
        try await database.schema("complaint_pauses")
            .field("id", .int, .identifier(auto: true))
            .field("complaint_id", .int, .required, .references("complaints", "id"))
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("reason", .string, .required)
            .create()
        try await sql.raw("CREATE INDEX complaint_pauses_complaint ON complaint_pauses (complaint_id, started_at)")
            .run()
        try await database.schema("complaint_forwards")
            .field("id", .int, .identifier(auto: true))
            .field("complaint_id", .int, .required, .references("complaints", "id"))
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("request", .string, .required)
            // The department's own deadline.
            .field("due_at", .datetime, .required)
            // Whether the department needs the customer's contact details to act (shown to the liaison, audited).
            .field("needs_contact", .bool, .required)
            // open | answered | returned
            .field("status", .string, .required)
            .field("answer", .string)
            .field("answered_at", .datetime)
            .field("answered_by_staff_id", .int, .references("staff", "id"))
            .field("chased_at", .datetime)
            .field("forwarded_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await sql.raw("CREATE INDEX complaint_forwards_complaint ON complaint_forwards (complaint_id, id)").run()
        try await sql.raw(
            "CREATE INDEX complaint_forwards_department ON complaint_forwards (department_id, status, due_at)"
        ).run()
        try await database.schema("complaint_updates")
            .field("id", .int, .identifier(auto: true))
            .field("complaint_id", .int, .required, .references("complaints", "id"))
            .field("customer_id", .int, .required, .references("customers", "id"))
            // progress | outcome
            .field("kind", .string, .required)
            .field("channel", .string, .required)
            .field("content", .string, .required)
            // For an outcome: whether the customer accepts it.
            .field("customer_accepts", .bool)
            .field("told_at", .datetime, .required)
            .field("staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .create()
        try await sql.raw("CREATE INDEX complaint_updates_complaint ON complaint_updates (complaint_id, told_at)").run()
        for (position, (code, name)) in [
            ("service_attitude", "服务态度"), ("project_facts", "项目信息"), ("contract_performance", "合同履行"),
            ("procedures", "办事流程"), ("property_site", "物业/现场"), ("other", "其他"),
        ].enumerated() {
            try await sql.raw(
                """
                INSERT INTO complaint_categories (code, name, position, is_active) VALUES (\(bind: code), \(bind: name), \(bind: position + 1), \(bind: true))
                """
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "complaint_updates", "complaint_forwards", "complaint_pauses", "complaints", "complaint_time_limits",
            "complaint_categories",
        ] {
            try await database.schema(table).delete()
        }
    }
}
