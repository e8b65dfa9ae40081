import KefuDomain
import Vapor

/// The application-wide services every part uses, set once in `configure`.
public struct KefuServices: Sendable {
    public var configuration: KefuConfiguration
    public var clock: Clock
    public var localizer: Localizer
    /// See ``PasswordHashing/makeDecoyHash(cost:)``.
    var decoyPasswordHash: String
    /// bcrypt's own threads; see ``PasswordHashing``.
    var passwordHashing: PasswordHashing
    /// The common and breached passwords no account may have (issue 11 #5), read once at start.
    public var commonPasswords: CommonPasswords = .empty

    public var sessionLifetime: SessionLifetime {
        SessionLifetime(
            idleTimeout: TimeInterval(configuration.sessionIdleMinutes * 60),
            absoluteTimeout: TimeInterval(configuration.sessionAbsoluteHours * 3600)
        )
    }
}

extension Application {
    private struct KefuServicesKey: StorageKey { typealias Value = KefuServices }

    public var kefu: KefuServices {
        get {
            guard let services = storage[KefuServicesKey.self] else {
                fatalError("Kefu services are used before configure(_:) set them up")
            }
            return services
        }
        set { storage[KefuServicesKey.self] = newValue }
    }
}

extension Request {
    public var kefu: KefuServices { application.kefu }
    public var now: Date { application.kefu.clock.now }

    /// The client's address: the peer, or — when the peer is one of the configured trusted proxies —
    /// the right-most `X-Forwarded-For` address that is not a trusted proxy (``ForwardedFor``).
    public var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        let trusted = kefu.configuration.trustedProxies
        guard !trusted.isEmpty else { return peer }
        return ForwardedFor.clientAddress(peer: peer, forwardedFor: headers[.xForwardedFor], trusted: trusted)
    }
}
