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

    /// The client's address: the peer, or the first `X-Forwarded-For` hop when configured to trust a
    /// load balancer in front of Kefu.
    public var clientAddress: String {
        if kefu.configuration.trustForwardedFor,
           let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").first {
            return forwarded.trimmed
        }
        return remoteAddress?.ipAddress ?? "unknown"
    }
}
