import Crypto
import Foundation
import Vapor

/// Random tokens and their stored fingerprints.
enum Secrets {
    /// A fresh random token: 32 bytes from the system's secure generator, hex encoded.
    static func randomToken(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + hex(bytes)
    }

    /// What is stored instead of a token: its SHA-256, so a copy of the database signs no one in.
    static func fingerprint(_ token: String) -> String {
        hex(Array(SHA256.hash(data: Data(token.utf8))))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }

    /// Compares two strings in time independent of where they differ.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// bcrypt password hashing, off the event loop.
///
/// bcrypt reads at most 72 bytes; a 128-character Chinese password is 384. Passwords are therefore
/// first reduced to the base64 of their SHA-256 (44 bytes), so every character counts.
struct PasswordHashing: Sendable {
    let cost: Int
    let threadPool: NIOThreadPool

    private static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive {
            try Bcrypt.hash(Self.prehash(password), cost: cost)
        }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive {
            (try? Bcrypt.verify(Self.prehash(password), created: hash)) ?? false
        }
    }

    /// A hash of a password no one knows, verified against when the username is unknown so that an
    /// unknown user takes as long to refuse as a wrong password.
    static func makeDecoyHash(cost: Int) throws -> String {
        try Bcrypt.hash(prehash(Secrets.randomToken()), cost: cost)
    }
}

extension Request {
    var passwords: PasswordHashing {
        PasswordHashing(cost: kefu.configuration.bcryptCost, threadPool: application.threadPool)
    }
}

extension Application {
    var passwordHashing: PasswordHashing {
        PasswordHashing(cost: kefu.configuration.bcryptCost, threadPool: threadPool)
    }
}
