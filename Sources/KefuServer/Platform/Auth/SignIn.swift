import Fluent
import KefuDomain
import Vapor

/// Checks a username and password for the sign-in page and the token endpoint alike: throttled per
/// account and per address, the same answer for an unknown user and a wrong password, every failure
/// counted and logged.
struct SignIn {
    let request: Request

    static let invalidCredentials = KefuError(.unauthorized, code: "invalid_credentials", messageKey: "auth.invalid_credentials")

    func authenticate(username rawUsername: String, password: String) async throws -> StaffModel {
        let username = rawUsername.trimmed.lowercased()
        let address = request.clientAddress
        let now = request.now
        try await checkThrottle(username: username, address: address, now: now)

        let staff = try await StaffModel.query(on: request.db).filter(\.$username == username).first()
        let hash = staff?.passwordHash ?? request.kefu.decoyPasswordHash
        let matches = try await request.passwords.verify(password, against: hash)
        guard let staff, matches, staff.isActive else {
            try await recordFailure(username: username, address: address, now: now, reason: staff == nil ? "unknown" : (matches ? "inactive" : "password"))
            throw Self.invalidCredentials
        }
        try await SignInFailureModel.query(on: request.db).filter(\.$username == username).delete()
        return staff
    }

    private func checkThrottle(username: String, address: String, now: Date) async throws {
        for (throttle, column, value) in [
            (SignInThrottle.perAccount, "username", username), (SignInThrottle.perAddress, "address", address),
        ] {
            let failures = try await SignInFailureModel.query(on: request.db)
                .filter(.sql(unsafeRaw: column), .equal, .bind(value))
                .filter(\.$occurredAt > throttle.windowStart(at: now))
                .sort(\.$occurredAt, .descending)
                .limit(throttle.maximumFailures)
                .all()
            if case .locked(let seconds) = throttle.decision(recentFailures: failures.map(\.occurredAt), now: now) {
                throw KefuError.tooManyRequests(retryAfterSeconds: seconds)
            }
        }
    }

    private func recordFailure(username: String, address: String, now: Date, reason: String) async throws {
        try await request.db.transaction { tx in
            try await SignInFailureModel(username: username, address: address, occurredAt: now).create(on: tx)
            try await AuditLog.record(
                "auth.sign_in_failed", recordType: "staff", recordID: String(username.prefix(64)),
                detail: reason, context: request.auditContext, on: tx
            )
        }
    }

    /// Starts a fresh session (a new id, whatever the browser had before) and sets its cookie.
    func startSession(for staff: StaffModel, response: Response) async throws {
        let token = Secrets.randomToken()
        let now = request.now
        let staffID = try staff.requireID()
        let previous = request.cookies[CookieName.session]?.string
        let session = WebSessionModel(
            tokenHash: Secrets.fingerprint(token), staffID: staffID, csrfToken: Secrets.randomToken(), now: now,
            address: request.clientAddress, userAgent: request.headers.first(name: .userAgent) ?? ""
        )
        var context = request.auditContext
        context.actorStaffID = staffID
        context.actorName = staff.username
        try await request.db.transaction { [context] tx in
            if let previous {
                try await WebSessionModel.query(on: tx).filter(\.$tokenHash == Secrets.fingerprint(previous)).delete()
            }
            try await session.create(on: tx)
            try await tx.sql().raw("UPDATE staff SET last_sign_in_at = \(bind: now) WHERE id = \(bind: staffID)").run()
            try await AuditLog.record("auth.signed_in", recordType: "staff", recordID: String(staffID), context: context, on: tx)
        }
        response.cookies[CookieName.session] = SessionCookies.make(token, request)
    }
}
