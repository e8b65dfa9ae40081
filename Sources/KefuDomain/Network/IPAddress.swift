import Foundation

/// An IPv4 or IPv6 address as bytes, parsed strictly: dotted decimal with four parts and no leading
/// zeros for IPv4 (`0177.0.0.1`, `127.1`, `2130706433` and `0x7f.1` are refused — resolvers read them
/// as octal, short or hexadecimal forms of another address), RFC 4291 text for IPv6, brackets allowed.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public init?(_ text: String) {
        var text = Substring(text)
        if text.hasPrefix("["), text.hasSuffix("]") { text = text.dropFirst().dropLast() }
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part.count == 1 || part.first != "0", let value = Int(part), value <= 255
            else { return nil }
            bytes.append(UInt8(value))
        }
        return bytes
    }

    static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard text.contains(":"), !text.contains("%") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(piece) {
                    bytes += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) IPv6 address, else nil.
    public var embeddedIPv4: IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else {
            return nil
        }
        return IPAddress(bytes: Array(bytes[12...]))
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }

    /// Whether the address may be reached on the public internet: not loopback, private, link-local
    /// (cloud metadata at 169.254.169.254), shared, multicast, reserved, documentation or a
    /// translation range that leads back to one of those (RFC 6890's special-purpose registries).
    public var isPublic: Bool {
        if let mapped = embeddedIPv4 { return mapped.isPublic }
        let networks = isIPv4 ? IPNetwork.specialIPv4 : IPNetwork.specialIPv6
        if networks.contains(where: { $0.contains(self) }) { return false }
        // Only 2000::/3 is global unicast in IPv6.
        return isIPv4 || bytes[0] & 0xE0 == 0x20
    }
}

/// An address block in CIDR notation (`10.0.0.0/8`, `fd00::/8`), or a single address.
public struct IPNetwork: Hashable, Sendable {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.trimmed.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let maximum = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        self.address = address
        self.prefixLength = length
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        let candidate = candidate.bytes.count == address.bytes.count ? candidate : (candidate.embeddedIPv4 ?? candidate)
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for index in address.bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask: UInt8 = bits == 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if address.bytes[index] & mask != candidate.bytes[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    static let specialIPv4: [IPNetwork] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16", "192.175.48.0/24",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    ].compactMap(IPNetwork.init)

    static let specialIPv6: [IPNetwork] = [
        "::/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "fc00::/7",
        "fe80::/10", "fec0::/10", "ff00::/8",
    ].compactMap(IPNetwork.init)
}

/// Which address a request came from when Kefu stands behind proxies (issue 11 #6).
public enum ForwardedFor {
    /// Each proxy appends the address it was reached from to `X-Forwarded-For`; a client can write
    /// anything to the left. So: if the peer is not a trusted proxy, the peer is the client; otherwise
    /// walk the list from the right past trusted proxies, and the first other address is the client.
    /// A malformed entry there ends the walk at the last trusted hop.
    public static func clientAddress(peer: String, forwardedFor headers: [String], trusted: [IPNetwork]) -> String {
        func isTrusted(_ text: String) -> Bool {
            guard let address = IPAddress(text) else { return false }
            return trusted.contains { $0.contains(address) }
        }
        guard isTrusted(peer) else { return peer }
        let hops = headers.flatMap { $0.split(separator: ",") }.map { String($0).trimmed }.filter { !$0.isEmpty }
        var client = peer
        for hop in hops.reversed() {
            guard IPAddress(hop) != nil else { return client }
            client = hop
            if !isTrusted(hop) { return client }
        }
        return client
    }
}
