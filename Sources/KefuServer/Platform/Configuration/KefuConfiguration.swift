import Foundation
import KefuDomain
import Logging

/// Everything Kefu reads from its environment, parsed once at start-up into typed values.
///
/// Parsing fails fast with a message that names the variable and what it expects, so a typo in a
/// deployment stops the process before it serves a single request.
public struct KefuConfiguration: Sendable {
    public enum DatabaseKind: Sendable, Equatable {
        /// An SQLite file (the embedded default) or, for tests, an in-memory database.
        case sqlite(path: String?)
        /// A PostgreSQL server, from a `postgres://` URL.
        case postgres(url: String)
    }

    public var hostname: String
    public var port: Int
    public var dataDirectory: String
    public var database: DatabaseKind
    /// The first administrator's password; nil means generate one and print it once.
    public var adminPassword: String?
    public var secureCookies: Bool
    public var logLevel: Logger.Level
    /// Requests with a larger body are refused with 413.
    public var maxBodyBytes: Int
    public var sessionIdleMinutes: Int
    public var sessionAbsoluteHours: Int
    /// bcrypt work factor; tests lower it to keep the suite fast.
    public var bcryptCost: Int
    /// The proxies in front of Kefu (addresses or CIDR blocks) whose `X-Forwarded-For` is believed:
    /// the client is the right-most address not among them (issue 11 #6). Empty: the peer is the client.
    public var trustedProxies: [IPNetwork]
    /// How often the in-process scheduler looks for due jobs; 0 turns it off.
    public var schedulerIntervalSeconds: Int
    /// The public inquiry form and its queue (R4.1 #2).
    public var inquiries = InquirySettings()
    /// Where people reach Kefu (https://kefu.example.cn), for links in chat messages; none without it.
    public var baseURL: String?
    /// On SIGTERM, how long Kefu keeps serving — answering `/readyz` with 503 and asking every client
    /// to close its connection — before it stops accepting and closes idle connections (issue 17 §6).
    public var drainSeconds = 2
    /// Penalties and appeals (R7.2): the days within which a penalty may be appealed, and the penalty from
    /// which leadership, not the supervisor, decides the appeal.
    public var conduct = ConductSettings()
    /// How long computed figures that read a department's records (a plan's live progress) are kept;
    /// 0 computes them on every request, as tests do.
    public var figureCacheSeconds = 0

    public struct InquirySettings: Sendable {
        /// Who gets a public-form inquiry: the supervisor by hand (default), round robin, or by industry.
        public var assignment: InquiryAssignmentRule = .manual
        /// Industry → username, for assignment by industry.
        public var industryMap: [String: String] = [:]
        /// The privacy notice the form shows; recorded with each consent.
        public var privacyNoticeVersion = "2026-01"
        /// Submissions one address may make in ten minutes.
        public var submissionsPerAddress = 5
        public init() {}
    }

    public static let defaultPort = 8080

    /// The configuration tests and embedded tools start from.
    public static func testing() -> KefuConfiguration {
        KefuConfiguration(
            hostname: "127.0.0.1", port: defaultPort, dataDirectory: "./kefu-data", database: .sqlite(path: nil),
            adminPassword: nil, secureCookies: false, logLevel: .warning, maxBodyBytes: 1 << 20,
            sessionIdleMinutes: 120, sessionAbsoluteHours: 12, bcryptCost: 4, trustedProxies: [],
            schedulerIntervalSeconds: 0
        )
    }

    /// Reads the configuration from environment variables (`KEFU_*`).
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> KefuConfiguration
    {
        var reader = EnvironmentReader(environment)
        let dataDirectory = reader.string("KEFU_DATA_DIR") ?? "./kefu-data"
        let database: DatabaseKind
        if let url = reader.string("KEFU_DATABASE_URL") {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                database = .postgres(url: url)
            } else if url.hasPrefix("sqlite://") {
                database = .sqlite(path: String(url.dropFirst("sqlite://".count)))
            } else {
                reader.fail(
                    "KEFU_DATABASE_URL", "expected postgres://user:password@host:port/database or sqlite://path")
                database = .sqlite(path: nil)
            }
        } else {
            database = .sqlite(path: dataDirectory + "/kefu.sqlite3")
        }
        let adminPassword = reader.string("KEFU_ADMIN_PASSWORD")
        if let adminPassword, adminPassword.count < 10 || adminPassword.count > 128 {
            reader.fail("KEFU_ADMIN_PASSWORD", "must be 10–128 characters")
        }
        var configuration = KefuConfiguration(
            hostname: reader.string("KEFU_HOST") ?? "127.0.0.1",
            port: reader.integer("KEFU_PORT", in: 1...65535) ?? defaultPort,
            dataDirectory: dataDirectory,
            database: database,
            adminPassword: adminPassword,
            secureCookies: reader.bool("KEFU_SECURE_COOKIES") ?? false,
            logLevel: reader.logLevel("KEFU_LOG_LEVEL") ?? .info,
            maxBodyBytes: reader.integer("KEFU_MAX_BODY_BYTES", in: 1024...(512 << 20)) ?? (24 << 20),
            sessionIdleMinutes: reader.integer("KEFU_SESSION_IDLE_MINUTES", in: 1...1440) ?? 120,
            sessionAbsoluteHours: reader.integer("KEFU_SESSION_ABSOLUTE_HOURS", in: 1...720) ?? 12,
            bcryptCost: reader.integer("KEFU_BCRYPT_COST", in: 4...16) ?? 12,
            trustedProxies: reader.trustedProxies(),
            schedulerIntervalSeconds: reader.integer("KEFU_SCHEDULER_INTERVAL_SECONDS", in: 0...86400) ?? 30
        )
        var settings = InquirySettings()
        if let rule = reader.string("KEFU_INQUIRY_ASSIGNMENT") {
            if let parsed = InquiryAssignmentRule(rawValue: rule) {
                settings.assignment = parsed
            } else {
                reader.fail("KEFU_INQUIRY_ASSIGNMENT", "expected manual, round_robin or industry")
            }
        }
        if let map = reader.string("KEFU_INQUIRY_INDUSTRY_MAP") {
            switch InquiryAssignment.industryMap(map) {
            case .success(let parsed): settings.industryMap = parsed
            case .failure:
                reader.fail(
                    "KEFU_INQUIRY_INDUSTRY_MAP",
                    "expected industry=username pairs separated by commas, e.g. manufacturing=lina,technology=zhangwei")
            }
        }
        if let version = reader.string("KEFU_PRIVACY_NOTICE_VERSION") {
            settings.privacyNoticeVersion = String(version.prefix(32))
        }
        settings.submissionsPerAddress = reader.integer("KEFU_PUBLIC_FORM_LIMIT", in: 1...10_000) ?? 5
        configuration.inquiries = settings
        configuration.drainSeconds = reader.integer("KEFU_DRAIN_SECONDS", in: 0...60) ?? 2
        if let base = reader.string("KEFU_BASE_URL") {
            if base.hasPrefix("http://") || base.hasPrefix("https://") {
                configuration.baseURL = base.trimmingSuffix("/")
            } else {
                reader.fail("KEFU_BASE_URL", "expected the address people open, e.g. https://kefu.example.cn")
            }
        }
        configuration.conduct.appealDays = reader.integer("KEFU_PENALTY_APPEAL_DAYS", in: 1...90) ?? 7
        configuration.figureCacheSeconds = reader.integer("KEFU_FIGURE_CACHE_SECONDS", in: 0...3600) ?? 60
        if let level = reader.string("KEFU_PENALTY_LEADERSHIP_FROM") {
            if let kind = PenaltyKind(rawValue: level) {
                configuration.conduct.leadershipDecidesFrom = kind
            } else {
                reader.fail(
                    "KEFU_PENALTY_LEADERSHIP_FROM", "expected warning, criticism, bonus_deduction or reassignment")
            }
        }
        if !reader.problems.isEmpty { throw ConfigurationError(problems: reader.problems) }
        return configuration
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

/// Every problem found in the environment, reported together.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public var description: String {
        "Kefu cannot start, its configuration is invalid:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Reads typed values from environment variables, collecting problems instead of stopping at the first.
struct EnvironmentReader {
    private let environment: [String: String]
    private(set) var problems: [String] = []

    init(_ environment: [String: String]) { self.environment = environment }

    mutating func fail(_ name: String, _ message: String) {
        problems.append("\(name)=\(environment[name] ?? ""): \(message)")
    }

    func string(_ name: String) -> String? {
        guard let value = environment[name]?.trimmed, !value.isEmpty else { return nil }
        return value
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            fail(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return value
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let text = string(name)?.lowercased() else { return nil }
        switch text {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default:
            fail(name, "expected true or false")
            return nil
        }
    }

    /// `KEFU_TRUSTED_PROXIES` (addresses or CIDR blocks, comma separated). `KEFU_TRUST_FORWARDED_FOR=true`
    /// alone is refused: trusting every sender of the header lets any client choose its own address.
    mutating func trustedProxies() -> [IPNetwork] {
        let trust = bool("KEFU_TRUST_FORWARDED_FOR")
        guard trust != false else { return [] }
        guard let list = string("KEFU_TRUSTED_PROXIES") else {
            if trust == true {
                fail(
                    "KEFU_TRUST_FORWARDED_FOR",
                    "name the proxies whose X-Forwarded-For Kefu may believe in KEFU_TRUSTED_PROXIES, e.g. 10.0.0.5,10.0.1.0/24"
                )
            }
            return []
        }
        let entries = list.split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
        let networks = entries.compactMap(IPNetwork.init)
        if networks.count != entries.count || networks.isEmpty {
            fail(
                "KEFU_TRUSTED_PROXIES",
                "expected IP addresses or CIDR blocks separated by commas, e.g. 10.0.0.5,10.0.1.0/24")
        }
        return networks
    }

    mutating func logLevel(_ name: String) -> Logger.Level? {
        guard let text = string(name)?.lowercased() else { return nil }
        guard let level = Logger.Level(rawValue: text) else {
            fail(name, "expected one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return level
    }
}
