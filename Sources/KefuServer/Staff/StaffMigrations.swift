import Fluent
import Foundation
import SQLKit

/// Frozen: never edit once landed; add a new migration instead.
struct CreateDepartments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("departments")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("is_customer_service", .bool, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("departments").delete()
    }
}

/// The customer service department exists from the first start: every other record hangs on it.
struct SeedCustomerServiceDepartment: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let department = DepartmentModel(
            code: "customer_service", name: "客服部", isCustomerService: true, createdAt: Date())
        try await department.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await DepartmentModel.query(on: database).filter(\.$code == "customer_service").delete()
    }
}

struct CreateStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("staff")
            .field("id", .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("display_name", .string, .required)
            .field("department_id", .int, .required, .references("departments", "id"))
            .field("role", .string, .required)
            .field("language", .string, .required)
            .field("is_active", .bool, .required)
            .field("password_hash", .string, .required)
            .field("password_changed_at", .datetime, .required)
            .field("last_sign_in_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "username")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX staff_department_role ON staff (department_id, role)").run()
        // R2.1: at most one active supervisor per department, enforced by the database as well, so
        // two administrators saving at the same moment cannot both succeed.
        try await sql.raw(
            "CREATE UNIQUE INDEX staff_one_active_supervisor ON staff (department_id) WHERE role = 'supervisor' AND is_active = true"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("staff").delete()
    }
}

/// Issue 9 §2: a department's rename goes through the one write path, which stamps `updated_at` like
/// every record's. Departments had only `created_at`; existing rows start from it.
/// Frozen: never edit once landed; add a new migration instead.
struct AddUpdatedAtToDepartments: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("departments").field("updated_at", .datetime).update()
        try await database.sql().raw("UPDATE departments SET updated_at = created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("departments").deleteField("updated_at").update()
    }
}
