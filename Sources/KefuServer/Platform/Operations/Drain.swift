import NIOConcurrencyHelpers
import Vapor

/// How Kefu stops without resetting a request a client has already sent (issue 17 §6).
///
/// Closing a kept-alive connection the server thinks idle resets a request that is on its way: the
/// client wrote it, the kernel holds it unread, the close answers with RST and the client cannot know
/// whether it was acted on. So on SIGTERM Kefu drains: it tells load balancers it is stopping
/// (`/readyz` 503) while it goes on serving; then its listener stops accepting (a new connection is
/// refused before anything is sent) and every answer carries `Connection: close`, so each client
/// closes its own connection after its answer. Only then does the server close what is still open;
/// requests in flight finish first.
package final class DrainState: Sendable {
    private let draining = NIOLockedValueBox(false)
    private let closing = NIOLockedValueBox(false)

    package init() {}

    /// `/readyz` answers 503 so a balancer stops sending.
    package var isDraining: Bool { draining.withLockedValue { $0 } }

    /// Every answer asks the client to close its connection. Only once the listener has stopped: a
    /// client that closed and reconnected before would sit in the listener's backlog, and a stopped
    /// listener resets what is in its backlog after the client has sent its request.
    package var isClosingConnections: Bool { closing.withLockedValue { $0 } }

    package func begin() { draining.withLockedValue { $0 = true } }

    package func closeConnections() { closing.withLockedValue { $0 = true } }
}

/// Asks the client to close its connection after this answer while the server drains. Vapor adds
/// its own `keep-alive` after ours; a `close` among the values wins for every HTTP/1.1 client.
struct DrainMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if request.application.drain.isClosingConnections {
            response.headers.replaceOrAdd(name: .connection, value: "close")
        }
        return response
    }
}

extension Application {
    private struct DrainKey: StorageKey { typealias Value = DrainState }

    /// Set once in `configure`.
    package var drain: DrainState {
        get {
            guard let state = storage[DrainKey.self] else {
                fatalError("drain state is used before configure(_:) set it")
            }
            return state
        }
        set { storage[DrainKey.self] = newValue }
    }
}
