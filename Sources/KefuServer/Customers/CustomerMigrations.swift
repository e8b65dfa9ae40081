import Fluent
import Foundation
import SQLKit

/// Frozen once landed: add a new migration for any change.
struct CreateCustomers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customers")
            .field("id", .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("kind", .string, .required)
            .field("name", .string, .required)
            .field("company_name", .string)
            .field("company_key", .string)
            .field("credit_code", .string)
            .field("mobile", .string)
            .field("mobile_last4", .string)
            .field("landline", .string)
            .field("email", .string)
            .field("wechat_id", .string)
            .field("province", .string)
            .field("city", .string)
            .field("address", .string)
            .field("business_scope", .string)
            .field("industries", .string, .required)
            .field("budget_min_yuan", .int64)
            .field("budget_max_yuan", .int64)
            .field("preferred_regions", .string)
            .field("timing", .string, .required)
            .field("source", .string, .required)
            .field("category", .string)
            .field("grade", .string)
            .field("stage", .string, .required)
            .field("lost_reason", .string)
            .field("responsible_staff_id", .int, .references("staff", "id"))
            .field("tags", .string, .required)
            .field("remarks", .string)
            .field("consent_at", .datetime)
            .field("consent_channel", .string)
            .field("consent_notice_version", .string)
            .field("search_text", .string, .required)
            .field("created_by_staff_id", .int, .references("staff", "id"))
            .field("merged_into_id", .int)
            .field("anonymized_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("version", .int, .required)
            .unique(on: "code")
            .create()
        let sql = try database.sql()
        for statement in [
            "CREATE INDEX customers_mobile ON customers (mobile)",
            "CREATE INDEX customers_mobile_last4 ON customers (mobile_last4)",
            "CREATE INDEX customers_credit_code ON customers (credit_code)",
            "CREATE INDEX customers_company_key ON customers (company_key)",
            "CREATE INDEX customers_email ON customers (email)",
            // Lists show live files only; partial indexes hold just those, so a list and its count
            // are read from the index alone.
            "CREATE INDEX customers_updated ON customers (updated_at, id) WHERE merged_into_id IS NULL",
            "CREATE INDEX customers_responsible_updated ON customers (responsible_staff_id, updated_at, id) WHERE merged_into_id IS NULL",
            "CREATE INDEX customers_stage_updated ON customers (stage, updated_at, id) WHERE merged_into_id IS NULL",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
        try await CustomerSearchIndex.create(on: database)
    }

    func revert(on database: any Database) async throws {
        try await CustomerSearchIndex.drop(on: database)
        try await database.schema("customers").delete()
    }
}

/// One row per year: the next number of the customer code. Incremented inside the creating
/// transaction, so a code is never given twice and never reused.
struct CreateCustomerCodeSequences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customer_code_sequences")
            .field("year", .int, .identifier(auto: false))
            .field("next_value", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_code_sequences").delete()
    }
}

/// Every change of a customer field: who, when, old → new (R4.3).
struct CreateCustomerChanges: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("customer_changes")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("changed_at", .datetime, .required)
            .field("staff_id", .int)
            .field("actor_name", .string, .required)
            .field("field", .string, .required)
            .field("old_value", .string, .required)
            .field("new_value", .string, .required)
            .create()
        try await database.sql().raw(
            "CREATE INDEX customer_changes_customer ON customer_changes (customer_id, changed_at, id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("customer_changes").delete()
    }
}

/// Calls, e-mails, chats and visits with a customer (R2.3, R4.2).
struct CreateCommunicationRecords: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("communication_records")
            .field("id", .int, .identifier(auto: true))
            .field("customer_id", .int, .required, .references("customers", "id"))
            .field("staff_id", .int, .required, .references("staff", "id"))
            .field("channel", .string, .required)
            .field("direction", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("duration_minutes", .int)
            .field("summary", .string, .required)
            .field("content", .string, .required)
            .field("next_step", .string, .required)
            .field("created_at", .datetime, .required)
            .field("version", .int, .required)
            .create()
        try await database.sql().raw(
            "CREATE INDEX communication_records_customer ON communication_records (customer_id, occurred_at, id)"
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("communication_records").delete()
    }
}
