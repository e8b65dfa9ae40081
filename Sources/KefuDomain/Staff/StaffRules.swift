/// The languages a staff member can work in (S2).
public enum Language: String, CaseIterable, Codable, Sendable {
    case zhHans = "zh-Hans"
    case en
}

/// What a staff account looks like to the rules, independent of how it is stored.
public struct StaffFacts: Equatable, Sendable {
    public var id: Int?
    public var role: Role
    public var departmentID: Int
    public var isActive: Bool

    public init(id: Int?, role: Role, departmentID: Int, isActive: Bool) {
        self.id = id
        self.role = role
        self.departmentID = departmentID
        self.isActive = isActive
    }
}

/// The rules about staff accounts (R2.1).
public enum StaffRules {
    /// Usernames: 3–32 characters of lower-case latin letters, digits, `.`, `_` and `-`, starting with
    /// a letter — what people type at the sign-in prompt without an input method switch.
    public static func validateUsername(_ username: String) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (3...32).contains(username.count) else { return "validation.username.length" }
        guard let first = username.first, first.isLetter, first.isASCII else { return "validation.username.start" }
        guard username.allSatisfy({ allowed.contains($0) }) else { return "validation.username.characters" }
        return nil
    }

    /// Display names: 1–64 characters, not blank.
    public static func validateDisplayName(_ name: String) -> String? {
        let trimmed = name.trimmed
        if trimmed.isEmpty { return "validation.required" }
        if trimmed.count > 64 { return "validation.too_long" }
        return nil
    }

    /// R2.1: the department keeps exactly one active supervisor. `candidate` is the account as it would
    /// be after the change; `activeSupervisors` are the other accounts that are active supervisors of
    /// the candidate's department today.
    public static func supervisorConflict(candidate: StaffFacts, activeSupervisors: [StaffFacts]) -> Bool {
        guard candidate.role == .supervisor, candidate.isActive else { return false }
        return activeSupervisors.contains { $0.id != candidate.id && $0.departmentID == candidate.departmentID }
    }

    /// A liaison belongs to another department; everyone else works in the customer service department.
    public static func departmentFits(role: Role, isCustomerServiceDepartment: Bool) -> Bool {
        switch role {
        case .liaison: return !isCustomerServiceDepartment
        case .supervisor, .specialist: return isCustomerServiceDepartment
        case .administrator, .leadership: return true
        }
    }

    /// The roles an actor may give to accounts they create or edit: the administrator any role, the
    /// supervisor only specialists of their own team, nobody else any.
    public static func assignableRoles(by role: Role) -> Set<Role> {
        switch role {
        case .administrator: return Set(Role.allCases)
        case .supervisor: return [.specialist]
        case .specialist, .leadership, .liaison: return []
        }
    }
}

extension StaffRules {
    /// Whether an actor may change an account that has `currentRole` into one with `newRole`
    /// (the same role when only other fields change). Record scope is checked by the access policy;
    /// this rule stops a supervisor from touching accounts above a specialist.
    public static func mayManage(actorRole: Role, currentRole: Role?, newRole: Role) -> Bool {
        let assignable = assignableRoles(by: actorRole)
        if let currentRole, !assignable.contains(currentRole) { return false }
        return assignable.contains(newRole)
    }

    /// Kefu must keep at least one active administrator, or no one could manage accounts again.
    public static func removesLastAdministrator(
        before: StaffFacts, after: StaffFacts, activeAdministratorCount: Int
    ) -> Bool {
        let wasActiveAdministrator = before.role == .administrator && before.isActive
        let staysActiveAdministrator = after.role == .administrator && after.isActive
        return wasActiveAdministrator && !staysActiveAdministrator && activeAdministratorCount <= 1
    }
}
