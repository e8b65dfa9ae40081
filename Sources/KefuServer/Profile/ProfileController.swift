import Fluent
import KefuDomain
import Vapor

/// One's own profile: language, password, personal API tokens.
struct ProfileController: RouteCollection {
    struct ProfilePage: Encodable {
        struct Token: Encodable {
            var id: Int
            var name: String
            var prefix: String
            var createdAt: String
            var lastUsedAt: String
            var isRevoked: Bool
        }
        var displayName: String
        var username: String
        var roleKey: String
        var departmentName: String
        var languages: [ChoiceOption]
        var tokens: [Token]
        var hasTokens: Bool
        var newToken: String?
        var errors: [String: String]
        var tokenName: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let profile = routes.grouped("profile")
        routes.requiring(.manageOwnProfile).get(.profile, use: show)
        routes.requiring(.manageOwnProfile).post(.profileLanguage, use: changeLanguage)
        routes.requiring(.manageOwnProfile).post(.profilePassword, use: changePassword)
        routes.requiring(.manageOwnTokens).post(.profileTokens, use: createToken)
        routes.requiring(.manageOwnTokens).post(.profileTokenRevoke, use: revokeToken)
    }

    @Sendable func show(req: Request) async throws -> Response {
        try await render(req, page: try await page(req))
    }

    @Sendable func changeLanguage(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let language = Language(rawValue: (try? req.content.get(String.self, at: "language")) ?? "") else {
            throw KefuError.validation(FieldErrors(["language": "validation.choose_from_list"]))
        }
        if staff.language != language {
            let context = req.auditContext
            let id = staff.id
            try await req.db.writeTransaction { tx in
                try await tx.sql().raw(
                    "UPDATE staff SET language = \(bind: language.rawValue), version = version + 1 WHERE id = \(bind: id)"
                ).run()
                try await AuditLog.record(
                    "profile.language_changed", recordType: "staff", recordID: String(id), fields: ["language"],
                    message: AuditMessage.language(language.rawValue), context: context, on: tx)
            }
            req.language = language
        }
        let back = req.safeRedirect(try? req.content.get(String.self, at: "next")) ?? SiteURL.profile.path
        return req.redirect(to: back, flash: FlashMessage(.success, "flash.language_changed"))
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        guard let staff = try await StaffModel.find(try req.requireStaff().id, on: req.db) else {
            throw KefuError.unauthorized
        }
        let current = (try? req.content.get(String.self, at: "currentPassword")) ?? ""
        let new = (try? req.content.get(String.self, at: "newPassword")) ?? ""
        let confirmation = (try? req.content.get(String.self, at: "confirmPassword")) ?? ""
        var errors = FieldErrors()
        if !(try await req.passwords.verify(current, against: staff.passwordHash)) {
            errors.add("currentPassword", "validation.password.wrong_current")
        }
        if let problem = PasswordPolicy.problem(
            with: new, username: staff.username, displayName: staff.displayName, common: req.kefu.commonPasswords)
        {
            errors.add("newPassword", problem)
        }
        if new != confirmation { errors.add("confirmPassword", "validation.password.mismatch") }
        if !errors.isEmpty {
            var page = try await page(req)
            page.errors = errors.messages
            return try await render(req, page: page, status: .unprocessableEntity)
        }
        try await StaffStore(database: req.db).setPassword(
            staff, to: new, hashing: req.passwords, common: req.kefu.commonPasswords,
            action: "profile.password_changed", context: req.auditContext
        )
        // Every session ended with the change, this one too; the person stays signed in on a new one.
        req.webSession = nil
        let response = req.redirect(to: SiteURL.profile, flash: FlashMessage(.success, "flash.password_changed"))
        try await SignIn(request: req).startSession(for: staff, response: response)
        return response
    }

    @Sendable func createToken(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        let name = (try? req.content.get(String.self, at: "name")) ?? ""
        do {
            let (_, plain) = try await APITokenStore(database: req.db).create(
                for: staff.id, name: name, context: req.auditContext)
            var page = try await page(req)
            page.newToken = plain
            return try await render(req, page: page)
        } catch let errors as FieldErrors {
            var page = try await page(req)
            page.errors = errors.messages
            page.tokenName = name
            return try await render(req, page: page, status: .unprocessableEntity)
        }
    }

    @Sendable func revokeToken(req: Request) async throws -> Response {
        let staff = try req.requireStaff()
        guard let id = req.parameters.get("id", as: Int.self) else { throw KefuError.notFound }
        try await APITokenStore(database: req.db).revoke(id, ownedBy: staff.id, context: req.auditContext)
        return req.redirect(to: SiteURL.profile, flash: FlashMessage(.success, "flash.token_revoked"))
    }

    private func page(_ req: Request) async throws -> ProfilePage {
        let staff = try req.requireStaff()
        let department = try await DepartmentModel.find(staff.departmentID, on: req.db)
        let tokens = try await APITokenStore(database: req.db).list(for: staff.id)
        return ProfilePage(
            displayName: staff.displayName, username: staff.username, roleKey: "role.\(staff.role)",
            departmentName: department?.name ?? "",
            languages: ChoiceOption.list(
                Language.allCases.map(\.rawValue), labelPrefix: "language", selected: staff.language.rawValue),
            tokens: tokens.map {
                .init(
                    id: $0.id ?? 0, name: $0.name, prefix: $0.tokenPrefix,
                    createdAt: DisplayFormat.dateTime($0.createdAt),
                    lastUsedAt: $0.lastUsedAt.map(DisplayFormat.dateTime) ?? "", isRevoked: $0.revokedAt != nil
                )
            },
            hasTokens: !tokens.isEmpty, newToken: nil, errors: [:], tokenName: ""
        )
    }

    private func render(_ req: Request, page: ProfilePage, status: HTTPResponseStatus = .ok) async throws -> Response {
        try await req.renderPage("profile/show", titleKey: "profile.title", page, status: status)
    }
}
