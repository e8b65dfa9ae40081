import Fluent
import SQLKit

/// The department's monthly reports (issue 16 §6): one per department and month, the supervisor's text
/// sections, and — once issued — the figures as they were then (JSON), who issued it and when.
struct CreateMonthlyReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("monthly_reports")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("month", .string, .required)
            .field("summary", .string, .required)
            .field("problems", .string, .required)
            .field("next_plan", .string, .required)
            .field("state", .string, .required)
            // NULL while a draft: a draft shows the live figures.
            .field("figures", .string)
            .field("issued_at", .datetime)
            .field("issued_by_staff_id", .int, .references("staff", "id"))
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "number")
            .unique(on: "department_id", "month")
            .create()
        try await database.sql().raw("CREATE INDEX monthly_reports_month ON monthly_reports (month, id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("monthly_reports").delete()
    }
}
