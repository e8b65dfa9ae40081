import Fluent
import KefuDomain
import SQLKit
import Vapor

/// What a form or a JSON body says an account should be. Text fields arrive unparsed so that the
/// form can show what the person typed beside the message.
struct StaffDraft: Sendable {
    var username: String
    var displayName: String
    var departmentID: Int?
    var role: String
    var language: String
    /// Only on creation.
    var password: String?
}

/// Reads and writes staff accounts for both the pages and the API, applying R2.1's rules and writing
/// the audit entry in the same transaction as the change.
struct StaffStore {
    let database: any Database

    struct Filter: Sendable {
        var text: String?
        var role: Role?
        var departmentID: Int?
        var isActive: Bool?
    }

    /// Someone who can be made responsible for customers, as the pickers list them.
    struct Assignee: Decodable, Sendable {
        var id: Int
        var displayName: String
        enum CodingKeys: String, CodingKey { case id, displayName = "display_name" }
    }

    /// A person's name as records show it, without loading their account.
    func displayName(of staffID: Int) async throws -> String? {
        try await database.sql().raw("SELECT display_name FROM staff WHERE id = \(bind: staffID)").first()?.decode(
            column: "display_name", as: String.self)
    }

    /// Whether `staffID` names someone who may be made responsible for customers: an active
    /// specialist or supervisor. Ids from a request are checked here, never trusted.
    func isAssignee(_ staffID: Int) async throws -> Bool {
        try await database.sql().raw(
            """
            SELECT id FROM staff WHERE id = \(bind: staffID) AND is_active = \(bind: true)
            AND role IN (\(binds: [Role.specialist.rawValue, Role.supervisor.rawValue]))
            """
        ).first() != nil
    }

    /// The active specialists and supervisors by name, read straight into values: the customer list
    /// shows them on every page, and building a Fluent model per person cost more than the page.
    func assignees() async throws -> [Assignee] {
        try await database.sql().raw(
            """
            SELECT id, display_name FROM staff WHERE is_active = \(bind: true)
            AND role IN (\(binds: [Role.specialist.rawValue, Role.supervisor.rawValue])) ORDER BY display_name
            """
        ).all(decoding: Assignee.self)
    }

    /// A page of accounts the actor may see, ordered by department then name.
    func list(_ filter: Filter, visibleTo actor: Actor, page: Paging) async throws -> (items: [StaffModel], total: Int)
    {
        let query = StaffModel.query(on: database).with(\.$department)
        switch AccessPolicy.widestScope(of: actor.role, for: .viewStaff) {
        case .any?: break
        case .team?: query.filter(\.$department.$id == actor.departmentID)
        case .own?, .forwardedToMyDepartment?, nil: query.filter(\.$id == actor.staffID)
        }
        if let text = filter.text?.trimmed, !text.isEmpty {
            let pattern = "%\(escapeLike(text))%"
            query.group(.or) { group in
                group.filter(.sql(unsafeRaw: "staff.username"), .custom("LIKE"), .bind(pattern))
                group.filter(.sql(unsafeRaw: "staff.display_name"), .custom("LIKE"), .bind(pattern))
            }
        }
        if let role = filter.role { query.filter(\.$role == role.rawValue) }
        if let departmentID = filter.departmentID { query.filter(\.$department.$id == departmentID) }
        if let isActive = filter.isActive { query.filter(\.$isActive == isActive) }
        let total = try await query.count()
        let items = try await query.sort(\.$department.$id).sort(\.$displayName).sort(\.$id)
            .range(page.offset..<(page.offset + page.size)).all()
        return (items, total)
    }

    func find(_ id: Int) async throws -> StaffModel? {
        try await StaffModel.query(on: database).filter(\.$id == id).with(\.$department).first()
    }

    /// Checks a draft against the rules that need no other account; returns the parsed role/language.
    func validate(_ draft: StaffDraft, isNew: Bool, common: CommonPasswords = .empty) async throws -> (
        Role, Language, DepartmentModel
    ) {
        var errors = FieldErrors()
        if isNew, let problem = StaffRules.validateUsername(draft.username) { errors.add("username", problem) }
        if let problem = StaffRules.validateDisplayName(draft.displayName) { errors.add("displayName", problem) }
        let role = Role(rawValue: draft.role)
        if role == nil { errors.add("role", "validation.choose_from_list") }
        let language = Language(rawValue: draft.language)
        if language == nil { errors.add("language", "validation.choose_from_list") }
        var department: DepartmentModel?
        if let id = draft.departmentID { department = try await DepartmentModel.find(id, on: database) }
        if department == nil { errors.add("departmentID", "validation.choose_from_list") }
        if let role, let department,
            !StaffRules.departmentFits(role: role, isCustomerServiceDepartment: department.isCustomerService)
        {
            errors.add(
                "departmentID",
                role == .liaison
                    ? "validation.staff.liaison_department" : "validation.staff.customer_service_department")
        }
        if isNew {
            if let problem = PasswordPolicy.problem(
                with: draft.password ?? "", username: draft.username, displayName: draft.displayName, common: common)
            {
                errors.add("password", problem)
            }
            if errors.messages["username"] == nil,
                try await StaffModel.query(on: database).filter(\.$username == draft.username).count() > 0
            {
                errors.add("username", "validation.username.taken")
            }
        }
        try errors.throwIfAny()
        guard let role, let language, let department else { throw errors }
        return (role, language, department)
    }

    /// Active people per role, in one department or everywhere.
    func activeCountsByRole(departmentID: Int?) async throws -> [String: Int] {
        let department: SQLQueryString = departmentID.map { "AND department_id = \(bind: $0)" } ?? ""
        let rows = try await database.sql().raw(
            """
            SELECT role, COUNT(*) AS n FROM staff WHERE is_active = \(bind: true) \(department) GROUP BY role
            """
        ).all()
        return try Dictionary(
            uniqueKeysWithValues: rows.map {
                (try $0.decode(column: "role", as: String.self), try $0.decode(column: "n", as: Int.self))
            })
    }

    /// R2.1: refuses a change that would give a department a second active supervisor.
    private func checkSupervisor(_ candidate: StaffFacts) async throws {
        guard candidate.role == .supervisor, candidate.isActive else { return }
        let others = try await StaffModel.query(on: database)
            .filter(\.$role == Role.supervisor.rawValue)
            .filter(\.$isActive == true)
            .filter(\.$department.$id == candidate.departmentID)
            .all()
        if StaffRules.supervisorConflict(candidate: candidate, activeSupervisors: others.map(\.facts)) {
            throw FieldErrors(["role": "validation.staff.second_supervisor"])
        }
    }

    private func checkLastAdministrator(before: StaffFacts, after: StaffFacts) async throws {
        let count = try await StaffModel.query(on: database)
            .filter(\.$role == Role.administrator.rawValue).filter(\.$isActive == true).count()
        if StaffRules.removesLastAdministrator(before: before, after: after, activeAdministratorCount: count) {
            throw KefuError(.conflict, code: "last_administrator", messageKey: "error.staff.last_administrator")
        }
    }

    func create(
        _ draft: StaffDraft, by actor: Actor?, hashing: PasswordHashing, common: CommonPasswords, context: AuditContext
    ) async throws -> StaffModel {
        let (role, language, department) = try await validate(draft, isNew: true, common: common)
        if let actor {
            guard StaffRules.mayManage(actorRole: actor.role, currentRole: nil, newRole: role),
                AccessPolicy.permits(actor, .manageStaff, on: RecordFacts(departmentID: department.id))
            else { throw KefuError.forbidden }
        }
        let staff = StaffModel(
            username: draft.username, displayName: draft.displayName.trimmed,
            departmentID: try department.requireID(), role: role, language: language,
            passwordHash: try await hashing.hash(draft.password ?? ""), now: context.now
        )
        try await checkSupervisor(staff.facts)
        try await saving {
            try await database.writeTransaction { tx in
                try await staff.create(on: tx)
                try await AuditLog.record(
                    "staff.created", recordType: "staff", recordID: String(try staff.requireID()),
                    fields: ["username", "displayName", "department", "role", "language"],
                    message: AuditMessage.staffCreated(username: staff.username, role: role.rawValue), context: context,
                    on: tx
                )
            }
        }
        staff.$department.value = department
        return staff
    }

    /// Updates name, department, role and language, refusing a stale `version` (S6).
    func update(_ staff: StaffModel, with draft: StaffDraft, version: Int, by actor: Actor?, context: AuditContext)
        async throws
    {
        guard staff.version == version else {
            throw RecordConflict(StaffKind.self, id: try staff.requireID(), readVersion: version)
        }
        let (role, language, department) = try await validate(draft, isNew: false)
        let before = staff.facts
        if let actor {
            guard StaffRules.mayManage(actorRole: actor.role, currentRole: before.role, newRole: role),
                AccessPolicy.permits(actor, .manageStaff, on: RecordFacts(departmentID: department.id))
            else { throw KefuError.forbidden }
        }
        var touched: [String] = []
        let displayName = draft.displayName.trimmed
        if staff.displayName != displayName { touched.append("displayName"); staff.displayName = displayName }
        if staff.$department.id != department.id {
            touched.append("department"); staff.$department.id = try department.requireID()
        }
        if staff.role != role.rawValue { touched.append("role"); staff.role = role.rawValue }
        if staff.language != language.rawValue { touched.append("language"); staff.language = language.rawValue }
        guard !touched.isEmpty else { return }
        try await checkSupervisor(staff.facts)
        try await checkLastAdministrator(before: before, after: staff.facts)
        try await save(staff, expectedVersion: version, action: "staff.updated", fields: touched, context: context)
        staff.$department.value = department
    }

    /// Deactivates or reactivates an account; deactivation also ends its sessions and revokes its API
    /// tokens for good, so a reactivated account starts without any (issue 11 #3).
    func setActive(_ staff: StaffModel, _ isActive: Bool, version: Int?, context: AuditContext) async throws {
        if let version, staff.version != version {
            throw RecordConflict(StaffKind.self, id: try staff.requireID(), readVersion: version)
        }
        guard staff.isActive != isActive else { return }
        let before = staff.facts
        staff.isActive = isActive
        if isActive { try await checkSupervisor(staff.facts) }
        try await checkLastAdministrator(before: before, after: staff.facts)
        try await save(
            staff, expectedVersion: staff.version, action: isActive ? "staff.activated" : "staff.deactivated",
            fields: ["isActive"], context: context
        ) { tx in
            if !isActive { try await Self.endAccess(of: staff.requireID(), context: context, on: tx) }
        }
    }

    /// Sets a new password and ends every session of the account and revokes its API tokens (issue 2
    /// §3, issue 11 #3): whoever knew the old password may have made a token with it.
    func setPassword(
        _ staff: StaffModel, to password: String, hashing: PasswordHashing, common: CommonPasswords, action: String,
        context: AuditContext
    ) async throws {
        if let problem = PasswordPolicy.problem(
            with: password, username: staff.username, displayName: staff.displayName, common: common)
        {
            throw FieldErrors(["password": problem])
        }
        staff.passwordHash = try await hashing.hash(password)
        staff.passwordChangedAt = context.now
        try await save(staff, expectedVersion: staff.version, action: action, fields: ["password"], context: context) {
            tx in
            try await Self.endAccess(of: staff.requireID(), context: context, on: tx)
        }
    }

    /// Ends every web session of the account and revokes its unrevoked API tokens, in the caller's
    /// transaction; the revocation is audited with how many tokens it ended.
    static func endAccess(of staffID: Int, context: AuditContext, on tx: any Database) async throws {
        try await WebSessionModel.query(on: tx).filter(\.$staff.$id == staffID).delete()
        let revoked = try await tx.sql().raw(
            """
            UPDATE api_tokens SET revoked_at = \(bind: context.now) WHERE staff_id = \(bind: staffID) AND revoked_at IS NULL RETURNING id
            """
        ).all()
        if !revoked.isEmpty {
            try await AuditLog.record(
                "token.revoked_all", recordType: "staff", recordID: String(staffID),
                message: AuditMessage.tokensRevoked("\(revoked.count)"),
                context: context, on: tx)
        }
    }

    /// Writes the account through the one write path: of two saves from the same version, the second
    /// claims no row and is refused, even across app instances.
    private func save(
        _ staff: StaffModel, expectedVersion: Int, action: String, fields: [String], context: AuditContext,
        also: (@Sendable (any Database) async throws -> Void)? = nil
    ) async throws {
        let id = try staff.requireID()
        let written = try await saving {
            try await database.writeTransaction { tx in
                let written = try await RecordWrites.change(
                    StaffKind.self, id: id, version: expectedVersion,
                    RecordWrite(
                        set: """
                            display_name = \(bind: staff.displayName), department_id = \(bind: staff.$department.id), role = \(bind: staff.role),
                            language = \(bind: staff.language), is_active = \(bind: staff.isActive), password_hash = \(bind: staff.passwordHash),
                            password_changed_at = \(bind: staff.passwordChangedAt)
                            """,
                        audit: .init(action: action, fields: fields, message: AuditMessage.none)), context: context,
                    on: tx)
                try await also?(tx)
                return written
            }
        }
        staff.version = written.version
        staff.updatedAt = context.now
    }

    /// Maps the database's own guards (unique username, one active supervisor) to field messages, for
    /// the case where two requests pass the checks above at the same moment.
    private func saving<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as any DatabaseError where error.isConstraintFailure {
            let text = String(describing: error)
            if text.contains("supervisor") { throw FieldErrors(["role": "validation.staff.second_supervisor"]) }
            throw FieldErrors(["username": "validation.username.taken"])
        }
    }
}

/// Drops LIKE wildcards from search text, so a typed `%` or `_` cannot widen a search to everything.
func escapeLike(_ text: String) -> String {
    String(text.prefix(64).filter { $0 != "%" && $0 != "_" })
}
