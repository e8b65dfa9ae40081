import Fluent
import KefuDomain
import Vapor

/// The staff pages (设置 › 人员): list, create, edit, deactivate, reset a password (R2.1).
struct StaffController: RouteCollection {
    struct ListPage: Encodable {
        struct Row: Encodable {
            var id: Int
            var username: String
            var displayName: String
            var departmentName: String
            var roleKey: String
            var isActive: Bool
            var lastSignInAt: String
        }
        var rows: [Row]
        var hasRows: Bool
        var q: String
        var roles: [ChoiceOption]
        var activeChoices: [ChoiceOption]
        var canManage: Bool
        var pager: Pager
    }

    struct FormPage: Encodable {
        var isNew: Bool
        var id: Int?
        var version: Int
        var username: String
        var displayName: String
        var departmentID: Int
        var role: String
        var language: String
        var isActive: Bool
        var departments: [ChoiceOption]
        var roles: [ChoiceOption]
        var languages: [ChoiceOption]
        var errors: [String: String]
        var formErrorKey: String?
        var canManage: Bool
        var isSelf: Bool
        /// What changed meanwhile, when the form was sent on a stale version.
        var conflict: ConflictView? = nil
    }

    struct StaffForm: Content {
        var username: String?
        var displayName: String?
        var departmentID: Int?
        var role: String?
        var language: String?
        var password: String?
        var version: Int?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.grouped("staff")
        routes.requiring(.viewStaff).get(.staff, use: list)
        routes.requiring(.manageStaff).get(.newStaff, use: newForm)
        routes.requiring(.manageStaff).post(.staff, use: create)
        routes.requiring(.viewStaff).get(.staffMember, use: show)
        routes.requiring(.manageStaff).post(.staffMember, use: update)
        routes.requiring(.manageStaff).post(.staffMemberDeactivate, use: deactivate)
        routes.requiring(.manageStaff).post(.staffMemberActivate, use: activate)
        routes.requiring(.manageStaff).post(.staffMemberPassword, use: resetPassword)
    }

    @Sendable func list(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let q = req.query[String.self, at: "q"] ?? ""
        let role = req.query[String.self, at: "role"] ?? ""
        let active = req.query[String.self, at: "active"] ?? "true"
        let filter = StaffStore.Filter(
            text: q, role: Role(rawValue: role),
            isActive: active == "all" ? nil : active != "false"
        )
        let paging = try req.paging
        let (items, total) = try await StaffStore(database: req.db).list(filter, visibleTo: staff.actor, page: paging)
        let page = ListPage(
            rows: items.map {
                .init(
                    id: $0.id ?? 0, username: $0.username, displayName: $0.displayName,
                    departmentName: $0.$department.value?.name ?? "", roleKey: "role.\($0.role)", isActive: $0.isActive,
                    lastSignInAt: $0.lastSignInAt.map(DisplayFormat.dateTime) ?? ""
                )
            },
            hasRows: !items.isEmpty, q: q,
            roles: ChoiceOption.list(Role.allCases.map(\.rawValue), labelPrefix: "role", selected: role),
            activeChoices: ChoiceOption.list(
                ["true", "false", "all"], labelPrefix: "staff.filter.active", selected: active),
            canManage: AccessPolicy.allows(staff.role, .manageStaff),
            pager: Pager(
                request: paging, total: total, path: SiteURL.staff, query: ["q": q, "role": role, "active": active])
        )
        return try await req.renderPage("staff/index", titleKey: "staff.title", page)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        let actor = try req.requireStaff().actor
        let page = try await formPage(
            req, isNew: true, staff: nil,
            draft: StaffDraft(
                username: "", displayName: "", departmentID: actor.departmentID, role: Role.specialist.rawValue,
                language: Language.zhHans.rawValue, password: nil
            ))
        return try await req.renderPage("staff/form", titleKey: "staff.new", page)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(StaffForm.self)
        let draft = StaffDraft(
            username: (form.username ?? "").trimmed.lowercased(),
            displayName: form.displayName ?? "", departmentID: form.departmentID, role: form.role ?? "",
            language: form.language ?? Language.zhHans.rawValue, password: form.password
        )
        do {
            let staff = try await StaffStore(database: req.db).create(
                draft, by: try req.requireStaff().actor, hashing: req.passwords, common: req.kefu.commonPasswords,
                context: req.auditContext
            )
            return req.redirect(
                to: SiteURL.staffMember(try staff.requireID()), flash: FlashMessage(.success, "flash.staff_created"))
        } catch let errors as FieldErrors {
            var page = try await formPage(req, isNew: true, staff: nil, draft: draft)
            page.errors = errors.messages
            return try await req.renderPage("staff/form", titleKey: "staff.new", page, status: .unprocessableEntity)
        }
    }

    @Sendable func show(req: Request) async throws -> Response {
        let staff = try await target(req, .viewStaff)
        let page = try await formPage(req, isNew: false, staff: staff, draft: draft(of: staff))
        return try await req.renderPage("staff/form", titleKey: "staff.edit", page)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let staff = try await target(req, .manageStaff)
        let form = try req.content.decode(StaffForm.self)
        let draft = StaffDraft(
            username: staff.username, displayName: form.displayName ?? "", departmentID: form.departmentID,
            role: form.role ?? "", language: form.language ?? staff.language, password: nil
        )
        do {
            try await StaffStore(database: req.db).update(
                staff, with: draft, version: try requireFormVersion(form.version), by: try req.requireStaff().actor,
                context: req.auditContext
            )
            return req.redirect(
                to: SiteURL.staffMember(try staff.requireID()), flash: FlashMessage(.success, "flash.saved"))
        } catch let errors as FieldErrors {
            var page = try await formPage(req, isNew: false, staff: staff, draft: draft)
            page.version = form.version ?? staff.version
            page.errors = errors.messages
            return try await req.renderPage("staff/form", titleKey: "staff.edit", page, status: .unprocessableEntity)
        } catch let conflict as RecordConflict {
            // Show what is saved now, what changed meanwhile and what was typed; the person re-applies
            // their change knowingly.
            let fresh = try await StaffStore(database: req.db).find(try staff.requireID()) ?? staff
            var page = try await formPage(req, isNew: false, staff: fresh, draft: self.draft(of: fresh))
            page.formErrorKey = conflict.messageKey
            page.conflict = try await conflict.pageView(for: req)
            return try await req.renderPage("staff/form", titleKey: "staff.edit", page, status: .conflict)
        }
    }

    @Sendable func deactivate(req: Request) async throws -> Response { try await setActive(req, false) }
    @Sendable func activate(req: Request) async throws -> Response { try await setActive(req, true) }

    @Sendable func resetPassword(req: Request) async throws -> Response {
        let staff = try await target(req, .manageStaff)
        try checkRoleReach(req, staff)
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        do {
            try await StaffStore(database: req.db).setPassword(
                staff, to: password, hashing: req.passwords, common: req.kefu.commonPasswords,
                action: "staff.password_reset", context: req.auditContext
            )
            return req.redirect(
                to: SiteURL.staffMember(try staff.requireID()), flash: FlashMessage(.success, "flash.password_reset"))
        } catch let errors as FieldErrors {
            var page = try await formPage(req, isNew: false, staff: staff, draft: draft(of: staff))
            page.errors = errors.messages
            return try await req.renderPage("staff/form", titleKey: "staff.edit", page, status: .unprocessableEntity)
        }
    }

    private func setActive(_ req: Request, _ isActive: Bool) async throws -> Response {
        let staff = try await target(req, .manageStaff)
        try checkRoleReach(req, staff)
        let id = try staff.requireID()
        if try req.requireStaff().id == id, !isActive {
            return req.redirect(
                to: SiteURL.staffMember(id), flash: FlashMessage(.error, "error.staff.self_deactivation"))
        }
        let version = try? req.content.get(Int.self, at: "version")
        do {
            try await StaffStore(database: req.db).setActive(
                staff, isActive, version: version, context: req.auditContext)
        } catch let errors as FieldErrors {
            return req.redirect(
                to: SiteURL.staffMember(id),
                flash: FlashMessage(.error, errors.messages.values.first ?? "error.validation"))
        } catch let conflict as RecordConflict {
            return req.redirect(to: SiteURL.staffMember(id), flash: FlashMessage(.error, conflict.messageKey))
        }
        return req.redirect(
            to: SiteURL.staffMember(id),
            flash: FlashMessage(.success, isActive ? "flash.staff_activated" : "flash.staff_deactivated"))
    }

    private func target(_ req: Request, _ action: Action) async throws -> StaffModel {
        guard let id = req.parameters.get("id", as: Int.self),
            let staff = try await StaffStore(database: req.db).find(id)
        else {
            throw KefuError.notFound
        }
        try await req.authorize(action, on: staff.recordFacts, recordType: "staff", recordID: String(id))
        return staff
    }

    private func checkRoleReach(_ req: Request, _ staff: StaffModel) throws {
        let actor = try req.requireStaff().actor
        guard StaffRules.mayManage(actorRole: actor.role, currentRole: staff.roleValue, newRole: staff.roleValue) else {
            throw KefuError.forbidden
        }
    }

    private func draft(of staff: StaffModel) -> StaffDraft {
        StaffDraft(
            username: staff.username, displayName: staff.displayName, departmentID: staff.$department.id,
            role: staff.role, language: staff.language, password: nil)
    }

    private func formPage(_ req: Request, isNew: Bool, staff: StaffModel?, draft: StaffDraft) async throws -> FormPage {
        let actor = try req.requireStaff()
        let assignable = StaffRules.assignableRoles(by: actor.role)
        let departments = try await DepartmentModel.query(on: req.db).sort(\.$id).all()
        let canManage =
            AccessPolicy.allows(actor.role, .manageStaff)
            && (staff.map {
                StaffRules.mayManage(actorRole: actor.role, currentRole: $0.roleValue, newRole: $0.roleValue)
            } ?? true)
        return FormPage(
            isNew: isNew, id: staff?.id, version: staff?.version ?? 0, username: draft.username,
            displayName: draft.displayName, departmentID: draft.departmentID ?? 0, role: draft.role,
            language: draft.language, isActive: staff?.isActive ?? true,
            departments:
                departments
                .filter { actor.role == .administrator || $0.id == actor.departmentID || $0.id == draft.departmentID }
                .map {
                    ChoiceOption(
                        value: String($0.id ?? 0), labelKey: "", label: $0.name, isSelected: $0.id == draft.departmentID
                    )
                },
            roles: ChoiceOption.list(
                Role.allCases.filter { assignable.contains($0) || $0.rawValue == draft.role }.map(\.rawValue),
                labelPrefix: "role", selected: draft.role
            ),
            languages: ChoiceOption.list(
                Language.allCases.map(\.rawValue), labelPrefix: "language", selected: draft.language), errors: [:],
            formErrorKey: nil, canManage: canManage,
            isSelf: staff?.id == actor.id
        )
    }
}
