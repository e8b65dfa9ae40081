import Fluent
import Foundation
import KefuDomain

/// A staff account: a person who signs in to Kefu (R2.1). Accounts with records are deactivated,
/// never deleted, so every record keeps the name of who made it.
final class StaffModel: Model, @unchecked Sendable {
    static let schema = "staff"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @Field(key: "display_name") var displayName: String
    @Parent(key: "department_id") var department: DepartmentModel
    @Field(key: "role") var role: String
    @Field(key: "language") var language: String
    @Field(key: "is_active") var isActive: Bool
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "password_changed_at") var passwordChangedAt: Date
    @OptionalField(key: "last_sign_in_at") var lastSignInAt: Date?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(
        username: String, displayName: String, departmentID: Int, role: Role, language: Language,
        passwordHash: String, now: Date
    ) {
        self.username = username
        self.displayName = displayName
        self.$department.id = departmentID
        self.role = role.rawValue
        self.language = language.rawValue
        self.isActive = true
        self.passwordHash = passwordHash
        self.passwordChangedAt = now
        self.version = 1
        self.createdAt = now
        self.updatedAt = now
    }

    var roleValue: Role { Role(rawValue: role) ?? .specialist }
    var languageValue: Language { Language(rawValue: language) ?? .zhHans }

    var actor: Actor {
        Actor(staffID: id ?? 0, role: roleValue, departmentID: $department.id)
    }

    /// The facts the access policy needs when this account is the record being touched.
    var recordFacts: RecordFacts {
        RecordFacts(responsibleStaffID: id, departmentID: $department.id)
    }

    var facts: StaffFacts {
        StaffFacts(id: id, role: roleValue, departmentID: $department.id, isActive: isActive)
    }
}
