import KefuDomain
import Vapor

/// A staff account in the JSON API.
struct StaffDTO: Content {
    var id: Int
    var username: String
    var displayName: String
    var departmentID: Int
    var departmentName: String?
    var role: String
    var language: String
    var isActive: Bool
    var lastSignInAt: Date?
    var version: Int

    init(_ model: StaffModel) {
        id = model.id ?? 0
        username = model.username
        displayName = model.displayName
        departmentID = model.$department.id
        departmentName = model.$department.value?.name
        role = model.role
        language = model.language
        isActive = model.isActive
        lastSignInAt = model.lastSignInAt
        version = model.version
    }

    static let schema = Schema.object(
        [
            "id": Schema.integer, "username": Schema.string, "displayName": Schema.string,
            "departmentID": Schema.integer, "departmentName": Schema.nullable("string"),
            "role": Schema.enumeration(Role.allCases.map(\.rawValue)),
            "language": Schema.enumeration(Language.allCases.map(\.rawValue)),
            "isActive": Schema.boolean, "lastSignInAt": Schema.nullable("string", format: "date-time"),
            "version": Schema.integer,
        ], required: ["id", "username", "displayName", "departmentID", "role", "language", "isActive", "version"])
}

/// The body of `POST /api/v1/staff`.
struct CreateStaffRequest: Content {
    var username: String
    var displayName: String
    var departmentID: Int
    var role: String
    var language: String?
    var password: String

    var draft: StaffDraft {
        StaffDraft(
            username: username, displayName: displayName, departmentID: departmentID, role: role,
            language: language ?? Language.zhHans.rawValue, password: password)
    }

    static let schema = Schema.object(
        [
            "username": Schema.string, "displayName": Schema.string, "departmentID": Schema.integer,
            "role": Schema.enumeration(Role.allCases.map(\.rawValue)),
            "language": Schema.enumeration(Language.allCases.map(\.rawValue)),
            "password": ["type": "string", "minLength": 10, "maxLength": 128],
        ], required: ["username", "displayName", "departmentID", "role", "password"])
}

/// The body of `PATCH /api/v1/staff/{id}`: the fields to change and the version they were read at.
struct UpdateStaffRequest: Content {
    var version: Int
    var displayName: String?
    var departmentID: Int?
    var role: String?
    var language: String?

    func draft(from staff: StaffModel) -> StaffDraft {
        StaffDraft(
            username: staff.username, displayName: displayName ?? staff.displayName,
            departmentID: departmentID ?? staff.$department.id, role: role ?? staff.role,
            language: language ?? staff.language, password: nil
        )
    }

    static let schema = Schema.object(
        [
            "version": Schema.integer, "displayName": Schema.string, "departmentID": Schema.integer,
            "role": Schema.enumeration(Role.allCases.map(\.rawValue)),
            "language": Schema.enumeration(Language.allCases.map(\.rawValue)),
        ], required: ["version"])
}

struct VersionRequest: Content {
    var version: Int?
    static let schema = Schema.object(["version": Schema.integer], required: [])
}

struct SetPasswordRequest: Content {
    var password: String
    static let schema = Schema.object(
        ["password": ["type": "string", "minLength": 10, "maxLength": 128]], required: ["password"])
}
