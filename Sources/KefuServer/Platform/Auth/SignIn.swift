import Fluent
import KefuDomain
import Vapor

/// Checks a username and password for the sign-in page and the token endpoint alike: throttled per
/// account and per address, the same answer for an unknown user and a wrong password, every failure
/// counted and logged.
struct SignIn {
    let request: Request

    static let invalidCredentials = KefuError(
        .unauthorized, code: "invalid_credentials", messageKey: "auth.invalid_credentials")

    func authenticate(username rawUsername: String, password: String) async throws -> StaffModel {
        let username = String(rawUsername.trimmed.lowercased().prefix(64))
        let address = request.clientAddress
        let now = request.now
        // The attempt is counted as a failure before the password is checked, in one atomic step with
        // the count that admits it: of 30 guesses sent at once, at most the limit are ever checked
        // (issue 11 #4). A success takes its own failure and the earlier ones back.
        guard let reservation = try await reserveAttempt(username: username, address: address, now: now) else {
            throw KefuError.tooManyRequests(
                retryAfterSeconds: try await retryAfter(username: username, address: address, now: now))
        }
        let staff = try await StaffModel.query(on: request.db).filter(\.$username == username).first()
        let hash = staff?.passwordHash ?? request.kefu.decoyPasswordHash
        let matches = try await request.passwords.verify(password, against: hash)
        guard let staff, matches, staff.isActive else {
            try await AuditLog.record(
                "auth.sign_in_failed", recordType: "staff", recordID: username,
                message: AuditMessage.signInFailed(staff == nil ? "unknown" : (matches ? "inactive" : "password")),
                context: request.auditContext,
                on: request.db
            )
            throw Self.invalidCredentials
        }
        try await request.db.sql().raw(
            """
            DELETE FROM sign_in_failures WHERE username = \(bind: username) AND id <= \(bind: reservation)
            """
        ).run()
        return staff
    }

    /// Records a failed sign-in for the account and the address if both are under their limits, and
    /// returns its id; nil when either is locked.
    private func reserveAttempt(username: String, address: String, now: Date) async throws -> Int? {
        let account = SignInThrottle.perAccount, origin = SignInThrottle.perAddress
        return try await request.db.insertIfUnderLimit(
            """
            INSERT INTO sign_in_failures (username, address, occurred_at)
            SELECT \(bind: username), \(bind: address), \(bind: now)
            WHERE (SELECT COUNT(*) FROM sign_in_failures WHERE username = \(bind: username)
                   AND occurred_at > \(bind: account.windowStart(at: now))) < \(bind: account.maximumFailures)
              AND (SELECT COUNT(*) FROM sign_in_failures WHERE address = \(bind: address)
                   AND occurred_at > \(bind: origin.windowStart(at: now))) < \(bind: origin.maximumFailures)
            RETURNING id
            """, lockKey: "sign-in")
    }

    /// How long until the account and the address are both below their limits again.
    private func retryAfter(username: String, address: String, now: Date) async throws -> Int {
        var seconds = 1
        for (throttle, column, value) in [
            (SignInThrottle.perAccount, "username", username), (SignInThrottle.perAddress, "address", address),
        ] {
            let failures = try await SignInFailureModel.query(on: request.db)
                .filter(.sql(unsafeRaw: column), .equal, .bind(value))
                .filter(\.$occurredAt > throttle.windowStart(at: now))
                .sort(\.$occurredAt, .descending)
                .limit(throttle.maximumFailures)
                .all()
            if case .locked(let wait) = throttle.decision(recentFailures: failures.map(\.occurredAt), now: now) {
                seconds = max(seconds, wait)
            }
        }
        return seconds
    }

    /// Starts a fresh session (a new id, whatever the browser had before) and sets its cookie.
    func startSession(for staff: StaffModel, response: Response) async throws {
        let token = Secrets.randomToken()
        let now = request.now
        let staffID = try staff.requireID()
        let previous = request.cookies[request.sessionCookieName]?.string
        let session = WebSessionModel(
            tokenHash: Secrets.fingerprint(token), staffID: staffID, csrfToken: Secrets.randomToken(), now: now,
            address: request.clientAddress, userAgent: request.headers.first(name: .userAgent) ?? ""
        )
        var context = request.auditContext
        context.actorStaffID = staffID
        context.actorName = staff.username
        try await request.db.writeTransaction { [context] tx in
            if let previous {
                try await WebSessionModel.query(on: tx).filter(\.$tokenHash == Secrets.fingerprint(previous)).delete()
            }
            try await session.create(on: tx)
            try await tx.sql().raw("UPDATE staff SET last_sign_in_at = \(bind: now) WHERE id = \(bind: staffID)").run()
            try await AuditLog.record(
                "auth.signed_in", recordType: "staff", recordID: String(staffID), context: context, on: tx)
        }
        response.cookies[request.sessionCookieName] = SessionCookies.make(token, request)
    }
}
