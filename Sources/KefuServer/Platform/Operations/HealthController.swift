import Fluent
import SQLKit
import Vapor

/// `/healthz` (the process answers) and `/readyz` (the database answers and its migrations are
/// current) for load balancers and orchestrators.
struct HealthController: RouteCollection {
    struct Status: Content {
        var status: String
        var database: String?
        var pendingMigrations: [String]?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.open().get(.healthz, use: alive)
        routes.open().get(.readyz, use: ready)
    }

    @Sendable func alive(req: Request) -> Status { Status(status: "ok") }

    @Sendable func ready(req: Request) async throws -> Response {
        var status = Status(status: "ok", database: "ok", pendingMigrations: [])
        if req.application.drain.isDraining {
            status.status = "stopping"
        } else {
            do {
                let applied = Set(
                    try await req.db.sql().raw("SELECT name FROM _fluent_migrations").all().map {
                        try $0.decode(column: "name", as: String.self)
                    })
                let pending = KefuMigrations.all.map { String(reflecting: type(of: $0)) }.filter {
                    !applied.contains($0)
                }
                status.pendingMigrations = pending
                if !pending.isEmpty { status.status = "migrations pending" }
            } catch {
                req.logger.warning("readiness check failed: \(error)")
                status.status = "database unavailable"
                status.database = "unreachable"
            }
        }
        let response = Response(status: status.status == "ok" ? .ok : .serviceUnavailable)
        try response.content.encode(status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
