import Foundation
import KefuDomain
import NIOCore
import Vapor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a delivery did not reach its target, as the delivery log says it: a localization key, never the
/// socket's own words — "connection refused on 10.0.0.7:6379" would make the log a port scanner
/// (issue 11 #7).
enum WebhookFailure: String, Error, CaseIterable {
    /// The name or address leads somewhere other than the public internet.
    case refusedDestination = "webhook.failure.refused_destination"
    /// The name did not resolve.
    case unresolvable = "webhook.failure.unresolvable"
    /// No answer in time, or no connection.
    case unreachable = "webhook.failure.unreachable"
    /// The target answered with a redirect, which Kefu does not follow.
    case redirected = "webhook.failure.redirected"
    /// The target answered with another status than 2xx.
    case rejected = "webhook.failure.rejected"
    /// The webhook was removed or its settings no longer parse.
    case invalid = "webhook.failure.invalid"

    /// The key to show for a stored error: one of ours, or — for a text an older version stored —
    /// the general "unreachable", so no socket detail is ever shown.
    static func messageKey(forStored error: String?) -> String? {
        guard let error else { return nil }
        return WebhookFailure(rawValue: error)?.rawValue ?? WebhookFailure.unreachable.rawValue
    }
}

/// Resolves a host name to its addresses (the system resolver, off the event loop). Tests give their
/// own to play a name that resolves to a private address.
struct HostResolver: Sendable {
    let resolve: @Sendable (_ host: String) async throws -> [IPAddress]

    static func system(threadPool: NIOThreadPool) -> HostResolver {
        HostResolver { host in
            try await threadPool.runIfActive { Self.getaddrinfoAddresses(host) }
        }
    }

    private static func getaddrinfoAddresses(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let socketAddress = info.pointee.ai_addr {
                switch Int32(info.pointee.ai_family) {
                case AF_INET:
                    socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let parsed = IPAddress(bytes: bytes) { addresses.append(parsed) }
                    }
                case AF_INET6:
                    socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        let bytes = withUnsafeBytes(of: &address) { Array($0) }
                        if let parsed = IPAddress(bytes: bytes) { addresses.append(parsed) }
                    }
                default: break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

extension WebhookSender {
    /// Posts over HTTPS to a public destination only: the host is checked as written, then every
    /// address it resolves to, and the connection goes to the address that was checked (a second
    /// lookup could answer differently — DNS rebinding). Redirects are not followed.
    static func safeTransport(
        eventLoopGroup: any EventLoopGroup, resolver: HostResolver, timeout: TimeAmount = .seconds(10)
    ) -> Transport {
        { url, headers, body in
            guard url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty else {
                throw WebhookFailure.refusedDestination
            }
            if WebhookDestination.problem(host: host, port: url.port) != nil { throw WebhookFailure.refusedDestination }
            let literal = IPAddress(host)
            let addresses: [IPAddress]
            if let literal { addresses = [literal] } else { addresses = try await resolver.resolve(host) }
            guard !addresses.isEmpty else { throw WebhookFailure.unresolvable }
            guard WebhookDestination.allowsResolved(addresses) else { throw WebhookFailure.refusedDestination }
            var configuration = HTTPClient.Configuration(
                redirectConfiguration: .disallow,
                timeout: HTTPClient.Configuration.Timeout(connect: timeout, read: timeout)
            )
            if literal == nil { configuration.dnsOverride = [host: addresses[0].description] }
            let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
            do {
                let request = try HTTPClient.Request(
                    url: url.absoluteString, method: .POST, headers: headers, body: .bytes(body))
                let response = try await client.execute(request: request, deadline: .now() + timeout).get()
                try? await client.shutdown()
                return Int(response.status.code)
            } catch {
                try? await client.shutdown()
                throw WebhookFailure.unreachable
            }
        }
    }
}
