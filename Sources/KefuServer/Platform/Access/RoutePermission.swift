import KefuDomain
import Vapor

/// What a route requires of its caller. Every route declares one (a test walks `app.routes` and fails
/// on a route without), so no endpoint is reachable by accident.
enum RoutePermission: Sendable, Equatable, CustomStringConvertible {
    /// Open to anyone: sign-in, health checks, the public documentation.
    case open
    /// A signed-in person whose role the access policy allows this action.
    case action(Action)

    static let userInfoKey: AnySendableHashable = "kefu.permission"

    var description: String {
        switch self {
        case .open: return "open"
        case .action(let action): return action.rawValue
        }
    }
}

extension Route {
    /// The permission the route was registered with, if any.
    var permission: RoutePermission? { userInfo[RoutePermission.userInfoKey] as? RoutePermission }
}

extension RoutesBuilder {
    /// Routes registered on the result require the action; the policy is checked before the handler.
    func requiring(_ action: Action) -> any RoutesBuilder {
        PermissionRoutesBuilder(root: self, permission: .action(action))
    }

    /// Routes registered on the result are open to anyone; said out loud so it is a decision.
    func open() -> any RoutesBuilder {
        PermissionRoutesBuilder(root: self, permission: .open)
    }
}

/// Stamps each route with its permission and puts the check in front of its responder.
private struct PermissionRoutesBuilder: RoutesBuilder {
    let root: any RoutesBuilder
    let permission: RoutePermission

    func add(_ route: Route) {
        route.userInfo[RoutePermission.userInfoKey] = permission
        route.responder = PermissionMiddleware(permission: permission).makeResponder(chainingTo: route.responder)
        root.add(route)
    }
}

/// Refuses a request whose caller may not perform the route's action: 401 (or the login page) when
/// no one is signed in, 403 with an audit entry when the role may not.
struct PermissionMiddleware: AsyncMiddleware {
    let permission: RoutePermission

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard case .action(let action) = permission else {
            return try await next.respond(to: request)
        }
        guard let staff = request.staff else {
            if request.isAPI { throw KefuError.unauthorized }
            return request.redirect(to: SiteURL.login(next: request.intendedAddress))
        }
        guard AccessPolicy.allows(staff.role, action) else {
            try await request.recordDenial(of: action.rawValue)
            throw KefuError.forbidden
        }
        return try await next.respond(to: request)
    }
}

extension Request {
    /// Where the person wanted to go, for returning there after sign-in (only for page GETs).
    var intendedAddress: String? {
        guard method == .GET else { return nil }
        var address = url.path
        if let query = url.query, !query.isEmpty { address += "?" + query }
        return address
    }

    /// Writes the audit entry of a refused request (issue 2 §5: permission denials are logged).
    func recordDenial(of action: String, recordType: String = "route", recordID: String? = nil) async throws {
        try await AuditLog.record(
            "auth.permission_denied", recordType: recordType, recordID: recordID ?? "\(method) \(url.path)",
            message: AuditMessage.permission(action), context: auditContext, on: db
        )
    }

    /// Throws 403 (after logging it) unless the policy lets the signed-in person act on this record.
    func authorize(_ action: Action, on record: RecordFacts, recordType: String, recordID: String) async throws {
        let staff = try requireStaff()
        guard AccessPolicy.permits(staff.actor, action, on: record) else {
            try await recordDenial(of: action.rawValue, recordType: recordType, recordID: recordID)
            throw KefuError.forbidden
        }
    }
}
