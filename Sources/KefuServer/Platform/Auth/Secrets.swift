import Crypto
import Foundation
import NIOConcurrencyHelpers
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

/// bcrypt password hashing on threads of its own (issue 17 §3).
///
/// bcrypt is meant to be slow: on NIO's shared blocking pool (two threads on these machines) a burst
/// of thirty sign-ins starved SQLite, which does its file work on the same threads, and other people's
/// reads took seconds or failed. Here hashing has its own pool, and at most `maximumWaiting` hashings
/// are admitted at once; beyond that the request is answered 503 with `Retry-After` at once rather
/// than queued behind a minute of work.
///
/// bcrypt reads at most 72 bytes; a 128-character Chinese password is 384. Passwords are therefore
/// first reduced to the base64 of their SHA-256 (44 bytes), so every character counts.
final class PasswordHashing: Sendable {
    let cost: Int
    let maximumWaiting: Int
    private let pool: NIOThreadPool
    private let admitted = NIOLockedValueBox(0)

    init(cost: Int, threads: Int = max(2, System.coreCount), maximumWaiting: Int = 64) {
        self.cost = cost
        self.maximumWaiting = maximumWaiting
        self.pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// How many hashings are admitted now (running or waiting for a thread).
    var admittedCount: Int { admitted.withLockedValue { $0 } }

    private static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await run { try Bcrypt.hash(Self.prehash(password), cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await run { (try? Bcrypt.verify(Self.prehash(password), created: hash)) ?? false }
    }

    private func run<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        let limit = maximumWaiting
        let isAdmitted = admitted.withLockedValue { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard isAdmitted else { throw KefuError.busy(retryAfterSeconds: 1) }
        defer { admitted.withLockedValue { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    /// A hash of a password no one knows, verified against when the username is unknown so that an
    /// unknown user takes as long to refuse as a wrong password.
    static func makeDecoyHash(cost: Int) throws -> String {
        try Bcrypt.hash(prehash(Secrets.randomToken()), cost: cost)
    }
}

extension Request {
    var passwords: PasswordHashing { kefu.passwordHashing }
}

extension Application {
    var passwordHashing: PasswordHashing { kefu.passwordHashing }
}

/// Stops the hashing threads when the application shuts down.
struct PasswordHashingLifecycle: LifecycleHandler {
    let hashing: PasswordHashing

    func shutdownAsync(_ application: Application) async {
        await hashing.shutdown()
    }
}
